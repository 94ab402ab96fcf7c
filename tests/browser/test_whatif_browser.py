"""The what-if sliders on the Japanese-investment page, in a real browser, offline.

Moving a slider recomputes the chart's derived values in the browser (read from the Vega
view that charts.js hands over in its "br-drawn" event, and from the SVG text); the reset
button draws the chart again at the published values, which are the numbers the page's
prose glued. Debian's Chromium through Playwright; every request leaving localhost is
blocked. Without /usr/bin/chromium the test skips with the reason, unless
BATTERYREPORT_REQUIRE_BROWSER=1 requires it.
"""

from __future__ import annotations

import pytest
from browser_support import (
    chromium_missing,
    launch_chromium,
    new_context,
    open_page,
    screenshot_on_failure,
    serve,
    unavailable,
)

from batteryreport.present.glue import read_glued

PAGE = "book/_generated/japan_investment.html"

# Every chart hands its vega-embed result to charts.js's "br-drawn" event (on the chart's
# container; it does not bubble, so listen in the capture phase). Keep the latest per chart.
CAPTURE = """
window.__brViews = {}; window.__brDraws = 0;
document.addEventListener('br-drawn', e => {
  window.__brViews[e.target.id] = e.detail; window.__brDraws += 1;
}, true);
"""
ALL_DRAWN = ("() => { const els = Array.from(document.querySelectorAll('.br-vega'));"
             " return els.length > 0 &&"
             " els.every(el => el.getAttribute('data-drawn') === 'done'); }")
RUN = "v => window.__brViews[v].view.runAsync().then(() => null)"


@pytest.fixture(scope="module")
def chromium():
    missing = chromium_missing()
    if missing:
        unavailable(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


class Chart:
    """One drawn what-if figure on the page."""

    def __init__(self, page, name: str):
        self.page = page
        self.fig = page.locator(f"#fig-{name}")
        self.vid = self.fig.locator(".br-vega").get_attribute("id")

    def signal(self, name: str) -> float:
        return self.page.evaluate("([v, s]) => window.__brViews[v].view.signal(s)",
                                  [self.vid, name])

    def texts(self) -> list[str]:
        return self.fig.locator(".br-vega svg text").all_text_contents()

    def slider(self, label: str):
        return self.fig.locator(".vega-bindings label", has_text=label).locator(
            "input[type=range]")

    def move(self, label: str, value: float) -> None:
        """Set a slider as a reader's drag does: new value, then an input event."""
        self.slider(label).evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
            value)
        self.page.evaluate(RUN, self.vid)

    def reset(self) -> None:
        before = self.page.evaluate("window.__brDraws")
        self.fig.locator("button.br-reset").click()
        self.page.wait_for_function(f"window.__brDraws > {before}")
        self.page.wait_for_function(ALL_DRAWN)


def _problems(visit) -> list[str]:
    # A bare http.server has no favicon; the browser's own request for it is not the page's.
    return [p for p in visit.load_problems() if "favicon.ico" not in p]


