"""Computations for the PLI-ACC chapter: capacity gaps, lateness and penalties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from batteryreport.chapters.common import AnalysisDate, RunRate, analysis_date, run_rate
from batteryreport.core import units as u
from batteryreport.core.growth import cagr
from batteryreport.core.money import usd_mn_to_inr_cr
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import date as q_date
from batteryreport.core.quantity import missing as q_missing
from batteryreport.core.quantity import text as q_text
from batteryreport.core.ranges import Range
from batteryreport.data.rows import sources_of, usable

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


# =========================================================================== the chapter
# analyse(): the PLI-ACC chapter's numbers, from the data and the run's parameters.

TABLES = ("pli_awards", "pli_capacity_observations", "pli_penalties", "pli_scheme_terms",
          "pli_progress_indicators", "pli_delay_causes", "policy_events",
          "gigafactory_pipeline", "li_ion_demand", "li_ion_imports", "growth_rates",
          "cost_benchmarks", "fx_rates")
PARAMS = ("as_of", "fx_inr_per_usd")
NEEDS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """Promised against built, as of the analysis date."""

    as_of: Quantity
    awarded_gwh: Quantity
    installed_gwh: Quantity
    share_achieved: Quantity
    n_beneficiaries: Quantity
    n_nothing: Quantity
    n_built: Quantity  # plants with capacity installed
    built_names: tuple[str, ...]
    target_gwh: Quantity
    share_of_target: Quantity
    days_late: Quantity
    n_overdue: Quantity
    gap_overdue: Quantity
    gap_awarded: Quantity
    gap_target: Quantity
    r1_milestone: Quantity
    r2_milestone: Quantity


# Reports of one firm's installed capacity dated this close to the one used describe the
# same moment (the ministry's status tables come about once a quarter): if they differ, the
# sources disagree. An older figure that differs was superseded by a later report: history.
CONFLICT_WINDOW_DAYS = 92


@dataclass(frozen=True)
class EarlierReport:
    """A figure for one firm's installed capacity superseded by a later report."""

    firm: str
    installed: Quantity
    reported_by: str
    date: Quantity


@dataclass(frozen=True)
class Conflict:
    """Reports of one firm's installed capacity, dated within :data:`CONFLICT_WINDOW_DAYS`
    of the one used, that give a different figure."""

    conflict_firm: Quantity
    ola_installed: Quantity
    ola_reporter: Quantity  # who reported the figure used
    ola_installed_date: Quantity
    ola_installed_alt: Quantity
    ola_alt_by: Quantity
    share_achieved_alt: Quantity


@dataclass(frozen=True)
class Demand:
    demand_first: Quantity
    demand_first_period: Quantity
    demand_last: Quantity
    demand_last_period: Quantity
    demand_2030_range: Quantity
    demand_2030_n: Quantity
    demand_2030_spread: Quantity
    demand_furthest: Quantity
    demand_furthest_by: Quantity
    es_cagr: Quantity
    cagr_range: Quantity
    demand_first_org: Quantity
    demand_first_label: Quantity
    demand_last_org: Quantity
    demand_last_label: Quantity


@dataclass(frozen=True)
class Imports:
    imp_first: Quantity
    imp_first_fy: Quantity
    imp_last: Quantity
    imp_last_fy: Quantity
    imp_multiple: Quantity
    import_share_demand: Quantity
    china_share: Quantity
    china_share_fy: Quantity
    china_hk_claim: Quantity
    hk_fy: Quantity
    china_fy_hk: Quantity
    hk_share: Quantity
    china_hk_share: Quantity
    cells_china: Quantity
    cells_china_fy: Quantity
    gap_vs_demand: Quantity
    fut_import_share: Quantity
    fut_fy: Quantity
    fut_demand: Quantity
    fut_domestic_needed: Quantity


@dataclass(frozen=True)
class Terms:
    outlay: Quantity
    niche_gwh: Quantity
    expected_investment: Quantity
    approval_date: Quantity
    commissioning_years: Quantity
    incentive_years: Quantity
    dva_2yr: Quantity
    dva_5yr: Quantity
    dva_5yr_years: Quantity
    min_inv_per_gwh: Quantity
    min_plant: Quantity
    penalty_rate: Quantity
    penalty_start: Quantity
    incentive_per_gwh: Quantity
    penalty_cap_recorded: bool


@dataclass(frozen=True)
class Awards:
    r1_bidders: Quantity
    r1_bid_gwh: Quantity
    r1_bid_gwh_alt: Quantity
    r1_awarded: Quantity
    r1_n: Quantity
    r1_award_date: Quantity
    gone_name: Quantity
    gone_gwh: Quantity
    gone_notice: Quantity
    gone_date: Quantity
    r1_agreed_gwh: Quantity
    r1_agreement_date: Quantity
    r2_capacity: Quantity
    r2_max_outlay: Quantity
    r2_rfp_date: Quantity
    r2_bidders: Quantity
    r2_bid_gwh: Quantity
    r2_winner: Quantity
    r2_award_date: Quantity
    r2_agreement_date: Quantity
    r2_appointed: Quantity
    gsss_gwh: Quantity


@dataclass(frozen=True)
class Investment:
    investment: Quantity
    investment_date: Quantity
    investment_scope: Quantity
    investment_floor: Quantity
    investment_share: Quantity


@dataclass(frozen=True)
class Penalties:
    penalty_total: Quantity
    penalty_daily: Quantity
    penalty_days: Quantity
    pen_ola: Quantity
    pen_acc: Quantity
    pen_rnebs: Quantity
    sec_ola: Quantity
    sec_acc: Quantity
    sec_rnebs: Quantity
    sec_disclosed_names: Quantity
    derived_securities: tuple[tuple[str, float], ...]  # (firm, security in INR crore)
    derived_sources: tuple[str, ...]
    check_firm: Quantity
    check_date: Quantity
    check_disclosed: Quantity
    check_computed: Quantity
    check_days: Quantity
    check_difference_inr_cr: float
    check_sources: tuple[str, ...]
    security_days: Quantity
    security_date: Quantity
    rumour: Quantity
    relief: Relief


