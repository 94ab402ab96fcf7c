"""The Japanese-investment chapter on the page: the phrases its prose glues, its charts,
its what-if charts and its tables.

Everything here takes the chapter's result
(:class:`batteryreport.chapters.japan.JapanResult`) and only writes it out: no number is
computed here that the analysis did not compute. The what-if charts redo the analysis's
arithmetic in the reader's browser; at the published slider positions they must read
exactly as the glued text (:func:`batteryreport.present.whatif.check_published`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import altair as alt
import pandas as pd

from batteryreport.chapters.japan import VERDICTS, JapanResult, Span
from batteryreport.core.quantity import Quantity, source_ids
from batteryreport.core.quantity import text as q_text
from batteryreport.core.ranges import Range
from batteryreport.data import table_meta
from batteryreport.present import charts, fmt, whatif
from batteryreport.present.fmt import show
from batteryreport.present.glue import glue_result
from batteryreport.present.tables import Cite, Column, Html, table

# ----------------------------------------------------------------------------- phrases


def _phrase(text: str, label: str, *sources) -> Quantity:
    return q_text(text, label, source_ids(*sources))


def ends_reaching(verdict: str) -> str:
    """A verdict (:data:`~batteryreport.chapters.japan.VERDICTS`) as words for the middle
    of a sentence: "both ends", "only the high end" or "neither end"."""
    if verdict not in VERDICTS:
        raise ValueError(f"not a verdict: {verdict!r}")
    return verdict.lower()


def fx_basis(r: JapanResult) -> str:
    """Where the run's exchange rate comes from, in words."""
    fx = r.rupees.fx
    if fx.from_parameter:
        return "set for this run"
    if fx.before_data:
        return f"the close of {fmt.date(fx.day)}, the earliest in the data"
    return f"the close of {fmt.date(fx.day)}"


def _basis(from_parameters: bool, n: Quantity) -> str:
    return ("a range set for this run" if from_parameters
            else f"the span of all {show(n)} benchmarks")


def phrases(r: JapanResult) -> dict[str, Quantity]:
    """The chapter's phrases whose wording depends on the data, each chosen by a rule."""
    rp, cx, cap, g, al = r.rupees, r.capex, r.capacity, r.pli_gap, r.allocation
    return {
        "fx_source": _phrase(fx_basis(r), "Where the exchange rate comes from",
                             rp.fx_run.sources),
        "cell_basis": _phrase(_basis(cx.cell_from_parameters, cx.n_cell_benchmarks),
                              "Where the cell capex comes from", cx.cell_capex.sources),
        "rec_basis": _phrase(_basis(cx.rec_from_parameters, cx.n_rec_benchmarks),
                             "Where the recycling capex comes from", cx.rec_capex.sources),
        "bench_below": _phrase(f"{show(g.n_bench_below)} of the {show(cx.n_cell_benchmarks)}",
                               "Benchmarks under that capex", g.n_bench_below.sources,
                               cx.n_cell_benchmarks.sources),
        "plant_verdict": _phrase(ends_reaching(g.plant_reach.verdict),
                                 "Which ends of the range pay for one smallest PLI plant",
                                 g.plant_reach.sources),
        "floor_verdict": _phrase(ends_reaching(g.floor_reach.verdict),
                                 "Which ends of the range reach the PLI minimum for one plant",
                                 g.floor_reach.sources),
        "alloc_first_shares": _phrase(
            f"{show(al.alloc_first_share_cells)} to cells, "
            f"{show(al.alloc_first_share_recycling)} to recycling and "
            f"{show(al.alloc_first_share_ev)} to EVs",
            "Shares of the first allocation scenario", al.alloc_first_share_cells.sources,
            al.alloc_first_share_recycling.sources, al.alloc_first_share_ev.sources),
        "lede": _phrase(
            f"Japan's reported {show(rp.usd_range)} is {show(rp.inr_run)} at "
            f"{show(rp.fx_run)}: enough for about {show(cap.cell_gwh)} of cell factories, or "
            f"{show(g.gap_share_capacity)} of the PLI capacity that was awarded but has not "
            "been built.",
            "In one sentence", rp.usd_range.sources, rp.inr_run.sources, rp.fx_run.sources,
            cap.cell_gwh.sources, g.gap_share_capacity.sources),
    }


