"""What every chapter shares: the date the analysis is taken at, resolved once per run.

The run parameter ``as_of`` sets it; left at null, it is the latest dated PLI observation
in the data (capacity reports and progress indicators). Either way it must fall in the
window the data can speak to: from the first PLI-ACC award to today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    """The run-level checks the build makes before any notebook runs (it calls this when
    ``as_of`` is set: each check is of that date against the data)."""
    from batteryreport.data import load_table, table_names

    if "pli_awards" in table_names(data_folder):
        check_as_of(as_of, load_table("pli_awards", data_folder), params_file)


# --------------------------------------------------------------------------- once per run


@dataclass(frozen=True)
class AnalysisDate:
    """The date a run's analysis is taken at, and why that date."""

    day: pd.Timestamp
    from_parameter: bool
    sources: tuple[str, ...]  # the observations dated that day (when taken from the data)


def analysis_date(as_of: dt.date | None, observations: pd.DataFrame,
                  indicators: pd.DataFrame) -> AnalysisDate:
    """``as_of`` if set, else the latest PLI observation: a capacity report or a
    progress indicator."""
    from batteryreport.data.rows import sources_of

    if as_of is not None:
        return AnalysisDate(pd.Timestamp(as_of).normalize(), True, ())
    found = [pd.to_datetime(s).max() for s in (observations["observed_date"],
                                               indicators["as_of_date"])
             if len(s) and pd.notna(pd.to_datetime(s).max())]
    if not found:
        raise ValueError("no dated PLI observation to take the analysis at")
    day = max(found).normalize()
    return AnalysisDate(day, False, sources_of(
        observations[observations["observed_date"] == day]))


@dataclass(frozen=True)
class RunRate:
    """The exchange rate a run uses (INR per USD), and where it came from."""

    inr_per_usd: float
    day: pd.Timestamp | None  # None when set by the run parameter
    sources: tuple[str, ...]
    before_data: bool = False  # the data has no rate on or before the analysis date

    @property
    def from_parameter(self) -> bool:
        return self.day is None


def run_rate(fx: pd.DataFrame, param: float | None, as_of: pd.Timestamp) -> RunRate:
    """The parameter if set, else the latest usable close on or before the analysis date
    (the mean where one date has several), else the earliest close in the data."""
    from batteryreport.core.money import rate_on
    from batteryreport.data.rows import sources_of, usable

    if param is not None:
        return RunRate(float(param), None, ())
    closes = usable(fx)
    before = False
    try:
        day, rate = rate_on(closes, as_of)
    except LookupError:
        day, rate = rate_on(closes, closes["date"].min())
        before = True
    return RunRate(rate, day, sources_of(closes[closes["date"] == day]), before)