@dataclass(frozen=True)
class Relief:
    """What is recorded about extensions or waivers by the analysis date (the events that
    ``policy_events.relief`` marks), the latest of each kind."""

    latest: str | None  # the kind of the latest event: requested, refused, considered, granted
    asked_on: Quantity | None
    refused_on: Quantity | None
    considered_on: Quantity | None
    granted_on: Quantity | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Incentives:
    incentive_claimed: Quantity
    incentive_claimed_date: Quantity
    budget_fy: Quantity
    budget_be: Quantity
    budget_re: Quantity
    budget_cut: Quantity
    incentive_gap: Quantity


@dataclass(frozen=True)
class ImportBill:
    cell_price: Quantity
    cell_price_years: Quantity
    gap_range: Quantity
    missing_output_usd: Quantity
    fx_rate: Quantity
    fx: RunRate
    missing_output_inr: Quantity
    # Like with like: cells imported from all origins in the latest fiscal year with a
    # figure, the demand of that same year (if reported), and the capacity missing against
    # the latest demand estimate.
    cell_imports: Quantity
    cell_imports_fy: Quantity
    demand_same_fy: Quantity
    gap_vs_latest_demand: Quantity


@dataclass(frozen=True)
class Causes:
    n_causes: Quantity
    n_scheme_causes: Quantity
    n_scheme_statements: Quantity
    n_unchecked: Quantity
    outside_uc_range: Quantity
    outside_all_range: Quantity
    outside_n: Quantity
    non_pli_expected: Quantity
    # The reasons the government gives (cause categories, in the order first stated) and
    # whether every official statement gave the same ones.
    scheme_categories: tuple[str, ...]
    scheme_consistent: Quantity  # a flag


@dataclass(frozen=True)
class Frames:
    """Row-level tables behind the chapter's charts and reader tables (not to be mutated)."""

    progress: pd.DataFrame
    other_reports: pd.DataFrame
    awards: pd.DataFrame  # announced by the analysis date
    penalties: pd.DataFrame
    penalty_check: pd.Series
    scheme_terms: pd.DataFrame
    causes: pd.DataFrame
    outside: pd.DataFrame
    imports_series: pd.DataFrame
    cells_china: pd.Series
    gestation_years: float


@dataclass(frozen=True)
class PliResult:
    progress: Progress
    conflict: Conflict | None
    earlier_reports: tuple[EarlierReport, ...]
    demand: Demand
    imports: Imports
    terms: Terms
    awards: Awards
    investment: Investment | None
    penalties: Penalties
    incentives: Incentives
    import_bill: ImportBill
    causes: Causes
    frames: Frames
    analysis_date: AnalysisDate


def _q(value: Any, unit: u.Unit, label: str, *sources: Any, **hints: Any) -> Quantity:
    """A quantity whose sources are the rows (frames, rows or ids) it was computed from."""
    return Quantity(value, unit, label, sources_of(*sources), **hints)


def _date(value: Any, label: str, *sources: Any, precision: Any = "day") -> Quantity:
    return q_date(value, label, sources_of(*sources), precision)


def _text(value: Any, label: str, *sources: Any) -> Quantity:
    return q_text(str(value), label, sources_of(*sources))


def _scheme_terms(terms: pd.DataFrame) -> Terms:
    t = usable(terms).set_index("term_id")

    def term(term_id: str, unit: u.Unit, label: str, scale: float = 1.0, **hints) -> Quantity:
        r = t.loc[term_id]
        return _q(float(r["value"]) * scale, unit, label, r["source_id"], **hints)

    outlay = t.loc["outlay"]
    rate_row = t.loc["penalty_rate"]
    rate = pct_to_share(float(rate_row["value"]))
    dva5 = t.loc["dva_min_5yr"]
    per_gwh = terms[(terms["term"] == "incentive_budget_per_gwh")
                    & (terms["verification"] != "unverifiable")]
    has_cap = (terms["term"].str.contains("cap", case=False)
               & terms["applies_to"].isin(["scheme", "round_1"])
               & terms["description"].str.contains("penalt|damages", case=False))
    return Terms(
        outlay=term("outlay", u.INR_CRORE, "Scheme outlay"),
        niche_gwh=term("niche_acc_capacity_target", u.GWH, "Niche ACC capacity"),
        expected_investment=term("expected_investment", u.INR_CRORE,
                                 "Investment expected at approval"),
        approval_date=_date(outlay["effective_date"], "Cabinet approval", outlay["source_id"]),
        commissioning_years=term("commissioning_period", u.YEARS, "Time to commission"),
        incentive_years=term("incentive_period", u.YEARS, "Incentive period"),
        dva_2yr=term("dva_min_2yr", u.SHARE, "Domestic value addition, first milestone",
                     scale=0.01),
        dva_5yr=term("dva_min_5yr", u.SHARE, "Domestic value addition, later milestone",
                     scale=0.01),
        dva_5yr_years=_q(years_in_term(dva5["term"]), u.YEARS,
                         "Years to reach the later value-addition level", dva5["source_id"]),
        min_inv_per_gwh=term("min_investment_per_gwh", u.INR_CRORE_PER_GWH,
                             "Minimum investment per GWh"),
        min_plant=term("min_plant_capacity", u.GWH, "Minimum plant size"),
        penalty_rate=_q(rate, u.SHARE_OF_SECURITY_A_DAY, "Delay penalty rate",
                        rate_row["source_id"], decimals=1),
        penalty_start=_date(rate_row["effective_date"], "Penalties accrue from",
                            rate_row["source_id"]),
        incentive_per_gwh=_q(Range.of(*per_gwh["value"]), u.INR_CRORE_PER_GWH,
                             "Incentive budget per GWh", per_gwh, sig=3),
        penalty_cap_recorded=bool(has_cap.any()),
    )


