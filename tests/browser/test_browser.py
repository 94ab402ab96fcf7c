"""The website in a real browser (Debian's Chromium driven by Playwright), offline.

Every page of the table of contents is served from localhost by the test; every request
that leaves localhost is blocked and counted as a failure. Per page: no console errors;
every chart draws, has a text description for assistive technology and a CSV download;
nothing overflows a 390 px phone screen; glued numbers are keyboard focusable and their
provenance pop-up shows on focus, with links that resolve; search finds the page; axe-core
finds no serious or critical accessibility violation.

The per-page checks run on the real book (``real_book``) and on the two-notebook mini
book. The mini book also proves that the checks fail when the chart bundle is broken or a
page loads something from a CDN, and that hostile text in the data renders as text.

Without /usr/bin/chromium (or axe-core, vendored by ``make test`` with npm) these tests
skip with the reason; with BATTERYREPORT_REQUIRE_BROWSER=1 (``.ci/run``) they fail.
Screenshots of failing pages go to tests/_artifacts/.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from browser_support import (
    axe_path,
    chromium_missing,
    launch_chromium,
    new_context,
    open_page,
    screenshot_on_failure,
    serve,
    sidebar_pages,
    toc_pages,
    unavailable,
)
from chart_checks import fit_problems
from playwright.sync_api import expect

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MINI = HERE.parent / "fixtures" / "minibook"

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHART_TIMEOUT_MS = 30_000
TAB_WALK_NUMBERS = 5  # glued numbers per page reached with real Tab presses
HOSTILE = ['<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=1">']

SITES = {  # name: (table of contents, xdist group the site's build belongs to)
    "real": (REPO / "_toc.yml", "realbook"),
    "mini": (MINI / "_toc.yml", "browser-mini"),
}


# Pages made by the build's page generators (build/pages.py), the same code for both
# sites: the real book's copies are checked; the mini book's own pages are its notebooks
# and front page.
GENERATED_PAGES = {f"book/_generated/{n}.html" for n in (
    "what_changed", "editions", "about_edition", "data_sources", "data_dictionary")}


def _page_params() -> list:
    out = []
    for name, (toc, group) in SITES.items():
        for page in toc_pages(toc):
            if name != "real" and page in GENERATED_PAGES:
                continue
            out.append(pytest.param(name, page, id=f"{name}:{page}",
                                    marks=pytest.mark.xdist_group(group)))
    return out


PAGES = _page_params()
SITE_PARAMS = [pytest.param(n, id=n, marks=pytest.mark.xdist_group(g))
               for n, (_, g) in SITES.items()]


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def chromium():
    # Module scope: Playwright's sync API runs one instance per thread at a time, and other
    # browser test modules (test_whatif_browser.py) start their own.
    missing = chromium_missing()
    if missing:
        unavailable(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, ["--process-per-site"])  # (see context_for)
        try:
            yield browser
        finally:
            browser.close()


def build_mini(root: Path) -> Path:
    """Build the mini book assembled at ``root``; returns its published site."""
    from conftest import run_build

    out = run_build(root)
    assert out.returncode == 0, f"mini book build failed:\n{out.stdout}\n{out.stderr}"
    return (root / "_build" / "html").resolve()


@pytest.fixture(scope="session")
def mini_site(mini_built) -> Path:
    """The mini book's site after its first build (made once per run: read-only)."""
    return (mini_built / "_build" / "html").resolve()


@pytest.fixture(scope="session")
def servers():
    """One localhost server per site folder, for the whole session."""
    with contextlib.ExitStack() as stack:
        urls: dict[Path, str] = {}

        def url_for(site: Path) -> str:
            if site not in urls:
                urls[site] = stack.enter_context(serve(site))
            return urls[site]

        yield url_for


def site_for(request, name: str) -> Path:
    if name == "real":
        return (request.getfixturevalue("real_book") / "_build" / "html").resolve()
    return request.getfixturevalue("mini_site")


