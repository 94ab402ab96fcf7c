"""The Japanese-investment chapter: a reported USD range turned into rupees, cell and
recycling capacity, and shares of the PLI-ACC gap.

The pure computations come first: every amount stays a
:class:`~batteryreport.core.ranges.Range` from input to result, so the low end of an
answer is computed from the least favourable ends of its inputs and the high end from the
most favourable ones. Units are in the names: ``usd_mn`` (US$ million), ``inr_cr``
(₹ crore), ``gwh``, ``kt`` (thousand tonnes a year of recycling capacity).

:func:`analyse` then builds the chapter's result from the data, the run's parameters and
the PLI chapter's result, which gives the analysis date, the exchange rate and the PLI gap
(awarded against built): this chapter never recomputes them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from batteryreport.chapters.common import AnalysisDate, RunRate
from batteryreport.core import units as u
from batteryreport.core.money import implied_rate, usd_mn_to_inr_cr
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import date as q_date
from batteryreport.core.quantity import missing as q_missing
from batteryreport.core.quantity import text as q_text
from batteryreport.core.ranges import Range, snapped_out, widened
from batteryreport.data.rows import sources_of, usable

CELL_METRIC = "cell_capex_per_gwh"
RECYCLING_METRIC = "recycling_capex_per_capacity"
INR_PER_GWH = "INR crore per GWh"
USD_PER_GWH = "USD million per GWh"
INR_PER_KT = "INR crore per kilotonne of annual capacity"
USD_PER_T = "USD per tonne of annual capacity"
SECTORS = ("cells", "recycling", "ev")


# --------------------------------------------------------------------------- money


def usd_range(low_usd_mn: float, high_usd_mn: float) -> Range:
    """The investment range in US$ million (validated: positive, low <= high)."""
    if low_usd_mn <= 0:
        raise ValueError("investment amounts must be positive")
    return Range(float(low_usd_mn), float(high_usd_mn))


def inr_range(usd_mn: Range, inr_per_usd: float | Range) -> Range:
    """₹ crore for a US$ million range: $100 million at ₹86/$ is ₹860 crore."""
    out = usd_mn_to_inr_cr(usd_mn, inr_per_usd)
    assert isinstance(out, Range)
    return out


def implied_rates(inr_cr: Range, usd_mn: Range) -> Range:
    """The ₹/$ rates a reported pair of ranges implies, end by end (₹860 cr / $100 mn
    is ₹86/$). Returned as the smallest range holding both."""
    return Range.of(implied_rate(inr_cr.low, usd_mn.low), implied_rate(inr_cr.high, usd_mn.high))


def window_closes(fx: pd.DataFrame, start: dt.date | pd.Timestamp,
                  end: dt.date | pd.Timestamp) -> pd.DataFrame:
    """The closes the report uses (:func:`~batteryreport.data.rows.usable`) dated
    ``start``..``end`` (inclusive); :class:`LookupError` if there are none."""
    closes = usable(fx)
    rows = closes[(closes["date"] >= pd.Timestamp(start)) & (closes["date"] <= pd.Timestamp(end))]
    if rows.empty:
        raise LookupError(f"no usable close between {start} and {end}")
    return rows


def closes_between(fx: pd.DataFrame, start: dt.date | pd.Timestamp,
                   end: dt.date | pd.Timestamp) -> tuple[Range, list[str]]:
    """Lowest to highest close the report uses dated ``start``..``end`` (inclusive), with
    the source ids of those rows."""
    rows = window_closes(fx, start, end)
    return Range.of(*rows["inr_per_usd"].astype(float)), sorted(set(rows["source_id"]))


OTHER_CLOSE_GAP = 0.05  # ₹ per $: closes closer than 5 paise agree
NEWER_REASONS = ("disputed", "unverifiable", "unchecked", "not preferred")


def newer_closes(fx: pd.DataFrame, rate: RunRate, as_of: pd.Timestamp) -> pd.DataFrame:
    """Closes in the data dated after the day the run's rate was taken and on or before the
    analysis date: the newer closes the page does not use, one row per day, with why.

    A day's reason is "disputed" when its final closes (else all its rows) differ by
    :data:`OTHER_CLOSE_GAP` or more; else "unverifiable" when the fact-check ruled a row
    so; else "unchecked" when no row was checked; else "not preferred". None when the rate
    is a parameter. Columns: date, low, high, reason, n_rows, source_ids (a tuple).
    """
    cols = ["date", "low", "high", "reason", "n_rows", "source_ids"]
    if rate.from_parameter or rate.day is None:
        return pd.DataFrame(columns=cols)
    rows = fx[(fx["date"] > rate.day) & (fx["date"] <= pd.Timestamp(as_of))]
    out = []
    for day, group in rows.groupby("date", sort=True):
        finals = group[group["rate_type"] == "close"]
        values = (finals if len(finals) else group)["inr_per_usd"].astype(float)
        verification = set(group["verification"]) if "verification" in group else set()
        if values.max() - values.min() >= OTHER_CLOSE_GAP - 1e-9:
            reason = "disputed"
        elif "unverifiable" in verification:
            reason = "unverifiable"
        elif verification == {"unchecked"}:
            reason = "unchecked"
        else:
            reason = "not preferred"
        out.append({"date": day, "low": float(values.min()), "high": float(values.max()),
                    "reason": reason, "n_rows": len(group),
                    "source_ids": tuple(sorted(set(group["source_id"].dropna())))})
    return pd.DataFrame(out, columns=cols)


# --------------------------------------------------------------------------- benchmarks


def _per_gwh_inr(unit: str, value: float, inr_per_usd: float) -> float:
    if unit == INR_PER_GWH:
        return float(value)
    if unit == USD_PER_GWH:
        return float(usd_mn_to_inr_cr(float(value), inr_per_usd))
    raise ValueError(f"not a capex-per-GWh unit: {unit!r}")


def _per_kt_inr(unit: str, value: float, inr_per_usd: float) -> float:
    if unit == INR_PER_KT:
        return float(value)
    if unit == USD_PER_T:  # $/t x 1,000 t x ₹/$ / 10^7 ₹ per crore
        return float(value) * 1000 * inr_per_usd / 1e7
    raise ValueError(f"not a recycling capex-per-capacity unit: {unit!r}")


def cell_capex_benchmarks(cb: pd.DataFrame, inr_per_usd: float) -> pd.DataFrame:
    """Preferred cell-plant capex benchmarks in ₹ crore per GWh, one row each.

    Indian projects are taken in rupees, the currency they were costed in (their dollar
    rows are the sources' conversions of the same figures, so counting them too would
    count a project twice); global estimates are in dollars and are converted at
    ``inr_per_usd``. Columns: cb_id, scope, subject, year, kind, low, high (₹ crore per
    GWh), unit (as reported), reported_low, reported_high, basis (stated, or derived by
    our arithmetic), source_id.
    """
    rows = usable(cb[cb["metric"] == CELL_METRIC])
    rows = rows[((rows["scope"] == "india") & (rows["unit"] == INR_PER_GWH))
                | ((rows["scope"] != "india") & (rows["unit"] == USD_PER_GWH))]
    return _benchmark_frame(rows, lambda u, v: _per_gwh_inr(u, v, inr_per_usd))


def recycling_capex_benchmarks(cb: pd.DataFrame, inr_per_usd: float) -> pd.DataFrame:
    """Preferred recycling capex benchmarks in ₹ crore per 1,000 t a year of capacity."""
    rows = usable(cb[cb["metric"] == RECYCLING_METRIC])
    return _benchmark_frame(rows, lambda u, v: _per_kt_inr(u, v, inr_per_usd))


def _benchmark_frame(rows: pd.DataFrame, convert) -> pd.DataFrame:
    out = []
    for _, r in rows.iterrows():
        lo = r["value_high"] if pd.isna(r["value_low"]) else r["value_low"]
        if pd.isna(lo) or pd.isna(r["value_high"]):
            continue
        out.append({"cb_id": r["cb_id"], "scope": r["scope"], "subject": r["subject"],
                    "year": int(r["year"]), "kind": r["kind"],
                    "low": convert(r["unit"], float(lo)),
                    "high": convert(r["unit"], float(r["value_high"])),
                    "unit": r["unit"], "reported_low": float(lo),
                    "reported_high": float(r["value_high"]),
                    "basis": r.get("basis", "stated"), "source_id": r["source_id"]})
    cols = ["cb_id", "scope", "subject", "year", "kind", "low", "high", "unit",
            "reported_low", "reported_high", "basis", "source_id"]
    return pd.DataFrame(out, columns=cols).sort_values(["scope", "low"]).reset_index(drop=True)


def span_of(frame: pd.DataFrame) -> Range:
    """Lowest low to highest high of a benchmark frame."""
    if frame.empty:
        raise ValueError("no benchmarks")
    return Range(float(frame["low"].min()), float(frame["high"].max()))


@dataclass(frozen=True)
class Assumption:
    """A capex range a run uses: from parameters, or derived from benchmarks."""

    value: Range
    from_parameters: bool
    source_ids: tuple[str, ...]
    low_row: str  # subject of the benchmark giving the low end ("" for parameters)
    high_row: str


def capex_assumption(param_low: float | None, param_high: float | None,
                     benchmarks: pd.DataFrame) -> Assumption:
    """The parameters when both are set, else lowest to highest of ``benchmarks``."""
    if (param_low is None) != (param_high is None):
        raise ValueError("set both ends of a capex parameter or neither")
    if param_low is not None and param_high is not None:
        return Assumption(Range(float(param_low), float(param_high)), True, (), "", "")
    value = span_of(benchmarks)
    low_row = benchmarks.loc[benchmarks["low"].idxmin(), "subject"]
    high_row = benchmarks.loc[benchmarks["high"].idxmax(), "subject"]
    return Assumption(value, False, tuple(sorted(set(benchmarks["source_id"]))),
                      str(low_row), str(high_row))


# --------------------------------------------------------------------------- capacity


def capacity_fundable(inr_cr: Range, capex_per_unit_inr_cr: Range) -> Range:
    """Units of capacity a rupee range pays for at a capex range (₹ crore per unit):
    the low end at the highest capex, the high end at the lowest."""
    return inr_cr / capex_per_unit_inr_cr


def gwh_fundable(inr_cr: Range, capex_inr_cr_per_gwh: Range) -> Range:
    """GWh of cell capacity: ₹870 crore at ₹870 crore per GWh is 1 GWh."""
    return capacity_fundable(inr_cr, capex_inr_cr_per_gwh)


def recycling_kt_fundable(inr_cr: Range, capex_inr_cr_per_kt: Range) -> Range:
    """Thousand tonnes a year of recycling capacity."""
    return capacity_fundable(inr_cr, capex_inr_cr_per_kt)


def breakeven_capex(inr_cr: float, plant_gwh: float) -> float:
    """The highest capex (₹ crore per GWh) at which ``inr_cr`` still pays for a plant
    of ``plant_gwh``."""
    if plant_gwh <= 0:
        raise ValueError("plant size must be positive")
    return inr_cr / plant_gwh


VERDICTS = ("Neither end", "Only the high end", "Both ends")


def plant_verdict(gwh: Range, plant_gwh: float) -> str:
    """Which ends of a GWh range reach a plant of ``plant_gwh``: one of :data:`VERDICTS`."""
    if gwh.low >= plant_gwh:
        return VERDICTS[2]
    if gwh.high >= plant_gwh:
        return VERDICTS[1]
    return VERDICTS[0]


def benchmark_capacity(benchmarks: pd.DataFrame, inr_cr: Range) -> pd.DataFrame:
    """Each benchmark with the capacity the rupee range buys at it (columns
    ``fund_low``, ``fund_high``)."""
    out = benchmarks.copy()
    funds = [capacity_fundable(inr_cr, Range(lo, hi)) for lo, hi in zip(out["low"], out["high"],
                                                                        strict=True)]
    out["fund_low"] = [f.low for f in funds]
    out["fund_high"] = [f.high for f in funds]
    return out


def share_of(part: Range, whole: float) -> Range:
    """A range as a share of a positive total (0.25 for a quarter)."""
    if not whole > 0:
        raise ValueError("the total must be positive")
    return part / whole


def count_below(benchmarks: pd.DataFrame, threshold: float) -> tuple[int, int]:
    """How many benchmarks lie wholly at or below ``threshold``, and how many only partly
    (their low end at or below it, their high end above)."""
    whole = int((benchmarks["high"] <= threshold).sum())
    partly = int(((benchmarks["low"] <= threshold) & (benchmarks["high"] > threshold)).sum())
    return whole, partly


def scope_of(japan_side: Any) -> str:
    """The scope a target row states for the Japanese side: "Japan (private sector only)"
    gives "private sector only"; any other wording is kept as it is."""
    text = "" if japan_side is None or pd.isna(japan_side) else str(japan_side).strip()
    if text.startswith("Japan (") and text.endswith(")"):
        return text[len("Japan ("):-1]
    return text


# --------------------------------------------------------------------------- allocation


def normalise_shares(split: Mapping[str, float]) -> dict[str, float]:
    """Shares for cells, recycling and EVs summing to 1 (missing sectors are 0)."""
    unknown = set(split) - set(SECTORS)
    if unknown:
        raise ValueError(f"unknown sector(s): {sorted(unknown)}")
    values = {s: float(split.get(s, 0.0)) for s in SECTORS}
    if any(v < 0 for v in values.values()):
        raise ValueError("shares cannot be negative")
    total = sum(values.values())
    if not total > 0:
        raise ValueError("shares sum to zero")
    return {s: v / total for s, v in values.items()}


def allocation_table(inr_cr: Range, scenarios: Mapping[str, Mapping[str, float]],
                     cell_capex: Range, recycling_capex: Range) -> pd.DataFrame:
    """For each named split: rupees to each sector, GWh of cells, kt a year of recycling.

    Columns: scenario, share_cells, share_recycling, share_ev, and for X in inr_cells,
    inr_recycling, inr_ev, gwh, kt: ``X_low``/``X_high``.
    """
    rows = []
    for name, split in scenarios.items():
        s = normalise_shares(split)
        to = {k: inr_cr * v for k, v in s.items()}
        gwh = gwh_fundable(to["cells"], cell_capex) if s["cells"] else Range.point(0)
        kt = recycling_kt_fundable(to["recycling"], recycling_capex) if s["recycling"] \
            else Range.point(0)
        row = {"scenario": name, "share_cells": s["cells"], "share_recycling": s["recycling"],
               "share_ev": s["ev"]}
        for key, r in (("inr_cells", to["cells"]), ("inr_recycling", to["recycling"]),
                       ("inr_ev", to["ev"]), ("gwh", gwh), ("kt", kt)):
            row[f"{key}_low"], row[f"{key}_high"] = r.low, r.high
        rows.append(row)
    cols = ["scenario", "share_cells", "share_recycling", "share_ev"] + [
        f"{k}_{end}" for k in ("inr_cells", "inr_recycling", "inr_ev", "gwh", "kt")
        for end in ("low", "high")]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- sensitivity


def nice_step(span: float, max_steps: int) -> float:
    """A 1-2-5 step giving at most ``max_steps`` steps across ``span``."""
    if span <= 0 or max_steps < 1:
        raise ValueError("span and max_steps must be positive")
    raw = span / max_steps
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw - 1e-12:
            return m * mag
    return 10 * mag  # pragma: no cover


def grid_values(lo: float, hi: float, max_steps: int) -> list[float]:
    """Round values from ``lo`` up to ``hi`` (both widened to the step)."""
    step = nice_step(hi - lo, max_steps)
    start = math.floor(lo / step + 1e-9) * step
    out = []
    v = start
    while v <= hi + 1e-9 or not out or out[-1] < hi - 1e-9:
        out.append(round(v, 10))
        v += step
    return out


def sensitivity_grid(usd_mn: Range, fx_values: Iterable[float], capex_values: Iterable[float],
                     plant_gwh: float) -> pd.DataFrame:
    """GWh the investment range buys at each exchange rate and capex, with the verdict on
    a ``plant_gwh`` plant. Columns: fx, capex, gwh_low, gwh_high, verdict."""
    rows = []
    for fx in fx_values:
        inr = inr_range(usd_mn, fx)
        for capex in capex_values:
            g = gwh_fundable(inr, Range.point(capex))
            rows.append({"fx": float(fx), "capex": float(capex), "gwh_low": g.low,
                         "gwh_high": g.high, "verdict": plant_verdict(g, plant_gwh)})
    return pd.DataFrame(rows, columns=["fx", "capex", "gwh_low", "gwh_high", "verdict"])


# =========================================================================== the chapter
# analyse(): the Japanese-investment chapter's numbers, from the data, the run's
# parameters and the PLI chapter's result.

TABLES = ("japan_india_investments", "japan_india_meetings", "japan_battery_strategy",
          "cost_benchmarks", "fx_rates", "fx_implied_rates")
PARAMS = ("japan_investment_usd_mn_low", "japan_investment_usd_mn_high",
          "cell_capex_inr_cr_per_gwh_low", "cell_capex_inr_cr_per_gwh_high",
          "recycling_capex_inr_cr_per_kt_low", "recycling_capex_inr_cr_per_kt_high",
          "allocation_scenarios")
NEEDS = ("pli_delays",)

# The rows of the data this chapter's prose is about.
REPORTED_STATUS = "reported_probable"  # the reported range: the preferred such row
TRADE_MEETINGS = "trade_meetings_2025_07"  # where the range was reported
EMBASSY_EVENT = "embassy_event_2025_07_02"
WINDOW_DAYS = 7  # market closes up to a week after the meetings
# What the what-if inputs may be moved over: the data's values and the run's, widened by
# this share of each end and rounded outward to the step (the sensitivity chart's grid
# spans the exchange-rate and low cell-capex inputs).
FX_WIDEN, FX_STEP = 0.05, 0.1
CELL_WIDEN, CELL_STEP = 0.1, 5.0
REC_WIDEN, REC_STEP = 0.3, 0.5
FX_GRID_STEPS, CAPEX_GRID_STEPS = 6, 16


@dataclass(frozen=True)
class Rupees:
    """The reported range, the run's exchange rate and the range in rupees."""

    usd_range: Quantity
    fx_run: Quantity
    inr_run: Quantity
    inr_reported: Quantity
    fx_implied: Quantity
    fx_window: Quantity
    fx_window_from: Quantity  # the first and last close in the window
    fx_window_to: Quantity
    inr_window: Quantity
    n_closes_on_day: Quantity  # final closes in the data for the run's day (0: a parameter)
    n_fx_newer: Quantity  # days with newer closes the page does not use
    fx: RunRate  # the PLI chapter's: the parameter, else the close on or before the date


