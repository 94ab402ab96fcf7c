"""A chapter whose inputs (code, parameters, tables) are unchanged since the last build is
not analysed again: its stored result is reused, and equals a fresh one."""

import csv
import pickle
import shutil
from pathlib import Path

import pytest

from batteryreport import REPO_ROOT
from batteryreport.build.pipeline import _analyse, code_hash
from batteryreport.chapters import run_all
from batteryreport.data.params import load_params

DATA = REPO_ROOT / "data"


def _edit_note(folder: Path, table: str) -> None:
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[-1][rows[0].index("note")] += " (re-checked)"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_only_chapters_whose_inputs_changed_are_analysed_again(tmp_path, capsys):
    data = shutil.copytree(DATA, tmp_path / "data")
    results_dir = tmp_path / "results"
    params, code = load_params(), code_hash()
    names = ["recommendations", "recycling"]
    _analyse(names, [], params, data, results_dir, {}, code)
    assert "unchanged" not in capsys.readouterr().out
    first = {p.stem: p.stat().st_mtime_ns for p in results_dir.glob("*.pkl")}
    assert set(first) == {"pli_delays", "japan_investment", "recycling", "recommendations"}

    _edit_note(data, "recycler_capacity")  # read by recycling (and so recommendations)
    _analyse(names, [], params, data, results_dir, {}, code)
    assert "(japan_investment, pli_delays unchanged)" in capsys.readouterr().out
    after = {p.stem: p.stat().st_mtime_ns for p in results_dir.glob("*.pkl")}
    assert after["pli_delays"] == first["pli_delays"]
    assert after["recycling"] != first["recycling"]

    fresh = run_all(params, data, names)
    for name in fresh:
        kept = pickle.loads((results_dir / f"{name}.pkl").read_bytes())["result"]
        assert _same(kept, fresh[name]), name


def _same(a, b) -> bool:
    """Equal results: field by field, frames and series by value."""
    import dataclasses

    import pandas as pd

    if type(a) is not type(b):
        return False
    if isinstance(a, (pd.DataFrame, pd.Series)):
        return a.equals(b)
    if dataclasses.is_dataclass(a):
        return all(_same(getattr(a, f.name), getattr(b, f.name))
                   for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)  # NaN equals NaN here


def test_other_code_or_parameters_analyse_again(tmp_path, capsys):
    data = shutil.copytree(DATA, tmp_path / "data")
    results_dir = tmp_path / "results"
    params = load_params()
    _analyse(["recycling"], [], params, data, results_dir, {}, "code-1")
    capsys.readouterr()
    _analyse(["recycling"], [], params, data, results_dir, {}, "code-2")
    assert "unchanged" not in capsys.readouterr().out
    other = params.model_copy(update={"pack_kg_per_kwh": params.pack_kg_per_kwh + 1})
    _analyse(["recycling"], [], other, data, results_dir, {}, "code-2")
    assert "unchanged" not in capsys.readouterr().out


def test_a_result_that_cannot_be_read_is_computed_again(tmp_path, capsys):
    # A result kept from other code (here: a class that no longer exists) is neither an
    # error nor used: its chapter is analysed again.
    data = shutil.copytree(DATA, tmp_path / "data")
    results_dir = tmp_path / "results"
    params, code = load_params(), "code-1"
    _analyse(["recycling"], [], params, data, results_dir, {}, code)
    capsys.readouterr()
    stale = (b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x0bno_such_mod\x94\x8c"
             b"\x07Missing\x94\x93\x94)\x81\x94.")
    (results_dir / "recycling.pkl").write_bytes(stale)
    with pytest.raises(Exception):  # noqa: B017 (any error: the pickle cannot be read)
        pickle.loads(stale)
    _analyse(["recycling"], [], params, data, results_dir, {}, code)
    out = capsys.readouterr().out
    assert "analysed recycling" in out and "unchanged" not in out  # computed, not reused
    assert pickle.loads((results_dir / "recycling.pkl").read_bytes())["result"] is not None