def glue(r: JapanResult) -> None:
    """Glue every quantity of the chapter and every phrase chosen for it."""
    glue_result(r, phrases(r))


# ----------------------------------------------------------------------------- text helpers


def per_gwh(v: float) -> str:
    return f"{fmt.inr_crore(v)} per GWh"


def kt(v: float) -> str:
    return f"{fmt.number(v)} thousand tonnes a year"


def wrap_label(text: str, width: int = 34) -> str:
    """A long chart label broken into lines (joined with newlines) of at most ``width``
    characters where the words allow."""
    return "\n".join(textwrap.wrap(str(text), width=width)) or str(text)


def amount_text(row: Mapping[str, object]) -> str:
    """An announcement's amount as reported, in every currency given ("" if none)."""
    parts = []

    def given(lo, hi) -> bool:
        return lo is not None and hi is not None and not pd.isna(lo) and not pd.isna(hi)

    for lo_key, hi_key, f in (("amount_usd_mn_low", "amount_usd_mn_high", fmt.usd_million),
                              ("amount_inr_cr_low", "amount_inr_cr_high", fmt.inr_crore)):
        lo, hi = row.get(lo_key), row.get(hi_key)
        if given(lo, hi):
            parts.append(fmt.span(Range(float(lo), float(hi)), f, sig=None))
    lo, hi = row.get("amount_jpy_bn_low"), row.get("amount_jpy_bn_high")
    if given(lo, hi):
        parts.append(fmt.jpy_bn(float(lo)) if lo == hi
                     else f"{fmt.jpy_bn(float(lo))}{fmt.DASH}{fmt.jpy_bn(float(hi))}")
    return " / ".join(parts)


def _cite(source_id, verification: str = "confirmed") -> Cite:
    return Cite.of(source_id, "" if verification == "confirmed" else verification)


# ----------------------------------------------------------------------------- tables


def rupee_table(r: JapanResult) -> Html:
    """The reported range in rupees: as reported, at the closes around the meetings, at the
    run's rate, and at other sources' closes for the same day."""
    rp = r.rupees
    rows = [
        {"basis": "As reported", "rate": f"{show(rp.fx_implied)} (implied)",
         "inr": show(rp.inr_reported), "source": Cite.of(rp.inr_reported.sources)},
        {"basis": "At the market closes around the trade meetings", "rate": show(rp.fx_window),
         "inr": show(rp.inr_window), "source": Cite.of(r.frames.window_sources)},
        {"basis": f"At this page's rate ({fx_basis(r)})", "rate": show(rp.fx_run),
         "inr": show(rp.inr_run), "source": Cite.of(rp.fx_run.sources)},
    ] + [
        {"basis": f"At another close for the same day: {o.quote_source}",
         "rate": fmt.rate(o.inr_per_usd),
         "inr": fmt.span(Range(o.inr_low, o.inr_high), fmt.inr_crore),
         "source": Cite.of(o.source_id)}
        for o in r.frames.other_closes.itertuples()
    ]
    return table(pd.DataFrame(rows), [
        Column("basis", "Conversion"), Column("rate", "₹ per US$", numeric=True),
        Column("inr", "The range in rupees", numeric=True), Column("source", "Source")],
        caption=f"The reported {show(rp.usd_range)} in rupees")


def allocation_table(r: JapanResult) -> Html:
    """What the range buys under each split of the allocation_scenarios parameter."""
    alloc = r.frames.allocation

    def span(row, key: str, f) -> str:
        return fmt.span(Range(row[f"{key}_low"], row[f"{key}_high"]), f)

    frame = pd.DataFrame([{
        "scenario": a["scenario"],
        "shares": f"{fmt.percent(a['share_cells'])} / {fmt.percent(a['share_recycling'])} / "
                  f"{fmt.percent(a['share_ev'])}",
        "gwh": span(a, "gwh", fmt.gwh), "kt": span(a, "kt", kt),
        "ev": span(a, "inr_ev", fmt.inr_crore)} for _, a in alloc.iterrows()],
        columns=["scenario", "shares", "gwh", "kt", "ev"])
    return table(frame, [
        Column("scenario", "Split"), Column("shares", "Cells / recycling / EVs"),
        Column("gwh", "Cell capacity", numeric=True),
        Column("kt", "Recycling capacity", numeric=True),
        Column("ev", "Left for EVs", numeric=True)],
        caption=f"What {show(r.rupees.inr_run)} buys under each split (allocation_scenarios)")


