"""The PLI-ACC chapter's computations (src/batteryreport/pli.py) on tiny inline frames."""

import pandas as pd
import pytest

from batteryreport.chapters.pli import (
    active_awards,
    add_years,
    capacity_range,
    days_until_security_used,
    latest_indicator,
    milestone_due,
    outside_scheme_capacity,
    pct_to_share,
    penalty_paths,
    penalty_table,
    period_end,
    promised_vs_built,
    years_in_term,
)
from batteryreport.core.ranges import Range
from batteryreport.present import fmt

T = pd.Timestamp


def _awards():
    return pd.DataFrame({
        "award_id": ["r1_big", "r1_gone", "r1_small", "r2"],
        "round": [1, 1, 1, 2],
        "beneficiary": ["Big", "Gone", "Small", "Late"],
        "parent_group": ["BigCo", None, "SmallCo", "LateCo"],
        "awarded_gwh": [20.0, 20.0, 5.0, 10.0],
        "award_date": pd.to_datetime(["2022-03-24"] * 3 + ["2024-09-04"]),
        "appointed_date": pd.to_datetime([None, None, None, "2025-07-01"]),
        "milestone1_due_date": pd.to_datetime(["2024-12-01", None, "2024-12-01", None]),
        "milestone1_due_precision": ["month", None, "month", None],
        "status": ["active", "withdrawn", "active", "active"],
        "status_as_of": pd.to_datetime(["2026-03-27", "2022-08-01", "2026-03-27", "2026-03-27"]),
        "source_id": ["s_award"] * 4,
    })


def _obs():
    return pd.DataFrame({
        "obs_id": ["big_press", "big_status", "big_official", "big_press2", "small_status"],
        "beneficiary": ["Big", "Big", "Big", "Big", "Small"],
        "observed_date": pd.to_datetime(["2025-05-01", "2025-06-17", "2025-12-12",
                                         "2025-12-01", "2025-06-17"]),
        # status-only rows carry no number
        "installed_gwh": [1.4, None, 1.0, 1.4, None],
        "preferred": [False, True, True, False, True],
        "reliability": ["press", "press", "official", "official", "press"],
        "source_id": ["s_press", "s_status", "s_official", "s_minister", "s_status"],
    })


def _penalties():
    return pd.DataFrame({
        "pen_id": ["big_sec", "small_sec", "small_daily", "small_rumour"],
        "beneficiary": ["Big", "Small", "Small", "Small"],
        "measure": ["performance_security", "performance_security", "daily_penalty",
                    "max_exposure_reported"],
        "amount_inr_cr": [125.0, 50.0, None, 125.0],
        "accrual_start_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", None]),
        "basis": ["derived", "disclosed", "disclosed", "reported"],
        "preferred": [True, True, True, False],
        "source_id": ["s1", "s2", "s2", "s3"],
    })


# ---------------------------------------------------------------- dates


def test_pct_to_share():
    assert pct_to_share(0.1) == pytest.approx(0.001)
    with pytest.raises(ValueError):
        pct_to_share(120)


def test_period_end_and_date_text_follow_precision():
    assert period_end("2024-12-01", "month") == T("2024-12-31")
    assert period_end("2024-02-01", "month") == T("2024-02-29")
    assert period_end("2023-01-01", "year") == T("2023-12-31")
    assert period_end("2025-03-03", "day") == T("2025-03-03")
    assert fmt.date("2024-12-01", "month") == "December 2024"
    assert fmt.date("2025-03-03", "day") == "3 March 2025"
    assert fmt.date("2023-01-01", "year") == "2023"
    assert add_years("2025-07-01", 2) == T("2027-07-01")


def test_milestone_stated_or_derived_from_appointed_date():
    due, basis = milestone_due(T("2024-12-01"), "month", None, 2)
    assert (due, basis) == (T("2024-12-31"), "stated")
    # Round 2: two-year gestation from the appointed date 1 Jul 2025 ends on 30 Jun 2027
    due, basis = milestone_due(None, None, T("2025-07-01"), 2)
    assert (due, basis) == (T("2027-06-30"), "derived")
    assert milestone_due(None, None, None, 2) == (None, "unknown")


