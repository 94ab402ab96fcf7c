"""Computations for the Japanese-investment chapter: a reported USD range turned into
rupees, cell and recycling capacity, and shares of the PLI-ACC gap.

Every amount stays a :class:`~batteryreport.ranges.Range` from input to result, so the
low end of an answer is computed from the least favourable ends of its inputs and the
high end from the most favourable ones. Units are in the names: ``usd_mn`` (US$ million),
``inr_cr`` (₹ crore), ``gwh``, ``kt`` (thousand tonnes a year of recycling capacity).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from batteryreport.chapters.pli import capacity_gap_gwh, promised_vs_built, resolve_as_of
from batteryreport.core.money import implied_rate, rate_on, usd_mn_to_inr_cr
from batteryreport.core.ranges import Range
from batteryreport.present import fmt

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


@dataclass(frozen=True)
class RunRate:
    """The exchange rate a run uses and where it came from."""

    inr_per_usd: float
    date: pd.Timestamp | None  # None when set by a parameter
    source_ids: tuple[str, ...]

    @property
    def from_parameter(self) -> bool:
        return self.date is None


def run_rate(fx: pd.DataFrame, param: float | None, as_of: dt.date | str | None = None) -> RunRate:
    """The parameter if given, else the latest preferred market close on or before
    ``as_of`` (the mean where one date holds several preferred closes)."""
    if param is not None:
        if not param > 0:
            raise ValueError(f"exchange rate must be positive, got {param}")
        return RunRate(float(param), None, ())
    preferred = fx[fx["preferred"].fillna(False).astype(bool)]
    when, rate = rate_on(preferred, None if as_of is None else pd.Timestamp(as_of))
    ids = preferred.loc[preferred["date"] == when, "source_id"]
    return RunRate(rate, when, tuple(sorted(set(ids))))


def closes_between(fx: pd.DataFrame, start: dt.date | pd.Timestamp,
                   end: dt.date | pd.Timestamp) -> tuple[Range, list[str]]:
    """Lowest to highest preferred close dated ``start``..``end`` (inclusive), with the
    source ids of those rows."""
    rows = fx[fx["preferred"].fillna(False).astype(bool)
              & (fx["date"] >= pd.Timestamp(start)) & (fx["date"] <= pd.Timestamp(end))]
    if rows.empty:
        raise LookupError(f"no preferred close between {start} and {end}")
    return Range.of(*rows["inr_per_usd"].astype(float)), sorted(set(rows["source_id"]))


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
    GWh), unit (as reported), reported_low, reported_high, source_id.
    """
    rows = _usable(cb[cb["metric"] == CELL_METRIC])
    rows = rows[((rows["scope"] == "india") & (rows["unit"] == INR_PER_GWH))
                | ((rows["scope"] != "india") & (rows["unit"] == USD_PER_GWH))]
    return _benchmark_frame(rows, lambda u, v: _per_gwh_inr(u, v, inr_per_usd))


def recycling_capex_benchmarks(cb: pd.DataFrame, inr_per_usd: float) -> pd.DataFrame:
    """Preferred recycling capex benchmarks in ₹ crore per 1,000 t a year of capacity."""
    rows = _usable(cb[cb["metric"] == RECYCLING_METRIC])
    return _benchmark_frame(rows, lambda u, v: _per_kt_inr(u, v, inr_per_usd))


