"""Every chart of every page, as a reader sees it, in a real browser (offline).

At 768 px here, and at 390 and 1,280 px on the page loads of test_browser.py (the same
check, chart_checks.fit_problems): each chart is as wide as its column, no text or mark is outside
the drawing or its container, no text is cut short or runs into other text, and nothing
widens the page. Charts re-fit when the column changes width (a window resize, the
sidebar breakpoint, a rotation), choosing the phone layout under 600 px. Dark mode takes
the chart colours from the CSS variables and re-themes on a mode switch; print draws in
light colours without stretching. Downloads: the CSV is rounded as shown, with units in
its headers and no line breaks, and comes with a JSON companion (title, sources, licence,
as-of date); "Save as PNG" gives a named file at twice the resolution carrying the title,
the sources and the site's address, and "Save as SVG" the same as text.

Skips without Chromium like tests/browser/test_browser.py (fails with
BATTERYREPORT_REQUIRE_BROWSER=1). The download checks read the built pages only.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import open_page, screenshot_on_failure, toc_pages
from chart_checks import ALL_DRAWN, GEOMETRY, WIDTHS, fit_problems, settle
from test_browser import REPO, chromium, context_for, kept_contexts, report, servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("realbook")]

# 390 and 1280 px are checked in test_browser.py, on the loads its phone and per-page
# checks make (chart_checks.fit_problems): here, the width between.
WIDTHS_PX = [768]
PAGES = toc_pages(REPO / "_toc.yml")
CHAPTERS = ["book/_generated/pli_delays.html", "book/_generated/japan_investment.html",
            "book/_generated/recycling.html"]
ADDRESS = "https://example.org/battery-report/"
UNITLESS = {"Year", "Round", "Fiscal year"}  # numbers that are their own unit


@pytest.fixture
def base(real_book, servers):  # noqa: F811
    return servers((real_book / "_build" / "html").resolve())


@pytest.fixture
def load(chromium, kept_contexts, base):  # noqa: F811
    """``load(page, width)``: the page opened at that width, its charts drawn, in the
    module's kept context for the width (test_browser.context_for: it starts each test
    as a fresh context would, and its pages are closed after the test)."""
    ends = []

    def open_at(page: str, width: int, height: int = 900):
        context = context_for(chromium, kept_contexts, base, width=width, height=height)
        ctx, offline = next(context)
        ends.append(context)
        visit = open_page(ctx, offline, base + page)
        visit.page.wait_for_function(ALL_DRAWN, timeout=30_000)
        return visit

    yield open_at
    for context in ends:
        next(context, None)


# ---------------------------------------------------------------------------- fit


@pytest.mark.parametrize("width", WIDTHS_PX)
@pytest.mark.parametrize("page", PAGES)
def test_every_chart_fits_its_column_with_nothing_clipped(load, page, width, real_book):
    html = (real_book / "_build" / "html" / page).read_text(encoding="utf-8")
    if "br-chart" not in html:
        return  # no figure on this page: nothing to fit (checked on the built file)
    visit = load(page, width)
    pg = visit.page
    with screenshot_on_failure(pg, f"charts-fit-{page}-{width}"):
        problems = fit_problems(pg) + visit.load_problems()
        assert not problems, f"{page} at {width} px:{report(problems)}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_charts_refit_when_the_column_changes(load, page):
    # A window made narrower and wider, across the sidebar breakpoint (960 px) and the
    # phone layout (600 px), and a phone turned on its side.
    visit = load(page, 1280)
    pg = visit.page
    with screenshot_on_failure(pg, f"charts-refit-{page}"):
        before = {f["id"]: f["chart"] for f in pg.evaluate(WIDTHS)}
        for w, h in ((1000, 900), (900, 900), (390, 844), (844, 390), (1600, 900),
                     (1280, 900)):
            pg.set_viewport_size({"width": w, "height": h})
            try:
                settle(pg)
            except Exception:  # noqa: BLE001
                pytest.fail(f"at {w} px the charts did not re-fit: {pg.evaluate(WIDTHS)}")
            problems = pg.evaluate(GEOMETRY, {})
            assert not problems, f"{page} resized to {w} px:{report(problems)}"
        after = {f["id"]: f["chart"] for f in pg.evaluate(WIDTHS)}
        assert after == pytest.approx(before, abs=1)
        assert not visit.load_problems(), report(visit.load_problems())


# ---------------------------------------------------------------------------- colours


FILLS = """() => Array.from(document.querySelectorAll('figure.br-chart svg.marks')).map(svg => ({
  id: svg.closest('figure').id,
  axis: Array.from(svg.querySelectorAll('.role-axis-label text')).map(t => t.getAttribute('fill')),
  white: Array.from(svg.querySelectorAll('[fill]')).filter(e =>
    /^(#fff|#ffffff|white)$/i.test(e.getAttribute('fill'))).length,
  background: getComputedStyle(svg).backgroundColor}))"""
VARS = """() => ({fg: getComputedStyle(document.documentElement)
  .getPropertyValue('--br-chart-fg').trim()})"""


def test_dark_mode_colours_charts_from_the_css_variables_and_rethemes(load):
    visit = load("book/_generated/japan_investment.html", 1280)
    pg = visit.page
    with screenshot_on_failure(pg, "charts-dark"):
        light = pg.evaluate(VARS)["fg"]
        assert all(set(f["axis"]) <= {light} for f in pg.evaluate(FILLS))
        # A reader moves a slider, then switches to dark mode (as the theme's button
        # does): every chart is drawn again in the dark colours, the slider kept.
        fx = pg.locator("#fig-japan_whatif input[name=fx]")
        fx.evaluate("el => { el.value = 90; el.dispatchEvent(new Event('input', "
                    "{bubbles: true})); }")
        pg.evaluate("document.documentElement.dataset.theme = 'dark'")
        pg.wait_for_timeout(200)
        settle(pg)
        dark = pg.evaluate(VARS)["fg"]
        assert dark.lower() != light.lower()
        for f in pg.evaluate(FILLS):
            assert set(f["axis"]) <= {dark}, f
            assert f["white"] == 0, f"{f['id']}: white fills in dark mode"
            assert f["background"] in ("rgba(0, 0, 0, 0)", "transparent"), f
        assert float(fx.input_value()) == 90
        assert "₹90.00/$" in " ".join(pg.locator("#fig-japan_split_whatif svg text")
                                      .all_text_contents())
        # Print draws the charts in light colours, whatever the screen's mode, and
        # keeps their proportions.
        pg.emulate_media(media="print")
        pg.wait_for_timeout(200)
        pg.wait_for_function(ALL_DRAWN)
        for f in pg.evaluate(FILLS):
            assert set(f["axis"]) <= {light}, f
        ratios = pg.evaluate("""() => Array.from(document.querySelectorAll(
          'figure.br-chart svg.marks')).map(s => { const r = s.getBoundingClientRect();
          const v = s.viewBox.baseVal; return [r.width / r.height, v.width / v.height]; })""")
        for shown, drawn in ratios:
            assert shown == pytest.approx(drawn, rel=0.01)
        assert not visit.load_problems(), report(visit.load_problems())


# ---------------------------------------------------------------------------- downloads


def _figures(site: Path) -> list[dict]:
    """Every report figure of every chapter page: its ids, caption parts and downloads."""
    out = []
    for page in CHAPTERS:
        text = (site / page).read_text(encoding="utf-8")
        for m in re.finditer(r'<figure class="br-chart" id="fig-([^"]+)">(.*?)</figure>', text,
                             re.S):
            body = m.group(2)

            def grab(pattern: str, body: str = body) -> str:
                found = re.search(pattern, body, re.S)
                return html.unescape(found.group(1)) if found else ""

            out.append({
                "page": page, "name": m.group(1),
                "title": grab(r'class="br-chart-title"[^>]*>(.*?)</span>'),
                "takeaway": grab(r'class="br-chart-takeaway">(.*?)</span>'),
                "source": re.sub(r"<[^>]+>", "", grab(r'<p class="br-source">(.*?)</p>')),
                "describe": grab(r'<details class="br-describe"><summary>(.*?)</summary>'),
                "csv": grab(r'<a class="br-csv" download="[^"]*" href="([^"]+)"'),
                "csv_name": grab(r'<a class="br-csv" download="([^"]+)"'),
                "meta": grab(r'<a class="br-meta" download="[^"]*" href="([^"]+)"'),
                "spec": json.loads(grab(r'<script type="application/json"[^>]*>(.*?)</script>')),
            })
    return out


def _decode(href: str) -> str:
    head, _, payload = href.partition(",")
    return (base64.b64decode(payload) if head.endswith(";base64")
            else unquote(payload).encode()).decode("utf-8")


def _internal_names(real_book: Path) -> tuple[set[str], set[str]]:
    """Source ids and table names: what a reader must never see."""
    ids = {row["source_id"] for row in csv.DictReader(io.StringIO(
        (real_book / "data" / "sources.csv").read_text(encoding="utf-8")))}
    package = json.loads((real_book / "data" / "datapackage.json").read_text(encoding="utf-8"))
    tables = {r["name"] for r in package["resources"]}
    return ids, tables


def _tooltip_fields(node) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        tips = node.get("tooltip")
        for t in tips if isinstance(tips, list) else [tips] if isinstance(tips, dict) else []:
            if isinstance(t, dict) and "field" in t:
                found.append(t["field"])
        for v in node.values():
            found += _tooltip_fields(v)
    elif isinstance(node, list):
        for v in node:
            found += _tooltip_fields(v)
    return found


NOISE = re.compile(r"\.\d*(0{5,}|9{5,})\d*$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def test_chart_downloads_are_rounded_with_units_and_a_metadata_companion(real_book):
    site = real_book / "_build" / "html"
    ids, tables = _internal_names(real_book)
    internal = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids | tables))) + r")\b")
    figures = _figures(site)
    assert len(figures) >= 11, [f["name"] for f in figures]
    problems: list[str] = []
    for f in figures:
        who = f"{f['page']}#{f['name']}"
        # The caption: title, a one-line takeaway, sources by name; the description on demand.
        if not f["title"] or not f["takeaway"] or "\n" in f["takeaway"]:
            problems.append(f"{who}: caption needs a title and a one-line takeaway")
        if f["describe"] != "Describe this chart":
            problems.append(f"{who}: no 'Describe this chart'")
        for what, text in (("source line", f["source"]), ("takeaway", f["takeaway"])):
            if not text.strip() and what == "source line":
                problems.append(f"{who}: no source line")
            if internal.search(text):
                problems.append(f"{who}: {what} names {internal.search(text).group(1)!r}")
        for field in _tooltip_fields([f["spec"]["wide"], f["spec"]["narrow"]]):
            if "source_id" in field or field == "sources":
                problems.append(f"{who}: a tooltip shows source ids ({field})")
        # The CSV.
        rows = list(csv.reader(io.StringIO(_decode(f["csv"]))))
        header, body = rows[0], rows[1:]
        meta = json.loads(_decode(f["meta"]))
        if f["csv_name"] != f"{f['name']}.csv" or meta["data_file"] != f["csv_name"]:
            problems.append(f"{who}: file names {f['csv_name']!r}, {meta['data_file']!r}")
        decimals = {c["name"]: c.get("decimals") for c in meta["columns"]}
        if [c["name"] for c in meta["columns"]] != header:
            problems.append(f"{who}: the metadata's columns are not the CSV's: {header}")
        has_unit_column = any(h.startswith("Unit") for h in header)
        for i, h in enumerate(header):
            cells = [r[i] for r in body if r[i] != ""]
            if "_" in h or not h.strip():
                problems.append(f"{who}: header {h!r} is an internal name")
            numeric = bool(cells) and all(NUMBER.match(c) for c in cells)
            if numeric and not re.search(r"\(.+\)$", h) and h not in UNITLESS \
                    and not has_unit_column:
                problems.append(f"{who}: numeric column {h!r} has no unit")
            for c in cells:
                if "\n" in c or "\r" in c:
                    problems.append(f"{who}: {h!r} has a line break: {c!r}")
                if NUMBER.match(c) and NOISE.search(c):
                    problems.append(f"{who}: {h!r} has float noise: {c!r}")
                if h in UNITLESS and NUMBER.match(c) and "." in c:
                    problems.append(f"{who}: {h!r} is not a whole number: {c!r}")
                if decimals.get(h) is not None and NUMBER.match(c):
                    got = len(c.split(".")[1]) if "." in c else 0
                    if got != decimals[h]:
                        problems.append(f"{who}: {h!r} {c!r} is not to {decimals[h]} decimals")
                if internal.fullmatch(c):
                    problems.append(f"{who}: {h!r} holds an internal id {c!r}")
        # The metadata.
        if meta["title"] != f["title"] or meta["licence"] != "CC BY 4.0" \
                or "creativecommons.org/licenses/by/4.0" not in meta["licence_url"]:
            problems.append(f"{who}: metadata title/licence: {meta['title']!r}, "
                            f"{meta['licence']!r}")
        if not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", meta["as_of"] or ""):
            problems.append(f"{who}: as-of date {meta['as_of']!r}")
        if not meta["source"] or internal.search(meta["source"]):
            problems.append(f"{who}: metadata source {meta['source']!r}")
        if not all(s["publisher"] for s in meta["sources"]):
            problems.append(f"{who}: a source without a publisher")
    assert not problems, report(problems)


# ---------------------------------------------------------------------------- images


def _png_info(data: bytes) -> tuple[int, int, dict[str, str]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    text, pos = {}, 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"iTXt":
            key, _, rest = chunk.partition(b"\0")
            # compression flag, method, language\0, translated keyword\0, text
            rest = rest[2:]
            _, _, rest = rest.partition(b"\0")
            _, _, value = rest.partition(b"\0")
            text[key.decode("latin-1")] = value.decode("utf-8")
        pos += 12 + length
    return width, height, text


def _svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    ns = "{http://www.w3.org/2000/svg}"
    return " ".join((t.text or "") for t in root.iter(f"{ns}text"))


@pytest.mark.parametrize("page", CHAPTERS)
def test_save_as_png_and_svg_carry_title_source_and_address(load, page):
    visit = load(page, 1280)
    pg = visit.page
    with screenshot_on_failure(pg, f"charts-export-{page}"):
        # A site with a public address names it in og:url (batteryreport.build).
        pg.evaluate("""a => { const m = document.createElement('meta');
          m.setAttribute('property', 'og:url'); m.content = a;
          document.head.appendChild(m); }""", ADDRESS + page)
        for fig in pg.locator("figure.br-chart").all():
            fid = fig.get_attribute("id")
            name = fid.removeprefix("fig-")
            title = fig.locator(".br-chart-title").inner_text()
            title = re.sub(r"^Figure \d+\.\s*", "", title)  # the number is CSS
            chart_w = fig.locator("svg.marks").bounding_box()["width"]
            with pg.expect_download() as png:
                fig.locator(".br-save button[data-kind=png]").click()
            assert png.value.suggested_filename == f"{name}.png"
            w, h, text = _png_info(Path(png.value.path()).read_bytes())
            # Twice the resolution of the chart as drawn, with room for the caption.
            assert w >= 2 * chart_w and w == pytest.approx(2 * (chart_w + 32), abs=4), (fid, w)
            assert h > 2 * fig.locator("svg.marks").bounding_box()["height"]
            assert text.get("Title") == title, (fid, text)
            assert text.get("Source", "").startswith("Source"), (fid, text)
            assert text.get("URL") == f"{ADDRESS}{page}#{fid}", (fid, text)
            assert "CC BY 4.0" in text.get("Copyright", "")
            with pg.expect_download() as svg:
                fig.locator(".br-save button[data-kind=svg]").click()
            assert svg.value.suggested_filename == f"{name}.svg"
            words = _svg_text(Path(svg.value.path()).read_bytes())
            flat = " ".join(words.split())
            for part in (title, "Source", "Licence: CC BY 4.0", ADDRESS):
                assert part in flat, (fid, part, flat[:300])
        assert not visit.load_problems(), report(visit.load_problems())
