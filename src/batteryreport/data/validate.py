"""Validate the whole data package before anything runs.

Every table is read with :func:`batteryreport.data.schema.read_table` (types, required
values, enumerations, patterns, bounds), then checked across rows and tables: primary keys
and ``unique`` fields, foreign keys (every ``source_id`` resolves in the source register)
and the descriptor's ``x_low_high`` pairs (a low end never above its high end). Every
problem is reported with its file, row, column, rule and a short excerpt of the value.
"""

from __future__ import annotations

from pathlib import Path

from batteryreport.core.errors import DataError, Problem
from batteryreport.data.descriptor import (
    CSV_NAME,
    data_dir,
    table_meta,
    table_names,
    table_path,
)
from batteryreport.data.schema import Table, excerpt, read_table


def _display_root(folder: Path) -> str:
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def _key_problems(table: Table) -> None:
    meta = table.meta
    if meta.primary_key:
        seen: dict[tuple, int] = {}
        keys = list(zip(*(table.columns[k] for k in meta.primary_key), strict=True))
        for key, row in zip(keys, table.row_numbers, strict=True):
            if key in seen:
                table.problem(Problem(table.file, "primary-key", "the same key is already used in "
                                      f"row {seen[key]}", row=row,
                                      column=", ".join(meta.primary_key),
                                      value=excerpt(" / ".join(map(str, key)))))
            else:
                seen[key] = row
    for f in meta.fields:
        if f.constraints.get("unique"):
            first: dict[object, int] = {}
            for value, row in zip(table.columns[f.name], table.row_numbers, strict=True):
                if value is None:
                    continue
                if value in first:
                    table.problem(Problem(table.file, "unique", f"already used in row "
                                          f"{first[value]}", row=row, column=f.name,
                                          value=excerpt(str(value))))
                else:
                    first[value] = row


def _low_high_problems(table: Table) -> None:
    for lo, hi in table.meta.low_high:
        for a, b, row in zip(table.columns[lo], table.columns[hi], table.row_numbers,
                             strict=True):
            if a is not None and b is not None and a > b:
                table.problem(Problem(table.file, "low-high", f"{lo} must not exceed {hi}",
                                      row=row, column=lo, value=f"{a:g} > {b:g}"))


def _foreign_key_problems(tables: dict[str, Table]) -> None:
    for table in tables.values():
        if table.problems:
            continue  # a table that could not be read is not checked further
        for fk in table.meta.foreign_keys:
            ref = tables.get(fk.table)
            if ref is None or ref.problems:
                continue  # reported for the referenced table
            known = set(ref.columns.get(fk.ref_field, []))
            for value, row in zip(table.columns[fk.field], table.row_numbers, strict=True):
                if value is not None and value not in known:
                    table.problem(Problem(table.file, "foreign-key", f"{fk.field} names no "
                                          f"{fk.ref_field} in {ref.meta.path}", row=row,
                                          column=fk.field, value=excerpt(str(value))))


def read_all(folder: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Every table of the package, read and typed, and every problem: in the tables, and
    in the folder (a CSV file the descriptor does not describe). The descriptor's own
    problems raise :class:`DataError`."""
    folder = folder.resolve()
    rel = _display_root(folder)
    tables: dict[str, Table] = {}
    for name in table_names(folder):
        meta = table_meta(name, folder)
        file = f"{rel}/{meta.path}"
        try:
            path = table_path(meta, folder)
        except DataError as exc:
            t = Table(meta, file)
            for p in exc.problems:
                t.problem(Problem(file, p.rule, p.message))
            tables[name] = t
            continue
        tables[name] = read_table(path, meta, file)
    for t in tables.values():
        if not t.problems:
            _key_problems(t)
            _low_high_problems(t)
    _foreign_key_problems(tables)
    problems: list[Problem] = []
    for t in tables.values():
        problems += t.problems
        if t.more_problems:
            problems.append(Problem(t.file, "more-problems", f"and {t.more_problems} more "
                                    "problem(s) in this file, not listed"))
    described = {t.meta.path for t in tables.values()}
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() == ".csv" and p.name not in described:
            hint = "" if CSV_NAME.match(p.name) else " (its name also has characters a " \
                "table's file name may not have)"
            problems.append(Problem(f"{rel}/{excerpt(p.name)}", "undescribed-file",
                                    "a CSV file in the data folder that datapackage.json does "
                                    "not describe: describe it there, or move it out of the "
                                    "folder" + hint))
    return tables, problems


def validate(folder: Path | None = None) -> list[str]:
    """Validate every table in the package; raise :class:`DataError` listing every problem.

    Returns the names of the tables validated.
    """
    folder = (folder or data_dir()).resolve()
    tables, problems = read_all(folder)
    if problems:
        raise DataError(problems)
    return list(tables)
