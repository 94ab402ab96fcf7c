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

from batteryreport.chapters.japan import OTHER_CLOSE_GAP, VERDICTS, JapanResult, Span
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


_NEWER_REASON = {"disputed": "the sources disagree", "unverifiable": "ruled unverifiable",
                 "unchecked": "not yet fact-checked", "not preferred": "not marked preferred"}
NEAR_MARKET = 0.03  # a reported conversion within 3% of the market closes is "a little" off
FAR_MORE = 3.0  # cost moves the answer "far more" when its spread is 3 times the rate's


def _int(q: Quantity) -> int:
    return int(q.value)  # type: ignore[arg-type]


def _n_of(k: int, n: int, noun: str, verb: tuple[str, str] = ("is", "are")) -> str:
    """k of n things, with the verb agreeing: "none of the 7 benchmarks is", "all 7
    benchmarks are", "5 of the 7 benchmarks are", "the one benchmark is (not)"."""
    one, many = verb
    if n == 1:
        return f"the one {noun[:-1]} {one}" + ("" if k == 1 else " not")
    if k == 0:
        return f"none of the {n} {noun} {one}"
    if k == n:
        return f"all {n} {noun} {many}"
    return f"{k} of the {n} {noun} {one if k == 1 else many}"


def _years(first: Quantity, last: Quantity) -> str:
    return show(first) if first.value == last.value else f"{show(first)}{fmt.DASH}{show(last)}"


def fx_why(r: JapanResult) -> str:
    """Why the page converts at this rate, from the run and the data: the parameter, or
    the latest preferred close on or before the analysis date (and the newer closes in the
    data it leaves out, with why), or the earliest close when the data has none by then."""
    fx, day = r.rupees.fx, show(r.dating.run_as_of)
    when = ("the analysis date set for this run" if r.analysis_date.from_parameter
            else "the date of the latest PLI report in the data")
    if fx.from_parameter:
        return "It comes from the fx_inr_per_usd parameter, in place of the closes in the data."
    if fx.before_data:
        return (f"The data has no close on or before {day}, {when}, so the page takes the "
                "earliest close it has.")
    out = f"It is the latest close the data marks as preferred on or before {day}, {when}."
    newer = r.frames.newer_closes
    if newer.empty:
        return out
    if len(newer) > 3:
        return (f"{out} The {len(newer)} later closes in the data, up to "
                f"{fmt.date(newer['date'].max())}, are not used: none is marked preferred.")
    parts = [f"{fmt.date(n.date)} ({fmt.span(Range(n.low, n.high), fmt.rate, sig=None)}: "
             f"{_NEWER_REASON[n.reason]})" for n in newer.itertuples()]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    noun = "close" if len(parts) == 1 else "closes"
    return f"{out} The later {noun} in the data {'is' if len(parts) == 1 else 'are'} not " \
           f"used: {listed}."


def fx_rule(r: JapanResult) -> str:
    """The rule that gave the run's exchange rate, with the close it picked."""
    fx = r.rupees.fx
    if fx.from_parameter:
        return "a rate set for this run with the fx_inr_per_usd parameter"
    day = show(r.dating.run_as_of)
    if fx.before_data:
        return (f"{fx_basis(r)}, as the data has no close on or before the analysis date, "
                f"{day}")
    return (f"{fx_basis(r)}, the latest close the data marks as preferred on or before the "
            f"analysis date, {day}")


def fx_day_note(r: JapanResult) -> str:
    """What the data says about other closes for the day the rate was taken."""
    fx = r.rupees.fx
    if fx.from_parameter:
        return "No close from the data is used, so the table shows the closes only to compare."
    day = fmt.date(fx.day)
    others = len(r.frames.other_closes)
    if others:
        rest = "other" if others == 1 else "others"
        return (f"Sources give different closes for {day}: the page uses the one the data "
                f"marks as preferred, and the table lists the {rest}.")
    if _int(r.rupees.n_closes_on_day) > 1:
        paise = round(OTHER_CLOSE_GAP * 100)
        return f"The sources in the data for {day} agree to within {paise} paise."
    return f"No other source in the data gives a close for {day}."


