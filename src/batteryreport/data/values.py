"""A table's values as read and typed, without a DataFrame.

:func:`read_values` is what :func:`batteryreport.data.load_table` builds its DataFrame
from. A reader that only counts rows or looks values up (the "Data and sources" page, the
site's source register) uses it directly, and so does not import pandas: the site's
process does not load it at all (about 0.3 s of its set-up).
"""

from __future__ import annotations

import os
from pathlib import Path

from batteryreport.core.errors import DataError
from batteryreport.data.descriptor import ENV_TABLES, data_dir, table_meta, table_path
from batteryreport.data.schema import Table, read_table


def read_values(name: str, folder: Path | None = None) -> Table:
    """One table of the data package as read and typed: its values per column (None where
    missing) and its rows, without a DataFrame (a page that only counts rows and collects
    source ids need not pay for one). Raises :class:`DataError` for a table with problems.

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
    return table
