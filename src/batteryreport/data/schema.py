"""One definition of each type: how a CSV cell is read, for validation and loading alike.

Validation (:mod:`batteryreport.data.validate`) and loading (:mod:`batteryreport.data.load`)
both read a table with :func:`read_table`, so anything the loader could not read is a
validation error with its file, row, column and rule, and nothing passes validation that
the loader would read differently.

Files as a maintainer's tools save them are accepted: a UTF-8 byte-order mark (Excel's
"CSV UTF-8"), CRLF line ends, quoted fields with commas, quotes and line breaks inside,
and ``TRUE``/``FALSE``. What is refused, with the reason: other encodings, numbers that are
not finite (``NaN``, ``Infinity``, ``1e400``), dates in any form but ``YYYY-MM-DD``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from batteryreport.core.errors import Problem
from batteryreport.data.descriptor import Field, TableMeta

MAX_PROBLEMS_PER_TABLE = 200
MAX_TABLE_BYTES = 200_000_000
EXCERPT = 60  # characters of a bad value quoted in a message


class CastError(ValueError):
    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_YEAR = re.compile(r"^\d{4}$")
INT64 = 2**63 - 1


def _number(text: str) -> float:
    s = text.strip()
    if not _NUMBER.match(s):
        if s.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise CastError("type-error", "numbers must be finite: NaN and infinity are not "
                            "numbers a report can use")
        if re.match(r"^[+-]?[\d,]+(\.\d+)?$", s):
            raise CastError("type-error", "write numbers without thousands separators "
                            "(1234.5, not 1,234.5)")
        raise CastError("type-error", "not a number")
    value = float(s)
    if not math.isfinite(value):
        raise CastError("type-error", "number out of range (it is not finite)")
    return value


def _integer(text: str) -> int:
    s = text.strip()
    if not _INTEGER.match(s):
        raise CastError("type-error", "not a whole number")
    value = int(s)
    if abs(value) > INT64:
        raise CastError("type-error", "whole number out of range")
    return value


_TRUE = {"true"}
_FALSE = {"false"}


def _boolean(text: str) -> bool:
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CastError("type-error", "not a boolean: write true or false (TRUE/FALSE from "
                    "Excel are accepted)")


def _date(text: str) -> dt.date:
    s = text.strip()
    if _DATE.match(s):
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            raise CastError("type-error", "not a date on the calendar") from None
    hint = (" (a spreadsheet may have reformatted it: format the column as text, or "
            "as a custom date yyyy-mm-dd)") if _DMY.match(s) else ""
    raise CastError("type-error", f"dates are written YYYY-MM-DD{hint}")


def _year(text: str) -> int:
    s = text.strip()
    if not _YEAR.match(s):
        raise CastError("type-error", "a year is four digits")
    return int(s)


CASTS: dict[str, Callable[[str], Any]] = {
    "string": lambda s: s, "number": _number, "integer": _integer, "boolean": _boolean,
    "date": _date, "year": _year,
}
# How each type is held in a DataFrame (see batteryreport.data.load).
PANDAS_DTYPES = {"string": "str", "number": "float64", "integer": "Int64",
                 "boolean": "boolean", "date": "datetime64[us]", "year": "Int64"}


def _check(f: Field, value: Any) -> str | None:
    """The constraint a (non-missing) value breaks, as a message; None if none."""
    c = f.constraints
    if "enum" in c and value not in c["enum"] and str(value) not in map(str, c["enum"]):
        return f"must be one of {', '.join(map(str, c['enum']))}"
    if "pattern" in c and not re.fullmatch(str(c["pattern"]), str(value)):
        return f"must match the pattern {c['pattern']}"
    if "minimum" in c and value < _bound(f, c["minimum"]):
        return f"must be at least {c['minimum']}"
    if "maximum" in c and value > _bound(f, c["maximum"]):
        return f"must be at most {c['maximum']}"
    if "exclusiveMinimum" in c and value <= _bound(f, c["exclusiveMinimum"]):
        return f"must be more than {c['exclusiveMinimum']}"
    if "exclusiveMaximum" in c and value >= _bound(f, c["exclusiveMaximum"]):
        return f"must be less than {c['exclusiveMaximum']}"
    if "minLength" in c and len(str(value)) < int(c["minLength"]):
        return f"must be at least {c['minLength']} characters long"
    if "maxLength" in c and len(str(value)) > int(c["maxLength"]):
        return f"must be at most {c['maxLength']} characters long"
    return None


def _bound(f: Field, bound: Any) -> Any:
    return CASTS[f.type](str(bound)) if isinstance(bound, str) else bound


def excerpt(text: str) -> str:
    """A short, safe quote of a bad value for a message."""
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


@dataclass
class Table:
    """A table as read: typed values per column (None where missing), and the problems."""

    meta: TableMeta
    file: str
    columns: dict[str, list[Any]] = field(default_factory=dict)
    row_numbers: list[int] = field(default_factory=list)  # each record's row in the file
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    def problem(self, p: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS_PER_TABLE:
            self.problems.append(p)
        else:
            self.more_problems += 1


def decode(raw: bytes, file: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a byte-order mark dropped), or the problem, with its line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(file, "encoding-error", f"not UTF-8 text at byte {exc.start}: save "
                             "the file as 'CSV UTF-8'", row=line)


_CACHE: dict[tuple, Table] = {}


def read_table(path: Path, meta: TableMeta, file: str) -> Table:
    """Read and type one table, collecting every problem (up to a limit). A table read once
    in a process is not read again while its file is unchanged (the build validates every
    table, then writes pages from them)."""
    st = path.stat()
    key = (str(path), st.st_ino, st.st_mtime_ns, st.st_size, repr(meta), file)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = _read_table(path, meta, file)
    cached = _CACHE[key]
    # The columns are shared (read-only); the problems list is the caller's to extend.
    return replace(cached, problems=list(cached.problems))


def _read_table(path: Path, meta: TableMeta, file: str) -> Table:
    table = Table(meta, file)
    size = path.stat().st_size
    if size == 0:
        table.problem(Problem(file, "empty-file", "file is empty: expected a header row and "
                              "data rows"))
        return table
    if size > MAX_TABLE_BYTES:
        table.problem(Problem(file, "file-size", f"larger than {MAX_TABLE_BYTES // 10**6} MB"))
        return table
    text, problem = decode(path.read_bytes(), file)
    if problem is not None:
        table.problem(problem)
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        table.problem(Problem(file, "malformed-csv", str(exc), row=1))
        return table
    if not header:
        table.problem(Problem(file, "empty-file", "no header row"))
        return table
    expected = meta.field_names
    missing = [n for n in expected if n not in header]
    extra = [n for n in header if n not in expected]
    for n in missing:
        table.problem(Problem(file, "missing-column", "a column the schema requires is missing",
                              row=1, column=n))
    for n in extra:
        hint = (" (the file seems to use ';' between fields: save it with commas)"
                if ";" in n and len(header) == 1 else "")
        table.problem(Problem(file, "extra-column", "a column the schema does not describe"
                              + hint, row=1, column=excerpt(n)))
    if not missing and not extra and header != expected:
        table.problem(Problem(file, "column-order", "columns must be in the schema's order: "
                              + ", ".join(expected), row=1))
    if table.problems:
        return table
    fields = meta.fields
    casts = [CASTS[f.type] for f in fields]
    missing_values = set(meta.missing_values)
    cols: list[list[Any]] = [[] for _ in fields]
    numbers: list[int] = []
    row = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.problem(Problem(file, "malformed-csv", str(exc), row=row + 1))
            break
        row += 1
        if not any(cell.strip() for cell in record):
            continue  # a blank line, or a row of empty cells a spreadsheet left behind
        if len(record) > len(fields):
            table.problem(Problem(file, "extra-cell", f"{len(record)} cells where the header "
                                  f"has {len(fields)}", row=row, value=excerpt(record[-1])))
        elif len(record) < len(fields):
            table.problem(Problem(file, "missing-cell", f"{len(record)} cells where the header "
                                  f"has {len(fields)}", row=row, column=fields[len(record)].name))
            record = record + [""] * (len(fields) - len(record))
        for i, f in enumerate(fields):
            text_value = record[i]
            if text_value in missing_values:
                value = None
                if f.required:
                    table.problem(Problem(file, "constraint-error", "a value is required",
                                          row=row, column=f.name))
            else:
                try:
                    value = casts[i](text_value)
                except CastError as exc:
                    table.problem(Problem(file, exc.rule, f"{f.type}: {exc.message}", row=row,
                                          column=f.name, value=excerpt(text_value)))
                    value = None
                else:
                    broken = _check(f, value)
                    if broken:
                        table.problem(Problem(file, "constraint-error", broken, row=row,
                                              column=f.name, value=excerpt(text_value)))
            cols[i].append(value)
        numbers.append(row)
    table.row_numbers = numbers
    table.columns = {f.name: c for f, c in zip(fields, cols, strict=True)}
    return table