def analyse(tables: Mapping[str, pd.DataFrame], params: Any) -> PliResult:
    """The PLI-ACC chapter: promised against built, lateness, penalties, incentives not
    drawn, the import bill left in place and the causes of delay, as of the run's date."""
    awards = tables["pli_awards"]
    obs = tables["pli_capacity_observations"]
    penalties = tables["pli_penalties"]
    terms = tables["pli_scheme_terms"]
    indicators = tables["pli_progress_indicators"]
    causes = tables["pli_delay_causes"]
    events = tables["policy_events"]
    pipeline = tables["gigafactory_pipeline"]
    demand = tables["li_ion_demand"]
    imports = tables["li_ion_imports"]
    growth = tables["growth_rates"]
    costs = tables["cost_benchmarks"]
    fx = tables["fx_rates"]

    when = analysis_date(params.as_of, obs, indicators)
    day = when.day
    if day < awards["award_date"].min():
        raise ValueError(f"as_of {day.date()} is before the first PLI-ACC award: "
                         "nothing to compare")
    t = usable(terms).set_index("term_id")
    gestation = float(t.loc["r2_gestation", "value"])
    progress, other_reports = promised_vs_built(awards, obs, day, gestation_years=gestation)
    terms_q = _scheme_terms(terms)

    # ---- promised against built
    awarded = float(progress["awarded_gwh"].sum())
    installed = float(progress["installed_gwh"].sum())
    share = share_achieved(installed, awarded)
    used_obs = progress[["obs_source_id"]]
    used_awards = progress[["award_source_id"]]
    built = progress[progress["installed_gwh"] > 0]
    target = t.loc["acc_capacity_target"]
    overdue = progress[progress["milestone_passed"]]
    late_days = int(overdue["days_past_milestone"].max()) if len(overdue) else 0
    gap_overdue = float(overdue["gap_gwh"].sum())
    gap_awarded = float(progress["gap_gwh"].sum())
    gap_target = max(float(target["value"]) - installed, 0.0)
    r1 = awards[awards["round"] == 1]
    r1_due = r1.dropna(subset=["milestone1_due_date"]).iloc[0]
    r2 = progress[progress["round"] == 2]
    if len(r2) and r2["milestone_due"].notna().any():
        r2_due = r2["milestone_due"].dropna().iloc[0]
        r2_milestone = _date(r2_due, "Round-2 milestone (derived)",
                             awards[awards["round"] == 2][["agreement_source_id"]],
                             t.loc["r2_gestation", "source_id"])
    else:
        r2_milestone = q_missing(u.DATE, "Round-2 milestone (derived)", "not yet set")
    prog = Progress(
        as_of=_date(day, "Analysis date", *(when.sources if not when.from_parameter else ())),
        awarded_gwh=_q(awarded, u.GWH, "ACC capacity awarded (active awards)", used_awards),
        installed_gwh=_q(installed, u.GWH, "ACC capacity installed", used_obs),
        share_achieved=_q(share, u.SHARE, "Share of awarded capacity installed", used_obs,
                          used_awards, decimals=1 if share < 0.1 else 0),
        n_beneficiaries=_q(len(progress), u.FIRMS, "Active awards", used_awards),
        n_nothing=_q(int((progress["installed_gwh"] == 0).sum()), u.FIRMS,
                     "Awards with nothing installed", used_obs, used_awards),
        n_built=_q(len(built), u.PLANTS, "Plants with capacity installed",
                   built[["obs_source_id"]]),
        built_names=tuple(built["beneficiary"]),
        target_gwh=_q(float(target["value"]), u.GWH, "ACC capacity target", target["source_id"]),
        share_of_target=_q(installed / float(target["value"]), u.SHARE,
                           "Share of the scheme's target installed", used_obs,
                           target["source_id"], decimals=1),
        days_late=_q(late_days, u.DAYS, "Days past the Round-1 milestone",
                     overdue[["award_source_id"]], awards["milestone_source_id"].dropna()),
        n_overdue=_q(len(overdue), u.FIRMS, "Firms past their first milestone",
                     overdue[["award_source_id"]]),
        gap_overdue=_q(gap_overdue, u.GWH, "Overdue capacity not built",
                       overdue[["award_source_id", "obs_source_id"]]),
        gap_awarded=_q(gap_awarded, u.GWH, "Awarded capacity not built", used_obs,
                       used_awards),
        gap_target=_q(gap_target, u.GWH, "Target capacity not built", used_obs,
                      target["source_id"]),
        r1_milestone=_date(period_end(r1_due["milestone1_due_date"],
                                      r1_due["milestone1_due_precision"]),
                           "Round-1 milestone due", r1_due["milestone_source_id"],
                           precision=r1_due["milestone1_due_precision"]),
        r2_milestone=r2_milestone,
    )
    conflict = _conflict(progress, other_reports, obs, installed, awarded)
    earlier = _earlier_reports(progress, other_reports)

    demand_q, proj, last_d = _demand(demand, growth)
    imports_q, series, cells_cn = _imports(imports, proj, last_d, overdue)
    awards_q = _awards(awards, t, indicators, events)
    invest = _investment(indicators, progress, t, day)
    pen_table = penalty_table(penalties, float(terms_q.penalty_rate.value), day,
                              beneficiaries=list(progress.loc[progress["round"] == 1,
                                                              "beneficiary"]))
    penalties_q, check = _penalties(pen_table, penalties, t, terms_q, events, day)
    incentives_q = _incentives(indicators, t, terms, progress, day, gap_awarded)
    bill = _import_bill(costs, fx, params.fx_inr_per_usd, day, gap_overdue, gap_target,
                        progress, target, series, imports, demand, last_d)
    causes_q, cz, outside = _causes(causes, pipeline, indicators, day)
    frames = Frames(
        progress=progress, other_reports=other_reports,
        awards=awards[awards["award_date"] <= day],
        penalties=pen_table, penalty_check=check,
        scheme_terms=_terms_shown(terms), causes=cz, outside=outside,
        imports_series=series, cells_china=cells_cn, gestation_years=gestation)
    return PliResult(progress=prog, conflict=conflict, earlier_reports=earlier,
                     demand=demand_q, imports=imports_q, terms=terms_q, awards=awards_q,
                     investment=invest, penalties=penalties_q, incentives=incentives_q,
                     import_bill=bill, causes=causes_q, frames=frames, analysis_date=when)


def _same_moment(others: pd.DataFrame, used: pd.Series) -> pd.Series:
    """Which of a firm's other reports describe the moment of the one used."""
    gap = (pd.Timestamp(used["observed_date"]) - others["observed_date"]).dt.days.abs()
    return gap <= CONFLICT_WINDOW_DAYS