@pytest.fixture
def site(request, servers):
    """(site folder, base URL) for the site named by the test's ``name`` parameter."""
    folder = site_for(request, request.node.callspec.params["name"])
    return folder, servers(folder)


@pytest.fixture(scope="session")
def axe() -> Path:
    return axe_path()


@pytest.fixture(scope="module")
def kept_contexts():
    """One browser context per site and viewport, which this module's page checks take in
    turn (:func:`context_for`)."""
    kept: dict = {}
    yield kept
    for ctx, _, _ in kept.values():
        ctx.close()


def context_for(browser, kept: dict, base: str, *, width: int, height: int):
    """The site's kept context at this viewport (a context of its own the first time), for
    one test. A page of the site stays open in it, so Chromium keeps one process for the
    site (``--process-per-site``) with its code and memory caches: a page load then costs
    about half the CPU of one in a fresh context. After the test its pages are closed and
    the site's storage and cookies cleared, so the next test starts as in a fresh context
    but for those caches (a file a page fetched may come from them for the next page: a
    font download is still caught, by the first page that makes it). Each visit reads
    only the requests made while it was open (``Visit.blocked``)."""
    key = (base, width, height)
    if key not in kept:
        ctx, offline = new_context(browser, width=width, height=height)
        keeper = ctx.new_page()
        keeper.goto(base)
        kept[key] = (ctx, offline, keeper)
    ctx, offline, keeper = kept[key]
    try:
        yield ctx, offline
    finally:
        for page in ctx.pages:
            if page is not keeper:
                page.close()
        keeper.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        ctx.clear_cookies()


@pytest.fixture
def context(chromium, kept_contexts, site):
    yield from context_for(chromium, kept_contexts, site[1], width=1280, height=900)


@pytest.fixture
def phone_context(chromium, kept_contexts, site):
    yield from context_for(chromium, kept_contexts, site[1], width=PHONE["width"],
                           height=PHONE["height"])


# ---------------------------------------------------------------------------- checks


def wait_for_charts(page) -> None:
    """Wait until every chart container has drawn or given up (see charts.js)."""
    with contextlib.suppress(Exception):  # a timeout is reported by chart_problems
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.br-vega'))"
            ".every(el => ['done', 'failed'].includes(el.getAttribute('data-drawn')))",
            timeout=CHART_TIMEOUT_MS)
    visit = getattr(page, "br_visit", None)
    if visit is not None:
        visit.settle()
    else:
        with contextlib.suppress(Exception):
            page.wait_for_load_state("networkidle", timeout=5_000)


CHART_STATE = """() => {
  const figures = Array.from(document.querySelectorAll('figure.br-chart'));
  const loose = Array.from(document.querySelectorAll('.br-vega'))
    .filter(el => !el.closest('figure.br-chart')).map(el => el.id);
  return {loose, figures: figures.map((fig, i) => {
    // A chart drawn by charts.js (.br-vega), or at build time (.br-static: a wide and a
    // narrow SVG, one of them shown).
    const vegas = fig.querySelectorAll('.br-vega, .br-static');
    const el = vegas[0];
    const svg = el ? (Array.from(el.querySelectorAll('svg'))
      .find(s => s.getBoundingClientRect().width > 0) || null) : null;
    const links = Array.from(fig.querySelectorAll('a.br-csv'));
    const desc = fig.querySelector('.br-desc');
    return {
      name: fig.id || ('figure ' + (i + 1)),
      containers: vegas.length,
      state: el ? el.getAttribute('data-drawn') : null,
      text: el ? el.textContent.slice(0, 200) : '',
      marks: svg ? svg.querySelectorAll('.role-mark > *').length : 0,
      containerLabel: el ? (el.getAttribute('aria-label') || '') : '',
      containerRole: el ? el.getAttribute('role') : null,
      svgRole: svg ? svg.getAttribute('role') : null,
      svgLabel: svg ? (svg.getAttribute('aria-label') || '') : '',
      description: desc ? desc.textContent.trim() : '',
      csv: links.map(a => ({href: a.getAttribute('href') || '',
                            download: a.getAttribute('download') || ''})),
    };
  })};
}"""


