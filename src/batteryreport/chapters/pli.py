"""Computations for the PLI-ACC chapter: capacity gaps, lateness and penalties."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from batteryreport.core.ranges import Range

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


# --------------------------------------------------------------------------- chapter helpers
# Small pure functions behind the "promised against built" chapter (notebooks/pli_delays.md).
# Each takes plain values or small frames and returns plain values or small frames.


def pct_to_share(pct: float) -> float:
    """A rate stored in percent (0.1 for 0.1%) as a share (0.001)."""
    if not 0 <= pct <= 100:
        raise ValueError(f"a percentage must be between 0 and 100, got {pct}")
    return pct / 100


def resolve_as_of(as_of: Dateish | None, *dates: pd.Series) -> pd.Timestamp:
    """The date the analysis is taken at: ``as_of`` if given, else the latest date in
    ``dates`` (the latest observation in the data)."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    found = [pd.to_datetime(s).max() for s in dates if len(s) and pd.notna(pd.to_datetime(s).max())]
    if not found:
        raise ValueError("no dated observation to take the analysis at")
    return max(found).normalize()


def period_end(date: Dateish, precision: str | None = "day") -> pd.Timestamp:
    """The last day of the period a date stands for: a milestone "due in December 2024"
    (stored as 2024-12-01, precision month) is met if done by 31 December 2024."""
    d = pd.Timestamp(date).normalize()
    if precision in (None, "day") or pd.isna(precision):
        return d
    if precision == "month":
        return d + pd.offsets.MonthEnd(0)
    if precision == "year":
        return pd.Timestamp(year=d.year, month=12, day=31)
    raise ValueError(f"unknown date precision {precision!r}")


def add_years(date: Dateish, years: float) -> pd.Timestamp:
    """``date`` plus a whole number of years (the scheme states periods in years)."""
    if years != int(years):
        raise ValueError("only whole years are supported")
    return pd.Timestamp(date).normalize() + pd.DateOffset(years=int(years))


def milestone_due(
    milestone_date: Dateish | None,
    precision: str | None,
    appointed_date: Dateish | None,
    gestation_years: float | None,
) -> tuple[pd.Timestamp | None, str]:
    """When the first milestone falls due, and how we know.

    A stated milestone date counts to the end of its period ("stated"). Without one, the
    appointed date plus the gestation period gives it ("derived"). Otherwise ("unknown").
    """
    if milestone_date is not None and not pd.isna(milestone_date):
        return period_end(milestone_date, precision), "stated"
    if (appointed_date is not None and not pd.isna(appointed_date)
            and gestation_years is not None and not pd.isna(gestation_years)):
        # The period runs from the appointed date: two years from 1 Jul 2025 end on 30 Jun 2027.
        return add_years(appointed_date, gestation_years) - pd.Timedelta(days=1), "derived"
    return None, "unknown"


def active_awards(awards: pd.DataFrame, as_of: Dateish) -> pd.DataFrame:
    """Awards announced by ``as_of`` that still stood on that date (a withdrawal dated
    after ``as_of`` had not happened yet)."""
    t = pd.Timestamp(as_of)
    announced = awards[awards["award_date"] <= t]
    withdrawn = (announced["status"] == "withdrawn") & (announced["status_as_of"] <= t)
    return announced[~withdrawn].copy()


