"""The recommendations take every number from the chapter that computed it."""

from __future__ import annotations

from pathlib import Path

import pytest

from batteryreport import chapters
from batteryreport.chapters import recommendations
from batteryreport.data.params import load_params
from batteryreport.present import recommendations as page

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def results():
    return chapters.run_all(load_params(), DATA)


def test_each_number_is_the_chapters_own(results):
    r = results["recommendations"]
    pli, rec = results["pli_delays"], results["recycling"]
    assert r.pli.numbers["installed"] is pli.progress.installed_gwh
    assert r.rebid.numbers["security_date"] is pli.penalties.security_date
    assert r.japan.numbers["usd_range"] is results["japan_investment"].rupees.usd_range
    assert r.recycling.numbers["cover_flow"] is rec.gap.cover_flow


def test_each_recommendation_cites_the_sources_of_its_numbers(results):
    r = results["recommendations"]
    for e in r.all:
        assert e.sources == tuple(sorted({s for q in e.numbers.values() for s in q.sources}))
        assert e.sources, e.key
    texts = page.texts(r)
    assert [texts[e.key].sources for e in r.all] == [e.sources for e in r.all]


def test_it_declares_the_chapters_it_builds_on():
    assert recommendations.NEEDS == ("pli_delays", "japan_investment", "recycling")
    assert chapters.closure("recommendations")[-1] == "recommendations"
    assert set(chapters.tables_of("recommendations")) >= {"pli_awards", "recycler_capacity"}


@pytest.mark.parametrize("verdict,start", [
    ("collection", "Make collection the first job of recycling policy"),
    ("capacity", "Build recycling capacity first"),
    ("unclear", "Close the collection gap and the capacity gap together"),
])
def test_the_recycling_recommendation_follows_the_chapters_verdict(results, verdict, start):
    import dataclasses

    r = dataclasses.replace(results["recommendations"], recycling_gap=verdict)
    assert page.texts(r)["rec_recycling"].value.startswith(start)


def test_the_rebid_recommendation_follows_relief(results):
    import dataclasses

    r = results["recommendations"]
    granted = dataclasses.replace(r, relief_latest="granted")
    assert page.texts(granted)["rec_pli_rebid"].value.startswith("Hold the first-round firms")
    assert page.texts(r)["rec_pli_rebid"].value.startswith("Fix a date to re-tender")
