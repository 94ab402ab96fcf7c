"""The loader on a tiny data package, and the corpus of bad inputs in tests/bad_inputs/.

Each bad file replaces capacity.csv of tests/fixtures/minidata and must be met by its
own specific error, naming the file, the row and the column where they exist.
"""

import shutil
from pathlib import Path

import pytest

from batteryreport.core.errors import DataError
from batteryreport.data import load_table, validate

HERE = Path(__file__).resolve().parents[2]
MINI = HERE / "fixtures" / "minidata"
BAD = HERE / "bad_inputs"

# case -> (rule, row, column); None where the problem has no row or column.
EXPECTED = {
    "malformed_csv": ("extra-cell", 2, None),
    "missing_column": ("missing-column", 1, "installed_gwh"),
    "wrong_type": ("type-error", 2, "installed_gwh"),
    "negative_capacity": ("constraint-error", 3, "installed_gwh"),
    "unknown_source": ("foreign-key", 2, None),
    "duplicate_key": ("primary-key", 3, None),
    "bad_date": ("type-error", 2, "observed_date"),
    "wrong_unit": ("constraint-error", 2, "unit"),
    "low_above_high": ("low-high", 2, "cost_low_inr_cr"),
    "empty_file": ("empty-file", None, None),
    "non_utf8": ("encoding-error", None, None),
}


def test_every_corpus_case_has_an_expectation():
    assert {p.name for p in BAD.iterdir() if p.is_dir()} == set(EXPECTED)


def test_good_package_validates_and_loads():
    assert validate(MINI) == ["sources", "capacity"]
    df = load_table("capacity", MINI)
    assert str(df["installed_gwh"].dtype) == "float64"
    assert df["observed_date"].dt.year.tolist() == [2025, 2025, 2025]
    assert df["cost_low_inr_cr"].isna().sum() == 1


def corrupt(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    shutil.copyfile(BAD / case / "capacity.csv", folder / "capacity.csv")
    return folder


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_input_gets_its_specific_error(tmp_path, case):
    rule, row, column = EXPECTED[case]
    folder = corrupt(tmp_path, case)
    with pytest.raises(DataError) as info:
        validate(folder)
    problems = info.value.problems
    match = [p for p in problems if p.rule == rule]
    assert match, f"{case}: expected a {rule} problem, got {[str(p) for p in problems]}"
    p = match[0]
    assert p.file.endswith("capacity.csv")
    if row is not None:
        assert p.row == row
    if column is not None:
        assert p.column == column
    text = str(info.value)
    assert "capacity.csv" in text and f"[{rule}]" in text


def test_all_problems_are_reported_not_just_the_first(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    (folder / "capacity.csv").write_text(
        "obs_id,beneficiary,observed_date,installed_gwh,cost_low_inr_cr,cost_high_inr_cr,unit,"
        "source_id\n1,Ola,2025-13-01,1,1,2,GWh,bs_2025\n2,Ola,2025-01-01,-2,1,2,GWh,bs_2025\n",
        encoding="utf-8")
    with pytest.raises(DataError) as info:
        validate(folder)
    rows = sorted(p.row for p in info.value.problems)
    assert rows == [2, 3]
