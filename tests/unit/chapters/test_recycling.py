"""Recycling chapter: unit conversions, projections, rules, capacity and recovery on tiny
inline frames."""

from types import SimpleNamespace

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


# --------------------------------------------------------------------------- row picks


def test_recycler_pair_needs_the_same_company_and_date():
    cap = _capacity().assign(capacity_gwh_per_year=[None] * 5 + [2.0, None])
    assert rc.recycler_pair(cap) is None  # C states GWh, but no tonnes on that date
    pair = pd.DataFrame({
        "rc_id": ["c_t"], "company": ["C"], "feedstock": ["li_ion_batteries"],
        "metric": ["input_capacity"], "status": ["existing"],
        "capacity_tonnes_per_year": [20_000.0], "target_year": [None],
        "statement_date": pd.to_datetime(["2024-01-01"]), "preferred": [True],
        "verification": ["confirmed"], "source_id": ["s6"]})
    cap = pd.concat([cap, pair], ignore_index=True)
    t, g = rc.recycler_pair(cap)
    assert (t["rc_id"], g["rc_id"]) == ("c_t", "c_gwh")
    later = cap.assign(statement_date=cap["statement_date"].where(cap["rc_id"] != "c_gwh",
                                                                  pd.Timestamp("2024-07-25")))
    assert rc.recycler_pair(later) is None  # different dates: maybe not the same plants


@pytest.mark.parametrize("note,open_ended,expected", [
    ("about", False, "about"),
    ("'at least'", False, "at least"),
    ("dates inferred from 'past two days'; 'nearly 70' companies", False, "nearly"),
    ("'over 3,000'", False, "more than"),
    ("maximum; lithium ends in slag", False, "up to"),
    ("up to 80% of collected batteries", False, "up to"),
    ("next generation to exceed 200", True, "more than"),  # no word: the open top decides
    ("far above RMI's range", False, ""),
    (None, False, ""),
    (float("nan"), True, "more than"),
])
def test_stated_qualifier_takes_the_sources_word(note, open_ended, expected):
    assert rc.stated_qualifier(note, open_ended=open_ended) == expected


# --------------------------------------------------------------------------- the analysis
# analyse() on one tiny table each: the picks and rules the notebook used to make inline.

NaN = float("nan")


