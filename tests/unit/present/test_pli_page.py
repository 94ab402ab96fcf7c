"""The PLI chapter's page: each phrase is chosen by a rule from the result; the charts and
tables build from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from batteryreport.chapters import pli
from batteryreport.chapters.common import RunRate
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import date as q_date
from batteryreport.data.params import load_params
from batteryreport.data.rows import load_tables
from batteryreport.present import pli as page

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def result():
    return pli.analyse(load_tables(pli.TABLES, DATA), load_params())


def with_progress(r, **changes):
    return dataclasses.replace(r, progress=dataclasses.replace(r.progress, **changes))


@pytest.mark.parametrize("names,expected", [
    ((), "no plant"), (("Ola",), "one plant (Ola)"), (("Ola", "ACC", "RIL"), "3 plants")])
def test_built_at_follows_how_many_plants_have_capacity(result, names, expected):
    r = with_progress(result, built_names=names)
    assert page.phrases(r)["built_at"].value == expected


def relief(r, latest=None, **dates):
    state = pli.Relief(latest=latest, asked_on=dates.get("asked"),
                       refused_on=dates.get("refused"), considered_on=dates.get("considered"),
                       granted_on=dates.get("granted"), sources=("x",))
    return dataclasses.replace(r, penalties=dataclasses.replace(r.penalties, relief=state))


def test_relief_status_follows_the_latest_event(result):
    nov = q_date("2025-11-01", "x", precision="month")
    dec = q_date("2025-12-01", "x")
    may = q_date("2025-05-14", "x")

    def status(**kw):
        return page.phrases(relief(result, **kw))["relief_status"].value

    considered = status(latest="considered", asked=may, refused=nov, considered=dec)
    assert considered.startswith("The ministry refused the firms' requests for more time in "
                                 "November 2025; later, on 1 December 2025, it was reported")
    assert "no decision is recorded by 27 March 2026" in considered
    refused = status(latest="refused", asked=may, refused=nov)
    assert "were refused in November 2025; no later decision is recorded" in refused
    assert "stand" not in refused  # nothing in the data says the penalties stand
    assert status(latest="requested", asked=may).startswith(
        "The firms asked for more time on 14 May 2025; no decision is recorded")
    assert status(latest="granted", granted=dec) == "More time was granted on 1 December 2025"
    assert status().startswith("No request for more time is recorded")


def test_reports_paragraph_tells_conflict_from_history(result):
    assert result.conflict is None and result.earlier_reports  # today's data: history only
    ph = page.phrases(result)
    assert ph["reports_lead"].value == "Earlier figures"
    assert "superseded" in ph["reports_text"].value
    assert result.earlier_reports[0].firm in ph["reports_text"].value
    agree = page.phrases(dataclasses.replace(result, earlier_reports=()))
    assert agree["reports_lead"].value == "Reports agree"


def test_demand_from_two_organisations_is_not_one_series(result):
    d = result.demand
    assert "two separate estimates, not one series" in page.phrases(result)[
        "demand_sentence"].value
    same = dataclasses.replace(result, demand=dataclasses.replace(
        d, demand_last_org=d.demand_first_org))
    assert page.phrases(same)["demand_sentence"].value.startswith("By CareEdge")


def test_import_bound_compares_with_demand(result):
    bill = result.import_bill
    assert "cannot be priced as imports displaced" in page.phrases(result)["import_bound"].value
    smaller = dataclasses.replace(result, import_bill=dataclasses.replace(
        bill, gap_vs_latest_demand=bill.gap_vs_latest_demand.with_(value=0.5)))
    assert page.phrases(smaller)["import_bound"].value.startswith(
        "Its low end could have met 50% of India's demand")


def test_check_result_matches_or_gives_the_difference(result):
    pen = result.penalties
    same = dataclasses.replace(result, penalties=dataclasses.replace(
        pen, check_difference_inr_cr=0.01))
    off = dataclasses.replace(result, penalties=dataclasses.replace(
        pen, check_difference_inr_cr=2.5))
    assert page.phrases(same)["check_result"].value == "matches it"
    assert page.phrases(off)["check_result"].value == "differs from it by ₹2.5 crore"


def test_fx_basis_names_the_rate_used(result):
    bill = result.import_bill
    param = dataclasses.replace(result, import_bill=dataclasses.replace(
        bill, fx=RunRate(90.0, None, ())))
    early = dataclasses.replace(result, import_bill=dataclasses.replace(
        bill, fx=RunRate(85.0, pd.Timestamp("2025-06-19"), ("a",), before_data=True)))
    assert page.phrases(param)["fx_basis"].value == "the rate set for this run"
    assert "the earliest in our data" in page.phrases(early)["fx_basis"].value


def test_without_a_conflict_the_conflict_keys_still_glue(result):
    quiet = dataclasses.replace(result, conflict=None)
    ph = page.phrases(quiet)
    assert ph["conflict_firm"].value is None and ph["conflict_firm"].missing == "none"


def test_every_phrase_is_text_with_a_label(result):
    for key, q in page.phrases(result).items():
        assert isinstance(q, Quantity) and q.unit == u.TEXT and q.label, key


def test_charts_and_tables_build_from_the_result(result):
    for fig in (page.timeline(result), page.promised_built(result),
                page.penalty_accrual(result), page.imports_chart(result)):
        html = fig.html()
        assert fig.description and fig.source_note and 'type="application/json"' in html
    for tbl in (page.scheme_terms_table(result), page.progress_table(result),
                page.penalties_table(result), page.causes_table(result),
                page.outside_table(result)):
        markup = str(tbl)
        assert markup.startswith('<table class="br-table">') and "data_sources.html#src-" in markup