@dataclass(frozen=True)
class Capex:
    """What a GWh of cell factory and 1,000 tonnes a year of recycling cost."""

    cell_capex: Quantity
    cell_from_parameters: bool
    n_cell_benchmarks: Quantity
    n_bench_derived: Quantity  # benchmarks that are our arithmetic (a cost over a capacity)
    capex_bench: Quantity  # all cell benchmarks, lowest to highest (whatever the run sets)
    bench_spread: Quantity  # the dearest benchmark over the cheapest
    capex_india: Quantity
    n_india_benchmarks: Quantity
    india_year_first: Quantity
    india_year_last: Quantity
    capex_global_usd: Quantity
    capex_global: Quantity
    n_global_benchmarks: Quantity
    global_year_first: Quantity
    global_year_last: Quantity
    rec_capex: Quantity
    rec_from_parameters: bool
    n_rec_benchmarks: Quantity
    rec_capex_bench: Quantity  # all recycling benchmarks, lowest to highest
    n_rec_abroad: Quantity  # recycling benchmarks from outside India


@dataclass(frozen=True)
class Capacity:
    """What the whole range could build if spent on one use."""

    cell_gwh: Quantity
    cell_gwh_india: Quantity
    cell_gwh_global: Quantity
    rec_kt: Quantity


