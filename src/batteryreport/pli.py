"""Computations for the PLI-ACC chapter: capacity gaps, lateness and penalties."""

from __future__ import annotations

import datetime as dt

import pandas as pd

Dateish = dt.date | pd.Timestamp | str


def _day(value: Dateish) -> dt.date:
    return pd.Timestamp(value).date()


def share_achieved(installed_gwh: float, awarded_gwh: float) -> float:
    if awarded_gwh <= 0:
        raise ValueError("awarded_gwh must be positive")
    if installed_gwh < 0:
        raise ValueError("installed_gwh cannot be negative")
    return installed_gwh / awarded_gwh


def capacity_gap_gwh(installed_gwh: float, awarded_gwh: float) -> float:
    """Awarded capacity not yet installed (never negative)."""
    if installed_gwh < 0 or awarded_gwh < 0:
        raise ValueError("capacities cannot be negative")
    return max(awarded_gwh - installed_gwh, 0.0)


def days_late(due: Dateish, as_of: Dateish) -> int:
    """Whole days past a milestone due date (0 if not yet due)."""
    return max((_day(as_of) - _day(due)).days, 0)


def penalty_days(start: Dateish, as_of: Dateish) -> int:
    """Days of accrual from ``start`` (the first day damages run) to ``as_of``,
    both counted: a penalty running from 1 January has accrued 62 days on 3 March."""
    return max((_day(as_of) - _day(start)).days + 1, 0)


def penalty_accrued_inr_cr(
    security_inr_cr: float,
    rate_per_day: float,
    start: Dateish,
    as_of: Dateish,
    cap_inr_cr: float | None = None,
) -> float:
    """Liquidated damages accrued by ``as_of`` under a rate-per-day-of-security rule.

    ``rate_per_day`` is a share (0.001 for 0.1% a day). ``cap_inr_cr`` limits the
    total if the rule has a ceiling.
    """
    if security_inr_cr < 0:
        raise ValueError("security cannot be negative")
    if not 0 <= rate_per_day <= 1:
        raise ValueError("rate_per_day is a share between 0 and 1")
    total = security_inr_cr * rate_per_day * penalty_days(start, as_of)
    return min(total, cap_inr_cr) if cap_inr_cr is not None else total


def penalty_path(security_inr_cr: float, rate_per_day: float, start: Dateish, end: Dateish,
                 freq: str = "MS", cap_inr_cr: float | None = None) -> pd.DataFrame:
    """Accrued penalty at regular dates from ``start`` to ``end`` (for a chart)."""
    dates = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=freq)
    dates = dates.union(pd.DatetimeIndex([pd.Timestamp(start), pd.Timestamp(end)]))
    return pd.DataFrame({
        "date": dates,
        "penalty_inr_cr": [penalty_accrued_inr_cr(security_inr_cr, rate_per_day, start, d,
                                                  cap_inr_cr) for d in dates],
    })


RELIABILITY_ORDER = {"official": 0, "press": 1, "company_claim": 2, "secondary": 3}


def pick_observation(
    obs: pd.DataFrame,
    as_of: Dateish | None = None,
    *,
    key: str = "beneficiary",
    date_col: str = "observed_date",
    preferred_col: str = "preferred",
    reliability_col: str = "reliability",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pick, per ``key``, the observation a chapter uses, and list the others.

    Among rows dated on or before ``as_of``: the latest date wins; on that date a row
    flagged ``preferred`` wins, then the more reliable source (official first).
    Returns ``(chosen, others)``; ``others`` holds every row not chosen, so conflicting
    reports stay visible.
    """
    frame = obs.copy()
    if as_of is not None:
        frame = frame[frame[date_col] <= pd.Timestamp(as_of)]
    if frame.empty:
        return frame, frame
    sort_cols, ascending = [date_col], [False]
    if preferred_col in frame:
        frame["_pref"] = frame[preferred_col].fillna(False).astype(bool)
        sort_cols.append("_pref")
        ascending.append(False)
    if reliability_col in frame:
        frame["_rel"] = frame[reliability_col].map(RELIABILITY_ORDER).fillna(9)
        sort_cols.append("_rel")
        ascending.append(True)
    frame = frame.sort_values(sort_cols, ascending=ascending, kind="stable")
    chosen_idx = frame.groupby(key, sort=False).head(1).index
    helper_cols = [c for c in ("_pref", "_rel") if c in frame]
    chosen = frame.loc[chosen_idx].drop(columns=helper_cols)
    others = frame.drop(index=chosen_idx).drop(columns=helper_cols)
    return chosen.sort_values(key), others.sort_values([key, date_col])