def fx_vs_window(r: JapanResult) -> str:
    """How the rate the reported rupee figures imply compares with the market closes
    around the meetings: weaker (more rupees to the dollar), stronger, or in line."""
    imp, win = r.rupees.fx_implied.value, r.rupees.fx_window.value
    if imp.low > win.high:
        gap = (imp.high - win.high) / win.high
        return ("a little weaker than" if gap <= NEAR_MARKET else "weaker than")
    if imp.high < win.low:
        gap = (win.low - imp.low) / win.low
        return ("a little stronger than" if gap <= NEAR_MARKET else "stronger than")
    return "in line with"


def fx_reading(r: JapanResult) -> str:
    """What the reported rupee figures are, judged by how far they are from the market."""
    imp, win = r.rupees.fx_implied.value, r.rupees.fx_window.value
    off = max(abs(imp.high - win.high) / win.high, abs(imp.low - win.low) / win.low)
    if off <= NEAR_MARKET:
        return ("The rupee figures look like rounded conversions, so this page converts the "
                "dollar range itself.")
    return ("That is further from the market than rounding explains, so this page does not "
            "use the rupee figures: it converts the dollar range itself.")


def _basis(from_parameters: bool, n: Quantity) -> str:
    return ("a range set for this run" if from_parameters
            else f"the span of all {show(n)} benchmarks")


def bench_derived(r: JapanResult) -> str:
    """How many cell benchmarks are our arithmetic rather than stated per GWh."""
    cx = r.capex
    k, n = _int(cx.n_bench_derived), _int(cx.n_cell_benchmarks)
    if k == 0:
        return "Every cell benchmark is stated per GWh by its source."
    out = _n_of(k, n, "cell benchmarks")
    out = (out[0].upper() + out[1:] + " our arithmetic, a reported cost divided by a reported "
           "capacity (each row's note on the \"Data and sources\" page shows it)")
    rest = n - k
    if rest:
        out += "; the other is" if rest == 1 else "; the others are"
        out += " stated per GWh"
    return out + "."


def global_intro(r: JapanResult) -> str:
    """The global estimate(s) introduced with their number and years."""
    cx = r.capex
    years = _years(cx.global_year_first, cx.global_year_last)
    if _int(cx.n_global_benchmarks) == 1:
        return f"a global estimate from {years} is"
    return f"{show(cx.n_global_benchmarks)} global estimates from {years} give"


def bench_below(r: JapanResult, low_end: bool = False) -> str:
    """How many benchmarks lie under the capex at which an end of the range builds one
    smallest plant: "5 of the 7 benchmarks are", "none of the 7 benchmarks is", with the
    ones under it only at their low end named apart."""
    g, n = r.pli_gap, _int(r.capex.n_cell_benchmarks)
    k, partly = ((_int(g.n_bench_below_low), _int(g.n_bench_partly_low)) if low_end
                 else (_int(g.n_bench_below), _int(g.n_bench_partly)))
    out = _n_of(k, n, "benchmarks")
    if partly:
        out += (f", and {partly} more {'is' if partly == 1 else 'are'} only at the low end of "
                f"{'its' if partly == 1 else 'their'} range")
    return out


def floor_vs_cost(r: JapanResult) -> str:
    """Which of the two PLI shares is the smaller, from where this page's capex sits
    against the scheme's floor (the capacity share is smaller where capex is above it)."""
    cell, floor = r.capex.cell_capex.value, float(r.pli_gap.pli_floor.value)
    n, above = _int(r.capex.n_cell_benchmarks), _int(r.pli_gap.n_bench_above_floor)
    bench = _n_of(above, n, "benchmarks", ("lies", "lie"))
    bench = bench[0].upper() + bench[1:] + " above it"
    if cell.low > floor:
        mine = ("" if not r.capex.cell_from_parameters
                else ", and so does this run's whole capex range")
        return f"{bench}{mine}, so the first share is the smaller one."
    if cell.high > floor:
        return (f"{bench}, but this page's capex range starts below it, so the first share is "
                "the smaller one only at its low end.")
    return (f"{bench}, but this page's capex is at or below it, so the first share is the "
            "larger one.")


def rec_capex_sentence(r: JapanResult) -> str:
    """Where the recycling capex comes from: the benchmarks, or the run's parameters set
    beside them."""
    cx = r.capex
    n = _int(cx.n_rec_benchmarks)
    bench = "The one benchmark in the data puts" if n == 1 else \
        f"The {n} benchmarks in the data put"
    if not cx.rec_from_parameters:
        return f"{bench} a plant at {show(cx.rec_capex)} of capacity."
    them = "the one benchmark in the data gives" if n == 1 else \
        f"the {n} benchmarks in the data give"
    return (f"This run sets a plant's cost at {show(cx.rec_capex)} of capacity; "
            f"{them} {show(cx.rec_capex_bench)}.")