def tables(**changes) -> dict[str, pd.DataFrame]:
    eol = pd.DataFrame({
        "eol_id": ["niti_dep", "niti_rec", "niti_ev", "niti_reuse", "rmi", "rec_share",
                   "informal", "value"],
        "organisation": ["NITI"] * 4 + ["RMI"] + ["ICEA"] * 3,
        "metric": ["cumulative_deployment", "recycled_volume", "recycled_volume",
                   "reuse_potential", "eol_volume", "recycled_share", "informal_share",
                   "circular_economy_value"],
        "scope": ["all_sectors", "all_sectors", "ev_only", "all_sectors", "vehicles_only",
                  "all_sectors", "all_sectors", "all_sectors"],
        "accounting": ["cumulative"] * 4 + ["unspecified", "current", "current", "annual"],
        "horizon_year": [2030] * 8,
        "value_low": [600, 128, 59, 49, 3.5, 1, NaN, 3500],
        "value_high": [600, 128, 59, 49, 17, 1, 80, 3500],
        "unit": ["GWh"] * 5 + ["%", "%", "USD million"],
        "preferred": [True] * 8,
        "verification": ["confirmed", "confirmed", "unverifiable"] + ["confirmed"] * 5,
        "source_id": ["m", "m", "m", "m", "r", "k", "k", "k"],
        "note": [""] * 8,
    })
    intensity = pd.DataFrame({
        "mi_id": ["modern", "old", "stale", "li", "co", "ni"],
        "item": ["battery_pack"] * 3 + ["lithium", "cobalt", "nickel"],
        "metric": ["pack_energy_density"] * 3 + ["content_per_energy"] * 3,
        "subject": ["EV packs of model years 2018-2023", "2011 pack", "old", "avg", "avg", "avg"],
        "year": [2023, 2011, 2009, 2020, 2020, 2020],
        "value_low": [148.0, 80.0, 40.0, 0.1, 0.1333, 0.4833],
        "value_high": [174.0, 80.0, 40.0, 0.1, 0.1333, 0.4833],
        "unit": ["Wh/kg"] * 3 + ["kg per kWh"] * 3,
        "preferred": [True, True, False, True, True, True],
        "source_id": ["bd", "bd", "other", "vc", "vc", "vc"],
    })
    bwmr = _bwmr().assign(
        fiscal_year=["FY2024-25", "FY2025-26", "FY2026-27", "FY2027-28", "FY2027-28",
                     "FY2030-31"],
        measure_basis=["% of dry weight"] * 3 + ["% placed on the market"]
        + ["% recycled content"] * 2,
        verification="confirmed", source_id=["iea", "evm", "iea", "iea", "iea", "iea"])
    capacity = _capacity().assign(capacity_gwh_per_year=[None] * 5 + [2.0, None])
    capacity = pd.concat([capacity, pd.DataFrame({
        "rc_id": ["c_t"], "company": ["C"], "feedstock": ["li_ion_batteries"],
        "metric": ["input_capacity"], "status": ["existing"],
        "capacity_tonnes_per_year": [20_000.0], "capacity_gwh_per_year": [None],
        "target_year": [None], "statement_date": pd.to_datetime(["2024-01-01"]),
        "preferred": [True], "verification": ["confirmed"], "source_id": ["s6"]})],
        ignore_index=True)
    scheme = pd.DataFrame({
        "term_id": ["outlay", "period", "outlay_guidelines", "alloc_liion", "alloc_other",
                    "expected_capacity", "expected_mineral_output"],
        "value_low": [1500, 6, 1485, 700, 135, 270, 40],
        "value_high": [1500, 6, 1485, 700, 135, NaN, 40],
        "unit": ["INR crore", "years", "INR crore", "INR crore", "INR crore",
                 "kilotonnes per year", "kilotonnes per year"],
        "effective_date": pd.to_datetime(["2025-09-03"] * 7), "date_precision": ["day"] * 7,
        "source_id": ["bs", "bs", "nie", "nie", "nie", "mp", "mp"],
        "note": ["", "", "", "", "", "'at least'", "about"],
    })
    rates = _rates().assign(note=["", "", "maximum; to slag", "", "", "", "", ""])
    rates = pd.concat([rates, rates.iloc[[5]].assign(year=2027, rate_pct_low=50.0,
                                                      rate_pct_high=50.0)], ignore_index=True)
    chem = pd.DataFrame({
        "chem_id": ["catl_gen1_ed", "catl_gen2_ed", "naion_typical_ed", "liion_typical_ed",
                    "tcg_crest_ed", "jncasr_cycles", "kpit_cost", "faradion_ev"],
        "developer": ["CATL", "CATL", "generic", "generic", "TCG", "JNCASR", "KPIT", "RNES"],
        "indian_activity": [False] * 4 + [True] * 4,
        "stage": ["launch", "target", "proto", "proto", "lab", "lab", "claim", "acquisition"],
        "metric": ["energy_density"] * 5 + ["cycle_life", "cost_reduction_vs_li_ion",
                                            "enterprise_value"],
        "value_low": [160, 200, 75, 120, 180, 3000, 25, 100],
        "value_high": [160, NaN, 150, 260, 180, NaN, 30, 100],
        "unit": ["Wh/kg"] * 5 + ["cycles", "%", "GBP million"],
        "statement_date": pd.to_datetime(["2021-07-29"] * 2 + ["2022-01-01"] * 2
                                         + ["2025-10-15", "2025-05-28", "2024-09-01",
                                            "2021-12-31"]),
        "verification": ["unchecked"] * 8,
        "source_id": ["pd", "at", "ev", "ev", "nd", "ie", "e2b", "mc"],
        "note": ["first generation, 'up to'", "to exceed 200", "", "", "", "'over 3,000'",
                 "", ""],
    })
    demand = pd.DataFrame({
        "metric": ["annual_demand"] * 4 + ["storage_requirement"],
        "kind": ["projection"] * 5, "year": [2030] * 5,
        "scenario": [None, None, "accelerated", None, None],
        "value_gwh_low": [127, 115, 260, 90, NaN], "value_gwh_high": [127, 115, 260, 90, 903],
        "preferred": [True, True, True, False, True], "verification": ["confirmed"] * 5,
        "source_id": ["care", "icea", "acc", "old", "ceew"],
    })
    meetings = pd.DataFrame({
        "meeting_id": ["trade_meetings_2025_07"], "meeting_date": pd.to_datetime(["2025-07-02"]),
        "date_precision": ["day"], "companies_count": [70], "source_id": ["ad"],
        "note": ["'nearly 70' companies"]})
    events = pd.DataFrame({
        "event_id": ["bwmr_notified", "bwmr_published"],
        "event_date": pd.to_datetime(["2022-08-22", "2022-08-24"]),
        "date_precision": ["day", "day"], "source_id": ["ch", "st"]})
    out = {"eol_projections": eol, "material_intensity": intensity, "bwmr_targets": bwmr,
           "recycler_capacity": capacity, "recycling_scheme": scheme, "recovery_rates": rates,
           "chemistry_alternatives": chem, "li_ion_demand": demand,
           "japan_india_meetings": meetings, "policy_events": events}
    out.update(changes)
    return out


