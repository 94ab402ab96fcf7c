"""A later vintage of the data (issue 14): the plants make progress, two reports of the
same date disagree, the rupee moves. The book built from it must read true: prose,
recommendations and briefs; and a claim the data makes false must stop the build.

The vintage is the repository's data plus the fictional rows in
tests/fixtures/later_vintage/ (see its README).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import TESTS, copy_repo, run_build, set_cell

from batteryreport.present.glue import read_all_glued

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("later-vintage")]
VINTAGE = TESTS / "fixtures" / "later_vintage"


def append_rows(data: Path, table_file: str, rows: str) -> None:
    path = data / table_file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + rows.strip("\n") + "\n", encoding="utf-8")


def site_hash(root: Path) -> str:
    h = hashlib.sha256()
    site = root / "_build" / "html"
    for p in sorted(site.rglob("*.html")):
        h.update(p.read_bytes())
    return h.hexdigest()


def page_text(root: Path, page: str) -> str:
    from bs4 import BeautifulSoup

    html = (root / "_build" / "html" / "book" / "_generated" / f"{page}.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.select(".br-prov, script, style"):
        el.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" "))


@pytest.fixture(scope="module")
def vintage(tmp_path_factory):
    root = copy_repo(tmp_path_factory.mktemp("vintage") / "repo")
    for f in sorted(VINTAGE.glob("*.csv")):
        append_rows(root / "data", f.name, f.read_text(encoding="utf-8"))
    out = run_build(root)
    assert out.returncode == 0, out.stdout + out.stderr
    return root, read_all_glued(root / "book" / "_generated")


def text(glued, key):
    return glued[key]["text"]


def test_the_plants_progress_and_the_prose_follows(vintage):
    root, g = vintage
    assert text(g, "pli_delays::as_of") == "30 September 2026"
    assert text(g, "pli_delays::installed_gwh") == "3 GWh"
    assert text(g, "pli_delays::built_at") == "2 plants"
    assert text(g, "pli_delays::gap_spread").startswith("2 of the 4 plants have started")
    page = page_text(root, "pli_delays")
    assert "nearly all of them" not in page and "one plant" not in page


def test_a_disagreement_on_the_same_date_is_reported_as_one(vintage):
    root, g = vintage
    assert text(g, "pli_delays::reports_lead") == "Where sources disagree"
    body = text(g, "pli_delays::reports_text")
    assert "Ola Cell Technologies" in body and "2 GWh" in body and "3 GWh" in body
    # the recommendations compare the firm's two figures, never a total with one firm's
    why = text(g, "pli_delays::reports_why")
    assert why.startswith("Reports of the same moment already disagree for Ola Cell "
                          "Technologies (2 GWh officially, 3 GWh in other reports)")


def test_the_new_exchange_rate_is_used_everywhere(vintage):
    _, g = vintage
    assert text(g, "pli_delays::fx_rate") == "₹88.90/$"
    assert text(g, "japan_investment::fx_run") == "₹88.90/$"
    assert "30 September 2026" in text(g, "pli_delays::fx_basis")


def test_recommendations_and_briefs_read_true(vintage):
    root, g = vintage
    rec = text(g, "recommendations::rec_pli")
    assert "only 3 GWh of the 40 GWh awarded was installed by 30 September 2026" in rec
    from pypdf import PdfReader

    brief = " ".join(p.extract_text() for p in PdfReader(
        root / "_build" / "briefs" / "pli_delays.pdf").pages)
    flat = re.sub(r"\s+", " ", brief)
    assert "3 GWh" in flat and "30 September 2026" in flat
    assert "computation" in flat  # accrued damages are ours, not announced


def test_every_claim_holds_for_the_vintage(vintage):
    root, _ = vintage
    claims = json.loads((root / "_build" / "html" / ".claims.json").read_text())
    checked = [c for page in claims.values() for c in page]
    assert len(checked) >= 10
    assert all(c["holds"] for c in checked)


def test_a_chapter_notebook_runs_again_only_when_its_result_changes(vintage):
    root, _ = vintage
    table = root / "data" / "recycler_capacity.csv"
    kept = table.read_text(encoding="utf-8")
    try:
        set_cell(table, "recyclekaro_liion", "note", "re-checked")  # no number moves
        out = run_build(root)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "analysed recommendations, recycling" in out.stdout
        for name in ("recycling", "recommendations"):
            assert f"skipped  {name} (its chapter's result is unchanged)" in out.stdout
        assert "0 notebook(s) executed" in out.stdout
        # Kept under these inputs' key too: the same inputs again restore it before any
        # analysis (as another scenario, then back, does).
        key = json.loads((root / ".cache" / "state.json").read_text())["recycling"]
        kept_copy = root / ".cache" / "executed" / f"{key}.ipynb"
        generated = root / "book" / "_generated" / "recycling.ipynb"
        assert kept_copy.read_bytes() == generated.read_bytes()

        glued = read_all_glued(root / "book" / "_generated")
        set_cell(table, "recyclekaro_liion", "capacity_tonnes_per_year", "12000")  # was 10000
        out = run_build(root)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "done     recycling" in out.stdout
        moved = {k for k, v in read_all_glued(root / "book" / "_generated").items()
                 if k.startswith("recycling::") and v["text"] != glued[k]["text"]}
        assert moved, "a capacity 2,000 tonnes higher moved no recycling number"
    finally:
        table.write_text(kept, encoding="utf-8")


def test_a_claim_the_data_makes_false_stops_the_build(vintage):
    root, _ = vintage
    before = site_hash(root)
    append_rows(root / "data", "pli_progress_indicators.csv",
                "vintage_invest,cumulative_investment,all,four beneficiaries,2026-09-30,day,,"
                "9500,INR crore,true,confirmed,vintage_status_2026_09,test fixture")
    out = run_build(root)
    said = out.stdout + out.stderr
    assert out.returncode == 1, said
    assert "claim no longer true" in said and "pli_delays" in said
    assert "The money tells the same story" in said and "investment_share" in said
    assert site_hash(root) == before  # the last good site stays
