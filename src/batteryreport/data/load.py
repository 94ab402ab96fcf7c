"""Load a validated table as a typed DataFrame.

Tables are read with the same function validation uses
(:func:`batteryreport.data.schema.read_table`): one definition of each type. Columns are
typed from the descriptor: numbers ``float64``, integers and years ``Int64``, booleans
``boolean``, dates ``datetime64``; a missing value is ``NaN``/``NA``/``NaT``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from batteryreport.core.errors import DataError
from batteryreport.data.descriptor import ENV_TABLES, data_dir, table_meta, table_path
from batteryreport.data.schema import PANDAS_DTYPES, read_table


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
    meta = table_meta(name, folder)
    table = read_table(table_path(meta, folder), meta, f"{folder.name}/{meta.path}")
    if table.problems:
        raise DataError(table.problems)
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