@dataclass(frozen=True)
class Reach:
    """Which ends of a range reach a threshold: one of :data:`VERDICTS`."""

    verdict: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PliGap:
    """The range against the PLI capacity awarded but not built (the PLI chapter's gap)
    and against the scheme's minimum investment."""

    pli_awarded: Quantity
    pli_installed: Quantity
    pli_unbuilt: Quantity
    pli_as_of: Quantity  # the latest of the installed-capacity reports used
    pli_obs_first: Quantity  # the earliest of them (each award's latest report)
    n_pli_awards: Quantity
    n_pli_unreported: Quantity  # active awards with no installed-capacity report
    gap_share_capacity: Quantity
    pli_floor: Quantity
    floor_need: Quantity
    floor_share: Quantity
    plant_gwh: Quantity
    plant_floor: Quantity
    breakeven_high: Quantity
    breakeven_low: Quantity
    n_bench_below: Quantity  # benchmarks wholly at or below breakeven_high
    n_bench_partly: Quantity  # ... only at their low end
    n_bench_below_low: Quantity  # the same for breakeven_low
    n_bench_partly_low: Quantity
    n_bench_above_floor: Quantity  # benchmarks wholly above the scheme's floor
    plant_reach: Reach  # which ends of cell_gwh build one smallest plant
    floor_reach: Reach  # which ends of inr_run reach the minimum investment for it


