"""Tiny inline tables and a stand-in PLI result for the Japanese-investment chapter's unit
tests (tests/unit/chapters/test_japan.py and tests/unit/present/test_japan_page.py).

The numbers are chosen to be easy to check by hand: $100-400 million at ₹90/$ is
₹900-3,600 crore; cell capex ₹300-900 crore per GWh gives 1-12 GWh; the PLI gap is 30 GWh.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from batteryreport.chapters.common import AnalysisDate, RunRate
from batteryreport.core import units as u
from batteryreport.core.quantity import Quantity


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def params(**changes) -> SimpleNamespace:
    base = dict(japan_investment_usd_mn_low=100.0, japan_investment_usd_mn_high=400.0,
                cell_capex_inr_cr_per_gwh_low=None, cell_capex_inr_cr_per_gwh_high=None,
                recycling_capex_inr_cr_per_kt_low=None, recycling_capex_inr_cr_per_kt_high=None,
                allocation_scenarios={"half-half": {"cells": 0.5, "recycling": 0.5},
                                      "cells-only": {"cells": 1.0}},
                as_of=None, fx_inr_per_usd=None)
    base.update(changes)
    return SimpleNamespace(**base)


def run_rate(rate: float = 90.0, day: str | None = "2025-07-30",
             sources: tuple[str, ...] = ("fx_close",)) -> RunRate:
    """The PLI chapter's exchange rate (a parameter when ``day`` is None)."""
    if day is None:
        return RunRate(rate, None, ())
    return RunRate(rate, ts(day), sources)


def pli_result(rate: RunRate | None = None) -> SimpleNamespace:
    """What the Japan chapter reads from the PLI result: 32 GWh awarded, 2 GWh installed,
    30 GWh not built; a ₹200 crore per GWh floor and 5 GWh smallest plant. Deliberately
    not what the Japan tables would give if the chapter recomputed anything."""
    progress = pd.DataFrame({
        "beneficiary": ["Zeta Cells", "Alpha Power"], "round": [1, 2],
        "awarded_gwh": [20.0, 12.0], "installed_gwh": [2.0, 0.0], "gap_gwh": [18.0, 12.0],
        "observed_date": [ts("2026-01-15"), pd.NaT],
        "obs_source_id": ["obs_src", None], "award_source_id": ["award_src", "award_src2"],
    })
    return SimpleNamespace(
        progress=SimpleNamespace(
            awarded_gwh=Quantity(32.0, u.GWH, "ACC capacity awarded",
                                 ("award_src", "award_src2")),
            installed_gwh=Quantity(2.0, u.GWH, "ACC capacity installed", ("obs_src",)),
            gap_awarded=Quantity(30.0, u.GWH, "Awarded capacity not built",
                                 ("award_src", "award_src2", "obs_src"))),
        frames=SimpleNamespace(progress=progress),
        terms=SimpleNamespace(
            min_inv_per_gwh=Quantity(200.0, u.INR_CRORE_PER_GWH, "Minimum investment per GWh",
                                     ("terms_src",)),
            min_plant=Quantity(5.0, u.GWH, "Minimum plant size", ("plant_src",))),
        import_bill=SimpleNamespace(fx=rate or run_rate()),
        analysis_date=AnalysisDate(ts("2026-01-15"), False, ("obs_src",)),
    )


def _inv(inv_id, status, date, *, usd=(None, None), inr=(None, None), jpy=(None, None),
         preferred=True, source=None, precision="day", announcement="An announcement",
         japan_side="A Japanese firm", india_side=None):
    return {"inv_id": inv_id, "announcement": announcement, "japan_side": japan_side,
            "india_side": india_side, "announced_date": ts(date), "date_precision": precision,
            "status": status, "amount_usd_mn_low": usd[0], "amount_usd_mn_high": usd[1],
            "amount_inr_cr_low": inr[0], "amount_inr_cr_high": inr[1],
            "amount_jpy_bn_low": jpy[0], "amount_jpy_bn_high": jpy[1],
            "preferred": preferred, "verification": "confirmed",
            "source_id": source or f"src_{inv_id}"}


IOC = {"japan_side": "Panasonic Energy", "india_side": "Indian Oil Corporation"}


def investments() -> pd.DataFrame:
    """The reported range (and a copy), the two yen targets with different scopes, Suzuki's
    battery plant within its whole MoU, TDSG, and the IOC-Panasonic venture with no amount."""
    rows = [
        _inv("reported", "reported_probable", "2025-07-01", usd=(100, 400), inr=(880, 3600),
             precision="month", source="reported_src"),
        _inv("copy", "reported_probable", "2025-07-01", usd=(100, 400), inr=(880, 3600),
             preferred=False, source="copy_src"),
        _inv("jpy10tn_target", "target", "2025-08-29", jpy=(10000, 10000),
             japan_side="Japan (private sector only)"),
        _inv("jpy10tn_inr_mint", "conversion_reported", "2025-08-29", inr=(600000, 600000)),
        _inv("jpy5tn_target_2022", "target", "2022-03-19", jpy=(5000, 5000),
             japan_side="Japan (public and private; investment and financing)"),
        _inv("suzuki_bev_battery_2022", "mou", "2022-03-19", inr=(7200, 7200)),
        _inv("suzuki_total_2022", "mou", "2022-03-19", inr=(10445, 10445)),
        _inv("tdsg_2017", "investment_announced", "2017-09-14", usd=(180, 180)),
        _inv("tdsg_2019_mou", "mou", "2019-10-01", inr=(4930, 4930), precision="month"),
        _inv("tdsg_2025_electrodes", "production_started", "2025-08-26"),
        _inv("ioc_panasonic_hoa", "heads_of_agreement", "2024-01-21", **IOC),
        _inv("ioc_panasonic_term_sheet", "term_sheet", "2024-03-31", **IOC),
    ]
    return pd.DataFrame(rows).astype({"preferred": "boolean"})