def gap_table(r: JapanResult) -> Html:
    """The PLI chapter's active awards, awarded, installed and not built, by name."""
    gap = r.frames.gap.sort_values(["beneficiary", "round"], kind="stable")
    frame = pd.DataFrame({
        "beneficiary": gap["beneficiary"],
        "awarded": [fmt.gwh(v) for v in gap["awarded_gwh"]],
        "installed": [fmt.gwh(v) for v in gap["installed_gwh"]],
        "unbuilt": [fmt.gwh(v) for v in gap["gap_gwh"]],
        "on": [fmt.date(d) for d in gap["observed_date"]],
        "source": [Cite.of(s) for s in gap["obs_source_id"]],
    })
    return table(frame, [
        Column("beneficiary", "Beneficiary"), Column("awarded", "Awarded", numeric=True),
        Column("installed", "Installed", numeric=True),
        Column("unbuilt", "Not built", numeric=True),
        Column("on", "Installed as of", numeric=True), Column("source", "Source")],
        caption="PLI-ACC capacity awarded and installed, by beneficiary (active awards)")


_STATUS = {"reported_probable": "reported as probable", "target": "target", "mou": "MoU",
           "heads_of_agreement": "heads of agreement", "term_sheet": "binding term sheet",
           "investment_announced": "investment announced", "loan_signed": "loan signed",
           "partnership_announced": "partnership announced",
           "production_started": "production started",
           "conversion_reported": "conversion reported"}


def announcements_table(r: JapanResult) -> Html:
    """Japan-India battery, EV and investment announcements, amounts as reported."""
    ctx = r.frames.announcements
    frame = pd.DataFrame({
        "when": [fmt.date(d, p) for d, p in zip(ctx["announced_date"], ctx["date_precision"],
                                                strict=True)],
        "announcement": ctx["announcement"],
        "parties": [j if pd.isna(i) else f"{j}, with {i}"
                    for j, i in zip(ctx["japan_side"], ctx["india_side"], strict=True)],
        "amount": [amount_text(row) for row in ctx.to_dict("records")],
        "status": [f"{_STATUS.get(s, s.replace('_', ' '))} (fact-check: {v})"
                   for s, v in zip(ctx["status"], ctx["verification"], strict=True)],
        "source": [Cite.of(s) for s in ctx["source_id"]],
    })
    return table(frame, [
        Column("when", "Date"), Column("announcement", "Announcement"), Column("parties", "Who"),
        Column("amount", "Amount as reported"), Column("status", "Status"),
        Column("source", "Source")],
        caption="Japan-India battery, EV and investment announcements (amounts as reported, "
                "not commitments)")


def meetings_table(r: JapanResult) -> Html:
    """Japan-India meetings on batteries and critical minerals."""
    m = r.frames.meetings
    frame = pd.DataFrame({
        "when": [fmt.date(d, p) + ("" if pd.isna(e) else f" to {fmt.date(e)}")
                 for d, p, e in zip(m["meeting_date"], m["date_precision"], m["end_date"],
                                    strict=True)],
        "meeting": [e + ("" if pd.isna(v) else f" ({v})") + ("" if st == "held" else f", {st}")
                    for e, v, st in zip(m["event"], m["venue"], m["status"], strict=True)],
        "who": ["; ".join(f"{side}: {p}" for side, p in (("Japan", j), ("India", i),
                                                          ("Others", o)) if not pd.isna(p))
                for j, i, o in zip(m["japan_participants"], m["india_participants"],
                                   m["other_participants"], strict=True)],
        "outcome": m["outcome"],
        "source": [Cite.of(s) for s in m["source_id"]],
    })
    return table(frame, [
        Column("when", "Date"), Column("meeting", "Meeting"), Column("who", "Who took part"),
        Column("outcome", "Outcome"), Column("source", "Source")],
        caption="Japan-India meetings on batteries and critical minerals")


# ----------------------------------------------------------------------------- charts

_SCOPES = {"india": "Indian project or study", "global": "Global estimate", "china": "China"}
_ASSUMED = "This page's assumption"