@dataclass(frozen=True)
class Allocation:
    """The first split of the allocation_scenarios parameter."""

    alloc_first_name: Quantity
    alloc_first_share_cells: Quantity
    alloc_first_share_recycling: Quantity
    alloc_first_share_ev: Quantity
    alloc_first_gwh: Quantity
    alloc_first_kt: Quantity
    alloc_first_ev: Quantity


@dataclass(frozen=True)
class Context:
    """Japan's other commitments and projects."""

    target_jpy: Quantity
    target_date: Quantity
    target_scope: Quantity  # what the target counts, as the data states it
    target_jpy_2022: Quantity
    target_2022_year: Quantity
    target_2022_date: Quantity
    target_2022_scope: Quantity
    target_inr: Quantity
    target_share: Quantity
    suzuki_inr: Quantity
    suzuki_date: Quantity
    suzuki_total_inr: Quantity  # the whole MoU the battery plant is part of
    suzuki_share: Quantity
    tdsg_2017_usd: Quantity
    tdsg_2017_year: Quantity
    tdsg_mou_inr: Quantity
    tdsg_electrodes_date: Quantity
    ioc_hoa_date: Quantity
    ioc_sheet_date: Quantity
    ioc_latest: Quantity  # the latest row in the data for the same two parties
    n_ioc_amounts: Quantity  # their rows giving any amount
    japan_home_base: Quantity
    japan_home_base_year: Quantity
    japan_home_goal: Quantity
    japan_home_year: Quantity


@dataclass(frozen=True)
class Meetings:
    embassy_date: Quantity
    embassy_companies: Quantity
    embassy_people: Quantity


@dataclass(frozen=True)
class Dating:
    """When this run is taken, and how that sits with the Japanese reports."""

    run_as_of: Quantity  # the PLI chapter's analysis date
    range_reported: Quantity  # when the range was reported
    newest_fact: Quantity  # the latest dated row this page shows


@dataclass(frozen=True)
class Sensitivity:
    """Where the answer flips: exchange rate against cell-plant capex."""

    fx_grid: Quantity
    breakeven_grid: Quantity
    breakeven_low_grid: Quantity


@dataclass(frozen=True)
class Span:
    """A what-if input: the run's value, and the span it may be moved over (the data's
    values and the run's, widened and rounded outward to ``step``: see :func:`input_span`)."""

    value: float
    span: Range
    step: float


@dataclass(frozen=True)
class WhatIf:
    """The inputs of the what-if charts; the sensitivity grid spans ``fx`` and ``cell_low``."""

    fx: Span
    cell_low: Span
    cell_high: Span
    rec_low: Span
    rec_high: Span


@dataclass(frozen=True)
class Frames:
    """Row-level tables behind the chapter's charts and reader tables (not to be mutated)."""

    window_sources: tuple[str, ...]  # the closes around the meetings
    other_closes: pd.DataFrame  # other sources' closes for the run's day, where they differ
    newer_closes: pd.DataFrame  # closes after the run's day, to the analysis date, not used
    cell_benchmarks: pd.DataFrame  # with fund_low/fund_high: GWh the range builds at each
    rec_benchmarks: pd.DataFrame
    allocation: pd.DataFrame
    gap: pd.DataFrame  # the PLI chapter's awards, awarded against installed
    grid: pd.DataFrame  # the sensitivity grid
    fx_values: tuple[float, ...]
    capex_values: tuple[float, ...]
    boundary: pd.DataFrame  # capex at which the high end builds exactly one plant
    announcements: pd.DataFrame
    meetings: pd.DataFrame


@dataclass(frozen=True)
class JapanResult:
    rupees: Rupees
    capex: Capex
    capacity: Capacity
    pli_gap: PliGap
    allocation: Allocation
    context: Context
    meetings: Meetings
    dating: Dating
    sensitivity: Sensitivity
    whatif: WhatIf
    frames: Frames
    analysis_date: AnalysisDate  # the PLI chapter's


def _q(value: Any, unit: u.Unit, label: str, *sources: Any, **hints: Any) -> Quantity:
    """A quantity whose sources are the rows (frames, rows or ids) it was computed from."""
    return Quantity(value, unit, label, sources_of(*sources), **hints)


def _date(value: Any, label: str, *sources: Any, precision: Any = "day") -> Quantity:
    return q_date(value, label, sources_of(*sources), precision)


def _reported_row(inv: pd.DataFrame) -> pd.Series:
    rows = usable(inv[inv["status"] == REPORTED_STATUS])
    if rows.empty:
        raise LookupError(f"japan_india_investments has no usable {REPORTED_STATUS!r} row")
    return rows.iloc[0]


def check_implied(fx_implied: pd.DataFrame, source_id: str, implied: Range) -> None:
    """The source's own conversion, as recorded in fx_implied_rates, must be the rate its
    two figures imply (a mismatch means one of the rows is wrong)."""
    rows = fx_implied[fx_implied["source_id"] == source_id]
    if rows.empty:
        return
    recorded = Range.of(*rows["inr_per_usd"].astype(float))
    if abs(recorded.low - implied.low) >= 0.01 or abs(recorded.high - implied.high) >= 0.01:
        raise ValueError(f"fx_implied_rates records {recorded.low}-{recorded.high} INR per USD "
                         f"for {source_id}, but its figures imply {implied.low}-{implied.high}")


