"""The recycling chapter on the page: the phrases its prose glues, its charts and tables.

Everything here takes the chapter's result
(:class:`batteryreport.chapters.recycling.RecyclingResult`) and only writes it out: no
number is computed here that the analysis did not compute (tonnes are shown in thousands
on the charts, and the what-if chart redoes the analysis's arithmetic in the browser).
"""

from __future__ import annotations

import dataclasses

import altair as alt
import pandas as pd

from batteryreport.chapters.recycling import CONTAINED, PROCESSES, RecyclingResult
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import text as q_text
from batteryreport.core.ranges import Range
from batteryreport.present import charts, fmt, whatif
from batteryreport.present.fmt import show
from batteryreport.present.glue import glue_result
from batteryreport.present.tables import Cite, Column, Html, table

KT = 1000  # tonnes in a thousand tonnes: the charts count in thousands

# ----------------------------------------------------------------------------- phrases


def phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """The chapter's phrases whose wording depends on the data, each chosen by a rule."""
    p = r.pack
    basis = ("the heaviest recent pack" if p.pack_is_heaviest_recent
             else "a value set for this run")
    return {"pack_kg_basis": q_text(basis, "Basis of the pack-mass value", p.pack_sources)}


def glue(r: RecyclingResult) -> None:
    """Glue every quantity of the chapter and every phrase chosen for it."""
    glue_result(r, phrases(r))


# ----------------------------------------------------------------------------- helpers


def _tonnes(value: float | Range) -> str:
    """Tonnes as the prose writes them: two significant figures."""
    return show(Quantity(value, u.TONNES, "tonnes", sig=2))


def _cite(source_id, verification: str = "confirmed") -> Cite:
    return Cite.of(source_id, "" if verification == "confirmed" else verification)


# ----------------------------------------------------------------------------- tables

_PROJECTED = {"cumulative_deployment": "Deployed", "recycled_volume": "Recycled",
              "reuse_potential": "Second-life reuse", "eol_volume": "Reaching end of life"}


def projections_table(r: RecyclingResult) -> Html:
    """Every projection in GWh, and in tonnes at the run's pack mass and over its span."""
    proj = r.frames.projections
    frame = pd.DataFrame({
        "projection": [f"{o}: {_PROJECTED.get(m, m)}"
                       for o, m in zip(proj["organisation"], proj["metric"], strict=True)],
        "scope": proj["scope"].str.replace("_", " "),
        "accounting": proj["accounting"],
        "gwh": [fmt.span(g, fmt.number, sig=None) for g in proj["gwh"]],
        "tonnes": [fmt.span(t, fmt.number) for t in proj["tonnes"]],
        "tonnes_span": [fmt.span(t, fmt.number) for t in proj["tonnes_span"]],
        "source": [_cite(s, v) for s, v in zip(proj["source_id"], proj["verification"],
                                               strict=True)],
    })
    return table(frame, [
        Column("projection", "Projection"), Column("scope", "Scope"),
        Column("accounting", "Accounting"), Column("gwh", "GWh", numeric=True),
        Column("tonnes", f"Tonnes at {show(r.pack.pack_kg_per_kwh)}", numeric=True),
        Column("tonnes_span", f"Tonnes at {show(r.pack.pack_kg_span)}", numeric=True),
        Column("source", "Source")])


_TARGETS = {"material_recovery": ("Material recovery", "recovered per GWh recycled"),
            "collection": ("Collection", "collected per GWh sold"),
            "recycled_content": ("Recycled content",
                                 "of recycled material per GWh of new batteries")}


def targets_table(r: RecyclingResult) -> Html:
    """The rules' targets, each also in tonnes per GWh of batteries."""
    t = r.frames.targets
    frame = pd.DataFrame({
        "target": [_TARGETS[k][0] for k in t["target_type"]],
        "year": [f"{y}{' onwards' if o else ''}"
                 for y, o in zip(t["fiscal_year"], t["applies_onward"], strict=True)],
        "share": [f"{fmt.percent(p / 100)} ({b})"
                  for p, b in zip(t["target_pct"], t["measure_basis"], strict=True)],
        "tonnes": [f"{fmt.number(v)} t {_TARGETS[k][1]}"
                   for v, k in zip(t["tonnes_per_gwh"], t["target_type"], strict=True)],
        "source": [_cite(s, v) for s, v in zip(t["source_id"], t["verification"], strict=True)],
    })
    return table(frame, [
        Column("target", "Target"), Column("year", "Fiscal year"),
        Column("share", "Share", numeric=True),
        Column("tonnes", f"Tonnes per GWh at {show(r.pack.pack_kg_per_kwh)}", numeric=True),
        Column("source", "Source")])