def _usable(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows the report uses: preferred, and not ruled unverifiable by the fact-check."""
    keep = rows["preferred"].fillna(False).astype(bool)
    if "verification" in rows:
        keep &= rows["verification"] != "unverifiable"
    return rows[keep]


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
                    "reported_high": float(r["value_high"]), "source_id": r["source_id"]})
    cols = ["cb_id", "scope", "subject", "year", "kind", "low", "high", "unit",
            "reported_low", "reported_high", "source_id"]
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


# --------------------------------------------------------------------------- the PLI gap


@dataclass(frozen=True)
class PliGap:
    awarded_gwh: float
    installed_gwh: float
    unbuilt_gwh: float
    by_beneficiary: pd.DataFrame  # beneficiary, awarded_gwh, installed_gwh, unbuilt_gwh, ...
    source_ids: tuple[str, ...]


def pli_gap(awards: pd.DataFrame, obs: pd.DataFrame,
            as_of: dt.date | str | pd.Timestamp | None = None) -> PliGap:
    """Awarded minus installed ACC capacity, per beneficiary of an award standing on
    ``as_of`` (default: the latest observation), computed exactly as the PLI chapter does
    (:func:`batteryreport.pli.promised_vs_built`), so the two chapters cannot disagree.
    """
    table, _ = promised_vs_built(awards, obs, resolve_as_of(as_of, obs["observed_date"]))
    frame = (table.groupby("beneficiary", sort=True)
             .agg(awarded_gwh=("awarded_gwh", "sum"), installed_gwh=("installed_gwh", "max"),
                  observed_on=("observed_date", "max"), obs_source_id=("obs_source_id", "first"))
             .reset_index())
    frame["unbuilt_gwh"] = [capacity_gap_gwh(i, a) for i, a in
                            zip(frame["installed_gwh"], frame["awarded_gwh"], strict=True)]
    frame = frame[["beneficiary", "awarded_gwh", "installed_gwh", "unbuilt_gwh", "observed_on",
                   "obs_source_id"]]
    ids = set(table["award_source_id"]) | set(table["obs_source_id"].dropna())
    return PliGap(float(frame["awarded_gwh"].sum()), float(frame["installed_gwh"].sum()),
                  float(frame["unbuilt_gwh"].sum()), frame, tuple(sorted(ids)))


def share_of(part: Range, whole: float) -> Range:
    """A range as a share of a positive total (0.25 for a quarter)."""
    if not whole > 0:
        raise ValueError("the total must be positive")
    return part / whole


def scheme_term(terms: pd.DataFrame, term_id: str) -> tuple[float, str]:
    """A PLI scheme term's value and source id (preferred rows only)."""
    rows = _usable(terms[terms["term_id"] == term_id])
    if len(rows) != 1:
        raise LookupError(f"expected one preferred pli_scheme_terms row {term_id!r}, "
                          f"found {len(rows)}")
    row = rows.iloc[0]
    return float(row["value"]), str(row["source_id"])


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
    return pd.DataFrame(rows)


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
    a ``plant_gwh`` plant. Columns: fx, capex, gwh_low, gwh_high, verdict, label."""
    rows = []
    for fx in fx_values:
        inr = inr_range(usd_mn, fx)
        for capex in capex_values:
            g = gwh_fundable(inr, Range.point(capex))
            rows.append({"fx": float(fx), "capex": float(capex), "gwh_low": g.low,
                         "gwh_high": g.high, "verdict": plant_verdict(g, plant_gwh),
                         "label": fmt.span(g, fmt.number)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- text


def jpy_bn_text(value_bn: float) -> str:
    """Yen from JPY billion: ¥150 billion; ¥10 trillion from 1,000 billion up."""
    if abs(value_bn) >= 1000:
        return f"\u00a5{fmt.number(value_bn / 1000)} trillion"
    return f"\u00a5{fmt.number(value_bn)} billion"


def amount_text(row: Mapping[str, object]) -> str:
    """An announcement's amount as reported, in every currency given ("" if none)."""
    parts = []

    def pair(lo_key: str, hi_key: str, f) -> None:
        lo, hi = row.get(lo_key), row.get(hi_key)
        if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
            return
        parts.append(fmt.span(Range(float(lo), float(hi)), f, sig=None))

    pair("amount_usd_mn_low", "amount_usd_mn_high", fmt.usd_million)
    pair("amount_inr_cr_low", "amount_inr_cr_high", fmt.inr_crore)
    lo, hi = row.get("amount_jpy_bn_low"), row.get("amount_jpy_bn_high")
    if lo is not None and hi is not None and not pd.isna(lo) and not pd.isna(hi):
        parts.append(jpy_bn_text(float(lo)) if lo == hi
                     else f"{jpy_bn_text(float(lo))}{fmt.DASH}{jpy_bn_text(float(hi))}")
    return " / ".join(parts)


def share_text(r: Range) -> str:
    """A share range as percentages to 2 significant figures ("2.6–36%")."""
    return fmt.span(r * 100, fmt.number) + "%"


def ends_reaching(r: Range, threshold: float) -> str:
    """Which ends of a range reach ``threshold``, as words for the middle of a sentence:
    "both ends", "only the high end" or "neither end"."""
    return plant_verdict(r, threshold).lower()


def wrap_label(text: str, width: int = 34) -> str:
    """A long chart label broken into lines (joined with newlines) of at most ``width``
    characters where the words allow."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width=width)) or str(text)


# --------------------------------------------------------------------------- tables


def source_href(source_id: str) -> str:
    """Link to a source's entry on the "Data and sources" page (same folder)."""
    from docutils.nodes import make_id

    return f"data_sources.html#{make_id('src-' + source_id)}"


def html_table(frame: pd.DataFrame, columns: Sequence[tuple[str, str]], *, caption: str,
               publishers: Mapping[str, str] | None = None, source_col: str = "source_id",
               numeric: Iterable[str] = ()) -> str:
    """An HTML table of ``frame`` (columns: (field, heading)), every cell escaped. The
    ``source_col`` column becomes a link to the source's entry, named by its publisher."""
    import html

    e = html.escape
    right = set(numeric)
    out = [f'<table class="br-table"><caption>{e(caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{e(head)}</th>' for _, head in columns]
    out.append("</tr></thead><tbody>")
    for _, row in frame.iterrows():
        out.append("<tr>")
        for col, _ in columns:
            value = row[col]
            text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) \
                else str(value)
            if col == source_col and text:
                name = (publishers or {}).get(text, text)
                cell = f'<a href="{e(source_href(text), quote=True)}">{e(name)}</a>'
            else:
                cell = e(text)
            style = ' style="text-align:right;white-space:nowrap"' if col in right else ""
            out.append(f"<td{style}>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