def analyse(kg=6.8, **changes):
    return rc.analyse(tables(**changes), SimpleNamespace(pack_kg_per_kwh=kg))


def test_the_chapter_reads_what_it_declares():
    assert set(rc.TABLES) == set(tables())
    assert rc.PARAMS == ("pack_kg_per_kwh",) and rc.NEEDS == ()


def test_every_number_carries_a_unit_a_label_and_its_sources():
    from batteryreport.present.glue import quantities

    qs = quantities(analyse())
    assert len(qs) == 117
    for key, q in qs.items():
        assert q.label, key
        # A value the tiny tables do not give is written as missing, with no sources.
        assert q.sources or (q.value is None and q.missing), key


def test_volumes_in_tonnes_at_the_run_pack_mass():
    v = analyse().volumes
    assert v.eol_year.value == 2030 and v.eol_niti_gwh.value == 128
    assert v.eol_niti_t.value == pytest.approx(870_400)
    assert v.eol_niti_kt.value == pytest.approx(870.4)
    # The span runs from the lightest to the heaviest preferred pack (174 and 80 Wh/kg).
    assert v.eol_niti_t_span.value.as_tuple() == pytest.approx((128e3 * 1000 / 174, 1_600_000))
    assert v.eol_rmi_t.value.as_tuple() == pytest.approx((23_800, 115_600))
    assert v.niti_vs_rmi.value.as_tuple() == pytest.approx((128 / 17, 128 / 3.5))
    assert v.eol_niti_t.sources == ("bd", "m")  # the volume and the pack-mass rows
    assert v.eol_niti_gwh.sources == ("m",)
    # Headline picks leave the unverifiable EV-only figure out; it is shown on its own.
    assert v.eol_niti_ev_gwh.value == 59
    assert analyse(kg=8.0).volumes.eol_niti_t.value == pytest.approx(1_024_000)


def test_pack_mass_basis_and_the_recent_packs():
    p = analyse().pack
    assert p.pack_is_heaviest_recent  # 1000 / 148 Wh/kg = 6.76, rounded 6.8
    assert not analyse(kg=7.5).pack.pack_is_heaviest_recent
    assert p.pack_kg_span.value.as_tuple() == pytest.approx((1000 / 174, 12.5))
    assert p.pack_kg_span.decimals == 1 and p.pack_kg_span.sig is None
    assert p.pack_years_modern.value == "2018\u20132023"
    assert (p.pack_whkg_old.value, p.pack_year_old.value) == (80.0, 2011)
    assert p.pack_sources == ("bd",)  # the non-preferred pack is not used


def test_the_recyclers_two_capacities_imply_a_pack_mass():
    p = analyse().pack
    assert p.lohum_kg_per_kwh.value == pytest.approx(10)  # 20,000 t for 2 GWh
    assert p.lohum_kg_per_kwh.label == "kg per kWh implied by C's tonnes and GWh"
    assert p.lohum_kg_per_kwh.sources == ("s4", "s6")
    cap = tables()["recycler_capacity"]
    alone = analyse(recycler_capacity=cap[cap["rc_id"] != "c_gwh"]).pack.lohum_kg_per_kwh
    assert alone.value is None and alone.missing == "not stated"


