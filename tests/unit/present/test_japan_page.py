"""The Japanese-investment chapter on the page: phrases chosen by each rule, and the charts,
what-if charts and tables built from a small result (tiny inline frames)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from japan_tiny import result, run_rate

from batteryreport.chapters.common import RunRate
from batteryreport.present import fmt
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
        "Japan's reported $100–400 million is ₹900–3,600 crore at ₹90.00/$ (the close of "
        "30 July 2025): enough for about "
        "1–12 GWh of cell factories, or 3.3–40% of the PLI capacity that was awarded but has "
        "not been built.")
    assert set(r.pli_gap.gap_share_capacity.sources) <= set(p["lede"].sources)


def test_phrases_do_not_reuse_quantity_names(r):
    from batteryreport.present.glue import quantities

    assert not set(page.phrases(r)) & set(quantities(r))


def _with(r, section: str, **changes):
    """The result with some fields of one section replaced (a changed edition's data)."""
    return replace(r, **{section: replace(getattr(r, section), **changes)})


def _q(q, value):
    return q.with_(value=value)


def test_why_this_exchange_rate_follows_the_run():
    p = page.phrases(result())
    # The latest preferred close on or before the analysis date, and the newer closes in the
    # data that are not used, each with why (disputed; unchecked), never the one after it.
    assert p["fx_why"].value == (
        "It is the latest close the data marks as preferred on or before 15 January 2026, "
        "the date of the latest PLI report in the data. The later closes in the data are not "
        "used: 1 December 2025 (₹95.00–95.50/$: the sources disagree) and 5 January 2026 "
        "(₹96.00/$: not yet fact-checked).")
    assert "1 February 2026" not in p["fx_why"].value  # after the analysis date
    assert p["fx_rule"].value == ("the close of 30 July 2025, the latest close the data marks "
                                  "as preferred on or before the analysis date, 15 January 2026")
    assert {"fx_new_a", "fx_new_b", "fx_unchecked", "fx_close"} <= set(p["fx_why"].sources)
    # An analysis date set for the run: the rule names it as such; no newer close by then.
    r = result()
    dated = replace(_with(r, "dating", run_as_of=_q(r.dating.run_as_of,
                                                    pd.Timestamp("2025-08-01").date())),
                    analysis_date=replace(r.analysis_date, from_parameter=True),
                    frames=replace(r.frames, newer_closes=r.frames.newer_closes.iloc[0:0]))
    assert page.fx_why(dated) == ("It is the latest close the data marks as preferred on or "
                                  "before 1 August 2025, the analysis date set for this run.")
    # A rate set for the run; and no close on or before the date.
    param = result(rate=run_rate(95.0, day=None))
    assert page.fx_why(param).startswith("It comes from the fx_inr_per_usd parameter")
    assert page.fx_rule(param) == "a rate set for this run with the fx_inr_per_usd parameter"
    early = result(rate=RunRate(85.5, pd.Timestamp("2025-07-02"), ("close_a",),
                                before_data=True))
    assert page.fx_why(early).startswith("The data has no close on or before 15 January 2026")
    assert page.fx_rule(early) == ("the close of 2 July 2025, the earliest in the data, as the "
                                   "data has no close on or before the analysis date, "
                                   "15 January 2026")


def test_many_newer_closes_are_summed_up():
    r = result()
    many = pd.DataFrame({"date": pd.to_datetime(["2025-09-01", "2025-10-01", "2025-11-01",
                                                 "2025-12-01"]),
                         "low": [1.0] * 4, "high": [1.0] * 4, "reason": ["not preferred"] * 4,
                         "n_rows": [1] * 4, "source_ids": [("a",)] * 4})
    text = page.fx_why(replace(r, frames=replace(r.frames, newer_closes=many)))
    assert text.endswith("The 4 later closes in the data, up to 1 December 2025, are not "
                         "used: none is marked preferred.")


def test_other_closes_for_the_same_day_by_rule():
    r = result()
    assert page.fx_day_note(r) == ("Sources give different closes for 30 July 2025: the page "
                                   "uses the one the data marks as preferred, and the table "
                                   "lists the other.")
    none = replace(r, frames=replace(r.frames, other_closes=r.frames.other_closes.iloc[0:0]))
    # Two closes for the day (90.0 and 90.02) but none 5 paise away.
    assert page.fx_day_note(none) == ("The sources in the data for 30 July 2025 agree to "
                                      "within 5 paise.")
    single = _with(none, "rupees", n_closes_on_day=_q(r.rupees.n_closes_on_day, 1))
    assert page.fx_day_note(single) == "No other source in the data gives a close for " \
                                       "30 July 2025."
    assert "only to compare" in page.fx_day_note(result(rate=run_rate(95.0, day=None)))


@pytest.mark.parametrize(("implied", "words", "rounded"), [
    ((88.0, 90.0), "weaker than", False),  # the tiny data: 4.8% above the closes
    ((86.0, 87.5), "weaker than", True),  # the real data's: a little
    ((85.0, 85.8), "in line with", True),  # overlaps the closes of 85.5-85.9
    ((84.0, 85.0), "stronger than", True),
    ((70.0, 75.0), "stronger than", False),
])
def test_implied_rate_against_the_market_by_rule(implied, words, rounded):
    from batteryreport.core.ranges import Range

    r = result()
    changed = _with(r, "rupees", fx_implied=_q(r.rupees.fx_implied, Range(*implied)))
    got = page.fx_vs_window(changed)
    assert got.endswith(words) and (got.startswith("a little") == (rounded and words != "in "
                                                                    "line with"))
    assert page.fx_reading(changed).startswith("The rupee figures look like rounded") is rounded


def test_capex_and_benchmark_wording_by_rule(r):
    p = page.phrases(r)
    assert p["india_years"].value == "2023"
    assert p["global_intro"].value == "a global estimate from 2021 is"
    assert p["bench_derived"].value.startswith("2 of the 3 cell benchmarks are our arithmetic")
    assert p["bench_derived"].value.endswith("; the other is stated per GWh.")
    two = _with(r, "capex", n_global_benchmarks=_q(r.capex.n_global_benchmarks, 2),
                global_year_last=_q(r.capex.global_year_last, 2024))
    assert page.global_intro(two) == "2 global estimates from 2021–2024 give"
    stated = _with(r, "capex", n_bench_derived=_q(r.capex.n_bench_derived, 0))
    assert page.bench_derived(stated) == "Every cell benchmark is stated per GWh by its source."
    derived = _with(r, "capex", n_bench_derived=_q(r.capex.n_bench_derived, 3))
    assert page.bench_derived(derived).startswith("All 3 cell benchmarks are our arithmetic")
    assert "the other" not in page.bench_derived(derived)


@pytest.mark.parametrize(("below", "partly", "text"), [
    (2, 0, "2 of the 3 benchmarks are"),
    (0, 0, "none of the 3 benchmarks is"),
    (3, 0, "all 3 benchmarks are"),
    (1, 0, "1 of the 3 benchmarks is"),
    (1, 1, "1 of the 3 benchmarks is, and 1 more is only at the low end of its range"),
    (0, 2, "none of the 3 benchmarks is, and 2 more are only at the low end of their range"),
])
def test_benchmarks_under_the_breakeven_by_rule(r, below, partly, text):
    g = r.pli_gap
    changed = _with(r, "pli_gap", n_bench_below=_q(g.n_bench_below, below),
                    n_bench_partly=_q(g.n_bench_partly, partly),
                    n_bench_below_low=_q(g.n_bench_below_low, below),
                    n_bench_partly_low=_q(g.n_bench_partly_low, partly))
    assert page.bench_below(changed) == text
    assert page.bench_below(changed, low_end=True) == text
    assert page.phrases(r)["bench_below_low"].value == "none of the 3 benchmarks is"


def test_which_pli_share_is_smaller_by_rule(r):
    # The tiny floor is ₹200 crore per GWh; the benchmarks run ₹300-900.
    assert page.floor_vs_cost(r) == ("All 3 benchmarks lie above it, so the first share is the "
                                     "smaller one.")
    dear = result(cell_capex_inr_cr_per_gwh_low=600.0, cell_capex_inr_cr_per_gwh_high=1000.0)
    assert page.floor_vs_cost(dear).endswith("and so does this run's whole capex range, so the "
                                             "first share is the smaller one.")
    straddle = result(cell_capex_inr_cr_per_gwh_low=150.0, cell_capex_inr_cr_per_gwh_high=900.0)
    assert "the smaller one only at its low end" in page.floor_vs_cost(straddle)
    cheap = result(cell_capex_inr_cr_per_gwh_low=100.0, cell_capex_inr_cr_per_gwh_high=150.0)
    assert page.floor_vs_cost(cheap).endswith("so the first share is the larger one.")
    # The shares agree with the words.
    g = cheap.pli_gap
    assert g.gap_share_capacity.value.low > g.floor_share.value.low
    g = r.pli_gap
    assert g.gap_share_capacity.value.high < g.floor_share.value.high
    few = _with(r, "pli_gap", n_bench_above_floor=_q(r.pli_gap.n_bench_above_floor, 1))
    assert page.floor_vs_cost(few).startswith("1 of the 3 benchmarks lies above it")


def test_recycling_capex_wording_by_rule(r):
    p = page.phrases(r)
    assert p["rec_capex_sentence"].value == ("The 2 benchmarks in the data put a plant at "
                                             "₹30–36 crore per 1,000 tonnes a year of capacity.")
    assert p["rec_bench_kinds"].value == (
        "The benchmarks are a company plan and an estimate, 1 of them from outside India, so "
        "treat the result as an order of magnitude.")
    mine = page.phrases(result(recycling_capex_inr_cr_per_kt_low=20.0,
                               recycling_capex_inr_cr_per_kt_high=40.0))
    # Set by the run: it does not say the benchmarks put it there.
    assert mine["rec_capex_sentence"].value == (
        "This run sets a plant's cost at ₹20–40 crore per 1,000 tonnes a year of capacity; the 2 "
        "benchmarks in the data give ₹30–36 crore per 1,000 tonnes a year.")
    assert mine["rec_basis"].value == "a range set for this run"


def test_when_the_installed_figures_are_from_by_rule(r):
    # One beneficiary reported on 15 Jan 2026, the other not at all.
    assert page.pli_when(r) == ("by 15 January 2026 (1 of the 2 beneficiaries had no report by "
                                "15 January 2026 and counts as none installed)")
    g = r.pli_gap
    all_same = _with(r, "pli_gap", n_pli_unreported=_q(g.n_pli_unreported, 0))
    assert page.pli_when(all_same) == "by 15 January 2026"
    spread = _with(r, "pli_gap", n_pli_unreported=_q(g.n_pli_unreported, 0),
                   pli_obs_first=_q(g.pli_as_of, pd.Timestamp("2025-06-17").date()))
    assert page.pli_when(spread) == ("according to each beneficiary's latest report, dated "
                                     "17 June 2025 to 15 January 2026")
    nobody = _with(r, "pli_gap", n_pli_unreported=_q(g.n_pli_unreported, 2))
    assert page.pli_when(nobody).endswith("no beneficiary had reported any")


def test_the_two_yen_targets_by_rule(r):
    p = page.phrases(r)
    assert r.context.target_scope.value == "private sector only"
    assert r.context.target_2022_scope.value == "public and private; investment and financing"
    assert "cannot be read as a multiple" in p["targets_compared"].value
    assert "doubl" not in p["targets_compared"].value
    same = _with(r, "context", target_2022_scope=r.context.target_scope)
    assert page.targets_compared(same) == ("Both count the same kind of money (private sector "
                                           "only); the new target is 2 times the earlier one.")


@pytest.mark.parametrize(("capex", "fx", "words"), [
    ((300, 900), (80, 95), "far more on what a GWh costs than on the exchange rate"),
    ((300, 330), (80, 85), "more on what a GWh costs than on the exchange rate"),
    ((300, 330), (80, 92), "more on the exchange rate than on what a GWh costs"),
    ((300, 301), (80, 92), "far more on the exchange rate than on what a GWh costs"),
])
def test_what_the_verdict_depends_on_by_rule(r, capex, fx, words):
    from batteryreport.core.ranges import Range

    changed = _with(_with(r, "capex", capex_bench=_q(r.capex.capex_bench, Range(*capex))),
                    "sensitivity", fx_grid=_q(r.sensitivity.fx_grid, Range(*fx)))
    assert page.flip_driver(changed) == words


def test_run_dating_by_rule(r):
    assert page.run_dating(r).startswith("This run is taken at 15 January 2026 (the date of the "
                                         "latest PLI report in the data)")
    assert "after the run's date" not in page.run_dating(r)
    early = replace(_with(r, "dating", run_as_of=_q(r.dating.run_as_of,
                                                    pd.Timestamp("2025-06-30").date())),
                    analysis_date=replace(r.analysis_date, from_parameter=True))
    text = page.run_dating(early)
    assert text.startswith("This run is taken at 30 June 2025 (set for this run)")
    assert text.endswith("The range itself was reported in July 2025, after the run's date, so "
                         "the page shows what it would have meant then.")


def test_every_phrase_cites_its_rows(r):
    p = page.phrases(r)
    for key in ("fx_why", "fx_vs_window", "bench_below", "floor_vs_cost", "rec_capex_sentence",
                "pli_when", "targets_compared", "flip_driver", "run_dating", "bench_derived"):
        assert p[key].sources, key


# --------------------------------------------------------------------------- claims


NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "japan_investment.md"


def claims() -> list[tuple[str, str]]:
    """The notebook's claims: (condition, the first words of the prose)."""
    found = re.findall(r":::\{claim\}\n:if: (.*?)\n(.*?)\n:::", NOTEBOOK.read_text(), re.S)
    return [(" ".join(c.split()), " ".join(t.split())[:60]) for c, t in found]


def records(r) -> dict[str, dict]:
    """What the notebook glues for a result, as the build's claim check reads it."""
    from batteryreport.present.glue import quantities

    out = {k: {"key": k, "value": q.raw, "unit": q.unit.key, "text": show(q)}
           for k, q in quantities(r).items()}
    out.update({k: {"key": k, "value": None, "unit": "text", "text": q.value}
                for k, q in page.phrases(r).items()})
    return out


def holds(condition: str, r) -> bool:
    from batteryreport.core.claims import evaluate, value_of

    recs = records(r)

    def lookup(name: str):
        key, *part = name.split(".")
        if key not in recs:
            raise KeyError(name)
        return value_of(recs[key], part[0] if part else None)

    return evaluate(condition, lookup)


def test_the_notebook_declares_its_claims_and_they_hold_on_the_tiny_data(r):
    found = claims()
    assert len(found) >= 6
    for condition, text in found:
        assert holds(condition, r), (condition, text)


def _claim(start: str) -> str:
    return next(c for c, t in claims() if t.startswith(start))


def test_a_claim_turns_false_when_the_data_stops_supporting_it():
    from batteryreport.core.ranges import Range

    r = result()
    # A range larger than Suzuki's plant: "Even its high end is only ..." no longer holds.
    upper = _claim("These are upper limits")
    big = result(japan_investment_usd_mn_low=1000.0, japan_investment_usd_mn_high=2000.0)
    assert holds(upper, r) and not holds(upper, big)
    assert not holds(_claim("The reported range is small"), big)
    # The battery plant is no longer part of a larger MoU.
    part = _claim("Suzuki separately agreed")
    ctx = replace(r.context, suzuki_total_inr=_q(r.context.suzuki_total_inr, 7000.0))
    assert not holds(part, replace(r, context=ctx))
    # A later IOC-Panasonic report with an amount.
    ioc = _claim("Indian Oil and Panasonic")
    later = replace(r.context, ioc_latest=_q(r.context.ioc_latest,
                                              pd.Timestamp("2026-01-01").date()),
                    n_ioc_amounts=_q(r.context.n_ioc_amounts, 1))
    assert not holds(ioc, replace(r, context=later))
    # Benchmarks that agree closely: cost no longer matters more than the exchange rate.
    most = _claim("What a GWh of cell-making")
    close = _with(r, "capex", capex_bench=_q(r.capex.capex_bench, Range(600, 620)))
    assert holds(most, r) and not holds(most, close)
    home = _claim("For scale, Japan aims")
    shrink = _with(r, "context", japan_home_goal=_q(r.context.japan_home_goal, 10.0))
    assert not holds(home, shrink)


def test_the_claims_also_follow_the_analysis_on_changed_tables():
    """Not just swapped fields: the analysis itself, on changed data, makes a claim false."""
    from japan_tiny import investments, params, pli_result, tables

    from batteryreport.chapters import japan

    inv = investments()
    extra = inv[inv["inv_id"] == "ioc_panasonic_term_sheet"].copy()
    extra["inv_id"], extra["status"] = "ioc_panasonic_jv", "investment_announced"
    extra["announced_date"] = pd.Timestamp("2025-10-01")
    extra["amount_inr_cr_low"] = extra["amount_inr_cr_high"] = 2000.0
    changed = tables(japan_india_investments=pd.concat([inv, extra], ignore_index=True))
    r = japan.analyse(changed, params(), pli_result())
    assert r.context.n_ioc_amounts.value == 1
    assert not holds(_claim("Indian Oil and Panasonic"), r)


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
    assert "What ₹900–3,600 crore buys under each of the report&#x27;s allocation splits" in alloc
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
    sliders = fig.data[fig.data["kind"] == "Assumption (slider)"].set_index("what")
    assert sliders.loc["Exchange rate", "low"] == 90.0
    assert (sliders.loc["Exchange rate", "from"], sliders.loc["Exchange rate", "to"]) == (
        81.2, 94.5)
    assert sliders.loc["Cell capex, low", "low"] == 300
    assert sliders.loc["Recycling capex, high", "low"] == 36
    results = fig.data[fig.data["kind"] == "Result"].set_index("what")
    assert results.loc["Cell capacity, all of it in cells", "high"] == pytest.approx(
        fmt.round_sig(r.capacity.cell_gwh.value.high, 2))
    assert f"Cell capacity, all of it in cells, {show(r.capacity.cell_gwh)}" in fig.description
    split = page.split_whatif_chart(r)
    shares = split.data[split.data["kind"] == "Assumption (slider)"].set_index("what")
    assert shares.loc["Share to cells", "low"] == 50
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
