"""Computations for the recycling chapter: GWh and tonnes, recovery, capacity against need.

Units: battery energy in GWh (1 GWh = 10^6 kWh), mass in tonnes (1 t = 1,000 kg), pack
mass per energy in kg per kWh. So ``tonnes = GWh * kg_per_kWh * 1,000``: 1 GWh of packs at
6.8 kg per kWh weighs 6,800 tonnes. Shares are fractions (0.9 for 90%).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from batteryreport.core.ranges import Range

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


def capacity_by_year(capacity: pd.DataFrame, years: Iterable[int],
                     cutoff_year: int | None = None) -> pd.DataFrame:
    """Stated Li-ion recycling capacity in India by year, tonnes a year, as two series.

    ``low``: each company's latest *existing* claim made by that year. ``high``: also
    counts planned capacity whose target year has come, if that target year is no later
    than ``cutoff_year`` (the newest statement; plans due later are not counted). A claim
    stays in force until the same company states another; nothing grows after the cutoff.
    Returns columns year, low, high and the source ids used.
    """
    rows = _claims(capacity)
    cutoff = last_claim_year(capacity) if cutoff_year is None else cutoff_year
    rows = rows[~((rows["status"] == "planned") & (rows["from_year"] > cutoff))]
    out = []
    for year in years:
        low = high = 0.0
        used: set[str] = set()
        for _, group in rows.groupby("company"):
            live = group[group["from_year"] <= year].sort_values("from_year")
            existing = live[live["status"] == "existing"]
            if not existing.empty:
                row = existing.iloc[-1]
                low += float(row["capacity_tonnes_per_year"])
                used.add(str(row["source_id"]))
            if not live.empty:
                row = live.iloc[-1]
                high += float(row["capacity_tonnes_per_year"])
                used.add(str(row["source_id"]))
        out.append({"year": int(year), "low": low, "high": max(high, low),
                    "sources": sorted(used)})
    return pd.DataFrame(out)


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
