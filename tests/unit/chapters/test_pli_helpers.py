"""PLI computations on tiny inline frames."""

import pandas as pd
import pytest

from batteryreport.chapters.pli import (
    capacity_gap_gwh,
    days_late,
    penalty_accrued_inr_cr,
    penalty_days,
    penalty_path,
    pick_observation,
    share_achieved,
)


def test_share_and_gap():
    assert share_achieved(1, 20) == pytest.approx(0.05)
    assert share_achieved(0, 10) == 0  # a beneficiary with nothing installed
    assert capacity_gap_gwh(0, 10) == 10
    assert capacity_gap_gwh(25, 20) == 0
    with pytest.raises(ValueError):
        share_achieved(-1, 20)
    with pytest.raises(ValueError):
        share_achieved(1, 0)


def test_days_late():
    assert days_late("2024-12-31", "2025-01-01") == 1
    assert days_late("2024-12-31", "2024-06-01") == 0
    assert days_late("2024-12-31", "2025-12-31") == 365


def test_penalty_reproduces_reliance_disclosure():
    # 0.1% a day of a ₹50 crore security from 1 Jan 2025 to 3 Mar 2025: 62 days, ₹3.1 crore.
    assert penalty_days("2025-01-01", "2025-03-03") == 62
    assert penalty_accrued_inr_cr(50, 0.001, "2025-01-01", "2025-03-03") == pytest.approx(3.1)


def test_penalty_across_the_start_boundary():
    assert penalty_accrued_inr_cr(50, 0.001, "2025-01-01", "2024-12-31") == 0
    assert penalty_accrued_inr_cr(50, 0.001, "2025-01-01", "2025-01-01") == pytest.approx(0.05)
    # crossing a year end: 31 Dec 2025 is day 365
    assert penalty_accrued_inr_cr(125, 0.001, "2025-01-01", "2025-12-31") == pytest.approx(45.625)


def test_penalty_cap_and_bad_inputs():
    assert penalty_accrued_inr_cr(50, 0.001, "2025-01-01", "2030-01-01", cap_inr_cr=50) == 50
    with pytest.raises(ValueError):
        penalty_accrued_inr_cr(-1, 0.001, "2025-01-01", "2025-02-01")
    with pytest.raises(ValueError):
        penalty_accrued_inr_cr(50, 2, "2025-01-01", "2025-02-01")


def test_penalty_path_is_monotonic_and_ends_on_end_date():
    path = penalty_path(50, 0.001, "2025-01-01", "2025-06-15")
    assert path["date"].iloc[-1] == pd.Timestamp("2025-06-15")
    assert path["penalty_inr_cr"].is_monotonic_increasing
    assert path["penalty_inr_cr"].iloc[0] == pytest.approx(0.05)


def _obs():
    return pd.DataFrame({
        "beneficiary": ["Ola", "Ola", "Ola", "Reliance"],
        "observed_date": pd.to_datetime(["2025-06-17", "2025-12-02", "2025-12-02", "2025-12-02"]),
        "installed_gwh": [1.4, 1.0, 1.4, 0.0],
        "preferred": [False, True, False, True],
        "reliability": ["press", "official", "press", "official"],
    })


def test_pick_latest_preferred_and_keep_conflicts():
    chosen, others = pick_observation(_obs())
    ola = chosen.set_index("beneficiary").loc["Ola"]
    assert ola["installed_gwh"] == 1.0
    assert len(others) == 2 and set(others["installed_gwh"]) == {1.4}
    assert chosen.set_index("beneficiary").loc["Reliance", "installed_gwh"] == 0.0


def test_pick_respects_as_of():
    chosen, _ = pick_observation(_obs(), as_of="2025-07-01")
    assert list(chosen["beneficiary"]) == ["Ola"]
    assert chosen["installed_gwh"].iloc[0] == 1.4


def test_pick_prefers_official_when_no_flag():
    obs = _obs().drop(columns="preferred")
    chosen, _ = pick_observation(obs)
    assert chosen.set_index("beneficiary").loc["Ola", "installed_gwh"] == 1.0