def test_an_up_to_share_keeps_its_word_and_a_stated_range_stays_a_range():
    assert analyse().volumes.informal_share.value == pytest.approx(0.8)
    assert analyse().volumes.informal_share.qualifier == "up to"
    eol = tables()["eol_projections"]
    eol.loc[eol["eol_id"] == "informal", "value_low"] = 60
    ranged = analyse(eol_projections=eol).volumes.informal_share
    assert ranged.value == Range(0.6, 0.8) and ranged.qualifier == ""


def test_rules_targets_and_what_they_imply():
    r = analyse().rules
    assert (r.bwmr_recovery_first.value, r.bwmr_recovery_first_fy.value) == (0.7, "FY2024-25")
    assert (r.bwmr_recovery_last.value, r.bwmr_recovery_last_fy.value) == (0.9, "FY2026-27")
    assert r.bwmr_recovery_last.label == "EV material-recovery target from FY2026-27"
    assert (r.bwmr_content_first.value, r.bwmr_content_last.value) == (0.05, 0.2)
    assert r.bwmr_loop_share.value == pytest.approx(0.63)  # 70% collected, 90% recovered
    assert not hasattr(r, "bwmr_loop_vs_now")  # a share of mass over a share of batteries: gone
    assert r.bwmr_loop_fy.value == "FY2027-28"  # collection (FY2027-28) comes after recovery
    assert r.bwmr_rmi_recovered_t.value.as_tuple() == pytest.approx((14_994, 72_828))
    assert r.bwmr_notified.value.isoformat() == "2022-08-22"
    # Base-case demand only: the accelerated scenario, a non-preferred row and storage
    # requirements are left out.
    assert r.demand_horizon_gwh.value == Range(115, 127)
    assert r.demand_horizon_gwh.sources == ("care", "icea")
    assert r.content_need_t.value.as_tuple() == pytest.approx((156_400, 172_720))


def test_capacity_against_the_volumes():
    c = analyse().capacity
    assert c.cap_cutoff_year.value == 2025 and c.cap_start_year.value == 2022
    # In 2025: A's 4,500 t existing (19,500 t with its plan), B's 20,000 t, C's 20,000 t.
    assert c.capacity_stated_t.value == Range(44_500, 59_500)
    assert c.cap_companies.value == 3
    assert c.cap_excluded.value == 1 and c.cap_excluded.sources == ("s3",)
    cum = c.capacity_cum_t.value
    assert c.cover_niti.value.as_tuple() == pytest.approx((cum.low / 870_400,
                                                           cum.high / 870_400))
    assert c.cover_rmi.value.as_tuple() == pytest.approx((cum.low / 115_600, cum.high / 23_800))


def test_scheme_words_come_from_the_data():
    s = analyse().scheme
    assert (s.scheme_capacity_t.value, s.scheme_capacity_t.qualifier) == (270_000, "at least")
    assert (s.scheme_minerals_t.value, s.scheme_minerals_t.qualifier) == (40_000, "about")
    assert s.scheme_liion_share.value == pytest.approx(700 / 1485)
    assert s.scheme_liion_t.value == pytest.approx(270_000 * 700 / 1485)
    assert s.scheme_years_niti.value == pytest.approx(870_400 / (270_000 * 700 / 1485))
    # Tonnes of NITI's volume rest on the pack mass: so do the years to clear it.
    assert "bd" in s.scheme_years_niti.sources
    scheme = tables()["recycling_scheme"]
    scheme.loc[scheme["term_id"] == "expected_capacity", ["value_high", "note"]] = [270, ""]
    assert analyse(recycling_scheme=scheme).scheme.scheme_capacity_t.qualifier == ""
    scheme.loc[scheme["term_id"] == "expected_capacity", "unit"] = "entities"
    with pytest.raises(ValueError, match="not a capacity in tonnes"):
        analyse(recycling_scheme=scheme)