def other_closes(fx: pd.DataFrame, rate: RunRate, usd: Range) -> pd.DataFrame:
    """Other sources' final closes for the day the run's rate was taken, where they differ
    from it by 5 paise or more, with the range in rupees at each (none when the rate is a
    parameter)."""
    cols = ["quote_source", "inr_per_usd", "inr_low", "inr_high", "source_id"]
    if rate.from_parameter:
        return pd.DataFrame(columns=cols)
    rows = fx[(fx["date"] == rate.day) & ~fx["preferred"].fillna(False).astype(bool)
              & (fx["rate_type"] == "close")
              & ((fx["inr_per_usd"] - rate.inr_per_usd).abs() >= OTHER_CLOSE_GAP)]
    out = rows[["quote_source", "inr_per_usd", "source_id"]].copy()
    inr = [inr_range(usd, float(v)) for v in out["inr_per_usd"]]
    out["inr_low"] = [r.low for r in inr]
    out["inr_high"] = [r.high for r in inr]
    return out[cols].reset_index(drop=True)


def input_span(value: float, data_values: Iterable[float], widen: float, step: float) -> Span:
    """A what-if input starting at ``value`` and spanning the data (see :data:`FX_WIDEN`)."""
    return Span(float(value), snapped_out(widened([*data_values, value], widen=widen), step),
                step)


def _reach(r: Range, threshold: float, *sources: Any) -> Reach:
    return Reach(plant_verdict(r, threshold), sources_of(*sources))


