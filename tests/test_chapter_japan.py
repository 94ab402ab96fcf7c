"""The Japanese-investment chapter: conversions, interval arithmetic and the PLI gap on
known values and tiny inline frames; and the executed notebook responding to parameters."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryreport.chapters import japan
from batteryreport.core.ranges import Range
from batteryreport.present import fmt

REPO = Path(__file__).resolve().parent.parent


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


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


FX = pd.DataFrame({
    "date": [ts("2025-07-01"), ts("2025-07-01"), ts("2025-07-02"), ts("2025-07-30"),
             ts("2025-07-30"), ts("2025-07-30")],
    "inr_per_usd": [85.53, 85.59, 85.62, 87.42, 87.43, 87.80],
    "rate_type": ["close", "close", "close", "close", "close_provisional", "close"],
    "preferred": pd.array([True, False, True, True, False, False], dtype="boolean"),
    "source_id": ["a", "b", "c", "d", "e", "f"],
})


def test_run_rate_parameter_or_latest_preferred_close():
    assert japan.run_rate(FX, 90.0).inr_per_usd == 90.0
    assert japan.run_rate(FX, 90.0).from_parameter
    latest = japan.run_rate(FX, None)
    assert latest.inr_per_usd == 87.42 and latest.date == ts("2025-07-30")
    assert latest.source_ids == ("d",)  # non-preferred rows of that day are not used
    early = japan.run_rate(FX, None, "2025-07-15")
    assert early.inr_per_usd == 85.62 and early.source_ids == ("c",)
    with pytest.raises(ValueError):
        japan.run_rate(FX, -1.0)
    with pytest.raises(LookupError):
        japan.run_rate(FX, None, "2020-01-01")


def test_run_rate_averages_two_preferred_closes_of_one_day():
    fx = FX.copy()
    fx.loc[4, "preferred"] = True
    assert japan.run_rate(fx, None).inr_per_usd == pytest.approx(87.425)


def test_closes_between():
    r, ids = japan.closes_between(FX, "2025-07-01", "2025-07-02")
    assert r == Range(85.53, 85.62) and ids == ["a", "c"]
    with pytest.raises(LookupError):
        japan.closes_between(FX, "2025-08-01", "2025-08-02")


# --------------------------------------------------------------------------- benchmarks


def bench_frame() -> pd.DataFrame:
    rows = [
        ("in_inr", "cell_capex_per_gwh", "india", "Plant A", 650, 650, "INR crore per GWh", True),
        ("in_usd", "cell_capex_per_gwh", "india", "Plant A", 80, 80, "USD million per GWh", True),
        ("in_old", "cell_capex_per_gwh", "india", "Plant B", 900, 900, "INR crore per GWh", False),
        ("gl", "cell_capex_per_gwh", "global", "Study", 30, 50, "USD million per GWh", True),
        ("floor", "investment_floor_per_gwh", "india", "PLI", 225, 225, "INR crore per GWh",
         True),
        ("rec_usd", "recycling_capex_per_capacity", "global", "Rec A", 3333, 3333,
         "USD per tonne of annual capacity", True),
        ("rec_inr", "recycling_capex_per_capacity", "india", "Rec B", 29.63, 29.63,
         "INR crore per kilotonne of annual capacity", True),
    ]
    return pd.DataFrame([{
        "cb_id": r[0], "metric": r[1], "scope": r[2], "subject": r[3], "year": 2023,
        "kind": "estimate", "value_low": float(r[4]), "value_high": float(r[5]), "unit": r[6],
        "preferred": r[7], "source_id": f"src_{r[0]}"} for r in rows]).astype(
        {"preferred": "boolean"})


def test_cell_benchmarks_convert_global_dollars_and_skip_duplicate_currencies():
    out = japan.cell_capex_benchmarks(bench_frame(), 87.5)
    assert list(out["cb_id"]) == ["gl", "in_inr"]  # Indian USD row and non-preferred row out
    gl = out.set_index("cb_id").loc["gl"]
    # $30-50 million per GWh at ₹87.5/$ is ₹262.5-437.5 crore per GWh.
    assert (gl["low"], gl["high"]) == (pytest.approx(262.5), pytest.approx(437.5))
    assert japan.span_of(out).as_tuple() == pytest.approx((262.5, 650))


def test_recycling_benchmarks_in_crore_per_kilotonne():
    out = japan.recycling_capex_benchmarks(bench_frame(), 90).set_index("cb_id")
    # $3,333 a tonne x 1,000 t x ₹90/$ = ₹29.997 crore per 1,000 t a year.
    assert out.loc["rec_usd", "low"] == pytest.approx(29.997)
    assert out.loc["rec_inr", "low"] == pytest.approx(29.63)


def test_capex_assumption_parameters_win_over_benchmarks():
    bench = japan.cell_capex_benchmarks(bench_frame(), 87.5)
    derived = japan.capex_assumption(None, None, bench)
    assert not derived.from_parameters
    assert derived.value == japan.span_of(bench)
    assert derived.low_row == "Study" and derived.high_row == "Plant A"
    assert set(derived.source_ids) == {"src_gl", "src_in_inr"}
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
    assert japan.ends_reaching(Range(1, 14), 5) == "only the high end"


def test_benchmark_capacity_adds_the_range_per_row():
    bench = japan.cell_capex_benchmarks(bench_frame(), 87.5)
    out = japan.benchmark_capacity(bench, Range(870, 3500)).set_index("cb_id")
    assert out.loc["in_inr", "fund_low"] == pytest.approx(870 / 650)
    assert out.loc["gl", "fund_high"] == pytest.approx(3500 / 262.5)


# --------------------------------------------------------------------------- PLI gap


AWARDS = pd.DataFrame({
    "beneficiary": ["Ola", "Hyundai", "ACC", "Reliance"],
    "awarded_gwh": [20.0, 20.0, 5.0, 10.0],
    "status": ["active", "withdrawn", "active", "active"],
    "status_as_of": [ts("2026-03-27"), ts("2022-08-01"), ts("2026-03-27"), ts("2026-03-27")],
    "round": [1, 1, 1, 2],
    "award_date": [ts("2022-03-24"), ts("2022-03-24"), ts("2022-03-24"), ts("2024-09-04")],
    "source_id": ["aw", "aw", "aw", "aw2"],
    "award_id": ["a1", "a2", "a3", "a4"],
})
OBS = pd.DataFrame({
    "beneficiary": ["Ola", "Ola", "Ola", "ACC", "ACC"],
    "observed_date": [ts("2025-06-17"), ts("2025-12-12"), ts("2025-12-12"), ts("2025-12-12"),
                      ts("2026-01-01")],
    "installed_gwh": [1.4, 1.0, 1.4, 0.0, None],
    "preferred": pd.array([False, True, False, True, True], dtype="boolean"),
    "reliability": ["press", "official", "official", "official", "press"],
    "source_id": ["bs", "pib", "minister", "pib", "status_only"],
    "obs_id": ["o1", "o2", "o3", "o4", "o5"],
})


def test_pli_gap_awarded_minus_installed():
    gap = japan.pli_gap(AWARDS, OBS)
    # Active awards only (Hyundai withdrew); the preferred 1 GWh for Ola; the status-only
    # row does not hide ACC's 0 GWh; Reliance has no figure, so nothing is installed.
    assert gap.awarded_gwh == 35 and gap.installed_gwh == 1 and gap.unbuilt_gwh == 34
    rows = gap.by_beneficiary.set_index("beneficiary")
    assert rows.loc["Ola", "installed_gwh"] == 1.0 and rows.loc["Ola", "obs_source_id"] == "pib"
    assert rows.loc["Reliance", "unbuilt_gwh"] == 10
    assert set(gap.source_ids) == {"aw", "aw2", "pib"}


def test_pli_gap_as_of_an_earlier_date():
    gap = japan.pli_gap(AWARDS, OBS, "2025-07-01")
    # Ola's June figure (1.4 GWh) is the latest by then; ACC has no figure yet.
    assert gap.installed_gwh == pytest.approx(1.4)
    assert gap.unbuilt_gwh == pytest.approx(35 - 1.4)


def test_shares_of_the_gap_and_the_floor():
    assert japan.share_of(Range(1, 14), 39) == Range(1 / 39, 14 / 39)
    # ₹874-3,497 crore against 39 GWh x ₹225 crore = ₹8,775 crore.
    s = japan.share_of(Range(874.2, 3496.8), 39 * 225)
    assert (s.low, s.high) == (pytest.approx(0.0996, abs=1e-4), pytest.approx(0.3985, abs=1e-4))
    assert japan.share_text(s) == "10–40%"
    with pytest.raises(ValueError):
        japan.share_of(Range(1, 2), 0)


def test_scheme_term():
    terms = pd.DataFrame({"term_id": ["min_investment_per_gwh", "subsidy_cap", "security"],
                          "value": [225.0, 2000.0, 1000.0], "preferred": [True, False, True],
                          "verification": ["confirmed", "unverifiable", "unverifiable"],
                          "source_id": ["bs", "cw", "cw"]})
    assert japan.scheme_term(terms, "min_investment_per_gwh") == (225.0, "bs")
    for term in ("subsidy_cap", "security"):  # not preferred, or unverifiable
        with pytest.raises(LookupError):
            japan.scheme_term(terms, term)


def test_unverifiable_benchmarks_stay_out():
    cb = bench_frame()
    cb["verification"] = "unchecked"
    cb.loc[cb["cb_id"] == "gl", "verification"] = "unverifiable"
    assert list(japan.cell_capex_benchmarks(cb, 87.5)["cb_id"]) == ["in_inr"]


# --------------------------------------------------------------------------- allocation


def test_allocation_table_known_split():
    out = japan.allocation_table(Range(1000, 4000), {"a": {"cells": 0.5, "recycling": 0.25,
                                                           "ev": 0.25}},
                                 Range(250, 500), Range(25, 50)).iloc[0]
    assert (out["inr_cells_low"], out["inr_cells_high"]) == (500, 2000)
    assert (out["gwh_low"], out["gwh_high"]) == (1, 8)  # 500/500 and 2000/250
    assert (out["kt_low"], out["kt_high"]) == (5, 40)  # 250/50 and 1000/25
    assert (out["inr_ev_low"], out["inr_ev_high"]) == (250, 1000)


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
    assert g.loc[600, "label"] == "1.5–5.8"


# --------------------------------------------------------------------------- text and tables


def test_dates_and_amounts_as_reported():
    assert fmt.date(ts("2025-07-02")) == "2 July 2025"
    assert fmt.date(ts("2025-07-01"), "month") == "July 2025"
    assert fmt.date(ts("2022-01-01"), "year") == "2022"
    assert fmt.date(None) == ""
    assert japan.jpy_bn_text(10000) == "¥10 trillion"
    assert japan.jpy_bn_text(150) == "¥150 billion"
    row = {"amount_usd_mn_low": 100.0, "amount_usd_mn_high": 400.0,
           "amount_inr_cr_low": 860.0, "amount_inr_cr_high": 3500.0,
           "amount_jpy_bn_low": float("nan"), "amount_jpy_bn_high": float("nan")}
    assert japan.amount_text(row) == "$100–400 million / ₹860–3,500 crore"
    assert japan.amount_text({"amount_jpy_bn_low": 10000.0,
                              "amount_jpy_bn_high": 10000.0}) == "¥10 trillion"
    assert japan.amount_text({}) == ""


def test_wrap_label():
    assert japan.wrap_label("short") == "short"
    assert all(len(line) <= 20 for line in
               japan.wrap_label("Ola Cell Technologies, Krishnagiri, phase 1a", 20).split("\n"))


def test_html_table_escapes_data_and_links_sources():
    frame = pd.DataFrame({"name": ['<script>x</script>', "A & B"],
                          "gwh": ["1 GWh", "2 GWh"], "source_id": ["pib_2025_12_12", None]})
    out = japan.html_table(frame, [("name", "Name"), ("gwh", "GWh"), ("source_id", "Source")],
                           caption="T <1>", publishers={"pib_2025_12_12": "PIB"},
                           numeric={"gwh"})
    assert "<script>" not in out and "&lt;script&gt;" in out and "A &amp; B" in out
    assert "<caption>T &lt;1&gt;</caption>" in out
    # Sphinx turns the label src-pib_2025_12_12 into the id src-pib-2025-12-12.
    assert '<a href="data_sources.html#src-pib-2025-12-12">PIB</a>' in out
    assert out.count("white-space:nowrap") == 2


# --------------------------------------------------------------------------- the notebook


def _execute(tmp: Path, name: str, params: dict) -> dict[str, dict]:
    """Run the chapter notebook with ``params`` (papermill, as the build does)."""
    import papermill as pm

    from batteryreport.build.notebooks import read_notebook
    from batteryreport.present.glue import read_glued

    out = tmp / f"{name}.ipynb"
    env = {k: os.environ.get(k) for k in ("BATTERYREPORT_DATA", "BATTERYREPORT_TABLES")}
    os.environ["BATTERYREPORT_DATA"] = str(REPO / "data")
    try:
        pm.execute_notebook(read_notebook(REPO / "notebooks" / "japan_investment.md"), str(out),
                            parameters=params, kernel_name="python3", cwd=str(tmp),
                            progress_bar=False, log_output=False)
    finally:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return read_glued(out)


def _changed(a: dict, b: dict) -> set[str]:
    return {k for k in a if a[k]["text"] != b[k]["text"]}


@pytest.mark.slow
def test_parameters_move_every_dependent_number(tmp_path):
    """Changing the exchange rate or a capex assumption changes the numbers that depend on
    it, and only those."""
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("kernels")
    base = _execute(tmp_path, "base", {})
    weak = _execute(tmp_path, "weak", {"fx_inr_per_usd": 95.0})
    dear = _execute(tmp_path, "dear", {"cell_capex_inr_cr_per_gwh_low": 600.0,
                                       "cell_capex_inr_cr_per_gwh_high": 1000.0})
    fx_dependent = {"fx_run", "fx_source", "inr_run", "cell_gwh", "cell_gwh_india",
                    "capex_global", "gap_share_capacity", "floor_share", "rec_capex", "rec_kt",
                    "breakeven_high", "breakeven_low", "alloc_first_gwh", "alloc_first_kt",
                    "alloc_first_ev", "target_share", "suzuki_share", "lede", "fx_grid"}
    fx_free = {"usd_range", "inr_reported", "fx_implied", "fx_window", "inr_window",
               "capex_india", "capex_global_usd", "cell_gwh_global", "pli_unbuilt",
               "floor_need", "plant_floor", "target_inr", "suzuki_inr"}
    moved = _changed(base, weak)
    assert fx_dependent <= moved, fx_dependent - moved
    assert not fx_free & moved, fx_free & moved
    capex_dependent = {"cell_capex", "cell_basis", "cell_gwh", "gap_share_capacity",
                       "alloc_first_gwh", "lede"}
    capex_free = {"inr_run", "fx_run", "rec_kt", "floor_share", "breakeven_high",
                  "cell_gwh_india", "cell_gwh_global", "capex_india"}
    moved = _changed(base, dear)
    assert capex_dependent <= moved, capex_dependent - moved
    assert not capex_free & moved, capex_free & moved
    # At ₹600-1,000 crore per GWh the high end (₹3,500 crore) still builds 5.8 GWh.
    assert dear["plant_verdict"]["text"] == "only the high end"
    assert dear["cell_basis"]["text"] == "a range set for this run"
    # No number in the executed notebook's prose was typed: every digit is in a role.
    src = (REPO / "notebooks" / "japan_investment.md").read_text(encoding="utf-8")
    prose = re.sub(r"```\{code-cell\}.*?```", "", src.split("---", 2)[2], flags=re.S)
    prose = re.sub(r"\{num\}`[^`]*`", "", prose)
    assert not re.search(r"\d", prose), re.findall(r".{20}\d.{20}", prose)
    assert json.dumps(base["cell_gwh"]["value"])  # raw values are JSON


def test_pli_gap_counts_an_award_until_it_was_withdrawn():
    # Before Hyundai Global Motors withdrew (Aug 2022) its 20 GWh still stood, as in the
    # PLI chapter; Reliance's Round-2 award did not exist yet.
    gap = japan.pli_gap(AWARDS, OBS, "2022-06-01")
    assert gap.awarded_gwh == 45 and gap.installed_gwh == 0
