"""The PLI-ACC chapter on the page: the phrases its prose glues, its charts and tables.

Everything here takes the chapter's result (:class:`batteryreport.chapters.pli.PliResult`)
and only writes it out: no number is computed here that the analysis did not compute.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from batteryreport.chapters import pli
from batteryreport.chapters.pli import PliResult
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import missing as q_missing
from batteryreport.core.quantity import text as q_text
from batteryreport.data import table_meta
from batteryreport.data.rows import sources_of
from batteryreport.present import charts, fmt
from batteryreport.present.fmt import show
from batteryreport.present.glue import glue_result
from batteryreport.present.tables import Cite, Column, Html, table

# ----------------------------------------------------------------------------- phrases


def _phrase(text: str, label: str, *sources) -> Quantity:
    """A phrase with the sources of what it says (ids, or the rows it was written from)."""
    return q_text(text, label, sources_of(*sources))


# How the government's reasons for the delay read in a sentence (the data's categories).
REASONS = {
    "technology_access": "the cell technology is not available to Indian firms",
    "skilled_labour": "skilled workers are short",
    "imported_equipment": "the machinery has to be imported",
    "upstream_materials": "upstream materials and components are not made in India",
    "land_acquisition": "land has been hard to acquire",
    "financing": "money has been hard to raise",
    "export_controls": "China now controls exports of the technology and materials",
}


def _series(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _reports(r: PliResult) -> tuple[str, str]:
    """The lead and the text of the paragraph on disagreeing or superseded reports."""
    c = r.conflict
    if c is not None:
        return ("Where sources disagree", (
            f"For {show(c.conflict_firm)}, this page uses {show(c.ola_installed)} "
            f"({show(c.ola_reporter)}, {show(c.ola_installed_date)}): the latest report on or "
            "before the analysis date, with the ministry's own figure preferred on the same "
            f"date. Other reports of the same moment, within {pli.CONFLICT_WINDOW_DAYS} days of "
            f"it ({show(c.ola_alt_by)}), put the plant at {show(c.ola_installed_alt)}. With "
            f"that figure the share built would be {show(c.share_achieved_alt)} instead of "
            f"{show(r.progress.share_achieved)}."))
    if r.earlier_reports:
        firms = list(dict.fromkeys(e.firm for e in r.earlier_reports))
        listed = "; ".join(f"{show(e.installed)} ({e.reported_by}, {show(e.date)})"
                           for e in r.earlier_reports)
        return ("Earlier figures", (
            f"Before the latest reports, other figures were given for {_series(firms)}: "
            f"{listed}. Later reports superseded them, and no report made within "
            f"{pli.CONFLICT_WINDOW_DAYS} days of the figures this page uses disagrees with "
            "them."))
    return ("Reports agree", "No report of installed capacity disagrees with the figures "
            "this page uses.")


def _gap_spread(r: PliResult) -> str:
    """Where the unbuilt capacity sits, by how many plants have started and how far."""
    p = r.progress
    started, share = len(p.built_names), float(p.share_achieved.value)
    if started == 0:
        return "Nothing has been installed at any of the firms"
    if started == 1 and share < 0.1:
        return "The gap is not at one firm but at nearly all of them"
    if share < 0.5:
        return (f"{fmt.number(started)} of the {show(p.n_beneficiaries)} plants have started, but "
                f"together they have installed {show(p.share_achieved)} of what was awarded")
    return "Most of the awarded capacity is built; the gap is at the firms still behind"


def _reports_why(r: PliResult) -> str:
    """One sentence for the recommendations: what the reports of installed capacity show
    about the need to publish checked figures (never a total set against one firm)."""
    c = r.conflict
    if c is not None:
        return (f"Reports of the same moment already disagree for {show(c.conflict_firm)} "
                f"({show(c.ola_installed)} officially, {show(c.ola_installed_alt)} in other "
                "reports), which regular, checked publication would settle.")
    if r.earlier_reports:
        firm = r.earlier_reports[-1].firm
        mine = [e for e in r.earlier_reports if e.firm == firm]
        used = r.frames.progress.set_index("beneficiary").loc[firm, "installed_gwh"]
        values = _series(list(dict.fromkeys(show(e.installed) for e in mine)))
        return (f"Figures for {firm} moved between reports ({values} earlier, "
                f"{fmt.gwh(float(used))} in the latest official table) before later reports "
                "settled them; regular, checked publication would settle such questions sooner.")
    return ("Regular, checked publication would let anyone follow progress plant by plant.")


def _relief(r: PliResult) -> str:
    rel, as_of = r.penalties.relief, show(r.progress.as_of)

    def when(q) -> str:
        return f"{'on' if q.precision == 'day' else 'in'} {show(q)}"

    if rel.latest == "granted":
        return f"More time was granted {when(rel.granted_on)}"
    if rel.latest == "considered":
        before = (f"The ministry refused the firms' requests for more time {when(rel.refused_on)}"
                  "; later, " if rel.refused_on is not None else "The firms asked for more "
                  "time; ")
        return (f"{before}{when(rel.considered_on)}, it was reported to be weighing longer "
                f"deadlines, and no decision is recorded by {as_of}")
    if rel.latest == "refused":
        return (f"The firms' requests for more time were refused {when(rel.refused_on)}; no "
                f"later decision is recorded by {as_of}")
    if rel.latest == "requested":
        return (f"The firms asked for more time {when(rel.asked_on)}; no decision is recorded "
                f"by {as_of}")
    return f"No request for more time is recorded by {as_of}"


def phrases(r: PliResult) -> dict[str, Quantity]:
    """The chapter's sentences and phrases whose wording depends on the data, each chosen
    by a rule from the result."""
    p = r.progress
    out: dict[str, Quantity] = {
        "as_of_basis": _phrase("the date set for this run" if r.analysis_date.from_parameter
                               else "the latest observation in the data",
                               "How the analysis date was chosen"),
        "built_at": _phrase(
            "no plant" if not p.built_names else (
                f"one plant ({p.built_names[0]})" if len(p.built_names) == 1
                else f"{fmt.number(len(p.built_names))} plants"),
            "Plants with capacity installed", p.n_built.sources),
    }
    out["reports_why"] = _phrase(_reports_why(r), "What the reports of installed capacity show",
                                 p.installed_gwh.sources,
                                 [s for e in r.earlier_reports for s in e.installed.sources],
                                 r.conflict.ola_installed_alt.sources if r.conflict else ())
    out["gap_spread"] = _phrase(_gap_spread(r), "Where the gap is", p.share_achieved.sources)
    share = float(p.share_achieved.value)
    out["industry_state"] = _phrase(
        "India has promised incentives to a battery-cell industry that has barely started"
        if share < 0.1 else
        "India's battery-cell industry under the scheme has started, but is far behind what it "
        "promised" if share < 0.5 else
        "Most of the cell capacity India awarded under the scheme is now built",
        "How far the scheme's industry has got", p.share_achieved.sources)
    claimed = r.incentives.incentive_claimed
    out["incentive_state"] = _phrase(
        "No incentive had been claimed" if claimed.value == 0 else
        "Incentive claims are not reported" if claimed.value is None else
        f"Incentives of {show(claimed)} had been claimed",
        "Incentive paid so far", claimed.sources)
    lead, text = _reports(r)
    earlier_src = [s for e in r.earlier_reports for s in e.installed.sources]
    out["reports_lead"] = _phrase(lead, "How the reports of installed capacity compare")
    out["reports_text"] = _phrase(text, "Reports of installed capacity",
                                  p.installed_gwh.sources, earlier_src,
                                  r.conflict.ola_installed_alt.sources if r.conflict else ())
    c = r.conflict
    if c is not None:
        out["ola_installed_by"] = _phrase(
            f"{show(c.ola_reporter)}, {show(c.ola_installed_date)}", "Who reported the figure used")
        out["alt_effect"] = _phrase(
            f"With the other figure for {show(c.conflict_firm)} ({show(c.ola_installed_alt)}), "
            f"the share built becomes {show(c.share_achieved_alt)}",
            "What a disagreeing report would change", c.ola_installed_alt.sources)
    else:
        for k in ("conflict_firm", "ola_installed", "ola_installed_by", "ola_installed_alt",
                  "ola_alt_by", "share_achieved_alt"):
            out[k] = q_missing(u.TEXT, k, "none")
        out["alt_effect"] = _phrase(
            "No two reports of the same moment disagree in this edition's data, so this changes "
            "nothing now", "What a disagreeing report would change")
    if r.investment is None:
        for k in ("investment", "investment_date", "investment_scope", "investment_floor",
                  "investment_share"):
            out[k] = q_missing(u.TEXT, k, "not reported")
    pen = r.penalties
    out["sec_derived"] = _phrase(
        " and ".join(f"{b} ({fmt.inr_crore(v)})" for b, v in pen.derived_securities) or "none",
        "Securities derived from daily penalties", pen.derived_sources)
    out["check_result"] = _phrase(
        "matches it" if pen.check_difference_inr_cr < 0.05
        else f"differs from it by {fmt.inr_crore(pen.check_difference_inr_cr)}",
        "Rule reproduces the disclosed penalty", pen.check_sources)
    out["relief_status"] = _phrase(_relief(r), "Extension or waiver", pen.relief.sources)
    out["penalty_cap"] = _phrase("see table" if r.terms.penalty_cap_recorded else "none recorded",
                                 "Cap on delay penalties", r.terms.penalty_rate.sources)
    fx = r.import_bill.fx
    if fx.from_parameter:
        fx_text = "the rate set for this run"
    elif fx.before_data:
        fx_text = (f"the close of {fmt.date(fx.day)}, the earliest in our data, which has no "
                   "rate before the analysis date")
    else:
        fx_text = (f"the close of {fmt.date(fx.day)}, the latest the data holds on or before the "
                   "analysis date")
    out["fx_basis"] = _phrase(fx_text, "Which exchange rate")
    d = r.demand
    if show(d.demand_first_org) == show(d.demand_last_org):
        demand = (f"By {show(d.demand_first_org)}'s estimates, India's lithium-ion demand went "
                  f"from {show(d.demand_first)} in {show(d.demand_first_label)} to "
                  f"{show(d.demand_last)} in {show(d.demand_last_label)}")
    else:
        demand = (f"{show(d.demand_first_org)} put India's lithium-ion demand at "
                  f"{show(d.demand_first)} in {show(d.demand_first_label)}; "
                  f"{show(d.demand_last_org)}, counting differently, put it at "
                  f"{show(d.demand_last)} in {show(d.demand_last_label)}. These are two separate "
                  "estimates, not one series")
    out["demand_sentence"] = _phrase(demand, "India's lithium-ion demand",
                                     d.demand_first.sources, d.demand_last.sources)
    cz = r.causes
    out["scheme_reasons"] = _phrase(
        _series([REASONS.get(c, c.replace("_", " ")) for c in cz.scheme_categories]),
        "Reasons the government gives", cz.n_scheme_causes.sources)
    firm_rows = r.frames.causes[r.frames.causes["scope"].isin(["beneficiary", "company"])]
    firm_causes = [f"{b if isinstance(b, str) else c}: {cause}" for b, c, cause in
                   zip(firm_rows["beneficiary"], firm_rows["company"], firm_rows["cause"],
                       strict=True)]
    out["firm_causes"] = _phrase(
        ("the firms and the press add their own: " + "; ".join(firm_causes)) if firm_causes
        else "no firm has given a reason of its own",
        "Causes given by or for the firms", firm_rows)
    controls = r.frames.causes[r.frames.causes["cause_category"] == "export_controls"]
    out["export_controls"] = _phrase(
        (f"China's export controls on battery technology and materials, reported in "
         f"{fmt.date(controls['statement_date'].iloc[-1], 'month')}, make the technology "
         "problem harder.") if len(controls) else "",
        "China's export controls", controls)
    bill = r.import_bill
    if bill.cell_imports.value is None:
        bound = ("The data hold no all-origin figure for the cells India imports, so what the "
                 "delay costs in imports cannot be bounded here.")
    elif bill.gap_vs_latest_demand.value >= 1:
        bound = (f"Even its low end is at least India's whole demand in "
                 f"{show(d.demand_last_label)} ({show(d.demand_last)}, "
                 f"{show(d.demand_last_org)}). So the delay cannot be priced as imports "
                 "displaced one for one: the most that plants in India could have replaced is the "
                 f"cells India imports, {show(bill.cell_imports)} in "
                 f"{show(bill.cell_imports_fy)}, the latest year with an all-origin figure")
        if bill.demand_same_fy.value is not None:
            bound += f", when demand was about {show(bill.demand_same_fy)}"
        bound += "."
    else:
        bound = (f"Its low end could have met {fmt.percent(bill.gap_vs_latest_demand.value)} "
                 f"of India's demand in "
                 f"{show(d.demand_last_label)} ({show(d.demand_last)}, {show(d.demand_last_org)}), "
                 f"replacing part of the cells India imports ({show(bill.cell_imports)} in "
                 f"{show(bill.cell_imports_fy)}).")
    out["import_bound"] = _phrase(bound, "What the delay can cost in imports",
                                  bill.gap_range.sources, d.demand_last.sources,
                                  bill.cell_imports.sources, bill.demand_same_fy.sources)
    out["lede"] = _phrase(
        f"By {show(p.as_of)}, {show(p.installed_gwh)} of the {show(p.awarded_gwh)} of ACC cell "
        f"capacity awarded under the PLI scheme had been installed "
        f"({fmt.percent(p.share_achieved.value, 1)}); the Round-1 plants were "
        f"{show(p.days_late)} past their milestone, and by the scheme's penalty rule "
        f"{show(pen.penalty_total)} of damages had accrued against them (our computation; "
        f"{show(pen.check_disclosed)} has been disclosed as levied).",
        "In short", p.share_achieved.sources, pen.penalty_total.sources,
        pen.check_disclosed.sources)
    return out


def glue(r: PliResult) -> None:
    """Glue every quantity of the chapter and every phrase chosen for it."""
    glue_result(r, phrases(r))


# ----------------------------------------------------------------------------- tables


def _title(table_name: str, field: str) -> str:
    return table_meta(table_name).field(field).title


def _cite(source_id, verification: str = "confirmed") -> Cite:
    return Cite.of(source_id, "" if verification == "confirmed" else verification)


def _term_value(v: float, unit: str) -> str:
    if unit == "INR crore":
        return fmt.inr_crore(v)
    if unit == "INR crore per GWh":
        return f"{fmt.inr_crore(v)}/GWh"
    if unit == "GWh":
        return fmt.gwh(v)
    if unit == "%":
        return fmt.percent(v / 100)
    if unit.startswith("% of"):
        return f"{fmt.number(v)}{unit}"
    return f"{fmt.number(v)} {unit}"


_WHERE = {"scheme": "", "round_1": " (Round 1)", "round_2": " (Round 2)",
          "gsss_tranche": " (grid tranche)"}


def scheme_terms_table(r: PliResult) -> Html:
    show_ = r.frames.scheme_terms
    frame = pd.DataFrame({
        "term": [d + _WHERE[a] for d, a in zip(show_["description"], show_["applies_to"],
                                               strict=True)],
        "value": [_term_value(v, un) for v, un in zip(show_["value"], show_["unit"],
                                                      strict=True)],
        "set": [fmt.date(d, "month" if p == "day" else p)
                for d, p in zip(show_["effective_date"], show_["date_precision"], strict=True)],
        "source": [_cite(s, v) for s, v in zip(show_["source_id"], show_["verification"],
                                               strict=True)],
    })
    return table(frame, [Column("term", "Term"), Column("value", "Value", numeric=True),
                         Column("set", "Set"), Column("source", "Source")])


def progress_table(r: PliResult) -> Html:
    prog = r.frames.progress
    frame = pd.DataFrame({
        "beneficiary": [f"{b} (Round {n})" for b, n in zip(prog["beneficiary"], prog["round"],
                                                          strict=True)],
        "awarded": [fmt.gwh(v) for v in prog["awarded_gwh"]],
        "installed": [fmt.gwh(v) + ("" if b == "reported" else " (none reported)")
                      for v, b in zip(prog["installed_gwh"], prog["installed_basis"],
                                      strict=True)],
        "share": [fmt.percent(s, 1) for s in prog["share_achieved"]],
        "due": [("" if pd.isna(d) else fmt.date(d)) + (" (derived)" if b == "derived" else "")
                for d, b in zip(prog["milestone_due"], prog["milestone_basis"], strict=True)],
        "late": [fmt.number(d) if p else "not yet due"
                 for d, p in zip(prog["days_past_milestone"], prog["milestone_passed"],
                                 strict=True)],
        "source": [Cite.of(s) for s in prog["obs_source_id"]],
    })
    return table(frame, [
        Column("beneficiary", "Beneficiary"),
        Column("awarded", _title("pli_awards", "awarded_gwh"), numeric=True),
        Column("installed", _title("pli_capacity_observations", "installed_gwh"), numeric=True),
        Column("share", "Share built", numeric=True),
        Column("due", "Milestone 1 due"),
        Column("late", "Days past milestone", numeric=True),
        Column("source", "Source")])


def penalties_table(r: PliResult) -> Html:
    pen = r.frames.penalties
    as_of = show(r.progress.as_of)
    frame = pd.DataFrame({
        "firm": pen["beneficiary"],
        "security": [f"{fmt.inr_crore(v)} ({b})" for v, b in zip(pen["security_inr_cr"],
                                                                   pen["security_basis"],
                                                                   strict=True)],
        "daily": [fmt.inr_lakh(d) for d in pen["daily_inr_cr"]],
        "days": [fmt.number(d) for d in pen["days"]],
        "accrued": [fmt.inr_crore(v) for v in pen["accrued_inr_cr"]],
        "source": [Cite.of(s) for s in pen["security_source_id"]],
    })
    return table(frame, [Column("firm", "Beneficiary"),
                         Column("security", "Performance security", numeric=True),
                         Column("daily", "Per day", numeric=True),
                         Column("days", "Days", numeric=True),
                         Column("accrued", f"Accrued by {as_of}", numeric=True),
                         Column("source", "Source")])


_SCOPE_WORDS = {"scheme": "All beneficiaries", "beneficiary": "", "company": "",
                "industry": "Industry"}


def causes_table(r: PliResult) -> Html:
    cz = r.frames.causes
    rows = []
    for cat, grp in cz[cz["scope"] == "scheme"].groupby("cause_category", sort=False):
        rows.append({
            "who": _SCOPE_WORDS["scheme"], "category": cat, "cause": grp["cause"].iloc[0],
            "by": "; ".join(f"{b} ({fmt.date(d, p)})" for b, d, p in
                            zip(grp["stated_by"], grp["statement_date"], grp["date_precision"],
                                strict=True)),
            "source": Cite.of(list(grp["source_id"]), ", ".join(
                sorted({v for v in grp["verification"] if v != "confirmed"})))})
    for _, c in cz[cz["scope"] != "scheme"].iterrows():
        who = c["beneficiary"] if pd.notna(c["beneficiary"]) else (
            c["company"] if pd.notna(c["company"]) else _SCOPE_WORDS[c["scope"]])
        when = fmt.date(c["statement_date"], c["date_precision"])
        rows.append({"who": who, "category": c["cause_category"], "cause": c["cause"],
                     "by": f"{c['stated_by']} ({when})",
                     "source": _cite(c["source_id"], c["verification"])})
    frame = pd.DataFrame(rows, columns=["who", "category", "cause", "by", "source"])
    frame["category"] = frame["category"].str.replace("_", " ")
    return table(frame, [Column("who", "Who"), Column("category", "Category"),
                         Column("cause", "Cause"), Column("by", "Stated by"),
                         Column("source", "Source")])


_STATUS = {"mou_signed": "MoU signed", "announced": "announced",
           "under_construction": "under construction", "partly_operational": "partly operating",
           "expansion_stalled": "expansion stalled"}


def outside_table(r: PliResult) -> Html:
    o = r.frames.outside
    stated = [("" if pd.isna(c) else fmt.number(c))
              + ("" if pd.isna(p) else f" (plan {fmt.number(p)})")
              for c, p in zip(o["capacity_gwh"], o["ultimate_capacity_gwh"], strict=True)]
    frame = pd.DataFrame({
        "company": [c + (f", {s}" if isinstance(s, str) else "")
                    for c, s in zip(o["company"], o["state"], strict=True)],
        "status": [f"{_STATUS.get(s, s)} ({fmt.date(d, p)})" for s, d, p in
                   zip(o["status"], o["statement_date"], o["date_precision"], strict=True)],
        "capacity": [s or "not stated" for s in stated],
        "timing": o["target_text"].fillna(""),
        "source": [_cite(s, v) for s, v in zip(o["source_id"], o["verification"], strict=True)],
    })
    return table(frame, [Column("company", "Company"), Column("status", "Status"),
                         Column("capacity", "Stated capacity (GWh)", numeric=True),
                         Column("timing", "Timing (as stated)"), Column("source", "Source")])


# ----------------------------------------------------------------------------- charts


def _are(n: float) -> str:
    return "is" if n == 1 else "are"


def _year_ticks(first: pd.Timestamp, last: pd.Timestamp, months: int) -> list[alt.DateTime]:
    """Axis ticks on the first day of every ``months``-th month (January first) from
    ``first`` to ``last``."""
    out, d = [], pd.Timestamp(year=first.year, month=1, day=1)
    while d <= last:
        if d >= first:
            out.append(alt.DateTime(year=d.year, month=d.month, date=1))
        d += pd.DateOffset(months=months)
    return out


def timeline(r: PliResult) -> charts.Figure:
    """Each award from announcement to the analysis date (or withdrawal), with its events."""
    as_of = r.analysis_date.day
    aw = r.frames.awards.sort_values(["round", "award_date", "awarded_gwh"],
                                     ascending=[True, True, False])
    heads = {f"{a.beneficiary}, Round {a.round}, {fmt.gwh(a.awarded_gwh)}":
             [str(a.beneficiary), f"Round {a.round}, {fmt.gwh(a.awarded_gwh)}"]
             for a in aw.itertuples()}
    order = list(heads)
    prog = r.frames.progress.set_index("award_id")
    events, spans = [], []
    for a, label in zip(aw.itertuples(), order, strict=True):
        def add(kind, when, text, source, label=label):
            if when is not None and pd.notna(when):
                events.append({"award": label, "event": kind, "date": pd.Timestamp(when),
                               "when": text, "source_id": source})
        add("Award announced", a.award_date, fmt.date(a.award_date), a.source_id)
        if pd.notna(a.programme_agreement_date) and a.programme_agreement_date <= as_of:
            add("Programme agreement", a.programme_agreement_date,
                fmt.date(a.programme_agreement_date), a.agreement_source_id)
        if pd.notna(a.appointed_date) and a.appointed_date <= as_of:
            add("Appointed date", a.appointed_date, fmt.date(a.appointed_date),
                a.agreement_source_id)
        end = as_of
        if a.status == "withdrawn" and a.status_as_of <= as_of:
            add("Withdrawn", a.status_as_of, fmt.date(a.status_as_of, a.status_as_of_precision),
                a.status_source_id)
            end = a.status_as_of
        if a.award_id in prog.index:
            p = prog.loc[a.award_id]
            if p["milestone_due"] is not None and pd.notna(p["milestone_due"]):
                add("Milestone 1 due" + (" (derived)" if p["milestone_basis"] == "derived" else ""),
                    p["milestone_due"], fmt.date(p["milestone_due"]),
                    a.milestone_source_id if p["milestone_basis"] == "stated"
                    else a.agreement_source_id)
            if pd.notna(p["observed_date"]):
                add(f"Latest capacity report: {fmt.gwh(p['installed_gwh'])}", p["observed_date"],
                    fmt.date(p["observed_date"]), p["obs_source_id"])
        spans.append({"award": label, "start": a.award_date, "end": end})
    tl = pd.DataFrame(events)
    tl["kind"] = tl["event"].str.replace(r":.*", "", regex=True)
    names = {c.source_id: c.text for c in charts.citations(charts.source_ids(tl["source_id"]))}
    tl["cite"] = [names.get(s, "") for s in tl["source_id"]]
    sp = pd.DataFrame(spans)
    sp["lines"] = [[", ".join(heads[a])] if len(", ".join(heads[a])) <= 44 else heads[a]
                   for a in sp["award"]]
    kinds = ["Award announced", "Programme agreement", "Appointed date", "Milestone 1 due",
             "Milestone 1 due (derived)", "Withdrawn", "Latest capacity report"]
    colours = [charts.PALETTE[0], charts.PALETTE[2], charts.PALETTE[4], charts.PALETTE[3],
               charts.COLORS["tint-4"], charts.PALETTE[5], charts.PALETTE[1]]
    shapes = ["circle", "square", "triangle-right", "diamond", "diamond", "cross", "triangle-up"]
    asof_df = pd.DataFrame({"date": [as_of], "label": [f"Analysis date: {fmt.date(as_of)}"]})
    first, last = min(tl["date"].min(), sp["start"].min()), max(tl["date"].max(), as_of)

    def build(narrow: bool) -> alt.LayerChart:
        if narrow:  # names above the rows, so the timeline has the whole width
            y = alt.Y("award:N", sort=order, title=None, axis=None,
                      scale=alt.Scale(type="point", padding=0.9))
        else:
            y = alt.Y("award:N", sort=order, title=None, scale=alt.Scale(type="point",
                                                                        padding=0.6),
                      axis=alt.Axis(labelExpr=charts.mapping_expr(heads), labelPadding=6,
                                    grid=False))
        x = alt.X("start:T", title="Date", scale=alt.Scale(domain=[
            alt.DateTime(year=first.year, month=1, date=1),
            alt.DateTime(year=(last + pd.DateOffset(days=45)).year,
                          month=(last + pd.DateOffset(days=45)).month,
                          date=(last + pd.DateOffset(days=45)).day)]),
            axis=alt.Axis(format="%Y", values=_year_ticks(
                pd.Timestamp(year=first.year, month=1, day=1), last, 12), labelOverlap=True))
        span = alt.Chart(sp).mark_rule(strokeWidth=3, color=charts.COLORS["tint-1"]).encode(
            x=x, x2=alt.X2("end:T"), y=y)
        points = alt.Chart(tl).mark_point(size=100 if narrow else 140, filled=True,
                                          opacity=0.95).encode(
            x=alt.X("date:T"), y=y,
            color=alt.Color("kind:N", title=None, legend=alt.Legend(
                columns=1 if narrow else 3, symbolSize=100, orient="bottom"),
                scale=alt.Scale(domain=kinds, range=colours)),
            shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=kinds, range=shapes)),
            tooltip=[alt.Tooltip("award:N", title="Award"), alt.Tooltip("event:N", title="Event"),
                     alt.Tooltip("when:N", title="Date"), alt.Tooltip("cite:N", title="Source")])
        asof_rule = alt.Chart(asof_df).mark_rule(strokeDash=[4, 3], color=charts.MUTED).encode(
            x=alt.X("date:T"))
        asof_text = alt.Chart(asof_df).mark_text(
            align="right", dx=-4, dy=-8, fontSize=11, color=charts.MUTED).encode(
            x=alt.X("date:T"), y=alt.YValue(0), text=alt.Text("label:N"))
        layers = [span, asof_rule, points, asof_text]
        if narrow:
            layers += charts.lines_above(sp, "lines", y, gap=10)
        return charts.layered(*layers, height=(62 if narrow else 46) * len(order) + 20)

    desc = []
    for label in order:
        bits = tl[tl["award"] == label].sort_values("date")
        desc.append(label + ": " + "; ".join(
            f"{e[0].lower() + e[1:]} {w}" for e, w in zip(bits["event"], bits["when"],
                                                          strict=True)))
    p = r.progress
    n = float(p.n_overdue.value)
    return charts.figure(
        build(False), narrow=build(True), name="pli_timeline",
        title="PLI-ACC awards: from award to the first milestone",
        takeaway=(f"{show(p.n_overdue)} of the {show(p.n_beneficiaries)} active awards "
                  f"{_are(n)} past the first milestone by {show(p.as_of)}."),
        description=("Timeline, one row per award, from the award to the analysis date "
                     f"({fmt.date(as_of)}) or the withdrawal. " + ". ".join(desc) + "."),
        source_note=("The Round-2 milestone is derived from the appointed date and the "
                     f"{fmt.number(r.frames.gestation_years)}-year gestation period."),
        as_of=as_of,
        data=tl.sort_values(["award", "date"], key=lambda c: c.map(order.index)
                            if c.name == "award" else c, kind="stable"),
        columns=[charts.Col("award", "Award"), charts.Col("event", "Event"),
                 charts.Col("date", "Date", kind="date"),
                 charts.Col("source_id", "Source", kind="source")])


def promised_built(r: PliResult) -> charts.Figure:
    """Awarded capacity with installed capacity drawn inside, per active award."""
    prog = r.frames.progress
    bars = prog[["beneficiary", "round", "awarded_gwh", "installed_gwh", "share_achieved",
                 "installed_basis", "observed_date", "award_source_id",
                 "obs_source_id"]].copy()
    bars.insert(0, "label", [f"{b} (Round {n})" for b, n in zip(prog["beneficiary"],
                                                               prog["round"], strict=True)])
    bars["share_text"] = [f"{fmt.gwh(i)} built ({fmt.percent(s, 1)})"
                          for i, s in zip(bars["installed_gwh"], bars["share_achieved"],
                                          strict=True)]
    bars["lines"] = [[*charts.wrap(b, 40), f"Round {n}: {fmt.gwh(i)} built of {fmt.gwh(a)} "
                      f"({fmt.percent(s, 1)})"]
                     for b, n, i, a, s in zip(bars["beneficiary"], bars["round"],
                                              bars["installed_gwh"], bars["awarded_gwh"],
                                              bars["share_achieved"], strict=True)]
    heads = {lab: [*charts.wrap(b, 30), f"Round {n}"] for lab, b, n in
             zip(bars["label"], bars["beneficiary"], bars["round"], strict=True)}
    bars["share_pct"] = bars["share_achieved"] * 100
    order = list(bars["label"])
    tip = [alt.Tooltip("label:N", title="Beneficiary"),
           alt.Tooltip("awarded_gwh:Q", title=_title("pli_awards", "awarded_gwh")),
           alt.Tooltip("installed_gwh:Q",
                       title=_title("pli_capacity_observations", "installed_gwh")),
           alt.Tooltip("share_text:N", title="Built")]
    long = bars.melt(id_vars=["label"], value_vars=["awarded_gwh", "installed_gwh"],
                     var_name="measure", value_name="gwh")
    long["measure"] = long["measure"].map({"awarded_gwh": "Awarded",
                                           "installed_gwh": "Installed"})

    def build(narrow: bool) -> alt.LayerChart:
        if narrow:
            y = alt.Y("label:N", sort=order, title=None, axis=None,
                      scale=alt.Scale(type="point", padding=1.0))
        else:
            y = alt.Y("label:N", sort=order, title=None,
                      axis=alt.Axis(labelExpr=charts.mapping_expr(heads), grid=False,
                                    labelPadding=6),
                      scale=alt.Scale(type="point", padding=0.6))
        color = alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom"),
                          scale=alt.Scale(domain=["Awarded", "Installed"],
                                          range=[charts.COLORS["tint-1"], charts.PALETTE[0]]))
        x = alt.X("gwh:Q", title="Capacity (GWh)", axis=alt.Axis(tickCount=4 if narrow else 8))
        awarded_bar = alt.Chart(long[long["measure"] == "Awarded"]).mark_bar(
            height=18 if narrow else 22).encode(x=x, y=y, color=color, tooltip=[
                alt.Tooltip("label:N", title="Beneficiary"),
                alt.Tooltip("gwh:Q", title="Awarded (GWh)")])
        installed_bar = alt.Chart(long[long["measure"] == "Installed"]).mark_bar(
            height=8 if narrow else 10).encode(x=alt.X("gwh:Q"), y=y, color=color, tooltip=[
                alt.Tooltip("label:N", title="Beneficiary"),
                alt.Tooltip("gwh:Q", title="Installed (GWh)")])
        if narrow:
            labels = charts.lines_above(bars, "lines", y, gap=13)
        else:
            labels = [alt.Chart(bars).mark_text(align="left", dx=6, fontSize=12,
                                                color=charts.FG).encode(
                x=alt.X("awarded_gwh:Q"), y=y, text=alt.Text("share_text:N"), tooltip=tip)]
        return charts.layered(awarded_bar, installed_bar, *labels,
            height=(70 if narrow else 60) * len(bars) + (0 if narrow else 20))

    p = r.progress
    return charts.figure(
        build(False), narrow=build(True), name="pli_promised_built",
        title=f"ACC capacity awarded and installed, as of {show(p.as_of)}",
        takeaway=(f"{show(p.installed_gwh)} of the {show(p.awarded_gwh)} awarded had been "
                  f"installed ({show(p.share_achieved)}); {show(p.n_nothing)} of the "
                  f"{show(p.n_beneficiaries)} active awards show nothing installed."),
        description=("Horizontal bars of awarded capacity with installed capacity drawn inside. "
                     + "; ".join(f"{lab}: {fmt.gwh(a)} awarded, {fmt.gwh(i)} installed"
                                 for lab, a, i in zip(bars["label"], bars["awarded_gwh"],
                                                      bars["installed_gwh"], strict=True))
                     + f". In all, {show(p.installed_gwh)} of {show(p.awarded_gwh)} "
                     f"({fmt.percent(p.share_achieved.value, 1)})."),
        source_note=("Installed capacity is the ministry's status table (PIB) where available, "
                     "else the latest press report; a firm with no numeric report counts as "
                     "0 GWh."),
        as_of=p.as_of.value,
        data=bars,
        columns=[charts.Col("beneficiary", "Beneficiary"), charts.Col("round", "Round"),
                 charts.Col("awarded_gwh", "Awarded capacity", "GWh", 1),
                 charts.Col("installed_gwh", "Installed capacity", "GWh", 1),
                 charts.Col("share_pct", "Share installed", "%", 1),
                 charts.Col("installed_basis", "Installed: basis"),
                 charts.Col("observed_date", "Installed: as of", kind="date"),
                 charts.Col("award_source_id", "Source of the award", kind="source"),
                 charts.Col("obs_source_id", "Source of the installed figure",
                            kind="source")])


def penalty_accrual(r: PliResult) -> charts.Figure:
    """Liquidated damages accrued over time by each Round-1 firm, and all of them. Firms
    with the same security accrue the same amount: they share one line, named for both."""
    from batteryreport.chapters.pli import penalty_paths

    pen = r.frames.penalties
    rate = float(r.terms.penalty_rate.value)
    as_of = r.analysis_date.day
    chk = r.frames.penalty_check
    paths = penalty_paths(pen, rate, as_of, freq="W-MON")
    all_label = f"All {fmt.number(len(pen))} Round-1 firms"
    tot = paths.groupby("date", as_index=False)["penalty_inr_cr"].sum().assign(
        beneficiary=all_label)
    paths_all = pd.concat([paths, tot], ignore_index=True)
    # One line per distinct accrual (security and start): equal lines would hide each other.
    groups = pen.groupby(["security_inr_cr", "accrual_start"], sort=False)["beneficiary"]
    series = {}
    for firms in groups:
        names = list(firms[1])
        series[names[0]] = (names[0] if len(names) == 1
                            else f"{_series(names)} (each; the lines coincide)")
    lines = paths[paths["beneficiary"].isin(series)].assign(
        series=lambda f: f["beneficiary"].map(series))
    lines = pd.concat([lines, tot.assign(series=all_label)], ignore_index=True)
    domain = [*series.values(), all_label]
    colours = [charts.PALETTE[i] for i in (0, 2, 1, 4, 5)][:len(series)] + [charts.FG]
    dashes = [[1, 0]] * len(series) + [[6, 3]]
    top = float(tot["penalty_inr_cr"].max()) if len(tot) else 1.0
    chk_df = pd.DataFrame({
        "date": [chk["as_of_date"]], "penalty_inr_cr": [chk["amount_inr_cr"]],
        "note_y": [0.9 * top], "lines": [[f"Disclosed: {fmt.inr_crore(chk['amount_inr_cr'])}",
                                          f"({fmt.date(chk['as_of_date'])})"]],
        "label": [f"Disclosed: {fmt.inr_crore(chk['amount_inr_cr'])} "
                  f"({fmt.date(chk['as_of_date'])})"]})
    start = pd.Timestamp(pen["accrual_start"].min())

    def build(narrow: bool) -> alt.LayerChart:
        legend = alt.Legend(columns=1 if narrow else 2, orient="bottom",
                            labelExpr=charts.lines_expr(domain, 36 if narrow else 44),
                            symbolStrokeWidth=2.5)
        x = alt.X("date:T", title="Date", axis=alt.Axis(
            format="%b %Y", values=_year_ticks(start, as_of, 6 if narrow else 3)))
        line = alt.Chart(lines).mark_line(strokeWidth=2.5).encode(
            x=x, y=alt.Y("penalty_inr_cr:Q", title="Penalty accrued (₹ crore)",
                         axis=charts.y_axis(narrow, tickCount=5)),
            color=alt.Color("series:N", title=None, legend=legend,
                            scale=alt.Scale(domain=domain, range=colours)),
            strokeDash=alt.StrokeDash("series:N", title=None, legend=legend,
                                      scale=alt.Scale(domain=domain, range=dashes)),
            tooltip=[alt.Tooltip("series:N", title="Firm"),
                     alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                     alt.Tooltip("penalty_inr_cr:Q", title="₹ crore", format=",.2f")])
        chk_base = alt.Chart(chk_df)
        chk_pt = chk_base.mark_point(shape="diamond", size=160, filled=True,
                                     color=charts.PALETTE[3], opacity=1).encode(
            x=alt.X("date:T"), y=alt.Y("penalty_inr_cr:Q"),
            tooltip=[alt.Tooltip("label:N", title="Check")])
        # The note sits in the empty space above the lines, joined to its marker.
        leader = chk_base.mark_rule(color=charts.PALETTE[3], strokeWidth=1).encode(
            x=alt.X("date:T"), y=alt.Y("penalty_inr_cr:Q"), y2=alt.Y2("note_y:Q"))
        note = charts.lines_above(chk_df, "lines", alt.Y("note_y:Q"), gap=4,
                                  color=charts.PALETTE[3], x=alt.X("date:T"), dx=-4)
        return charts.layered(line, leader, chk_pt, *note, height=280 if narrow else 300)

    ends = pen.set_index("beneficiary")["accrued_inr_cr"]
    same = [v for v in series.values() if v.endswith("coincide)")]
    return charts.figure(
        build(False), narrow=build(True), name="pli_penalty_accrual",
        title="Delay penalties accrued by the Round-1 firms",
        takeaway=(f"By {fmt.date(as_of)}, the scheme's penalty rule adds up to "
                  f"{show(r.penalties.penalty_total)} for the {fmt.number(len(pen))} Round-1 "
                  "firms."),
        description=(f"Lines of liquidated damages accrued at {fmt.percent(rate, 1)} of the "
                     f"performance security a day from {show(r.terms.penalty_start)} to "
                     f"{fmt.date(as_of)}: "
                     + "; ".join(f"{b} {fmt.inr_crore(v)}" for b, v in ends.items())
                     + f"; together {show(r.penalties.penalty_total)}. "
                     + (f"One line stands for {'; '.join(s.split(' (each')[0] for s in same)}"
                        ", whose securities are equal. " if same else "")
                     + f"A marker shows the {fmt.inr_crore(chk['amount_inr_cr'])} "
                     f"{chk['beneficiary']} disclosed for {fmt.date(chk['as_of_date'])}, which "
                     "the rule reproduces."),
        source_note=("Our arithmetic from the scheme's penalty rule and the performance "
                     "securities (one disclosed, the others derived from reported daily "
                     "penalties). No cap is recorded."),
        sources=[*r.terms.penalty_rate.sources, *pen["security_source_id"],
                 chk["source_id"]],
        as_of=as_of,
        data=paths_all,
        columns=[charts.Col("beneficiary", "Firm"), charts.Col("date", "Date", kind="date"),
                 charts.Col("penalty_inr_cr", "Penalty accrued", "₹ crore", 2)])


def imports_chart(r: PliResult) -> charts.Figure:
    """The Li-ion import bill by fiscal year on an even year axis (years without a figure
    left empty and marked), and, apart, the one figure for cells from China alone."""
    series, cells_cn = r.frames.imports_series, r.frames.cells_china
    i0, i1 = series.iloc[0], series.iloc[-1]
    all_label = "All Li-ion batteries, all origins"
    cn_label = "Li-ion cells from China only (a narrower series)"
    data = series[["fiscal_year", "fy_end_year", "value_usd_mn", "source_id", "note"]].assign(
        what=all_label)
    data = pd.concat([data, pd.DataFrame([{
        "fiscal_year": cells_cn["fiscal_year"], "fy_end_year": cells_cn["fy_end_year"],
        "value_usd_mn": cells_cn["value_usd_mn"], "source_id": cells_cn["source_id"],
        "note": cells_cn["note"], "what": cn_label}])], ignore_index=True)
    data["note"] = data["note"].fillna("")
    data["fy_end_year"] = data["fy_end_year"].astype(int)
    names = {c.source_id: c.text for c in charts.citations(charts.source_ids(data["source_id"]))}
    data["cite"] = [names.get(s, "") for s in data["source_id"]]
    data["x1"], data["x2"] = data["fy_end_year"] - 0.38, data["fy_end_year"] + 0.38
    years = list(range(int(data["fy_end_year"].min()), int(data["fy_end_year"].max()) + 1))
    missing = pd.DataFrame({"fy_end_year": [y for y in years if y not in
                                            set(data["fy_end_year"])], "label": "no figure"})
    china = data[data["what"] == cn_label].assign(
        lines=[["Cells from", "China only"]])
    scale = alt.Scale(domain=[years[0] - 0.5, years[-1] + 0.5], nice=False, zero=False)

    def build(narrow: bool) -> alt.LayerChart:
        label = ("'FY' + slice(toString(datum.value), 2)" if narrow else
                 "(datum.value - 1) + '-' + slice(toString(datum.value), 2)")
        x = alt.X("x1:Q", title=_title("li_ion_imports", "fiscal_year"), scale=scale,
                  axis=alt.Axis(values=years[::2] if narrow else years, labelExpr=label,
                                grid=False, labelAngle=0))
        y = alt.Y("value_usd_mn:Q", title=_title("li_ion_imports", "value_usd_mn"),
                  scale=alt.Scale(zero=True, nice=4 if narrow else 6),
                  axis=charts.y_axis(narrow, tickCount=4 if narrow else 6))
        color = alt.Color("what:N", title=None, legend=alt.Legend(
            orient="bottom", direction="vertical", symbolStrokeWidth=0,
            labelExpr=charts.lines_expr([all_label, cn_label], 36) if narrow
            else "datum.label"),
            scale=alt.Scale(domain=[all_label, cn_label],
                            range=[charts.PALETTE[0], charts.PALETTE[1]]))
        tooltip = [alt.Tooltip("fiscal_year:N", title="Fiscal year"),
                   alt.Tooltip("what:N", title="What"),
                   alt.Tooltip("value_usd_mn:Q", title="USD million", format=",.0f"),
                   alt.Tooltip("note:N", title="Note"), alt.Tooltip("cite:N", title="Source")]
        bars = alt.Chart(data[data["what"] == all_label]).mark_bar().encode(
            x=x, x2=alt.X2("x2:Q"), y=y, y2=alt.Y2Datum(0), color=color, tooltip=tooltip)
        cn_bar = alt.Chart(china).mark_bar(fillOpacity=0.3, strokeWidth=2,
                                           strokeDash=[4, 2]).encode(
            x=alt.X("x1:Q", scale=scale), x2=alt.X2("x2:Q"), y=alt.Y("value_usd_mn:Q"),
            y2=alt.Y2Datum(0),
            color=color,
            stroke=alt.StrokeValue(charts.PALETTE[1]), tooltip=tooltip)
        cn_text = charts.lines_above(china, "lines", alt.Y("value_usd_mn:Q"), gap=4,
                                     x=alt.X("fy_end_year:Q", scale=scale), align="center")
        gaps = alt.Chart(missing).mark_text(angle=270, align="left", baseline="middle",
                                            dx=4, fontSize=10, color=charts.MUTED).encode(
            x=alt.X("fy_end_year:Q", scale=scale), y=alt.YDatum(0), text=alt.Text("label:N"))
        return charts.layered(bars, cn_bar, *cn_text, gaps,
            height=240 if narrow else 260)

    return charts.figure(
        build(False), narrow=build(True), name="li_ion_imports_value",
        title="India's lithium-ion battery imports by fiscal year",
        takeaway=(f"Imports of lithium-ion batteries went from "
                  f"{fmt.usd_million(i0['value_usd_mn'])} in {i0['fiscal_year']} to "
                  f"{fmt.usd_million(i1['value_usd_mn'])} in "
                  f"{i1['fiscal_year']}; the {cells_cn['fiscal_year']} bar counts only cells "
                  "from China, a narrower series."),
        description=(f"Bar chart of India's imports of lithium-ion batteries in US dollars: "
                     f"{fmt.usd_million(i0['value_usd_mn'])} in {i0['fiscal_year']} rising to "
                     f"{fmt.usd_million(i1['value_usd_mn'])} in {i1['fiscal_year']}. Years "
                     "without a figure from the same series are left empty. A separate, "
                     "outlined bar shows Li-ion cells imported from China alone in "
                     f"{cells_cn['fiscal_year']}: {fmt.usd_million(cells_cn['value_usd_mn'])}; "
                     "it is not the same measure as the other bars."),
        source_note=("The last all-origin year is single-source. The Mines Ministry's rupee "
                     "series is a different classification and is not mixed in."),
        as_of=r.analysis_date.day,
        data=data,
        columns=[charts.Col("fiscal_year", "Fiscal year"), charts.Col("what", "Series"),
                 charts.Col("value_usd_mn", "Import value", "US$ million", 0),
                 charts.Col("note", "Note"),
                 charts.Col("source_id", "Source", kind="source")])
