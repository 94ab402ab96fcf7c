"""The recommendations on the page: each one's wording, chosen by rules from the numbers
it rests on (:class:`batteryreport.chapters.recommendations.Evidence`)."""

from __future__ import annotations

from batteryreport.chapters.recommendations import Evidence, RecommendationsResult
from batteryreport.core.quantity import Quantity
from batteryreport.core.quantity import text as q_text
from batteryreport.present.fmt import show
from batteryreport.present.glue import glue_result


def _rec(e: Evidence, text: str) -> Quantity:
    return q_text(text, e.label, e.sources)


def _rebid(r: RecommendationsResult, n) -> str:
    """Re-tender stalled awards; if more time has been granted, from the new deadline."""
    if r.relief_latest == "granted":
        return ("Hold the first-round firms to the extended deadline, and fix a date to "
                "re-tender any award still unbuilt then: the "
                f"{show(n['gap_overdue'])} overdue today would go back to tender.")
    return ("Fix a date to re-tender stalled awards: when a firm's delay penalties reach its "
            f"whole performance security ({show(n['security_date'])} for the first-round "
            f"firms), cancel the award and re-bid the {show(n['gap_overdue'])} still unbuilt.")


def _japan(n) -> str:
    """Partnerships where the money cannot build the unbuilt capacity itself; a plant of
    its own where it could."""
    if n["cell_gwh"].value.high < n["unbuilt"].value:
        return (f"Steer the reported {show(n['usd_range'])} of probable Japanese investment "
                "into technology and equipment partnerships with the PLI plants, where "
                f"{show(n['unbuilt'])} of awarded capacity is unbuilt, and into recycling, "
                "rather than into cell plants of its own.")
    return (f"Seek a Japanese-backed cell plant with the reported {show(n['usd_range'])}: at "
            f"the benchmark costs it could build {show(n['cell_gwh'])}, as much as the "
            f"{show(n['unbuilt'])} of awarded PLI capacity still unbuilt.")


def _recycling(r: RecommendationsResult, n) -> str:
    """Collection first, capacity first, or both, as the recycling chapter's comparison of
    one year's spent batteries with that year's capacity finds."""
    now = (f"only {show(n['recycled_now'])} of spent lithium-ion batteries are recycled into "
           f"materials, while recyclers claim capacity for {show(n['cover_flow'])} of the "
           f"{show(n['flow'])} that reach end of life")
    target = (f"enforce the {show(n['collection'])} EV collection target with traceable "
              "records")
    if r.recycling_gap == "collection":
        return (f"Make collection the first job of recycling policy: {now}. So {target} and let "
                f"the {show(n['outlay'])} recycling scheme fund collection networks.")
    if r.recycling_gap == "capacity":
        return (f"Build recycling capacity first: {now}. So steer the {show(n['outlay'])} "
                f"recycling scheme to verified lithium-ion plants, and {target}.")
    return (f"Close the collection gap and the capacity gap together: {now}. So {target}, and "
            f"let the {show(n['outlay'])} recycling scheme fund both collection networks and "
            "verified plant capacity.")


def texts(r: RecommendationsResult) -> dict[str, Quantity]:
    """Each recommendation as glued text, keyed as the pages cite it."""
    n = {e.key: e.numbers for e in r.all}
    pli, rebid, japan = n["rec_pli"], n["rec_pli_rebid"], n["rec_japan"]
    rec, content, data = n["rec_recycling"], n["rec_recycled_content"], n["rec_data"]
    return {
        "rec_pli": _rec(r.pli, (
            "Tie every further step of the PLI-ACC scheme to commissioned capacity, checked "
            "and published plant by plant each quarter: "
            f"{'only ' if pli['share'].value < 0.5 else ''}"
            f"{show(pli['installed'])} of the {show(pli['awarded'])} awarded was installed by "
            f"{show(pli['as_of'])}.")),
        "rec_pli_rebid": _rec(r.rebid, _rebid(r, rebid)),
        "rec_japan": _rec(r.japan, _japan(japan)),
        "rec_catalytic": _rec(r.catalytic, (
            "Bring the Japanese interest in catalytic-converter recycling into the recycling "
            f"scheme's {show(n['rec_catalytic']['window'])} window for other scrap, starting "
            "with a pilot that measures how much platinum and palladium India's scrapped "
            "converters hold.")),
        "rec_recycling": _rec(r.recycling, _recycling(r, rec)),
        "rec_recycled_content": _rec(r.recycled_content, (
            "State the recycled-content target per metal (lithium, cobalt, nickel) and phase it "
            "against domestic supply: read as a share of battery mass, "
            f"{show(content['target'])} of the {show(content['demand'])} of batteries expected "
            f"around {show(content['year'])} would need {show(content['need'])} of recycled "
            "material a year.")),
        "rec_data": _rec(r.data, (
            "Publish official, dated figures on recycling capacity, collection and PLI plant "
            f"progress: recycling capacity is known only from {show(data['claims'])} company "
            f"claims by {show(data['firms'])} firms, "
            f"{show(data['unverifiable'])} of which could not be verified.")),
    }


def glue(r: RecommendationsResult) -> None:
    glue_result(r, texts(r))
