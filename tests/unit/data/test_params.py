"""Run parameters: defaults validate; unknown or ill-typed keys fail naming the key."""

import datetime as dt

import pytest

from batteryreport.core.errors import ParamsError
from batteryreport.data.params import DEFAULT_PARAMS, RunParams, load_params


def write(tmp_path, text, name="p.yml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_validate_and_cover_every_parameter():
    params = load_params()
    assert params.scenario == "default"
    import yaml

    keys = set(yaml.safe_load(DEFAULT_PARAMS.read_text()))
    assert keys == set(RunParams.model_fields), "default.yml must set every parameter"


def test_override_changes_only_what_it_sets(tmp_path):
    p = write(tmp_path, "fx_inr_per_usd: 90\nas_of: 2025-09-30\nscenario: weak-rupee\n")
    params = load_params(p)
    assert params.fx_inr_per_usd == 90.0
    assert params.as_of == dt.date(2025, 9, 30)
    assert params.japan_investment_usd_mn_low == load_params().japan_investment_usd_mn_low


def problems_of(tmp_path, text):
    with pytest.raises(ParamsError) as info:
        load_params(write(tmp_path, text))
    return info.value, str(info.value)


def test_unknown_parameter_is_named(tmp_path):
    err, msg = problems_of(tmp_path, "fx_inr_per_usdd: 90\n")
    assert "fx_inr_per_usdd" in msg and "unknown parameter" in msg and "p.yml" in msg


@pytest.mark.parametrize("text,name", [
    ("fx_inr_per_usd: ninety\n", "fx_inr_per_usd"),
    ("fx_inr_per_usd: -5\n", "fx_inr_per_usd"),
    ("as_of: last tuesday\n", "as_of"),
    ("pack_kg_per_kwh: [1, 2]\n", "pack_kg_per_kwh"),
    ("scenario: Bad Name!\n", "scenario"),
    ("allocation_scenarios: {x: {cells: 2}}\n", "allocation_scenarios"),
])
def test_ill_typed_parameter_is_named(tmp_path, text, name):
    _, msg = problems_of(tmp_path, text)
    assert name in msg


def test_cross_field_rules(tmp_path):
    _, msg = problems_of(tmp_path, "japan_investment_usd_mn_low: 500\n")
    assert "japan_investment_usd_mn_low" in msg and "greater than" in msg
    _, msg = problems_of(tmp_path, "allocation_scenarios: {x: {cells: 0.5, ev: 0.4}}\n")
    assert "sum to 0.9" in msg
    _, msg = problems_of(tmp_path, "cell_capex_inr_cr_per_gwh_low: 500\n")
    assert "both be set" in msg


def test_malformed_yaml_names_file_and_line(tmp_path):
    _, msg = problems_of(tmp_path, "scenario: x\nfx_inr_per_usd: [90\n")
    assert "p.yml" in msg and "row" in msg


def test_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="not found"):
        load_params(tmp_path / "nope.yml")


def test_example_scenarios_validate(repo):
    for path in sorted((repo / "params" / "examples").glob("*.yml")):
        params = load_params(path)
        assert params.scenario != "default", path
