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

from batteryreport.chapters.recycling import (
    CONTAINED,
    PROCESSES,
    PRODUCTION_STAGES,
    RecyclingResult,
)
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity, source_ids
from batteryreport.core.quantity import date as q_date
from batteryreport.core.quantity import missing as q_missing
from batteryreport.core.quantity import text as q_text
from batteryreport.core.ranges import Range
from batteryreport.present import charts, fmt, whatif
from batteryreport.present.fmt import show
from batteryreport.present.glue import glue_result, quantities
from batteryreport.present.tables import Cite, Column, Html, table

KT = 1000  # tonnes in a thousand tonnes: the charts count in thousands

# ----------------------------------------------------------------------------- phrases


def _phrase(text: str, label: str, *sources) -> Quantity:
    return q_text(text, label, source_ids(*sources))


def _srcs(*qs: Quantity) -> tuple[str, ...]:
    return source_ids(*(q.sources for q in qs))


def _low(q: Quantity) -> Quantity:
    """The low end of a range quantity, to be written on its own."""
    v = q.value
    return q.with_(value=v.low if isinstance(v, Range) else v, sig=2)


def _list(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Which gap is larger, as the prose says it (see chapters.recycling.larger_gap).
_VERDICT = {"collection": "collection is the larger gap",
            "capacity": "plant capacity is the larger gap"}


def gap_phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """Capacity or collection: the verdict on one year's spent batteries, in one sentence
    for the brief (``lede``) and in a paragraph for the page (``gap_verdict``).

    Rule: one gap is the larger only if it is larger at both ends of the ranges; when the
    verdict with a disputed claim counted differs from the verdict without it, say so."""
    g, c, v = r.gap, r.capacity, r.volumes
    src = _srcs(g.cover_flow, g.gap_capacity, g.gap_collection, v.recycled_share_now,
                c.capacity_stated_t)
    if g.verdict in ("no flow", "other years"):
        why = ("Our data hold no yearly figure for spent batteries" if g.verdict == "no flow"
               else f"Our newest yearly figure for spent batteries ({show(g.eol_flow_year)}) "
                    f"and the share recycled ({show(v.recycled_share_year)}) are for "
                    "different years")
        text = f"{why}, so we cannot say whether plant capacity or collection is the larger gap."
        lede = (f"India's recyclers claim {show(c.capacity_stated_t)} of lithium-ion recycling "
                f"capacity, and {show(v.recycled_share_now)} of spent lithium-ion batteries "
                "are recycled into materials.")
        return {"gap_verdict": _phrase(text, "Capacity or collection", src),
                "lede": _phrase(lede, "In short", src)}
    disputed = [d for d in c.disputes]
    flips = g.verdict_face != g.verdict_undisputed and bool(disputed)
    both_real = g.gap_capacity.value.low > 0 and g.gap_collection.value.low > 0
    if g.verdict in _VERDICT:
        verdict = f"By that test, {_VERDICT[g.verdict]}."
    elif flips:
        who = _list([f"{d.company}'s {show(d.claim_t)}" for d in disputed])
        face = _VERDICT.get(g.verdict_face, "neither gap is clearly larger")
        sure = _VERDICT.get(g.verdict_undisputed, "neither gap is clearly larger")
        what = "a disputed figure" if len(disputed) == 1 else "disputed figures"
        verdict = ("By that test neither gap is clearly larger, and the answer turns on "
                   f"{what}: counting {who} at face value, {face}; leaving "
                   f"{'it' if len(disputed) == 1 else 'them'} out, {sure}.")
    else:
        verdict = "By that test neither gap is clearly larger."
    if both_real:
        verdict += (" Either way, both gaps are real: at least "
                    f"{show(_low(g.gap_collection))} of the year's spent batteries could be "
                    "processed by existing plants but are not, and at least "
                    f"{show(_low(g.gap_capacity))} could not be processed even if all were "
                    "collected.")
    text = (f"The capacity gap, the share of the year's spent batteries that claimed plants "
            f"could not take even if every battery were collected, is "
            f"{show(g.gap_capacity)}. The collection gap, the share the plants could take "
            f"but that is not recycled into materials, is {show(g.gap_collection)}. We call "
            f"one gap larger only if it is larger at both ends of these ranges. {verdict}")
    yet = "yet" if g.cover_flow.value.low > v.recycled_share_now.number else "and"
    if g.verdict == "collection":
        clause = "collection, not plant capacity, is the larger gap"
    elif g.verdict == "capacity":
        clause = "plant capacity is the larger gap" + (
            ", and collection falls short too" if both_real else "")
    elif flips:
        clause = ("both collection and plant capacity fall short, and which gap is larger "
                  "turns on one disputed company figure" if len(disputed) == 1 else
                  "both collection and plant capacity fall short, and which gap is larger "
                  "turns on disputed company figures")
    elif both_real:
        clause = "both collection and plant capacity fall short"
    else:
        clause = "our data cannot say whether capacity or collection is the larger gap"
    only = "only " if yet == "yet" else ""
    lede = (f"India's recyclers claim capacity for {show(g.cover_flow)} of the lithium-ion "
            f"batteries that reach end of life each year "
            f"({show(g.eol_flow_t).replace(' a year', '')} in {show(g.eol_flow_year)}), {yet} "
            f"{only}{show(v.recycled_share_now)} are recycled into materials: {clause}.")
    return {"gap_verdict": _phrase(text, "Capacity or collection", src),
            "lede": _phrase(lede, "In short", src, g.eol_flow_t.sources)}


def rules_phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """The rules against today's practice, in words only where the gap is plain: "most" is
    more than half, "almost none" less than one in twenty. The two figures measure different
    things (a share of EV battery mass, a share of all spent batteries): never a ratio."""
    rl, v = r.rules, r.volumes
    loop, now = float(rl.bwmr_loop_share.value), v.recycled_share_now.value
    now_high = now.high if isinstance(now, Range) else float(now)
    if loop > 0.5 and now_high < 0.05:
        text = ("The battery-waste rules ask for most of the material in spent EV batteries "
                f"to come back from {show(rl.bwmr_loop_fy)}; today almost none comes back.")
    else:
        text = (f"The battery-waste rules ask for {show(rl.bwmr_loop_share)} of the material in "
                f"spent EV batteries to come back from {show(rl.bwmr_loop_fy)}; today "
                f"{show(v.recycled_share_now)} of spent batteries are recycled into materials.")
    return {"rules_vs_practice": _phrase(text, "The rules against today's practice",
                                         _srcs(rl.bwmr_loop_share, v.recycled_share_now))}


def pack_phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """The pack-mass basis, the default's reason, and the check against one recycler's
    figures (inside or outside the span; a report that disagrees, if any)."""
    p, v = r.pack, r.volumes
    basis = ("the heaviest recent pack" if p.pack_is_heaviest_recent
             else "a value set for this run")
    if p.pack_is_heaviest_recent:
        default = ("This page takes the heavy end of the recent range, rounded, because the "
                   f"batteries that reach end of life by {show(v.eol_year)} were mostly built "
                   "before the newest models.")
    else:
        default = (f"This run sets {show(p.pack_kg_per_kwh)}; the heaviest recent pack in our "
                   f"data is about {show(p.pack_kg_heaviest_recent)}.")
    if p.check_in_span is None:
        check = ("No recycler in our data states the same plants' capacity both in tonnes "
                 "and in GWh on the same date, so we cannot check the assumption that way.")
        check_src: tuple[str, ...] = ()
    else:
        firm = show(p.check_firm)
        where = "inside" if p.check_in_span else "outside"
        check = (f"As a check, {firm} stated its plants' capacity as {show(p.check_t)} and "
                 f"{show(p.check_gwh)} a year ({show(p.check_date)}), which implies "
                 f"{show(p.lohum_kg_per_kwh)}, {where} the span.")
        check_src = _srcs(p.check_t, p.check_gwh, p.lohum_kg_per_kwh)
        if p.check_alt_in_span is not None:
            alt_where = "inside" if p.check_alt_in_span else "outside"
            check += (f" But a report of {show(p.check_alt_date)} gives the same plants "
                      f"{show(p.check_alt_value)} a year, which would imply "
                      f"{show(p.check_alt_kg_per_kwh)}, {alt_where} the span. The company's "
                      "figures disagree, so this check settles nothing.")
            check_src = source_ids(check_src, p.check_alt_value.sources)
        elif not p.check_in_span:
            check += " The company's figures and the assumption do not agree."
    return {
        "pack_kg_basis": _phrase(basis, "Basis of the pack-mass value", p.pack_sources),
        "pack_default_note": _phrase(default, "Why this pack mass", p.pack_sources),
        "pack_check": _phrase(check, "A recycler's figures as a check", check_src),
    }


def volume_phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """How far apart the two projections are; what stated capacity could do with each."""
    v, c, p = r.volumes, r.capacity, r.pack
    ratio = v.niti_vs_rmi.value
    if ratio.low >= 10:
        apart = "more than ten times apart"
    elif ratio.low >= 2:
        apart = "far apart"
    elif ratio.low >= 0.5 and ratio.high <= 2:
        apart = "close"
    else:
        apart = "apart"
    cover = c.cover_niti.value
    if cover.high < 1:
        niti = f"only {show(c.cover_niti)} of it"
    elif cover.low >= 1:
        niti = f"all of it ({show(c.cover_niti)})"
    else:
        niti = f"between part and all of it ({show(c.cover_niti)})"
    total, yearly = c.cover_rmi.value, c.cover_rmi_annual.value
    as_total = ("it compares with claimed capacity summed over the same years, which is "
                f"{show(c.cover_rmi)} as large")
    as_year = ("it compares with one year of claimed capacity, which is "
               f"{show(c.cover_rmi_annual)} as large")
    if v.rmi_accounting == "cumulative":
        rmi, ends = f"RMI's figure is a total to {show(v.eol_year)}: {as_total}.", [total]
    elif v.rmi_accounting == "annual":
        rmi, ends = f"RMI's figure is the flow of {show(v.eol_year)}: {as_year}.", [yearly]
    else:
        rmi, ends = ("RMI does not say whether its figure is a total to "
                     f"{show(v.eol_year)} or the flow of that year alone. Read as a total, "
                     f"{as_total}; read as one year's flow, {as_year}."), [total, yearly]
    if all(e.low >= 1 for e in ends):
        rmi += " Either way, claimed capacity exceeds the vehicle batteries alone." \
            if len(ends) > 1 else " Claimed capacity exceeds the vehicle batteries alone."
    elif all(e.high < 1 for e in ends):
        rmi += " Either way, claimed capacity falls short even of the vehicle batteries." \
            if len(ends) > 1 else " Claimed capacity falls short even of the vehicle batteries."
    else:
        rmi += (" So our data do not settle whether claimed capacity could handle even the "
                "vehicle batteries alone.")
    rmi_what = {"cumulative": "in total by then", "annual": "in that year"}.get(
        v.rmi_accounting, "by then, without saying whether that is a total or one year's flow")
    ev_note = ("appears in one secondary quote only and our fact-check could not verify it; "
               "we show it for completeness but do not use it"
               if v.niti_ev_verification == "unverifiable" else
               "is a part of that total; we show it for completeness but do not use it")
    g = r.gap
    flow_note = {"confirmed": "a figure our fact-check confirmed",
                 "unverifiable": "a figure our fact-check could not verify",
                 "": ""}.get(g.eol_flow_verification,
                             "a figure our fact-check has not reviewed")
    return {
        "rmi_accounting_words": _phrase(rmi_what, "What RMI's figure counts",
                                        v.eol_rmi_gwh.sources),
        "niti_ev_note": _phrase(ev_note, "Status of NITI's EV-only figure",
                                v.eol_niti_ev_gwh.sources),
        "flow_note": _phrase(flow_note or "no yearly figure", "Status of the yearly figure",
                             g.eol_flow_t.sources),
        "niti_rmi_apart": _phrase(apart, "How far apart the projections are",
                                  v.niti_vs_rmi.sources),
        "cover_niti_words": _phrase(niti, "What stated capacity could do with NITI's total",
                                    c.cover_niti.sources),
        "rmi_compare": _phrase(rmi, "Stated capacity against RMI's volume",
                               _srcs(c.cover_rmi, c.cover_rmi_annual), p.pack_sources),
    }


def capacity_phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """What the ends of the capacity range count, and what is left out, from the data."""
    c = r.capacity
    plans = int(c.cap_plans_counted.value) > 0
    if c.disputes:
        who = _list([f"{d.company}'s {show(d.claim_t)} (dated only to {show(d.claim_date)})"
                     if d.claim_date.precision == "year" else
                     f"{d.company}'s {show(d.claim_t)} ({show(d.claim_date)})"
                     for d in c.disputes])
        verb = "contradicts" if len(c.disputes) == 1 else "contradict"
        ends = ("The low end counts only plants said to exist whose size no other report of "
                f"the same firm contradicts. The high end also counts {who}, which "
                f"{'another report' if len(c.disputes) == 1 else 'other reports'} {verb} "
                "(see the pack-mass check above)"
                + (", and plans whose date has passed." if plans else "."))
        src = source_ids(*(d.claim_t.sources + d.other_value.sources for d in c.disputes))
    else:
        ends = ("The low end counts only plants said to exist"
                + ("; the high end adds plans whose date has passed." if plans
                   else "; no plan has fallen due, so the high end is the same."))
        src = c.capacity_stated_t.sources
    left: list[str] = []
    n_out, n_undated = int(c.cap_excluded.value), int(c.cap_excluded_undated.value)
    if n_out:
        claims = f"{fmt.number(n_out)} claim{'s' if n_out > 1 else ''}"
        if n_undated == n_out:
            left.append(f"{fmt.number(n_out)} undated claim{'s' if n_out > 1 else ''} the "
                        "fact-check could not verify")
        elif n_undated:
            left.append(f"{claims} the fact-check could not verify "
                        f"({fmt.number(n_undated)} of them undated)")
        else:
            left.append(f"{claims} the fact-check could not verify")
    n_other = int(c.cap_undated_other.value)
    if n_other:
        left.append(f"{fmt.number(n_other)} other undated claim{'s' if n_other > 1 else ''}")
    for plan in c.late_plans:
        facility = plan.facility.replace(" (", ", ").replace("(", "").replace(")", "")
        where = f" ({facility})" if facility else ""
        left.append(f"{plan.company}'s plan for {show(plan.tonnes)} by {show(plan.year)}"
                    f"{where}, due after the newest claim")
    out_text = ("We leave out " + _list(left) + ".") if left else "We leave out no claim."
    out_src = source_ids(c.cap_excluded.sources, c.cap_undated_other.sources,
                         *(pl.tonnes.sources for pl in c.late_plans))
    n_company, n_total = int(c.cap_company_claims.value), int(c.cap_in_total.value)
    basis = ("all of it company claims" if n_company == n_total else
             "none of it company claims" if n_company == 0 else
             f"{fmt.number(n_company)} of its {fmt.number(n_total)} figures company claims")
    return {"cap_basis": _phrase(basis, "What the capacity figures are",
                                 c.cap_company_claims.sources),
            "cap_ends": _phrase(ends, "What the capacity range counts", src),
            "cap_left_out": _phrase(out_text, "Capacity claims left out", out_src)}


def scheme_phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """The eligible entities' pledges against what the Cabinet expected."""
    s = r.scheme
    checked = ("" if s.scheme_pledges_checked
               else " Our fact-check has not yet reviewed these figures.")
    if s.scheme_pledge_vs_expected.value is None:
        cap = "No capacity figure for the pledges is in our data."
    else:
        floor = s.scheme_capacity_t.with_(qualifier="")
        cap = (f"The capacity pledged is {show(s.scheme_pledge_vs_expected)} the "
               f"{show(floor).replace(' a year', '')} a year the Cabinet expected as a minimum")
        if s.scheme_pledged_inr.value is not None and s.scheme_investment_expected.value \
                is not None:
            a, b = float(s.scheme_pledged_inr.value), float(s.scheme_investment_expected.value)
            rel = ("less than" if a < 0.95 * b else "more than" if a > 1.05 * b
                   else "about the same as")
            cap += (f", while the investment pledged is {rel} the investment it expected "
                    f"({show(s.scheme_investment_expected)})")
        cap += "."
    return {"pledge_compare": _phrase(
        cap + checked, "Pledges against expectations",
        _srcs(s.scheme_pledged_t, s.scheme_pledge_vs_expected, s.scheme_pledged_inr,
              s.scheme_investment_expected))}


_STAGES = {"lab": "laboratory work", "claim": "company claims", "acquisition": "an acquisition",
           "prototype": "prototypes", "pilot": "pilot lines", "announcement": "announcements"}


def sodium_phrases(r: RecyclingResult, reliability: dict[str, str] | None = None,
                   ) -> dict[str, Quantity]:
    """Where Indian sodium-ion work stands, CATL's cell against lithium-ion, what the
    fact-check says of the figures, and how KPIT's claim is sourced."""
    n = r.sodium
    src = _srcs(n.naion_tcg_whkg, n.naion_jncasr_cycles, n.naion_kpit_cost, n.naion_faradion)
    producing = [x for x in n.india_stages if x in PRODUCTION_STAGES]
    kinds = _list([_STAGES.get(x, x.replace("_", " ")) for x in n.india_stages
                   if x not in PRODUCTION_STAGES] or ["none"])
    stage = ("No Indian sodium-ion cell is in production in our data: the Indian work we "
             f"found is {kinds}." if not producing else
             f"Some Indian sodium-ion work has reached production; the rest is {kinds}.")
    catl, ref = float(n.naion_catl_whkg.value), n.liion_ref_whkg.value
    catl_words = ("within the range given for lithium-ion cells" if ref.low <= catl <= ref.high
                  else "below the range given for lithium-ion cells" if catl < ref.low
                  else "above the range given for lithium-ion cells")
    if n.n_figures_confirmed == 0:
        checked = ("None of these figures has been checked by our fact-check, so none of them "
                   "carries a recommendation on its own.")
    elif n.n_figures_confirmed < n.n_figures:
        checked = (f"Our fact-check confirmed {fmt.number(n.n_figures_confirmed)} of these "
                   f"{fmt.number(n.n_figures)} figures; the others carry no recommendation on "
                   "their own.")
    else:
        checked = "Our fact-check confirmed all of these figures."
    rel = (reliability or {}).get(n.kpit_source, "")
    kpit = {"secondary": "a claim found in a secondary source only",
            "press": "a claim reported in the press",
            "official": "a claim in an official source"}.get(rel, "a claim")
    since = ("we found no report of production since" if not n.faradion_production
             else "production has been reported since")
    return {
        "sodium_stage": _phrase(stage, "Stage of Indian sodium-ion work", src),
        "catl_vs_liion": _phrase(catl_words, "CATL's cell against lithium-ion",
                                 _srcs(n.naion_catl_whkg, n.liion_ref_whkg)),
        "sodium_checked": _phrase(checked, "What the fact-check says of these figures", src),
        "kpit_source_note": _phrase(kpit, "How KPIT's claim is sourced", n.naion_kpit_cost.sources),
        "faradion_since": _phrase(since, "Production since the acquisition",
                                  n.naion_faradion.sources),
    }


def latest_fact(qs: dict[str, Quantity], register: pd.DataFrame,
                also: tuple[str, ...] = ()) -> Quantity:
    """The newest ``date_published`` among the sources the quantities cite (and the source
    ids ``also`` given, e.g. those of the page's tables), as precisely as it is known, citing
    the source(s) of that date. Sources without a date are skipped.

    Generic over any chapter's quantities: it could live with the glue for every page."""
    cited = sorted({s for q in qs.values() for s in q.sources} | set(also))
    rows = register.loc[[s for s in cited if s in register.index]]
    rows = rows[rows["date_published"].notna()]
    if rows.empty:
        return q_missing(u.DATE, "Newest fact on this page", "not dated")
    newest = rows["date_published"].max()
    top = rows[rows["date_published"] == newest]
    order = {"day": 0, "month": 1, "year": 2}
    precision = min((str(p) for p in top["date_precision"]), key=lambda p: order.get(p, 0))
    return q_date(newest, "Newest fact on this page (date published)", list(top.index),
                  precision)


def phrases(r: RecyclingResult) -> dict[str, Quantity]:
    """The chapter's phrases whose wording depends on the data, each chosen by a rule, and
    the date of the newest fact it cites."""
    from batteryreport.data import sources

    register = sources()
    reliability = {str(k): str(v) for k, v in register["reliability"].items()}
    out = {**gap_phrases(r), **rules_phrases(r), **pack_phrases(r), **volume_phrases(r),
           **capacity_phrases(r),
           **scheme_phrases(r), **sodium_phrases(r, reliability)}
    out["latest_fact_date"] = latest_fact({**quantities(r), **out}, register, table_sources(r))
    return out


def table_sources(r: RecyclingResult) -> tuple[str, ...]:
    """The source ids the page's reader tables and charts cite."""
    f = r.frames
    ids = [*f.projections["source_id"], *f.targets["source_id"], *f.sodium_india["source_id"],
           *(s for ss in f.capacity["sources"] for s in ss),
           *(s for ss in f.metals["sources"] for s in ss)]
    return source_ids(ids)


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

_CAPACITY = "Stated recycler capacity, summed over the years (company claims)"
_NITI = "NITI Aayog: all sectors, recycled in total by the horizon"
_RMI_BY = {"cumulative": "RMI: vehicles only, end of life in total by the horizon",
           "annual": "RMI: vehicles only, end of life in the horizon year",
           "unspecified": "RMI: vehicles only, end of life by the horizon (total or one year: "
                          "not stated)"}


def _rmi_label(r: RecyclingResult) -> str:
    return _RMI_BY.get(r.volumes.rmi_accounting, _RMI_BY["unspecified"])


def capacity_chart(r: RecyclingResult) -> charts.Figure:
    """What stated capacity could process by each year, against the two volumes."""
    v, c, p = r.volumes, r.capacity, r.pack
    horizon = int(v.eol_year.value)
    start = int(c.cap_start_year.value)
    cum = r.frames.capacity
    niti_span, rmi_span = v.eol_niti_t_span.value, v.eol_rmi_t_span.value
    band = cum.assign(series=_CAPACITY, low_kt=cum["low"] / KT, high_kt=cum["high"] / KT)[
        ["year", "series", "low_kt", "high_kt", "sources"]]
    # The two volumes at the horizon year, drawn a little apart (the offset is only where
    # they are drawn, not data: the CSV gives the horizon year).
    need = pd.DataFrame([
        {"year": horizon, "offset": 0.3, "series": _NITI, "short": "NITI",
         "low_kt": niti_span.low / KT, "high_kt": niti_span.high / KT,
         "at_default_kt": v.eol_niti_t.value / KT,
         "sources": list(v.eol_niti_t_span.sources)},
        {"year": horizon, "offset": 0.6, "series": _rmi_label(r), "short": "RMI",
         "low_kt": rmi_span.low / KT, "high_kt": rmi_span.high / KT,
         "at_default_kt": v.eol_rmi_t.value.high / KT,
         "sources": list(v.eol_rmi_t_span.sources)},
    ])
    domain = [_CAPACITY, _NITI, _rmi_label(r)]
    dot_label = f"At this page's pack mass ({show(p.pack_kg_per_kwh)})"
    need["dot"] = dot_label
    years = [int(y) for y in cum["year"]]

    def build(narrow: bool) -> alt.LayerChart:
        color = alt.Color("series:N", title=None, scale=alt.Scale(domain=domain),
                          legend=alt.Legend(orient="bottom", direction="vertical",
                                            symbolOpacity=1,
                                            labelExpr=charts.lines_expr(domain, 36)
                                            if narrow else "datum.label"))
        x = alt.X("year:Q", title="Year", scale=alt.Scale(domain=[start - 0.3, horizon + 0.9],
                                                         nice=False),
                  axis=alt.Axis(format="d", values=years[::2] if narrow else years,
                                grid=False))
        ytitle = "Tonnes, cumulative (thousands)"
        y = alt.Y("low_kt:Q", title=ytitle, axis=charts.y_axis(narrow,
                                                              tickCount=5 if narrow else 8))
        area = alt.Chart(band).mark_area(opacity=0.35).encode(x=x, y=y, y2=alt.Y2("high_kt:Q"),
                                                              color=color)
        edge = alt.Chart(band).mark_line().encode(x=x, y=alt.Y("high_kt:Q"), color=color)
        edge_low = alt.Chart(band).mark_line(strokeDash=[4, 3]).encode(x=x, y=alt.Y("low_kt:Q"),
                                                                        color=color)
        placed = alt.Chart(need).transform_calculate(at="datum.year + datum.offset")
        xa = alt.X("at:Q", scale=alt.Scale(domain=[start - 0.3, horizon + 0.9], nice=False))
        rule = placed.mark_rule(strokeWidth=4).encode(x=xa, y=y, y2=alt.Y2("high_kt:Q"),
                                                      color=color)
        dot = placed.mark_point(filled=True, size=70, opacity=1).encode(
            x=xa, y=alt.Y("at_default_kt:Q"), color=color,
            shape=alt.Shape("dot:N", title=None, scale=alt.Scale(range=["diamond"]),
                            legend=alt.Legend(orient="bottom", symbolFillColor=charts.MUTED,
                                              symbolStrokeColor=charts.MUTED,
                                              labelExpr=charts.lines_expr([dot_label], 36)
                                              if narrow else "datum.label")))
        names = placed.mark_text(baseline="bottom", dy=-4, fontSize=11,
                                 color=charts.FG).encode(x=xa, y=alt.Y("high_kt:Q"),
                                                         text=alt.Text("short:N"))
        return charts.layered(area, edge, edge_low, rule, dot, names,
            height=280 if narrow else 320)

    data = pd.concat([band.assign(at_default_kt=None), need.drop(columns=[
        "offset", "short", "dot"])], ignore_index=True)
    cap_cum = c.capacity_cum_t.value
    low_end = ("plants said to exist whose size no other report contradicts" if c.disputes
               else "plants said to exist")
    rmi_what = {"cumulative": "a total to the horizon", "annual": "the horizon year's flow"}.get(
        v.rmi_accounting, "RMI does not say whether a total or one year's flow")
    return charts.figure(
        build(False), narrow=build(True), name="recycling_capacity_vs_need",
        title=f"Recycling capacity summed to {horizon} against end-of-life volumes",
        takeaway=(f"Stated capacity could process {_tonnes(cap_cum)} in total by {horizon}, "
                  f"against NITI Aayog's {show(v.eol_niti_t_span)} and RMI's "
                  f"{show(v.eol_rmi_t_span)}."),
        description=(
            "Shaded band: tonnes that India's stated lithium-ion recycling capacity could "
            f"process in total from {start} to each year, if run at full load, from "
            f"{_tonnes(cap_cum.low)} (low end: {low_end}) to {_tonnes(cap_cum.high)} (every "
            f"claim) by {horizon}. Vertical bars at {horizon}: NITI Aayog's all-sector volume "
            f"recycled in total, {show(v.eol_niti_t_span)} (diamond at {show(v.eol_niti_t)} "
            f"with {show(p.pack_kg_per_kwh)}), and RMI's vehicle-only end-of-life volume "
            f"({rmi_what}), {show(v.eol_rmi_t_span)}, over pack masses of "
            f"{show(p.pack_kg_span)}."),
        source_note="Capacity is company claims. Our arithmetic.",
        sources=[*c.capacity_cum_t.sources, *p.pack_sources],
        data=data,
        columns=[charts.Col("year", "Year"), charts.Col("series", "Series"),
                 charts.Col("low_kt", "Low end", "thousand tonnes", 1),
                 charts.Col("high_kt", "High end", "thousand tonnes", 1),
                 charts.Col("at_default_kt", f"At {show(p.pack_kg_per_kwh)}",
                            "thousand tonnes", 1),
                 charts.Col("sources", "Sources", kind="source")])


def metals_chart(r: RecyclingResult) -> charts.Figure:
    """Metal contained in NITI's volume, recovered by each process and required by EU
    targets."""
    metals = r.frames.metals
    eu_routes = sorted(x for x in metals["route"].unique() if x.startswith("EU"))
    order = [CONTAINED, *PROCESSES, *eu_routes]
    plot = metals.assign(Metal=metals["metal"].str.capitalize())[
        ["Metal", "route", "low_t", "high_t"]].rename(columns={"route": "Route"})
    plot["range_text"] = [_tonnes(Range(a, b)) for a, b in zip(plot["low_t"], plot["high_t"],
                                                               strict=True)]
    y = alt.Y("Metal:N", title=None, sort=["Lithium", "Cobalt", "Nickel"],
              axis=alt.Axis(grid=False))

    def build(narrow: bool) -> alt.LayerChart:
        bars = alt.Chart(plot).mark_bar().encode(
            x=alt.X("high_t:Q", title=["Tonnes", "(bars: upper end; black ticks: low end)"]
                    if narrow else "Tonnes (bars: upper end; black ticks: low end)",
                    axis=alt.Axis(tickCount=4 if narrow else 8)),
            y=y, yOffset=alt.YOffset("Route:N", sort=order),
            color=alt.Color("Route:N", sort=order, title=None, scale=alt.Scale(
                domain=order, range=charts.PALETTE[:len(order)]),
                legend=alt.Legend(orient="bottom", columns=1 if narrow else 3)),
            tooltip=[alt.Tooltip("Metal"), alt.Tooltip("Route"),
                     alt.Tooltip("range_text:N", title="Tonnes")])
        ticks = alt.Chart(plot[plot["low_t"] < plot["high_t"] - 1e-9]).mark_tick(
            color=charts.FG, thickness=2, size=12).encode(
            x=alt.X("low_t:Q"), y=y, yOffset=alt.YOffset("Route:N", sort=order))
        return charts.layered(bars, ticks, height=270 if narrow else 300)

    li = metals[metals["metal"] == "lithium"].set_index("route")

    def required(metal: str) -> str:
        """What the EU targets would require of this metal (not a process result)."""
        m = metals[(metals["metal"] == metal) & metals["route"].isin(eu_routes)]
        return _tonnes(Range(float(m["low_t"].min()), float(m["high_t"].max()))) \
            if len(m) else "no target"

    hydro = li.loc["Hydrometallurgy"]
    m = r.metals
    return charts.figure(
        build(False), narrow=build(True), name="recycling_metals",
        title="Metal recoverable from NITI's projected recycled volume",
        takeaway=(f"Recycling NITI Aayog's {show(r.volumes.eol_niti_gwh)} would give back "
                  f"{show(m.metals_li_t)} of lithium, {show(m.metals_co_t)} of cobalt and "
                  f"{show(m.metals_ni_t)} of nickel."),
        description=(
            f"Horizontal bars for lithium, cobalt and nickel in {show(r.volumes.eol_niti_gwh)} "
            "of spent batteries: the metal contained, what each process recovers, and what EU "
            f"targets would require. Lithium: {_tonnes(li.loc[CONTAINED, 'high_t'])} "
            f"contained; hydrometallurgy {_tonnes(Range(hydro['low_t'], hydro['high_t']))} "
            "(black tick at the low end); pyrometallurgy up to "
            f"{_tonnes(li.loc['Pyrometallurgy', 'high_t'])}. Across the two processes: "
            f"lithium {show(m.metals_li_t)}, cobalt {show(m.metals_co_t)}, nickel "
            f"{show(m.metals_ni_t)}, the figures in the text. EU targets would require "
            f"{required('cobalt')} of cobalt and {required('nickel')} of nickel."),
        source_note="Our arithmetic.",
        sources=[*r.volumes.eol_niti_gwh.sources, *metals["sources"]],
        data=metals.assign(metal=metals["metal"].str.capitalize()),
        columns=[charts.Col("metal", "Metal"), charts.Col("route", "Route"),
                 charts.Col("low_t", "Low end", "tonnes", 0),
                 charts.Col("high_t", "High end", "tonnes", 0),
                 charts.Col("sources", "Sources", kind="source")])


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

    def build(row_height: int):
        return whatif.whatif_chart(sliders, outputs, consts, row_height=row_height,
                                   pairs=[("li_rec_low", "li_rec_high")])

    return charts.figure(
        build(76),  # one layout: the rows already suit a phone
        name="recycling_whatif",
        title="What-if: pack mass and lithium recovery",
        takeaway=(f"At {show(r.pack.pack_kg_per_kwh)}, NITI Aayog's volume is "
                  f"{show(r.volumes.eol_niti_kt)}, and stated capacity could process "
                  f"{show(r.capacity.cover_niti)} of it: move the sliders to try other "
                  "pack masses and recovery rates."),
        description=(
            "Interactive: sliders for pack mass per kWh and for the low and high lithium "
            "recovery rate redraw three results for NITI Aayog's all-sector volume of "
            f"{show(r.volumes.eol_niti_gwh)}. At this page's values "
            f"({show(r.pack.pack_kg_per_kwh)}, lithium recovery {show(recovery)}): "
            + "; ".join(f"{o.label}, {o.text(pub[o.key])}" for o in outputs)
            + f". A red tick on the lithium track marks the EU target of {show(eu)}, "
            f"{_tonnes(w.li_contained_t * w.eu_li_share)}."),
        source_note=("The pack-mass slider spans the pack energy densities on this page, and "
                     "the recovery sliders the process yields and EU targets, widened a "
                     "little. Our arithmetic."),
        sources=[*r.pack.pack_sources, *r.metals.hydro_li_share.sources,
                 *r.metals.pyro_li_share.sources, *r.metals.eu_li_target.sources,
                 *r.volumes.eol_niti_gwh.sources, *r.capacity.capacity_cum_t.sources],
        data=whatif.table(sliders, outputs, consts),
        columns=whatif.TABLE_COLUMNS)