@pytest.mark.browser
@pytest.mark.xdist_group("realbook")
def test_sliders_recompute_in_the_browser_and_reset_restores_the_published_values(
        real_book, chromium):
    site = real_book / "_build" / "html"
    glued = read_glued(real_book / "book" / "_generated" / "japan_investment.ipynb")
    text = {k: v["text"] for k, v in glued.items()}
    with serve(site) as base:
        ctx, offline = new_context(chromium)
        ctx.add_init_script(CAPTURE)
        try:
            visit = open_page(ctx, offline, base + PAGE)
            page = visit.page
            with screenshot_on_failure(page, "whatif-japan"):
                page.wait_for_function(ALL_DRAWN, timeout=30_000)
                w = Chart(page, "japan_whatif")

                # Published state: the chart reads exactly as the prose.
                published = {k: w.signal(k) for k in
                             ("fx", "cell_capex_low", "inr_high", "gwh_low", "gwh_high")}
                assert [w.signal("gwh_low"), w.signal("gwh_high")] == pytest.approx(
                    glued["cell_gwh"]["value"], rel=1e-3)
                assert w.signal("fx") == pytest.approx(glued["fx_run"]["value"], rel=1e-3)
                for key in ("inr_run", "cell_gwh", "gap_share_capacity", "floor_share",
                            "rec_kt"):
                    assert text[key] in w.texts(), (key, text[key], w.texts())
                assert w.fig.locator(".br-whatif").is_visible()

                # Dearer cells: fewer GWh, computed in the browser from the new value.
                w.move("Cell capex, low", 500)
                assert w.signal("cell_capex_low") == 500
                gwh_high = w.signal("gwh_high")
                assert gwh_high == pytest.approx(published["inr_high"] / 500)
                assert gwh_high < published["gwh_high"]
                assert text["cell_gwh"] not in w.texts()
                # A weaker rupee: more rupees, hence more GWh, at the same capex.
                fx_input = w.slider("Exchange rate")
                weakest = float(fx_input.get_attribute("max"))
                w.move("Exchange rate", weakest)
                usd_high = glued["usd_range"]["value"][1]
                assert w.signal("inr_high") == pytest.approx(usd_high * weakest / 10)
                assert w.signal("gwh_high") == pytest.approx(usd_high * weakest / 10 / 500)
                assert text["inr_run"] not in w.texts()
                # The keyboard moves a slider by its step.
                fx_input.focus()
                page.keyboard.press("ArrowLeft")
                page.evaluate(RUN, w.vid)
                step = float(fx_input.get_attribute("step"))
                assert w.signal("fx") == pytest.approx(weakest - step)

                # Reset: every slider, signal and label back at the published values.
                w.reset()
                w = Chart(page, "japan_whatif")
                for k, v in published.items():
                    assert w.signal(k) == pytest.approx(v), k
                assert float(w.slider("Cell capex, low").input_value()) == pytest.approx(
                    published["cell_capex_low"], abs=5)
                for key in ("inr_run", "cell_gwh", "gap_share_capacity", "floor_share",
                            "rec_kt"):
                    assert text[key] in w.texts(), key

                # The split chart: everything to cells reproduces the all-cells result of
                # the chart above (same rate and costs: the two are linked).
                s = Chart(page, "japan_split_whatif")
                assert text["alloc_first_gwh"] in s.texts()
                s.move("Share to cells", 100)  # pushes recycling down to 0
                assert s.signal("share_recycling") == 0
                assert [s.signal("split_gwh_low"), s.signal("split_gwh_high")] == pytest.approx(
                    [w.signal("gwh_low"), w.signal("gwh_high")], rel=1e-9)
                assert [s.signal("split_gwh_low"), s.signal("split_gwh_high")] == pytest.approx(
                    glued["cell_gwh"]["value"], rel=1e-3)
                assert text["cell_gwh"] in s.texts()
                assert s.signal("split_ev_high") == pytest.approx(0, abs=1e-9)
                s.reset()
                s = Chart(page, "japan_split_whatif")
                assert text["alloc_first_gwh"] in s.texts()
                assert text["alloc_first_ev"] in s.texts()

                assert not offline.blocked, offline.blocked
                assert not _problems(visit), _problems(visit)
        finally:
            ctx.close()



@pytest.mark.browser
@pytest.mark.xdist_group("realbook")
def test_recycling_sliders_recompute_tonnes_and_reset_restores_the_published_values(
        real_book, chromium):
    site = real_book / "_build" / "html"
    glued = read_glued(real_book / "book" / "_generated" / "recycling.ipynb")
    text = {k: v["text"] for k, v in glued.items()}
    keys = ("eol_niti_kt", "cover_niti", "metals_li_t")
    with serve(site) as base:
        ctx, offline = new_context(chromium)
        ctx.add_init_script(CAPTURE)
        try:
            visit = open_page(ctx, offline, base + "book/_generated/recycling.html")
            page = visit.page
            with screenshot_on_failure(page, "whatif-recycling"):
                page.wait_for_function(ALL_DRAWN, timeout=30_000)
                w = Chart(page, "recycling_whatif")

                # Published state: the chart reads exactly as the prose.
                kg = glued["pack_kg_per_kwh"]["value"]
                gwh = glued["eol_niti_gwh"]["value"]
                assert w.signal("kg_per_kwh") == pytest.approx(kg)
                assert w.signal("niti_kt_high") == pytest.approx(
                    glued["eol_niti_t"]["value"] / 1000)
                assert [w.signal("cover_low"), w.signal("cover_high")] == pytest.approx(
                    [100 * v for v in glued["cover_niti"]["value"]])
                assert [w.signal("li_t_low"), w.signal("li_t_high")] == pytest.approx(
                    glued["metals_li_t"]["value"])
                for key in keys:
                    assert text[key] in w.texts(), (key, text[key], w.texts())
                assert w.fig.locator(".br-whatif").is_visible()
                published = {k: w.signal(k) for k in
                             ("kg_per_kwh", "li_rec_low", "niti_kt_high", "cover_high",
                              "li_t_low")}

                # Heavier packs: more tonnes, so capacity covers a smaller share.
                heaviest = float(w.slider("Pack mass").get_attribute("max"))
                w.move("Pack mass", heaviest)
                assert w.signal("kg_per_kwh") == pytest.approx(heaviest)
                assert w.signal("niti_kt_high") == pytest.approx(gwh * heaviest)
                assert w.signal("niti_kt_high") > published["niti_kt_high"]
                assert w.signal("cover_high") == pytest.approx(
                    published["cover_high"] * kg / heaviest)
                assert text["eol_niti_kt"] not in w.texts()
                assert text["cover_niti"] not in w.texts()
                # Pack mass leaves the lithium alone (content is per kWh) ...
                assert w.signal("li_t_low") == pytest.approx(published["li_t_low"])
                # ... the recovery rate does not.
                w.move("Lithium recovery, low", 50)
                assert w.signal("li_t_low") == pytest.approx(
                    published["li_t_low"] * 50 / published["li_rec_low"])
                assert text["metals_li_t"] not in w.texts()

                # Reset: every slider, signal and label back at the published values.
                w.reset()
                w = Chart(page, "recycling_whatif")
                for k, v in published.items():
                    assert w.signal(k) == pytest.approx(v), k
                assert float(w.slider("Pack mass").input_value()) == pytest.approx(kg, abs=0.1)
                for key in keys:
                    assert text[key] in w.texts(), key

                assert not offline.blocked, offline.blocked
                assert not _problems(visit), _problems(visit)
        finally:
            ctx.close()