# ---------------------------------------------------------------- promised against built


def test_withdrawn_award_drops_out_only_after_withdrawal():
    assert "Gone" in set(active_awards(_awards(), "2022-06-01")["beneficiary"])
    assert "Gone" not in set(active_awards(_awards(), "2022-09-01")["beneficiary"])
    # Round 2 is not counted before it was awarded
    assert "Late" not in set(active_awards(_awards(), "2024-01-01")["beneficiary"])


def test_promised_vs_built_latest_official_figure_and_conflicts_kept():
    table, others = promised_vs_built(_awards(), _obs(), "2026-03-27", gestation_years=2)
    t = table.set_index("beneficiary")
    assert list(table["beneficiary"]) == ["Big", "Small", "Late"]
    assert t.loc["Big", "installed_gwh"] == 1.0
    assert t.loc["Big", "share_achieved"] == pytest.approx(0.05)
    assert t.loc["Big", "obs_source_id"] == "s_official"
    # the 1.4 GWh reports stay visible as "others"
    assert set(others["installed_gwh"]) == {1.4}
    # milestone due end of Dec 2024: 451 days late on 27 Mar 2026 (same count as penalty days)
    assert t.loc["Big", "days_past_milestone"] == 451


def test_beneficiary_with_no_installed_capacity():
    table, _ = promised_vs_built(_awards(), _obs(), "2026-03-27", gestation_years=2)
    small = table.set_index("beneficiary").loc["Small"]
    # only a status row ("no progress") exists: counts as 0 GWh, flagged
    assert small["installed_gwh"] == 0.0
    assert small["installed_basis"] == "none reported"
    assert small["share_achieved"] == 0.0
    assert small["gap_gwh"] == 5.0
    late = table.set_index("beneficiary").loc["Late"]
    assert late["milestone_basis"] == "derived"
    assert not late["milestone_passed"] and late["days_past_milestone"] == 0


def test_promised_vs_built_moves_with_as_of():
    mid, _ = promised_vs_built(_awards(), _obs(), "2025-06-30", gestation_years=2)
    big = mid.set_index("beneficiary").loc["Big"]
    assert big["installed_gwh"] == 1.4  # only the press figure was out by then
    assert big["days_past_milestone"] == 181
    early, _ = promised_vs_built(_awards(), _obs(), "2024-06-30", gestation_years=2)
    assert (early["days_past_milestone"] == 0).all()
    assert (early["installed_gwh"] == 0).all()


# ---------------------------------------------------------------- penalties


def test_penalty_table_reproduces_disclosed_amount_and_keeps_basis():
    tab = penalty_table(_penalties(), 0.001, "2025-03-03").set_index("beneficiary")
    assert tab.loc["Small", "accrued_inr_cr"] == pytest.approx(3.1)  # 62 days x 5 lakh
    assert tab.loc["Small", "security_basis"] == "disclosed"
    assert tab.loc["Big", "security_basis"] == "derived"
    assert tab.loc["Big", "daily_inr_cr"] == pytest.approx(0.125)  # 12.5 lakh a day
    # only performance-security rows count; the reported "maximum exposure" does not
    assert len(tab) == 2


def test_penalty_accrual_across_the_start_boundary():
    before = penalty_table(_penalties(), 0.001, "2024-12-31")
    assert (before["accrued_inr_cr"] == 0).all() and (before["days"] == 0).all()
    first = penalty_table(_penalties(), 0.001, "2025-01-01").set_index("beneficiary")
    assert first.loc["Big", "accrued_inr_cr"] == pytest.approx(0.125)
    assert first.loc["Big", "days"] == 1


