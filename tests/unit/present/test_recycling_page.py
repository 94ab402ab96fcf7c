"""The recycling chapter's page: its phrases are chosen by rules from the result (each
rule's branches below); the tables and charts build from it, the what-if chart starts at the
run's values, and the notebook's claims hold across the pack-mass span."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from batteryreport.chapters import recycling
from batteryreport.chapters.recycling import Dispute, LatePlan
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity, text
from batteryreport.core.ranges import Range
from batteryreport.data.rows import load_tables
from batteryreport.present import recycling as page
from batteryreport.present.fmt import show
from batteryreport.present.glue import quantities

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def tables():
    return load_tables(recycling.TABLES, DATA)


@pytest.fixture(scope="module")
def result(tables):
    return recycling.analyse(tables, SimpleNamespace(pack_kg_per_kwh=6.8))


def test_pack_basis_says_whether_the_run_moved_the_pack_mass(result):
    assert page.phrases(result)["pack_kg_basis"].value == "the heaviest recent pack"
    moved = dataclasses.replace(result, pack=dataclasses.replace(
        result.pack, pack_is_heaviest_recent=False))
    basis = page.phrases(moved)["pack_kg_basis"]
    assert basis.value == "a value set for this run"
    assert basis.sources == result.pack.pack_sources


def test_phrases_do_not_reuse_a_quantitys_name(result):
    assert not set(page.phrases(result)) & set(quantities(result))


def test_projections_table_cites_sources_by_publisher(result):
    markup = str(page.projections_table(result))
    assert "Tonnes at 6.8 kg per kWh" in markup and "Tonnes at 5.7–12.5 kg per kWh" in markup
    assert ">Source</th>" in markup
    assert "Mercom India, Aug 2023" in markup and "(unverifiable)" in markup
    assert ">mercom_2023_08_02<" not in markup  # never the internal id
    assert markup.count("<tr>") == 1 + len(result.frames.projections)


def test_targets_table_puts_each_target_in_tonnes_per_gwh(result):
    markup = str(page.targets_table(result))
    assert "6,120 t recovered per GWh recycled" in markup
    assert "FY2026-27 onwards" in markup
    assert "Tonnes per GWh at 6.8 kg per kWh" in markup


def test_sodium_table_writes_values_as_stated(result):
    markup = str(page.sodium_table(result))
    assert "3,000+ cycles" in markup and "25–30%" in markup
    assert "(unchecked)" in markup


def test_capacity_chart_describes_the_published_numbers(result):
    fig = page.capacity_chart(result)
    assert fig.name == "recycling_capacity_vs_need"
    v = result.volumes
    for q in (v.eol_niti_t_span, v.eol_niti_t, v.eol_rmi_t_span, result.pack.pack_kg_span):
        assert show(q) in fig.description
    assert list(fig.data["series"].unique())[-2:] == [
        "NITI Aayog: all sectors, recycled in total by the horizon",
        "RMI: vehicles only, end of life by the horizon (total or one year: not stated)"]
    # The band's ends say what they count; the disputed claim is out of the low end.
    assert "whose size no other report contradicts" in fig.description
    # The download: thousand tonnes in the headers, the horizon year as a year (the bars'
    # offsets are where they are drawn, not data).
    assert "Low end (thousand tonnes)" in fig.csv
    assert set(fig.csv["Year"]) == {str(y) for y in range(2022, 2031)}


def test_metals_chart_shows_contained_and_recovered_metal(result):
    fig = page.metals_chart(result)
    assert fig.name == "recycling_metals"
    assert show(result.metals.metals_li_t).split("–")[0] in fig.description
    assert list(fig.csv.columns) == ["Metal", "Route", "Low end (tonnes)", "High end (tonnes)",
                                     "Sources"]
    assert set(fig.csv["Metal"]) == {"Lithium", "Cobalt", "Nickel"}
    assert all(v.isdigit() for v in fig.csv["High end (tonnes)"])  # whole tonnes


def _params(spec):
    found = {}

    def walk(node):
        if isinstance(node, dict):
            for p in node.get("params", []) or []:
                found[p["name"]] = p
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


@pytest.mark.parametrize("kg", [6.8, 8.0])
def test_whatif_sliders_start_at_the_runs_values(tables, kg):
    r = recycling.analyse(tables, SimpleNamespace(pack_kg_per_kwh=kg))
    fig = page.whatif_chart(r)  # raises if the chart would not read as the prose
    params = _params(json.loads(json.dumps(fig.to_vega_lite())))
    assert params["kg_per_kwh"]["value"] == kg
    assert params["li_rec_low"]["value"] == pytest.approx(100 * r.whatif.li_recovery.low)
    assert params["li_rec_high"]["bind"]["max"] <= 100  # no more than all of the lithium
    assert params["niti_gwh"]["value"] == r.volumes.eol_niti_gwh.value
    assert show(r.volumes.eol_niti_kt) in fig.description
    assert show(r.capacity.cover_niti) in fig.description
    sliders = fig.data[fig.data["kind"] == "Assumption (slider)"].set_index("what")
    assert sliders.loc["Pack mass", "low"] == kg


# --------------------------------------------------------------------------- rules (issue 14)
# Each phrase's branches, on the published result with one section replaced.

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "recycling.md"


def _with(result, section, **changes):
    return dataclasses.replace(result, **{section: dataclasses.replace(
        getattr(result, section), **changes)})


def _share(value):
    return Quantity(value, u.SHARE, "share", ("x",))


def test_gap_verdict_when_a_disputed_figure_decides(result):
    ph = page.gap_phrases(result)
    verdict, lede = ph["gap_verdict"].value, ph["lede"].value
    assert "We call one gap larger only if it is larger at both ends" in verdict
    assert ("neither gap is clearly larger, and the answer turns on a disputed figure: "
            "counting Lohum's 20,000 tonnes a year at face value, collection is the larger "
            "gap; leaving it out, plant capacity is the larger gap.") in verdict
    assert "Either way, both gaps are real: at least 23%" in verdict
    assert lede.endswith("which gap is larger turns on one disputed company figure.")
    assert "(about 60,000 tonnes in 2025), yet only 1% are recycled" in lede
    assert lede.count(". ") == 0 and lede.endswith(".")  # one sentence, for the brief
    assert "lokmattimes_2025_10_24" in ph["lede"].sources


@pytest.mark.parametrize("verdict,words,lede_end", [
    ("collection", "By that test, collection is the larger gap.",
     "collection, not plant capacity, is the larger gap."),
    ("capacity", "By that test, plant capacity is the larger gap.",
     "plant capacity is the larger gap, and collection falls short too."),
])
def test_gap_verdict_when_one_gap_is_larger(result, verdict, words, lede_end):
    ph = page.gap_phrases(_with(result, "gap", verdict=verdict))
    assert words in ph["gap_verdict"].value
    assert ph["lede"].value.endswith(lede_end)


def test_gap_verdict_unclear_without_a_dispute(result):
    r = _with(result, "capacity", disputes=())
    ph = page.gap_phrases(r)
    assert "By that test neither gap is clearly larger. Either way" in ph["gap_verdict"].value
    assert ph["lede"].value.endswith("both collection and plant capacity fall short.")
    none = _with(r, "gap", gap_capacity=_share(Range(0, 0.4)))
    ph = page.gap_phrases(none)
    assert "both gaps are real" not in ph["gap_verdict"].value
    assert ph["lede"].value.endswith(
        "our data cannot say whether capacity or collection is the larger gap.")


@pytest.mark.parametrize("verdict,start", [
    ("no flow", "Our data hold no yearly figure for spent batteries, so we cannot say"),
    ("other years", "Our newest yearly figure for spent batteries (2025) and the share "
                    "recycled (2025) are for different years"),
])
def test_gap_verdict_without_a_comparable_year(result, verdict, start):
    ph = page.gap_phrases(_with(result, "gap", verdict=verdict))
    assert ph["gap_verdict"].value.startswith(start)
    assert ph["lede"].value.startswith("India's recyclers claim 14,500–49,500 tonnes a year")


def test_rules_against_practice_never_divides_the_two(result):
    words = page.rules_phrases(result)["rules_vs_practice"].value
    assert words == ("The battery-waste rules ask for most of the material in spent EV "
                     "batteries to come back from FY2027-28; today almost none comes back.")
    more = _with(result, "volumes", recycled_share_now=_share(0.2))
    words = page.rules_phrases(more)["rules_vs_practice"].value
    assert "ask for 63% of the material" in words and "today 20% of spent" in words
    assert "times" not in words


def test_pack_check_reports_the_conflict(result):
    ph = page.pack_phrases(result)
    check = ph["pack_check"].value
    assert "Lohum stated its plants' capacity as 20,000 tonnes a year and 2 GWh a year (2024)" \
        in check
    assert "implies 10 kg per kWh, inside the span" in check
    assert "a report of 25 July 2024 gives the same plants 0.15 GWh a year" in check
    assert "130 kg per kWh, outside the span" in check and "settles nothing" in check
    assert ph["pack_check"].sources == ("industrialeconomist_lohum", "nie_2024_07_25")
    assert ph["pack_default_note"].value.startswith("This page takes the heavy end")


def test_pack_check_branches(result):
    moved = _with(result, "pack", pack_is_heaviest_recent=False)
    assert page.pack_phrases(moved)["pack_default_note"].value == (
        "This run sets 6.8 kg per kWh; the heaviest recent pack in our data is about "
        "6.8 kg per kWh.")
    alone = _with(result, "pack", check_alt_in_span=None, check_in_span=False)
    check = page.pack_phrases(alone)["pack_check"].value
    assert "outside the span. The company's figures and the assumption do not agree." in check
    agree = _with(result, "pack", check_alt_in_span=None)
    assert page.pack_phrases(agree)["pack_check"].value.endswith("inside the span.")
    none = _with(result, "pack", check_in_span=None, check_alt_in_span=None)
    assert page.pack_phrases(none)["pack_check"].value.startswith("No recycler in our data")


def _ratio(low, high):
    return Quantity(Range(low, high), u.RATIO, "ratio", ("x",))


@pytest.mark.parametrize("low,high,words", [
    (12, 40, "more than ten times apart"), (7.5, 37, "far apart"), (0.8, 1.5, "close"),
    (0.4, 3, "apart")])
def test_how_far_apart_the_projections_are(result, low, high, words):
    r = _with(result, "volumes", niti_vs_rmi=_ratio(low, high))
    assert page.volume_phrases(r)["niti_rmi_apart"].value == words


@pytest.mark.parametrize("low,high,words", [
    (0.12, 0.41, "only 12–41% of it"), (1.1, 1.5, "all of it (110–150%)"),
    (0.8, 1.3, "between part and all of it (80–130%)")])
def test_what_capacity_could_do_with_nitis_total(result, low, high, words):
    r = _with(result, "capacity", cover_niti=_share(Range(low, high)))
    assert page.volume_phrases(r)["cover_niti_words"].value == words


def test_rmi_is_compared_under_each_reading(result):
    ph = page.volume_phrases(result)
    assert ph["rmi_compare"].value.startswith("RMI does not say whether its figure is a total")
    assert "0.87–15 times as large" in ph["rmi_compare"].value
    assert "0.13–2.1 times as large" in ph["rmi_compare"].value
    assert ph["rmi_compare"].value.endswith("could handle even the vehicle batteries alone.")
    assert ph["rmi_accounting_words"].value.startswith("by then, without saying")
    big = _with(result, "capacity", cover_rmi=_ratio(2, 15), cover_rmi_annual=_ratio(1.1, 2))
    assert page.volume_phrases(big)["rmi_compare"].value.endswith(
        "Either way, claimed capacity exceeds the vehicle batteries alone.")
    small = _with(result, "capacity", cover_rmi=_ratio(0.2, 0.9),
                  cover_rmi_annual=_ratio(0.1, 0.5))
    assert page.volume_phrases(small)["rmi_compare"].value.endswith(
        "Either way, claimed capacity falls short even of the vehicle batteries.")
    total = _with(_with(result, "volumes", rmi_accounting="cumulative"), "capacity",
                  cover_rmi=_ratio(2, 15))
    ph = page.volume_phrases(total)
    assert ph["rmi_compare"].value == (
        "RMI's figure is a total to 2030: it compares with claimed capacity summed over the "
        "same years, which is 2–15 times as large. Claimed capacity exceeds the vehicle "
        "batteries alone.")
    assert ph["rmi_accounting_words"].value == "in total by then"
    yearly = _with(result, "volumes", rmi_accounting="annual")
    ph = page.volume_phrases(yearly)
    assert ph["rmi_compare"].value.startswith("RMI's figure is the flow of 2030: it compares "
                                              "with one year of claimed capacity")
    assert ph["rmi_accounting_words"].value == "in that year"


def test_status_of_the_ev_sub_figure_and_the_yearly_flow(result):
    ph = page.volume_phrases(result)
    assert ph["niti_ev_note"].value.startswith("appears in one secondary quote only and our "
                                               "fact-check could not verify it")
    assert ph["flow_note"].value == "a figure our fact-check has not reviewed"
    checked = _with(_with(result, "volumes", niti_ev_verification="confirmed"), "gap",
                    eol_flow_verification="confirmed")
    ph = page.volume_phrases(checked)
    assert ph["niti_ev_note"].value.startswith("is a part of that total")
    assert ph["flow_note"].value == "a figure our fact-check confirmed"


def test_capacity_ends_and_what_is_left_out(result):
    ph = page.capacity_phrases(result)
    assert ("The high end also counts Lohum's 20,000 tonnes a year (dated only to 2024), which "
            "another report contradicts") in ph["cap_ends"].value
    assert ph["cap_ends"].value.endswith("and plans whose date has passed.")
    assert ph["cap_left_out"].value == (
        "We leave out 3 undated claims the fact-check could not verify and Attero's plan for "
        "3,00,000 tonnes a year by 2027 (global, several countries), due after the newest "
        "claim.")


def _count(n):
    return Quantity(n, u.COUNT, "count", ("x",))


@pytest.mark.parametrize("company,total,words", [
    (4, 4, "all of it company claims"), (0, 4, "none of it company claims"),
    (3, 4, "3 of its 4 figures company claims")])
def test_what_the_capacity_figures_are(result, company, total, words):
    r = _with(result, "capacity", cap_company_claims=_count(company), cap_in_total=_count(total))
    assert page.capacity_phrases(r)["cap_basis"].value == words


def test_capacity_phrases_branches(result):
    plain = _with(result, "capacity", disputes=(), cap_plans_counted=_count(0), late_plans=(),
                  cap_excluded=_count(3), cap_excluded_undated=_count(1),
                  cap_undated_other=_count(2))
    ph = page.capacity_phrases(plain)
    assert ph["cap_ends"].value == ("The low end counts only plants said to exist; no plan "
                                    "has fallen due, so the high end is the same.")
    assert ph["cap_left_out"].value == ("We leave out 3 claims the fact-check could not verify "
                                        "(1 of them undated) and 2 other undated claims.")
    nothing = _with(plain, "capacity", cap_excluded=_count(0), cap_excluded_undated=_count(0),
                    cap_undated_other=_count(0))
    assert page.capacity_phrases(nothing)["cap_left_out"].value == "We leave out no claim."
    t = Quantity(1000.0, u.TONNES_A_YEAR, "t", ("x",))
    y = Quantity(2028, u.YEAR, "y", ("x",))
    d = result.capacity.disputes[0]
    two = _with(result, "capacity", late_plans=(LatePlan("B", "", t, y),),
                disputes=(d, Dispute("R", t, d.other_date, d.value, d.other_value,
                                     d.other_date)))
    ph = page.capacity_phrases(two)
    assert "Lohum's 20,000 tonnes a year (dated only to 2024) and R's 1,000 tonnes a year " \
           "(25 July 2024), which other reports contradict" in ph["cap_ends"].value
    assert ph["cap_left_out"].value.endswith("B's plan for 1,000 tonnes a year by 2028, due "
                                             "after the newest claim.")


def test_scheme_pledges_against_expectations(result):
    words = page.scheme_phrases(result)["pledge_compare"].value
    assert words == ("The capacity pledged is 3.1 times the 2,70,000 tonnes a year the Cabinet "
                     "expected as a minimum, while the investment pledged is less than the "
                     "investment it expected (about ₹8,000 crore). Our fact-check has not yet "
                     "reviewed these figures.")
    s = result.scheme
    rich = _with(result, "scheme", scheme_pledges_checked=True,
                 scheme_pledged_inr=s.scheme_pledged_inr.with_(value=9000.0))
    words = page.scheme_phrases(rich)["pledge_compare"].value
    assert "is more than the investment it expected" in words and "not yet" not in words
    same = _with(result, "scheme", scheme_pledged_inr=s.scheme_pledged_inr.with_(value=8100.0))
    assert "about the same as" in page.scheme_phrases(same)["pledge_compare"].value
    gone = _with(result, "scheme", scheme_pledge_vs_expected=Quantity(
        None, u.RATIO, "r", missing="not reported"))
    assert page.scheme_phrases(gone)["pledge_compare"].value.startswith(
        "No capacity figure for the pledges is in our data.")


def test_sodium_phrases(result):
    ph = page.sodium_phrases(result, {"evolve2bangla_2024_09": "secondary"})
    assert ph["sodium_stage"].value == (
        "No Indian sodium-ion cell is in production in our data: the Indian work we found is "
        "laboratory work, company claims and an acquisition.")
    assert ph["catl_vs_liion"].value == "within the range given for lithium-ion cells"
    assert ph["sodium_checked"].value.startswith("None of these figures has been checked")
    assert ph["kpit_source_note"].value == "a claim found in a secondary source only"
    assert ph["faradion_since"].value == "we found no report of production since"
    n = result.sodium
    moved = _with(result, "sodium", india_stages=("lab", "production"), n_figures_confirmed=3,
                  faradion_production=True,
                  naion_catl_whkg=n.naion_catl_whkg.with_(value=100.0))
    ph = page.sodium_phrases(moved, {"evolve2bangla_2024_09": "press"})
    assert ph["sodium_stage"].value.startswith("Some Indian sodium-ion work has reached "
                                               "production; the rest is laboratory work.")
    assert ph["sodium_checked"].value.startswith("Our fact-check confirmed 3 of these")
    assert ph["catl_vs_liion"].value.startswith("below the range")
    assert ph["kpit_source_note"].value == "a claim reported in the press"
    assert ph["faradion_since"].value == "production has been reported since"
    allc = _with(result, "sodium", n_figures_confirmed=n.n_figures)
    assert page.sodium_phrases(allc)["sodium_checked"].value == (
        "Our fact-check confirmed all of these figures.")


def test_latest_fact_is_the_newest_source_date():
    register = pd.DataFrame({
        "date_published": pd.to_datetime(["2025-07-01", "2026-04-30", None, "2026-04-30"]),
        "date_precision": ["month", "day", None, "month"]},
        index=["a", "b", "undated", "c"])
    qs = {"x": Quantity(1.0, u.TONNES, "x", ("a", "undated")),
          "y": text("y", "y", ("b", "c")), "z": Quantity(1.0, u.TONNES, "z", ("unknown",))}
    got = page.latest_fact(qs, register)
    assert got.value.isoformat() == "2026-04-30" and got.precision == "day"
    assert got.sources == ("b", "c")
    older = page.latest_fact({"x": qs["x"]}, register)
    assert (older.value.isoformat(), older.precision) == ("2025-07-01", "month")
    none = page.latest_fact({"z": qs["z"]}, register)
    assert none.value is None and show(none) == "not dated"


def test_the_page_shows_its_newest_fact(result):
    fact = page.phrases(result)["latest_fact_date"]
    assert show(fact) == "30 April 2026" and fact.sources == ("pibtracker_2026_04_30",)


def _glued_lookup(r):
    """A claim condition's view of the glued values (as the build reads them)."""
    from batteryreport.core.claims import value_of

    found = {**quantities(r), **page.phrases(r)}

    def lookup(name):
        key, _, part = name.partition(".")
        q = found[key]
        return value_of({"key": key, "value": q.raw, "unit": q.unit.key, "text": show(q)},
                        part or None)
    return found, lookup


@pytest.mark.parametrize("kg", [5.7, 6.8, 12.5])
def test_the_notebook_reads_only_glued_keys_and_its_claims_hold(tables, kg):
    import re

    from batteryreport.core.claims import evaluate

    r = recycling.analyse(tables, SimpleNamespace(pack_kg_per_kwh=kg))
    found, lookup = _glued_lookup(r)
    source = NOTEBOOK.read_text(encoding="utf-8")
    keys = set(re.findall(r"\{num\}`([a-z_0-9]+)`", source))
    assert keys <= set(found), keys - set(found)
    conditions = re.findall(r"^:if: (.+)$", source, flags=re.M)
    assert len(conditions) == 4
    for condition in conditions:  # across the pack-mass span, as the what-if allows
        assert evaluate(condition, lookup), condition
    front = source.split("---")[1]
    assert "lede: lede" in front and "lede" in found
