"""The PLI chapter's analysis: what the notebook used to compute inline, on tiny frames
where a rule is at stake, and once on the real data package for the whole result."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from batteryreport.chapters import pli
from batteryreport.chapters.common import analysis_date, run_rate
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity
from batteryreport.data.params import load_params
from batteryreport.data.rows import load_tables
from batteryreport.present.glue import quantities

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def result():
    return pli.analyse(load_tables(pli.TABLES, DATA), load_params())


def test_every_quantity_has_a_unit_a_label_and_sources_from_the_register(result):
    from batteryreport.data import sources

    register = set(sources(DATA).index)
    for key, q in quantities(result).items():
        assert isinstance(q, Quantity) and isinstance(q.unit, u.Unit), key
        assert q.label, key
        assert set(q.sources) <= register, (key, set(q.sources) - register)


def test_the_result_is_immutable(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.progress.installed_gwh = None  # type: ignore[misc]


def test_headline_numbers_hang_together(result):
    p = result.progress
    assert p.share_achieved.value == pytest.approx(p.installed_gwh.value / p.awarded_gwh.value)
    assert p.gap_awarded.value == pytest.approx(p.awarded_gwh.value - p.installed_gwh.value)
    assert p.n_built.value == len(p.built_names) <= p.n_beneficiaries.value
    assert p.n_nothing.value + p.n_built.value == p.n_beneficiaries.value


def test_the_analysis_does_not_change_its_inputs():
    tables = {n: t.copy() for n, t in load_tables(pli.TABLES, DATA).items()}
    before = {n: t.copy() for n, t in tables.items()}
    pli.analyse(tables, load_params())
    for n in tables:
        pd.testing.assert_frame_equal(tables[n], before[n])


def test_an_earlier_as_of_drops_later_reports(tmp_path, result):
    p = tmp_path / "p.yml"
    p.write_text("as_of: 2025-06-30\n")
    early = pli.analyse(load_tables(pli.TABLES, DATA), load_params(p))
    assert early.analysis_date.from_parameter
    assert early.progress.as_of.value == dt.date(2025, 6, 30)
    assert early.penalties.penalty_days.value < result.penalties.penalty_days.value


# --------------------------------------------------------------------------- common rules


def frame(**cols):
    return pd.DataFrame(cols)


def test_analysis_date_is_the_parameter_or_the_latest_observation():
    obs = frame(observed_date=pd.to_datetime(["2025-06-17", "2025-12-02"]),
                source_id=["a", "b"])
    ind = frame(as_of_date=pd.to_datetime(["2025-11-30"]))
    latest = analysis_date(None, obs, ind)
    assert latest.day == pd.Timestamp("2025-12-02") and latest.sources == ("b",)
    assert not latest.from_parameter
    set_ = analysis_date(dt.date(2025, 7, 1), obs, ind)
    assert set_.from_parameter and set_.sources == ()


def test_run_rate_is_the_parameter_or_the_latest_usable_close_before_the_date():
    fx = frame(date=pd.to_datetime(["2025-07-01", "2025-07-01", "2025-07-30", "2025-08-01"]),
               inr_per_usd=[85.5, 85.7, 87.4, 99.0], preferred=[True, True, True, False],
               verification=["confirmed"] * 4, source_id=["a", "b", "c", "d"])
    assert run_rate(fx, 90.0, pd.Timestamp("2026-01-01")).inr_per_usd == 90.0
    r = run_rate(fx, None, pd.Timestamp("2025-07-15"))
    assert r.inr_per_usd == pytest.approx(85.6) and r.sources == ("a", "b")
    early = run_rate(fx, None, pd.Timestamp("2025-01-01"))
    assert early.before_data and early.inr_per_usd == pytest.approx(85.6)


# --------------------------------------------------------------------------- reports


def reports(*rows):
    cols = ["beneficiary", "observed_date", "installed_gwh", "reported_by", "date_precision",
            "source_id", "obs_id"]
    f = pd.DataFrame(rows, columns=cols)
    f["observed_date"] = pd.to_datetime(f["observed_date"])
    return f


def used(date, value, firm="Ola"):
    return pd.DataFrame({"beneficiary": [firm], "observed_date": [pd.Timestamp(date)],
                         "installed_gwh": [value], "obs_source_id": ["pib"], "obs_id": ["u"],
                         "award_source_id": ["a"]})


def test_a_different_figure_at_the_same_moment_is_a_conflict():
    obs = reports(("Ola", "2026-03-27", 1.0, "PIB", "day", "pib", "u"),
                  ("Ola", "2026-02-10", 1.4, "Mint", "day", "mint", "m"))
    conflict = pli._conflict(used("2026-03-27", 1.0), obs.iloc[1:], obs, 1.0, 40.0)
    assert conflict is not None and conflict.ola_installed_alt.value == 1.4
    assert pli._earlier_reports(used("2026-03-27", 1.0), obs.iloc[1:]) == ()


def test_an_older_different_figure_is_history_not_a_conflict():
    obs = reports(("Ola", "2026-03-27", 1.0, "PIB", "day", "pib", "u"),
                  ("Ola", "2025-06-01", 1.4, "Minister", "month", "min", "m"))
    assert pli._conflict(used("2026-03-27", 1.0), obs.iloc[1:], obs, 1.0, 40.0) is None
    (earlier,) = pli._earlier_reports(used("2026-03-27", 1.0), obs.iloc[1:])
    assert earlier.installed.value == 1.4 and earlier.reported_by == "Minister"


def test_another_firm_never_conflicts():
    obs = reports(("Ola", "2026-03-27", 1.0, "PIB", "day", "pib", "u"),
                  ("Reliance", "2026-03-27", 2.0, "PIB", "day", "pib", "r"))
    assert pli._conflict(used("2026-03-27", 1.0), obs.iloc[1:], obs, 1.0, 40.0) is None