def buys_chart(r: JapanResult) -> charts.Figure:
    """GWh the range could build at this page's capex and at each benchmark."""
    cell, gwh = r.capex.cell_capex.value, r.capacity.cell_gwh.value
    plant = float(r.pli_gap.plant_gwh.value)
    bench = r.frames.cell_benchmarks.copy()
    bench["benchmark"] = [wrap_label(f"{s} ({y})", 40) for s, y in
                          zip(bench["subject"], bench["year"], strict=True)]
    bench["kind_of"] = bench["scope"].map(_SCOPES)
    assumed = pd.DataFrame([{
        "benchmark": _ASSUMED, "kind_of": _ASSUMED, "low": cell.low, "high": cell.high,
        "fund_low": gwh.low, "fund_high": gwh.high, "source_id": "", "unit": "INR crore per GWh",
        "reported_low": cell.low, "reported_high": cell.high}])
    buys = pd.concat([assumed, bench], ignore_index=True)
    buys["capex_text"] = [fmt.span(Range(a, b), per_gwh) for a, b in
                          zip(buys["low"], buys["high"], strict=True)]
    buys["gwh_text"] = [fmt.span(Range(a, b), fmt.gwh) for a, b in
                        zip(buys["fund_low"], buys["fund_high"], strict=True)]
    order = list(buys["benchmark"])
    colour = alt.Color("kind_of:N", title=None, legend=alt.Legend(orient="top", columns=1),
                       scale=alt.Scale(domain=[_ASSUMED, _SCOPES["india"], _SCOPES["global"]],
                                       range=["#222222", charts.PALETTE[0], charts.PALETTE[1]]))
    base = alt.Chart(buys).encode(
        y=alt.Y("benchmark:N", sort=order, title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '\\n')",
                              labelLimit=alt.ExprRef("containerSize()[0] < 500 ? 150 : 320"))),
        tooltip=[alt.Tooltip("benchmark:N", title="Benchmark"),
                 alt.Tooltip("capex_text:N", title="Capex (₹ crore per GWh)"),
                 alt.Tooltip("gwh_text:N", title="The range could build")])
    interval = base.mark_rule(strokeWidth=4).encode(
        x=alt.X("fund_low:Q", title="GWh of cell capacity the range could build"),
        x2="fund_high:Q", color=colour)
    ends = [base.mark_point(filled=True, size=60, opacity=1).encode(x=f"{f}:Q", color=colour)
            for f in ("fund_low", "fund_high")]
    plant_rule = alt.Chart(pd.DataFrame({
        "x": [plant], "label": [f"{show(r.pli_gap.plant_gwh)}: smallest PLI plant"]}))
    plant_mark = plant_rule.mark_rule(color=charts.PALETTE[3], strokeDash=[4, 3]).encode(
        x="x:Q")
    plant_text = plant_rule.mark_text(align="left", dx=4, dy=-6, color=charts.PALETTE[3],
                                      fontSize=11).encode(x="x:Q", y=alt.value(0),
                                                          text="label:N")
    chart = alt.layer(interval, *ends, plant_mark, plant_text).properties(
        height=40 * len(buys),
        title=alt.TitleParams("GWh the range could build",
                              subtitle=["From the low end at the highest cost",
                                        "to the high end at the lowest"]))
    return charts.figure(
        chart, name="japan_buys",
        title="Cell capacity the reported range could build at each capex benchmark",
        description=(f"At this page's assumption of {show(r.capex.cell_capex)}, "
                     f"{show(r.rupees.inr_run)} builds {show(r.capacity.cell_gwh)}. "
                     + " ".join(f"{b.benchmark}: {b.gwh_text}." for b in
                                buys.iloc[1:].itertuples())
                     + f" A dashed line marks {show(r.pli_gap.plant_gwh)}, the smallest plant "
                     "the PLI allows."),
        source_note="Sources: cost_benchmarks (project costs divided by capacity; see each "
                    "row's source on the Data and sources page), fx_rates, "
                    "japan_india_investments, pli_scheme_terms.",
        data=buys[["benchmark", "kind_of", "low", "high", "fund_low", "fund_high", "unit",
                   "reported_low", "reported_high", "source_id"]].rename(columns={
            "low": "capex_inr_cr_per_gwh_low", "high": "capex_inr_cr_per_gwh_high",
            "fund_low": "gwh_low", "fund_high": "gwh_high", "unit": "unit_as_reported",
            "reported_low": "value_as_reported_low",
            "reported_high": "value_as_reported_high"}))