def test_metal_recovered_by_the_processes():
    m = analyse().metals
    assert m.metals_li_t.value.as_tuple() == pytest.approx((12_800 * 0.693, 12_800 * 0.99))
    assert m.metals_li_t.sources == ("h", "m", "p", "vc")
    assert m.hydro_li_share.value.as_tuple() == pytest.approx((0.693, 0.99))
    assert m.pyro_li_share.value == pytest.approx(0.824)
    assert m.pyro_li_share.qualifier == "up to"
    assert (m.eu_li_target.value, m.eu_li_year.value) == (0.8, 2031)  # the latest EU target
    assert m.content_year.value == 2020 and m.circular_value.value == 3500
    w = analyse().whatif
    assert w.li_contained_t == pytest.approx(12_800)
    assert w.li_recovery.as_tuple() == pytest.approx((0.693, 0.99))
    assert w.eu_li_share == 0.8 and 0.5 in w.li_route_shares


def test_sodium_and_talks():
    n, t = analyse().sodium, analyse().japan_talks
    assert (n.naion_next_whkg.value, n.naion_next_whkg.qualifier) == (200, "more than")
    assert (n.naion_jncasr_cycles.value, n.naion_jncasr_cycles.qualifier) == (3000, "more than")
    assert n.naion_catl_whkg.qualifier == ""  # the note's 'up to' is not the prose's word
    assert n.naion_kpit_cost.value.as_tuple() == pytest.approx((0.25, 0.3))
    assert n.naion_catl_year.value == 2021 and n.naion_faradion_year.value == 2021
    assert (t.pgm_companies.value, t.pgm_companies.qualifier) == (70, "nearly")


def test_frames_behind_the_tables():
    f = analyse().frames
    niti = f.projections.set_index("eol_id").loc["niti_rec"]
    assert niti["tonnes"] == Range.point(870_400)
    assert list(f.projections["eol_id"]) == ["niti_dep", "niti_rec", "niti_ev", "niti_reuse",
                                             "rmi"]
    assert f.targets["tonnes_per_gwh"].tolist() == pytest.approx(
        [4760, 4760, 5440, 6120, 340, 1360])
    assert list(f.sodium_india["chem_id"]) == ["tcg_crest_ed", "jncasr_cycles", "kpit_cost",
                                               "faradion_ev"]


# --------------------------------------------------------------------------- issue 14 rules
# Disagreement means the same firm at the same time; one year's flow against one year's
# capacity; the words the page chooses come from these.


@pytest.mark.parametrize("note,expected", [
    ("stated as approximately 60 kilotonnes a year", "about"),
    ("stated as about 850 KTPA; pledged, not built", "about"),
    ("stated as 3 lakh tonnes", ""),
    ("stated as one-third", ""),
])
def test_stated_qualifier_reads_stated_as(note, expected):
    assert rc.stated_qualifier(note) == expected


def test_periods_and_windows():
    year = rc.period("2024-01-01", "year")
    assert year == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert rc.period("2024-07-25", "month") == (pd.Timestamp("2024-07-01"),
                                                pd.Timestamp("2024-07-31"))
    day = rc.period("2024-07-25")
    assert rc.within(year, day, 0)  # a date inside a year-precise date overlaps it
    assert rc.within(rc.period("2022-11-01", "month"), rc.period("2023-11-15"), 365)
    assert not rc.within(rc.period("2022-11-01", "month"), rc.period("2024-01-15"), 365)


def _lohum(other_date="2024-07-25", other_gwh=0.15):
    """One firm's tonnes and GWh on one (year-precise) date, and a later report in GWh."""
    return pd.DataFrame({
        "rc_id": ["l_t", "l_gwh", "l_other", "r"],
        "company": ["L", "L", "L", "R"],
        "feedstock": ["li_ion_batteries", "battery_capacity", "battery_capacity",
                      "li_ion_batteries"],
        "metric": ["input_capacity", "recycling_capacity", "recycling_capacity",
                   "input_capacity"],
        "status": ["existing"] * 4,
        "capacity_tonnes_per_year": [20_000.0, None, None, 10_000.0],
        "capacity_gwh_per_year": [None, 2.0, other_gwh, None],
        "target_year": [None] * 4,
        "statement_date": pd.to_datetime(["2024-01-01", "2024-01-01", other_date,
                                          "2025-01-01"]),
        "date_precision": ["year", "year", "day", "year"],
        "preferred": [True, True, False, True],
        "verification": ["confirmed"] * 4,
        "source_id": ["ie", "ie", "nie", "sn"],
    })