def test_penalty_table_filters_beneficiaries_and_applies_a_cap_only_if_given():
    tab = penalty_table(_penalties(), 0.001, "2030-01-01", beneficiaries=["Small"])
    assert list(tab["beneficiary"]) == ["Small"]
    assert tab["accrued_inr_cr"].iloc[0] > 50  # no cap: runs past the security
    capped = penalty_table(_penalties(), 0.001, "2030-01-01", cap_inr_cr=50)
    assert (capped["accrued_inr_cr"] <= 50).all()


def test_penalty_paths_end_on_as_of_and_handle_dates_before_start():
    tab = penalty_table(_penalties(), 0.001, "2025-06-15")
    paths = penalty_paths(tab, 0.001, "2025-06-15")
    assert set(paths["beneficiary"]) == {"Big", "Small"}
    last = paths.groupby("beneficiary")["date"].max()
    assert (last == T("2025-06-15")).all()
    early = penalty_paths(tab, 0.001, "2024-06-01")
    assert (early["penalty_inr_cr"] == 0).all() and len(early) == 2


def test_days_until_security_used():
    assert days_until_security_used(0.001) == 1000
    with pytest.raises(ValueError):
        days_until_security_used(0)


# ---------------------------------------------------------------- indicators and ranges


def test_latest_indicator_respects_as_of_and_skips_unverifiable():
    ind = pd.DataFrame({
        "indicator": ["cumulative_investment"] * 3,
        "as_of_date": pd.to_datetime(["2023-08-24", "2024-12-01", "2025-12-31"]),
        "value": [2090.0, 1575.0, 3237.0],
        "preferred": [True, False, True],
        "verification": ["confirmed", "unverifiable", "confirmed"],
    })
    assert latest_indicator(ind, "cumulative_investment", "2026-01-01")["value"] == 3237
    assert latest_indicator(ind, "cumulative_investment", "2025-06-30")["value"] == 2090
    assert latest_indicator(ind, "cumulative_investment", "2023-01-01") is None
    assert latest_indicator(ind, "jobs", "2026-01-01") is None


def test_output_value_is_gwh_times_price():
    from batteryreport.chapters.pli import output_value_usd_mn

    r = output_value_usd_mn(Range(29, 49), Range(74, 78))
    assert r.low == pytest.approx(29 * 74) and r.high == pytest.approx(49 * 78)
    assert output_value_usd_mn(1, 100) == Range(100, 100)
    with pytest.raises(ValueError):
        output_value_usd_mn(-1, 100)


def test_outside_scheme_capacity_latest_statement_per_company():
    pipe = pd.DataFrame({
        "plant_id": ["a_2023", "a_2025", "b", "c", "pli"],
        "company": ["A", "A", "B", "C", "P"],
        "under_pli": [False, False, False, False, True],
        "capacity_gwh": [20.0, 20.0, None, 6.0, 5.0],
        "ultimate_capacity_gwh": [None, None, 16.0, 12.0, None],
        "status": ["mou_signed", "under_construction", "under_construction", "announced",
                   "under_construction"],
        "statement_date": pd.to_datetime(["2023-06-02", "2025-12-10", "2023-05-06",
                                          "2025-01-01", "2023-01-01"]),
        "preferred": [True, True, True, True, True],
    })
    out = outside_scheme_capacity(pipe, "2026-03-27").set_index("company")
    assert set(out.index) == {"A", "B", "C"}
    assert out.loc["A", "status"] == "under_construction"
    assert (out.loc["B", "low_gwh"], out.loc["B", "high_gwh"]) == (0.0, 16.0)
    assert capacity_range(out.reset_index(), ["under_construction"]) == Range(20, 36)
    assert capacity_range(out.reset_index()) == Range(26, 48)
    earlier = outside_scheme_capacity(pipe, "2024-01-01").set_index("company")
    assert earlier.loc["A", "status"] == "mou_signed" and "C" not in earlier.index


def test_years_in_term():
    assert years_in_term("dva_min_within_5_years") == 5
    assert years_in_term("mandatory_investment_within_2_years") == 2
    with pytest.raises(ValueError):
        years_in_term("outlay")