def _firms_reports(progress: pd.DataFrame, others: pd.DataFrame
                   ) -> Iterator[tuple[Any, pd.Series, pd.DataFrame]]:
    """(firm, the dated report used for it, its other reports), firm by firm."""
    by_firm = progress.set_index("beneficiary")
    for firm in progress["beneficiary"]:
        used = by_firm.loc[firm]
        if not pd.isna(used["observed_date"]):
            yield firm, used, others[others["beneficiary"] == firm]


def _conflict(progress: pd.DataFrame, others: pd.DataFrame, obs: pd.DataFrame,
              installed: float, awarded: float) -> Conflict | None:
    """The first firm with a report that disagrees with the one used at the same moment
    (within :data:`CONFLICT_WINDOW_DAYS`); None if no two reports disagree."""
    for firm, used, mine in _firms_reports(progress, others):
        alt_rows = mine[_same_moment(mine, used)
                        & (mine["installed_gwh"] != used["installed_gwh"])]
        if alt_rows.empty:
            continue
        alt_val = float(alt_rows.sort_values("observed_date")["installed_gwh"].iloc[-1])
        used_row = obs.set_index("obs_id").loc[used["obs_id"]]
        share_alt = share_achieved(installed - float(used["installed_gwh"]) + alt_val, awarded)
        return Conflict(
            conflict_firm=_text(firm, "Firm with conflicting reports"),
            ola_installed=_q(float(used["installed_gwh"]), u.GWH, f"{firm}: installed (used)",
                             used["obs_source_id"]),
            ola_reporter=_text(used_row["reported_by"], "Who reported the figure used"),
            ola_installed_date=_date(used_row["observed_date"], "Date of the figure used",
                                     precision=used_row["date_precision"]),
            ola_installed_alt=_q(alt_val, u.GWH, f"{firm}: installed (other reports)",
                                 alt_rows),
            ola_alt_by=_text("; ".join(sorted(set(alt_rows["reported_by"]))),
                             "Who reported the other figure"),
            share_achieved_alt=_q(share_alt, u.SHARE, "Share installed, other reports",
                                  alt_rows, progress[["award_source_id", "obs_source_id"]],
                                  decimals=1),
        )
    return None


def _earlier_reports(progress: pd.DataFrame, others: pd.DataFrame) -> tuple[EarlierReport, ...]:
    """Figures that differ from the one used and are older than the moment it describes:
    superseded by a later report, oldest first."""
    out = []
    for firm, used, mine in _firms_reports(progress, others):
        older = mine[~_same_moment(mine, used) & (mine["observed_date"] < used["observed_date"])
                     & (mine["installed_gwh"] != used["installed_gwh"])]
        for _, r in older.sort_values("observed_date").iterrows():
            out.append(EarlierReport(
                firm=str(firm),
                installed=_q(float(r["installed_gwh"]), u.GWH, f"{firm}: installed (earlier)",
                             r["source_id"]),
                reported_by=str(r["reported_by"]),
                date=_date(r["observed_date"], "Date of the earlier figure", r["source_id"],
                           precision=r["date_precision"])))
    return tuple(out)


def _demand(demand: pd.DataFrame, growth: pd.DataFrame):
    dem = usable(demand[demand["geography"] == "india"])
    actual = dem[(dem["metric"] == "annual_demand") & (dem["kind"] == "actual")].sort_values(
        "year")
    first, last = actual.iloc[0], actual.iloc[-1]
    proj = dem[(dem["metric"] == "annual_demand") & (dem["kind"] == "projection")]
    p2030 = proj[proj["year"] == 2030]
    r2030 = Range.of(*p2030["value_gwh_high"])
    furthest = proj.sort_values("year").iloc[-1]
    implied = []
    for org, grp in dem[dem["metric"] == "annual_demand"].groupby("organisation"):
        a, p = grp[grp["kind"] == "actual"], grp[grp["kind"] == "projection"]
        if len(a) and len(p):
            a0, p1 = a.sort_values("year").iloc[-1], p.sort_values("year").iloc[-1]
            implied.append((org, cagr(a0["value_gwh_high"], p1["value_gwh_high"],
                                      int(p1["year"] - a0["year"])),
                            [a0["source_id"], p1["source_id"]]))
    es = usable(growth[growth["metric"] == "demand_cagr"]).iloc[0]
    rates = [es["rate_pct"] / 100] + [r for _, r, _ in implied]
    return Demand(
        demand_first=_q(float(first["value_gwh_high"]), u.GWH,
                        f"Li-ion demand, {first['period_label']}", first["source_id"]),
        demand_first_period=_text(f"{first['period_label']} ({first['organisation']})",
                                  "Period of the earlier demand figure"),
        demand_last=_q(float(last["value_gwh_high"]), u.GWH,
                       f"Li-ion demand, {last['period_label']}", last["source_id"]),
        demand_last_period=_text(f"{last['period_label']} ({last['organisation']})",
                                 "Period of the latest demand figure"),
        demand_2030_range=_q(r2030, u.GWH, "2030 demand projections", p2030, sig=None),
        demand_2030_n=_q(len(p2030), u.COUNT, "Number of 2030 projections", p2030),
        demand_2030_spread=_q(r2030.high / r2030.low, u.RATIO,
                              "Highest over lowest 2030 projection", p2030, decimals=1),
        demand_furthest=_q(float(furthest["value_gwh_high"]), u.GWH,
                           f"Li-ion demand projected for {furthest['period_label']}",
                           furthest["source_id"]),
        demand_furthest_by=_text(f"{furthest['organisation']}, for {furthest['period_label']}",
                                 "Who projects the furthest figure"),
        es_cagr=_q(es["rate_pct"] / 100, u.SHARE_A_YEAR, "Economic Survey demand growth (CAGR)",
                   es["source_id"]),
        cagr_range=_q(Range.of(*rates), u.SHARE_A_YEAR, "Demand growth rates, stated and implied",
                      es["source_id"], [s for *_, ss in implied for s in ss]),
        demand_first_org=_text(first["organisation"], "Who estimated the earlier demand figure"),
        demand_first_label=_text(first["period_label"], "Year of the earlier demand figure"),
        demand_last_org=_text(last["organisation"], "Who estimated the latest demand figure"),
        demand_last_label=_text(last["period_label"], "Year of the latest demand figure"),
    ), proj, last


