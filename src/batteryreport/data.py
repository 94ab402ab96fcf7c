"""Load validated tables from ``data/``.

The schema lives once, in ``data/datapackage.json`` (a Frictionless Data Package).
:func:`validate` checks every table against it with the ``frictionless`` library
(types, required fields, ranges, enumerations, unique keys, source ids that resolve)
plus the package's ``x_low_high`` pairs, and reports every problem with file, row,
column, value and rule. :func:`load_table` returns a typed DataFrame.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import REPO_ROOT
from .errors import DataError, Problem

DEFAULT_DATA_DIR = REPO_ROOT / "data"
DESCRIPTOR = "datapackage.json"
# Set by the pipeline: the data folder to read, and the tables a notebook declared.
ENV_DATA_DIR = "BATTERYREPORT_DATA"
ENV_TABLES = "BATTERYREPORT_TABLES"


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR).resolve()


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    unit: str
    constraints: dict[str, Any]


@dataclass(frozen=True)
class TableMeta:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    low_high: tuple[tuple[str, str], ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name!r} has no field {name!r}")


def _read_descriptor(folder: Path) -> dict[str, Any]:
    path = folder / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError([Problem(str(path), "descriptor",
                                 "data package descriptor not found")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), "descriptor", f"not valid JSON: {exc}")]) from None


@functools.cache
def _package(folder: Path) -> dict[str, Any]:
    return _read_descriptor(folder)


def package_descriptor(folder: Path | None = None) -> dict[str, Any]:
    return _package((folder or data_dir()).resolve())


def table_names(folder: Path | None = None) -> list[str]:
    return [r["name"] for r in package_descriptor(folder)["resources"]]


def table_meta(name: str, folder: Path | None = None) -> TableMeta:
    for res in package_descriptor(folder)["resources"]:
        if res["name"] == name:
            schema = res["schema"]
            pk = schema.get("primaryKey", [])
            return TableMeta(
                name=name,
                path=res["path"],
                title=res.get("title", name),
                description=res.get("description", ""),
                fields=tuple(
                    Field(
                        name=f["name"],
                        type=f.get("type", "string"),
                        title=f.get("title", f["name"]),
                        description=f.get("description", ""),
                        unit=f.get("unit", ""),
                        constraints=f.get("constraints", {}),
                    )
                    for f in schema["fields"]
                ),
                primary_key=tuple([pk] if isinstance(pk, str) else pk),
                low_high=tuple(tuple(p) for p in res.get("x_low_high", [])),
            )
    raise KeyError(f"no table named {name!r} in {data_dir() / DESCRIPTOR}")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_files(names: list[str], folder: Path | None = None) -> list[Path]:
    """The files a set of tables depends on: each CSV, plus the descriptor and sources."""
    folder = (folder or data_dir()).resolve()
    paths = {folder / DESCRIPTOR}
    for name in set(names) | {"sources"}:
        paths.add(folder / table_meta(name, folder).path)
    return sorted(paths)


# --------------------------------------------------------------------------- validation


def _problem_from_frictionless(err: Any, file: str) -> Problem:
    row = getattr(err, "row_number", None)
    column = getattr(err, "field_name", None)
    if column is None:
        column = getattr(err, "label", None)
    cell = getattr(err, "cell", None)
    note = getattr(err, "note", "") or ""
    title = getattr(err, "title", err.type)
    message = f"{title}: {note}" if note else getattr(err, "message", title)
    return Problem(file=file, rule=err.type, message=message, row=row, column=column,
                   value=None if cell is None else str(cell))


def _low_high_problems(meta: TableMeta, frame: pd.DataFrame, file: str) -> list[Problem]:
    problems = []
    for lo, hi in meta.low_high:
        if lo not in frame or hi not in frame:
            continue
        bad = frame[(frame[lo].notna()) & (frame[hi].notna()) & (frame[lo] > frame[hi])]
        for idx, row in bad.iterrows():
            problems.append(Problem(file, "low-high", f"{lo} must not exceed {hi}",
                                    row=int(idx) + 2, column=lo,
                                    value=f"{row[lo]} > {row[hi]}"))
    return problems


def _header_problems(path: Path, res: dict[str, Any], file: str) -> list[Problem]:
    """Columns are matched by name: name every missing or unexpected one."""
    import csv

    try:
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except UnicodeDecodeError:
        return []  # reported by frictionless as an encoding error, with its position
    expected = [f["name"] for f in res.get("schema", {}).get("fields", [])]
    problems = [Problem(file, "missing-column", "a column the schema requires is missing",
                        row=1, column=name) for name in expected if name not in header]
    problems += [Problem(file, "extra-column", "a column the schema does not describe",
                         row=1, column=name) for name in header if name not in expected]
    if not problems and header != expected:
        problems.append(Problem(file, "column-order", "columns must be in the schema's order: "
                                + ", ".join(expected), row=1))
    return problems


def validate(folder: Path | None = None) -> list[str]:
    """Validate every table in the package; raise :class:`DataError` listing every problem.

    Returns the names of the tables validated.
    """
    from frictionless import FrictionlessException, Package, system

    folder = (folder or data_dir()).resolve()
    descriptor = _read_descriptor(folder)
    problems: list[Problem] = []
    rel = _display_root(folder)
    names = []
    for res in descriptor.get("resources", []):
        path = folder / res["path"]
        if not path.exists():
            problems.append(Problem(f"{rel}/{res['path']}", "file", "file not found"))
        elif path.stat().st_size == 0:
            problems.append(Problem(f"{rel}/{res['path']}", "empty-file",
                                    "file is empty: expected a header row and data rows"))
        else:
            problems += _header_problems(path, res, f"{rel}/{res['path']}")
    if problems:
        raise DataError(problems)
    # Trusted descriptor from our own repo: allow paths relative to it, nothing remote.
    with system.use_context(trusted=True):
        try:
            package = Package(descriptor, basepath=str(folder))
        except FrictionlessException as exc:
            reasons = "; ".join(e.message for e in getattr(exc, "reasons", [])) or str(exc)
            raise DataError([Problem(f"{rel}/{DESCRIPTOR}", "descriptor", reasons)]) from None
        for resource in package.resources:
            names.append(resource.name)
            file = f"{rel}/{resource.path}"
            try:
                report = resource.validate(limit_errors=200)
            except Exception as exc:  # frictionless raises for unreadable sources
                problems.append(Problem(file, "read-error", str(exc)))
                continue
            for task in report.tasks:
                for err in task.errors:
                    problems.append(_problem_from_frictionless(err, file))
            if report.valid:
                meta = table_meta(resource.name, folder)
                problems.extend(_low_high_problems(meta, _read_typed(folder, meta), file))
    if problems:
        raise DataError(problems)
    return names


def _display_root(folder: Path) -> str:
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


# --------------------------------------------------------------------------- loading

_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


def _read_typed(folder: Path, meta: TableMeta) -> pd.DataFrame:
    frame = pd.read_csv(folder / meta.path, dtype=str, keep_default_na=False,
                        na_values=[""], encoding="utf-8")
    for f in meta.fields:
        if f.name not in frame:
            continue
        col = frame[f.name]
        if f.type in ("integer", "number"):
            frame[f.name] = pd.to_numeric(col).astype(_PANDAS_TYPES[f.type])
        elif f.type == "boolean":
            frame[f.name] = col.map({"true": True, "false": False, "True": True,
                                     "False": False}).astype("boolean")
        elif f.type == "date":
            frame[f.name] = pd.to_datetime(col, format="%Y-%m-%d")
        elif f.type == "year":
            frame[f.name] = pd.to_numeric(col).astype("Int64")
    frame.attrs["table"] = meta.name
    return frame


def load_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """A typed DataFrame for one table of the data package.

    Under the pipeline, a notebook may only load the tables it declared (so that the
    build cache knows what each notebook reads); anything else is an error.
    """
    declared = os.environ.get(ENV_TABLES)
    if declared is not None and name != "sources" and name not in declared.split(","):
        raise RuntimeError(
            f"table {name!r} is not declared by this notebook; add it to the notebook's "
            f"batteryreport.tables metadata (declared: {declared or 'none'})"
        )
    folder = (folder or data_dir()).resolve()
    return _read_typed(folder, table_meta(name, folder))


def sources(folder: Path | None = None) -> pd.DataFrame:
    """The source register: one row per document, indexed by ``source_id``."""
    frame = load_table("sources", folder)
    frame.index = pd.Index(frame["source_id"].tolist())
    return frame