SPAN = """name => { const f = document.querySelector('#fig-' + name);
  const svg = f.querySelector('svg.marks').getBoundingClientRect();
  const b = f.querySelector('.vega-bindings').getBoundingClientRect();
  return {top: svg.top, bottom: b.bottom, header: document.querySelector('.bd-header')
          .getBoundingClientRect().height}; }"""


@pytest.mark.browser
@pytest.mark.xdist_group("realbook")
@pytest.mark.parametrize("width", [390, 1280])
def test_sliders_keep_low_below_high_shares_at_100_and_the_charts_linked(real_book, chromium,
                                                                          width):
    site = real_book / "_build" / "html"
    with serve(site) as base:
        ctx, offline = new_context(chromium, width=width, height=844 if width < 600 else 900)
        ctx.add_init_script(CAPTURE)
        try:
            visit = open_page(ctx, offline, base + PAGE)
            page = visit.page
            with screenshot_on_failure(page, f"whatif-rules-{width}"):
                page.wait_for_function(ALL_DRAWN, timeout=30_000)
                w = Chart(page, "japan_whatif")
                s = Chart(page, "japan_split_whatif")
                fx = w.signal("fx")

                # Each slider shows its value with its unit, marked as the published one.
                value = w.fig.locator(".vega-bind", has_text="Exchange rate").locator(
                    "output.br-slider-value")
                assert value.inner_text() == f"₹{fx:.2f} per $ (published)"
                assert w.slider("Exchange rate").get_attribute("aria-valuetext") == \
                    f"₹{fx:.2f} per $"

                # A stepped slider returns exactly to the published value (the nearest step
                # snaps to it), though that value is not on the steps.
                step = float(w.slider("Exchange rate").get_attribute("step"))
                w.move("Exchange rate", round(fx + 3 * step, 6))
                assert w.signal("fx") == pytest.approx(fx + 3 * step, abs=step / 2)
                assert "(published)" not in value.inner_text()
                w.move("Exchange rate", round(fx, 1))
                assert w.signal("fx") == fx
                assert "(published)" in value.inner_text()

                # The split chart follows the rate set above it.
                weakest = float(w.slider("Exchange rate").get_attribute("max"))
                w.move("Exchange rate", weakest)
                assert s.signal("fx") == weakest
                assert f"At ₹{weakest:.2f}/$ and the costs set above" in s.texts()
                w.move("Cell capex, high", 700)
                assert s.signal("cell_capex_high") == w.signal("cell_capex_high") == 700

                # Low never above high: moving one past the other moves the other with it.
                w.move("Cell capex, low", 950)
                assert w.signal("cell_capex_low") == w.signal("cell_capex_high") == 950
                w.move("Cell capex, high", 300)
                assert w.signal("cell_capex_low") == w.signal("cell_capex_high") == 300
                assert s.signal("cell_capex_low") == s.signal("cell_capex_high") == 300

                # Shares never add up to more than 100%: raising one lowers the other, and
                # what is left for EVs is written out.
                s.move("Share to cells", 95)
                assert (s.signal("share_cells"), s.signal("share_recycling")) == (95, 5)
                s.move("Share to recycling", 50)
                assert (s.signal("share_cells"), s.signal("share_recycling")) == (50, 50)
                shares = s.fig.locator(".br-shares").inner_text()
                assert "cells 50%, recycling 50% and EVs 0%" in shares, shares
                s.move("Share to recycling", 20)
                assert "EVs 30%" in s.fig.locator(".br-shares").inner_text()
                assert s.signal("split_ev_low") > 0

                # Resetting the first chart resets the rate and costs of both.
                w.reset()
                s = Chart(page, "japan_split_whatif")
                assert s.signal("fx") == fx
                assert (s.signal("share_cells"), s.signal("share_recycling")) == (50, 20)

                # On a phone, the results and their sliders fit on one screen together.
                if width < 600:
                    span = page.evaluate(SPAN, "japan_whatif")
                    assert span["bottom"] - span["top"] <= 844 - span["header"], span
                assert not _problems(visit), _problems(visit)
        finally:
            ctx.close()