def analyse(tables: Mapping[str, pd.DataFrame], params: Any, pli_delays: Any) -> JapanResult:
    """The Japanese-investment chapter: what the reported range is in rupees and could
    build, against the PLI gap, at the PLI chapter's date and exchange rate."""
    inv = tables["japan_india_investments"]
    meetings = tables["japan_india_meetings"]
    strategy = tables["japan_battery_strategy"]
    cb = tables["cost_benchmarks"]
    fx = tables["fx_rates"]
    fx_implied = tables["fx_implied_rates"]

    # ---- the range in rupees, at the PLI chapter's exchange rate
    rate: RunRate = pli_delays.import_bill.fx
    fx_src = rate.sources
    usd = usd_range(params.japan_investment_usd_mn_low, params.japan_investment_usd_mn_high)
    reported = _reported_row(inv)
    rep_src = reported["source_id"]
    inr = inr_range(usd, rate.inr_per_usd)
    inr_reported = Range(float(reported["amount_inr_cr_low"]),
                         float(reported["amount_inr_cr_high"]))
    usd_reported = Range(float(reported["amount_usd_mn_low"]),
                         float(reported["amount_usd_mn_high"]))
    fx_reported = implied_rates(inr_reported, usd_reported)
    check_implied(fx_implied, rep_src, fx_reported)
    trade = meetings.set_index("meeting_id").loc[TRADE_MEETINGS]
    window_end = trade["end_date"] + pd.Timedelta(days=WINDOW_DAYS)
    window_rows = window_closes(fx, trade["meeting_date"], window_end)
    fx_window, window_src = closes_between(fx, trade["meeting_date"], window_end)
    inr_window = inr_range(usd_reported, fx_window)
    as_of = pli_delays.analysis_date.day
    newer = newer_closes(fx, rate, as_of)
    day_closes = (fx[(fx["date"] == rate.day) & (fx["rate_type"] == "close")]
                  if not rate.from_parameter else fx.iloc[0:0])
    rupees = Rupees(
        usd_range=_q(usd, u.USD_MILLION, "Reported Japanese investment range", rep_src,
                     sig=None),
        fx_run=_q(rate.inr_per_usd, u.INR_PER_USD, "Exchange rate used", fx_src),
        inr_run=_q(inr, u.INR_CRORE, "Japanese range in rupees", rep_src, fx_src),
        inr_reported=_q(inr_reported, u.INR_CRORE, "Rupee range as reported", rep_src,
                        sig=None),
        fx_implied=_q(fx_reported, u.INR_PER_USD, "Rate implied by the reported figures",
                      rep_src, sig=None),
        fx_window=_q(fx_window, u.INR_PER_USD, "Market closes around the report", window_src,
                     trade["source_id"], sig=None),
        fx_window_from=_date(window_rows["date"].min(), "First close around the report",
                             window_rows[window_rows["date"] == window_rows["date"].min()]),
        fx_window_to=_date(window_rows["date"].max(), "Last close around the report",
                           window_rows[window_rows["date"] == window_rows["date"].max()]),
        inr_window=_q(inr_window, u.INR_CRORE, "Reported range at those closes", window_src,
                      rep_src),
        n_closes_on_day=_q(len(day_closes), u.COUNT, "Final closes in the data for that day",
                           day_closes),
        n_fx_newer=_q(len(newer), u.COUNT, "Days with newer closes not used",
                      *[ids for ids in newer["source_ids"]]),
        fx=rate,
    )

    # ---- capex benchmarks and the assumptions the run uses
    cell_bench = cell_capex_benchmarks(cb, rate.inr_per_usd)
    india_bench = cell_bench[cell_bench["scope"] == "india"]
    global_bench = cell_bench[cell_bench["scope"] != "india"]
    cell = capex_assumption(params.cell_capex_inr_cr_per_gwh_low,
                            params.cell_capex_inr_cr_per_gwh_high, cell_bench)
    rec_bench = recycling_capex_benchmarks(cb, rate.inr_per_usd)
    rec = capex_assumption(params.recycling_capex_inr_cr_per_kt_low,
                           params.recycling_capex_inr_cr_per_kt_high, rec_bench)
    # Benchmarks in dollars are converted at the run's rate: its sources count too.
    cell_src = sources_of(cell.source_ids, () if cell.from_parameters else fx_src)
    rec_src = sources_of(rec.source_ids, () if rec.from_parameters else fx_src)
    global_usd = Range(float(global_bench["reported_low"].min()),
                       float(global_bench["reported_high"].max()))
    bench_span = span_of(cell_bench)
    bench_src = sources_of(cell_bench, fx_src if len(global_bench) else ())

    def year(frame: pd.DataFrame, pick: str, label: str) -> Quantity:
        y = int(getattr(frame["year"], pick)())
        return _q(y, u.YEAR, label, frame[frame["year"] == y])

    capex = Capex(
        cell_capex=_q(cell.value, u.INR_CRORE_PER_GWH, "Cell-plant capex assumed", cell_src),
        cell_from_parameters=cell.from_parameters,
        n_cell_benchmarks=_q(len(cell_bench), u.COUNT, "Cell-plant capex benchmarks",
                             cell_bench),
        n_bench_derived=_q(int((cell_bench["basis"] == "derived").sum()), u.COUNT,
                           "Cell-plant benchmarks derived by our arithmetic",
                           cell_bench[cell_bench["basis"] == "derived"]),
        capex_bench=_q(bench_span, u.INR_CRORE_PER_GWH, "Cell-plant capex benchmarks, all",
                       bench_src),
        bench_spread=_q(bench_span.high / bench_span.low, u.RATIO,
                        "Dearest cell-plant benchmark over the cheapest", bench_src, sig=2),
        capex_india=_q(span_of(india_bench), u.INR_CRORE_PER_GWH,
                       "Indian cell-plant capex benchmarks", india_bench),
        n_india_benchmarks=_q(len(india_bench), u.COUNT, "Indian cell-plant capex benchmarks",
                              india_bench),
        india_year_first=year(india_bench, "min", "Year of the earliest Indian benchmark"),
        india_year_last=year(india_bench, "max", "Year of the latest Indian benchmark"),
        capex_global_usd=_q(global_usd, u.USD_MILLION_PER_GWH, "Global cell-plant capex estimate",
                            global_bench),
        capex_global=_q(span_of(global_bench), u.INR_CRORE_PER_GWH, "Global capex in rupees",
                        global_bench, fx_src),
        n_global_benchmarks=_q(len(global_bench), u.COUNT, "Global cell-plant capex estimates",
                               global_bench),
        global_year_first=year(global_bench, "min", "Year of the earliest global estimate"),
        global_year_last=year(global_bench, "max", "Year of the latest global estimate"),
        rec_capex=_q(rec.value, u.INR_CRORE_PER_KT_A_YEAR, "Recycling capex assumed", rec_src),
        rec_from_parameters=rec.from_parameters,
        n_rec_benchmarks=_q(len(rec_bench), u.COUNT, "Recycling capex benchmarks", rec_bench),
        rec_capex_bench=_q(span_of(rec_bench), u.INR_CRORE_PER_KT_A_YEAR,
                           "Recycling capex benchmarks, all", rec_bench,
                           fx_src if (rec_bench["unit"] != INR_PER_KT).any() else ()),
        n_rec_abroad=_q(int((rec_bench["scope"] != "india").sum()), u.COUNT,
                        "Recycling benchmarks from outside India",
                        rec_bench[rec_bench["scope"] != "india"]),
    )

    # ---- what the range could build
    gwh = gwh_fundable(inr, cell.value)
    kt_rec = recycling_kt_fundable(inr, rec.value)
    capacity = Capacity(
        cell_gwh=_q(gwh, u.GWH, "Cell capacity the range could build", rep_src, fx_src,
                    cell_src),
        cell_gwh_india=_q(gwh_fundable(inr, span_of(india_bench)), u.GWH,
                          "Cell capacity at Indian benchmarks", rep_src, fx_src, india_bench),
        # Dollars over dollars: the exchange rate cancels out.
        cell_gwh_global=_q(gwh_fundable(inr, span_of(global_bench)), u.GWH,
                           "Cell capacity at the global estimate", rep_src, global_bench),
        rec_kt=_q(kt_rec, u.KT_A_YEAR, "Recycling capacity the range could build", rep_src,
                  fx_src, rec_src),
    )

    # ---- against the PLI gap: the PLI chapter's awards, capacity and scheme terms
    prog = pli_delays.progress
    gap_rows = pli_delays.frames.progress
    gap_src = sources_of(gap_rows[["award_source_id", "obs_source_id"]])
    unbuilt = float(prog.gap_awarded.value)
    floor = pli_delays.terms.min_inv_per_gwh
    plant = pli_delays.terms.min_plant
    floor_per_gwh, plant_gwh = float(floor.value), float(plant.value)
    floor_need = unbuilt * floor_per_gwh
    plant_floor = plant_gwh * floor_per_gwh
    breakeven = inr.map(lambda v: breakeven_capex(v, plant_gwh))
    observed = gap_rows["observed_date"].dropna()
    below, partly = count_below(cell_bench, breakeven.high)
    below_low, partly_low = count_below(cell_bench, breakeven.low)
    unreported = gap_rows[gap_rows["observed_date"].isna()]
    pli = PliGap(
        pli_awarded=prog.awarded_gwh.with_(label="PLI capacity awarded (active awards)"),
        pli_installed=prog.installed_gwh.with_(label="PLI capacity installed"),
        pli_unbuilt=prog.gap_awarded.with_(label="PLI capacity awarded but not built"),
        pli_as_of=(_date(observed.max(), "Date of the latest installed-capacity figures",
                         gap_src) if len(observed) else
                   q_missing(u.DATE, "Date of the latest installed-capacity figures",
                             "no report")),
        pli_obs_first=(_date(observed.min(), "Date of the earliest installed-capacity figure "
                             "used", gap_rows[gap_rows["observed_date"] == observed.min()]
                             [["obs_source_id"]]) if len(observed) else
                       q_missing(u.DATE, "Date of the earliest installed-capacity figure used",
                                 "no report")),
        n_pli_awards=_q(len(gap_rows), u.COUNT, "Active PLI awards", gap_rows[["award_source_id"]]),
        n_pli_unreported=_q(len(unreported), u.COUNT,
                            "Active awards with no installed-capacity report",
                            unreported[["award_source_id"]]),
        gap_share_capacity=_q(share_of(gwh, unbuilt), u.SHARE,
                              "Share of the PLI's unbuilt capacity the range could build",
                              prog.gap_awarded.sources, rep_src, fx_src, cell_src),
        pli_floor=floor.with_(label="PLI minimum investment per GWh"),
        floor_need=_q(floor_need, u.INR_CRORE, "PLI minimum investment for the unbuilt capacity",
                      prog.gap_awarded.sources, floor.sources),
        floor_share=_q(share_of(inr, floor_need), u.SHARE,
                       "Share of the PLI minimum investment for unbuilt capacity",
                       prog.gap_awarded.sources, floor.sources, rep_src, fx_src),
        plant_gwh=plant.with_(label="Smallest plant the PLI allows"),
        plant_floor=_q(plant_floor, u.INR_CRORE, "PLI minimum investment for one smallest plant",
                       plant.sources, floor.sources),
        breakeven_high=_q(breakeven.high, u.INR_CRORE_PER_GWH,
                          "Highest capex at which the high end builds one smallest plant",
                          rep_src, fx_src, plant.sources, sig=2),
        breakeven_low=_q(breakeven.low, u.INR_CRORE_PER_GWH,
                         "Highest capex at which the low end builds one smallest plant",
                         rep_src, fx_src, plant.sources, sig=2),
        n_bench_below=_q(below, u.COUNT, "Benchmarks wholly under that capex", bench_src),
        n_bench_partly=_q(partly, u.COUNT, "Benchmarks partly under that capex", bench_src),
        n_bench_below_low=_q(below_low, u.COUNT, "Benchmarks wholly under the low end's capex",
                             bench_src),
        n_bench_partly_low=_q(partly_low, u.COUNT, "Benchmarks partly under the low end's capex",
                              bench_src),
        n_bench_above_floor=_q(int((cell_bench["low"] > floor_per_gwh).sum()), u.COUNT,
                               "Benchmarks above the PLI minimum investment", bench_src,
                               floor.sources),
        plant_reach=_reach(gwh, plant_gwh, rep_src, fx_src, cell_src, plant.sources),
        floor_reach=_reach(inr, plant_floor, rep_src, fx_src, plant.sources, floor.sources),
    )

    # ---- splits across cells, recycling and EVs (the first is the one the prose names)
    alloc = allocation_table(inr, params.allocation_scenarios, cell.value, rec.value)
    if alloc.empty:
        raise ValueError("allocation_scenarios is empty: the chapter needs at least one split")
    first = alloc.iloc[0]
    alloc_src = sources_of(rep_src, fx_src, cell_src, rec_src)

    def rng(key: str) -> Range:
        return Range(float(first[f"{key}_low"]), float(first[f"{key}_high"]))

    allocation = Allocation(
        alloc_first_name=q_text(str(first["scenario"]), "First allocation scenario"),
        alloc_first_share_cells=_q(float(first["share_cells"]), u.SHARE,
                                   "Share to cells in the first scenario"),
        alloc_first_share_recycling=_q(float(first["share_recycling"]), u.SHARE,
                                       "Share to recycling in the first scenario"),
        alloc_first_share_ev=_q(float(first["share_ev"]), u.SHARE,
                                "Share to EVs in the first scenario"),
        alloc_first_gwh=_q(rng("gwh"), u.GWH, "Cells under the first scenario", alloc_src),
        alloc_first_kt=_q(rng("kt"), u.KT_A_YEAR, "Recycling under the first scenario",
                          alloc_src),
        alloc_first_ev=_q(rng("inr_ev"), u.INR_CRORE, "Left for EVs under the first scenario",
                          alloc_src),
    )

    context = _context(inv, strategy, inr, rep_src, fx_src)
    dating = _dating(pli_delays.analysis_date, reported, inv, meetings, rate, observed,
                     gap_rows)
    embassy = meetings.set_index("meeting_id").loc[EMBASSY_EVENT]
    meets = Meetings(
        embassy_date=_date(embassy["meeting_date"], "Embassy battery event", embassy["source_id"],
                           precision=embassy["date_precision"]),
        embassy_companies=_q(int(embassy["companies_count"]), u.COMPANIES,
                             "Companies at the embassy event", embassy["source_id"]),
        embassy_people=_q(int(embassy["people_count"]), u.PEOPLE, "People at the embassy event",
                          embassy["source_id"]),
    )

    # ---- the what-if inputs and the sensitivity grid they bound
    fx_values = [*usable(fx)["inr_per_usd"], fx_reported.low, fx_reported.high]
    cell_values = [*cell_bench["low"], *cell_bench["high"], floor_per_gwh]
    rec_values = [*rec_bench["low"], *rec_bench["high"]]
    whatif = WhatIf(
        fx=input_span(rate.inr_per_usd, fx_values, FX_WIDEN, FX_STEP),
        cell_low=input_span(cell.value.low, cell_values, CELL_WIDEN, CELL_STEP),
        cell_high=input_span(cell.value.high, cell_values, CELL_WIDEN, CELL_STEP),
        rec_low=input_span(rec.value.low, rec_values, REC_WIDEN, REC_STEP),
        rec_high=input_span(rec.value.high, rec_values, REC_WIDEN, REC_STEP),
    )
    fx_grid = grid_values(whatif.fx.span.low, whatif.fx.span.high, FX_GRID_STEPS)
    # A capex of zero builds without limit: the grid starts at its first positive step.
    capex_grid = [c for c in grid_values(whatif.cell_low.span.low, whatif.cell_low.span.high,
                                         CAPEX_GRID_STEPS) if c > 0]
    grid = sensitivity_grid(usd, fx_grid, capex_grid, plant_gwh)
    grid_fx = Range(min(fx_grid), max(fx_grid))

    def breakeven_at(end: str):
        return lambda f: breakeven_capex(getattr(inr_range(usd, f), end), plant_gwh)

    sensitivity = Sensitivity(
        fx_grid=_q(grid_fx, u.INR_PER_USD, "Exchange rates in the sensitivity chart", fx_src,
                   sig=None),
        breakeven_grid=_q(grid_fx.map(breakeven_at("high")), u.INR_CRORE_PER_GWH,
                          "Highest capex for one smallest plant (high end), across those rates",
                          rep_src, plant.sources),
        breakeven_low_grid=_q(grid_fx.map(breakeven_at("low")), u.INR_CRORE_PER_GWH,
                              "Highest capex for one smallest plant (low end), across those "
                              "rates", rep_src, plant.sources),
    )
    step = fx_grid[1] - fx_grid[0] if len(fx_grid) > 1 else FX_STEP
    edges = [fx_grid[0] - step / 2, fx_grid[-1] + step / 2]
    boundary = pd.DataFrame({"fx": edges, "capex": [breakeven_at("high")(f) for f in edges]})

    frames = Frames(
        window_sources=tuple(window_src),
        other_closes=other_closes(fx, rate, usd),
        newer_closes=newer,
        cell_benchmarks=benchmark_capacity(cell_bench, inr),
        rec_benchmarks=rec_bench,
        allocation=alloc,
        gap=gap_rows[["beneficiary", "round", "awarded_gwh", "installed_gwh", "gap_gwh",
                      "observed_date", "obs_source_id", "award_source_id"]].reset_index(
            drop=True),
        grid=grid, fx_values=tuple(fx_grid), capex_values=tuple(capex_grid), boundary=boundary,
        announcements=usable(inv[inv["status"] != "conversion_reported"]).sort_values(
            "announced_date", kind="stable").reset_index(drop=True),
        meetings=meetings.sort_values("meeting_date", kind="stable").reset_index(drop=True),
    )
    return JapanResult(rupees=rupees, capex=capex, capacity=capacity, pli_gap=pli,
                       allocation=allocation, context=context, meetings=meets, dating=dating,
                       sensitivity=sensitivity, whatif=whatif, frames=frames,
                       analysis_date=pli_delays.analysis_date)


