"""The recommendations: what follows from the three chapters' results.

The chapter computes nothing new from the data. It takes the PLI, Japan and recycling
results (``NEEDS``) and, for each recommendation, the numbers it rests on: each of them a
quantity one of those chapters computed, so a recommendation can never disagree with the
chapter it cites. Which wording a recommendation takes is chosen by rules from these
numbers (:mod:`batteryreport.present.recommendations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from batteryreport.core.quantity import Quantity

TABLES: tuple[str, ...] = ()
PARAMS: tuple[str, ...] = ()
NEEDS = ("pli_delays", "japan_investment", "recycling")


@dataclass(frozen=True)
class Evidence:
    """The numbers behind one recommendation, each from the chapter that computed it."""

    key: str  # its glue key, e.g. "rec_pli"
    label: str
    numbers: Mapping[str, Quantity]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for q in self.numbers.values() for s in q.sources}))


@dataclass(frozen=True)
class RecommendationsResult:
    pli: Evidence
    rebid: Evidence
    japan: Evidence
    catalytic: Evidence
    recycling: Evidence
    recycled_content: Evidence
    data: Evidence
    relief_latest: str | None  # the PLI chapter's latest relief event: requested, refused, ...
    recycling_gap: str  # the recycling chapter's verdict: collection, capacity, unclear, ...

    @property
    def all(self) -> tuple[Evidence, ...]:
        return (self.pli, self.rebid, self.japan, self.catalytic, self.recycling,
                self.recycled_content, self.data)


def analyse(tables: Mapping[str, pd.DataFrame], params: Any, pli_delays: Any,
            japan_investment: Any, recycling: Any) -> RecommendationsResult:
    p, pen = pli_delays.progress, pli_delays.penalties
    rec = recycling
    return RecommendationsResult(
        pli=Evidence("rec_pli", "Recommendation: PLI delivery", {
            "installed": p.installed_gwh, "awarded": p.awarded_gwh, "as_of": p.as_of,
            "share": p.share_achieved}),
        rebid=Evidence("rec_pli_rebid", "Recommendation: re-tender stalled PLI awards", {
            "security_date": pen.security_date, "gap_overdue": p.gap_overdue,
            "installed": p.installed_gwh, "awarded": p.awarded_gwh}),
        japan=Evidence("rec_japan", "Recommendation: Japanese partnership", {
            "usd_range": japan_investment.rupees.usd_range, "unbuilt": p.gap_awarded,
            "cell_gwh": japan_investment.capacity.cell_gwh}),
        catalytic=Evidence("rec_catalytic", "Recommendation: catalytic converters", {
            "window": rec.scheme.scheme_other_alloc}),
        recycling=Evidence("rec_recycling", "Recommendation: recycling", {
            "recycled_now": rec.volumes.recycled_share_now,
            "cover_flow": rec.gap.cover_flow, "flow": rec.gap.eol_flow_t,
            "collection": rec.rules.bwmr_collection,
            "outlay": rec.scheme.scheme_outlay}),
        recycled_content=Evidence("rec_recycled_content", "Recommendation: recycled content", {
            "target": rec.rules.bwmr_content_last, "demand": rec.rules.demand_horizon_gwh,
            "year": rec.volumes.eol_year, "need": rec.rules.content_need_t}),
        data=Evidence("rec_data", "Recommendation: official data", {
            "claims": rec.capacity.n_claims, "firms": rec.capacity.n_claim_firms,
            "unverifiable": rec.capacity.n_claims_unverifiable}),
        relief_latest=pen.relief.latest,
        recycling_gap=rec.gap.verdict,
    )