def _imports(imports: pd.DataFrame, proj: pd.DataFrame, last_d: pd.Series,
             overdue: pd.DataFrame):
    imp = usable(imports)
    series = imp[(imp["metric"] == "import_value") & (imp["period"] == "full_year")
                 & (imp["origin"] == "World") & imp["value_usd_mn"].notna()
                 & (imp["product_scope"] == "Li-ion batteries")].sort_values("fy_end_year")
    i0, i1 = series.iloc[0], series.iloc[-1]
    dep = imp[(imp["metric"] == "import_share_of_demand") & (imp["kind"] == "actual")].copy()
    dep["when"] = dep["as_of_date"].fillna(pd.to_datetime(
        dep["fy_end_year"].astype(str) + "-03-31", errors="coerce"))
    dep_last = dep.sort_values("when").iloc[-1]
    china = imp[(imp["metric"] == "origin_share") & (imp["origin"] == "China")].sort_values(
        "fy_end_year")
    china_fy = china.dropna(subset=["fiscal_year"]).iloc[-1]
    china_same = china[china["share_pct"] == china_fy["share_pct"]]
    wrong = imports[(imports["metric"] == "origin_share")
                    & (imports["verification"] == "corrected")]
    fy_hk = imp[(imp["metric"] == "origin_share") & (imp["origin"] == "Hong Kong")].sort_values(
        "fy_end_year").iloc[-1]
    pair = imp[(imp["metric"] == "origin_share") & (imp["fiscal_year"] == fy_hk["fiscal_year"])
               & imp["origin"].isin(["China", "Hong Kong"])]
    c_hk = pair.set_index("origin")["share_pct"] / 100
    cells_cn = imp[(imp["metric"] == "origin_value") & (imp["origin"] == "China")
                   & (imp["product_scope"] == "Li-ion cells")].sort_values(
        "fy_end_year").iloc[-1]
    gap_overdue = float(overdue["gap_gwh"].sum())
    fut = imp[(imp["metric"] == "import_share_of_demand") & (imp["kind"] == "projection")].iloc[0]
    fut_dem = proj[(proj["source_id"] == fut["source_id"])
                   & (proj["year"] == fut["fy_end_year"])].iloc[0]
    needed = float(fut_dem["value_gwh_high"]) * (1 - fut["share_pct"] / 100)
    return Imports(
        imp_first=_q(float(i0["value_usd_mn"]), u.USD_MILLION,
                     f"Li-ion battery imports, {i0['fiscal_year']}", i0["source_id"]),
        imp_first_fy=_text(i0["fiscal_year"], "First year of the import series"),
        imp_last=_q(float(i1["value_usd_mn"]), u.USD_MILLION,
                    f"Li-ion battery imports, {i1['fiscal_year']}", i1["source_id"]),
        imp_last_fy=_text(i1["fiscal_year"], "Latest year of the import series"),
        imp_multiple=_q(i1["value_usd_mn"] / i0["value_usd_mn"], u.RATIO,
                        "Growth of the import bill", i0["source_id"], i1["source_id"],
                        decimals=1),
        import_share_demand=_q(dep_last["share_pct"] / 100, u.SHARE,
                               "Share of Li-ion demand met by imports", dep_last["source_id"]),
        china_share=_q(china_fy["share_pct"] / 100, u.SHARE,
                       f"China's share of battery imports, {china_fy['fiscal_year']}",
                       china_same),
        china_share_fy=_text(china_fy["fiscal_year"], "Year of China's import share"),
        china_hk_claim=_q(wrong["share_pct"].iloc[0] / 100, u.SHARE,
                          "'China and Hong Kong' share as printed (corrected)", wrong),
        hk_fy=_text(fy_hk["fiscal_year"], "Year of the Hong Kong share"),
        china_fy_hk=_q(float(c_hk["China"]), u.SHARE, f"China's share, {fy_hk['fiscal_year']}",
                       pair, decimals=1),
        hk_share=_q(float(c_hk["Hong Kong"]), u.SHARE,
                    f"Hong Kong's share, {fy_hk['fiscal_year']}", pair, decimals=1),
        china_hk_share=_q(float(c_hk.sum()), u.SHARE,
                          f"China and Hong Kong together, {fy_hk['fiscal_year']}", pair),
        cells_china=_q(float(cells_cn["value_usd_mn"]), u.USD_MILLION,
                       f"Li-ion cells imported from China, {cells_cn['fiscal_year']}",
                       cells_cn["source_id"]),
        cells_china_fy=_text(cells_cn["fiscal_year"], "Year of the China cell imports"),
        gap_vs_demand=_q(gap_overdue / float(last_d["value_gwh_high"]), u.SHARE,
                         "Overdue capacity as a share of latest demand",
                         overdue[["award_source_id", "obs_source_id"]], last_d["source_id"]),
        fut_import_share=_q(fut["share_pct"] / 100, u.SHARE,
                            f"Projected import share, {fut['fiscal_year']}", fut["source_id"]),
        fut_fy=_text(fut["fiscal_year"], "Year of the import projection"),
        fut_demand=_q(float(fut_dem["value_gwh_high"]), u.GWH,
                      f"Projected demand, {fut['fiscal_year']}", fut_dem["source_id"]),
        fut_domestic_needed=_q(needed, u.GWH, "Domestic output the projection implies",
                               fut["source_id"], fut_dem["source_id"]),
    ), series, cells_cn