def rec_bench_kinds(r: JapanResult) -> str:
    """What the recycling benchmarks are: their kinds, and how many are from abroad."""
    kinds = r.frames.rec_benchmarks["kind"].value_counts()
    words = {"plan": ("a company plan", "company plans"), "estimate": ("an estimate", "estimates"),
             "forecast": ("a forecast", "forecasts")}
    parts = []
    for kind, k in kinds.items():
        one, many = words.get(kind, (f"a {kind}", f"{kind}s"))
        parts.append(one if k == 1 else f"{k} {many}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    n, abroad = _int(r.capex.n_rec_benchmarks), _int(r.capex.n_rec_abroad)
    where = ("all from outside India" if abroad == n and n > 1 else
             "from outside India" if abroad == n else
             "none from outside India" if abroad == 0 else
             f"{abroad} of them from outside India")
    return f"The benchmarks are {listed}, {where}, so treat the result as an order of magnitude."


def pli_when(r: JapanResult) -> str:
    """When the installed figures are from: one date for all, or each beneficiary's latest
    report (with the ones that have none named apart)."""
    g = r.pli_gap
    n, none = _int(g.n_pli_awards), _int(g.n_pli_unreported)
    run_day = show(r.dating.run_as_of)
    if none == n:
        return f"by {run_day}, as far as the data shows: no beneficiary had reported any"
    if g.pli_obs_first.value == g.pli_as_of.value:
        out = f"by {show(g.pli_as_of)}"
    else:
        out = (f"according to each beneficiary's latest report, dated {show(g.pli_obs_first)} "
               f"to {show(g.pli_as_of)}")
    if none:
        out += (f" ({none} of the {n} beneficiaries had no report by {run_day} and "
                f"{'counts' if none == 1 else 'count'} as none installed)")
    return out


def targets_compared(r: JapanResult) -> str:
    """Whether the two yen targets can be set against each other: only if they count the
    same money."""
    c = r.context
    if c.target_scope.value == c.target_2022_scope.value:
        ratio = float(c.target_jpy.value) / float(c.target_jpy_2022.value)  # type: ignore[arg-type]
        return (f"Both count the same kind of money ({c.target_scope.value}); the new target is "
                f"{fmt.number(ratio)} times the earlier one.")
    return ("The two count different money, so the new target cannot be read as a multiple "
            "of the earlier one.")


def flip_driver(r: JapanResult) -> str:
    """What the verdict depends on more: the spread of the cost benchmarks against the
    spread of exchange rates the chart spans (each as its highest over its lowest)."""
    capex, rate = r.capex.capex_bench.value, r.sensitivity.fx_grid.value
    cost, fx = capex.high / capex.low - 1, rate.high / rate.low - 1
    if cost >= FAR_MORE * fx:
        return "far more on what a GWh costs than on the exchange rate"
    if cost > fx:
        return "more on what a GWh costs than on the exchange rate"
    if fx >= FAR_MORE * cost:
        return "far more on the exchange rate than on what a GWh costs"
    return "more on the exchange rate than on what a GWh costs"


def run_dating(r: JapanResult) -> str:
    """How the run's date sits with the Japanese reports (they are not cut at it)."""
    d = r.dating
    day = show(d.run_as_of)
    how = "set for this run" if r.analysis_date.from_parameter else \
        "the date of the latest PLI report in the data"
    out = (f"This run is taken at {day} ({how}): the PLI figures and the exchange rate are "
           "as of that date. The Japanese reports and meetings are not cut at it; the newest "
           f"dated fact on this page is of {show(d.newest_fact)}.")
    if d.run_as_of.value < d.range_reported.value:
        out += (f" The range itself was reported in {show(d.range_reported)}, after the run's "
                "date, so the page shows what it would have meant then.")
    return out


def phrases(r: JapanResult) -> dict[str, Quantity]:
    """The chapter's phrases whose wording depends on the data, each chosen by a rule."""
    rp, cx, cap, g, al = r.rupees, r.capex, r.capacity, r.pli_gap, r.allocation
    ctx, d = r.context, r.dating
    return {
        "fx_source": _phrase(fx_basis(r), "Where the exchange rate comes from",
                             rp.fx_run.sources),
        "fx_why": _phrase(fx_why(r), "Why this exchange rate", rp.fx_run.sources,
                          d.run_as_of.sources, rp.n_fx_newer.sources),
        "fx_rule": _phrase(fx_rule(r), "The rule behind the exchange rate", rp.fx_run.sources,
                           d.run_as_of.sources),
        "fx_day_note": _phrase(fx_day_note(r), "Other closes for the same day",
                               rp.n_closes_on_day.sources),
        "fx_vs_window": _phrase(fx_vs_window(r), "The implied rate against the market",
                                rp.fx_implied.sources, rp.fx_window.sources),
        "fx_reading": _phrase(fx_reading(r), "What the reported rupee figures are",
                              rp.fx_implied.sources, rp.fx_window.sources),
        "cell_basis": _phrase(_basis(cx.cell_from_parameters, cx.n_cell_benchmarks),
                              "Where the cell capex comes from", cx.cell_capex.sources),
        "rec_basis": _phrase(_basis(cx.rec_from_parameters, cx.n_rec_benchmarks),
                             "Where the recycling capex comes from", cx.rec_capex.sources),
        "bench_derived": _phrase(bench_derived(r), "Which benchmarks are our arithmetic",
                                 cx.n_bench_derived.sources),
        "india_years": _phrase(_years(cx.india_year_first, cx.india_year_last),
                               "Years of the Indian benchmarks", cx.india_year_first.sources,
                               cx.india_year_last.sources),
        "global_intro": _phrase(global_intro(r), "The global estimates",
                                cx.n_global_benchmarks.sources),
        "bench_below": _phrase(bench_below(r), "Benchmarks under that capex",
                               g.n_bench_below.sources, cx.n_cell_benchmarks.sources),
        "bench_below_low": _phrase(bench_below(r, low_end=True),
                                   "Benchmarks under the low end's capex",
                                   g.n_bench_below_low.sources, cx.n_cell_benchmarks.sources),
        "floor_vs_cost": _phrase(floor_vs_cost(r), "Which PLI share is the smaller",
                                 cx.cell_capex.sources, g.pli_floor.sources,
                                 g.n_bench_above_floor.sources),
        "rec_capex_sentence": _phrase(rec_capex_sentence(r), "Where the recycling capex "
                                      "comes from", cx.rec_capex.sources,
                                      cx.rec_capex_bench.sources),
        "rec_bench_kinds": _phrase(rec_bench_kinds(r), "What the recycling benchmarks are",
                                   cx.rec_capex_bench.sources),
        "pli_when": _phrase(pli_when(r), "When the installed figures are from",
                            g.pli_as_of.sources, g.pli_obs_first.sources,
                            g.n_pli_unreported.sources),
        "targets_compared": _phrase(targets_compared(r), "Whether the two targets compare",
                                    ctx.target_scope.sources, ctx.target_2022_scope.sources),
        "flip_driver": _phrase(flip_driver(r), "What the verdict depends on more",
                               cx.capex_bench.sources, r.sensitivity.fx_grid.sources),
        "run_dating": _phrase(run_dating(r), "How this run is dated", d.run_as_of.sources,
                              d.range_reported.sources, d.newest_fact.sources),
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
            f"{show(rp.fx_run)} ({fx_basis(r)}): enough for about {show(cap.cell_gwh)} of "
            "cell factories, or "
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
        caption=f"What {show(r.rupees.inr_run)} buys under each of the report's allocation splits")


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
_PAYS = {"Both ends": "Both ends of the range pay", "Only the high end": "Only the high end of "
         "the range pays", "Neither end": "Neither end of the range pays"}


def buys_chart(r: JapanResult) -> charts.Figure:
    """GWh the range could build at this page's capex and at each benchmark."""
    cell, gwh = r.capex.cell_capex.value, r.capacity.cell_gwh.value
    plant = float(r.pli_gap.plant_gwh.value)
    bench = r.frames.cell_benchmarks.copy()
    bench["benchmark"] = [f"{s} ({y})" for s, y in zip(bench["subject"], bench["year"],
                                                        strict=True)]
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
    names = charts.citations(charts.source_ids(buys["source_id"]))
    cite = {c.source_id: c.text for c in names}
    buys["cite"] = [cite.get(s, "this page's capex range") for s in buys["source_id"]]
    buys["lines"] = [charts.wrap(b, 46) for b in buys["benchmark"]]
    buys["wide_lines"] = [charts.wrap(b, 40) for b in buys["benchmark"]]
    order = list(buys["benchmark"])
    kinds = [_ASSUMED, _SCOPES["india"], _SCOPES["global"]]
    tooltip = [alt.Tooltip("benchmark:N", title="Benchmark"),
               alt.Tooltip("capex_text:N", title="Capex (₹ crore per GWh)"),
               alt.Tooltip("gwh_text:N", title="The range could build"),
               alt.Tooltip("cite:N", title="Source")]
    x_title = "GWh of cell capacity the range could build"
    plant_df = pd.DataFrame({"x": [plant],
                             "label": [f"{show(r.pli_gap.plant_gwh)}: smallest PLI plant"]})

    def build(narrow: bool) -> alt.LayerChart:
        colour = alt.Color("kind_of:N", title=None, legend=alt.Legend(
            orient="bottom", direction="vertical" if narrow else "horizontal"),
            scale=alt.Scale(domain=kinds, range=[charts.FG, charts.PALETTE[0],
                                                  charts.PALETTE[1]]))
        if narrow:
            y = alt.Y("benchmark:N", sort=order, title=None, axis=None,
                      scale=alt.Scale(type="point", padding=0.9))
        else:
            y = alt.Y("benchmark:N", sort=order, title=None, scale=alt.Scale(
                type="point", padding=0.6), axis=alt.Axis(
                labelExpr=charts.lines_expr(order, 40), grid=False, labelPadding=6))
        x = alt.X("fund_low:Q", title=x_title, axis=alt.Axis(tickCount=5 if narrow else 10))
        base = alt.Chart(buys).encode(y=y, tooltip=tooltip)
        interval = base.mark_rule(strokeWidth=4).encode(x=x, x2=alt.X2("fund_high:Q"), color=colour)
        ends = [base.mark_point(filled=True, size=60, opacity=1).encode(x=alt.X(f"{f}:Q"),
                                                                       color=colour)
                for f in ("fund_low", "fund_high")]
        plant_rule = alt.Chart(plant_df)
        plant_mark = plant_rule.mark_rule(color=charts.PALETTE[3], strokeDash=[4, 3]).encode(
            x=alt.X("x:Q"))
        plant_text = plant_rule.mark_text(align="left", dx=4, dy=-8, color=charts.PALETTE[3],
                                          fontSize=11).encode(x=alt.X("x:Q"), y=alt.YValue(0),
                                                              text=alt.Text("label:N"))
        layers = [interval, *ends, plant_mark, plant_text]
        if narrow:  # each benchmark's name above its interval, across the whole width
            layers += charts.lines_above(buys, "lines", y, gap=8)
        most = max(len(x) for x in buys["wide_lines"])
        return charts.layered(*layers,
            height=(60 if narrow else max(40, 15 * most + 6)) * len(buys))

    verdict = r.pli_gap.plant_reach.verdict
    return charts.figure(
        build(False), narrow=build(True), name="japan_buys",
        title="Cell capacity the reported range could build at each capex benchmark",
        takeaway=(f"{_PAYS[verdict]} for one {show(r.pli_gap.plant_gwh)} plant, the smallest "
                  f"the PLI allows, at this page's capex: {show(r.capacity.cell_gwh)} in all. "
                  "Each line runs from the range's low end at the highest cost to its high "
                  "end at the lowest."),
        description=(f"At this page's assumption of {show(r.capex.cell_capex)}, "
                     f"{show(r.rupees.inr_run)} builds {show(r.capacity.cell_gwh)}. "
                     + " ".join(f"{b.benchmark}: {b.gwh_text}." for b in
                                buys.iloc[1:].itertuples())
                     + f" A dashed line marks {show(r.pli_gap.plant_gwh)}, the smallest plant "
                     "the PLI allows."),
        source_note="Benchmarks are project costs divided by capacity (our arithmetic where "
                    "the source gives a total); the range is converted at this page's "
                    f"exchange rate, {show(r.rupees.fx_run)}.",
        sources=[*buys["source_id"], *r.rupees.usd_range.sources, *r.rupees.fx_run.sources,
                 *r.pli_gap.plant_gwh.sources],
        as_of=r.dating.run_as_of.value,
        data=buys,
        columns=[charts.Col("benchmark", "Benchmark"), charts.Col("kind_of", "Kind"),
                 charts.Col("low", "Capex, low", "₹ crore per GWh", 1),
                 charts.Col("high", "Capex, high", "₹ crore per GWh", 1),
                 charts.Col("fund_low", "Capacity the range builds, low", "GWh", 2),
                 charts.Col("fund_high", "Capacity the range builds, high", "GWh", 2),
                 charts.Col("reported_low", "Capex as reported, low"),
                 charts.Col("reported_high", "Capex as reported, high"),
                 charts.Col("unit", "Unit as reported"),
                 charts.Col("source_id", "Source", kind="source")])


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
    cell = r.capex.cell_capex.value
    rate = float(r.rupees.fx_run.value)
    boundary_name = f"Where the high end builds exactly {plant}"
    assumed_name = "This page's exchange rate and capex range"
    lines = pd.concat([r.frames.boundary.assign(line=boundary_name, order=range(
        len(r.frames.boundary))), pd.DataFrame({"fx": [rate, rate], "capex": [cell.low, cell.high],
                                                "line": assumed_name, "order": [0, 1]})],
        ignore_index=True)

    def build(narrow: bool) -> alt.LayerChart:
        heat = alt.Chart(cells).mark_rect(stroke=charts.BG, strokeWidth=1).encode(
            x=alt.X("x1:Q", title=table_meta("fx_rates").field("inr_per_usd").title,
                    axis=alt.Axis(values=fx_grid[::2] if narrow else fx_grid, format=".0f"),
                    **x_enc),
            x2=alt.X2("x2:Q"),
            y=alt.Y("y1:Q", title="Cell-plant capex (₹ crore per GWh)",
                    axis=charts.y_axis(narrow, values=capex_grid[::4] if narrow
                                       else capex_grid[::2], format=",.0f"), **y_enc),
            y2=alt.Y2("y2:Q"),
            color=alt.Color("verdict:N", title=f"Which end builds a {plant} plant",
                            legend=alt.Legend(orient="bottom", direction="vertical"),
                            scale=alt.Scale(domain=list(VERDICTS),
                                            range=[charts.COLORS["surface"],
                                                   charts.COLORS["tint-1"], charts.PALETTE[0]])),
            tooltip=[alt.Tooltip("fx:Q", title="₹ per US$"),
                     alt.Tooltip("capex:Q", title="Capex (₹ crore per GWh)", format=",.0f"),
                     alt.Tooltip("label:N", title="GWh the range builds"),
                     alt.Tooltip("verdict:N", title="Verdict")])
        # Cell labels only where there is room for them (they are in the CSV and tooltips).
        labels = alt.Chart(cells).mark_text(
            fontSize=10, opacity=alt.ExprRef("width < 380 ? 0 : 1")).encode(
            x=alt.X("fx:Q", **x_enc), y=alt.Y("capex:Q", **y_enc), text=alt.Text("label:N"),
            color=alt.ColorValue(**alt.condition(f"datum.verdict === '{VERDICTS[2]}'",
                                                 alt.value(charts.BG), alt.value(charts.FG))))
        stroke = alt.Stroke("line:N", title=None, legend=alt.Legend(
            orient="bottom", direction="vertical", symbolType="stroke", symbolStrokeWidth=2,
            labelExpr=charts.lines_expr([boundary_name, assumed_name], 34) if narrow
            else "datum.label"),
            scale=alt.Scale(domain=[boundary_name, assumed_name],
                                      range=[charts.PALETTE[3], charts.FG]))
        dash = alt.StrokeDash("line:N", title=None, legend=None, scale=alt.Scale(
            domain=[boundary_name, assumed_name], range=[[5, 3], [1, 0]]))
        line = alt.Chart(lines).mark_line(strokeWidth=2).encode(
            x=alt.X("fx:Q", **x_enc), y=alt.Y("capex:Q", **y_enc), stroke=stroke,
            strokeDash=dash, detail=alt.Detail("line:N"), order=alt.Order("order:Q"))
        dots = alt.Chart(lines[lines["line"] == assumed_name]).mark_point(
            filled=True, size=50, opacity=1, color=charts.FG).encode(
            x=alt.X("fx:Q", **x_enc), y=alt.Y("capex:Q", **y_enc))
        # The labels go last, so that the boundary line passes under a cell's text.
        return charts.layered(heat, line, dots, labels,
            height=(20 if narrow else 24) * len(capex_grid))

    s = r.sensitivity
    low_grid = s.breakeven_low_grid.with_(value=s.breakeven_low_grid.value.high, sig=2)
    if s.breakeven_low_grid.value.high < capex_grid[0]:
        low_text = (f"the low end builds one nowhere on the grid: it would need capex below "
                    f"{show(low_grid)}")
    else:
        low_text = f"the low end only below {show(s.breakeven_low_grid)}"
    return charts.figure(
        build(False), narrow=build(True), name="japan_sensitivity",
        title="Where the answer flips: exchange rate against cell-plant capex",
        takeaway=(f"The high end of the range builds a {plant} plant only below a capex of "
                  f"{show(s.breakeven_grid)}; the answer depends {flip_driver(r)}."),
        description=(
            f"A grid of exchange rates from {show(s.fx_grid)} against capex from "
            f"{fmt.span(Range(capex_grid[0], capex_grid[-1]), per_gwh, sig=None)}. "
            f"Each cell gives the GWh the range builds there. The high end builds a {plant} "
            f"plant only below a capex of {show(s.breakeven_grid)}, depending on the exchange "
            f"rate; {low_text}. "
            f"This page's assumption, {show(r.rupees.fx_run)} and {show(r.capex.cell_capex)}, "
            f"gives {show(r.capacity.cell_gwh)}."),
        source_note="Our arithmetic: the reported range, over the exchange rates and capex "
                    "benchmarks on this page, against the smallest plant the PLI allows.",
        sources=[*r.rupees.usd_range.sources, *r.rupees.fx_run.sources,
                 *r.capex.cell_capex.sources, *r.pli_gap.plant_gwh.sources],
        as_of=r.dating.run_as_of.value,
        data=grid,
        columns=[charts.Col("fx", "Exchange rate", "₹ per US$"),
                 charts.Col("capex", "Cell-plant capex", "₹ crore per GWh", 0),
                 charts.Col("gwh_low", "Capacity the range builds, low", "GWh", 2),
                 charts.Col("gwh_high", "Capacity the range builds, high", "GWh", 2),
                 charts.Col("verdict", f"Which end builds a {plant} plant")])


def _slider(name: str, label: str, unit: str, s: Span) -> whatif.Slider:
    """A slider starting at the run's value (to 4 significant figures, as the input shows
    it) over the span the analysis gives."""
    return whatif.Slider(name, label, unit, fmt.round_sig(s.value, 4), s.span.low, s.span.high,
                         s.step)


def _sliders(r: JapanResult) -> list[whatif.Slider]:
    """The exchange rate and the costs: sliders on the first what-if chart, and the
    values the split chart follows (linked by name)."""
    w = r.whatif
    return [_slider("fx", "Exchange rate", "₹ per $", w.fx),
            _slider("cell_capex_low", "Cell capex, low", "₹ crore per GWh", w.cell_low),
            _slider("cell_capex_high", "Cell capex, high", "₹ crore per GWh", w.cell_high),
            _slider("rec_capex_low", "Recycling capex, low", "₹ crore per 1,000 t/yr",
                    w.rec_low),
            _slider("rec_capex_high", "Recycling capex, high", "₹ crore per 1,000 t/yr",
                    w.rec_high)]


LINK = "japan"  # the two what-if charts share the exchange rate and the costs
_PAIRS = [("cell_capex_low", "cell_capex_high"), ("rec_capex_low", "rec_capex_high")]
_INR_LO, _INR_HI = "usd_low * fx / 10", "usd_high * fx / 10"  # US$ million at ₹/$ in crore


def whatif_chart(r: JapanResult) -> charts.Figure:
    """Interactive: the exchange rate and the costs, all of the money to one use at a time."""
    usd, plant = r.rupees.usd_range.value, r.pli_gap.plant_gwh
    sliders = _sliders(r)
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

    def build(row_height: int):
        return whatif.whatif_chart(sliders, outputs, consts, row_height=row_height,
                                   pairs=_PAIRS, link=LINK)

    return charts.figure(
        build(76),  # one layout: the rows already suit a phone
        name="japan_whatif",
        title="What-if: exchange rate and costs",
        takeaway=(f"At this page's values the range buys {show(r.capacity.cell_gwh)} of cell "
                  f"plants, or {show(r.capacity.rec_kt)} of recycling: move the sliders to "
                  "see what other rates and costs give."),
        description=("Interactive: sliders for the exchange rate and for the low and high cell "
                      "and recycling capex redraw five results. At this page's values: "
                      + "; ".join(f"{o.label}, {o.text(pub[o.key])}" for o in outputs) + "."),
        source_note="Sliders span the exchange-rate closes and the cost benchmarks on this "
                    "page, widened a little. Our arithmetic.",
        sources=[*r.rupees.usd_range.sources, *r.rupees.fx_run.sources,
                 *r.capex.cell_capex.sources, *r.capex.rec_capex.sources,
                 *r.pli_gap.pli_unbuilt.sources, *r.pli_gap.pli_floor.sources],
        as_of=r.dating.run_as_of.value,
        data=whatif.table(sliders, outputs, consts),
        columns=whatif.TABLE_COLUMNS)


def split_whatif_chart(r: JapanResult) -> charts.Figure:
    """Interactive: the split between cells, recycling and EVs at the exchange rate and
    costs set on the chart above (linked), starting at the first split of the
    allocation_scenarios parameter."""
    al, usd = r.allocation, r.rupees.usd_range.value
    plant = r.pli_gap.plant_gwh
    sliders = [
        whatif.Slider("share_cells", "Share to cells", "%",
                      round(float(al.alloc_first_share_cells.value) * 100, 6), 0, 100, 5),
        whatif.Slider("share_recycling", "Share to recycling", "%",
                      round(float(al.alloc_first_share_recycling.value) * 100, 6), 0, 100, 5)]
    # The first chart's sliders, as constants of the same names: charts.js sets them from
    # that chart whenever its sliders move.
    consts = [whatif.Constant("usd_low", usd.low), whatif.Constant("usd_high", usd.high),
              *[whatif.Constant(s.name, s.value) for s in _sliders(r)]]
    total = "max(share_cells + share_recycling, 100)"
    lo, hi = _INR_LO, _INR_HI
    outputs = [
        whatif.Output("split_gwh", "Cell capacity",
                      f"{lo} * share_cells / {total} / cell_capex_high",
                      f"{hi} * share_cells / {total} / cell_capex_low", suffix=" GWh",
                      reference=float(plant.value),
                      reference_label=f"{show(plant)}: smallest PLI plant"),
        whatif.Output("split_kt", "Recycling capacity",
                      f"{lo} * share_recycling / {total} / rec_capex_high",
                      f"{hi} * share_recycling / {total} / rec_capex_low",
                      suffix=" thousand tonnes a year"),
        whatif.Output("split_ev", "Left for EVs",
                      f"{lo} * (1 - (share_cells + share_recycling) / {total})",
                      f"{hi} * (1 - (share_cells + share_recycling) / {total})",
                      prefix="₹", suffix=" crore"),
    ]
    whatif.check_published(outputs, sliders, consts, {
        "split_gwh": show(al.alloc_first_gwh), "split_kt": show(al.alloc_first_kt),
        "split_ev": show(al.alloc_first_ev)})
    pub = whatif.published(outputs, sliders, consts)
    context = "'At ₹' + format(fx, '.2f') + '/$ and the costs set above'"

    def build(row_height: int):
        return whatif.whatif_chart(sliders, outputs, consts, row_height=row_height,
                                   context=context, shares=["share_cells", "share_recycling"],
                                   rest_label="EVs", link=LINK)

    return charts.figure(
        build(76),  # one layout: the rows already suit a phone
        name="japan_split_whatif",
        title="What-if: the split between cells, recycling and EVs",
        takeaway=(f"The {show(al.alloc_first_name)} split ({show(al.alloc_first_share_cells)} "
                  f"to cells, {show(al.alloc_first_share_recycling)} to recycling) buys "
                  f"{show(al.alloc_first_gwh)} of cell plants and "
                  f"{show(al.alloc_first_kt)} of recycling."),
        description=(f"Interactive: sliders for the shares going to cells and to recycling, "
                     f"starting at the {show(al.alloc_first_name)} split; EVs get the rest, so "
                     "the three shares always add up to 100%. The exchange rate and the costs "
                     "are those set on the chart above. At the starting shares: "
                     + "; ".join(f"{o.label}, {o.text(pub[o.key])}" for o in outputs) + "."),
        source_note="Shares start at the first split in the report's allocation scenarios; "
                    "rate and costs as set on the chart above. Our arithmetic.",
        sources=[*r.rupees.usd_range.sources, *r.rupees.fx_run.sources,
                 *r.capex.cell_capex.sources, *r.capex.rec_capex.sources],
        as_of=r.dating.run_as_of.value,
        data=whatif.table(sliders, outputs, consts),
        columns=whatif.TABLE_COLUMNS)