def sensitivity_chart(r: JapanResult) -> charts.Figure:
    """A grid of exchange rates against cell-plant capex: the GWh the range builds in each
    cell, coloured by which end builds one smallest PLI plant."""
    grid = r.frames.grid
    fx_grid, capex_grid = list(r.frames.fx_values), list(r.frames.capex_values)
    plant = show(r.pli_gap.plant_gwh)
    fx_step = fx_grid[1] - fx_grid[0]
    cx_step = capex_grid[1] - capex_grid[0]
    cells = grid.assign(x1=grid["fx"] - fx_step / 2, x2=grid["fx"] + fx_step / 2,
                        y1=grid["capex"] - cx_step / 2, y2=grid["capex"] + cx_step / 2,
                        label=[fmt.span(Range(a, b), fmt.number) for a, b in
                               zip(grid["gwh_low"], grid["gwh_high"], strict=True)])
    x_enc = dict(scale=alt.Scale(domain=[fx_grid[0] - fx_step / 2, fx_grid[-1] + fx_step / 2],
                                 nice=False, zero=False))
    y_enc = dict(scale=alt.Scale(domain=[capex_grid[0] - cx_step / 2,
                                         capex_grid[-1] + cx_step / 2], nice=False, zero=False))
    heat = alt.Chart(cells).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("x1:Q", title=table_meta("fx_rates").field("inr_per_usd").title,
                axis=alt.Axis(values=fx_grid, format=".0f"), **x_enc),
        x2="x2:Q",
        y=alt.Y("y1:Q", title="Cell-plant capex (₹ crore per GWh)",
                axis=alt.Axis(values=capex_grid[::2], format=",.0f"), **y_enc),
        y2="y2:Q",
        color=alt.Color("verdict:N", title=f"Which end builds a {plant} plant",
                        legend=alt.Legend(orient="bottom", direction="vertical", titleLimit=400),
                        scale=alt.Scale(domain=list(VERDICTS),
                                        range=["#e8ebef", "#9cc0e0", "#1f5a96"])),
        tooltip=[alt.Tooltip("fx:Q", title="₹ per US$"),
                 alt.Tooltip("capex:Q", title="Capex (₹ crore per GWh)", format=",.0f"),
                 alt.Tooltip("label:N", title="GWh the range builds"),
                 alt.Tooltip("verdict:N", title="Verdict")])
    # Cell labels only where there is room for them (they are in the CSV and the tooltips).
    labels = alt.Chart(cells).mark_text(
        fontSize=10, opacity=alt.ExprRef("width < 380 ? 0 : 1")).encode(
        x=alt.X("fx:Q", **x_enc), y=alt.Y("capex:Q", **y_enc), text="label:N",
        color=alt.condition(f"datum.verdict === '{VERDICTS[2]}'", alt.value("white"),
                            alt.value("#222")))
    boundary = alt.Chart(r.frames.boundary).mark_line(
        color=charts.PALETTE[3], strokeWidth=2, strokeDash=[5, 3]).encode(
        x=alt.X("fx:Q", **x_enc), y=alt.Y("capex:Q", **y_enc))
    cell = r.capex.cell_capex.value
    rate = float(r.rupees.fx_run.value)
    assumed = alt.Chart(pd.DataFrame({"fx": [rate, rate], "capex": [cell.low, cell.high]})
                        ).mark_line(color="#111", strokeWidth=2, point=alt.OverlayMarkDef(
                            filled=True, size=50, color="#111")).encode(
        x=alt.X("fx:Q", **x_enc), y=alt.Y("capex:Q", **y_enc))
    chart = alt.layer(heat, labels, boundary, assumed).properties(
        height=24 * len(capex_grid),
        title=alt.TitleParams(
            "GWh the whole range would build",
            subtitle=[f"Dashed: where the high end builds exactly {plant}.",
                      "Black: this page's exchange rate and capex range."]))
    s = r.sensitivity
    low_grid = s.breakeven_low_grid.with_(value=s.breakeven_low_grid.value.high, sig=2)
    return charts.figure(
        chart, name="japan_sensitivity",
        title="Where the answer flips: exchange rate against cell-plant capex",
        description=(
            f"A grid of exchange rates from {show(s.fx_grid)} against capex from "
            f"{fmt.span(Range(capex_grid[0], capex_grid[-1]), per_gwh, sig=None)}. "
            f"Each cell gives the GWh the range builds there. The high end builds a {plant} "
            f"plant only below a capex of {show(s.breakeven_grid)}, depending on the exchange "
            f"rate; the low end builds one nowhere on the grid above {show(low_grid)}. "
            f"This page's assumption, {show(r.rupees.fx_run)} and {show(r.capex.cell_capex)}, "
            f"gives {show(r.capacity.cell_gwh)}."),
        source_note="Computed from the reported range (japan_india_investments), the "
                    "exchange-rate and capex ranges on this page (fx_rates, cost_benchmarks) "
                    "and the smallest plant the PLI allows (pli_scheme_terms).",
        data=grid[["fx", "capex", "gwh_low", "gwh_high", "verdict"]].rename(columns={
            "fx": "inr_per_usd", "capex": "capex_inr_cr_per_gwh"}))


