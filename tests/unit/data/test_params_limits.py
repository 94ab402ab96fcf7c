"""Params files read defensively (issue 16, item 6): bounded size, no aliases or tags,
YAML 1.2 numbers, finite values in plausible ranges, and an as_of the data can speak to."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest

from batteryreport.chapters.common import check_as_of
from batteryreport.core.errors import ParamsError
from batteryreport.data.params import MAX_BYTES, load_params


def err(tmp_path, text: str) -> ParamsError:
    p = tmp_path / "p.yml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as info:
        load_params(p)
    return info.value


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        levels.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ", ".join(
            [f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    e = err(tmp_path, "\n".join(levels) + "\n")
    assert time.perf_counter() - start < 2
    assert e.problems[0].rule == "yaml-alias" and e.problems[0].row == 1


def test_an_oversized_file_is_refused_unread(tmp_path):
    e = err(tmp_path, "# " + "x" * MAX_BYTES + "\nscenario: big\n")
    assert e.problems[0].rule == "file-size"


def test_tags_are_refused(tmp_path):
    e = err(tmp_path, "fx_inr_per_usd: !!python/object/apply:os.system ['true']\n")
    assert e.problems[0].rule == "yaml-tag"


@pytest.mark.parametrize("text", ["fx_inr_per_usd: .inf\n", "fx_inr_per_usd: 1e400\n",
                                  "pack_kg_per_kwh: .nan\n"])
def test_non_finite_numbers_are_refused(tmp_path, text):
    e = err(tmp_path, text)
    assert e.problems[0].rule == "finite_number"


def test_exponent_numbers_are_numbers(tmp_path):
    p = tmp_path / "p.yml"
    p.write_text("japan_investment_usd_mn_high: 4e2\n")
    assert load_params(p).japan_investment_usd_mn_high == 400.0
    e = err(tmp_path, "fx_inr_per_usd: 1e308\n")  # a number now, and out of range
    assert e.problems[0].rule == "less_than_equal" and "500" in e.problems[0].message


def test_as_of_in_the_future_is_refused(tmp_path):
    future = dt.date.today() + dt.timedelta(days=400)
    e = err(tmp_path, f"as_of: {future.isoformat()}\n")
    assert "after today" in str(e)


def test_as_of_before_the_first_award_is_refused():
    awards = pd.DataFrame({"award_date": pd.to_datetime(["2022-03-24", "2024-10-01"])})
    with pytest.raises(ParamsError, match="first PLI-ACC award") as info:
        check_as_of(dt.date(2021, 1, 1), awards, "p.yml")
    assert info.value.problems[0].column == "as_of"
    check_as_of(dt.date(2023, 1, 1), awards, "p.yml")  # inside the window: fine
