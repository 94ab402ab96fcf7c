"""Computations for the recycling chapter: GWh and tonnes, recovery, capacity against need.

Units: battery energy in GWh (1 GWh = 10^6 kWh), mass in tonnes (1 t = 1,000 kg), pack
mass per energy in kg per kWh. So ``tonnes = GWh * kg_per_kWh * 1,000``: 1 GWh of packs at
6.8 kg per kWh weighs 6,800 tonnes. Shares are fractions (0.9 for 90%).

The pure helpers come first; :func:`analyse`, at the end, is the chapter's entry point: the
tables and the run's pack mass in, a :class:`RecyclingResult` out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import date as q_date
from batteryreport.core.quantity import missing as q_missing
from batteryreport.core.quantity import text as q_text
from batteryreport.core.ranges import Range
from batteryreport.data.rows import sources_of, usable

KWH_PER_GWH = 1_000_000
KG_PER_TONNE = 1_000


def _positive(x: float | Range, what: str) -> None:
    low = x.low if isinstance(x, Range) else x
    if not low > 0:
        raise ValueError(f"{what} must be positive, got {x}")


def _share(x: float | Range, what: str) -> None:
    lo, hi = (x.low, x.high) if isinstance(x, Range) else (x, x)
    if not (0 <= lo <= hi <= 1):
        raise ValueError(f"{what} must be a share between 0 and 1, got {x}")


# --------------------------------------------------------------------------- units


def kg_per_kwh(wh_per_kg: float) -> float:
    """Pack mass per kWh from pack energy density: 148 Wh/kg is about 6.76 kg per kWh."""
    _positive(wh_per_kg, "energy density")
    return 1000 / wh_per_kg


def gwh_to_tonnes(gwh: float | Range, kg_kwh: float | Range) -> float | Range:
    """Mass of batteries holding ``gwh`` at ``kg_kwh`` kg per kWh, in tonnes."""
    _positive(kg_kwh, "kg per kWh")
    if isinstance(gwh, Range) or isinstance(kg_kwh, Range):
        if Range.coerce(gwh).low < 0:
            raise ValueError("GWh cannot be negative")
        return Range.coerce(gwh) * Range.coerce(kg_kwh) * (KWH_PER_GWH / KG_PER_TONNE)
    if gwh < 0:
        raise ValueError("GWh cannot be negative")
    return gwh * kg_kwh * KWH_PER_GWH / KG_PER_TONNE


def tonnes_to_gwh(tonnes: float | Range, kg_kwh: float | Range) -> float | Range:
    """Energy held by ``tonnes`` of batteries at ``kg_kwh`` kg per kWh, in GWh."""
    _positive(kg_kwh, "kg per kWh")
    if isinstance(tonnes, Range) or isinstance(kg_kwh, Range):
        return Range.coerce(tonnes) * (KG_PER_TONNE / KWH_PER_GWH) / Range.coerce(kg_kwh)
    return tonnes * KG_PER_TONNE / KWH_PER_GWH / kg_kwh


def pack_mass_span(intensity: pd.DataFrame) -> Range:
    """Plausible span of pack mass per kWh: every preferred pack energy density in the
    material-intensity table, turned into kg per kWh (lighter packs give the low end)."""
    rows = intensity[(intensity["item"] == "battery_pack")
                     & (intensity["metric"] == "pack_energy_density")
                     & (intensity["unit"] == "Wh/kg")
                     & intensity["preferred"].astype(bool)]
    if rows.empty:
        raise LookupError("no pack energy density rows")
    values = [float(v) for v in pd.concat([rows["value_low"], rows["value_high"]]).dropna()]
    return Range.of(*(kg_per_kwh(v) for v in values))


def metal_content(intensity: pd.DataFrame, metal: str) -> tuple[float, list[str]]:
    """Preferred kg-per-kWh content of ``metal`` and the source ids it comes from."""
    rows = intensity[(intensity["item"] == metal)
                     & (intensity["metric"] == "content_per_energy")
                     & (intensity["unit"] == "kg per kWh")
                     & intensity["preferred"].astype(bool)]
    if len(rows) != 1:
        raise LookupError(f"expected one preferred content row for {metal}, found {len(rows)}")
    row = rows.iloc[0]
    return float(row["value_high"]), [str(row["source_id"])]


def derived_kg_per_kwh(tonnes: float, gwh: float) -> float:
    """kg per kWh implied by a stated pair of tonnes and GWh (a recycler's two capacity
    figures for the same plants): 20,000 t for 2 GWh is 10 kg per kWh."""
    _positive(gwh, "GWh")
    if tonnes < 0:
        raise ValueError("tonnes cannot be negative")
    return tonnes * KG_PER_TONNE / (gwh * KWH_PER_GWH)


# --------------------------------------------------------------------------- projections


def projection_range(row: pd.Series) -> Range:
    """A projection row's low-high values (a lone value is a point; 'up to' is 0 to high)."""
    low, high = row["value_low"], row["value_high"]
    if pd.isna(high) and pd.isna(low):
        raise ValueError(f"row {row.get('eol_id', '?')} has no value")
    if pd.isna(high):
        high = low
    if pd.isna(low):
        low = 0.0
    return Range(float(low), float(high))


def eol_in_gwh(eol: pd.DataFrame, headline_only: bool = True) -> pd.DataFrame:
    """End-of-life, recycled and reuse projections stated in GWh, one row each, with the
    range as ``gwh`` (a :class:`Range`). ``headline_only`` drops unverifiable rows."""
    rows = eol[(eol["unit"] == "GWh") & eol["preferred"].astype(bool)].copy()
    if headline_only:
        rows = rows[rows["verification"] != "unverifiable"]
    rows["gwh"] = [projection_range(r) for _, r in rows.iterrows()]
    return rows.reset_index(drop=True)


def share_of(eol: pd.DataFrame, eol_id: str) -> tuple[Range, str]:
    """A percentage row of the projections table as a share range, with its source id."""
    row = eol.loc[eol["eol_id"] == eol_id]
    if len(row) != 1 or row.iloc[0]["unit"] != "%":
        raise LookupError(f"no percentage row {eol_id!r}")
    r = projection_range(row.iloc[0])
    return Range(r.low / 100, r.high / 100), str(row.iloc[0]["source_id"])


# --------------------------------------------------------------------------- the 2022 rules


def target_for_year(targets: pd.DataFrame, target_type: str, fy_end_year: int,
                    battery_type: str = "ev") -> float | None:
    """Target share in force in the fiscal year ending ``fy_end_year``: the row for that
    year, or the latest earlier row marked ``applies_onward`` (None before any target)."""
    rows = targets[(targets["target_type"] == target_type)
                   & (targets["battery_type"] == battery_type)].sort_values("fy_end_year")
    exact = rows[rows["fy_end_year"] == fy_end_year]
    if not exact.empty:
        return float(exact.iloc[-1]["target_pct"]) / 100
    earlier = rows[(rows["fy_end_year"] < fy_end_year) & rows["applies_onward"].astype(bool)]
    if earlier.empty:
        return None
    return float(earlier.iloc[-1]["target_pct"]) / 100


def recovered_tonnes(battery_tonnes: float | Range, recovery_share: float | Range,
                     collection_share: float | Range = 1.0) -> float | Range:
    """Material recovered from ``battery_tonnes`` at end of life when ``collection_share``
    of them is collected and ``recovery_share`` of the collected dry weight is recovered."""
    _share(recovery_share, "recovery share")
    _share(collection_share, "collection share")
    if isinstance(battery_tonnes, Range) or isinstance(recovery_share, Range) \
            or isinstance(collection_share, Range):
        return (Range.coerce(battery_tonnes) * Range.coerce(collection_share)
                * Range.coerce(recovery_share))
    return battery_tonnes * collection_share * recovery_share


def recycled_content_tonnes(new_gwh: float | Range, kg_kwh: float | Range,
                            content_share: float) -> float | Range:
    """Recycled material a year's new batteries must contain, reading the content target as
    a share of battery mass."""
    _share(content_share, "content share")
    mass = gwh_to_tonnes(new_gwh, kg_kwh)
    return mass * content_share


# --------------------------------------------------------------------------- capacity


def _claims(capacity: pd.DataFrame) -> pd.DataFrame:
    """Li-ion recycling capacity claims in tonnes a year that may enter a total: preferred,
    not unverifiable, in tonnes, for Li-ion batteries as input (not output products)."""
    rows = capacity[(capacity["feedstock"] == "li_ion_batteries")
                    & capacity["metric"].isin(["recycling_capacity", "input_capacity"])
                    & capacity["capacity_tonnes_per_year"].notna()
                    & capacity["preferred"].astype(bool)
                    & (capacity["verification"] != "unverifiable")].copy()
    rows["from_year"] = [
        int(r["target_year"]) if r["status"] == "planned" and pd.notna(r["target_year"])
        else (int(pd.Timestamp(r["statement_date"]).year) if pd.notna(r["statement_date"])
              else None)
        for _, r in rows.iterrows()
    ]
    return rows[rows["from_year"].notna()]


def last_claim_year(capacity: pd.DataFrame) -> int:
    """Year of the newest dated capacity statement: claims are not projected beyond it."""
    dates = capacity["statement_date"].dropna()
    if dates.empty:
        raise LookupError("no dated capacity statements")
    return int(pd.Timestamp(dates.max()).year)


# Two reports of one firm's capacity describe the same time when their dates (as precisely
# as they are known) lie within this many days of each other, and disagree when one figure
# is more than CONFLICT_FACTOR times the other. An older figure outside the window that a
# newer one replaces is history, not a disagreement.
CONFLICT_WINDOW_DAYS = 365
CONFLICT_FACTOR = 1.5