def _awards(awards: pd.DataFrame, t: pd.DataFrame, indicators: pd.DataFrame,
            events: pd.DataFrame) -> Awards:
    ind_use = usable(indicators)

    def ind_row(indicator: str, rnd: str) -> pd.Series:
        rows = ind_use[(ind_use["indicator"] == indicator) & (ind_use["round"] == rnd)]
        return rows.sort_values("as_of_date").iloc[-1]

    r1 = awards[awards["round"] == 1]
    r1b, r1c = ind_row("bidders", "1"), ind_row("capacity_bid", "1")
    r1c_alt = indicators[(indicators["indicator"] == "capacity_bid") & (indicators["round"] == "1")
                         & (indicators["ind_id"] != r1c["ind_id"])].iloc[0]
    gone = awards[awards["status"] == "withdrawn"].iloc[0]
    ev = events.set_index("event_id")
    notice = usable(events[events["beneficiary"] == gone["beneficiary"]]).sort_values(
        "event_date").iloc[0]
    agreed = r1[r1["programme_agreement_date"].notna()]
    r2a = awards[awards["round"] == 2].iloc[0]
    r2b, r2c = ind_row("bidders", "2"), ind_row("capacity_bid", "2")

    def term(term_id: str, unit: u.Unit, label: str) -> Quantity:
        r = t.loc[term_id]
        return _q(float(r["value"]), unit, label, r["source_id"])

    winner = (f"{r2a['beneficiary']} ({r2a['parent_group']})" if pd.notna(r2a["parent_group"])
              else r2a["beneficiary"])
    return Awards(
        r1_bidders=_q(r1b["value"], u.BIDDERS, "Round-1 bidders", r1b["source_id"]),
        r1_bid_gwh=_q(r1c["value"], u.GWH, "Round-1 capacity bid", r1c["source_id"]),
        r1_bid_gwh_alt=_q(r1c_alt["value"], u.GWH, "Round-1 capacity bid (earlier statement)",
                          r1c_alt["source_id"]),
        r1_awarded=_q(float(r1["awarded_gwh"].sum()), u.GWH, "Round-1 capacity awarded",
                      r1[["source_id"]]),
        r1_n=_q(len(r1), u.COUNT, "Round-1 winners", r1[["source_id"]]),
        r1_award_date=_date(r1["award_date"].min(), "Round-1 awards", r1[["source_id"]]),
        gone_name=_text(gone["beneficiary"], "Award that fell away"),
        gone_gwh=_q(float(gone["awarded_gwh"]), u.GWH, "Capacity of the award that fell away",
                    gone["source_id"]),
        gone_notice=_date(notice["event_date"], "Carmaker's disclaimer", notice["source_id"]),
        gone_date=_date(gone["status_as_of"], "Withdrawal", gone["status_source_id"],
                        precision=gone["status_as_of_precision"]),
        r1_agreed_gwh=_q(float(agreed["awarded_gwh"].sum()), u.GWH,
                         "Round-1 capacity under agreement", agreed[["agreement_source_id"]]),
        r1_agreement_date=_date(agreed["programme_agreement_date"].min(),
                                "Round-1 programme agreements", agreed[["agreement_source_id"]]),
        r2_capacity=term("r2_capacity", u.GWH, "Round-2 capacity offered"),
        r2_max_outlay=term("r2_max_outlay", u.INR_CRORE, "Round-2 budget ceiling"),
        r2_rfp_date=_date(ev.loc["r2_rfp", "event_date"], "Round-2 tender",
                          ev.loc["r2_rfp", "source_id"]),
        r2_bidders=_q(r2b["value"], u.BIDDERS, "Round-2 bidders", r2b["source_id"]),
        r2_bid_gwh=_q(r2c["value"], u.GWH, "Round-2 capacity bid", r2c["source_id"]),
        r2_winner=_text(winner, "Round-2 winner"),
        r2_award_date=_date(r2a["award_date"], "Round-2 award", r2a["source_id"]),
        r2_agreement_date=_date(r2a["programme_agreement_date"], "Round-2 programme agreement",
                                r2a["agreement_source_id"]),
        r2_appointed=_date(r2a["appointed_date"], "Round-2 appointed date",
                           r2a["agreement_source_id"]),
        gsss_gwh=term("gsss_capacity", u.GWH, "Grid-storage tranche"),
    )


def _investment(indicators: pd.DataFrame, progress: pd.DataFrame, t: pd.DataFrame,
                day: pd.Timestamp) -> Investment | None:
    inv = latest_indicator(indicators, "cumulative_investment", day)
    if inv is None:
        return None
    scope = progress if inv["round"] == "all" else progress[progress["round"]
                                                            == int(inv["round"])]
    min_inv = t.loc["min_investment_per_gwh"]
    floor = float(scope["awarded_gwh"].sum()) * float(min_inv["value"])
    return Investment(
        investment=_q(float(inv["value"]), u.INR_CRORE,
                      "Investment reported by the beneficiaries", inv["source_id"]),
        investment_date=_date(inv["as_of_date"], "Investment reported as of", inv["source_id"]),
        investment_scope=_text(inv["scope"], "Firms the investment figure covers"),
        investment_floor=_q(floor, u.INR_CRORE, "Minimum investment for the awarded capacity",
                            scope[["award_source_id"]], min_inv["source_id"]),
        investment_share=_q(float(inv["value"]) / floor, u.SHARE,
                            "Investment as a share of the minimum", inv["source_id"],
                            min_inv["source_id"]),
    )


_FIRM_KEYS = {"Ola Cell Technologies": "ola", "ACC Energy Storage": "acc",
              "Reliance New Energy Battery Storage": "rnebs"}