def _slider(name: str, label: str, unit: str, s: Span) -> whatif.Slider:
    """A slider starting at the run's value (to 4 significant figures, as the input shows
    it) over the span the analysis gives."""
    return whatif.Slider(name, label, unit, fmt.round_sig(s.value, 4), s.span.low, s.span.high,
                         s.step)


def _slider_table(sliders: list[whatif.Slider]) -> pd.DataFrame:
    return pd.DataFrame([{"slider": s.name, "label": s.label, "unit": s.unit,
                          "published_value": s.value, "min": s.min, "max": s.max,
                          "step": s.step} for s in sliders])


_INR_LO, _INR_HI = "usd_low * fx / 10", "usd_high * fx / 10"  # US$ million at ₹/$ in crore


def whatif_chart(r: JapanResult) -> charts.Figure:
    """Interactive: the exchange rate and the costs, all of the money to one use at a time."""
    w, usd, plant = r.whatif, r.rupees.usd_range.value, r.pli_gap.plant_gwh
    sliders = [_slider("fx", "Exchange rate", "₹ per $", w.fx),
               _slider("cell_capex_low", "Cell capex, low", "₹ crore per GWh", w.cell_low),
               _slider("cell_capex_high", "Cell capex, high", "₹ crore per GWh", w.cell_high),
               _slider("rec_capex_low", "Recycling capex, low", "₹ crore per 1,000 t/yr",
                       w.rec_low),
               _slider("rec_capex_high", "Recycling capex, high", "₹ crore per 1,000 t/yr",
                       w.rec_high)]
    consts = [whatif.Constant("usd_low", usd.low), whatif.Constant("usd_high", usd.high),
              whatif.Constant("unbuilt_gwh", float(r.pli_gap.pli_unbuilt.value)),
              whatif.Constant("floor_per_gwh", float(r.pli_gap.pli_floor.value))]
    lo, hi = _INR_LO, _INR_HI
    outputs = [
        whatif.Output("inr", "The range in rupees", lo, hi, prefix="₹", suffix=" crore"),
        whatif.Output("gwh", "Cell capacity, all of it in cells", f"{lo} / cell_capex_high",
                      f"{hi} / cell_capex_low", suffix=" GWh", reference=float(plant.value),
                      reference_label=f"{show(plant)}: smallest PLI plant"),
        whatif.Output("gap", "Share of PLI capacity not yet built",
                      f"{lo} / cell_capex_high / unbuilt_gwh * 100",
                      f"{hi} / cell_capex_low / unbuilt_gwh * 100", suffix="%"),
        whatif.Output("floor", "Share of the PLI minimum investment for it",
                      f"{lo} / (unbuilt_gwh * floor_per_gwh) * 100",
                      f"{hi} / (unbuilt_gwh * floor_per_gwh) * 100", suffix="%"),
        whatif.Output("kt", "Recycling capacity, all of it in recycling",
                      f"{lo} / rec_capex_high", f"{hi} / rec_capex_low",
                      suffix=" thousand tonnes a year"),
    ]
    # At the published slider positions the chart must read exactly as the text.
    whatif.check_published(outputs, sliders, consts, {
        "inr": show(r.rupees.inr_run), "gwh": show(r.capacity.cell_gwh),
        "gap": show(r.pli_gap.gap_share_capacity), "floor": show(r.pli_gap.floor_share),
        "kt": show(r.capacity.rec_kt)})
    pub = whatif.published(outputs, sliders, consts)
    return charts.figure(
        whatif.whatif_chart(sliders, outputs, consts, title="What the range buys, your way",
                            subtitle=["Bars run from the low end to the high end;",
                                      "tracks span what the sliders allow"]),
        name="japan_whatif",
        title="What-if: exchange rate and costs",
        description=("Interactive: sliders for the exchange rate and for the low and high cell "
                     "and recycling capex redraw five results. At this page's values: "
                     + "; ".join(f"{o.label}, {o.text(pub[o.key])}" for o in outputs) + "."),
        source_note="Sliders span the benchmarks in fx_rates and cost_benchmarks, widened a "
                    "little; the PLI figures come from pli_awards, pli_capacity_observations "
                    "and pli_scheme_terms.",
        data=_slider_table(sliders))