def test_reports_conflict_only_for_the_same_firm_within_the_window():
    c = rc.capacity_conflicts(_lohum())
    assert len(c) == 1
    row = c.iloc[0]
    assert (row["rc_id"], row["other_rc_id"]) == ("l_gwh", "l_other")  # preferred first
    assert (row["value"], row["other_value"]) == (2.0, 0.15)
    assert row["sources"] == ("ie", "nie")
    assert rc.disputed_claims(_lohum()) == {"l_t"}
    # Two years later the smaller figure is history (a change), not a disagreement.
    assert rc.capacity_conflicts(_lohum(other_date="2026-03-01")).empty
    assert rc.disputed_claims(_lohum(other_date="2026-03-01")) == set()
    # Figures within the stated factor agree.
    assert rc.capacity_conflicts(_lohum(other_gwh=1.6)).empty
    # The test fixture's firms never contradict themselves.
    assert rc.capacity_conflicts(_capacity().assign(capacity_gwh_per_year=None)).empty


def test_a_disputed_claim_leaves_the_low_end_only():
    by = rc.capacity_by_year(_lohum(), [2024, 2025]).set_index("year")
    assert by.loc[2025, ["low", "low_all", "high", "high_undisputed"]].tolist() == [
        10_000, 30_000, 30_000, 10_000]
    assert by.loc[2024, "low"] == 0 and by.loc[2024, "low_all"] == 20_000
    undisputed = rc.capacity_by_year(_lohum(), [2025], disputed=set()).iloc[0]
    assert undisputed["low"] == undisputed["low_all"] == 30_000


@pytest.mark.parametrize("cover,recycled,verdict,cap_gap,coll_gap", [
    # Plants could take most of the flow but almost none is recycled: collection.
    (Range(0.58, 0.83), Range.point(0.01), "collection", (0.17, 0.42), (0.57, 0.82)),
    # Plants could take under half: capacity.
    (Range(0.24, 0.49), Range.point(0.01), "capacity", (0.51, 0.76), (0.23, 0.48)),
    # The ranges overlap: unclear.
    (Range(0.24, 0.83), Range.point(0.01), "unclear", (0.17, 0.76), (0.23, 0.82)),
    # More capacity than batteries: no capacity gap; the collection gap stops at all of them.
    (Range(1.2, 1.5), Range.point(0.1), "collection", (0.0, 0.0), (0.9, 0.9)),
])
def test_larger_gap(cover, recycled, verdict, cap_gap, coll_gap):
    got, cap, coll = rc.larger_gap(cover, recycled)
    assert got == verdict
    assert cap.as_tuple() == pytest.approx(cap_gap)
    assert coll.as_tuple() == pytest.approx(coll_gap)


def test_larger_gap_rejects_bad_inputs():
    with pytest.raises(ValueError):
        rc.larger_gap(Range(0.2, 0.5), Range.point(1.5))


def _with_flow(value=60_000.0, year=2025, verification="unchecked"):
    eol = tables()["eol_projections"]
    eol.loc[eol["eol_id"] == "rec_share", "horizon_year"] = 2025
    flow = pd.DataFrame({
        "eol_id": ["flow"], "organisation": ["Mines"], "metric": ["eol_volume"],
        "scope": ["all_sectors"], "accounting": ["annual"], "horizon_year": [year],
        "value_low": [value], "value_high": [value], "unit": ["tonnes"],
        "preferred": [True], "verification": [verification], "source_id": ["mines"],
        "note": ["stated as approximately 60 kilotonnes a year"]})
    return pd.concat([eol, flow], ignore_index=True)