def test_a_runner_set_up_ahead_analyses_as_the_build_does(tmp_path, capsys):
    # A runner taken from its standby has imported pandas and the chapters: the build has
    # it analyse (in a fork of itself) while the build imports. Same fingerprints, same
    # stored results, same reuse, as when the build analyses.
    from batteryreport.build import kernels

    data = shutil.copytree(DATA, tmp_path / "data")
    params, code = load_params(), code_hash()
    names = ["recommendations", "recycling"]
    here, there = tmp_path / "here", tmp_path / "there"
    _, local = _analyse(names, [], params, data, here, {}, code)
    with kernels.Runner() as runner:
        runner.kept = True  # (as if taken from a standby)
        _, remote = _analyse(names, [], params, data, there, {}, code, runner)
        assert remote == local and set(local) == {"pli_delays", "japan_investment",
                                                  "recycling", "recommendations"}
        for name in local:
            a, b = (pickle.loads((d / f"{name}.pkl").read_bytes())["result"]
                    for d in (here, there))
            assert _same(a, b), name
        _edit_note(data, "recycler_capacity")
        capsys.readouterr()
        _analyse(names, [], params, data, there, {}, code, runner)
        assert "(japan_investment, pli_delays unchanged)" in capsys.readouterr().out


def test_chapters_analysed_as_the_build_begins_are_those_the_build_computes(tmp_path, capsys):
    # The command has a runner left on standby compute every chapter whose inputs changed
    # (kernels.analyse_ahead), from the parameter files, while it imports its pipeline.
    # The build's own analysis then reuses those results: the same results, and the same
    # fingerprints, as a build that analyses everything itself.
    from batteryreport.build import kernels
    from batteryreport.chapters import MODULES, params_of

    data = shutil.copytree(DATA, tmp_path / "data")
    defaults, notebooks = REPO_ROOT / "params" / "default.yml", REPO_ROOT / "notebooks"
    ahead, alone = tmp_path / "ahead", tmp_path / "alone"
    params, code = load_params(), code_hash()
    names = ["recommendations", "recycling"]

    def analysed_ahead(override=None):
        kind, done = kernels.analyse_ahead(override, defaults, notebooks, data, ahead, code)
        assert kind == "analysed ahead"
        return sorted(done)

    assert analysed_ahead() == sorted(MODULES)
    capsys.readouterr()
    _, digests = _analyse(names, [], params, data, ahead, {}, code)
    assert "(japan_investment, pli_delays, recommendations, recycling unchanged)" in (
        capsys.readouterr().out)
    _, fresh = _analyse(names, [], params, data, alone, {}, code)
    assert digests == fresh
    assert analysed_ahead() == []  # nothing changed: nothing computed

    # A parameter changed in an override file: the chapters that depend on it, and only
    # those, are computed ahead, from the file the build will read.
    override = tmp_path / "scenario.yml"
    override.write_text(f"pack_kg_per_kwh: {params.pack_kg_per_kwh + 1}\n", encoding="utf-8")
    users = sorted(n for n in MODULES if "pack_kg_per_kwh" in params_of(n))
    assert users and len(users) < len(MODULES)
    assert analysed_ahead(str(override)) == users
    other = load_params(override, defaults=defaults)
    _, digests = _analyse(names, [], other, data, ahead, {}, code)
    assert "unchanged" in capsys.readouterr().out
    _, fresh = _analyse(names, [], other, data, tmp_path / "alone-2", {}, code)
    assert digests == fresh

    # A folder of notebooks that show no chapter: nothing to analyse ahead.
    assert kernels.analyse_ahead(None, defaults, tmp_path, data, ahead, code) == (
        "analysed ahead", [])
    # A table that breaks a rule of the analysis: an error, for the build's own analysis
    # to find and report.
    (data / "recycler_capacity.csv").write_text("id\nx\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="the analysis failed"):
        analysed_ahead()


def test_the_build_says_which_chapters_its_runner_analysed_as_it_began(tmp_path, capsys):
    from batteryreport.build import kernels

    data = shutil.copytree(DATA, tmp_path / "data")
    results_dir = tmp_path / "results"
    params, code = load_params(), code_hash()
    names = ["recommendations", "recycling"]
    _, local = _analyse(names, [], params, data, tmp_path / "here", {}, code)
    with kernels.Runner() as standing:  # stands in for a standby an earlier build left
        runner = kernels.Runner(standby=lambda: (standing._conn, standing._process))
        assert runner.send_ahead(kernels.analyse_ahead, None, REPO_ROOT / "params" /
                                 "default.yml", REPO_ROOT / "notebooks", data, results_dir,
                                 code)
        capsys.readouterr()
        _, remote = _analyse(names, [], params, data, results_dir, {}, code, runner)
    out = capsys.readouterr().out
    # (here every chapter was computed ahead: none is unchanged since a build before)
    assert "analysed recommendations, recycling in" in out
    assert "(recommendations, recycling as the build began)" in out, out
    assert remote == local