_MEASURES = {"energy_density": "Energy density", "fast_charge_soc": "Fast charge (share of full)",
             "cycle_life": "Cycle life", "cost_reduction_vs_li_ion": "Cost cut against Li-ion",
             "enterprise_value": "Enterprise value", "growth_capital": "Growth capital"}


def _chem_value(low: float, high: float, unit: str) -> str:
    """A stated value as the source gives it: "180 Wh/kg", "25–30%", "3,000+ cycles"."""
    open_top = pd.isna(high)
    text = fmt.span(Range(low, low if open_top else high), fmt.number, sig=None)
    return text + ("+" if open_top else "") + (unit if unit == "%" else f" {unit}")


def sodium_table(r: RecyclingResult) -> Html:
    """Indian sodium-ion work, as stated."""
    s = r.frames.sodium_india
    frame = pd.DataFrame({
        "developer": s["developer"], "stage": s["stage"],
        "measure": [_MEASURES.get(m, m) for m in s["metric"]],
        "value": [_chem_value(lo, hi, un) for lo, hi, un in
                  zip(s["value_low"], s["value_high"], s["unit"], strict=True)],
        "note": s["note"],
        "source": [_cite(i, v) for i, v in zip(s["source_id"], s["verification"], strict=True)],
    })
    return table(frame, [
        Column("developer", "Developer"), Column("stage", "Stage"),
        Column("measure", "Measure"), Column("value", "Value", numeric=True),
        Column("note", "Note"), Column("source", "Source")])


# ----------------------------------------------------------------------------- charts

_CAPACITY = "Stated recycler capacity, cumulative (company claims)"
_NITI = "NITI Aayog: all sectors, recycled by the horizon"
_RMI = "RMI: vehicles only, end of life by the horizon"


def capacity_chart(r: RecyclingResult) -> charts.Figure:
    """What stated capacity could process by each year, against the two volumes."""
    v, c, p = r.volumes, r.capacity, r.pack
    horizon = int(v.eol_year.value)
    start = int(c.cap_start_year.value)
    cum = r.frames.capacity
    niti_span, rmi_span = v.eol_niti_t_span.value, v.eol_rmi_t_span.value
    band = cum.assign(series=_CAPACITY, low_kt=cum["low"] / KT, high_kt=cum["high"] / KT)[
        ["year", "series", "low_kt", "high_kt"]]
    need = pd.DataFrame([
        {"year": horizon + 0.25, "series": _NITI, "low_kt": niti_span.low / KT,
         "high_kt": niti_span.high / KT, "at_default_kt": v.eol_niti_t.value / KT},
        {"year": horizon + 0.5, "series": _RMI, "low_kt": rmi_span.low / KT,
         "high_kt": rmi_span.high / KT, "at_default_kt": v.eol_rmi_t.value.high / KT},
    ])
    color = alt.Color("series:N", title=None,
                      scale=alt.Scale(domain=[_CAPACITY, _NITI, _RMI]),
                      legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=480))
    x = alt.X("year:Q", title="Year", scale=alt.Scale(domain=[start, horizon + 0.75]),
              axis=alt.Axis(format="d", values=[int(y) for y in cum["year"]]))
    ytitle = "Tonnes, cumulative (thousands)"
    area = alt.Chart(band).mark_area(opacity=0.35).encode(
        x=x, y=alt.Y("low_kt:Q", title=ytitle), y2="high_kt:Q", color=color)
    edge = alt.Chart(band).mark_line().encode(x=x, y="high_kt:Q", color=color)
    edge_low = alt.Chart(band).mark_line(strokeDash=[4, 3]).encode(x=x, y="low_kt:Q",
                                                                    color=color)
    rule = alt.Chart(need).mark_rule(strokeWidth=4).encode(
        x=x, y=alt.Y("low_kt:Q", title=ytitle), y2="high_kt:Q", color=color)
    dot = alt.Chart(need).mark_point(filled=True, size=70, shape="diamond").encode(
        x=x, y="at_default_kt:Q", color=color)
    chart = (area + edge + edge_low + rule + dot).properties(height=320)
    data = pd.concat([band.assign(at_default_kt=None), need], ignore_index=True).rename(
        columns={"low_kt": "low_thousand_tonnes", "high_kt": "high_thousand_tonnes",
                 "at_default_kt": "at_default_thousand_tonnes"})
    cap_cum = c.capacity_cum_t.value
    return charts.figure(
        chart, name="recycling_capacity_vs_need",
        title="Recycling capacity against end-of-life volumes",
        description=(
            "Shaded band: tonnes that India's stated lithium-ion recycling capacity could "
            f"process in total from {start} to each year, if run at full load, from "
            f"{_tonnes(cap_cum.low)} to {_tonnes(cap_cum.high)} by {horizon}. Vertical bars at "
            f"{horizon}: NITI Aayog's all-sector recycled volume, {show(v.eol_niti_t_span)} "
            f"(diamond at {show(v.eol_niti_t)} with {show(p.pack_kg_per_kwh)}), and RMI's "
            f"vehicle-only end-of-life volume, {show(v.eol_rmi_t_span)}, over pack masses of "
            f"{show(p.pack_kg_span)}."),
        source_note=("Sources: recycler statements (Attero via BusinessLine, Lohum via Industrial "
                     "Economist, Recyclekaro via smallnews.in), company claims; NITI Aayog-GGEF "
                     "TCF via Mercom; RMI; pack mass from batterydesign.net. Our arithmetic."),
        data=data,
    )


