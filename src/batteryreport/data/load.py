"""Load a validated table as a typed DataFrame.

Tables are read with the same function validation uses
(:func:`batteryreport.data.schema.read_table`): one definition of each type. Columns are
typed from the descriptor: numbers ``float64``, integers and years ``Int64``, booleans
``boolean``, dates ``datetime64``; a missing value is ``NaN``/``NA``/``NaT``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from batteryreport.data.schema import PANDAS_DTYPES
from batteryreport.data.values import read_values


def load_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """A typed DataFrame for one table of the data package (see :func:`read_values`)."""
    table = read_values(name, folder)
    meta = table.meta
    frame = pd.DataFrame({f.name: pd.Series(table.columns[f.name], dtype="object")
                          for f in meta.fields})
    for f in meta.fields:
        dtype = PANDAS_DTYPES[f.type]
        if dtype.startswith("datetime64"):
            frame[f.name] = pd.to_datetime(frame[f.name]).astype(dtype)
        else:
            frame[f.name] = frame[f.name].astype(dtype)
    frame.attrs["table"] = meta.name
    return frame


def sources(folder: Path | None = None) -> pd.DataFrame:
    """The source register: one row per document, indexed by ``source_id``."""
    frame = load_table("sources", folder)
    frame.index = pd.Index(frame["source_id"].tolist())
    return frame