def decode_csv(href: str) -> list[list[str]]:
    head, _, payload = href.partition(",")
    if not head.startswith("data:text/csv"):
        raise ValueError(f"not a data:text/csv URL: {href[:60]}")
    raw = base64.b64decode(payload) if head.endswith(";base64") else unquote(payload).encode()
    return list(csv.reader(io.StringIO(raw.decode("utf-8"))))


def chart_problems(page) -> list[str]:
    state = page.evaluate(CHART_STATE)
    out = [f"chart container #{i} is not inside a figure.br-chart" for i in state["loose"]]
    for f in state["figures"]:
        who = f"chart {f['name']}"
        if f["containers"] != 1:
            out.append(f"{who}: {f['containers']} chart containers (expected 1)")
            continue
        if f["state"] != "done" or f["marks"] == 0:
            out.append(f"{who} did not draw (state {f['state']!r}, {f['marks']} marks): "
                       f"{f['text']!r}")
        if not f["description"]:
            out.append(f"{who}: no text description (.br-desc)")
        if not f["containerLabel"].strip() or f["containerRole"] not in ("group", "figure"):
            out.append(f"{who}: container needs role=group and an aria-label "
                       f"(role {f['containerRole']!r}, label {f['containerLabel']!r})")
        if f["state"] == "done" and (f["svgRole"] != "img"
                                     or f["svgLabel"].strip() != f["description"]):
            out.append(f"{who}: the SVG is not an image named by the description "
                       f"(role {f['svgRole']!r}, aria-label {f['svgLabel']!r})")
        if len(f["csv"]) != 1:
            out.append(f"{who}: {len(f['csv'])} CSV download links (a.br-csv), expected 1")
        for link in f["csv"]:
            try:
                rows = decode_csv(link["href"])
            except Exception as exc:  # noqa: BLE001 - reported as a problem
                out.append(f"{who}: CSV link does not decode: {exc}")
                continue
            header = rows[0] if rows else []
            if not header or not all(h.strip() for h in header):
                out.append(f"{who}: CSV has no header row: {header!r}")
            elif any(len(r) != len(header) for r in rows[1:]):
                out.append(f"{who}: CSV rows do not match the header's {len(header)} columns")
            if not link["download"].endswith(".csv"):
                out.append(f"{who}: CSV link's download name {link['download']!r}")
    return out


def page_problems(ctx, offline, url: str):
    """Load ``url`` and return (visit, problems): loading offline, console, charts."""
    visit = open_page(ctx, offline, url)
    wait_for_charts(visit.page)
    return visit, chart_problems(visit.page) + visit.load_problems()