def period(date: Any, precision: Any = "day") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The span of time a date stands for: the day itself, its month or its year."""
    d = pd.Timestamp(date).normalize()
    if precision == "year":
        return pd.Timestamp(d.year, 1, 1), pd.Timestamp(d.year, 12, 31)
    if precision == "month":
        start = d.replace(day=1)
        return start, start + pd.offsets.MonthEnd(0)
    return d, d


def within(a: tuple[pd.Timestamp, pd.Timestamp], b: tuple[pd.Timestamp, pd.Timestamp],
           days: int = CONFLICT_WINDOW_DAYS) -> bool:
    """Whether two periods lie within ``days`` of each other (overlapping ones do)."""
    gap = max(a[0], b[0]) - min(a[1], b[1])
    return gap.days <= days


def _statements(capacity: pd.DataFrame) -> pd.DataFrame:
    """Dated reports of a firm's existing Li-ion recycling capacity, preferred or not, in
    one of two measures: tonnes of batteries a year ("t") or GWh of batteries a year."""
    dated = capacity[capacity["statement_date"].notna() & (capacity["status"] == "existing")]
    tonnes = dated[(dated["feedstock"] == "li_ion_batteries")
                   & dated["metric"].isin(["recycling_capacity", "input_capacity"])
                   & dated["capacity_tonnes_per_year"].notna()]
    out = [tonnes.assign(measure="t", value=tonnes["capacity_tonnes_per_year"].astype(float))]
    if "capacity_gwh_per_year" in dated:
        gwh = dated[(dated["feedstock"] == "battery_capacity")
                    & (dated["metric"] == "recycling_capacity")
                    & dated["capacity_gwh_per_year"].notna()]
        out.append(gwh.assign(measure="GWh", value=gwh["capacity_gwh_per_year"].astype(float)))
    rows = pd.concat(out, ignore_index=True)
    if "date_precision" not in rows:
        rows["date_precision"] = "day"
    return rows


def capacity_conflicts(capacity: pd.DataFrame, window_days: int = CONFLICT_WINDOW_DAYS,
                       factor: float = CONFLICT_FACTOR) -> pd.DataFrame:
    """Reports that disagree about one firm's existing recycling capacity: the same company
    and measure, dated within ``window_days`` of each other, one figure more than ``factor``
    times the other. One row per pair, the preferred (else the older) report first: company,
    measure, rc_id, value, date, precision, and other_rc_id, other_value, other_date,
    other_precision, sources."""
    rows = _statements(capacity)
    rows = rows.assign(pref=rows["preferred"].fillna(False).astype(bool))
    out = []
    for (company, measure), group in rows.groupby(["company", "measure"]):
        g = group.sort_values(["pref", "statement_date"], ascending=[False, True])
        recs = list(g.iterrows())
        for i, (_, a) in enumerate(recs):
            for _, b in recs[i + 1:]:
                lo, hi = sorted((float(a["value"]), float(b["value"])))
                if not (lo > 0 and hi > factor * lo):
                    continue
                if not within(period(a["statement_date"], a["date_precision"]),
                              period(b["statement_date"], b["date_precision"]), window_days):
                    continue
                out.append({
                    "company": company, "measure": measure,
                    "rc_id": a["rc_id"], "value": float(a["value"]),
                    "date": a["statement_date"], "precision": a["date_precision"],
                    "other_rc_id": b["rc_id"], "other_value": float(b["value"]),
                    "other_date": b["statement_date"], "other_precision": b["date_precision"],
                    "sources": sources_of(a["source_id"], b["source_id"])})
    cols = ["company", "measure", "rc_id", "value", "date", "precision", "other_rc_id",
            "other_value", "other_date", "other_precision", "sources"]
    return pd.DataFrame(out, columns=cols)


def disputed_claims(capacity: pd.DataFrame, conflicts: pd.DataFrame | None = None,
                    window_days: int = CONFLICT_WINDOW_DAYS) -> set[str]:
    """The tonnes claims (those that may enter the total) of a firm whose reports disagree
    (:func:`capacity_conflicts`), dated within the window of the disagreeing reports."""
    conflicts = capacity_conflicts(capacity) if conflicts is None else conflicts
    claims = _claims(capacity)
    if "date_precision" not in claims:
        claims = claims.assign(date_precision="day")
    out: set[str] = set()
    for _, c in conflicts.iterrows():
        spans = [period(c["date"], c["precision"]),
                 period(c["other_date"], c["other_precision"])]
        mine = claims[(claims["company"] == c["company"]) & claims["statement_date"].notna()]
        for _, r in mine.iterrows():
            if any(within(period(r["statement_date"], r["date_precision"]), s, window_days)
                   for s in spans):
                out.add(str(r["rc_id"]))
    return out


def capacity_by_year(capacity: pd.DataFrame, years: Iterable[int],
                     cutoff_year: int | None = None,
                     disputed: set[str] | None = None) -> pd.DataFrame:
    """Stated Li-ion recycling capacity in India by year, tonnes a year.

    A claim stays in force until the same company states another; plans count from their
    target year, if that year is no later than ``cutoff_year`` (the newest statement; plans
    due later are not counted); nothing grows after the cutoff. ``disputed`` claims (by
    default :func:`disputed_claims`) are those another report of the same firm contradicts.
    Columns:

    - ``low``: each company's latest *existing* claim that no report contradicts;
    - ``low_all``: each company's latest existing claim, disputed or not;
    - ``high``: each company's latest claim, planned capacity whose date has come included;
    - ``high_undisputed``: the same without disputed claims;
    - ``sources``: the source ids used.
    """
    rows = _claims(capacity)
    cutoff = last_claim_year(capacity) if cutoff_year is None else cutoff_year
    rows = rows[~((rows["status"] == "planned") & (rows["from_year"] > cutoff))]
    disputed = disputed_claims(capacity) if disputed is None else disputed
    # Plain records, by company in name order (pandas' groupby order): filtering frames for
    # every year and company took longer than the rest of the chapter's analysis.
    by_company: dict[str, list[dict[str, Any]]] = {}
    for claim in rows.to_dict("records"):
        if not pd.isna(claim["company"]):
            by_company.setdefault(claim["company"], []).append(claim)
    out = []
    for year in years:
        totals = {"low": 0.0, "low_all": 0.0, "high": 0.0, "high_undisputed": 0.0}
        used: set[str] = set()
        for company in sorted(by_company):
            live = sorted((c for c in by_company[company] if c["from_year"] <= year),
                          key=lambda c: c["from_year"])  # (stable: the table's order)
            sure = [c for c in live if str(c["rc_id"]) not in disputed]
            for key, claims in (("low", [c for c in sure if c["status"] == "existing"]),
                                ("low_all", [c for c in live if c["status"] == "existing"]),
                                ("high", live), ("high_undisputed", sure)):
                if claims:
                    last = claims[-1]
                    totals[key] += float(last["capacity_tonnes_per_year"])
                    used.add(str(last["source_id"]))
        out.append({"year": int(year), "low": totals["low"], "low_all": totals["low_all"],
                    "high": max(totals["high"], totals["low_all"]),
                    "high_undisputed": max(totals["high_undisputed"], totals["low"]),
                    "sources": sorted(used)})
    return pd.DataFrame(out, columns=["year", "low", "low_all", "high", "high_undisputed",
                                      "sources"])


def cumulative(frame: pd.DataFrame, columns: Iterable[str] = ("low", "high")) -> pd.DataFrame:
    """Running totals of yearly columns (capacity over the years = tonnes processable)."""
    out = frame.sort_values("year").copy()
    for col in columns:
        out[col] = out[col].cumsum()
    return out


def coverage(capacity_tonnes: Range, need_tonnes: Range) -> Range:
    """Share of a need that capacity covers, pessimistic to optimistic (may exceed 1)."""
    _positive(need_tonnes, "need")
    return capacity_tonnes / need_tonnes


def larger_gap(cover: Range, recycled: Range) -> tuple[str, Range, Range]:
    """Which stands more between a year's spent batteries and recycling: plant capacity or
    collection. ``cover`` is stated capacity as a share of the year's spent batteries,
    ``recycled`` the share of them recycled into materials that year.

    The capacity gap is the share plants could not take even if every battery were
    collected (one less ``cover``, not below zero). The collection gap is the share plants
    could take but that is not recycled (``cover``, at most one, less ``recycled``). One gap
    is the larger only if it is larger at both ends of the ranges: "collection" or
    "capacity"; otherwise "unclear". Returns the verdict and the two gaps (shares).
    """
    _share(recycled, "recycled share")
    if cover.low < 0:
        raise ValueError("capacity cannot be negative")
    cap_gap = Range(max(0.0, 1 - cover.high), max(0.0, 1 - cover.low))
    coll_gap = Range(max(0.0, min(cover.low, 1.0) - recycled.high),
                     max(0.0, min(cover.high, 1.0) - recycled.low))
    if coll_gap.low > cap_gap.high:
        verdict = "collection"
    elif cap_gap.low > coll_gap.high:
        verdict = "capacity"
    else:
        verdict = "unclear"
    return verdict, cap_gap, coll_gap


def scheme_value(scheme: pd.DataFrame, term_id: str) -> tuple[Range, str]:
    """A recycling-scheme term as a range ('at least' has no high end: a point at the low
    end) with its source id."""
    row = scheme.loc[scheme["term_id"] == term_id]
    if len(row) != 1:
        raise LookupError(f"no scheme term {term_id!r}")
    r = row.iloc[0]
    low = r["value_low"] if pd.notna(r["value_low"]) else r["value_high"]
    high = r["value_high"] if pd.notna(r["value_high"]) else r["value_low"]
    return Range(float(low), float(high)), str(r["source_id"])


# --------------------------------------------------------------------------- recovery


def recovery_by_route(rates: pd.DataFrame,
                      metals: tuple[str, ...] = ("lithium", "cobalt", "nickel")) -> pd.DataFrame:
    """Recovery shares by route and metal, from peer-reviewed process data and regulatory
    benchmarks (company claims are left out). Columns: route, metal, share (Range), basis,
    sources.

    - Hydrometallurgy: over 99% of metals leach into solution; lithium then loses up to
      30% by co-precipitation, so lithium is 0.99*(1-0.30) to 0.99. Cobalt and nickel take
      the leach figure, an upper bound for the final product.
    - Pyrometallurgy (laboratory arc furnace): the stated yields, lithium to the slag.
    - EU targets for 2027 and 2031, as benchmarks.
    """
    out = []

    def first(mask) -> pd.Series:
        sel = rates[mask]
        if sel.empty:
            raise LookupError("recovery-rate row missing")
        return sel.iloc[0]

    leach = first((rates["process"] == "hydrometallurgy") & (rates["metric"] == "leach_transfer"))
    leach_share = float(leach["rate_pct_low"]) / 100
    for metal in metals:
        if metal == "lithium":
            loss = first((rates["process"] == "hydrometallurgy")
                         & (rates["metal"] == "lithium") & (rates["metric"] == "loss"))
            share = Range(leach_share * (1 - float(loss["rate_pct_high"]) / 100), leach_share)
            srcs = sorted({str(leach["source_id"]), str(loss["source_id"])})
        else:
            share, srcs = Range.point(leach_share), [str(leach["source_id"])]
        out.append({"route": "Hydrometallurgy", "metal": metal, "share": share,
                    "basis": "peer-reviewed review", "sources": srcs})
    for metal in metals:
        sel = rates[(rates["process"] == "pyrometallurgy") & (rates["metal"] == metal)]
        if sel.empty:
            continue
        r = sel.iloc[0]
        share = Range(float(r["rate_pct_low"]) / 100, float(r["rate_pct_high"]) / 100)
        out.append({"route": "Pyrometallurgy", "metal": metal, "share": share,
                    "basis": "laboratory furnace", "sources": [str(r["source_id"])]})
    eu = rates[(rates["metric"] == "recovery_target")
               & rates["jurisdiction_or_entity"].str.startswith("European Union")]
    for year in sorted(eu["year"].dropna().unique()):
        for metal in metals:
            sel = eu[(eu["year"] == year) & (eu["metal"] == metal)]
            if sel.empty:
                continue
            r = sel.iloc[0]
            out.append({"route": f"EU target {int(year)}", "metal": metal,
                        "share": Range.point(float(r["rate_pct_high"]) / 100),
                        "basis": "regulation", "sources": [str(r["source_id"])]})
    return pd.DataFrame(out)


def metal_tonnes(gwh: float | Range, content_kg_per_kwh: float,
                 share: float | Range = 1.0) -> float | Range:
    """Tonnes of a metal in ``gwh`` of batteries holding ``content_kg_per_kwh`` of it,
    times the share recovered: 128 GWh at 0.1 kg of lithium per kWh hold 12,800 t."""
    if content_kg_per_kwh < 0:
        raise ValueError("content cannot be negative")
    _share(share, "recovery share")
    contained = gwh_to_tonnes(gwh, content_kg_per_kwh) if content_kg_per_kwh > 0 else 0.0
    if isinstance(contained, Range) or isinstance(share, Range):
        return Range.coerce(contained) * Range.coerce(share)
    return contained * share


# --------------------------------------------------------------------------- row picks


def recycler_pair(capacity: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """A recycler's two statements of the same plants' capacity: a preferred Li-ion input
    (or recycling) capacity in tonnes a year and a preferred recycling capacity in GWh of
    batteries, stated by the same company on the same date. The first such company by name,
    or None. Their ratio is a pack mass per kWh (:func:`derived_kg_per_kwh`)."""
    pref = capacity[capacity["preferred"].fillna(False).astype(bool)
                    & capacity["statement_date"].notna()]
    tonnes = pref[(pref["feedstock"] == "li_ion_batteries")
                  & pref["metric"].isin(["recycling_capacity", "input_capacity"])
                  & pref["capacity_tonnes_per_year"].notna()]
    gwh = pref[(pref["feedstock"] == "battery_capacity")
               & (pref["metric"] == "recycling_capacity")
               & pref["capacity_gwh_per_year"].notna()]
    for _, t in tonnes.sort_values(["company", "statement_date"]).iterrows():
        same = gwh[(gwh["company"] == t["company"])
                   & (gwh["statement_date"] == t["statement_date"])]
        if len(same):
            return t, same.iloc[0]
    return None


_HEDGE = re.compile(r"(?:^|'|stated as )(about|approximately|nearly|close to|at least|more than|"
                    r"over|up to|maximum)\b", re.IGNORECASE)
_HEDGE_AS = {"over": "more than", "maximum": "up to", "approximately": "about"}


def stated_qualifier(note: Any, *, open_ended: bool = False,
                     open_word: str = "more than") -> str:
    """The word a source hedges its figure with, as the row's note records it: the note
    starts with it ("about", "up to 80% of ...", "stated as approximately 60 kilotonnes") or
    quotes it ("'nearly 70' companies", "'over 3,000'"); "over" is written "more than",
    "maximum" "up to" and "approximately" "about". Without one, a
    figure with no upper end (``open_ended``) takes ``open_word``; else no word."""
    m = _HEDGE.search(note if isinstance(note, str) else "")
    if m:
        word = m.group(1).lower()
        return _HEDGE_AS.get(word, word)
    return open_word if open_ended else ""


def _pick(frame: pd.DataFrame, what: str, **equal: Any) -> pd.Series:
    """The one row of ``frame`` whose columns equal ``equal`` (LookupError otherwise)."""
    rows = frame
    for col, value in equal.items():
        rows = rows[rows[col] == value]
    if len(rows) != 1:
        raise LookupError(f"expected one row for {what}, found {len(rows)}")
    return rows.iloc[0]


# =========================================================================== the chapter
# analyse(): the recycling chapter's numbers, from the data and the run's pack mass.

TABLES = ("eol_projections", "material_intensity", "bwmr_targets", "recycler_capacity",
          "recycling_scheme", "recovery_rates", "chemistry_alternatives", "li_ion_demand",
          "japan_india_meetings", "policy_events")
PARAMS = ("pack_kg_per_kwh",)
NEEDS: tuple[str, ...] = ()

PROCESSES = ("Hydrometallurgy", "Pyrometallurgy")
PRODUCTION_STAGES = ("production", "commercial_launch", "commercial", "pilot_production")
METALS = ("lithium", "cobalt", "nickel")
CONTAINED = "Contained in the batteries"


@dataclass(frozen=True)
class PackMass:
    """The assumption that turns GWh into tonnes, and what the data say about it."""

    pack_kg_per_kwh: Quantity
    pack_is_heaviest_recent: bool  # the run's value is the heaviest recent pack, rounded
    pack_sources: tuple[str, ...]
    pack_kg_span: Quantity
    pack_whkg_modern: Quantity
    pack_years_modern: Quantity
    pack_whkg_old: Quantity
    pack_year_old: Quantity
    pack_kg_heaviest_recent: Quantity  # the heaviest recent pack, kg per kWh
    # A recycler's two statements of the same plants' capacity (tonnes and GWh, same date)
    # as a check on the pack mass, and a report of the same plants that disagrees.
    check_firm: Quantity
    check_t: Quantity
    check_gwh: Quantity
    check_date: Quantity
    lohum_kg_per_kwh: Quantity  # kg per kWh the pair implies
    check_in_span: bool | None  # None: no pair in the data
    check_alt_value: Quantity  # the disagreeing report's figure (GWh or tonnes a year)
    check_alt_date: Quantity
    check_alt_kg_per_kwh: Quantity  # what the pair would imply with that figure instead
    check_alt_in_span: bool | None  # None: no report disagrees


@dataclass(frozen=True)
class Volumes:
    """End-of-life projections, in GWh as published and in tonnes at the pack mass."""

    eol_year: Quantity
    eol_niti_gwh: Quantity
    eol_niti_t: Quantity
    eol_niti_kt: Quantity
    eol_niti_t_span: Quantity
    eol_rmi_gwh: Quantity
    eol_rmi_t: Quantity
    eol_rmi_t_span: Quantity
    eol_reuse_gwh: Quantity
    eol_deploy_gwh: Quantity
    niti_vs_rmi: Quantity
    eol_niti_ev_gwh: Quantity
    recycled_share_now: Quantity
    recycled_share_year: Quantity
    informal_share: Quantity
    rmi_accounting: str  # "cumulative", "annual" or "unspecified": what RMI's figure counts
    niti_ev_verification: str  # the fact-check's verdict on NITI's EV-only sub-figure


@dataclass(frozen=True)
class Rules:
    """The Battery Waste Management Rules' EV targets and what they imply."""

    bwmr_notified: Quantity
    bwmr_recovery_first: Quantity
    bwmr_recovery_first_fy: Quantity
    bwmr_recovery_last: Quantity
    bwmr_recovery_last_fy: Quantity
    bwmr_collection: Quantity
    bwmr_collection_fy: Quantity
    bwmr_content_first: Quantity
    bwmr_content_first_fy: Quantity
    bwmr_content_last: Quantity
    bwmr_content_last_fy: Quantity
    bwmr_loop_share: Quantity
    bwmr_loop_fy: Quantity  # the year from which both targets apply
    bwmr_rmi_recovered_t: Quantity
    demand_horizon_gwh: Quantity
    content_need_t: Quantity


