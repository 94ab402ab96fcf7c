"""Recycling chapter: unit conversions, projections, rules, capacity and recovery on tiny
inline frames."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryreport.chapters import recycling as rc
from batteryreport.core.ranges import Range

pos = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
kg = st.floats(min_value=1, max_value=30, allow_nan=False)


# --------------------------------------------------------------------------- units


def test_gwh_to_tonnes_known_values():
    # 1 GWh = 10^6 kWh; at 6.8 kg per kWh that is 6.8 million kg = 6,800 t.
    assert rc.gwh_to_tonnes(1, 6.8) == pytest.approx(6800)
    assert rc.gwh_to_tonnes(128, 6.8) == pytest.approx(870_400)
    assert rc.gwh_to_tonnes(0, 6.8) == 0
    assert rc.tonnes_to_gwh(6800, 6.8) == pytest.approx(1)
    # A recycler's 20,000 t a year at 10 kg per kWh is 2 GWh.
    assert rc.tonnes_to_gwh(20_000, 10) == pytest.approx(2)


def test_gwh_to_tonnes_with_ranges():
    r = rc.gwh_to_tonnes(Range(3.5, 17), 6.8)
    assert r.as_tuple() == pytest.approx((23_800, 115_600))
    r = rc.gwh_to_tonnes(128, Range(5.7, 12.5))
    assert r.as_tuple() == pytest.approx((729_600, 1_600_000))
    r = rc.gwh_to_tonnes(Range(3.5, 17), Range(5.7, 12.5))  # low with low, high with high
    assert r.as_tuple() == pytest.approx((19_950, 212_500))
    back = rc.tonnes_to_gwh(Range(6800, 13_600), 6.8)
    assert back.as_tuple() == pytest.approx((1, 2))


def test_conversion_rejects_bad_inputs():
    with pytest.raises(ValueError):
        rc.gwh_to_tonnes(1, 0)
    with pytest.raises(ValueError):
        rc.gwh_to_tonnes(-1, 6.8)
    with pytest.raises(ValueError):
        rc.gwh_to_tonnes(Range(1, 2), Range(-1, 2))
    with pytest.raises(ValueError):
        rc.kg_per_kwh(0)


@given(pos, kg)
def test_round_trip(gwh, k):
    assert rc.tonnes_to_gwh(rc.gwh_to_tonnes(gwh, k), k) == pytest.approx(gwh, rel=1e-9)


@given(pos, kg, kg)
def test_heavier_packs_weigh_more(gwh, a, b):
    lo, hi = sorted((a, b))
    assert rc.gwh_to_tonnes(gwh, lo) <= rc.gwh_to_tonnes(gwh, hi) * (1 + 1e-12)


def test_energy_density_to_mass():
    assert rc.kg_per_kwh(148) == pytest.approx(6.757, abs=1e-3)
    assert rc.kg_per_kwh(80) == pytest.approx(12.5)
    assert rc.derived_kg_per_kwh(20_000, 2) == pytest.approx(10)
    with pytest.raises(ValueError):
        rc.derived_kg_per_kwh(20_000, 0)


def _intensity():
    return pd.DataFrame({
        "mi_id": ["modern", "old", "stale", "li", "co"],
        "item": ["battery_pack", "battery_pack", "battery_pack", "lithium", "cobalt"],
        "metric": ["pack_energy_density"] * 3 + ["content_per_energy"] * 2,
        "value_low": [148.0, 80.0, 40.0, 0.1, 0.1333],
        "value_high": [174.0, 80.0, 40.0, 0.1, 0.1333],
        "unit": ["Wh/kg"] * 3 + ["kg per kWh"] * 2,
        "preferred": [True, True, False, True, True],
        "source_id": ["a", "a", "b", "c", "c"],
    })


def test_pack_mass_span_uses_preferred_rows_only():
    span = rc.pack_mass_span(_intensity())
    assert span.low == pytest.approx(1000 / 174)
    assert span.high == pytest.approx(12.5)  # the 40 Wh/kg row is not preferred


def test_metal_content():
    assert rc.metal_content(_intensity(), "lithium") == (0.1, ["c"])
    with pytest.raises(LookupError):
        rc.metal_content(_intensity(), "nickel")


# --------------------------------------------------------------------------- projections


def _eol():
    return pd.DataFrame({
        "eol_id": ["niti", "niti_ev", "rmi", "share", "informal", "value"],
        "scope": ["all_sectors", "ev_only", "vehicles_only", "all_sectors", "all_sectors",
                  "all_sectors"],
        "value_low": [128.0, 59.0, 3.5, 1.0, None, 3500.0],
        "value_high": [128.0, 59.0, 17.0, 1.0, 80.0, 3500.0],
        "unit": ["GWh", "GWh", "GWh", "%", "%", "USD million"],
        "preferred": [True, True, True, True, True, True],
        "verification": ["confirmed", "unverifiable", "confirmed", "confirmed", "confirmed",
                         "confirmed"],
        "source_id": ["m", "m", "r", "k", "k", "k"],
    })


def test_eol_in_gwh_keeps_unverifiable_out_of_headlines():
    head = rc.eol_in_gwh(_eol())
    assert list(head["eol_id"]) == ["niti", "rmi"]
    assert head.loc[1, "gwh"] == Range(3.5, 17)
    assert list(rc.eol_in_gwh(_eol(), headline_only=False)["eol_id"]) == ["niti", "niti_ev", "rmi"]


def test_shares_and_up_to_values():
    share, src = rc.share_of(_eol(), "share")
    assert share == Range(0.01, 0.01) and src == "k"
    informal, _ = rc.share_of(_eol(), "informal")  # 'up to 80%': 0 to 0.8
    assert informal == Range(0, 0.8)
    with pytest.raises(LookupError):
        rc.share_of(_eol(), "niti")  # not a percentage


# --------------------------------------------------------------------------- the rules


def _bwmr():
    return pd.DataFrame({
        "target_type": ["material_recovery"] * 3 + ["collection", "recycled_content",
                                                    "recycled_content"],
        "battery_type": ["ev"] * 6,
        "fy_end_year": [2025, 2026, 2027, 2028, 2028, 2031],
        "applies_onward": [False, False, True, False, False, False],
        "target_pct": [70.0, 80.0, 90.0, 70.0, 5.0, 20.0],
    })


def test_target_for_year_carries_onward_targets_forward():
    b = _bwmr()
    assert rc.target_for_year(b, "material_recovery", 2024) is None
    assert rc.target_for_year(b, "material_recovery", 2025) == pytest.approx(0.7)
    assert rc.target_for_year(b, "material_recovery", 2026) == pytest.approx(0.8)
    assert rc.target_for_year(b, "material_recovery", 2030) == pytest.approx(0.9)
    # Recycled content is not marked 'onward': years between stated ones have no target.
    assert rc.target_for_year(b, "recycled_content", 2029) is None
    assert rc.target_for_year(b, "collection", 2028) == pytest.approx(0.7)


def test_recovered_and_recycled_content_tonnes():
    # 70% collected, 90% recovered: 63% of the mass comes back.
    assert rc.recovered_tonnes(1000, 0.9, 0.7) == pytest.approx(630)
    r = rc.recovered_tonnes(Range(23_800, 115_600), 0.9, 0.7)
    assert r.as_tuple() == pytest.approx((14_994, 72_828))
    # 20% of 115-127 GWh of new batteries at 6.8 kg per kWh.
    need = rc.recycled_content_tonnes(Range(115, 127), 6.8, 0.2)
    assert need.as_tuple() == pytest.approx((156_400, 172_720))
    with pytest.raises(ValueError):
        rc.recovered_tonnes(1000, 1.2)
    with pytest.raises(ValueError):
        rc.recycled_content_tonnes(10, 6.8, 20)  # a percentage, not a share


# --------------------------------------------------------------------------- capacity


def _capacity():
    return pd.DataFrame({
        "rc_id": ["a_old", "a_plan", "a_global", "a_undated", "b", "c_gwh", "d_out"],
        "company": ["A", "A", "A", "A", "B", "C", "D"],
        "feedstock": ["li_ion_batteries"] * 5 + ["battery_capacity", "lithium_output"],
        "metric": ["recycling_capacity"] * 4 + ["input_capacity", "recycling_capacity",
                                                "output_capacity"],
        "status": ["existing", "planned", "planned", "existing", "existing", "existing",
                   "planned"],
        "capacity_tonnes_per_year": [4500.0, 19500.0, 300000.0, 15000.0, 20000.0, None, 1000.0],
        "target_year": [None, 2023, 2027, None, None, None, None],
        "statement_date": pd.to_datetime(["2022-11-01", "2022-11-01", "2022-05-31", None,
                                          "2024-01-01", "2024-01-01", "2025-03-06"]),
        "preferred": [True] * 7,
        "verification": ["confirmed", "confirmed", "confirmed", "unverifiable", "confirmed",
                         "confirmed", "confirmed"],
        "source_id": ["s1", "s1", "s2", "s3", "s4", "s4", "s5"],
    })


def test_capacity_by_year_low_and_high():
    cap = _capacity()
    assert rc.last_claim_year(cap) == 2025
    by_year = rc.capacity_by_year(cap, range(2022, 2031)).set_index("year")
    # 2022: A's existing 4,500 t; its 19,500 t plan is due only in 2023.
    assert by_year.loc[2022, ["low", "high"]].tolist() == [4500, 4500]
    assert by_year.loc[2023, ["low", "high"]].tolist() == [4500, 19500]
    # 2024: B joins. The global plan (due 2027, after the newest claim) never counts, and
    # neither do the unverifiable undated claim, GWh-only rows or output capacities.
    assert by_year.loc[2024, ["low", "high"]].tolist() == [24500, 39500]
    assert by_year.loc[2030, ["low", "high"]].tolist() == [24500, 39500]
    assert "s2" not in by_year.loc[2030, "sources"] and "s3" not in by_year.loc[2030, "sources"]


def test_cumulative_capacity_and_coverage():
    by_year = rc.capacity_by_year(_capacity(), range(2022, 2025))
    cum = rc.cumulative(by_year).set_index("year")
    assert cum.loc[2024, ["low", "high"]].tolist() == [4500 + 4500 + 24500,
                                                       4500 + 19500 + 39500]
    cover = rc.coverage(Range(240_500, 360_500), Range.point(870_400))
    assert cover.as_tuple() == pytest.approx((0.2763, 0.4142), abs=1e-4)
    with pytest.raises(ValueError):
        rc.coverage(Range(1, 2), Range(0, 1))


def test_scheme_value_at_least():
    scheme = pd.DataFrame({"term_id": ["cap", "outlay"], "value_low": [270.0, 1500.0],
                           "value_high": [None, 1500.0], "source_id": ["m", "b"]})
    assert rc.scheme_value(scheme, "cap") == (Range(270, 270), "m")
    with pytest.raises(LookupError):
        rc.scheme_value(scheme, "jobs")


# --------------------------------------------------------------------------- recovery


def _rates():
    return pd.DataFrame({
        "process": ["hydrometallurgy", "hydrometallurgy", "pyrometallurgy", "pyrometallurgy",
                    "pyrometallurgy", "not_specified", "not_specified", "not_specified"],
        "metal": ["all_metals", "lithium", "lithium", "cobalt", "nickel", "lithium", "cobalt",
                  "critical_materials"],
        "metric": ["leach_transfer", "loss", "yield_to_slag", "yield_to_alloy",
                   "yield_to_alloy", "recovery_target", "recovery_target", "efficiency_claim"],
        "jurisdiction_or_entity": ["review", "review", "lab", "lab", "lab",
                                   "European Union (Batteries Regulation)",
                                   "European Union (Batteries Regulation)", "Attero"],
        "year": [2023, 2023, 2020, 2020, 2020, 2031, 2031, None],
        "rate_pct_low": [99.0, None, 82.4, 81.6, 93.3, 80.0, 95.0, 98.0],
        "rate_pct_high": [None, 30.0, 82.4, 81.6, 93.3, 80.0, 95.0, 98.0],
        "source_id": ["h", "h", "p", "p", "p", "eu", "eu", "claim"],
    })


def test_recovery_by_route():
    routes = rc.recovery_by_route(_rates()).set_index(["route", "metal"])
    li = routes.loc[("Hydrometallurgy", "lithium"), "share"]
    assert li.as_tuple() == pytest.approx((0.99 * 0.7, 0.99))
    assert routes.loc[("Hydrometallurgy", "nickel"), "share"] == Range.point(0.99)
    assert routes.loc[("Pyrometallurgy", "cobalt"), "share"] == Range.point(0.816)
    assert routes.loc[("EU target 2031", "lithium"), "share"] == Range.point(0.8)
    assert ("EU target 2031", "nickel") not in routes.index  # no row, no invented target
    assert "claim" not in {s for ss in routes["sources"] for s in ss}  # claims left out


def test_metal_tonnes():
    # 128 GWh at 0.1 kg of lithium per kWh hold 12,800 t.
    assert rc.metal_tonnes(128, 0.1) == pytest.approx(12_800)
    got = rc.metal_tonnes(128, 0.1, Range(0.693, 0.99))
    assert got.as_tuple() == pytest.approx((8870.4, 12_672))
    assert rc.metal_tonnes(128, 0.0, 0.9) == 0  # LFP: no cobalt
    with pytest.raises(ValueError):
        rc.metal_tonnes(128, 0.1, 1.5)
