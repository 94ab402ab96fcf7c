"""What changed between two data folders: only tables whose files differ are read."""

import csv
import shutil
from pathlib import Path

import batteryreport.build.editions as editions

DATA = Path(__file__).resolve().parents[3] / "data"


def _copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(DATA, dest)
    return dest


def test_identical_folders_read_no_table(tmp_path, monkeypatch):
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")

    def must_not_read(*args):
        raise AssertionError(f"an unchanged table was compared: {args[2]}")

    monkeypatch.setattr(editions, "compare_table", must_not_read)
    assert editions.compare_data(old, new).empty


def test_one_changed_table_is_the_only_one_compared(tmp_path, monkeypatch):
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    path = new / "recycler_capacity.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("capacity_tonnes_per_year")
    row = next(i for i, r in enumerate(rows[1:], 1) if r[column])
    rows[row][column] = str(float(rows[row][column]) + 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)

    compared = []
    real = editions.compare_table
    monkeypatch.setattr(editions, "compare_table",
                        lambda o, n, name: compared.append(name) or real(o, n, name))
    changed = editions.compare_data(old, new)
    assert compared == ["recycler_capacity"]
    assert set(changed["table"]) == {"recycler_capacity"}
    assert "capacity_tonnes_per_year" in " ".join(changed["detail"].astype(str))