@dataclass(frozen=True)
class Dispute:
    """A capacity claim in the total that another report of the same firm contradicts."""

    company: str
    claim_t: Quantity  # the claim, tonnes a year
    claim_date: Quantity
    value: Quantity  # the report that goes with the claim (GWh or tonnes a year)
    other_value: Quantity  # the report that disagrees, in the same measure
    other_date: Quantity


@dataclass(frozen=True)
class LatePlan:
    """A capacity plan left out because it falls due after the newest claim."""

    company: str
    facility: str  # "" when the data name none
    tonnes: Quantity  # tonnes a year
    year: Quantity


@dataclass(frozen=True)
class Capacity:
    """Stated recycling capacity (company claims) against the projected volumes."""

    capacity_stated_t: Quantity  # low: undisputed existing plants; high: every claim
    cap_cutoff_year: Quantity
    cap_start_year: Quantity
    cap_companies: Quantity
    cap_excluded: Quantity  # unverifiable claims left out
    cap_excluded_undated: Quantity  # of those, how many are undated
    cap_undated_other: Quantity  # undated claims left out that are not unverifiable
    cap_plans_counted: Quantity  # plans whose date has passed, in the high end
    cap_company_claims: Quantity  # of the claims in the total, how many are company claims
    cap_in_total: Quantity  # claims in the total in the newest year
    n_claims: Quantity  # every numeric Li-ion capacity claim, verified or not
    n_claim_firms: Quantity
    n_claims_unverifiable: Quantity
    capacity_cum_t: Quantity
    cover_niti: Quantity
    cover_rmi: Quantity  # RMI's figure read as a total to the horizon
    cover_rmi_annual: Quantity  # RMI's figure read as the flow of the horizon year
    disputes: tuple[Dispute, ...]
    late_plans: tuple[LatePlan, ...]