def metals_chart(r: RecyclingResult) -> charts.Figure:
    """Metal contained in NITI's volume, recovered by each process and required by EU
    targets."""
    metals = r.frames.metals
    eu_routes = sorted(x for x in metals["route"].unique() if x.startswith("EU"))
    order = [CONTAINED, *PROCESSES, *eu_routes]
    plot = metals.assign(Metal=metals["metal"].str.capitalize())[
        ["Metal", "route", "low_t", "high_t"]].rename(columns={"route": "Route"})
    y = alt.Y("Metal:N", title=None, sort=["Lithium", "Cobalt", "Nickel"])
    bars = alt.Chart(plot).mark_bar().encode(
        x=alt.X("high_t:Q", title="Tonnes (upper end)"), y=y,
        yOffset=alt.YOffset("Route:N", sort=order),
        color=alt.Color("Route:N", sort=order, title=None,
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["Metal", "Route", alt.Tooltip("low_t:Q", format=",.0f"),
                 alt.Tooltip("high_t:Q", format=",.0f")])
    ticks = alt.Chart(plot[plot["low_t"] < plot["high_t"] - 1e-9]).mark_tick(
        color="black", thickness=2, size=12).encode(
        x="low_t:Q", y=y, yOffset=alt.YOffset("Route:N", sort=order))
    li = metals[metals["metal"] == "lithium"].set_index("route")

    def recovered(metal: str) -> str:
        m = metals[(metals["metal"] == metal) & (metals["route"] != CONTAINED)]
        return _tonnes(Range(float(m["low_t"].min()), float(m["high_t"].max())))

    hydro = li.loc["Hydrometallurgy"]
    return charts.figure(
        (bars + ticks).properties(height=300), name="recycling_metals",
        title="Metal recoverable from NITI's projected recycled volume",
        description=(
            f"Horizontal bars for lithium, cobalt and nickel in {show(r.volumes.eol_niti_gwh)} "
            "of spent batteries: the metal contained, what each process recovers, and what EU "
            f"targets would require. Lithium: {_tonnes(li.loc[CONTAINED, 'high_t'])} "
            f"contained; hydrometallurgy {_tonnes(Range(hydro['low_t'], hydro['high_t']))} "
            "(black tick at the low end); pyrometallurgy up to "
            f"{_tonnes(li.loc['Pyrometallurgy', 'high_t'])}. Cobalt: {recovered('cobalt')} "
            f"recovered across processes and targets. Nickel: {recovered('nickel')}."),
        source_note=("Sources: NITI Aayog-GGEF TCF via Mercom (volume); Transport & Environment "
                     "via Visual Capitalist (metal per kWh); Marcinov et al. 2023 and Sommerfeld "
                     "et al. 2020 (process yields); Fastmarkets (EU targets). Our arithmetic."),
        data=metals[["metal", "route", "low_t", "high_t"]],
    )


def _whatif_parts(r: RecyclingResult):
    """Sliders (starting at this run's values, spanning the sourced data widened a little),
    constants and outputs of the what-if chart."""
    p, v, w = r.pack, r.volumes, r.whatif
    span = p.pack_kg_span.value
    kg = whatif.Slider.around("kg_per_kwh", "Pack mass", "kg per kWh",
                              float(p.pack_kg_per_kwh.value), [span.low, span.high],
                              widen=0.1, step=0.1)
    li_data = [100 * s for s in w.li_route_shares]

    def li_slider(name: str, label: str, value: float) -> whatif.Slider:
        s = whatif.Slider.around(name, label, "%", value, li_data, widen=0.1, step=0.1)
        return dataclasses.replace(s, max=min(s.max, 100.0))  # no more than all of it

    sliders = [kg,
               li_slider("li_rec_low", "Lithium recovery, low", 100 * w.li_recovery.low),
               li_slider("li_rec_high", "Lithium recovery, high", 100 * w.li_recovery.high)]
    cap = r.capacity.capacity_cum_t.value
    consts = [whatif.Constant("niti_gwh", float(v.eol_niti_gwh.value)),
              whatif.Constant("cap_kt_low", cap.low / KT),
              whatif.Constant("cap_kt_high", cap.high / KT),
              whatif.Constant("li_contained_t", w.li_contained_t)]
    # GWh times kg per kWh is millions of kg: thousands of tonnes.
    outputs = [
        whatif.Output("niti_kt", f"NITI's {show(v.eol_year)} volume in tonnes",
                      "niti_gwh * kg_per_kwh", "niti_gwh * kg_per_kwh",
                      suffix=" thousand tonnes"),
        whatif.Output("cover", "Share of it stated capacity could process",
                      "cap_kt_low / (niti_gwh * kg_per_kwh) * 100",
                      "cap_kt_high / (niti_gwh * kg_per_kwh) * 100", suffix="%"),
        whatif.Output("li_t", "Lithium recoverable from it",
                      "li_contained_t * li_rec_low / 100", "li_contained_t * li_rec_high / 100",
                      suffix=" tonnes", reference=w.li_contained_t * w.eu_li_share,
                      reference_label=f"EU target for {show(r.metals.eu_li_year)}"),
    ]
    return sliders, consts, outputs


def whatif_chart(r: RecyclingResult) -> charts.Figure:
    """Pack mass and lithium recovery as sliders: NITI's volume in tonnes, the share stated
    capacity could process and the lithium recovered, recomputed in the browser."""
    sliders, consts, outputs = _whatif_parts(r)
    # At the published slider positions the chart must read exactly as the text.
    whatif.check_published(outputs, sliders, consts, {
        "niti_kt": show(r.volumes.eol_niti_kt), "cover": show(r.capacity.cover_niti),
        "li_t": show(r.metals.metals_li_t)})
    pub = whatif.published(outputs, sliders, consts)
    w = r.whatif
    recovery = Quantity(w.li_recovery, u.SHARE, "lithium recovery")
    eu = Quantity(w.eu_li_share, u.SHARE, "EU target")
    return charts.figure(
        whatif.whatif_chart(sliders, outputs, consts, title="NITI's volume, your way",
                            subtitle=["Bars run from the low end to the high end;",
                                      "tracks span what the sliders allow"]),
        name="recycling_whatif",
        title="What-if: pack mass and lithium recovery",
        description=(
            "Interactive: sliders for pack mass per kWh and for the low and high lithium "
            "recovery rate redraw three results for NITI Aayog's all-sector volume of "
            f"{show(r.volumes.eol_niti_gwh)}. At this page's values "
            f"({show(r.pack.pack_kg_per_kwh)}, lithium recovery {show(recovery)}): "
            + "; ".join(f"{o.label}, {o.text(pub[o.key])}" for o in outputs)
            + f". A red tick on the lithium track marks the EU target of {show(eu)}, "
            f"{_tonnes(w.li_contained_t * w.eu_li_share)}."),
        source_note=("Pack-mass slider spans the pack energy densities from batterydesign.net, "
                     "widened a little; recovery sliders span the process yields (Marcinov et al. "
                     "2023, Sommerfeld et al. 2020) and EU targets (Fastmarkets). Volume: NITI "
                     "Aayog-GGEF TCF via Mercom; capacity: recycler statements. Our arithmetic."),
        data=pd.DataFrame([{"slider": s.name, "label": s.label, "unit": s.unit,
                            "published_value": s.value, "min": s.min, "max": s.max,
                            "step": s.step} for s in sliders]),
    )