def promised_vs_built(
    awards: pd.DataFrame,
    observations: pd.DataFrame,
    as_of: Dateish,
    gestation_years: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Awarded against installed capacity per active award, as of ``as_of``.

    Installed capacity is the observation :func:`pick_observation` chooses among reports
    that give a number (status-only rows are skipped). A beneficiary with no numeric
    report by ``as_of`` counts as 0 GWh with ``installed_basis`` "none reported".
    Returns ``(table, others)``: ``others`` holds the numeric reports not used, so
    conflicting figures (1.4 GWh reported against 1 GWh official) stay visible.
    """
    t = pd.Timestamp(as_of)
    act = active_awards(awards, t)
    numeric = observations[observations["installed_gwh"].notna()]
    chosen, others = pick_observation(numeric, t)
    chosen = chosen.set_index("beneficiary")
    rows = []
    for _, a in act.sort_values(["round", "awarded_gwh"], ascending=[True, False]).iterrows():
        name = a["beneficiary"]
        if name in chosen.index:
            ob = chosen.loc[name]
            installed, basis = float(ob["installed_gwh"]), "reported"
            obs_date, obs_source, obs_id = ob["observed_date"], ob["source_id"], ob["obs_id"]
        else:
            installed, basis = 0.0, "none reported"
            obs_date, obs_source, obs_id = pd.NaT, None, None
        due, due_basis = milestone_due(a.get("milestone1_due_date"),
                                       a.get("milestone1_due_precision"),
                                       a.get("appointed_date"), gestation_years)
        awarded = float(a["awarded_gwh"])
        rows.append({
            "award_id": a["award_id"],
            "round": int(a["round"]),
            "beneficiary": name,
            "parent_group": a.get("parent_group"),
            "awarded_gwh": awarded,
            "installed_gwh": installed,
            "installed_basis": basis,
            "observed_date": obs_date,
            "obs_id": obs_id,
            "obs_source_id": obs_source,
            "share_achieved": share_achieved(installed, awarded),
            "gap_gwh": capacity_gap_gwh(installed, awarded),
            "milestone_due": due,
            "milestone_basis": due_basis,
            "milestone_passed": due is not None and t > due,
            "days_past_milestone": days_late(due, t) if due is not None else 0,
            "award_source_id": a["source_id"],
        })
    table = pd.DataFrame(rows)
    others = others[others["beneficiary"].isin(act["beneficiary"])]
    return table, others


def penalty_table(
    penalties: pd.DataFrame,
    rate_per_day: float,
    as_of: Dateish,
    beneficiaries: list[str] | None = None,
    cap_inr_cr: float | None = None,
) -> pd.DataFrame:
    """Liquidated damages accrued by ``as_of`` per beneficiary with a performance security.

    Uses the preferred ``performance_security`` rows of ``pli_penalties`` (basis kept:
    disclosed or derived) and each row's ``accrual_start_date``. ``rate_per_day`` is a
    share. No cap is applied unless one is given.
    """
    sec = penalties[(penalties["measure"] == "performance_security")
                    & penalties["preferred"].fillna(False).astype(bool)]
    if beneficiaries is not None:
        sec = sec[sec["beneficiary"].isin(beneficiaries)]
    rows = []
    for _, r in sec.iterrows():
        security = float(r["amount_inr_cr"])
        start = r["accrual_start_date"]
        rows.append({
            "beneficiary": r["beneficiary"],
            "security_inr_cr": security,
            "security_basis": r["basis"],
            "security_source_id": r["source_id"],
            "accrual_start": start,
            "daily_inr_cr": security * rate_per_day,
            "days": penalty_days(start, as_of),
            "accrued_inr_cr": penalty_accrued_inr_cr(security, rate_per_day, start, as_of,
                                                     cap_inr_cr),
        })
    cols = ["beneficiary", "security_inr_cr", "security_basis", "security_source_id",
            "accrual_start", "daily_inr_cr", "days", "accrued_inr_cr"]
    return pd.DataFrame(rows, columns=cols).sort_values("beneficiary").reset_index(drop=True)


def penalty_paths(table: pd.DataFrame, rate_per_day: float, end: Dateish,
                  freq: str = "MS") -> pd.DataFrame:
    """Accrual over time for each row of :func:`penalty_table`, long format (for a chart).

    Dates run from each accrual start to ``end``; if ``end`` is before the start the
    path is a single zero point on the start date (nothing has accrued yet)."""
    parts = []
    for _, r in table.iterrows():
        start = pd.Timestamp(r["accrual_start"])
        if pd.Timestamp(end) < start:
            p = pd.DataFrame({"date": [start], "penalty_inr_cr": [0.0]})
        else:
            p = penalty_path(r["security_inr_cr"], rate_per_day, start, end, freq=freq)
        p.insert(0, "beneficiary", r["beneficiary"])
        parts.append(p)
    if not parts:
        return pd.DataFrame(columns=["beneficiary", "date", "penalty_inr_cr"])
    return pd.concat(parts, ignore_index=True)


def days_until_security_used(rate_per_day: float) -> int:
    """Days of accrual after which the damages equal the whole performance security."""
    if not 0 < rate_per_day <= 1:
        raise ValueError("rate_per_day must be a positive share")
    import math

    return math.ceil(round(1 / rate_per_day, 9))


def latest_indicator(
    indicators: pd.DataFrame,
    indicator: str,
    as_of: Dateish,
    *,
    exclude_unverifiable: bool = True,
) -> pd.Series | None:
    """The latest preferred row of one progress indicator dated on or before ``as_of``
    (unverifiable rows left out); ``None`` if there is none."""
    rows = indicators[(indicators["indicator"] == indicator)
                      & (indicators["as_of_date"] <= pd.Timestamp(as_of))
                      & indicators["preferred"].fillna(False).astype(bool)]
    if exclude_unverifiable:
        rows = rows[rows["verification"] != "unverifiable"]
    if rows.empty:
        return None
    return rows.sort_values("as_of_date").iloc[-1]


def output_value_usd_mn(capacity_gwh: Range | float, price_usd_per_kwh: Range | float) -> Range:
    """Yearly value of a plant's output at full use: 1 GWh = 10^6 kWh, so GWh times $/kWh
    is $ million. Ranges in, range out."""
    cap = capacity_gwh if isinstance(capacity_gwh, Range) else Range.point(capacity_gwh)
    price = price_usd_per_kwh if isinstance(price_usd_per_kwh, Range) \
        else Range.point(price_usd_per_kwh)
    if cap.low < 0 or price.low < 0:
        raise ValueError("capacity and price cannot be negative")
    return cap * price


def outside_scheme_capacity(pipeline: pd.DataFrame, as_of: Dateish) -> pd.DataFrame:
    """Cell plants outside the PLI, one row per company: its latest preferred statement
    on or before ``as_of``. ``low_gwh`` is the stated phase capacity (0 if none is
    stated), ``high_gwh`` the full plan (the phase capacity where no plan is stated)."""
    rows = pipeline[~pipeline["under_pli"].fillna(False).astype(bool)
                    & pipeline["preferred"].fillna(False).astype(bool)
                    & (pipeline["statement_date"] <= pd.Timestamp(as_of))]
    if rows.empty:
        return rows.assign(low_gwh=pd.Series(dtype=float), high_gwh=pd.Series(dtype=float))
    latest = (rows.sort_values(["statement_date", "plant_id"])
              .groupby("company", sort=False).tail(1).copy())
    phase = latest["capacity_gwh"].astype(float)
    plan = latest["ultimate_capacity_gwh"].astype(float)
    latest["low_gwh"] = phase.fillna(0.0)
    latest["high_gwh"] = plan.fillna(phase).fillna(0.0)
    return latest.sort_values("high_gwh", ascending=False).reset_index(drop=True)


def capacity_range(frame: pd.DataFrame, statuses: list[str] | None = None) -> Range:
    """The low-high total of :func:`outside_scheme_capacity` rows (optionally by status)."""
    if statuses is not None:
        frame = frame[frame["status"].isin(statuses)]
    return Range(float(frame["low_gwh"].sum()), float(frame["high_gwh"].sum()))


def years_in_term(term: str) -> int:
    """The period a scheme term's machine name states: ``dva_min_within_5_years`` -> 5."""
    import re

    m = re.search(r"(\d+)_years?\b", term)
    if m is None:
        raise ValueError(f"term {term!r} names no period in years")
    return int(m.group(1))
