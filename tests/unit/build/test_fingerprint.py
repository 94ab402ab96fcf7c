"""A chapter result's fingerprint (batteryreport.build.fingerprint): the build reuses a
chapter notebook's executed copy when its result's fingerprint is one it ran with before,
so equal results must give equal fingerprints in any process, and any change a page could
show must change it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import set_cell

from batteryreport import REPO_ROOT
from batteryreport.build.fingerprint import fingerprint
from batteryreport.chapters import run_all
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity
from batteryreport.data.params import load_params

DATA = REPO_ROOT / "data"


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    value: float
    when: dt.date | None = None


def test_equal_values_equal_fingerprints():
    frame = pd.DataFrame({"firm": ["A", "B"], "gwh": [1.5, math.nan],
                          "ids": [("s1",), ("s2", "s3")]})
    value = {"rows": (Row("a", 1.0, dt.date(2025, 3, 1)), Row("b", np.float64(2.5))),
             "frame": frame, "tags": {"x", "y", "z"}, "q": Quantity(3.0, u.GWH, "built")}
    again = pickle.loads(pickle.dumps(value))
    again["tags"] = {"z", "y", "x"}
    assert fingerprint(value) == fingerprint(again)
    assert fingerprint(frame) == fingerprint(frame.copy())  # blocks may differ, not values


@pytest.mark.parametrize("change", [
    lambda v: {**v, "frame": v["frame"].assign(gwh=[1.5, 2.0])},
    lambda v: {**v, "frame": v["frame"].rename(columns={"gwh": "mwh"})},
    lambda v: {**v, "frame": v["frame"].set_axis([5, 6])},
    lambda v: {**v, "frame": v["frame"].astype({"gwh": "float32"})},
    lambda v: {**v, "row": Row("a", 1.0 + 1e-12)},
    lambda v: {**v, "row": Row("a", 1.0, dt.date(2025, 3, 2))},
    lambda v: {**v, "row": Row("b", 1.0)},
    lambda v: {**v, "n": 2},
    lambda v: {**v, "n": 1.0},  # an int and a float that compare equal still differ
    lambda v: {**v, "tags": ("x",)},
    lambda v: {**v, "mixed": pd.Series(["1.5", "x"], dtype=object)},
    lambda v: {**v, "mixed": pd.Series([1.5, None], dtype=object)},
    lambda v: {**v, "zero": pd.Series([0.0])},
    lambda v: {**v, "cat": pd.Series(pd.Categorical(["a", "b"], categories=["b", "a"]))},
    lambda v: {**v, "frame": v["frame"].rename_axis("row")},
], ids=["value", "column", "index", "dtype", "float", "date", "text", "int", "type", "set",
        "object-text", "object-none", "minus-zero", "categories", "index-name"])
def test_a_change_a_page_could_show_changes_the_fingerprint(change):
    value = {"frame": pd.DataFrame({"firm": ["A", "B"], "gwh": [1.5, math.nan]}),
             "row": Row("a", 1.0), "n": 1, "tags": {"x"},
             "mixed": pd.Series([1.5, "x"], dtype=object),
             "zero": pd.Series([-0.0]), "cat": pd.Series(["a", "b"], dtype="category")}
    assert fingerprint(change(value)) != fingerprint(value)


def test_the_same_in_every_process():
    # str hashes, and so set order, differ from one process to the next.
    code = ("import pandas as pd; from batteryreport.build.fingerprint import fingerprint; "
            "print(fingerprint({'s': {'alpha', 'beta', 'gamma', 'delta'}, "
            "'f': pd.DataFrame({'a': ['x', 'y'], 'b': [1.0, 2.0]})}))")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")}
    assert len(seen) == 1


def test_a_value_without_a_canonical_form_is_refused():
    with pytest.raises(TypeError, match="no canonical form"):
        fingerprint({"callback": object()})


def test_real_results_a_note_keeps_the_fingerprint_and_a_number_changes_it(tmp_path):
    data = shutil.copytree(DATA, tmp_path / "data")
    params = load_params()
    names = ["recommendations"]  # and the three chapters it builds on
    fresh = run_all(params, data, names)
    prints = {n: fingerprint(r) for n, r in fresh.items()}
    # Read back from their pickles, as a later build reuses them: the same.
    reread = {n: pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
              for n, r in fresh.items()}
    assert {n: fingerprint(r) for n, r in reread.items()} == prints
    partly = run_all(params, data, names, {n: r for n, r in reread.items()
                                          if n != "recommendations"})
    assert fingerprint(partly["recommendations"]) == prints["recommendations"]

    table = data / "recycler_capacity.csv"
    set_cell(table, "recyclekaro_liion", "note", "re-checked")
    noted = run_all(params, data, ["recycling"])["recycling"]
    assert fingerprint(noted) == prints["recycling"]

    set_cell(table, "recyclekaro_liion", "capacity_tonnes_per_year", "12000")
    changed = run_all(params, data, ["recycling"])["recycling"]
    assert fingerprint(changed) != prints["recycling"]
