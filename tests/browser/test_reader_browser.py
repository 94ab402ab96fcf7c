"""The reader's report in a real browser (Debian's Chromium, offline), on the real book.

Provenance pop-ups: Esc closes them (WCAG 1.4.13), the pointer can move onto them, each
glued number is one tab stop (a pop-up's links join the tab order only after Enter), and a
pop-up does not cover the number it describes or the next item of a list. Print: no
buttons, sliders, menus or screen-only prose, and the page's sources listed at the end with
each number pointing at them. Dark mode: no chart on a bright slab. Search: a word found in
a page's text links to its section.

Skips without Chromium like tests/test_browser.py (fails with BATTERYREPORT_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import contextlib
import re

import pytest
from browser_support import open_page, screenshot_on_failure, toc_pages
from test_browser import (  # noqa: F401
    REPO,
    blur,
    chromium,
    context_for,
    kept_contexts,
    report,
    servers,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("realbook")]

CHAPTER = "book/_generated/pli_delays.html"
FRONT = "book/index.html"
WHATIF = "book/_generated/japan_investment.html"
TAB_WALK = 12
PAGES_WITH_NUMBERS = 5  # the front page and the four chapters


@pytest.fixture
def base(real_book, servers):  # noqa: F811
    return servers((real_book / "_build" / "html").resolve())


@pytest.fixture
def ctx(chromium, kept_contexts, base):  # noqa: F811
    # The module's kept context at 1280 px, cleared after each test (test_browser.py).
    yield from context_for(chromium, kept_contexts, base, width=1280, height=900)


def visit(ctx, base: str, page: str, *, dark: bool = False):
    context, offline = ctx
    v = open_page(context, offline, base + page)
    if dark:
        v.page.evaluate("() => { localStorage.setItem('mode', 'dark'); "
                        "localStorage.setItem('theme', 'dark'); }")
        v.page.reload(wait_until="load")
    wait_for_charts(v.page)
    return v


OPEN = "() => Array.from(document.querySelectorAll('.br-prov')).filter(p => !p.hidden)" \
       ".map(p => p.closest('.br-num').getAttribute('data-key'))"
ACTIVE = """() => { const a = document.activeElement;
  return {num: a.classList.contains('br-num') ? a.getAttribute('data-key') : null,
          inPopup: !!a.closest('.br-prov'), tag: a.tagName}; }"""


def test_escape_closes_a_popup_and_enter_reaches_its_links(ctx, base):
    v = visit(ctx, base, FRONT)
    pg = v.page
    with screenshot_on_failure(pg, "reader-escape"):
        num = pg.locator(".br-num").first
        key = num.get_attribute("data-key")
        num.focus()
        assert pg.evaluate(OPEN) == [key], "focus does not open the pop-up"
        pg.keyboard.press("Escape")
        assert pg.evaluate(OPEN) == [], "Esc does not close the pop-up opened by focus"
        assert pg.evaluate(ACTIVE)["num"] == key, "Esc moved the focus away from the number"
        # Enter opens it again and moves into its links; Esc returns to the number.
        pg.keyboard.press("Enter")
        assert pg.evaluate(OPEN) == [key]
        assert pg.evaluate(ACTIVE)["inPopup"], "Enter does not reach the pop-up's links"
        pg.keyboard.press("Escape")
        assert pg.evaluate(OPEN) == [] and pg.evaluate(ACTIVE)["num"] == key
        # Hover: opens, stays while the pointer is on the pop-up, Esc closes it.
        blur(pg)
        other = pg.locator(".br-num").nth(4)
        box = other.bounding_box()
        pg.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
        pg.wait_for_function("() => document.querySelectorAll('.br-prov:not([hidden])')"
                             ".length === 1")
        pop = pg.evaluate("() => document.querySelector('.br-prov:not([hidden])')"
                          ".getBoundingClientRect().toJSON()")
        pg.mouse.move(pop["left"] + 5, pop["top"] + pop["height"] / 2, steps=8)
        pg.wait_for_timeout(600)
        assert pg.evaluate(OPEN) == [other.get_attribute("data-key")], \
            "the pop-up closed when the pointer moved onto it"
        pg.keyboard.press("Escape")
        assert pg.evaluate(OPEN) == [], "Esc does not close a pop-up opened by hover"
        assert not v.load_problems(), report(v.load_problems())


def test_each_glued_number_is_one_tab_stop(ctx, base, real_book):
    # A page with no number (its built file has none) has nothing to walk: not loaded.
    site = real_book / "_build" / "html"
    pages = [p for p in toc_pages(real_book / "_toc.yml")
             if "br-num" in (site / p).read_text(encoding="utf-8")]
    assert len(pages) >= PAGES_WITH_NUMBERS, pages
    for page in pages:
        v = visit(ctx, base, page)
        pg = v.page
        with screenshot_on_failure(pg, f"reader-tabstops-{page}"):
            # No pop-up holds a tab stop of its own until Enter brings its links in.
            extra = pg.evaluate("""() => Array.from(document.querySelectorAll('.br-num'))
              .flatMap(n => Array.from(n.querySelectorAll('a, button, input, [tabindex]'))
                .filter(e => e.tabIndex >= 0).map(() => n.getAttribute('data-key')))""")
            assert not extra, f"{page}: tab stops inside numbers: {extra[:5]}"
            keys = pg.eval_on_selector_all(".br-num", "ns => ns.map(n => n.getAttribute("
                                                      "'data-key'))")
            if len(keys) < 2:
                pg.close()
                continue
            pg.locator(".br-num").first.focus()
            seen = [0]
            for _ in range(TAB_WALK):
                pg.keyboard.press("Tab")
                state = pg.evaluate("""() => { const a = document.activeElement;
                  const nums = Array.from(document.querySelectorAll('.br-num'));
                  return {i: nums.indexOf(a), inPopup: !!a.closest('.br-prov')}; }""")
                assert not state["inPopup"], f"{page}: Tab went into a pop-up"
                if state["i"] >= 0:
                    seen.append(state["i"])
            assert seen == list(range(len(seen))), (
                f"{page}: Tab visits the numbers as {seen}, not each once in order")
            pg.close()


def test_popup_covers_neither_its_number_nor_the_next_item(ctx, base):
    v = visit(ctx, base, FRONT)
    pg = v.page
    with screenshot_on_failure(pg, "reader-popup-placement"):
        problems = pg.evaluate("""() => {
          const out = [], overlap = (a, b) => a.left < b.right && b.left < a.right &&
                                             a.top < b.bottom && b.top < a.bottom;
          document.querySelectorAll('ol > li .br-num-marker').forEach((m, i) => {
            const li = m.closest('li'), next = li.nextElementSibling;
            m.scrollIntoView({block: 'center'});
            m.focus();
            const pop = m.querySelector('.br-prov').getBoundingClientRect();
            if (overlap(pop, m.getBoundingClientRect()))
              out.push(`item ${i + 1}: covers its marker`);
            if (next && overlap(pop, next.getBoundingClientRect()))
              out.push(`item ${i + 1}: covers the next item`);
            m.blur();
          });
          return out; }""")
        markers = pg.locator("ol > li .br-num-marker").count()
        assert markers >= 5, f"the front page's recommendations have {markers} source markers"
        assert not problems, report(problems)


def test_sentences_are_not_underlined_and_numbers_barely(ctx, base):
    v = visit(ctx, base, FRONT)
    pg = v.page
    styles = pg.evaluate("""() => ({
      sentence: getComputedStyle(document.querySelector('.br-glued')).textDecorationLine,
      marker: document.querySelector('.br-glued + .br-num-marker') !== null,
      number: getComputedStyle(document.querySelector('.br-num')).textDecorationColor })""")
    assert styles["sentence"] == "none", styles
    assert styles["marker"], "a glued sentence has no sources marker after it"
    alpha = re.split(r"[,/]", styles["number"])[-1].strip(" )")
    assert styles["number"].startswith(("rgba", "color(")) and float(alpha) < 0.5, (
        f"numbers are underlined at full strength: {styles['number']}")


def test_print_shows_sources_and_no_controls(ctx, base, real_book):
    for page in (FRONT, CHAPTER, WHATIF, "book/methodology.html"):
        v = visit(ctx, base, page)
        pg = v.page
        pg.emulate_media(media="print")
        with screenshot_on_failure(pg, f"reader-print-{page}"):
            state = pg.evaluate("""() => {
              const visible = el => el.checkVisibility() && el.getBoundingClientRect().width > 0;
              const controls = Array.from(document.querySelectorAll(
                'button, input, select, .vega-embed details, a.br-csv, .br-screen-only, .br-prov'))
                .filter(visible).map(e => e.outerHTML.slice(0, 80));
              const nums = Array.from(document.querySelectorAll('.br-num[data-src]'))
                .filter(n => n.getAttribute('data-src'));
              const refs = nums.filter(n => getComputedStyle(n, '::after').content.includes('['));
              const list = document.querySelector('.br-print-sources');
              const ids = new Set(nums.flatMap(n => n.getAttribute('data-src').split(' ')));
              return {controls, nums: nums.length, refs: refs.length,
                      listed: list && visible(list) ? list.querySelectorAll('li').length : 0,
                      sources: ids.size,
                      text: document.querySelector('article').innerText}; }""")
            assert not state["controls"], f"{page}: printed controls: {state['controls'][:5]}"
            assert state["refs"] == state["nums"], (
                f"{page}: {state['nums'] - state['refs']} numbers print without their sources")
            assert state["listed"] == state["sources"], (
                f"{page}: {state['listed']} sources listed for print, {state['sources']} cited")
            if page == FRONT:
                assert "Hover over" not in state["text"], "the front page prints 'Hover over'"
                assert state["sources"] > 0
        pg.close()


def test_dark_mode_puts_no_chart_on_a_bright_slab(ctx, base):
    for page in (CHAPTER, WHATIF):
        v = visit(ctx, base, page, dark=True)
        pg = v.page
        with screenshot_on_failure(pg, f"reader-dark-{page}"):
            assert pg.evaluate("document.documentElement.dataset.theme") == "dark"
            found = pg.evaluate("""() => {
              const lum = css => {  // relative luminance, or null when transparent
                const [r, g, b, a = 1] = css.match(/[\\d.]+/g).map(Number);
                if (a === 0) return null;
                const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92
                                                               : ((v + 0.055) / 1.055) ** 2.4; };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
              // The colour behind an element: the first opaque background up its ancestors.
              const behind = el => { for (let e = el; e; e = e.parentElement) {
                const l = lum(getComputedStyle(e).backgroundColor);
                if (l !== null) return l; } return null; };
              return Array.from(document.querySelectorAll('.br-vega')).map(el => ({
                id: el.id, chart: behind(el.querySelector('svg.marks') || el),
                container: behind(el), around: behind(el.closest('.cell_output') || el)})); }""")
            assert found, f"{page}: no charts"
            bright = [f for f in found
                      if max(f["chart"] or 0, f["container"] or 0, f["around"] or 0) > 0.2]
            assert not bright, f"{page}: charts on a bright background in dark mode: {bright}"
        pg.close()


def test_search_links_a_word_to_its_section(ctx, base):
    v = visit(ctx, base, "search.html?q=liquidated")
    pg = v.page
    with screenshot_on_failure(pg, "reader-search"):
        pg.wait_for_selector("#search-results ul.search li a", timeout=20_000)
        with contextlib.suppress(Exception):
            pg.wait_for_function("() => Array.from(document.querySelectorAll("
                                 "'#search-results li a')).some(a => a.hash)", timeout=10_000)
        links = pg.eval_on_selector_all("#search-results ul.search li a",
                                        "as => as.map(a => [a.getAttribute('href'), "
                                        "a.textContent])")
        chapter = [h for h, _ in links if h.startswith(CHAPTER)]
        assert chapter and all("#" in h for h in chapter), f"no section anchor: {links}"
        glossary = [h for h, _ in links if h.startswith("book/glossary.html")]
        assert glossary == ["book/glossary.html#term-Liquidated-damages"], links
        snippets = pg.eval_on_selector_all("#search-results p.context",
                                           "ps => ps.map(p => p.textContent)")
        assert not [s for s in snippets if "Computed from:" in s], snippets
        assert not v.load_problems(), report(v.load_problems())
