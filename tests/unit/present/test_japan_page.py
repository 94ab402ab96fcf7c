"""The Japanese-investment chapter on the page: phrases chosen by each rule, and the charts,
what-if charts and tables built from a small result (tiny inline frames)."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from japan_tiny import result, run_rate

from batteryreport.chapters.common import RunRate
from batteryreport.present import japan as page
from batteryreport.present.fmt import show


@pytest.fixture(scope="module")
def r():
    return result()


# --------------------------------------------------------------------------- phrases


def test_exchange_rate_basis_by_rule():
    assert page.phrases(result())["fx_source"].value == "the close of 30 July 2025"
    assert page.phrases(result(rate=run_rate(95.0, day=None)))["fx_source"].value == \
        "set for this run"
    early = RunRate(85.5, pd.Timestamp("2025-07-02"), ("close_a",), before_data=True)
    assert page.phrases(result(rate=early))["fx_source"].value == \
        "the close of 2 July 2025, the earliest in the data"
    assert page.phrases(result())["fx_source"].sources == ("fx_close",)


def test_capex_basis_by_rule(r):
    p = page.phrases(r)
    assert p["cell_basis"].value == "the span of all 3 benchmarks"
    assert p["rec_basis"].value == "the span of all 2 benchmarks"
    assert p["cell_basis"].sources == r.capex.cell_capex.sources
    mine = page.phrases(result(cell_capex_inr_cr_per_gwh_low=600.0,
                               cell_capex_inr_cr_per_gwh_high=1200.0,
                               recycling_capex_inr_cr_per_kt_low=20.0,
                               recycling_capex_inr_cr_per_kt_high=40.0))
    assert mine["cell_basis"].value == mine["rec_basis"].value == "a range set for this run"
    assert mine["cell_basis"].sources == ()


def test_benchmarks_below_and_verdict_words(r):
    p = page.phrases(r)
    assert p["bench_below"].value == "2 of the 3 benchmarks are"
    assert p["plant_verdict"].value == "only the high end"
    assert p["floor_verdict"].value == "only the high end"
    assert p["plant_verdict"].sources == r.pli_gap.plant_reach.sources
    cheap = page.phrases(result(cell_capex_inr_cr_per_gwh_low=100.0,
                                cell_capex_inr_cr_per_gwh_high=150.0))
    assert cheap["plant_verdict"].value == "both ends"
    dear = page.phrases(result(cell_capex_inr_cr_per_gwh_low=800.0,
                               cell_capex_inr_cr_per_gwh_high=1000.0))
    assert dear["plant_verdict"].value == "neither end"
    assert dear["bench_below"].value == "2 of the 3 benchmarks are"  # they do not move
    with pytest.raises(ValueError):
        page.ends_reaching("Half an end")


def test_first_split_and_lede(r):
    p = page.phrases(r)
    assert p["alloc_first_shares"].value == "50% to cells, 50% to recycling and 0% to EVs"
    assert p["lede"].value == (
        "Japan's reported $100–400 million is ₹900–3,600 crore at ₹90.00/$: enough for about "
        "1–12 GWh of cell factories, or 3.3–40% of the PLI capacity that was awarded but has "
        "not been built.")
    assert set(r.pli_gap.gap_share_capacity.sources) <= set(p["lede"].sources)


def test_phrases_do_not_reuse_quantity_names(r):
    from batteryreport.present.glue import quantities

    assert not set(page.phrases(r)) & set(quantities(r))


# --------------------------------------------------------------------------- text helpers


def test_amounts_as_reported():
    row = {"amount_usd_mn_low": 100.0, "amount_usd_mn_high": 400.0,
           "amount_inr_cr_low": 860.0, "amount_inr_cr_high": 3500.0,
           "amount_jpy_bn_low": float("nan"), "amount_jpy_bn_high": float("nan")}
    assert page.amount_text(row) == "$100–400 million / ₹860–3,500 crore"
    assert page.amount_text({"amount_jpy_bn_low": 10000.0,
                             "amount_jpy_bn_high": 10000.0}) == "¥10 trillion"
    assert page.amount_text({"amount_jpy_bn_low": 150.0,
                             "amount_jpy_bn_high": 10000.0}) == "¥150 billion–¥10 trillion"
    assert page.amount_text({}) == ""


def test_wrap_label():
    assert page.wrap_label("short") == "short"
    assert all(len(line) <= 20 for line in
               page.wrap_label("Ola Cell Technologies, Krishnagiri, phase 1a", 20).split("\n"))


# --------------------------------------------------------------------------- tables


def test_rupee_table_lists_each_conversion_with_its_sources(r):
    html = str(page.rupee_table(r))
    assert "<caption>The reported $100–400 million in rupees</caption>" in html
    for text in ("₹88.00–90.00/$ (implied)", "₹880–3,600 crore", "₹85.50–85.90/$",
                 "At this page&#x27;s rate (the close of 30 July 2025)", "₹90.00/$",
                 "At another close for the same day: PTI (later)", "₹90.40/$",
                 "₹900–3,600 crore"):
        assert text in html, text
    # Sources are links to the Data and sources page, every source of the window cited.
    assert 'href="data_sources.html#src-close-a"' in html
    assert 'href="data_sources.html#src-close-b"' in html
    assert "fx_other" in html  # an id unknown to the register is shown as it is


def test_allocation_and_gap_tables(r):
    alloc = str(page.allocation_table(r))
    assert "What ₹900–3,600 crore buys under each split" in alloc
    assert "50% / 50% / 0%" in alloc and "100% / 0% / 0%" in alloc
    assert "1–12 GWh" in alloc  # all of it in cells
    gap = str(page.gap_table(r))
    # By name, the PLI chapter's awards; a firm with no report has no date.
    assert gap.index("Alpha Power") < gap.index("Zeta Cells")
    assert "18 GWh" in gap and "15 January 2026" in gap
    assert 'class="br-num-col"' in gap


def test_announcement_and_meeting_tables_escape_data_text(r):
    ann = r.frames.announcements.copy()
    ann.loc[0, "announcement"] = "<script>alert(1)</script> & more"
    html = str(page.announcements_table(replace(r, frames=replace(r.frames,
                                                                 announcements=ann))))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; more" in html
    assert "¥10 trillion" in html and "(fact-check: confirmed)" in html
    meet = str(page.meetings_table(r))
    assert "2 July 2025 to 3 July 2025" in meet and "Japan: Japan side" in meet


# --------------------------------------------------------------------------- charts


def test_buys_chart(r):
    fig = page.buys_chart(r)
    assert fig.name == "japan_buys"
    assert fig.description.startswith(
        "At this page's assumption of ₹300–900 crore per GWh, ₹900–3,600 crore builds 1–12 GWh.")
    assert "A dashed line marks 5 GWh" in fig.description
    assert list(fig.data["benchmark"])[0] == "This page's assumption"
    assert len(fig.data) == 1 + len(r.frames.cell_benchmarks)


def test_sensitivity_chart(r):
    fig = page.sensitivity_chart(r)
    assert fig.name == "japan_sensitivity"
    assert "exchange rates from ₹80.00–95.00/$" in fig.description
    assert "below a capex of ₹640–760 crore per GWh" in fig.description
    # The grid starts at ₹100 crore per GWh, where even the low end builds one plant.
    assert "the low end only below ₹160–190 crore per GWh" in fig.description
    assert len(fig.data) == len(r.frames.grid)
    spec = json.dumps(fig.to_vega_lite())
    assert "1.5–5.8" not in spec  # labels come from this grid, not another
    labels = {d["label"] for ds in fig.to_vega_lite()["datasets"].values() for d in ds
              if "label" in d}
    assert "4–16" in labels  # $100-400 million at ₹80/$ and ₹200 crore per GWh


def test_whatif_charts_start_at_the_runs_values_and_read_as_the_text(r):
    fig = page.whatif_chart(r)
    sliders = fig.data.set_index("slider")
    assert sliders.loc["fx", "published_value"] == 90.0
    assert (sliders.loc["fx", "min"], sliders.loc["fx", "max"]) == (81.2, 94.5)
    assert sliders.loc["cell_capex_low", "published_value"] == 300
    assert sliders.loc["rec_capex_high", "published_value"] == 36
    assert f"Cell capacity, all of it in cells, {show(r.capacity.cell_gwh)}" in fig.description
    split = page.split_whatif_chart(r)
    assert split.data.set_index("slider").loc["share_cells", "published_value"] == 50
    assert "starting at the half-half split" in split.description
    assert f"Cell capacity, {show(r.allocation.alloc_first_gwh)}" in split.description


def test_whatif_chart_refuses_to_disagree_with_the_text(r):
    from batteryreport.chapters.japan import Span

    w = r.whatif
    off = replace(w, fx=Span(85.0, w.fx.span, w.fx.step))  # not the rate of the text
    with pytest.raises(AssertionError, match="disagree"):
        page.whatif_chart(replace(r, whatif=off))


def test_every_chart_has_a_description_and_data(r):
    for build in (page.buys_chart, page.sensitivity_chart, page.whatif_chart,
                  page.split_whatif_chart):
        fig = build(r)
        assert fig.description and fig.source_note and len(fig.data)