def _penalties(pen: pd.DataFrame, penalties: pd.DataFrame, t: pd.DataFrame, terms_q: Terms,
               events: pd.DataFrame, day: pd.Timestamp) -> tuple[Penalties, pd.Series]:
    rate_row = t.loc["penalty_rate"]
    rate = float(terms_q.penalty_rate.value)
    src_pen = sources_of(pen[["security_source_id"]], rate_row["source_id"])
    total = float(pen["accrued_inr_cr"].sum())
    daily = float(pen["daily_inr_cr"].sum())
    n_days = int(pen["days"].max()) if len(pen) else 0
    by_firm: dict[str, tuple[Quantity, Quantity]] = {}
    for _, r in pen.iterrows():
        key = _FIRM_KEYS.get(r["beneficiary"])
        if key:
            by_firm[key] = (
                _q(float(r["accrued_inr_cr"]), u.INR_CRORE,
                   f"Penalty accrued: {r['beneficiary']}", r["security_source_id"],
                   rate_row["source_id"]),
                _q(float(r["security_inr_cr"]), u.INR_CRORE,
                   f"Performance security: {r['beneficiary']} ({r['security_basis']})",
                   r["security_source_id"]))
    disclosed = pen[pen["security_basis"] == "disclosed"]
    derived = pen[pen["security_basis"] == "derived"]
    chk = penalties[(penalties["measure"] == "accrued_penalty")
                    & (penalties["basis"] == "disclosed")].iloc[0]
    sec_chk = penalties[(penalties["measure"] == "performance_security")
                        & (penalties["beneficiary"] == chk["beneficiary"])
                        & penalties["preferred"]].iloc[0]
    computed = penalty_accrued_inr_cr(float(sec_chk["amount_inr_cr"]), rate,
                                      chk["accrual_start_date"], chk["as_of_date"])
    check_days = penalty_days(chk["accrual_start_date"], chk["as_of_date"])
    used_days = days_until_security_used(rate)
    used_up = pd.Timestamp(rate_row["effective_date"]) + pd.Timedelta(days=used_days - 1)
    rumour = penalties[penalties["verification"] == "unverifiable"]
    relief = usable(events[(events["policy"] == "pli_acc") & (events["event_date"] <= day)
                           & events["relief"].notna()]).sort_values("event_date", kind="stable")

    def last(kind: str, label: str) -> Quantity | None:
        rows = relief[relief["relief"] == kind]
        if rows.empty:
            return None
        r = rows.iloc[-1]
        return _date(r["event_date"], label, r["source_id"], precision=r["date_precision"])

    state = Relief(
        latest=None if relief.empty else str(relief["relief"].iloc[-1]),
        asked_on=last("requested", "Relief asked for"),
        refused_on=last("refused", "Relief refused"),
        considered_on=last("considered", "Relief reported under consideration"),
        granted_on=last("granted", "Relief granted"),
        sources=sources_of(relief),
    )
    missing_firm = (q_missing(u.INR_CRORE, "Penalty accrued", "none"),) * 2
    return Penalties(
        penalty_total=_q(total, u.INR_CRORE, "Delay penalties accrued (Round 1)", src_pen),
        penalty_daily=_q(daily, u.INR_CRORE_A_DAY, "Penalties accruing per day", src_pen),
        penalty_days=_q(n_days, u.DAYS, "Days of accrual", src_pen),
        pen_ola=by_firm.get("ola", missing_firm)[0], sec_ola=by_firm.get("ola", missing_firm)[1],
        pen_acc=by_firm.get("acc", missing_firm)[0], sec_acc=by_firm.get("acc", missing_firm)[1],
        pen_rnebs=by_firm.get("rnebs", missing_firm)[0],
        sec_rnebs=by_firm.get("rnebs", missing_firm)[1],
        sec_disclosed_names=_text(" and ".join(disclosed["beneficiary"]) or "none",
                                  "Securities disclosed"),
        derived_securities=tuple((str(b), float(v)) for b, v in
                                 zip(derived["beneficiary"], derived["security_inr_cr"],
                                     strict=True)),
        derived_sources=sources_of(derived[["security_source_id"]]),
        check_firm=_text(chk["beneficiary"], "Firm used to check the rule"),
        check_date=_date(chk["as_of_date"], "Date of the disclosed penalty", chk["source_id"]),
        check_disclosed=_q(float(chk["amount_inr_cr"]), u.INR_CRORE, "Penalty disclosed",
                           chk["source_id"]),
        check_computed=_q(round(computed, 2), u.INR_CRORE, "Penalty by the rule, same date",
                          sec_chk["source_id"], rate_row["source_id"]),
        check_days=_q(check_days, u.DAYS, "Days counted in the check", chk["source_id"]),
        check_difference_inr_cr=abs(computed - float(chk["amount_inr_cr"])),
        check_sources=sources_of(chk["source_id"], sec_chk["source_id"], rate_row["source_id"]),
        security_days=_q(used_days, u.DAYS, "Days until penalties equal the security",
                         rate_row["source_id"]),
        security_date=_date(used_up, "Date penalties would equal the security",
                            rate_row["source_id"]),
        rumour=(_q(float(rumour["amount_inr_cr"].iloc[0]), u.INR_CRORE,
                   "Unverified 'maximum' penalty (not used)", rumour) if len(rumour)
                else q_missing(u.INR_CRORE, "Unverified 'maximum' penalty (not used)", "none")),
        relief=state,
    ), chk


def _incentives(indicators: pd.DataFrame, t: pd.DataFrame, terms: pd.DataFrame,
                progress: pd.DataFrame, day: pd.Timestamp, gap_awarded: float) -> Incentives:
    claimed = latest_indicator(indicators, "incentive_claimed", day)
    be = latest_indicator(indicators, "budget_estimate", day)
    re_ = latest_indicator(indicators, "revised_estimate", day)
    per_gwh = terms[(terms["term"] == "incentive_budget_per_gwh")
                    & (terms["verification"] != "unverifiable")]
    per_gwh_r = Range.of(*per_gwh["value"])
    inc_gap = per_gwh_r * gap_awarded
    if claimed is not None:
        claimed_q = _q(float(claimed["value"]), u.INR_CRORE, "Incentive claimed",
                       claimed["source_id"])
        claimed_date = _date(claimed["as_of_date"], "Incentive claimed as of",
                             claimed["source_id"])
    else:
        claimed_q = q_missing(u.INR_CRORE, "Incentive claimed", "no figure reported")
        claimed_date = _date(day, "Incentive claimed as of")
    if be is not None and re_ is not None:
        budget = (_text(be["fiscal_year"], "Budget year"),
                  _q(float(be["value"]), u.INR_CRORE, "Budget estimate", be["source_id"]),
                  _q(float(re_["value"]), u.INR_CRORE, "Revised estimate", re_["source_id"]),
                  _q(1 - float(re_["value"]) / float(be["value"]), u.SHARE,
                     "Cut in the budget line", be["source_id"], re_["source_id"]))
    else:
        budget = (q_missing(u.TEXT, "Budget year"), q_missing(u.INR_CRORE, "Budget estimate"),
                  q_missing(u.INR_CRORE, "Revised estimate"),
                  q_missing(u.SHARE, "Cut in the budget line"))
    return Incentives(
        incentive_claimed=claimed_q, incentive_claimed_date=claimed_date,
        budget_fy=budget[0], budget_be=budget[1], budget_re=budget[2], budget_cut=budget[3],
        incentive_gap=_q(inc_gap, u.INR_CRORE, "Incentive tied to awarded capacity not built",
                         per_gwh, progress[["award_source_id", "obs_source_id"]]),
    )