def test_the_yearly_gap_compares_one_year_with_the_same_year():
    g = analyse(eol_projections=_with_flow()).gap
    assert (g.eol_flow_t.value, g.eol_flow_t.qualifier) == (60_000, "about")
    assert g.eol_flow_year.value == 2025
    # 2025: A 4,500 t (19,500 t with its plan), B 20,000 t, C 20,000 t; nothing disputed.
    assert g.cap_flow_year_t.value == Range(44_500, 59_500)
    assert g.cover_flow.value.as_tuple() == pytest.approx((44_500 / 60_000, 59_500 / 60_000))
    assert g.verdict == g.verdict_face == g.verdict_undisputed == "collection"
    assert g.eol_flow_verification == "unchecked"
    assert "mines" in g.gap_collection.sources and "k" in g.gap_collection.sources
    # A bigger flow: capacity becomes the larger gap.
    assert analyse(eol_projections=_with_flow(200_000.0)).gap.verdict == "capacity"


def test_the_yearly_gap_needs_a_flow_and_the_same_year():
    g = analyse().gap  # the tiny tables hold no yearly flow
    assert g.verdict == "no flow" and g.eol_flow_t.value is None
    assert g.eol_flow_t.missing == "not in our data"
    other = analyse(eol_projections=_with_flow(year=2024)).gap  # share recycled is for 2025
    assert other.verdict == "other years"


def test_a_disputed_figure_can_decide_the_verdict():
    cap = pd.concat([tables()["recycler_capacity"], pd.DataFrame({
        "rc_id": ["c_other"], "company": ["C"], "feedstock": ["battery_capacity"],
        "metric": ["recycling_capacity"], "status": ["existing"],
        "capacity_tonnes_per_year": [None], "capacity_gwh_per_year": [0.15],
        "target_year": [None], "statement_date": pd.to_datetime(["2024-07-25"]),
        "preferred": [False], "verification": ["confirmed"], "source_id": ["nie"]})],
        ignore_index=True)
    r = analyse(recycler_capacity=cap, eol_projections=_with_flow(85_000.0))
    c, g = r.capacity, r.gap
    assert c.capacity_stated_t.value == Range(24_500, 59_500)  # C's 20,000 t: high end only
    (d,) = c.disputes
    assert (d.company, d.claim_t.value, d.other_value.value) == ("C", 20_000, 0.15)
    assert d.claim_date.precision == "day" and d.other_date.value.isoformat() == "2024-07-25"
    assert (g.verdict, g.verdict_face, g.verdict_undisputed) == ("unclear", "collection",
                                                                 "capacity")
    p = r.pack
    assert p.check_in_span and p.check_alt_in_span is False
    assert p.check_alt_kg_per_kwh.value == pytest.approx(20_000 / 0.15 / 1000)
    assert p.check_alt_value.sources == ("nie", "s4") and p.check_firm.value == "C"


def test_pack_check_without_a_pair_or_a_conflict():
    p = analyse().pack
    assert p.check_in_span is True and p.check_alt_in_span is None
    assert p.check_alt_value.value is None and p.check_alt_value.missing == "none"
    assert (p.check_t.value, p.check_gwh.value) == (20_000, 2.0)
    cap = tables()["recycler_capacity"]
    alone = analyse(recycler_capacity=cap[cap["rc_id"] != "c_gwh"]).pack
    assert alone.check_in_span is None and alone.check_firm.missing == "none"
    # A pair implying a pack mass outside the span.
    heavy = cap.assign(capacity_tonnes_per_year=cap["capacity_tonnes_per_year"].where(
        cap["rc_id"] != "c_t", 40_000.0))
    assert analyse(recycler_capacity=heavy).pack.check_in_span is False  # 20 kg per kWh


def test_what_the_capacity_total_leaves_out():
    c = analyse().capacity
    assert (c.cap_excluded.value, c.cap_excluded_undated.value) == (1, 1)
    assert c.cap_undated_other.value == 0
    assert c.cap_plans_counted.value == 1  # A's 19,500 t, due 2023
    # In the newest year: A's 4,500 t and its 19,500 t plan, B's and C's 20,000 t.
    assert (c.cap_in_total.value, c.cap_companies.value) == (4, 3)
    assert c.cap_company_claims.value == 4  # the fixture has no reliability: claims
    cap = tables()["recycler_capacity"].assign(reliability="company_claim")
    cap.loc[cap["rc_id"] == "b", "reliability"] = "official"
    assert analyse(recycler_capacity=cap).capacity.cap_company_claims.value == 3
    (late,) = c.late_plans
    assert (late.company, late.tonnes.value, late.year.value) == ("A", 300_000, 2027)
    assert late.facility == ""  # the fixture names no facility
    assert c.disputes == ()
    # Both readings of RMI's figure: a total (capacity summed) and one year's flow.
    assert c.cover_rmi_annual.value.as_tuple() == pytest.approx((44_500 / 115_600,
                                                                 59_500 / 23_800))


