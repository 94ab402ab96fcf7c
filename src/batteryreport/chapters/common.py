"""What every chapter shares: the date the analysis is taken at, resolved once per run.

The run parameter ``as_of`` sets it; left at null, it is the latest dated PLI observation
in the data (capacity reports and progress indicators). Either way it must fall in the
window the data can speak to: from the first PLI-ACC award to today.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from batteryreport.core.errors import ParamsError, Problem

# The tables that date the analysis (the PLI chapter's reports of progress).
DATING_TABLES = ("pli_awards", "pli_capacity_observations", "pli_progress_indicators")


def analysis_window(awards: pd.DataFrame, today: dt.date | None = None) -> tuple[dt.date,
                                                                                  dt.date]:
    """From the first award to today: the dates an analysis can be taken at."""
    first = pd.Timestamp(awards["award_date"].min()).date()
    return first, today or dt.date.today()


def check_as_of(as_of: dt.date | None, awards: pd.DataFrame, params_file: str,
                today: dt.date | None = None) -> None:
    """Raise :class:`ParamsError` when ``as_of`` lies outside :func:`analysis_window`."""
    if as_of is None:
        return
    first, last = analysis_window(awards, today)
    if not first <= as_of <= last:
        raise ParamsError([Problem(
            params_file, "as_of-window",
            f"as_of must be between the first PLI-ACC award ({first.isoformat()}) and today "
            f"({last.isoformat()}): before the first award there is nothing to compare",
            column="as_of", value=as_of.isoformat())])


def check_run(as_of: dt.date | None, data_folder: Path, params_file: str) -> None:
    """The run-level checks the build makes before any notebook runs."""
    from batteryreport.data import load_table, table_names

    if "pli_awards" in table_names(data_folder):
        check_as_of(as_of, load_table("pli_awards", data_folder), params_file)
