"""The Japanese-investment chapter's analysis on tiny inline frames: conversions, interval
arithmetic, the benchmark and capex rules, the verdicts and the splits; and that it takes
the analysis date, the exchange rate and the PLI gap from the PLI result."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from japan_tiny import (
    benchmarks,
    fx_implied,
    fx_rates,
    params,
    pli_result,
    result,
    run_rate,
    tables,
    ts,
)

from batteryreport.chapters import japan
from batteryreport.core import units as u
from batteryreport.core.ranges import Range
from batteryreport.present.fmt import show as show_date

# --------------------------------------------------------------------------- money


def test_usd_range_in_rupees_known_values():
    # $100 million at ₹86/$ is ₹860 crore; $400 million at ₹87.5/$ is ₹3,500 crore.
    assert japan.inr_range(Range(100, 400), 86).as_tuple() == pytest.approx((860, 3440))
    r = japan.inr_range(Range(100, 400), Range(86, 87.5))
    assert (r.low, r.high) == (pytest.approx(860), pytest.approx(3500))
    with pytest.raises(ValueError):
        japan.usd_range(0, 400)
    with pytest.raises(ValueError):
        japan.usd_range(400, 100)


def test_implied_rates_of_the_reported_pair():
    r = japan.implied_rates(Range(860, 3500), Range(100, 400))
    assert (r.low, r.high) == (pytest.approx(86.0), pytest.approx(87.5))


def test_closes_between_uses_the_closes_the_report_uses():
    fx = fx_rates()
    r, ids = japan.closes_between(fx, "2025-07-01", "2025-07-10")
    assert r == Range(85.5, 85.9) and ids == ["close_a", "close_b"]
    # The non-preferred closes of 30 July are not the report's.
    r, ids = japan.closes_between(fx, "2025-07-30", "2025-07-30")
    assert r == Range(90.0, 90.0) and ids == ["fx_close"]
    with pytest.raises(LookupError):
        japan.closes_between(fx, "2025-08-01", "2025-08-02")


def test_the_sources_conversion_must_match_the_implied_rates():
    japan.check_implied(fx_implied(), "reported_src", Range(88.0, 90.0))
    japan.check_implied(fx_implied(), "another_src", Range(70.0, 71.0))  # nothing recorded
    with pytest.raises(ValueError, match="fx_implied_rates"):
        japan.check_implied(fx_implied(88.0, 90.5), "reported_src", Range(88.0, 90.0))
    with pytest.raises(ValueError):
        japan.analyse(tables(fx_implied_rates=fx_implied(87.0, 90.0)), params(), pli_result())


def test_other_closes_of_the_same_day_are_the_differing_final_ones():
    out = japan.other_closes(fx_rates(), run_rate(), Range(100, 400))
    # 90.02 is within 5 paise and the provisional 91.0 is not a final close.
    assert list(out["source_id"]) == ["fx_other"]
    assert (out.loc[0, "inr_low"], out.loc[0, "inr_high"]) == (pytest.approx(904),
                                                               pytest.approx(3616))
    assert japan.other_closes(fx_rates(), run_rate(day=None), Range(100, 400)).empty


def test_window_closes_and_their_dates():
    r = result().rupees
    assert (r.fx_window_from.value, r.fx_window_to.value) == (ts("2025-07-02").date(),
                                                              ts("2025-07-04").date())
    assert r.fx_window_from.sources == ("close_a",) and r.fx_window_to.sources == ("close_b",)


def test_newer_closes_are_the_unused_ones_up_to_the_analysis_date_with_why():
    out = japan.newer_closes(fx_rates(), run_rate(), ts("2026-01-15"))
    # After the run's day (30 Jul 2025), on or before the analysis date; 1 Feb 2026 is after.
    assert list(out["date"]) == [ts("2025-12-01"), ts("2026-01-05")]
    assert list(out["reason"]) == ["disputed", "unchecked"]  # 95.0 against 95.5; unchecked
    assert (out.loc[0, "low"], out.loc[0, "high"]) == (95.0, 95.5)
    assert out.loc[0, "source_ids"] == ("fx_new_a", "fx_new_b")
    assert japan.newer_closes(fx_rates(), run_rate(day=None), ts("2026-01-15")).empty
    # A day whose closes agree and were checked, but none is preferred.
    agree = fx_rates()
    agree.loc[agree["source_id"] == "fx_new_b", "inr_per_usd"] = 95.02
    assert japan.newer_closes(agree, run_rate(), ts("2025-12-31"))["reason"].tolist() == [
        "not preferred"]
    r = result().rupees
    assert r.n_fx_newer.value == 2 and "fx_unchecked" in r.n_fx_newer.sources
    assert r.n_closes_on_day.value == 3  # 90.0, 90.4 and 90.02: the final closes of 30 July
    assert result(rate=run_rate(95.0, day=None)).rupees.n_closes_on_day.value == 0


# --------------------------------------------------------------------------- benchmarks


def test_cell_benchmarks_convert_global_dollars_and_skip_duplicates_and_rumours():
    out = japan.cell_capex_benchmarks(benchmarks(), 90.0)
    # The Indian dollar row is a copy of a rupee figure; the unverifiable row stays out.
    assert list(out["cb_id"]) == ["gl", "in_low", "in_high"]
    gl = out.set_index("cb_id").loc["gl"]
    # $40-50 million per GWh at ₹90/$ is ₹360-450 crore per GWh.
    assert (gl["low"], gl["high"]) == (pytest.approx(360), pytest.approx(450))
    assert (gl["reported_low"], gl["unit"]) == (40, "USD million per GWh")
    assert japan.span_of(out).as_tuple() == pytest.approx((300, 900))
    with pytest.raises(ValueError):
        japan.span_of(out.iloc[0:0])


def test_recycling_benchmarks_in_crore_per_kilotonne():
    out = japan.recycling_capex_benchmarks(benchmarks(), 90).set_index("cb_id")
    # $4,000 a tonne x 1,000 t x ₹90/$ = ₹36 crore per 1,000 t a year.
    assert out.loc["rec_usd", "low"] == pytest.approx(36)
    assert out.loc["rec_inr", "low"] == pytest.approx(30)


def test_capex_assumption_parameters_win_over_benchmarks():
    bench = japan.cell_capex_benchmarks(benchmarks(), 90.0)
    derived = japan.capex_assumption(None, None, bench)
    assert not derived.from_parameters and derived.value == Range(300, 900)
    assert derived.low_row == "Plant in_low" and derived.high_row == "Plant in_high"
    assert set(derived.source_ids) == {"src_gl", "src_in_low", "src_in_high"}
    chosen = japan.capex_assumption(500, 700, bench)
    assert chosen.from_parameters and chosen.value == Range(500, 700) and chosen.source_ids == ()
    with pytest.raises(ValueError):
        japan.capex_assumption(500, None, bench)


# --------------------------------------------------------------------------- capacity


def test_gwh_fundable_pairs_the_ends_the_right_way_round():
    # Low end at the highest cost, high end at the lowest.
    g = japan.gwh_fundable(Range(870, 3500), Range(250, 875))
    assert (g.low, g.high) == (pytest.approx(870 / 875), pytest.approx(14))
    # ₹1,125 crore at the PLI floor of ₹225 crore per GWh is exactly the smallest plant.
    assert japan.gwh_fundable(Range.point(1125), Range.point(225)) == Range(5, 5)
    kt = japan.recycling_kt_fundable(Range(870, 3500), Range(29, 32))
    assert (kt.low, kt.high) == (pytest.approx(870 / 32), pytest.approx(3500 / 29))


pos = st.floats(min_value=1, max_value=1e5, allow_nan=False, allow_infinity=False)


@given(pos, pos, pos, pos)
def test_gwh_fundable_brackets_every_combination(a, b, c, d):
    money, capex = Range.of(a, b), Range.of(c, d)
    g = japan.gwh_fundable(money, capex)
    for m in (money.low, money.mid, money.high):
        for k in (capex.low, capex.mid, capex.high):
            assert g.low * (1 - 1e-9) <= m / k <= g.high * (1 + 1e-9)


def test_breakeven_and_verdicts():
    assert japan.breakeven_capex(3500, 5) == 700
    with pytest.raises(ValueError):
        japan.breakeven_capex(3500, 0)
    assert japan.plant_verdict(Range(1, 14), 5) == "Only the high end"
    assert japan.plant_verdict(Range(6, 14), 5) == "Both ends"
    assert japan.plant_verdict(Range(1, 4.9), 5) == "Neither end"
    assert japan.plant_verdict(Range(5, 5), 5) == "Both ends"  # exactly enough counts


def test_benchmark_capacity_adds_the_range_per_row():
    bench = japan.cell_capex_benchmarks(benchmarks(), 90.0)
    out = japan.benchmark_capacity(bench, Range(900, 3600)).set_index("cb_id")
    assert out.loc["in_low", "fund_low"] == pytest.approx(3)
    assert out.loc["gl", "fund_high"] == pytest.approx(10)


def test_shares_of_a_total():
    assert japan.share_of(Range(1, 14), 39) == Range(1 / 39, 14 / 39)
    with pytest.raises(ValueError):
        japan.share_of(Range(1, 2), 0)


def test_counting_benchmarks_under_a_capex():
    bench = japan.cell_capex_benchmarks(benchmarks(), 90.0)  # 300; 360-450; 900
    assert japan.count_below(bench, 720) == (2, 0)
    assert japan.count_below(bench, 400) == (1, 1)  # the global range straddles it
    assert japan.count_below(bench, 100) == (0, 0)
    assert japan.count_below(bench, 900) == (3, 0)  # exactly enough counts


def test_benchmark_counts_in_the_result():
    r = result()
    g, cx = r.pli_gap, r.capex
    assert (g.n_bench_below.value, g.n_bench_partly.value) == (2, 0)  # under ₹720
    assert (g.n_bench_below_low.value, g.n_bench_partly_low.value) == (0, 0)  # under ₹180
    assert g.n_bench_above_floor.value == 3  # all above ₹200
    assert cx.capex_bench.value == Range(300, 900) and cx.bench_spread.value == 3
    # The benchmarks stay what they are when the run sets its own capex.
    mine = result(cell_capex_inr_cr_per_gwh_low=600.0, cell_capex_inr_cr_per_gwh_high=1200.0)
    assert mine.capex.capex_bench.value == Range(300, 900)
    assert (cx.n_india_benchmarks.value, cx.n_global_benchmarks.value) == (2, 1)
    assert (cx.india_year_first.value, cx.global_year_last.value) == (2023, 2021)
    assert cx.n_bench_derived.value == 2  # the global estimate is stated per GWh
    assert cx.rec_capex_bench.value == Range(30, 36) and cx.n_rec_abroad.value == 1


# --------------------------------------------------------------------------- allocation


def test_allocation_table_known_split():
    out = japan.allocation_table(Range(1000, 4000), {"a": {"cells": 0.5, "recycling": 0.25,
                                                           "ev": 0.25}},
                                 Range(250, 500), Range(25, 50)).iloc[0]
    assert (out["inr_cells_low"], out["inr_cells_high"]) == (500, 2000)
    assert (out["gwh_low"], out["gwh_high"]) == (1, 8)  # 500/500 and 2000/250
    assert (out["kt_low"], out["kt_high"]) == (5, 40)  # 250/50 and 1000/25
    assert (out["inr_ev_low"], out["inr_ev_high"]) == (250, 1000)


def test_allocation_without_a_sector_buys_none_of_it():
    out = japan.allocation_table(Range(1000, 4000), {"ev-only": {"ev": 1.0}},
                                 Range(250, 500), Range(25, 50)).iloc[0]
    assert (out["gwh_low"], out["gwh_high"], out["kt_high"]) == (0, 0, 0)
    assert (out["inr_ev_low"], out["inr_ev_high"]) == (1000, 4000)


def test_normalise_shares():
    assert japan.normalise_shares({"cells": 2, "recycling": 1, "ev": 1}) == {
        "cells": 0.5, "recycling": 0.25, "ev": 0.25}
    assert japan.normalise_shares({"cells": 1})["ev"] == 0
    for bad in ({"cells": -1, "ev": 2}, {"batteries": 1}, {"cells": 0}):
        with pytest.raises(ValueError):
            japan.normalise_shares(bad)


# --------------------------------------------------------------------------- sensitivity


def test_grid_values_and_steps():
    assert japan.nice_step(10.8, 6) == 2
    assert japan.grid_values(81.1, 91.9, 6) == [80, 82, 84, 86, 88, 90, 92]
    assert japan.grid_values(220, 965, 16) == list(range(200, 1001, 50))


def test_sensitivity_grid_flips_at_the_breakeven():
    g = japan.sensitivity_grid(Range(100, 400), [87.5], [600, 700, 800], 5).set_index("capex")
    # $400 million at ₹87.5/$ is ₹3,500 crore: exactly 5 GWh at ₹700 crore per GWh.
    assert g.loc[700, "gwh_high"] == pytest.approx(5)
    assert g.loc[600, "verdict"] == "Only the high end"
    assert g.loc[700, "verdict"] == "Only the high end"
    assert g.loc[800, "verdict"] == "Neither end"
    assert list(g.columns) == ["fx", "gwh_low", "gwh_high", "verdict"]  # no display text


def test_input_span_holds_the_data_and_the_value_widened_and_rounded_out():
    s = japan.input_span(245.4, [245.4, 875.7, 225], 0.1, 5)
    assert (s.value, s.span, s.step) == (245.4, Range(200, 965), 5)  # 202.5 -> 200; 963.3 -> 965
    # A run value outside the data (a scenario) is still inside the span.
    assert 120 in japan.input_span(120, [85, 88], 0.05, 0.1).span


# --------------------------------------------------------------------------- the chapter


def test_it_takes_the_pli_gap_terms_date_and_rate_from_the_pli_result():
    pli = pli_result()
    r = japan.analyse(tables(), params(), pli)
    g = r.pli_gap
    assert (g.pli_awarded.value, g.pli_installed.value, g.pli_unbuilt.value) == (32, 2, 30)
    assert g.pli_unbuilt.sources == pli.progress.gap_awarded.sources
    assert g.pli_awarded.label == "PLI capacity awarded (active awards)"
    assert (g.pli_floor.value, g.plant_gwh.value) == (200, 5)
    assert g.pli_floor.sources == ("terms_src",) and g.plant_gwh.sources == ("plant_src",)
    assert r.rupees.fx is pli.import_bill.fx
    assert r.analysis_date is pli.analysis_date
    # The awards it shows are the PLI chapter's rows.
    assert list(r.frames.gap["beneficiary"]) == ["Zeta Cells", "Alpha Power"]
    # The latest installed figure among them (a firm with no report has no date).
    assert r.pli_gap.pli_as_of.value == ts("2026-01-15").date()
    assert "pli_awards" not in japan.TABLES and "pli_capacity_observations" not in japan.TABLES
    assert japan.NEEDS == ("pli_delays",)


def test_a_pli_result_without_any_report_has_no_date():
    pli = pli_result()
    pli.frames.progress["observed_date"] = pd.NaT
    q = japan.analyse(tables(), params(), pli).pli_gap.pli_as_of
    assert q.value is None and q.missing == "no report"


def test_the_range_in_rupees_at_the_pli_chapters_rate():
    r = result()
    rp = r.rupees
    assert rp.inr_run.value == Range(900, 3600)  # $100-400 million at ₹90/$
    assert rp.inr_run.unit is u.INR_CRORE and rp.inr_run.sources == ("fx_close", "reported_src")
    assert rp.fx_implied.value == Range(88, 90)
    assert rp.fx_window.value == Range(85.5, 85.9)
    assert rp.fx_window.sources == ("close_a", "close_b", "src_trade_meetings_2025_07")
    assert rp.usd_range.sources == ("reported_src",)  # the preferred report, not its copy
    # A rate set for the run moves the rupees and cites no close.
    param = result(rate=run_rate(100.0, day=None))
    assert param.rupees.inr_run.value == Range(1000, 4000)
    assert param.rupees.fx_run.sources == () and param.frames.other_closes.empty


def test_capex_from_benchmarks_cites_them_and_the_rate_parameters_cite_nothing():
    r = result()
    assert r.capex.cell_capex.value == Range(300, 900) and not r.capex.cell_from_parameters
    assert "fx_close" in r.capex.cell_capex.sources  # global dollars converted at the rate
    assert r.capex.n_cell_benchmarks.value == 3 and r.capex.n_rec_benchmarks.value == 2
    assert r.capex.rec_capex.value == Range(30, 36)
    assert r.capex.rec_capex.unit is u.INR_CRORE_PER_KT_A_YEAR
    mine = result(cell_capex_inr_cr_per_gwh_low=600.0, cell_capex_inr_cr_per_gwh_high=1200.0)
    assert mine.capex.cell_from_parameters and mine.capex.cell_capex.sources == ()
    assert mine.capacity.cell_gwh.value == Range(0.75, 6)
    # What the benchmarks say does not change with the run's assumption.
    assert mine.capex.capex_india == r.capex.capex_india


def test_what_the_range_builds():
    c = result().capacity
    assert c.cell_gwh.value == Range(1, 12)  # ₹900 crore at ₹900, ₹3,600 crore at ₹300
    assert c.cell_gwh_india.value == Range(1, 12)
    # At the global estimate dollars meet dollars: the exchange rate cancels out ...
    assert c.cell_gwh_global.value.low == pytest.approx(2)
    assert c.cell_gwh_global.value.high == pytest.approx(10)
    assert "fx_close" not in c.cell_gwh_global.sources  # ... so it is not a source
    assert c.rec_kt.value.low == pytest.approx(25) and c.rec_kt.value.high == pytest.approx(120)
    assert c.rec_kt.unit is u.KT_A_YEAR


def test_against_the_pli_gap_and_the_scheme_floor():
    g = result().pli_gap
    assert g.gap_share_capacity.value.low == pytest.approx(1 / 30)
    assert g.gap_share_capacity.value.high == pytest.approx(12 / 30)
    assert g.floor_need.value == 6000  # 30 GWh at ₹200 crore per GWh
    assert g.floor_share.value.as_tuple() == pytest.approx((0.15, 0.6))
    assert g.plant_floor.value == 1000
    assert (g.breakeven_low.value, g.breakeven_high.value) == (180, 720)
    assert g.breakeven_high.sig == 2
    assert g.n_bench_below.value == 2  # ₹300 and ₹360 are below ₹720, ₹900 is not


@pytest.mark.parametrize(("capex", "verdict"), [
    ((100.0, 150.0), "Both ends"),  # ₹900 crore / ₹150 = 6 GWh at the low end
    ((300.0, 900.0), "Only the high end"),
    ((800.0, 1000.0), "Neither end"),  # ₹3,600 crore / ₹800 = 4.5 GWh
])
def test_plant_verdict_follows_the_capex(capex, verdict):
    r = result(cell_capex_inr_cr_per_gwh_low=capex[0], cell_capex_inr_cr_per_gwh_high=capex[1])
    assert r.pli_gap.plant_reach.verdict == verdict
    assert "plant_src" in r.pli_gap.plant_reach.sources
    # Cheap capex widens the grid down to zero, which it skips (nothing divides by it).
    assert min(r.frames.capex_values) > 0


def test_floor_verdict_follows_the_rupees():
    assert result().pli_gap.floor_reach.verdict == "Only the high end"  # ₹900 < ₹1,000
    rich = result(rate=run_rate(120.0, day=None))  # ₹1,200-4,800 crore
    assert rich.pli_gap.floor_reach.verdict == "Both ends"


def test_the_first_split_is_the_one_the_prose_names():
    a = result().allocation
    assert a.alloc_first_name.value == "half-half"
    assert (a.alloc_first_share_cells.value, a.alloc_first_share_ev.value) == (0.5, 0)
    assert a.alloc_first_gwh.value.as_tuple() == pytest.approx((0.5, 6))
    assert a.alloc_first_kt.value.as_tuple() == pytest.approx((12.5, 60))
    assert a.alloc_first_ev.value == Range(0, 0)
    with pytest.raises(ValueError, match="allocation_scenarios"):
        result(allocation_scenarios={})


def test_context_rows_and_shares():
    c = result().context
    assert c.target_share.value.as_tuple() == pytest.approx((0.0015, 0.006))
    assert c.suzuki_share.value == pytest.approx(0.5) and c.suzuki_share.sig == 2
    assert c.target_2022_year.value == 2022 and c.target_2022_year.unit is u.YEAR
    assert c.japan_home_year.value == 2030
    m = result().meetings
    assert (m.embassy_companies.value, m.embassy_people.value) == (70, 200)


def test_sensitivity_grid_spans_the_exchange_rate_and_capex_inputs():
    r = result()
    # Rates in the data 85.5-90 (and the implied 88-90), widened 5%: 81.2-94.5, grid of 5s.
    assert r.whatif.fx.span == Range(81.2, 94.5)
    assert r.frames.fx_values == (80, 85, 90, 95)
    assert r.sensitivity.fx_grid.value == Range(80, 95)
    # $400 million at ₹80-95/$ builds 5 GWh below ₹640-760 crore per GWh; the low end 160-190.
    assert r.sensitivity.breakeven_grid.value.as_tuple() == pytest.approx((640, 760))
    assert r.sensitivity.breakeven_low_grid.value.as_tuple() == pytest.approx((160, 190))
    # Cell capex from 300-900 and the ₹200 floor, widened 10%, in steps of 5; the grid in
    # round steps across it.
    assert r.whatif.cell_low.span == Range(180, 990) and r.whatif.cell_low.value == 300
    assert r.frames.capex_values == tuple(range(100, 1001, 100))
    assert len(r.frames.grid) == 4 * len(r.frames.capex_values)
    # The boundary line: the capex at which the high end builds exactly 5 GWh.
    assert list(r.frames.boundary["capex"]) == pytest.approx([8 * 77.5, 8 * 97.5])


def test_every_quantity_has_a_unit_and_a_label_and_the_result_is_frozen():
    from batteryreport.present.glue import quantities

    r = result()
    qs = quantities(r)
    assert len(qs) > 60
    assert all(q.label and isinstance(q.unit, u.Unit) for q in qs.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.rupees.fx_run = r.rupees.inr_run  # type: ignore[misc]


def test_when_the_installed_figures_are_from():
    g = result().pli_gap
    assert g.pli_obs_first.value == g.pli_as_of.value == ts("2026-01-15").date()
    assert (g.n_pli_awards.value, g.n_pli_unreported.value) == (2, 1)
    assert g.n_pli_unreported.sources == ("award_src2",)
    pli = pli_result()
    pli.frames.progress["observed_date"] = [ts("2026-01-15"), ts("2025-06-17")]
    g = japan.analyse(tables(), params(), pli).pli_gap
    assert g.pli_obs_first.value == ts("2025-06-17").date() and g.n_pli_unreported.value == 0


def test_targets_keep_their_scopes_and_suzuki_its_whole_mou():
    c = result().context
    assert japan.scope_of("Japan (private sector only)") == "private sector only"
    assert japan.scope_of("Japan") == "Japan" and japan.scope_of(None) == ""
    assert c.target_scope.value == "private sector only"
    assert c.target_2022_scope.value == "public and private; investment and financing"
    assert c.target_2022_date.value == ts("2022-03-19").date()
    assert (c.suzuki_inr.value, c.suzuki_total_inr.value) == (7200, 10445)
    assert c.suzuki_total_inr.sources == ("src_suzuki_total_2022",)
    assert c.japan_home_base_year.value == 2022


def test_ioc_panasonic_reports_are_the_same_two_parties_rows():
    c = result().context
    assert c.ioc_latest.value == c.ioc_sheet_date.value and c.n_ioc_amounts.value == 0


def test_dating_the_run():
    d = result().dating
    assert d.run_as_of.value == ts("2026-01-15").date()
    assert show_date(d.range_reported) == "July 2025"
    # The newest dated row the page shows: the 15 Jan 2026 PLI report (after the summit).
    assert d.newest_fact.value == ts("2026-01-15").date() and d.newest_fact.sources == ("obs_src",)
