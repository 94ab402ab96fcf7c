"""Which rows the report uses, and where a number came from: one definition of each.

- :func:`usable`: the rows a chapter may use for a headline number: marked ``preferred``
  and not ruled unverifiable by the fact-check (tables without those columns: all rows).
- :func:`sources_of`: the source ids of exactly the rows a number was computed from.
- :func:`load_tables`: the tables a chapter declares, typed, as a read-only mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

Tables = Mapping[str, pd.DataFrame]


def usable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows the report uses: preferred, and not ruled unverifiable by the fact-check."""
    keep = pd.Series(True, index=frame.index)
    if "preferred" in frame:
        keep &= frame["preferred"].fillna(False).astype(bool)
    if "verification" in frame:
        keep &= frame["verification"] != "unverifiable"
    return frame[keep]


def sources_of(*parts: Any) -> tuple[str, ...]:
    """The source ids of exactly the rows a number was computed from.

    Pass the rows used (after filtering and picking), not the whole table: every column
    whose name ends in ``source_id`` counts (some tables cite a source per group of
    fields). A single row (a Series), a source id string, an iterable of ids, or None
    (nothing) may be passed too.
    """
    ids: set[str] = set()
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            if part:
                ids.add(part)
        elif isinstance(part, pd.DataFrame):
            for col in part.columns:
                if str(col).endswith("source_id"):
                    ids.update(str(v) for v in part[col].dropna() if str(v))
        elif isinstance(part, pd.Series) and any(str(i).endswith("source_id")
                                                 for i in part.index):
            ids.update(str(part[c]) for c in part.index
                       if str(c).endswith("source_id") and pd.notna(part[c]) and str(part[c]))
        elif isinstance(part, Iterable):
            ids.update(str(v) for v in part if isinstance(v, str) and v)
        else:
            raise TypeError(f"cannot take source ids from {type(part).__name__}")
    return tuple(sorted(ids))


def load_tables(names: Iterable[str], folder: Path | None = None,
                read: dict[str, pd.DataFrame] | None = None) -> Tables:
    """``read``: tables already read in this run, filled as tables are read; each caller
    gets its own copy, so one cannot change another's input."""
    from batteryreport.data.load import load_table

    if read is None:
        return MappingProxyType({name: load_table(name, folder) for name in names})
    for name in names:
        if name not in read:
            read[name] = load_table(name, folder)
    return MappingProxyType({name: read[name].copy() for name in names})
