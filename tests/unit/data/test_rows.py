"""Provenance: a computed number lists exactly the source rows it used."""

import pandas as pd

from batteryreport.chapters.pli import pick_observation
from batteryreport.data.rows import sources_of, usable


def observations():
    return pd.DataFrame({
        "beneficiary": ["Ola", "Ola", "Reliance", "ACC"],
        "observed_date": pd.to_datetime(["2025-06-17", "2025-12-12", "2025-12-12", "2025-12-12"]),
        "installed_gwh": [1.4, 1.0, 0.0, 0.0],
        "preferred": [False, True, True, True],
        "source_id": ["bs_2025_06_17", "pib_2025_12_12", "pib_2025_12_12", "pib_2025_12_12"],
    })


def test_total_installed_cites_only_the_chosen_rows():
    chosen, others = pick_observation(observations())
    total = float(chosen["installed_gwh"].sum())
    assert total == 1.0
    assert sources_of(chosen) == ("pib_2025_12_12",)
    assert "bs_2025_06_17" in sources_of(others)  # the conflicting report is not cited


def test_as_of_changes_the_rows_and_so_the_sources():
    chosen, _ = pick_observation(observations(), as_of="2025-07-01")
    assert sources_of(chosen) == ("bs_2025_06_17",)


def test_every_source_column_counts_and_rows_can_be_combined():
    awards = pd.DataFrame({"awarded_gwh": [20], "source_id": ["news18"],
                           "agreement_source_id": ["yourstory"], "status_source_id": [None]})
    fx_row = pd.Series({"inr_per_usd": 85.6, "source_id": "upstox"})
    assert sources_of(awards, fx_row) == ("news18", "upstox", "yourstory")
    assert sources_of(awards.iloc[0:0]) == ()
    assert sources_of("a", None, ["b", None], ()) == ("a", "b")


def test_usable_rows_are_preferred_and_not_unverifiable():
    frame = pd.DataFrame({"preferred": [True, True, False, None],
                          "verification": ["confirmed", "unverifiable", "confirmed", "confirmed"]})
    assert list(usable(frame).index) == [0]
    assert len(usable(pd.DataFrame({"x": [1, 2]}))) == 2  # no flags: every row