def blur(page) -> None:
    """No element focused, the mouse parked in a corner: no pop-up open."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(0, 0)


def report(problems: list[str]) -> str:
    return "\n  - " + "\n  - ".join(problems)


def page_id(page: str) -> str:
    return page.rsplit("/", 1)[-1].removesuffix(".html")


# ---------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", SITE_PARAMS)
def test_sidebar_lists_the_table_of_contents(name, site):
    folder, _ = site
    pages = toc_pages(SITES[name][0])
    assert sidebar_pages(folder) == pages
    missing = [p for p in pages if not (folder / p).is_file()]
    assert not missing, f"TOC pages not built: {missing}"


OVERFLOW = """(full) => {
  const W = window.innerWidth, sw = document.documentElement.scrollWidth;
  const out = [], seen = new Set();
  if (sw <= W || !full) return {scrollWidth: sw, innerWidth: W, offenders: out};
  const describe = (el, r) => {
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}> right edge ` +
           `${Math.round(r.right)} px: ${(el.textContent || '').trim().slice(0, 60)}`;
  };
  const candidates = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= W + 0.5 || (r.width === 0 && r.height === 0)) continue;
    seen.add(el);
    if (seen.has(el.parentElement)) continue;  // report the outermost element only
    if (candidates.length < 8) candidates.push(describe(el, r) + ' [' +
                                               getComputedStyle(el).position + ']');
    const cs = getComputedStyle(el);
    if (cs.position === 'fixed' || cs.visibility === 'hidden') continue;
    let clipped = false;
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.position === 'fixed') { clipped = true; break; }
      if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= W + 0.5) {
        clipped = true; break;
      }
    }
    if (clipped) continue;
    out.push(describe(el, r));
    if (out.length >= 8) break;
  }
  // Nothing found in the flow: show what sticks out at all (fixed, hidden, clipped).
  return {scrollWidth: sw, innerWidth: W, offenders: out.length ? out : candidates};
}"""


def overflow_problem(page, when: str) -> str | None:
    got = page.evaluate(OVERFLOW, True)
    if got["scrollWidth"] <= got["innerWidth"]:
        return None
    return (f"{when}: page is {got['scrollWidth']} px wide in a {got['innerWidth']} px "
            f"viewport; overflowing: {got['offenders'] or 'unknown element'}")


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_page_fits_a_390px_phone(name, page, site, phone_context):
    _, base = site
    ctx, offline = phone_context
    visit = open_page(ctx, offline, base + page)
    wait_for_charts(visit.page)
    with screenshot_on_failure(visit.page, f"{name}-{page}-phone"):
        width = visit.page.evaluate("window.innerWidth")
        assert width == PHONE["width"], f"viewport is {width} px wide"
        loaded = overflow_problem(visit.page, "after load")
        problems = [loaded] if loaded else []
        problems += [f"charts fitting their columns: {p}" for p in fit_problems(visit.page)]
        nums = visit.page.locator(".br-num")
        boxes = visit.page.evaluate("""() => Array.from(document.querySelectorAll('.br-num'))
          .map(el => { el.focus(); const p = el.querySelector('.br-prov');
                       const r = p ? p.getBoundingClientRect() : null;
                       const sw = document.documentElement.scrollWidth;
                       el.blur(); return r && [r.left, r.right, sw]; })""")
        for i, box in enumerate(boxes):
            if box is None:
                continue
            left, right, scroll_width = box
            key = nums.nth(i).get_attribute("data-key")
            if left < 0 or right > width + 0.5:
                problems.append(f"provenance pop-up of number {i + 1} ({key}) spans "
                                f"x={left:.0f}..{right:.0f} px")
            elif scroll_width > width and not loaded:
                nums.nth(i).focus()
                problems.append(overflow_problem(visit.page, f"with number {i + 1} focused"))
        problems += visit.load_problems()
        assert not problems, f"{page} at {PHONE['width']} px:{report(problems)}"


FIND_IDS = """async ([url, ids]) => {
  const resp = await fetch(url);
  if (!resp.ok) return {status: resp.status, found: []};
  const doc = new DOMParser().parseFromString(await resp.text(), 'text/html');
  return {status: resp.status, found: ids.filter(i => doc.getElementById(i))};
}"""


def number_problems(pg, base: str) -> list[str]:
    """Glued numbers: the first ones reached with the Tab key, every one focusable with its
    provenance pop-up shown on focus only, and the pop-up's links resolving on the site."""
    problems: list[str] = []
    nums = pg.locator(".br-num")
    n = nums.count()
    # Real keyboard: Tab from the top of the page reaches the first numbers in turn (a
    # page of 170 numbers takes ~500 presses to walk; NUMBERS below checks every number
    # takes focus and is in the tab order).
    first = min(n, TAB_WALK_NUMBERS)
    pg.evaluate("""() => { window.__brFocused = new Set();
      document.querySelectorAll('.br-num').forEach((el, i) => el.addEventListener(
        'focus', () => window.__brFocused.add(i))); }""")
    if first:
        stops = pg.evaluate("document.querySelectorAll('a[href], button, input, select, "
                            "textarea, summary, [tabindex]').length")
        for _ in range(min(stops + 10, 2000)):
            pg.keyboard.press("Tab")
            if pg.evaluate(f"window.__brFocused.has({first - 1})"):
                break
        reached = set(pg.evaluate("Array.from(window.__brFocused)"))
        for i in sorted(set(range(first)) - reached):
            problems.append(f"number {i + 1} ({nums.nth(i).get_attribute('data-key')}) "
                            "is never reached with the Tab key")
    blur(pg)
    targets: dict[str, set[str]] = {}
    for num in pg.evaluate(NUMBERS):
        key = num["key"]
        if num["popups"] != 1:
            problems.append(f"number {key}: {num['popups']} .br-prov pop-ups")
            continue
        if num["visibleBefore"]:
            problems.append(f"number {key}: pop-up visible before focus")
        if not num["focused"]:
            problems.append(f"number {key}: not focusable (tabindex {num['tabIndex']})")
        if not num["visibleOnFocus"]:
            problems.append(f"number {key}: pop-up not visible on focus")
        for href in num["links"]:
            parts = urlsplit(href)
            if not href.startswith(base) or not parts.fragment:
                problems.append(f"number {key}: link {href} is not a local anchor")
                continue
            targets.setdefault(href.split("#")[0], set()).add(unquote(parts.fragment))
    for url, ids in sorted(targets.items()):
        # The target page as the site serves it, parsed by this page (no second page
        # load: the anchors are in the served HTML, not made by a script).
        target = pg.evaluate(FIND_IDS, [url, sorted(ids)])
        if target["status"] != 200:
            problems.append(f"provenance target {url} answers {target['status']}")
        else:
            problems += [f"provenance link {url}#{i}: no element with that id"
                         for i in sorted(ids - set(target["found"]))]
    # Back at the top, as loaded: scrolled to the last number, the sticky header covers
    # text that axe then cannot check for contrast ("incomplete", not a violation).
    pg.evaluate("window.scrollTo(0, 0)")
    return problems


NUMBERS = """() => Array.from(document.querySelectorAll('.br-num')).map(el => {
  const pops = el.querySelectorAll('.br-prov'), pop = pops[0];
  const shown = () => !!pop && pop.checkVisibility() && pop.getBoundingClientRect().width > 0;
  const out = {key: el.getAttribute('data-key'), popups: pops.length, tabIndex: el.tabIndex};
  out.visibleBefore = shown();
  el.focus();
  out.focused = document.activeElement === el && el.tabIndex >= 0;
  out.visibleOnFocus = shown();
  out.links = pop ? Array.from(pop.querySelectorAll('a')).map(a => a.href) : [];
  el.blur();
  return out;
})"""


def search_term(title: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]{4,}", title)]
    assert words, f"no searchable word in the title {title!r}"
    return max(words, key=len)


def page_title(folder: Path, page: str) -> str:
    """The page's title as the reader sees it (from the built file)."""
    html = (folder / page).read_text(encoding="utf-8")
    h1 = re.search(r"<article.*?<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    assert h1, f"{page} has no title"
    return unescape(re.sub(r"<[^>]+>", "", h1.group(1))).strip()


# The search page's own code (Sphinx's searchtools.js) runs a search: the one the address
# asks for when the page loads, or the next one in the same page, its old results cleared
# first (as loading the page again would, without the load).
SEARCH_AGAIN = """(q) => { document.getElementById('search-results').replaceChildren();
  Search.performSearch(q); }"""
# Finished: the summary's text is set once every result is listed (it starts empty).
SEARCH_DONE = """() => { const s = document.querySelector('#search-results p.search-summary');
  return !!s && s.innerText.trim() !== ''; }"""


@pytest.mark.parametrize("name", SITE_PARAMS)
def test_search_finds_every_page(name, site, context):
    """Searching the longest word of each page's title lists the page. The first search
    comes in the address, as the search box sends it; the others are run by the same code
    in the same page (a load of the search page each would cost more than the searches)."""
    folder, base = site
    ctx, offline = context
    terms = {page: search_term(page_title(folder, page)) for page in toc_pages(SITES[name][0])}
    problems: list[str] = []
    visit = None
    for page, term in terms.items():
        if visit is None:
            visit = open_page(ctx, offline, f"{base}search.html?q={quote(term)}")
        else:
            visit.page.evaluate(SEARCH_AGAIN, term)
        pg = visit.page
        with screenshot_on_failure(pg, f"{name}-search-{page_id(page)}"):
            pg.wait_for_function(SEARCH_DONE, timeout=20_000)
            found = pg.eval_on_selector_all("#search-results ul.search li a",
                                            "links => links.map(a => a.href)")
            paths = {urlsplit(h).path for h in found}
            if "/" + page not in paths:
                problems.append(f"searching {term!r} (from the title of {page}) did not list "
                                f"it; got {sorted(paths)}")
    assert visit is not None
    problems += visit.load_problems()
    assert not problems, report(problems)


AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']})"


def axe_problems(pg, axe: Path) -> list[str]:
    """Serious or critical axe-core violations in light mode, then in dark mode as the
    theme's switch sets it. Every rule runs in both: the switch does more than change
    colours (the charts are drawn again, with their labels and controls; the theme
    shows its dark logo and icons), and the charts drawn again are checked as on load
    (:func:`chart_problems`)."""
    problems: list[str] = []
    pg.add_script_tag(path=str(axe))
    for mode in ("light", "dark"):  # light is the default; dark is a click away
        if mode == "dark":  # as the theme's switch does it (the charts re-theme)
            pg.evaluate("() => { localStorage.setItem('mode', 'dark'); "
                        "localStorage.setItem('theme', 'dark'); "
                        "document.documentElement.dataset.mode = 'dark'; "
                        "document.documentElement.dataset.theme = 'dark'; }")
            wait_for_charts(pg)
            # The theme fades colours over a moment: check the colours it ends on.
            # (Reading a computed style first makes the browser start any such fade now.)
            pg.wait_for_function("() => { getComputedStyle(document.body).color; "
                                 "return document.getAnimations()"
                                 ".every(a => a.playState !== 'running'); }", timeout=5_000)
            problems += [f"dark mode: {p}" for p in chart_problems(pg)]
        theme = pg.evaluate("document.documentElement.dataset.theme")
        if theme != mode:
            return problems + [f"{mode} mode: the page's theme is {theme!r}"]
        result = pg.evaluate(AXE_RUN)
        problems += [
            f"{mode} mode: {v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})\n      "
            + "\n      ".join(f"{n['target']}: {n['html'][:160]}" for n in v["nodes"][:6])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return problems


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_page_loads_offline_with_focusable_numbers_and_no_serious_accessibility_violations(
        name, page, axe, site, context):
    """At 1280 px, on one load of the page (each load is a good part of the suite's time):
    nothing leaves localhost, every chart draws (:func:`chart_problems`) and fits its
    column with nothing clipped (``chart_checks.fit_problems``); the glued
    numbers work from the keyboard (:func:`number_problems`, which leaves no pop-up open
    and the page scrolled back to the top); axe-core finds no serious or critical
    violation, light or dark (:func:`axe_problems`). Each check's problems are reported
    together, under its name."""
    _, base = site
    ctx, offline = context
    visit, loaded = page_problems(ctx, offline, base + page)
    pg = visit.page
    with screenshot_on_failure(pg, f"{name}-{page}"):
        problems = [f"loading: {p}" for p in loaded]
        problems += [f"charts fitting their columns: {p}" for p in fit_problems(pg)]
        problems += [f"numbers: {p}" for p in number_problems(pg, base)]
        problems += [f"accessibility: {p}" for p in axe_problems(pg, axe)]
        problems += [f"after loading: {p}" for p in visit.load_problems() if p not in loaded]
        assert not problems, f"{page}:{report(problems)}"


# ---------------------------------------------------------------------------- the checks can fail


@pytest.mark.xdist_group("browser-mini")
def test_a_kept_context_starts_each_test_as_a_fresh_one_would(chromium, mini_site, servers):
    base = servers(mini_site)
    kept: dict = {}
    first = context_for(chromium, kept, base, width=1280, height=900)
    ctx, offline = next(first)
    visit = open_page(ctx, offline, base + "book/index.html")
    visit.page.evaluate("() => { localStorage.setItem('mode', 'dark'); "
                        "sessionStorage.setItem('x', '1'); }")
    ctx.add_cookies([{"name": "c", "value": "1", "url": base}])
    ctx.new_page()
    next(first, None)  # the test is over
    again = context_for(chromium, kept, base, width=1280, height=900)
    ctx2, _ = next(again)
    assert ctx2 is ctx and len(ctx.pages) == 1  # the same context, the kept page alone
    assert ctx.cookies() == []
    storage = "() => [{...localStorage}, {...sessionStorage}, document.documentElement.dataset]"
    kept_view = open_page(ctx, offline, base + "book/index.html").page.evaluate(storage)
    fresh, fresh_offline = new_context(chromium)
    try:  # what the page itself stores (the theme's mode) is as in a fresh context
        assert kept_view == open_page(fresh, fresh_offline,
                                      base + "book/index.html").page.evaluate(storage)
    finally:
        fresh.close()
    assert kept_view[0].get("mode") != "dark"
    next(again, None)
    ctx.close()


@pytest.mark.xdist_group("browser-mini")
def test_breaking_the_bundle_or_adding_a_cdn_link_fails(chromium, mini_site, tmp_path):
    """The checks above catch a broken chart bundle, a page loading from a CDN and one
    opening a web socket to another host."""
    broken = tmp_path / "site"
    shutil.copytree(mini_site, broken)
    chart_page = "book/_generated/alpha.html"
    with serve(broken) as base:
        def problems_of(page: str) -> list[str]:
            ctx, offline = new_context(chromium)  # (a context of its own: no cached file)
            try:
                return page_problems(ctx, offline, base + page)[1]
            finally:
                ctx.close()

        problems = problems_of(chart_page)
        assert problems == [], f"the intact copy should pass:{report(problems)}"

        (broken / "_static" / "vega-bundle.js").write_text("", encoding="utf-8")
        problems = problems_of(chart_page)
        assert any("did not draw" in p for p in problems), problems
        assert any("console error" in p for p in problems), problems

        shutil.copyfile(mini_site / "_static" / "vega-bundle.js",
                        broken / "_static" / "vega-bundle.js")
        page = broken / "book" / "_generated" / "beta.html"
        html = page.read_text(encoding="utf-8")
        cdn = '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'
        page.write_text(html.replace("</head>", cdn + "</head>", 1), encoding="utf-8")
        problems = problems_of("book/_generated/beta.html")
        assert any("leaving localhost" in p and "cdn.jsdelivr.net" in p
                   for p in problems), problems

        socket = ('<script>new WebSocket("wss://live.example.org/feed");</script>'
                  '<img src="http://203.0.113.7/pixel.gif" alt="">')  # (a host as numbers)
        page.write_text(html.replace("</head>", socket + "</head>", 1), encoding="utf-8")
        problems = problems_of("book/_generated/beta.html")
        for host in ("live.example.org", "203.0.113.7"):
            assert any("leaving localhost" in p and host in p for p in problems), problems


# ---------------------------------------------------------------------------- hostile data


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The mini book with markup in its data: beneficiary names and source titles."""
    from conftest import make_book

    root = make_book(tmp_path_factory.mktemp("hostile") / "book")
    cap = root / "data" / "capacity.csv"
    text = cap.read_text(encoding="utf-8")
    rows = text.splitlines()
    # Quote for CSV: the second string holds double quotes.
    q = ['"' + s.replace('"', '""') + '"' for s in HOSTILE]
    rows[1] = rows[1].replace(",Ola,", f",{q[1]},", 1)
    rows[3] = rows[3].replace(",Reliance,", f",{q[0]},", 1).replace(",0,", ",0.5,", 1)
    cap.write_text("\n".join(rows) + "\n", encoding="utf-8")
    src = root / "data" / "sources.csv"
    table = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    for row, s in zip(table[1:3], HOSTILE, strict=True):
        row[1] = row[2] = s  # publisher (in pop-ups) and title (on the sources page)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    src.write_text(out.getvalue(), encoding="utf-8")
    nb = root / "notebooks" / "alpha.md"
    code = nb.read_text(encoding="utf-8")
    old = 'y="beneficiary:N")'
    assert code.count(old) == 1, "the mini book's alpha chart changed: update this fixture"
    nb.write_text(code.replace(old, 'y="beneficiary:N", tooltip=["beneficiary:N", '
                                    '"installed_gwh:Q"])'), encoding="utf-8")
    return build_mini(root)


def plain_quotes(text: str) -> str:
    """Sphinx's smart quotes turn " into curly quotes in prose: typography, not markup."""
    return re.sub("[\u201c\u201d\u201e\u201f\u2033]", '"',
                  re.sub("[\u2018\u2019\u201a\u201b\u2032]", "'", text))


INJECTED = """() => ({
  pwned: typeof window.__pwned,
  imgs: document.querySelectorAll('img[src="x"], [onerror]').length,
  scripts: Array.from(document.querySelectorAll('script'))
    .filter(s => s.type !== 'application/json' && s.textContent.includes('__pwned')).length,
})"""


@pytest.mark.xdist_group("browser-mini")
def test_hostile_data_renders_as_text(chromium, hostile_site):
    pages = toc_pages(MINI / "_toc.yml")
    with serve(hostile_site) as base:
        ctx, offline = new_context(chromium)
        try:
            seen: dict[str, set[str]] = {s: set() for s in HOSTILE}
            for page in pages:
                visit, problems = page_problems(ctx, offline, base + page)
                pg = visit.page
                with screenshot_on_failure(pg, f"hostile-{page}"):
                    body = plain_quotes(pg.locator("body").inner_text())
                    for s in HOSTILE:
                        if s in body:
                            seen[s].add(f"{page_id(page)} text")
                    # provenance pop-ups: publisher names
                    nums = pg.locator(".br-num")
                    for i in range(nums.count()):
                        nums.nth(i).focus()
                        text = plain_quotes(nums.nth(i).locator(".br-prov").inner_text())
                        for s in HOSTILE:
                            if s in text:
                                seen[s].add(f"{page_id(page)} pop-up")
                    blur(pg)
                    # charts: axis labels, mark labels, tooltips, the CSV
                    for label in pg.eval_on_selector_all(
                            ".br-vega svg text, .br-vega svg [aria-label]",
                            "els => els.map(e => e.textContent + '|' + "
                            "(e.getAttribute('aria-label') || ''))"):
                        for s in HOSTILE:
                            if s in label or s[:12] in label.split("|")[0]:
                                seen[s].add(f"{page_id(page)} chart")
                    marks = pg.locator(".br-vega svg .role-mark > path")
                    for i in range(marks.count()):
                        mark = marks.nth(i)
                        mark.hover(force=True)
                        tip = pg.locator("#vg-tooltip-element")
                        for s in HOSTILE:
                            if s in (mark.get_attribute("aria-label") or ""):
                                expect(tip).to_contain_text(s, timeout=5_000)
                                seen[s].add(f"{page_id(page)} tooltip")
                        if tip.count():
                            assert tip.locator("img, script").count() == 0
                    for href in pg.eval_on_selector_all("a.br-csv", "a => a.map(x => x.href)"):
                        cells = {c for row in decode_csv(href) for c in row}
                        for s in HOSTILE:
                            if s in cells:
                                seen[s].add(f"{page_id(page)} csv")
                    state = pg.evaluate(INJECTED)
                    assert state == {"pwned": "undefined", "imgs": 0, "scripts": 0}, (
                        f"{page}: injected markup took effect: {state}")
                    assert not problems, f"{page}:{report(problems)}"
                pg.close()
            expected = {"data_sources text", "index pop-up", "alpha chart", "alpha tooltip",
                        "alpha csv"}
            for s in HOSTILE:
                missing = expected - seen[s]
                assert not missing, f"{s!r} not shown literally in: {sorted(missing)}"
        finally:
            ctx.close()