@dataclass(frozen=True)
class AnnualGap:
    """One year's spent batteries against that year's stated capacity and what is recycled:
    is plant capacity or collection the larger gap (:func:`larger_gap`)?"""

    eol_flow_t: Quantity  # spent Li-ion batteries a year, all uses
    eol_flow_year: Quantity
    cap_flow_year_t: Quantity  # stated capacity in that year (as capacity_stated_t)
    cover_flow: Quantity  # capacity as a share of the flow
    cover_flow_face: Quantity  # ... counting disputed claims at face value
    cover_flow_undisputed: Quantity  # ... leaving disputed claims out
    gap_capacity: Quantity  # share of the flow plants could not take
    gap_collection: Quantity  # share plants could take that is not recycled
    verdict: str  # "collection", "capacity", "unclear"; "no flow"; "other years"
    verdict_face: str
    verdict_undisputed: str
    eol_flow_verification: str  # the fact-check's verdict on the yearly flow ("" if none)


@dataclass(frozen=True)
class Scheme:
    """The 2025 recycling incentive scheme."""

    scheme_outlay: Quantity
    scheme_date: Quantity
    scheme_years: Quantity
    scheme_capacity_t: Quantity
    scheme_minerals_t: Quantity
    scheme_liion_alloc: Quantity
    scheme_liion_share: Quantity
    scheme_liion_t: Quantity
    scheme_vs_now: Quantity
    scheme_years_niti: Quantity
    scheme_other_alloc: Quantity
    scheme_other_share: Quantity
    scheme_investment_expected: Quantity
    scheme_window_closes: Quantity
    scheme_eligible: Quantity  # entities cleared as eligible (newest count)
    scheme_eligible_date: Quantity
    scheme_pledged_t: Quantity  # capacity they pledged, all feedstocks
    scheme_pledged_inr: Quantity  # investment they pledged
    scheme_pledge_vs_expected: Quantity  # pledged capacity over the Cabinet's expectation
    scheme_pledges_checked: bool  # the pledges are confirmed by the fact-check


@dataclass(frozen=True)
class Metals:
    """Metal in NITI's volume and what recycling recovers."""

    metals_li_t: Quantity
    metals_co_t: Quantity
    metals_ni_t: Quantity
    content_lithium: Quantity
    content_cobalt: Quantity
    content_nickel: Quantity
    content_year: Quantity
    hydro_leach_share: Quantity
    hydro_li_share: Quantity
    pyro_li_share: Quantity
    recovery_claims: Quantity  # recyclers' own stated recovery rates (company claims)
    eu_li_target: Quantity
    eu_li_year: Quantity
    circular_value: Quantity
    circular_year: Quantity


@dataclass(frozen=True)
class JapanTalks:
    pgm_talks_date: Quantity
    pgm_companies: Quantity


@dataclass(frozen=True)
class Sodium:
    """Sodium-ion cells: benchmarks abroad and Indian work."""

    naion_catl_whkg: Quantity
    naion_catl_year: Quantity
    naion_next_whkg: Quantity
    naion_proto_whkg: Quantity
    liion_ref_whkg: Quantity
    naion_tcg_whkg: Quantity
    naion_jncasr_cycles: Quantity
    naion_kpit_cost: Quantity
    naion_faradion: Quantity
    naion_faradion_year: Quantity
    india_stages: tuple[str, ...]  # stages of the Indian work, as the data name them
    n_figures: int  # sodium-ion figures the section shows
    n_figures_confirmed: int  # of those, confirmed by the fact-check
    faradion_production: bool  # production reported since the acquisition
    kpit_source: str  # the source id of KPIT's claim


@dataclass(frozen=True)
class WhatIf:
    """Inputs of the what-if chart beyond the quantities above (plain numbers)."""

    li_contained_t: float  # lithium in NITI's volume, tonnes
    li_route_shares: tuple[float, ...]  # every lithium recovery share in the data (0..1)
    li_recovery: Range  # the processes' lithium recovery, lowest to highest (0..1)
    eu_li_share: float  # the latest EU lithium recovery target (0..1)


@dataclass(frozen=True)
class Frames:
    """Row-level tables behind the chapter's charts and reader tables (not to be mutated)."""

    projections: pd.DataFrame  # every GWh projection, with gwh, tonnes and tonnes_span
    targets: pd.DataFrame  # the rules' targets, with tonnes_per_gwh at the pack mass
    capacity: pd.DataFrame  # stated capacity by year, cumulative: year, low, high, sources
    metals: pd.DataFrame  # metal, route, low_t, high_t, share, sources
    sodium_india: pd.DataFrame  # Indian sodium-ion work


@dataclass(frozen=True)
class RecyclingResult:
    pack: PackMass
    volumes: Volumes
    rules: Rules
    capacity: Capacity
    gap: AnnualGap
    scheme: Scheme
    metals: Metals
    japan_talks: JapanTalks
    sodium: Sodium
    whatif: WhatIf
    frames: Frames


def _q(value: Any, unit: u.Unit, label: str, *sources: Any, **hints: Any) -> Quantity:
    """A quantity whose sources are the rows (frames, rows or ids) it was computed from."""
    return Quantity(value, unit, label, sources_of(*sources), **hints)


def _date(value: Any, label: str, *sources: Any, precision: Any = "day") -> Quantity:
    return q_date(value, label, sources_of(*sources), precision)


def _text(value: Any, label: str, *sources: Any) -> Quantity:
    return q_text(str(value), label, sources_of(*sources))


def _share_or_range(r: Range) -> float | Range:
    return r.high if r.is_point else r


def _pack(intensity: pd.DataFrame, capacity: pd.DataFrame, kg: float) -> PackMass:
    packs = intensity[(intensity["item"] == "battery_pack")
                      & intensity["preferred"].astype(bool)].sort_values("year")
    modern, oldest = packs.iloc[-1], packs.iloc[0]
    src = sources_of(packs)
    heaviest_recent = kg_per_kwh(float(modern["value_low"]))
    span = pack_mass_span(intensity)
    years = re.search(r"model years (\d{4})\s*[-\u2013]\s*(\d{4})", str(modern["subject"]))
    check = _pack_check(capacity, span)
    return PackMass(
        pack_kg_per_kwh=_q(kg, u.KG_PER_KWH, "Pack mass per kWh (assumption)", src),
        pack_is_heaviest_recent=abs(kg - round(heaviest_recent, 1)) < 1e-9,
        pack_sources=src,
        pack_kg_span=_q(span, u.KG_PER_KWH, "Plausible span of pack mass per kWh", src,
                        sig=None, decimals=1),
        pack_whkg_modern=_q(Range(float(modern["value_low"]), float(modern["value_high"])),
                            u.WH_PER_KG, "Pack energy density, EV packs of recent years",
                            modern["source_id"], sig=None),
        pack_years_modern=_text(f"{years.group(1)}\u2013{years.group(2)}" if years
                                else int(modern["year"]), "Model years of the recent packs",
                                modern["source_id"]),
        pack_whkg_old=_q(float(oldest["value_low"]), u.WH_PER_KG,
                         "Pack energy density, oldest pack", oldest["source_id"]),
        pack_year_old=_q(int(oldest["year"]), u.YEAR, "Model year of the oldest pack",
                         oldest["source_id"]),
        pack_kg_heaviest_recent=_q(heaviest_recent, u.KG_PER_KWH,
                                   "Pack mass of the heaviest recent pack", modern["source_id"],
                                   sig=2),
        **check,
    )