def split_whatif_chart(r: JapanResult) -> charts.Figure:
    """Interactive: the split between cells, recycling and EVs at the page's rate and costs,
    starting at the first split of the allocation_scenarios parameter."""
    al, inr = r.allocation, r.rupees.inr_run.value
    cell, rec = r.capex.cell_capex.value, r.capex.rec_capex.value
    plant = r.pli_gap.plant_gwh
    sliders = [
        whatif.Slider("share_cells", "Share to cells", "%",
                      round(float(al.alloc_first_share_cells.value) * 100, 6), 0, 100, 5),
        whatif.Slider("share_recycling", "Share to recycling", "%",
                      round(float(al.alloc_first_share_recycling.value) * 100, 6), 0, 100, 5)]
    consts = [whatif.Constant("inr_low", inr.low), whatif.Constant("inr_high", inr.high),
              whatif.Constant("cell_capex_low", cell.low),
              whatif.Constant("cell_capex_high", cell.high),
              whatif.Constant("rec_capex_low", rec.low),
              whatif.Constant("rec_capex_high", rec.high)]
    total = "max(share_cells + share_recycling, 100)"
    outputs = [
        whatif.Output("split_gwh", "Cell capacity",
                      f"inr_low * share_cells / {total} / cell_capex_high",
                      f"inr_high * share_cells / {total} / cell_capex_low", suffix=" GWh",
                      reference=float(plant.value),
                      reference_label=f"{show(plant)}: smallest PLI plant"),
        whatif.Output("split_kt", "Recycling capacity",
                      f"inr_low * share_recycling / {total} / rec_capex_high",
                      f"inr_high * share_recycling / {total} / rec_capex_low",
                      suffix=" thousand tonnes a year"),
        whatif.Output("split_ev", "Left for EVs",
                      f"inr_low * (1 - (share_cells + share_recycling) / {total})",
                      f"inr_high * (1 - (share_cells + share_recycling) / {total})",
                      prefix="₹", suffix=" crore"),
    ]
    whatif.check_published(outputs, sliders, consts, {
        "split_gwh": show(al.alloc_first_gwh), "split_kt": show(al.alloc_first_kt),
        "split_ev": show(al.alloc_first_ev)})
    pub = whatif.published(outputs, sliders, consts)
    return charts.figure(
        whatif.whatif_chart(sliders, outputs, consts, title="Splitting the range your way",
                            subtitle=[f"At {show(r.rupees.fx_run)} and this page's costs.",
                                      "EVs get what is left; shares adding to more",
                                      "than the whole are scaled down."]),
        name="japan_split_whatif",
        title="What-if: the split between cells, recycling and EVs",
        description=(f"Interactive: sliders for the shares going to cells and to recycling, "
                     f"starting at the {show(al.alloc_first_name)} split; EVs get the rest. At "
                     "those shares: "
                     + "; ".join(f"{o.label}, {o.text(pub[o.key])}" for o in outputs) + "."),
        source_note="Shares start at the first split in the allocation_scenarios parameter; "
                    "costs as above (cost_benchmarks, fx_rates).",
        data=_slider_table(sliders))
