"""One definition of each type: what a maintainer's real files hold is read, or refused
with its file, row, column and rule (issue 16, items 7 and 8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryreport.core.errors import DataError
from batteryreport.data import load_table, validate
from batteryreport.data.descriptor import Field
from batteryreport.data.schema import CASTS, CastError

MINI = Path(__file__).resolve().parents[2] / "fixtures" / "minidata"
HEADER = ("obs_id,beneficiary,observed_date,installed_gwh,cost_low_inr_cr,cost_high_inr_cr,"
          "unit,source_id")


def folder_with(tmp_path: Path, capacity: bytes | str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    data = capacity.encode("utf-8") if isinstance(capacity, str) else capacity
    (folder / "capacity.csv").write_bytes(data)
    return folder


def problems(folder: Path) -> list:
    with pytest.raises(DataError) as info:
        validate(folder)
    return info.value.problems


# --------------------------------------------------------------------------- Excel's files


def test_excel_csv_utf8_with_bom_crlf_and_quotes_loads(tmp_path):
    rows = [HEADER, '1,"Ola Cell Technologies, Ltd.",2025-06-17,1.4,10,20,GWh,bs_2025',
            '2,"Say ""hi""\r\nand bye",2025-12-02,1.0,10,20,GWh,pib_2025', ""]
    folder = folder_with(tmp_path, b"\xef\xbb\xbf" + "\r\n".join(rows).encode())
    assert validate(folder) == ["sources", "capacity"]
    frame = load_table("capacity", folder)
    assert list(frame["beneficiary"]) == ["Ola Cell Technologies, Ltd.", 'Say "hi"\r\nand bye']
    assert list(frame["obs_id"]) == [1, 2]


def test_excel_booleans_are_read_as_booleans(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    desc = json.loads((folder / "datapackage.json").read_text())
    fields = desc["resources"][1]["schema"]["fields"]
    fields.insert(7, {"name": "preferred", "type": "boolean"})
    (folder / "datapackage.json").write_text(json.dumps(desc))
    (folder / "capacity.csv").write_text(
        HEADER.replace(",source_id", ",preferred,source_id") + "\n"
        "1,Ola,2025-06-17,1.4,10,20,GWh,TRUE,bs_2025\n"
        "2,Ola,2025-12-02,1.0,10,20,GWh,False,pib_2025\n"
        "3,Reliance,2025-12-02,0,,,GWh,,pib_2025\n")
    validate(folder)
    frame = load_table("capacity", folder)
    assert frame["preferred"].tolist()[:2] == [True, False]
    assert frame["preferred"].isna().tolist() == [False, False, True]


def test_rows_of_empty_cells_a_spreadsheet_leaves_are_ignored(tmp_path):
    folder = folder_with(tmp_path, HEADER + "\n1,Ola,2025-06-17,1.4,10,20,GWh,bs_2025\n"
                         ",,,,,,,\n\n")
    validate(folder)
    assert len(load_table("capacity", folder)) == 1


@pytest.mark.parametrize("value,rule_text", [
    ("Infinity", "finite"), ("-inf", "finite"), ("NaN", "finite"), ("1e400", "not finite"),
    ("1,234.5", "thousands separators"), ("about 3", "not a number"),
])
def test_non_finite_and_unreadable_numbers_are_refused(tmp_path, value, rule_text):
    folder = folder_with(tmp_path, f'{HEADER}\n1,Ola,2025-06-17,"{value}",10,20,GWh,bs_2025\n')
    found = problems(folder)
    assert [(p.rule, p.row, p.column) for p in found] == [("type-error", 2, "installed_gwh")]
    assert rule_text in found[0].message


def test_a_spreadsheet_date_gets_a_hint(tmp_path):
    folder = folder_with(tmp_path, f"{HEADER}\n1,Ola,17/06/2025,1.4,10,20,GWh,bs_2025\n")
    (p,) = problems(folder)
    assert (p.rule, p.row, p.column) == ("type-error", 2, "observed_date")
    assert "YYYY-MM-DD" in p.message and "spreadsheet" in p.message


def test_other_encodings_are_refused_with_the_line(tmp_path):
    text = (f"{HEADER}\n1,Ola,2025-06-17,1.4,10,20,GWh,bs_2025\n"
            "2,Société,2025-06-17,1,1,2,GWh,bs_2025\n")
    folder = folder_with(tmp_path, text.encode("cp1252"))
    (p,) = problems(folder)
    assert p.rule == "encoding-error" and p.row == 3 and "CSV UTF-8" in p.message


def test_semicolon_files_get_a_hint(tmp_path):
    folder = folder_with(tmp_path, HEADER.replace(",", ";")
                         + "\n1;Ola;2025-06-17;1;1;2;GWh;bs_2025\n")
    found = problems(folder)
    assert any("';'" in p.message for p in found if p.rule == "extra-column")


# --------------------------------------------------------------------------- the folder


def test_a_csv_linked_from_outside_is_refused_without_quoting_it(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP-SECRET-LINE\n")
    folder = folder_with(tmp_path, "")
    (folder / "capacity.csv").unlink()
    (folder / "capacity.csv").symlink_to(secret)
    found = problems(folder)
    assert [p.rule for p in found] == ["file-outside"]
    assert "TOP-SECRET" not in str(DataError(found))


def test_a_descriptor_path_out_of_the_folder_is_refused(tmp_path):
    folder = folder_with(tmp_path, (MINI / "capacity.csv").read_text())
    desc = json.loads((folder / "datapackage.json").read_text())
    desc["resources"][1]["path"] = "../../etc/passwd"
    (folder / "datapackage.json").write_text(json.dumps(desc))
    found = problems(folder)
    assert [p.rule for p in found] == ["resource-path"]


def test_an_undescribed_csv_is_reported(tmp_path):
    folder = folder_with(tmp_path, (MINI / "capacity.csv").read_text())
    (folder / "capacity (copy).csv").write_text("x\n1\n")
    (p,) = problems(folder)
    assert p.rule == "undescribed-file" and "capacity (copy).csv" in p.file


def test_data_that_is_a_file_not_a_folder(tmp_path):
    f = tmp_path / "data.csv"
    f.write_text("x\n")
    (p,) = problems(f)
    assert p.rule == "data-folder" and "folder" in p.message


def test_unsupported_rules_in_the_descriptor_are_errors_not_ignored(tmp_path):
    folder = folder_with(tmp_path, (MINI / "capacity.csv").read_text())
    desc = json.loads((folder / "datapackage.json").read_text())
    desc["resources"][1]["schema"]["fields"][3]["type"] = "geopoint"
    desc["resources"][1]["schema"]["fields"][2]["constraints"]["jsonSchema"] = {}
    (folder / "datapackage.json").write_text(json.dumps(desc))
    rules = sorted(p.rule for p in problems(folder))
    assert rules == ["constraint", "field-type"]


def test_problems_quote_only_a_short_excerpt(tmp_path):
    long = "x" * 5000
    folder = folder_with(tmp_path, f"{HEADER}\n1,Ola,2025-06-17,{long},1,2,GWh,bs_2025\n")
    (p,) = problems(folder)
    assert len(p.value) <= 60


# --------------------------------------------------------------------------- casts


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_number_round_trips(x):
    assert CASTS["number"](repr(x)) == x


@given(st.text())
def test_a_number_cast_returns_a_finite_float_or_refuses(text):
    try:
        value = CASTS["number"](text)
    except CastError as exc:
        assert exc.rule == "type-error"
    else:
        assert value == value and abs(value) != float("inf")


@given(st.sampled_from(["true", "TRUE", "True", " false ", "FALSE"]))
def test_booleans_in_any_case(text):
    assert CASTS["boolean"](text) is (text.strip().lower() == "true")


def test_field_required_flag():
    assert Field("a", "string", "A", "", "", {"required": True}).required