def _pack_check(capacity: pd.DataFrame, span: Range) -> dict[str, Any]:
    """The recycler pair as a check on the pack mass, and the report that disagrees with it
    (a conflict, :func:`capacity_conflicts`, involving either figure of the pair)."""
    none = {
        "check_firm": q_missing(u.TEXT, "Recycler whose figures check the pack mass", "none"),
        "check_t": q_missing(u.TONNES_A_YEAR, "Its capacity in tonnes", "not stated"),
        "check_gwh": q_missing(u.GWH, "Its capacity in GWh a year", "not stated"),
        "check_date": q_missing(u.DATE, "Date of its two figures", "not stated"),
        "lohum_kg_per_kwh": q_missing(u.KG_PER_KWH,
                                      "kg per kWh implied by a recycler's tonnes and GWh",
                                      "not stated"),
        "check_in_span": None,
    }
    no_alt = {
        "check_alt_value": q_missing(u.GWH, "A report that disagrees", "none"),
        "check_alt_date": q_missing(u.DATE, "Date of the report that disagrees", "none"),
        "check_alt_kg_per_kwh": q_missing(u.KG_PER_KWH, "kg per kWh with that report instead",
                                          "none"),
        "check_alt_in_span": None,
    }
    pair = recycler_pair(capacity)
    if pair is None:
        return {**none, **no_alt}
    t, g = pair
    tonnes, gwh = float(t["capacity_tonnes_per_year"]), float(g["capacity_gwh_per_year"])
    implied = derived_kg_per_kwh(tonnes, gwh)
    company = str(t["company"])
    out: dict[str, Any] = {
        "check_firm": _text(company, "Recycler whose figures check the pack mass",
                            t["source_id"], g["source_id"]),
        "check_t": _q(tonnes, u.TONNES_A_YEAR, f"{company}'s capacity in tonnes",
                      t["source_id"]),
        "check_gwh": _q(gwh, u.GWH, f"{company}'s capacity in GWh a year", g["source_id"]),
        "check_date": _date(t["statement_date"], f"Date of {company}'s two figures",
                            t["source_id"], precision=t.get("date_precision", "day")),
        "lohum_kg_per_kwh": _q(implied, u.KG_PER_KWH,
                               f"kg per kWh implied by {company}'s tonnes and GWh",
                               t["source_id"], g["source_id"], sig=2),
        "check_in_span": bool(span.low <= implied <= span.high),
    }
    conflicts = capacity_conflicts(capacity)
    mine = conflicts[conflicts["rc_id"].isin([t["rc_id"], g["rc_id"]])
                     | conflicts["other_rc_id"].isin([t["rc_id"], g["rc_id"]])]
    if mine.empty:
        return {**out, **no_alt}
    c = mine.iloc[0]
    ours_first = c["rc_id"] in (t["rc_id"], g["rc_id"])
    other = ((c["other_value"], c["other_date"], c["other_precision"]) if ours_first
             else (c["value"], c["date"], c["precision"]))
    value, date, precision = other
    alt = derived_kg_per_kwh(tonnes, value) if c["measure"] == "GWh" \
        else derived_kg_per_kwh(value, gwh)
    unit = u.GWH if c["measure"] == "GWh" else u.TONNES_A_YEAR
    return {**out,
            "check_alt_value": _q(value, unit, f"{company}'s capacity in another report",
                                  c["sources"]),
            "check_alt_date": _date(date, "Date of the report that disagrees", c["sources"],
                                    precision=precision),
            "check_alt_kg_per_kwh": _q(alt, u.KG_PER_KWH,
                                       f"kg per kWh implied with {company}'s other report",
                                       c["sources"], t["source_id"], sig=2),
            "check_alt_in_span": bool(span.low <= alt <= span.high)}


def _volumes(eol: pd.DataFrame, kg: float, span: Range, pack_src: tuple[str, ...]):
    head = eol_in_gwh(eol)
    every = eol_in_gwh(eol, headline_only=False)
    niti = _pick(head, "the all-sector recycled volume", metric="recycled_volume",
                 scope="all_sectors")
    rmi = _pick(head, "the end-of-life volume", metric="eol_volume")
    reuse = _pick(head, "the reuse potential", metric="reuse_potential",
                  organisation=niti["organisation"])
    deploy = _pick(head, "the cumulative deployment", metric="cumulative_deployment",
                   organisation=niti["organisation"])
    niti_ev = _pick(every, "the EV-only recycled volume", metric="recycled_volume",
                    scope="ev_only", organisation=niti["organisation"])
    horizon = int(niti["horizon_year"])
    niti_gwh = niti["gwh"].high
    niti_t = gwh_to_tonnes(niti_gwh, kg)
    niti_span_t = gwh_to_tonnes(niti["gwh"], span)
    rmi_t = gwh_to_tonnes(rmi["gwh"], kg)
    rmi_span_t = gwh_to_tonnes(rmi["gwh"], span)
    recycled_row = _pick(eol, "the share recycled today", metric="recycled_share")
    recycled_now, src_r = share_of(eol, recycled_row["eol_id"])
    informal, src_i = share_of(eol, _pick(eol, "the share handled informally",
                                          metric="informal_share")["eol_id"])
    up_to = informal.low == 0 < informal.high  # stated with no low end: "up to 80%"
    niti_src, rmi_src = niti["source_id"], rmi["source_id"]
    q = Volumes(
        eol_year=_q(horizon, u.YEAR, "Horizon of the projections", niti_src, rmi_src),
        eol_niti_gwh=_q(niti_gwh, u.GWH, f"Li-ion recycled by {horizon}, all sectors (NITI)",
                        niti_src),
        eol_niti_t=_q(niti_t, u.TONNES, f"Li-ion recycled by {horizon}, all sectors, in tonnes",
                      niti_src, pack_src, sig=2),
        eol_niti_kt=_q(niti_t / 1000, u.KT,
                       f"Li-ion recycled by {horizon}, all sectors, in thousand tonnes",
                       niti_src, pack_src, sig=2),
        eol_niti_t_span=_q(niti_span_t, u.TONNES, "NITI volume over the pack-mass span",
                           niti_src, pack_src),
        eol_rmi_gwh=_q(rmi["gwh"], u.GWH, f"Vehicle batteries at end of life by {horizon} (RMI)",
                       rmi_src),
        eol_rmi_t=_q(rmi_t, u.TONNES, "RMI volume in tonnes", rmi_src, pack_src),
        eol_rmi_t_span=_q(rmi_span_t, u.TONNES, "RMI volume over the pack-mass span", rmi_src,
                          pack_src),
        eol_reuse_gwh=_q(reuse["gwh"].high, u.GWH,
                         f"Second-life reuse potential by {horizon} (NITI)", reuse["source_id"]),
        eol_deploy_gwh=_q(deploy["gwh"].high, u.GWH,
                          f"Li-ion deployed by {horizon}, cumulative (NITI)",
                          deploy["source_id"]),
        niti_vs_rmi=_q(Range(niti_gwh / rmi["gwh"].high, niti_gwh / rmi["gwh"].low), u.RATIO,
                       "NITI volume as a multiple of RMI's", niti_src, rmi_src),
        eol_niti_ev_gwh=_q(niti_ev["gwh"].high, u.GWH, "NITI EV sub-figure (unverifiable)",
                           niti_ev["source_id"]),
        recycled_share_now=_q(_share_or_range(recycled_now), u.SHARE,
                              "End-of-life Li-ion recycled into materials today", src_r),
        recycled_share_year=_q(int(recycled_row["horizon_year"]), u.YEAR,
                               "Year of the share recycled", src_r),
        informal_share=_q(informal.high if up_to else _share_or_range(informal), u.SHARE,
                          "Collected batteries handled informally", src_i,
                          qualifier="up to" if up_to else ""),
        rmi_accounting=str(rmi["accounting"]) if pd.notna(rmi.get("accounting"))
        else "unspecified",
        niti_ev_verification=str(niti_ev.get("verification", "unchecked")),
    )
    return q, niti, rmi, niti_t, rmi_t, (recycled_now, src_r), every


def _rules(bwmr: pd.DataFrame, events: pd.DataFrame, demand: pd.DataFrame, horizon: int,
           kg: float, rmi: pd.Series, rmi_t: Range, pack_src: tuple[str, ...]) -> Rules:
    ev = bwmr[bwmr["battery_type"] == "ev"]
    notified = _pick(events, "the rules' notification", event_id="bwmr_notified")
    rec = ev[ev["target_type"] == "material_recovery"].sort_values("fy_end_year")
    first_rec, last_rec = rec.iloc[0], rec.iloc[-1]
    coll = ev[ev["target_type"] == "collection"].sort_values("fy_end_year").iloc[0]
    content = ev[ev["target_type"] == "recycled_content"].sort_values("fy_end_year")
    c_first, c_last = content.iloc[0], content.iloc[-1]
    collection = float(coll["target_pct"]) / 100
    top_recovery = float(last_rec["target_pct"]) / 100
    loop_share = collection * top_recovery
    rmi_recovered = recovered_tonnes(rmi_t, top_recovery, collection)
    d = usable(demand[(demand["metric"] == "annual_demand") & (demand["kind"] == "projection")
                      & (demand["year"] == horizon) & demand["scenario"].isna()])
    demand_r = Range(float(d["value_gwh_low"].min()), float(d["value_gwh_high"].max()))
    need = recycled_content_tonnes(demand_r, kg, float(c_last["target_pct"]) / 100)

    def pct(row: pd.Series, label: str) -> Quantity:
        return _q(float(row["target_pct"]) / 100, u.SHARE, label, row["source_id"])

    def fy(row: pd.Series, label: str) -> Quantity:
        return _text(row["fiscal_year"], label, row["source_id"])

    return Rules(
        bwmr_notified=_date(notified["event_date"], "Battery Waste Management Rules notified",
                            notified["source_id"], precision=notified["date_precision"]),
        bwmr_recovery_first=pct(first_rec, "First EV material-recovery target"),
        bwmr_recovery_first_fy=fy(first_rec, "Year of the first recovery target"),
        bwmr_recovery_last=pct(last_rec,
                               f"EV material-recovery target from {last_rec['fiscal_year']}"),
        bwmr_recovery_last_fy=fy(last_rec, "Year the top recovery target starts"),
        bwmr_collection=pct(coll, "EV battery collection target"),
        bwmr_collection_fy=fy(coll, "Year of the collection target"),
        bwmr_content_first=pct(c_first, "First recycled-content target"),
        bwmr_content_first_fy=fy(c_first, "Year of the first recycled-content target"),
        bwmr_content_last=pct(c_last, "Recycled-content target, last year stated"),
        bwmr_content_last_fy=fy(c_last, "Last year of the recycled-content path"),
        bwmr_loop_share=_q(loop_share, u.SHARE,
                           "Share of EV battery mass to be recovered once both targets apply",
                           coll["source_id"], last_rec["source_id"]),
        bwmr_loop_fy=fy(coll if int(coll["fy_end_year"]) >= int(last_rec["fy_end_year"])
                        else last_rec, "Year from which both targets apply"),
        bwmr_rmi_recovered_t=_q(rmi_recovered, u.TONNES,
                                "Material the EV rules would recover from RMI's volume",
                                rmi["source_id"], pack_src, coll["source_id"],
                                last_rec["source_id"]),
        demand_horizon_gwh=_q(demand_r, u.GWH,
                              f"Projected Li-ion demand in {horizon} (base cases)", d,
                              sig=None),
        content_need_t=_q(need, u.TONNES,
                          "Recycled material new batteries would need a year at the last target",
                          d, pack_src, c_last["source_id"]),
    )


