"""The data package descriptor (``data/datapackage.json``): the one place where each
table's fields, types, units, descriptions, constraints, keys and sources are defined.

The descriptor follows the Frictionless Data Package standard. This module reads it,
checks that it only asks for what :mod:`batteryreport.data.schema` enforces (so a rule
written in it is never silently ignored), and gives typed views of it (:class:`TableMeta`).
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batteryreport import REPO_ROOT
from batteryreport.core.env import ENV_DATA_DIR, ENV_TABLES  # noqa: F401 (the data layer's names)
from batteryreport.core.errors import DataError, Problem

DEFAULT_DATA_DIR = REPO_ROOT / "data"
DESCRIPTOR = "datapackage.json"
MAX_DESCRIPTOR_BYTES = 2_000_000

TYPES = ("string", "number", "integer", "boolean", "date", "year")
CONSTRAINTS = ("required", "unique", "enum", "pattern", "minimum", "maximum",
               "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
# A table is a .csv file directly in the data folder: no sub-folders, no way out of it.
CSV_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv$")


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

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    field: str
    table: str
    ref_field: str


@dataclass(frozen=True)
class TableMeta:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    low_high: tuple[tuple[str, str], ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name!r} has no field {name!r}")

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def read_descriptor(folder: Path) -> dict[str, Any]:
    """The descriptor as JSON, or a :class:`DataError` naming what is wrong with it."""
    path = folder / DESCRIPTOR
    where = str(path)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), "data-folder", "not a folder: DATA= must name "
                                 "a folder holding datapackage.json and the CSV files")])
    try:
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            raise DataError([Problem(where, "descriptor", "larger than "
                                     f"{MAX_DESCRIPTOR_BYTES // 1_000_000} MB")])
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError([Problem(where, "descriptor", "data package descriptor not found")]) \
            from None
    except UnicodeDecodeError as exc:
        raise DataError([Problem(where, "descriptor", f"not UTF-8 text (byte {exc.start})")]) \
            from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(where, "descriptor", f"not valid JSON: {exc.msg}",
                                 row=exc.lineno)]) from None
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise DataError([Problem(where, "descriptor", "must be an object with a list of "
                                 "'resources'")])
    return data


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_descriptor(desc: dict[str, Any]) -> list[Problem]:
    """Every problem with the descriptor's structure: names, paths, types, constraints and
    keys. Unknown types and constraints are errors, so no rule is silently ignored."""
    problems: list[Problem] = []

    def bad(rule: str, message: str, where: str | None = None, value: Any = None) -> None:
        problems.append(Problem(DESCRIPTOR, rule, message, column=where,
                                value=None if value is None else str(value)[:60]))

    tables: dict[str, set[str]] = {}
    paths: set[str] = set()
    for i, res in enumerate(desc["resources"]):
        if not isinstance(res, dict):
            bad("descriptor", f"resource {i + 1} is not an object")
            continue
        name = res.get("name")
        if not isinstance(name, str) or not SLUG.match(name):
            bad("resource-name", "a table name is lowercase letters, digits and underscores",
                f"resources[{i}].name", name)
            continue
        if name in tables:
            bad("resource-name", "two tables have the same name", name, name)
        path = res.get("path")
        if not isinstance(path, str) or not CSV_NAME.match(path):
            bad("resource-path", "a table's path is the name of a .csv file in the data "
                "folder (no folders, no '..')", name, path)
        elif path in paths:
            bad("resource-path", "two tables read the same file", name, path)
        else:
            paths.add(path)
        schema = res.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            bad("schema", "a table needs a schema with a list of fields", name)
            tables[name] = set()
            continue
        names: set[str] = set()
        for f in fields:
            fname = f.get("name") if isinstance(f, dict) else None
            if not isinstance(fname, str) or not SLUG.match(fname):
                bad("field-name", "a field name is lowercase letters, digits and underscores",
                    name, fname)
                continue
            where = f"{name}.{fname}"
            if fname in names:
                bad("field-name", "two fields have the same name", where)
            names.add(fname)
            if f.get("type", "string") not in TYPES:
                bad("field-type", f"unsupported type (supported: {', '.join(TYPES)})", where,
                    f.get("type"))
            cons = f.get("constraints", {})
            if not isinstance(cons, dict):
                bad("constraints", "constraints must be an object", where)
                continue
            for key in cons:
                if key not in CONSTRAINTS:
                    bad("constraint", "unsupported constraint (supported: "
                        f"{', '.join(CONSTRAINTS)})", where, key)
            if "pattern" in cons:
                try:
                    re.compile(str(cons["pattern"]))
                except re.error as exc:
                    bad("constraint", f"pattern does not compile: {exc}", where)
            if "enum" in cons and not isinstance(cons["enum"], list):
                bad("constraint", "enum must be a list", where)
        tables[name] = names
        for key in _as_list(schema.get("primaryKey", [])):
            if key not in names:
                bad("primary-key", "the primary key names a field the table does not have",
                    name, key)
        missing = schema.get("missingValues", [""])
        if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
            bad("schema", "missingValues must be a list of strings", name)
        for pair in res.get("x_low_high", []):
            if not (isinstance(pair, list) and len(pair) == 2 and set(pair) <= names):
                bad("low-high", "x_low_high pairs name two fields of the table", name, pair)
    for res in desc["resources"]:
        if not isinstance(res, dict) or res.get("name") not in tables:
            continue
        schema = res.get("schema") or {}
        for fk in schema.get("foreignKeys", []) if isinstance(schema, dict) else []:
            ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
            f, rt = _as_list(fk.get("fields")) if isinstance(fk, dict) else [None], \
                ref.get("resource")
            rf = _as_list(ref.get("fields"))
            ok = (len(f) == 1 and len(rf) == 1 and f[0] in tables[res["name"]]
                  and rt in tables and rf[0] in tables[rt])
            if not ok:
                bad("foreign-key", "a foreign key names one field of this table and one "
                    "field of another table", res["name"], json.dumps(fk)[:60])
    return problems


@functools.cache
def _package(folder: Path) -> dict[str, Any]:
    desc = read_descriptor(folder)
    problems = check_descriptor(desc)
    if problems:
        raise DataError(problems)
    return desc


def package_descriptor(folder: Path | None = None) -> dict[str, Any]:
    return _package((folder or data_dir()).resolve())


def table_names(folder: Path | None = None) -> list[str]:
    return [r["name"] for r in package_descriptor(folder)["resources"]]


def _meta(res: dict[str, Any]) -> TableMeta:
    schema = res["schema"]
    fks = []
    for fk in schema.get("foreignKeys", []):
        fks.append(ForeignKey(_as_list(fk["fields"])[0], fk["reference"]["resource"],
                              _as_list(fk["reference"]["fields"])[0]))
    return TableMeta(
        name=res["name"],
        path=res["path"],
        title=res.get("title", res["name"]),
        description=res.get("description", ""),
        fields=tuple(Field(name=f["name"], type=f.get("type", "string"),
                           title=f.get("title", f["name"]),
                           description=f.get("description", ""), unit=f.get("unit", ""),
                           constraints=f.get("constraints", {}))
                     for f in schema["fields"]),
        primary_key=tuple(_as_list(schema.get("primaryKey", []))),
        foreign_keys=tuple(fks),
        missing_values=tuple(schema.get("missingValues", [""])),
        low_high=tuple(tuple(p) for p in res.get("x_low_high", [])),
    )


@functools.cache
def _metas(folder: Path) -> dict[str, TableMeta]:
    # Made once per descriptor: the pages and the records ask for each table's many times.
    return {res["name"]: _meta(res) for res in _package(folder)["resources"]}


def table_meta(name: str, folder: Path | None = None) -> TableMeta:
    metas = _metas((folder or data_dir()).resolve())
    if name in metas:
        return metas[name]
    raise KeyError(f"no table named {name!r} in {(folder or data_dir()) / DESCRIPTOR}")


def table_path(meta: TableMeta, folder: Path) -> Path:
    """The table's file, checked to be a regular file inside the data folder (a symlink
    that leads out of it is refused without reading what it points at)."""
    folder = folder.resolve()
    path = folder / meta.path
    where = f"{folder.name}/{meta.path}"
    if not path.exists() and not path.is_symlink():
        raise DataError([Problem(where, "file", "file not found")])
    real = path.resolve()
    if not real.is_relative_to(folder):
        raise DataError([Problem(where, "file-outside", "the file is a link to a file outside "
                                 "the data folder; copy the file into the folder instead")])
    if not real.is_file():
        raise DataError([Problem(where, "file", "not a regular file")])
    return real


def table_files(names: list[str], folder: Path | None = None) -> list[Path]:
    """The files a set of tables depends on: each CSV, plus the descriptor and sources."""
    folder = (folder or data_dir()).resolve()
    paths = {folder / DESCRIPTOR}
    for name in set(names) | {"sources"}:
        paths.add(folder / table_meta(name, folder).path)
    return sorted(paths)