def _context(inv: pd.DataFrame, strategy: pd.DataFrame, inr: Range, rep_src: str,
             fx_src: tuple[str, ...]) -> Context:
    """Japan's other commitments and projects: named rows of the data."""
    rows = inv.set_index("inv_id")
    js = strategy.set_index("js_id")

    def amount(inv_id: str, col: str) -> float:
        return float(rows.loc[inv_id, col])

    def src(inv_id: str) -> str:
        return rows.loc[inv_id, "source_id"]

    def when(inv_id: str, label: str) -> Quantity:
        r = rows.loc[inv_id]
        return _date(r["announced_date"], label, r["source_id"], precision=r["date_precision"])

    def year(inv_id: str, label: str) -> Quantity:
        return _q(int(rows.loc[inv_id, "announced_date"].year), u.YEAR, label, src(inv_id))

    def scope(inv_id: str, label: str) -> Quantity:
        return q_text(scope_of(rows.loc[inv_id, "japan_side"]), label, (src(inv_id),))

    target_inr = amount("jpy10tn_inr_mint", "amount_inr_cr_high")
    suzuki = amount("suzuki_bev_battery_2022", "amount_inr_cr_high")
    home_2030, home_2022 = js.loc["domestic_capacity_2030"], js.loc["domestic_capacity_2022"]
    # Every row in the data for the two parties of the IOC-Panasonic venture.
    hoa = rows.loc["ioc_panasonic_hoa"]
    ioc = usable(inv[(inv["japan_side"] == hoa["japan_side"])
                     & (inv["india_side"] == hoa["india_side"])])
    amounts = [c for c in ioc.columns if c.startswith("amount_")]
    ioc_latest = ioc.sort_values("announced_date", kind="stable").iloc[-1]
    ioc_with_amounts = ioc[ioc[amounts].notna().any(axis=1)]
    return Context(
        target_jpy=_q(amount("jpy10tn_target", "amount_jpy_bn_high"), u.JPY_BILLION,
                      "Ten-year Japanese private-investment target", src("jpy10tn_target")),
        target_date=when("jpy10tn_target", "Date the target was set"),
        target_scope=scope("jpy10tn_target", "What the ten-year target counts"),
        target_jpy_2022=_q(amount("jpy5tn_target_2022", "amount_jpy_bn_high"), u.JPY_BILLION,
                           "The 2022-2026 target", src("jpy5tn_target_2022")),
        target_2022_year=year("jpy5tn_target_2022", "Year of the earlier target"),
        target_2022_date=when("jpy5tn_target_2022", "Date the earlier target was set"),
        target_2022_scope=scope("jpy5tn_target_2022", "What the earlier target counts"),
        target_inr=_q(target_inr, u.INR_CRORE, "Ten-year target in rupees, as reported",
                      src("jpy10tn_inr_mint")),
        target_share=_q(share_of(inr, target_inr), u.SHARE,
                        "The range as a share of the ten-year target", src("jpy10tn_inr_mint"),
                        rep_src, fx_src),
        suzuki_inr=_q(suzuki, u.INR_CRORE, "Suzuki's Gujarat battery-plant MoU",
                      src("suzuki_bev_battery_2022")),
        suzuki_date=when("suzuki_bev_battery_2022", "Date of Suzuki's Gujarat MoU"),
        suzuki_total_inr=_q(amount("suzuki_total_2022", "amount_inr_cr_high"), u.INR_CRORE,
                            "Suzuki's Gujarat MoU, all of it", src("suzuki_total_2022")),
        suzuki_share=_q(inr.high / suzuki, u.SHARE,
                        "High end as a share of Suzuki's battery-plant MoU",
                        src("suzuki_bev_battery_2022"), rep_src, fx_src, sig=2),
        tdsg_2017_usd=_q(amount("tdsg_2017", "amount_usd_mn_high"), u.USD_MILLION,
                         "TDSG's initial investment", src("tdsg_2017")),
        tdsg_2017_year=year("tdsg_2017", "Year of TDSG's initial investment"),
        tdsg_mou_inr=_q(amount("tdsg_2019_mou", "amount_inr_cr_high"), u.INR_CRORE,
                        "TDSG's Gujarat cell-plant MoU", src("tdsg_2019_mou")),
        tdsg_electrodes_date=when("tdsg_2025_electrodes", "TDSG electrode production began"),
        ioc_hoa_date=when("ioc_panasonic_hoa", "IOC-Panasonic heads of agreement"),
        ioc_sheet_date=when("ioc_panasonic_term_sheet", "IOC-Panasonic binding term sheet"),
        ioc_latest=_date(ioc_latest["announced_date"], "Latest IOC-Panasonic report",
                         ioc_latest["source_id"], precision=ioc_latest["date_precision"]),
        n_ioc_amounts=_q(len(ioc_with_amounts), u.COUNT, "IOC-Panasonic reports with an amount",
                         ioc),
        japan_home_base=_q(float(home_2022["value_high"]), u.GWH,
                           "Japan's domestic battery capacity, 2022", home_2022["source_id"]),
        japan_home_base_year=_q(int(pd.Timestamp(home_2022["statement_date"]).year), u.YEAR,
                                "Year of Japan's domestic capacity figure",
                                home_2022["source_id"]),
        japan_home_goal=_q(float(home_2030["value_high"]), u.GWH,
                           "Japan's 2030 domestic battery-capacity target",
                           home_2030["source_id"]),
        japan_home_year=_q(int(home_2030["target_year"]), u.YEAR,
                           "Target year of Japan's domestic capacity goal",
                           home_2030["source_id"]),
    )