def _capacity(capacity: pd.DataFrame, horizon: int, niti: pd.Series, niti_t: float,
              rmi: pd.Series, rmi_t: Range, pack_src: tuple[str, ...]):
    cutoff = last_claim_year(capacity)
    claims = _claims(capacity)
    start = int(claims["from_year"].min())
    conflicts = capacity_conflicts(capacity)
    disputed = disputed_claims(capacity, conflicts)
    yearly = capacity_by_year(capacity, range(start, horizon + 1), cutoff, disputed)
    cum = cumulative(yearly, ("low", "low_all", "high", "high_undisputed"))
    cap_src = sorted({s for ss in yearly["sources"] for s in ss})
    now = yearly.loc[yearly["year"] == cutoff].iloc[0]
    cap_now = Range(float(now["low"]), float(now["high"]))
    excluded = capacity[(capacity["verification"] == "unverifiable")
                        & capacity["capacity_tonnes_per_year"].notna()]
    all_claims = capacity[capacity["capacity_tonnes_per_year"].notna()
                          & (capacity["feedstock"] == "li_ion_batteries")]
    # Claims in tonnes that could enter the total but are undated (and not unverifiable).
    candidates = capacity[(capacity["feedstock"] == "li_ion_batteries")
                          & capacity["metric"].isin(["recycling_capacity", "input_capacity"])
                          & capacity["capacity_tonnes_per_year"].notna()
                          & capacity["preferred"].astype(bool)
                          & (capacity["verification"] != "unverifiable")]
    undated_other = candidates[candidates["statement_date"].isna()
                               & ~((candidates["status"] == "planned")
                                   & candidates["target_year"].notna())]
    late = claims[(claims["status"] == "planned") & (claims["from_year"] > cutoff)]
    counted_plans = claims[(claims["status"] == "planned") & (claims["from_year"] <= cutoff)]
    in_total = claims[claims["source_id"].astype(str).isin(now["sources"])
                      & ~claims.index.isin(late.index) & (claims["from_year"] <= cutoff)]
    # Only each firm's claims that count in the newest year (the latest of each kind).
    in_total = in_total.sort_values("from_year").groupby(["company", "status"]).tail(1)
    end = cum.loc[cum["year"] == horizon].iloc[0]
    cap_cum = Range(float(end["low"]), float(end["high"]))
    cap_year = cap_now  # held at the newest claims until the horizon
    q = Capacity(
        capacity_stated_t=_q(cap_now, u.TONNES_A_YEAR,
                             "Stated Li-ion recycling capacity (company claims)", cap_src,
                             sig=None),
        cap_cutoff_year=_q(cutoff, u.YEAR, "Year of the newest capacity claim", cap_src),
        cap_start_year=_q(start, u.YEAR, "Year of the oldest capacity claim used", cap_src),
        cap_companies=_q(int(in_total["company"].nunique()), u.FIRMS,
                         "Recyclers in the capacity total", cap_src),
        cap_company_claims=_q(int((in_total.get("reliability", pd.Series(
            "company_claim", index=in_total.index)) == "company_claim").sum()), u.COUNT,
            "Claims in the total that are company claims", in_total),
        cap_in_total=_q(len(in_total), u.COUNT, "Claims in the capacity total", in_total),
        cap_excluded=_q(len(excluded), u.COUNT, "Unverifiable capacity claims left out",
                        excluded),
        cap_excluded_undated=_q(int(excluded["statement_date"].isna().sum()), u.COUNT,
                                "Of those, claims with no date", excluded),
        cap_undated_other=_q(len(undated_other), u.COUNT,
                             "Other undated capacity claims left out",
                             undated_other if len(undated_other) else cap_src),
        cap_plans_counted=_q(len(counted_plans), u.COUNT,
                             "Plans whose date has passed, in the high end",
                             counted_plans if len(counted_plans) else cap_src),
        n_claims=_q(len(all_claims), u.COUNT, "Li-ion recycling capacity claims", all_claims),
        n_claim_firms=_q(int(all_claims["company"].nunique()), u.FIRMS,
                         "Firms making capacity claims", all_claims),
        n_claims_unverifiable=_q(int((all_claims["verification"] == "unverifiable").sum()),
                                 u.COUNT, "Capacity claims that could not be verified",
                                 all_claims),
        capacity_cum_t=_q(cap_cum, u.TONNES,
                          f"Tonnes stated capacity could process in total by {horizon}",
                          cap_src),
        cover_niti=_q(coverage(cap_cum, Range.point(niti_t)), u.SHARE,
                      f"Share of NITI's total to {horizon} that stated capacity could process "
                      "(both totals)", cap_src, niti["source_id"], pack_src),
        cover_rmi=_q(coverage(cap_cum, rmi_t), u.RATIO,
                     "Stated capacity over the years as a multiple of RMI's volume read as a "
                     "total", cap_src, rmi["source_id"], pack_src),
        cover_rmi_annual=_q(coverage(cap_year, rmi_t), u.RATIO,
                            "Stated capacity a year as a multiple of RMI's volume read as one "
                            "year's flow", cap_src, rmi["source_id"], pack_src),
        disputes=_disputes(capacity, claims, conflicts, disputed),
        late_plans=tuple(
            LatePlan(company=str(r["company"]),
                     facility=str(r["facility"]) if pd.notna(r.get("facility")) else "",
                     tonnes=_q(float(r["capacity_tonnes_per_year"]), u.TONNES_A_YEAR,
                               f"{r['company']}'s plan", r["source_id"]),
                     year=_q(int(r["from_year"]), u.YEAR, "Year the plan falls due",
                             r["source_id"]))
            for _, r in late.sort_values(["company", "from_year"]).iterrows()),
    )
    return q, cum, cap_now, cap_src, disputed


def _disputes(capacity: pd.DataFrame, claims: pd.DataFrame, conflicts: pd.DataFrame,
              disputed: set[str]) -> tuple[Dispute, ...]:
    out = []
    for _, r in claims[claims["rc_id"].astype(str).isin(disputed)].iterrows():
        c = conflicts[conflicts["company"] == r["company"]].iloc[0]
        unit = u.GWH if c["measure"] == "GWh" else u.TONNES_A_YEAR
        out.append(Dispute(
            company=str(r["company"]),
            claim_t=_q(float(r["capacity_tonnes_per_year"]), u.TONNES_A_YEAR,
                       f"{r['company']}'s disputed claim", r["source_id"]),
            claim_date=_date(r["statement_date"], "Date of the disputed claim", r["source_id"],
                             precision=r.get("date_precision", "day")),
            value=_q(float(c["value"]), unit, "The report that goes with the claim",
                     c["sources"]),
            other_value=_q(float(c["other_value"]), unit, "The report that disagrees",
                           c["sources"]),
            other_date=_date(c["other_date"], "Date of the report that disagrees",
                             c["sources"], precision=c["other_precision"]),
        ))
    return tuple(out)


def _gap(eol: pd.DataFrame, capacity: pd.DataFrame, disputed: set[str], cutoff: int,
         recycled_now: Range, recycled_year: int, src_recycled: str) -> AnnualGap:
    """The newest yearly flow of spent batteries against stated capacity that year."""
    flows = usable(eol[(eol["metric"] == "eol_volume") & (eol["accounting"] == "annual")
                       & (eol["unit"] == "tonnes")])
    if flows.empty:
        def gone(unit: u.Unit, label: str) -> Quantity:
            return q_missing(unit, label, "not in our data")
        return AnnualGap(
            eol_flow_t=gone(u.TONNES_A_YEAR, "Spent Li-ion batteries a year"),
            eol_flow_year=gone(u.YEAR, "Year of that figure"),
            cap_flow_year_t=gone(u.TONNES_A_YEAR, "Stated capacity that year"),
            cover_flow=gone(u.SHARE, "Stated capacity as a share of the flow"),
            cover_flow_face=gone(u.SHARE, "Counting disputed claims"),
            cover_flow_undisputed=gone(u.SHARE, "Leaving out disputed claims"),
            gap_capacity=gone(u.SHARE, "Capacity gap"),
            gap_collection=gone(u.SHARE, "Collection gap"),
            verdict="no flow", verdict_face="no flow", verdict_undisputed="no flow",
            eol_flow_verification="")
    row = flows.sort_values("horizon_year").iloc[-1]
    year = int(row["horizon_year"])
    flow = projection_range(row)
    by = capacity_by_year(capacity, [year], cutoff, disputed).iloc[0]
    cap = Range(float(by["low"]), float(by["high"]))
    face = Range(float(by["low_all"]), float(by["high"]))
    sure = Range(float(by["low"]), float(by["high_undisputed"]))
    src = sources_of(row["source_id"], by["sources"])
    both = sources_of(src, src_recycled)
    cover = coverage(cap, flow)
    verdict, cap_gap, coll_gap = larger_gap(cover, recycled_now)
    verdict_face = larger_gap(coverage(face, flow), recycled_now)[0]
    verdict_sure = larger_gap(coverage(sure, flow), recycled_now)[0]
    if recycled_year != year:  # not the same year: not set against each other
        verdict = verdict_face = verdict_sure = "other years"
    label = str(row["organisation"])
    return AnnualGap(
        eol_flow_t=_q(_share_or_range(flow), u.TONNES_A_YEAR,
                      f"Spent Li-ion batteries a year, all uses ({label}, {year})",
                      row["source_id"], sig=2, qualifier=stated_qualifier(row["note"])),
        eol_flow_year=_q(year, u.YEAR, "Year of the yearly flow", row["source_id"]),
        cap_flow_year_t=_q(cap, u.TONNES_A_YEAR, f"Stated Li-ion recycling capacity in {year}",
                           by["sources"], sig=None),
        cover_flow=_q(cover, u.SHARE, f"Stated capacity as a share of {year}'s spent batteries",
                      src),
        cover_flow_face=_q(coverage(face, flow), u.SHARE,
                           "The same, counting disputed claims at face value", src),
        cover_flow_undisputed=_q(coverage(sure, flow), u.SHARE,
                                 "The same, leaving disputed claims out", src),
        gap_capacity=_q(cap_gap, u.SHARE,
                        "Share of the year's spent batteries plants could not take", src),
        gap_collection=_q(coll_gap, u.SHARE,
                          "Share plants could take that is not recycled into materials", both),
        verdict=verdict, verdict_face=verdict_face, verdict_undisputed=verdict_sure,
        eol_flow_verification=str(row.get("verification", "unchecked")),
    )