def test_rmi_accounting_and_the_ev_sub_figure_status():
    v = analyse().volumes
    assert v.rmi_accounting == "unspecified" and v.niti_ev_verification == "unverifiable"
    assert v.recycled_share_year.value == 2030  # the fixture's horizon


def _scheme_progress():
    base = tables()["recycling_scheme"].assign(term=None, verification="confirmed")
    return pd.concat([base, pd.DataFrame({
        "term_id": ["inv", "elig", "pledge_t", "pledge_inr"],
        "term": ["expected_investment", "eligible_entities", "pledged_capacity",
                 "pledged_investment"],
        "value_low": [8000, 58, 850, 5000], "value_high": [8000, 58, 850, 5000],
        "unit": ["INR crore", "entities", "kilotonnes per year", "INR crore"],
        "effective_date": pd.to_datetime(["2025-09-04", "2026-04-29", "2026-04-29",
                                          "2026-04-29"]),
        "date_precision": ["day"] * 4, "verification": ["confirmed", "unchecked",
                                                        "unchecked", "unchecked"],
        "source_id": ["mp", "pib", "pib", "pib"],
        "note": ["about", "", "stated as about 850 KTPA", "stated as about INR 5,000 crore"]})],
        ignore_index=True)


def test_scheme_pledges_and_what_was_expected():
    events = tables()["policy_events"]
    events = pd.concat([events, pd.DataFrame({
        "event_id": ["recycling_window_closes"], "event_date": pd.to_datetime(["2026-04-01"]),
        "date_precision": ["day"], "source_id": ["pib0"]})], ignore_index=True)
    s = analyse(recycling_scheme=_scheme_progress(), policy_events=events).scheme
    assert (s.scheme_eligible.value, s.scheme_eligible_date.value.isoformat()) == (
        58, "2026-04-29")
    assert (s.scheme_pledged_t.value, s.scheme_pledged_t.qualifier) == (850_000, "about")
    assert s.scheme_pledged_inr.value == 5000 and s.scheme_pledged_inr.qualifier == "about"
    assert s.scheme_pledge_vs_expected.value == pytest.approx(850 / 270)
    assert s.scheme_investment_expected.value == 8000
    assert s.scheme_window_closes.value.isoformat() == "2026-04-01"
    assert s.scheme_pledges_checked is False
    # Without those rows every one is written as not reported.
    bare = analyse().scheme
    for q in (bare.scheme_eligible, bare.scheme_pledged_t, bare.scheme_pledge_vs_expected,
              bare.scheme_window_closes):
        assert q.value is None and q.missing == "not reported"


def test_metals_recovery_claims_and_sodium_status():
    m = analyse().metals
    assert (m.hydro_leach_share.value, m.hydro_leach_share.qualifier) == (0.99, "more than")
    assert m.recovery_claims.value == Range.point(0.98)  # one company claim in the fixture
    assert m.circular_year.value == 2030
    assert m.circular_value.unit.per == "a year"  # the row is an annual figure
    n = analyse().sodium
    assert n.india_stages == ("lab", "claim", "acquisition")
    assert (n.n_figures, n.n_figures_confirmed) == (8, 0)
    assert n.faradion_production is False and n.kpit_source == "e2b"
    chem = tables()["chemistry_alternatives"]
    more = pd.concat([chem, chem[chem["chem_id"] == "faradion_ev"].assign(
        chem_id="faradion_line", stage="production", verification="confirmed")],
        ignore_index=True)
    n2 = analyse(chemistry_alternatives=more).sodium
    assert n2.faradion_production and n2.n_figures_confirmed == 1