def meetings() -> pd.DataFrame:
    def m(mid, date, end=None, companies=None, people=None, precision="day"):
        return {"meeting_id": mid, "meeting_date": ts(date), "date_precision": precision,
                "end_date": ts(end) if end else pd.NaT, "event": f"Event {mid}", "venue": None,
                "japan_participants": "Japan side", "india_participants": None,
                "other_participants": None, "companies_count": companies,
                "people_count": people, "status": "held", "outcome": "talks",
                "source_id": f"src_{mid}"}
    return pd.DataFrame([
        m("trade_meetings_2025_07", "2025-07-02", end="2025-07-03"),
        m("embassy_event_2025_07_02", "2025-07-02", companies=70, people=200),
        m("summit_2022", "2022-01-01", precision="year"),
    ])


def strategy() -> pd.DataFrame:
    return pd.DataFrame({
        "js_id": ["domestic_capacity_2022", "domestic_capacity_2030"],
        "value_high": [20.0, 150.0], "target_year": [None, 2030],
        "statement_date": [ts("2022-04-24"), ts("2022-04-24")],
        "source_id": ["js_src", "js_src"]})


def benchmarks() -> pd.DataFrame:
    def b(cb_id, metric, scope, value, unit, low=None, preferred=True, verification="unchecked",
          year=2023, kind="estimate", basis="derived"):
        return {"cb_id": cb_id, "metric": metric, "scope": scope, "subject": f"Plant {cb_id}",
                "year": year, "kind": kind, "value_low": low, "value_high": float(value),
                "unit": unit, "basis": basis, "preferred": preferred,
                "verification": verification, "source_id": f"src_{cb_id}"}
    cell, rec = "cell_capex_per_gwh", "recycling_capex_per_capacity"
    return pd.DataFrame([
        b("in_low", cell, "india", 300, "INR crore per GWh"),
        b("in_high", cell, "india", 900, "INR crore per GWh"),
        b("in_high_usd", cell, "india", 100, "USD million per GWh"),  # a copy in dollars
        b("gl", cell, "global", 50, "USD million per GWh", low=40.0, year=2021,
          basis="stated"),  # ₹360-450 crore at 90
        b("rumour", cell, "india", 50, "INR crore per GWh", verification="unverifiable"),
        b("rec_inr", rec, "india", 30, "INR crore per kilotonne of annual capacity"),
        b("rec_usd", rec, "global", 4000, "USD per tonne of annual capacity",
          kind="plan"),  # ₹36 crore
    ]).astype({"preferred": "boolean"})


def fx_rates() -> pd.DataFrame:
    rows = [("2025-07-02", 85.5, "close", "A", True, "close_a"),
            ("2025-07-04", 85.9, "close", "A", True, "close_b"),
            ("2025-07-20", 86.5, "close", "A", True, "close_out_of_window"),
            ("2025-07-30", 90.0, "close", "Bloomberg", True, "fx_close"),
            ("2025-07-30", 90.4, "close", "PTI (later)", False, "fx_other"),
            ("2025-07-30", 90.02, "close", "PTI", False, "fx_same"),
            ("2025-07-30", 91.0, "close_provisional", "PTI", False, "fx_prov"),
            # Newer than the run's close, before the analysis date (15 Jan 2026), not used:
            ("2025-12-01", 95.0, "close", "PTI", False, "fx_new_a"),
            ("2025-12-01", 95.5, "close", "Bloomberg", False, "fx_new_b"),
            ("2026-01-05", 96.0, "close", "PTI", False, "fx_unchecked"),
            # After the analysis date: not the run's business.
            ("2026-02-01", 97.0, "close", "PTI", False, "fx_later")]
    return pd.DataFrame([{"date": ts(d), "inr_per_usd": v, "rate_type": t, "quote_source": q,
                          "preferred": p,
                          "verification": "unchecked" if s == "fx_unchecked" else "confirmed",
                          "source_id": s}
                         for d, v, t, q, p, s in rows]).astype({"preferred": "boolean"})


def fx_implied(low: float = 88.0, high: float = 90.0) -> pd.DataFrame:
    return pd.DataFrame({"inr_per_usd": [low, high], "source_id": ["reported_src"] * 2})


def tables(**changes) -> dict[str, pd.DataFrame]:
    out = {"japan_india_investments": investments(), "japan_india_meetings": meetings(),
           "japan_battery_strategy": strategy(), "cost_benchmarks": benchmarks(),
           "fx_rates": fx_rates(), "fx_implied_rates": fx_implied()}
    out.update(changes)
    return out


def result(rate: RunRate | None = None, **param_changes):
    """The chapter's result on these tables."""
    from batteryreport.chapters import japan

    return japan.analyse(tables(), params(**param_changes), pli_result(rate))