_KILO = {"kilotonnes per year": 1000.0, "tonnes per year": 1.0}


def _scheme(scheme: pd.DataFrame, events: pd.DataFrame, niti: pd.Series, niti_t: float,
            cap_now: Range, cap_src: list[str], pack_src: tuple[str, ...]) -> Scheme:
    def term(term_id: str) -> tuple[Range, str, pd.Series]:
        r, src = scheme_value(scheme, term_id)
        return r, src, _pick(scheme, f"scheme term {term_id}", term_id=term_id)

    def tonnes(term_id: str) -> tuple[Range, str, pd.Series]:
        r, src, row = term(term_id)
        if row["unit"] not in _KILO:
            raise ValueError(f"scheme term {term_id}: not a capacity in tonnes ({row['unit']})")
        return r * _KILO[row["unit"]], src, row

    outlay, src_out, outlay_row = term("outlay")
    period, src_per, _ = term("period")
    guide, src_g, _ = term("outlay_guidelines")
    liion, src_l, _ = term("alloc_liion")
    other, src_o, _ = term("alloc_other")
    target, src_cap, target_row = tonnes("expected_capacity")
    minerals, src_m, minerals_row = tonnes("expected_mineral_output")
    liion_share = liion.high / guide.high
    liion_t = target.low * liion_share
    open_top = pd.isna(target_row["value_high"])
    return Scheme(
        scheme_outlay=_q(outlay.high, u.INR_CRORE, "Recycling incentive scheme outlay", src_out),
        scheme_date=_date(outlay_row["effective_date"], "Recycling scheme approved by the Cabinet",
                          src_out, precision=outlay_row["date_precision"]),
        scheme_years=_q(period.high, u.YEARS, "Scheme duration", src_per),
        scheme_capacity_t=_q(target.low, u.TONNES_A_YEAR,
                             "Recycling capacity the scheme should bring about (all feedstocks)",
                             src_cap, sig=2,
                             qualifier=stated_qualifier(target_row["note"], open_ended=open_top,
                                                        open_word="at least")),
        scheme_minerals_t=_q(minerals.high, u.TONNES_A_YEAR, "Critical-mineral output expected",
                             src_m, sig=2, qualifier=stated_qualifier(minerals_row["note"])),
        scheme_liion_alloc=_q(liion.high, u.INR_CRORE,
                              "Scheme money earmarked for Li-ion recycling", src_l),
        scheme_liion_share=_q(liion_share, u.SHARE, "Li-ion share of the scheme's outlay",
                              src_l, src_g),
        # An estimate (capacity assumed to split like the money): "about".
        scheme_liion_t=_q(liion_t, u.TONNES_A_YEAR,
                          "Li-ion capacity if the scheme's capacity splits like its money",
                          src_cap, src_l, src_g, sig=2, qualifier="about"),
        scheme_vs_now=_q(Range(liion_t / cap_now.high, liion_t / cap_now.low), u.RATIO,
                         "Scheme Li-ion capacity as a multiple of stated capacity", src_cap,
                         src_l, src_g, cap_src) if cap_now.low > 0 else
        q_missing(u.RATIO, "Scheme Li-ion capacity as a multiple of stated capacity",
                  "not defined (no undisputed capacity)"),
        scheme_years_niti=_q(niti_t / liion_t, u.YEARS,
                             "Years of scheme Li-ion capacity to process NITI's volume",
                             src_cap, src_l, src_g, niti["source_id"], pack_src, sig=2,
                             qualifier="about"),
        scheme_other_alloc=_q(other.high, u.INR_CRORE,
                              "Scheme money for other scrap such as catalytic converters", src_o),
        scheme_other_share=_q(other.high / guide.high, u.SHARE,
                              "Share of the scheme for other scrap", src_o, src_g),
        **_scheme_progress(scheme, events, target, src_cap),
    )


def _scheme_progress(scheme: pd.DataFrame, events: pd.DataFrame, target: Range,
                     src_cap: str) -> dict[str, Any]:
    """What the scheme expected in investment, when applications closed, and the newest
    count of eligible entities with what they pledged (all feedstocks). Missing rows are
    written as not reported."""
    def row(term: str) -> pd.Series | None:
        rows = scheme[scheme["term"] == term] if "term" in scheme else scheme.iloc[0:0]
        rows = rows[rows["value_low"].notna() | rows["value_high"].notna()]
        if rows.empty:
            return None
        return rows.sort_values("effective_date").iloc[-1]

    def value(r: pd.Series) -> float:
        return float(r["value_high"]) if pd.notna(r["value_high"]) else float(r["value_low"])

    def gone(unit: u.Unit, label: str) -> Quantity:
        return q_missing(unit, label, "not reported")

    out: dict[str, Any] = {}
    inv = row("expected_investment")
    out["scheme_investment_expected"] = gone(u.INR_CRORE, "Investment the scheme should bring") \
        if inv is None else _q(value(inv), u.INR_CRORE, "Investment the scheme should bring",
                               inv["source_id"], qualifier=stated_qualifier(inv["note"]))
    close = events[events["event_id"] == "recycling_window_closes"] \
        if "event_id" in events else events.iloc[0:0]
    out["scheme_window_closes"] = gone(u.DATE, "Applications close") if close.empty else \
        _date(close.iloc[0]["event_date"], "Scheme applications set to close",
              close.iloc[0]["source_id"], precision=close.iloc[0]["date_precision"])
    eligible, cap, money = row("eligible_entities"), row("pledged_capacity"), \
        row("pledged_investment")
    out["scheme_eligible"] = gone(u.COUNT, "Entities eligible") if eligible is None else _q(
        int(value(eligible)), u.COUNT, "Entities cleared as eligible under the scheme",
        eligible["source_id"])
    out["scheme_eligible_date"] = gone(u.DATE, "Date") if eligible is None else _date(
        eligible["effective_date"], "Date of the newest eligibility decision",
        eligible["source_id"], precision=eligible["date_precision"])
    if cap is not None and cap["unit"] in _KILO:
        pledged = value(cap) * _KILO[cap["unit"]]
        out["scheme_pledged_t"] = _q(pledged, u.TONNES_A_YEAR,
                                     "Capacity pledged by the eligible entities (all feedstocks)",
                                     cap["source_id"], sig=2,
                                     qualifier=stated_qualifier(cap["note"]))
        out["scheme_pledge_vs_expected"] = _q(pledged / target.low, u.RATIO,
                                              "Pledged capacity over the Cabinet's expected "
                                              "minimum", cap["source_id"], src_cap, sig=2)
    else:
        out["scheme_pledged_t"] = gone(u.TONNES_A_YEAR, "Capacity pledged")
        out["scheme_pledge_vs_expected"] = gone(u.RATIO, "Pledged over expected capacity")
    out["scheme_pledged_inr"] = gone(u.INR_CRORE, "Investment pledged") if money is None else \
        _q(value(money), u.INR_CRORE, "Investment pledged by the eligible entities",
           money["source_id"], qualifier=stated_qualifier(money["note"]))
    pledge_rows = [r for r in (eligible, cap, money) if r is not None]
    out["scheme_pledges_checked"] = bool(pledge_rows) and all(
        r.get("verification") == "confirmed" for r in pledge_rows)
    return out


