"""The recycling chapter's page: its phrase is chosen by a rule from the result; the tables
and charts build from it, and the what-if chart starts at the run's values."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from batteryreport.chapters import recycling
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
        "NITI Aayog: all sectors, recycled by the horizon",
        "RMI: vehicles only, end of life by the horizon"]
    assert "low_thousand_tonnes" in fig.data


def test_metals_chart_shows_contained_and_recovered_metal(result):
    fig = page.metals_chart(result)
    assert fig.name == "recycling_metals"
    assert show(result.metals.metals_li_t).split("–")[0] in fig.description
    assert set(fig.data.columns) == {"metal", "route", "low_t", "high_t"}
    assert set(fig.data["metal"]) == {"lithium", "cobalt", "nickel"}


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
    assert fig.data.set_index("slider").loc["kg_per_kwh", "published_value"] == kg