def _cell_imports(imports: pd.DataFrame, demand: pd.DataFrame,
                  day: pd.Timestamp) -> tuple[Quantity, Quantity, Quantity]:
    """The latest all-origin import bill for Li-ion cells (in rupees) with its fiscal year,
    and India's demand in that same fiscal year where a source gives it."""
    imp = usable(imports)
    cells = imp[(imp["metric"] == "import_value") & (imp["origin"] == "World")
                & imp["product_scope"].str.startswith("Li-ion cells")
                & imp["value_inr_cr"].notna() & (imp["fy_end_year"] <= day.year + 1)]
    if cells.empty:
        return (q_missing(u.INR_CRORE, "Li-ion cells imported (all origins)"),
                q_missing(u.TEXT, "Year of the cell imports"),
                q_missing(u.GWH, "Li-ion demand in the same year"))
    row = cells.sort_values("fy_end_year").iloc[-1]
    dem = usable(demand[(demand["metric"] == "annual_demand") & (demand["kind"] == "actual")
                        & (demand["geography"] == "india")
                        & (demand["period_label"] == row["fiscal_year"])])
    same = (_q(float(dem["value_gwh_high"].iloc[0]), u.GWH,
               f"Li-ion demand, {row['fiscal_year']}", dem["source_id"].iloc[0])
            if len(dem) else q_missing(u.GWH, "Li-ion demand in the same year"))
    return (_q(float(row["value_inr_cr"]), u.INR_CRORE,
               f"Li-ion cells imported (all origins), {row['fiscal_year']}", row["source_id"]),
            _text(row["fiscal_year"], "Year of the cell imports"), same)


def _import_bill(costs: pd.DataFrame, fx: pd.DataFrame, fx_param: float | None,
                 day: pd.Timestamp, gap_overdue: float, gap_target: float,
                 progress: pd.DataFrame, target: pd.Series, series: pd.DataFrame,
                 imports: pd.DataFrame, demand: pd.DataFrame,
                 last_d: pd.Series) -> ImportBill:
    cell = usable(costs[(costs["metric"] == "cell_price") & (costs["scope"] == "global")])
    known = cell[cell["year"] <= day.year]
    cell = (known if len(known) else cell).sort_values("year").tail(2)
    price = Range.of(*cell["value_high"])
    gap_r = Range(min(gap_overdue, gap_target), max(gap_overdue, gap_target))
    src_progress = progress[["award_source_id", "obs_source_id"]]
    out_usd = output_value_usd_mn(gap_r, price)
    rate = run_rate(fx, fx_param, day)
    out_inr = usd_mn_to_inr_cr(out_usd, rate.inr_per_usd)
    cell_imports, cell_imports_fy, demand_same_fy = _cell_imports(imports, demand, day)
    return ImportBill(
        cell_price=_q(price, u.USD_PER_KWH, "Average Li-ion cell price (BNEF)", cell, sig=None),
        cell_price_years=_text(" and ".join(str(int(y)) for y in cell["year"]),
                               "Years of the cell prices"),
        gap_range=_q(gap_r, u.GWH, "Capacity missing (overdue to target)", src_progress,
                     target["source_id"], sig=None),
        missing_output_usd=_q(out_usd, u.USD_MILLION_A_YEAR, "Yearly cell output missing (USD)",
                              src_progress, cell, target["source_id"]),
        fx_rate=_q(rate.inr_per_usd, u.INR_PER_USD, "Exchange rate used", rate.sources),
        fx=rate,
        missing_output_inr=_q(out_inr, u.INR_CRORE_A_YEAR, "Yearly cell output missing (INR)",
                              src_progress, cell, rate.sources, target["source_id"]),
        cell_imports=cell_imports, cell_imports_fy=cell_imports_fy,
        demand_same_fy=demand_same_fy,
        gap_vs_latest_demand=_q(gap_r.low / float(last_d["value_gwh_high"]), u.RATIO,
                                "Capacity missing (low end) over the latest yearly demand",
                                src_progress, target["source_id"], last_d["source_id"],
                                decimals=1),
    )


def _causes(causes: pd.DataFrame, pipeline: pd.DataFrame, indicators: pd.DataFrame,
            day: pd.Timestamp):
    cz = causes[causes["statement_date"] <= day].sort_values(["scope", "statement_date"])
    sch = cz[cz["scope"] == "scheme"]
    outside = outside_scheme_capacity(pipeline, day)
    building = outside[outside["status"].isin(["under_construction", "partly_operational"])]
    npe = latest_indicator(indicators, "expected_non_pli_capacity", day)
    n_unchecked = int((cz["verification"] == "unchecked").sum())
    statements = [frozenset(g["cause_category"]) for _, g in
                  sch.groupby(["stated_by", "statement_date"], sort=False)]
    return Causes(
        scheme_categories=tuple(dict.fromkeys(sch.sort_values("statement_date", kind="stable")
                                              ["cause_category"])),
        scheme_consistent=_q(len(set(statements)) <= 1, u.FLAG,
                             "Every official statement gives the same reasons", sch),
        n_causes=_q(len(cz), u.COUNT, "Reported causes of delay", cz),
        n_scheme_causes=_q(sch["cause_category"].nunique(), u.COUNT,
                           "Reasons the ministry gives", sch),
        n_scheme_statements=_q(sch["stated_by"].nunique(), u.COUNT,
                               "Official statements of the reasons", sch),
        n_unchecked=_q(n_unchecked, u.COUNT, "Causes not yet fact-checked", cz),
        outside_uc_range=_q(capacity_range(outside, ["under_construction",
                                                     "partly_operational"]),
                            u.GWH, "Cell capacity under construction outside the PLI", building,
                            sig=None),
        outside_all_range=_q(capacity_range(outside), u.GWH,
                             "Cell capacity planned outside the PLI", outside, sig=None),
        outside_n=_q(len(outside), u.COUNT, "Companies outside the PLI", outside),
        non_pli_expected=(_q(float(npe["value"]), u.GWH,
                             "Capacity the ministry expected outside the PLI", npe["source_id"])
                          if npe is not None else
                          q_missing(u.GWH, "Capacity the ministry expected outside the PLI",
                                    "not stated")),
    ), cz, outside


def _terms_shown(terms: pd.DataFrame) -> pd.DataFrame:
    """The scheme's terms as stated by the sources (derived figures and unverified claims
    left out), for the reader's table."""
    show = usable(terms[terms["applies_to"].isin(["scheme", "round_1", "round_2",
                                                  "gsss_tranche"])])
    return show[show["basis"] == "stated"]