def _dating(analysis: AnalysisDate, reported: pd.Series, inv: pd.DataFrame,
            meetings: pd.DataFrame, rate: RunRate, observed: pd.Series,
            gap_rows: pd.DataFrame) -> Dating:
    """The run's date, when the range was reported, and the newest dated row the page
    shows (announcements, meetings, the close used, the PLI reports)."""
    shown = usable(inv)
    dated = [(d, p, s) for d, p, s in zip(shown["announced_date"], shown["date_precision"],
                                          shown["source_id"], strict=True) if pd.notna(d)]
    dated += [(d, p, s) for d, p, s in zip(meetings["meeting_date"], meetings["date_precision"],
                                           meetings["source_id"], strict=True) if pd.notna(d)]
    if rate.day is not None:
        dated += [(rate.day, "day", s) for s in rate.sources]
    for d in observed:
        dated += [(d, "day", s) for s in
                  gap_rows.loc[gap_rows["observed_date"] == d, "obs_source_id"].dropna()]
    newest = max(d for d, _, _ in dated)
    at_newest = [(p, s) for d, p, s in dated if d == newest]
    precision = next((p for p, _ in at_newest if p == "day"), at_newest[0][0])
    return Dating(
        run_as_of=_date(analysis.day, "Date the analysis is taken at", analysis.sources),
        range_reported=_date(reported["announced_date"], "When the range was reported",
                             reported["source_id"], precision=reported["date_precision"]),
        newest_fact=_date(newest, "Newest dated fact on this page",
                          [s for _, s in at_newest], precision=precision),
    )