def _metals(intensity: pd.DataFrame, rates: pd.DataFrame, eol: pd.DataFrame,
            niti: pd.Series) -> tuple[Metals, pd.DataFrame, WhatIf]:
    routes = recovery_by_route(rates)
    niti_gwh = niti["gwh"].high
    rows, content, content_src = [], {}, {}
    for metal in METALS:
        kg, src_c = metal_content(intensity, metal)
        content[metal], content_src[metal] = kg, src_c
        contained = metal_tonnes(niti_gwh, kg)
        rows.append({"metal": metal, "route": CONTAINED, "low_t": contained,
                     "high_t": contained, "share": Range.point(1.0), "sources": src_c})
        for _, r in routes[routes["metal"] == metal].iterrows():
            got = metal_tonnes(niti_gwh, kg, r["share"])
            rows.append({"metal": metal, "route": r["route"], "low_t": got.low,
                         "high_t": got.high, "share": r["share"],
                         "sources": sorted({*src_c, *r["sources"]})})
    metals = pd.DataFrame(rows)
    proc = metals[metals["route"].isin(PROCESSES)]

    def recovered(metal: str, key_label: str) -> Quantity:
        m = proc[proc["metal"] == metal]
        return _q(Range(float(m["low_t"].min()), float(m["high_t"].max())), u.TONNES,
                  key_label, niti["source_id"], [s for ss in m["sources"] for s in ss])

    def route(name: str, metal: str) -> pd.Series:
        return _pick(routes, f"{name} recovery of {metal}", route=name, metal=metal)

    hyd_li, pyr_li = route("Hydrometallurgy", "lithium"), route("Pyrometallurgy", "lithium")
    pyr_row = _pick(rates, "the furnace's lithium yield", process="pyrometallurgy",
                    metal="lithium")
    eu = routes[routes["route"].str.startswith("EU target")].assign(
        year=lambda f: f["route"].str.extract(r"(\d{4})$", expand=False).astype(int))
    eu_li = eu[eu["metal"] == "lithium"].sort_values("year").iloc[-1]
    li_row = _pick(intensity, "the lithium content", item="lithium",
                   metric="content_per_energy", preferred=True)
    value = _pick(eol, "the circular-economy value", metric="circular_economy_value")
    li_proc = proc[proc["metal"] == "lithium"]["share"]
    leach = _pick(rates, "the leach yield", process="hydrometallurgy", metric="leach_transfer")
    claimed = rates[(rates["metric"] == "efficiency_claim")
                    & (rates.get("basis", pd.Series("company_claim", index=rates.index))
                       == "company_claim")]
    claimed_values = [float(v) / 100 for v in claimed["rate_pct_low"].fillna(
        claimed["rate_pct_high"]).dropna()]
    q = Metals(
        metals_li_t=recovered("lithium", "Lithium recoverable from NITI's volume"),
        metals_co_t=recovered("cobalt", "Cobalt recoverable from NITI's volume"),
        metals_ni_t=recovered("nickel", "Nickel recoverable from NITI's volume"),
        content_lithium=_q(content["lithium"], u.KG_PER_KWH,
                           "Lithium per kWh, average EV battery", content_src["lithium"], sig=2),
        content_cobalt=_q(content["cobalt"], u.KG_PER_KWH,
                          "Cobalt per kWh, average EV battery", content_src["cobalt"], sig=2),
        content_nickel=_q(content["nickel"], u.KG_PER_KWH,
                          "Nickel per kWh, average EV battery", content_src["nickel"], sig=2),
        content_year=_q(int(li_row["year"]), u.YEAR,
                        "Year of the average-battery metal content", li_row["source_id"]),
        hydro_leach_share=_q(float(leach["rate_pct_low"]) / 100, u.SHARE,
                             "Metals moved into solution, hydrometallurgy", leach["source_id"],
                             qualifier=stated_qualifier(leach.get("note"),
                                                        open_ended=pd.isna(
                                                            leach["rate_pct_high"]))),
        recovery_claims=_q(Range.of(*claimed_values), u.SHARE,
                           "Recovery rates recyclers claim for their own plants", claimed)
        if claimed_values else q_missing(u.SHARE, "Recovery rates recyclers claim", "none"),
        hydro_li_share=_q(_share_or_range(hyd_li["share"]), u.SHARE,
                          "Lithium recovery, hydrometallurgy", hyd_li["sources"]),
        pyro_li_share=_q(pyr_li["share"].high, u.SHARE,
                         "Lithium to slag, pyrometallurgy (laboratory)", pyr_li["sources"],
                         qualifier=stated_qualifier(pyr_row["note"])),
        eu_li_target=_q(eu_li["share"].high, u.SHARE, "EU lithium recovery target, latest year",
                        eu_li["sources"]),
        eu_li_year=_q(int(eu_li["year"]), u.YEAR, "Year of that EU target", eu_li["sources"]),
        circular_value=_q(float(value["value_high"]),
                          u.USD_MILLION_A_YEAR if value.get("accounting") == "annual"
                          else u.USD_MILLION,
                          f"Circular battery economy, potential by {int(value['horizon_year'])} "
                          "(ICEA)", value["source_id"]),
        circular_year=_q(int(value["horizon_year"]), u.YEAR,
                         "Year of the circular-economy estimate", value["source_id"]),
    )
    li_routes = routes[routes["metal"] == "lithium"]["share"]
    whatif = WhatIf(
        li_contained_t=float(metal_tonnes(niti_gwh, content["lithium"])),
        li_route_shares=tuple(v for s in li_routes for v in (s.low, s.high)),
        li_recovery=Range(min(s.low for s in li_proc), max(s.high for s in li_proc)),
        eu_li_share=float(eu_li["share"].high),
    )
    return q, metals, whatif


def _talks(meetings: pd.DataFrame) -> JapanTalks:
    talks = _pick(meetings, "the July 2025 trade meetings", meeting_id="trade_meetings_2025_07")
    return JapanTalks(
        pgm_talks_date=_date(talks["meeting_date"], "Japan-India trade meetings",
                             talks["source_id"], precision=talks["date_precision"]),
        pgm_companies=_q(int(talks["companies_count"]), u.COUNT,
                         "Companies at the trade meetings", talks["source_id"],
                         qualifier=stated_qualifier(talks["note"])),
    )


def _sodium(chem: pd.DataFrame) -> Sodium:
    def row(chem_id: str) -> pd.Series:
        return _pick(chem, chem_id, chem_id=chem_id)

    def low_high(r: pd.Series) -> Range:
        return Range(float(r["value_low"]), float(r["value_high"]))

    def hedge(r: pd.Series) -> str:
        return stated_qualifier(r["note"], open_ended=pd.isna(r["value_high"]))

    catl, catl2 = row("catl_gen1_ed"), row("catl_gen2_ed")
    proto, ref = row("naion_typical_ed"), row("liion_typical_ed")
    tcg, jnc, kpit = row("tcg_crest_ed"), row("jncasr_cycles"), row("kpit_cost")
    fara = row("faradion_ev")
    india = chem[chem["indian_activity"].astype(bool)]
    shown = pd.concat([chem[chem["chem_id"].isin(
        [catl["chem_id"], catl2["chem_id"], proto["chem_id"], ref["chem_id"]])], india])
    makers = india[india["developer"] == fara["developer"]]
    return Sodium(
        naion_catl_whkg=_q(float(catl["value_high"]), u.WH_PER_KG, "CATL first sodium-ion cell",
                           catl["source_id"]),
        naion_catl_year=_q(int(catl["statement_date"].year), u.YEAR, "Year of CATL's launch",
                           catl["source_id"]),
        naion_next_whkg=_q(float(catl2["value_low"]), u.WH_PER_KG,
                           "CATL next-generation target", catl2["source_id"],
                           qualifier=hedge(catl2)),
        naion_proto_whkg=_q(low_high(proto), u.WH_PER_KG, "Sodium-ion prototypes",
                            proto["source_id"]),
        liion_ref_whkg=_q(low_high(ref), u.WH_PER_KG, "Lithium-ion reference range",
                          ref["source_id"]),
        naion_tcg_whkg=_q(float(tcg["value_high"]), u.WH_PER_KG,
                          "TCG CREST sodium-ion pouch cell (lab)", tcg["source_id"]),
        naion_jncasr_cycles=_q(float(jnc["value_low"]), u.CYCLES,
                               "JNCASR sodium-ion cycle life (lab)", jnc["source_id"],
                               qualifier=hedge(jnc)),
        naion_kpit_cost=_q(low_high(kpit) / 100, u.SHARE,
                           "KPIT's claimed cost cut (secondary source)", kpit["source_id"]),
        naion_faradion=_q(float(fara["value_high"]), u.GBP_MILLION,
                          "Reliance's Faradion deal, enterprise value", fara["source_id"]),
        naion_faradion_year=_q(int(fara["statement_date"].year), u.YEAR,
                               "Year of the Faradion deal", fara["source_id"]),
        india_stages=tuple(dict.fromkeys(str(x) for x in india["stage"])),
        n_figures=len(shown),
        n_figures_confirmed=int((shown["verification"] == "confirmed").sum()),
        faradion_production=bool(makers["stage"].isin(PRODUCTION_STAGES).any()),
        kpit_source=str(kpit["source_id"]),
    )


def _frames(every: pd.DataFrame, bwmr: pd.DataFrame, kg: float, span: Range) -> tuple:
    proj = every.copy()
    proj["tonnes"] = [gwh_to_tonnes(g, kg) for g in proj["gwh"]]
    proj["tonnes_span"] = [gwh_to_tonnes(g, span) for g in proj["gwh"]]
    per_gwh = gwh_to_tonnes(1.0, kg)
    targets = bwmr.sort_values(["target_type", "fy_end_year"]).reset_index(drop=True)
    targets["tonnes_per_gwh"] = per_gwh * targets["target_pct"] / 100
    return proj, targets


def analyse(tables: Mapping[str, pd.DataFrame], params: Any) -> RecyclingResult:
    """The recycling chapter: end-of-life volumes in GWh and tonnes, what the battery-waste
    rules require, stated capacity against need, the metal at stake and alternatives to
    lithium-ion, at the run's pack mass per kWh."""
    eol = tables["eol_projections"]
    intensity = tables["material_intensity"]
    bwmr = tables["bwmr_targets"]
    capacity = tables["recycler_capacity"]
    scheme = tables["recycling_scheme"]
    rates = tables["recovery_rates"]
    chem = tables["chemistry_alternatives"]
    demand = tables["li_ion_demand"]
    meetings = tables["japan_india_meetings"]
    events = tables["policy_events"]
    kg = float(params.pack_kg_per_kwh)

    pack = _pack(intensity, capacity, kg)
    pack_src = pack.pack_sources
    span = pack.pack_kg_span.value
    assert isinstance(span, Range)
    volumes, niti, rmi, niti_t, rmi_t, (recycled_now, src_recycled), every = _volumes(
        eol, kg, span, pack_src)
    horizon = int(niti["horizon_year"])
    rules = _rules(bwmr, events, demand, horizon, kg, rmi, rmi_t, pack_src)
    cap, cum, cap_now, cap_src, disputed = _capacity(capacity, horizon, niti, niti_t, rmi,
                                                     rmi_t, pack_src)
    gap = _gap(eol, capacity, disputed, int(cap.cap_cutoff_year.value), recycled_now,
               int(volumes.recycled_share_year.value), src_recycled)
    metals_q, metals, whatif = _metals(intensity, rates, eol, niti)
    proj, targets = _frames(every, bwmr, kg, span)
    return RecyclingResult(
        pack=pack, volumes=volumes, rules=rules, capacity=cap, gap=gap,
        scheme=_scheme(scheme, events, niti, niti_t, cap_now, cap_src, pack_src),
        metals=metals_q,
        japan_talks=_talks(meetings), sodium=_sodium(chem), whatif=whatif,
        frames=Frames(projections=proj, targets=targets, capacity=cum, metals=metals,
                      sodium_india=chem[chem["indian_activity"].astype(bool)].copy()),
    )
