"""PDF briefs: read back with pypdf, the numbers must be the glued display texts.

Two set-ups:
- a synthetic book (fast): source notebooks with ``brief:`` front matter and "executed"
  notebooks whose outputs are made by the real glue/figure classes, so the briefs are
  built without running papermill;
- the mini book (slow): ``python -m batteryreport briefs`` end to end, cache and all.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from conftest import TESTS as HERE  # noqa: E402
from conftest import run_build
from pypdf import PdfReader

from batteryreport.build import briefs
from batteryreport.build.briefs import BriefError, build_briefs, parse_brief, pdf_fonts
from batteryreport.build.pipeline import Layout
from batteryreport.data.params import load_params
from batteryreport.present.glue import Value, read_all_glued, read_glued

REPO = HERE.parent

# The synthetic-book tests share one worker (and one build of the briefs).
briefs_group = pytest.mark.xdist_group("briefs")

# --------------------------------------------------------------------------- helpers


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces (for comparisons)."""
    return re.sub(r"\s+", " ", text)


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def text_sizes(path: Path, page: int = 0) -> list[tuple[float, str]]:
    """Every piece of text on a page with the size it is set in (pt)."""
    out: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((round(abs(size * tm[3] * cm[3]), 2), text))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return out


def size_of(path: Path, needle: str, page: int = 0, last: bool = False) -> float:
    """The size of the first (or last) piece of text on the page that starts like
    ``needle`` (its first 8 to 12 characters)."""
    found = []
    for size, text in text_sizes(path, page):
        t = text.strip()
        n = min(len(t), len(needle), 12)
        if n >= min(8, len(needle)) and t[:n] == needle[:n]:
            found.append(size)
    if not found:
        raise AssertionError(f"{needle!r} not found on page {page + 1} of {path.name}")
    return found[-1] if last else found[0]


def page_texts(path: Path) -> list[str]:
    return [flat(p.extract_text() or "") for p in PdfReader(path).pages]


def has_chart(path: Path, page: int = 0) -> bool:
    """The page holds a drawn chart: charts are drawn as vector graphics whose text is set
    in the charts' print size (briefs.charts.PRINT_CONFIG, 8.5 pt), unlike any other text."""
    return sum(1 for size, _ in text_sizes(path, page) if size == 8.5) >= 5


def assert_fonts_ok(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert all(name.startswith("SourceSansPro") for name in fonts), fonts
    serif = ("Serif", "Libertinus", "Times", "Computer", "DejaVu")
    assert not any(s in n for n in fonts for s in serif), fonts


def _output(bundle: dict) -> dict:
    return {"output_type": "display_data", "metadata": {"scrapbook": {"name": "x"}},
            "data": bundle}


def write_executed(path: Path, values: list[Value], figures: list) -> None:
    """An executed notebook as papermill leaves it, holding these glued values and charts."""
    cells = [{"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
              "outputs": [_output(v._repr_mimebundle_()) for v in values]}]
    for fig in figures:
        bundle = fig._repr_mimebundle_()
        cells.append({"cell_type": "code", "metadata": {}, "source": "", "execution_count": 2,
                      "outputs": [{"output_type": "display_data", "metadata": {},
                                   "data": bundle}]})
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def write_source(path: Path, brief: dict | None, order: int, summary: dict | None = None) -> None:
    import yaml

    meta = {"tables": [], "order": order}
    if brief is not None:
        meta["brief"] = brief
    if summary is not None:
        meta["summary"] = summary
    front = yaml.safe_dump({"jupytext": {"text_representation": {"extension": ".md",
                                                                  "format_name": "myst"}},
                            "kernelspec": {"display_name": "Python 3", "language": "python",
                                           "name": "python3"},
                            "batteryreport": meta}, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n\n# {path.stem}\n\n```{{code-cell}} ipython3\n"
                    ":tags: [parameters]\nscenario = \"default\"\n```\n", encoding="utf-8")


def _fig(name: str, title: str, chart: alt.Chart, frame: pd.DataFrame):
    from batteryreport.present.charts import figure, theme

    chart = chart.properties(**{}).configure(**theme()["config"])
    return figure(chart, name=name, title=title, description=f"{title}, by year.",
                  source_note="Sources: PIB, Ministry of Heavy Industries; company filings.",
                  data=frame)


PLI_BRIEF = {
    "title": "PLI-ACC: promised against built",
    "lede": "pli_lede",
    "key_numbers": ["awarded_gwh", "installed_gwh", "share_achieved", "penalty_accrued_total",
                    "days_late"],
    "figures": ["pli_promised_vs_built", "pli_timeline"],
    "recommendations": ["recommendations::rec_pli"],
    "details": ["fx_used", "as_of"],
}
JAPAN_BRIEF = {
    "title": "What $100–400 million from Japan can buy",
    "key_numbers": ["japan_range_inr", "cell_gwh_range", "recycling_kt_range"],
    "figures": ["japan_allocation"],
    "recommendations": ["recommendations::rec_japan"],
    "summary_numbers": 2,
}
RECYCLING_BRIEF = {
    "title": "Recycling: the end-of-life wave",
    "key_numbers": ["eol_tonnes_2030", "recycler_capacity", "recovery_rate_lithium"],
    "figures": ["eol_projection"],
    "recommendations": ["recommendations::rec_recycling"],
}
# The summary carries every rec_* value, also one that no brief shows (rec_data).
SUMMARY = {"recommendations": ["rec_*"], "figure": "pli_delays::pli_promised_vs_built",
           "lede": "pli_delays::pli_headline"}
REC_KEYS = ["rec_pli", "rec_japan", "rec_recycling", "rec_data"]


def fake_book(root: Path, *, briefs_meta: dict[str, dict | None] | None = None,
              summary: dict | None = SUMMARY, public_url: str = "") -> Path:
    """A synthetic book with realistic glued values (the repository's data and sources)."""
    (root / "notebooks").mkdir(parents=True)
    gen = root / "book" / "_generated"
    gen.mkdir(parents=True)
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "params", root / "params")
    config = (REPO / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^public_url:.*$", f'public_url: "{public_url}"', config)
    (root / "_config.yml").write_text(config, encoding="utf-8")
    meta = {"pli_delays": PLI_BRIEF, "japan_investment": JAPAN_BRIEF,
            "recycling": RECYCLING_BRIEF, "recommendations": None}
    meta.update(briefs_meta or {})
    for order, (name, brief) in enumerate(meta.items(), start=1):
        write_source(root / "notebooks" / f"{name}.md", brief, order * 10,
                     summary if name == "recommendations" else None)

    years = pd.DataFrame({"year": [2022, 2023, 2024, 2025, 2026] * 2,
                          "series": ["Promised"] * 5 + ["Built"] * 5,
                          "gwh": [0, 5, 20, 40, 50, 0, 0, 0.2, 1.4, 1.4]})
    firms = pd.DataFrame({"beneficiary": ["Ola Electric", "Reliance New Energy", "Rajesh Exports",
                                          "Amara Raja", "Ola Electric", "Reliance New Energy",
                                          "Rajesh Exports", "Amara Raja"],
                          "what": ["Awarded"] * 4 + ["Commissioned"] * 4,
                          "gwh": [20, 10, 5, 5, 1.4, 0, 0, 0]})
    promised = _fig("pli_promised_vs_built", "Capacity awarded and commissioned, by firm",
                    alt.Chart(firms).mark_bar().encode(
                        x=alt.X("gwh:Q", title="GWh"),
                        y=alt.Y("beneficiary:N", title=None),
                        yOffset="what:N", color=alt.Color("what:N", title=None)), firms)
    timeline = _fig("pli_timeline", "The promised ramp and what was built",
                    alt.Chart(years).mark_line(point=True).encode(
                        x=alt.X("year:O", title=None), y=alt.Y("gwh:Q", title="GWh (cumulative)"),
                        color=alt.Color("series:N", title=None)), years)
    split = pd.DataFrame({"scenario": ["cells-first", "balanced", "recycling-first"] * 3,
                          "sector": ["Cells"] * 3 + ["Recycling"] * 3 + ["EV"] * 3,
                          "usd_mn": [280, 160, 80, 80, 120, 240, 40, 120, 80]})
    japan = _fig("japan_allocation", "Three ways to split $400 million",
                 alt.Chart(split).mark_bar().encode(
                     x=alt.X("sum(usd_mn):Q", title="USD million"),
                     y=alt.Y("scenario:N", title=None),
                     color=alt.Color("sector:N", title=None)), split)
    eol = pd.DataFrame({"year": list(range(2024, 2031)),
                        "tonnes": [20_000, 34_000, 55_000, 80_000, 120_000, 170_000, 240_000]})
    eol_fig = _fig("eol_projection", "Batteries reaching end of life",
                   alt.Chart(eol).mark_area(opacity=0.8).encode(
                       x=alt.X("year:O", title=None),
                       y=alt.Y("tonnes:Q", title="Tonnes a year")), eol)

    s = ["pib_2025_12_12", "bs_2025_06_17", "mint_2022_08_28"]
    write_executed(gen / "pli_delays.ipynb", [
        Value("pli_lede", "Four years after the awards, **under a tenth** of the capacity India "
              "promised itself is running, and none of the penalties has been collected.",
              sources=["pib_2025_12_12"]),
        Value("pli_headline", "India has promised incentives to an industry that has barely "
              "started", sources=["pib_2025_12_12"]),
        Value("awarded_gwh", "40 GWh", 40.0, "GWh", s[:1], "Capacity awarded under PLI-ACC"),
        Value("installed_gwh", "1.4 GWh", 1.4, "GWh", s[:2], "Cell capacity commissioned"),
        Value("share_achieved", "3.5%", 0.035, "", s[:2], "Share of the award built"),
        Value("penalty_accrued_total", "₹860–3,500 crore", [860, 3500], "INR crore", s,
              "Penalties accrued, if enforced"),
        Value("days_late", "1,146 days", 1146, "days", ["pib_2025_12_12"],
              "Days past the deadline"),
        Value("fx_used", "₹88.45/$", 88.45, "INR/USD", ["bs_2025_12_01"], "Exchange rate used"),
        Value("as_of", "12 December 2025", "2025-12-12", "", ["pib_2025_12_12"], "As of"),
    ], [promised, timeline])
    write_executed(gen / "japan_investment.ipynb", [
        Value("japan_range_inr", "₹880–3,500 crore", [880, 3500], "INR crore", ["bs_2025_03_04"],
              "Japan's $100–400 million in rupees"),
        Value("cell_gwh_range", "0.9–4.6 GWh", [0.9, 4.6], "GWh", ["et_2025_03"],
              "Cell capacity it could fund"),
        Value("recycling_kt_range", "6,000–32,000 tonnes", [6000, 32000], "t/yr",
              ["fe_2025_11"], "Recycling capacity a year"),
    ], [japan])
    write_executed(gen / "recycling.ipynb", [
        Value("eol_tonnes_2030", "2,40,000 tonnes", 240000, "t", ["takshashila_2025_10_14"],
              "Batteries reaching end of life in 2030"),
        Value("recycler_capacity", "1,12,000 tonnes", 112000, "t/yr", ["deccanchronicle_2024"],
              "Registered recycling capacity"),
        Value("recovery_rate_lithium", "70%", 0.7, "", ["businessworld_2024_11"],
              "Lithium recovery required by 2027"),
    ], [eol_fig])
    write_executed(gen / "recommendations.ipynb", [
        Value("rec_pli", "- Publish plant-by-plant commissioning data every quarter, with the "
              "dates in each award.\n- Collect the **liquidated damages** already due, or "
              "publish why they were waived.\n- Re-tender the capacity of beneficiaries more "
              "than two years late.", sources=["pib_2025_12_12"], label="PLI-ACC"),
        Value("rec_japan", "Put Japan's money into cell lines with a committed Japanese "
              "technology partner, and tie it to [the BWMR recovery targets]"
              "(https://cpcb.nic.in/).", sources=["bs_2025_03_04"], label="Japan"),
        Value("rec_recycling", "- Make recovery targets bite: audit the extended producer "
              "responsibility certificates.\n- Fund one black-mass refinery before 2028.",
              sources=["fe_2025_11"], label="Recycling"),
        Value("rec_data", "Publish dated, official figures on plant progress: capacity is "
              "known today only from company claims.", sources=["pib_2025_12_12"],
              label="Recommendation: official data"),
    ], [])
    return root


def params_for(root: Path, scenario: str = "default"):
    p = root / f"{scenario}.yml"
    p.write_text(f"scenario: {scenario}\n")
    return load_params(p, defaults=root / "params" / "default.yml")


def make(root: Path, params, out: Path) -> list[Path]:
    """build_briefs with the edition manifest the build would give it."""
    from batteryreport.build.editions import plan_edition

    manifest, _ = plan_edition(root / "_build" / "editions", root, params, root / "data",
                               root / "book" / "_generated")
    return build_briefs(Layout(root), params, root / "data", out, manifest)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = fake_book(tmp_path_factory.mktemp("briefs") / "book")
    out = root / "_build" / "briefs"
    paths = make(root, params_for(root), out)
    return root, out, paths


# --------------------------------------------------------------------------- synthetic book


@briefs_group
def test_one_brief_per_declaring_notebook_and_a_summary(synthetic):
    root, out, paths = synthetic
    assert [p.name for p in paths] == ["pli_delays.pdf", "japan_investment.pdf", "recycling.pdf",
                                       "summary.pdf"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no leftovers


@briefs_group
def test_page_counts(synthetic):
    _, out, paths = synthetic
    for p in paths:
        assert 1 <= pages(p) <= 2, p.name
    assert pages(out / "summary.pdf") == 1


@briefs_group
def test_key_numbers_are_the_glued_display_texts(synthetic):
    root, out, _ = synthetic
    glued = read_all_glued(root / "book" / "_generated")
    for nb, meta in (("pli_delays", PLI_BRIEF), ("japan_investment", JAPAN_BRIEF),
                     ("recycling", RECYCLING_BRIEF)):
        text = flat(pdf_text(out / f"{nb}.pdf"))
        for key in meta["key_numbers"]:
            rec = read_glued(root / "book" / "_generated" / f"{nb}.ipynb")[key]
            assert rec["text"] in text, (nb, key, rec["text"])
            assert rec["label"] in text
        for ref in meta.get("recommendations", []):
            for item in briefs.recommendation_items(glued[ref]):
                plain = "".join(s["t"] for s in item["segments"])
                assert " ".join(plain.split()[:5]) in text, (nb, ref)
    summary = flat(pdf_text(out / "summary.pdf"))
    for key in ("pli_delays::awarded_gwh", "japan_investment::japan_range_inr",
                "japan_investment::cell_gwh_range", "recycling::eol_tonnes_2030"):
        assert glued[key]["text"] in summary, key
    assert glued["pli_delays::installed_gwh"]["text"] not in summary  # summary_numbers: 1
    assert "Publish plant-by-plant commissioning data" in summary


@briefs_group
def test_sources_listed_with_urls(synthetic):
    root, out, _ = synthetic
    from batteryreport.data import sources

    register = sources(root / "data")
    glued = read_glued(root / "book" / "_generated" / "pli_delays.ipynb")
    shown = set()
    for key in [*PLI_BRIEF["key_numbers"], *PLI_BRIEF["details"], "pli_lede"]:
        shown |= set(glued[key]["sources"])
    text = pdf_text(out / "pli_delays.pdf").replace("\n", "")
    for sid in shown | {"pib_2025_12_12"}:
        assert register.loc[sid, "url"] in text, sid
    # Only the sources of values shown: the recycling brief's are not in the PLI brief.
    assert register.loc["deccanchronicle_2024", "url"] not in text


@briefs_group
def test_fonts_embedded_and_no_fallback(synthetic):
    _, _, paths = synthetic
    for p in paths:
        assert_fonts_ok(p)


@briefs_group
def test_text_and_charts_share_one_typeface(synthetic):
    _, out, _ = synthetic
    reader = PdfReader(out / "pli_delays.pdf")
    # The chart's axis title is drawn as text in the same font as the body.
    assert "GWh (cumulative)" in "".join(p.extract_text() for p in reader.pages)
    fams = {n.split("-")[0] for n in pdf_fonts(out / "pli_delays.pdf")}
    assert fams == {"SourceSansPro"}


TITLE_PT, LEDE_PT, BODY_PT = 23.0, 11.7, 9.6  # templates/style.typ


@briefs_group
def test_type_sizes_are_the_same_in_every_brief(synthetic):
    """Title, lede and body are set in fixed sizes: no brief is shrunk to fit."""
    root, out, _ = synthetic
    glued = read_all_glued(root / "book" / "_generated")
    for nb, meta in (("pli_delays", PLI_BRIEF), ("japan_investment", JAPAN_BRIEF),
                     ("recycling", RECYCLING_BRIEF)):
        pdf = out / f"{nb}.pdf"
        assert size_of(pdf, meta["title"]) == TITLE_PT, nb
        first = glued[f"{nb}::{meta['key_numbers'][0]}"]
        table_page = next(i for i, t in enumerate(page_texts(pdf)) if "What Value" in t)
        assert size_of(pdf, first["label"], table_page, last=True) == BODY_PT, nb
    assert size_of(out / "pli_delays.pdf", "Four years after the awards") == LEDE_PT
    assert size_of(out / "summary.pdf", "India's battery gap: the report") == TITLE_PT
    assert size_of(out / "summary.pdf", "India has promised incentives") == LEDE_PT


@briefs_group
def test_footer_is_for_a_reader(synthetic):
    """Report title, edition number and date, page x of y; no file names or internal ids."""
    root, out, paths = synthetic
    from batteryreport.build.editions import plan_edition

    manifest, _ = plan_edition(root / "_build" / "editions", root, params_for(root),
                               root / "data", root / "book" / "_generated")
    for p in paths:
        texts = page_texts(p)
        for i, text in enumerate(texts, start=1):
            assert f"Page {i} of {len(texts)}" in text, (p.name, i)
            assert f"India's battery gap · Edition {manifest['edition_number']}, " in text
            for internal in (manifest["edition_id"], ".pdf", "glued", "notebook", "Online:"):
                assert internal not in text, (p.name, i, internal)


def test_footer_gives_the_website_address(tmp_path):
    root = fake_book(tmp_path / "book", public_url="https://example.org/battery-report/")
    paths = make(root, params_for(root), tmp_path / "out")
    for p in paths:
        for text in page_texts(p):
            assert "Online: https://example.org/battery-report/editions/1/" in text, p.name


@briefs_group
def test_summary_carries_every_recommendation_and_a_chart(synthetic):
    root, out, _ = synthetic
    glued = read_all_glued(root / "book" / "_generated")
    text = page_texts(out / "summary.pdf")[0]
    where = []
    for key in REC_KEYS:
        rec = glued[f"recommendations::{key}"]
        item = briefs.recommendation_items(rec)[0]
        lead = briefs.short_lead(rec["label"])
        assert f"{lead}. " + " ".join(item["text"].split()[:4]) in text, key
        where.append(text.index(f"{lead}. "))
    assert where == sorted(where), "in the order the notebook glued them"
    assert "Recommendation:" not in text  # the lead-in without the word the heading says
    assert has_chart(out / "summary.pdf")
    assert "Capacity awarded and commissioned, by firm" in text  # the declared chart's title
    assert glued["pli_delays::pli_headline"]["text"] in text  # the declared lede


def _long_pli_book(root: Path, rec_items: int) -> Path:
    """The synthetic book with a PLI brief that is too long for two pages as designed: many
    detail rows and a recommendation of ``rec_items`` long items."""
    book = fake_book(root, briefs_meta={"pli_delays": dict(
        PLI_BRIEF, details=["fx_used", "as_of", "installed_gwh", "awarded_gwh", "days_late",
                            "share_achieved", "penalty_accrued_total", "pli_lede"])})
    gen = book / "book" / "_generated" / "recommendations.ipynb"
    nb = json.loads(gen.read_text())
    long = "\n".join(f"- Step {i}: publish what each plant has commissioned, dated and "
                     "checked. " + "Tie the incentive to it, plant by plant and quarter by "
                     "quarter. " * 2 for i in range(rec_items))
    rec = Value("rec_pli", long, sources=["pib_2025_12_12"], label="PLI-ACC")
    nb["cells"][0]["outputs"][0]["data"] = rec._repr_mimebundle_()
    gen.write_text(json.dumps(nb))
    return book


def test_a_long_brief_is_cut_to_fit_not_shrunk(tmp_path):
    root = _long_pli_book(tmp_path / "book", rec_items=10)
    paths = make(root, params_for(root), tmp_path / "out")
    pdf = paths[0]
    assert pdf.name == "pli_delays.pdf" and pages(pdf) == 2
    assert size_of(pdf, PLI_BRIEF["title"]) == TITLE_PT
    assert size_of(pdf, "Four years after the awards") == LEDE_PT
    text = " ".join(page_texts(pdf))
    glued = read_glued(root / "book" / "_generated" / "pli_delays.ipynb")
    shown = [k for k in PLI_BRIEF["key_numbers"] if glued[k]["label"] in text]
    assert shown == PLI_BRIEF["key_numbers"]  # the key numbers always stay
    for i in range(10):  # and every recommendation
        assert f"Step {i}:" in text
    # Something was cut instead: the note on the brief, detail rows or sources (counted,
    # "and N more sources on the website"); the normal brief has all of them.
    normal = " ".join(page_texts(make(fake_book(tmp_path / "normal"), params_for(root),
                                      tmp_path / "normal-out")[0]))
    assert "About this brief" in normal and "About this brief" not in text
    details = [glued[k]["label"] for k in ("fx_used", "as_of")]
    assert all(d in normal for d in details)


def test_a_remembered_layout_is_used_while_it_holds(tmp_path, monkeypatch):
    # A rebuild of unchanged content (a new edition: only its number and date differ) sets
    # each PDF once, at the layout the search found before, and gets the same PDF the
    # search gives; a remembered layout that no longer holds is searched for again.
    from batteryreport.build.briefs import typeset
    from batteryreport.build.editions import plan_edition

    root = _long_pli_book(tmp_path / "book", rec_items=10)  # needs a cut: several tries
    params = params_for(root)
    compiles = []
    real = typeset._Typst.compile
    monkeypatch.setattr(typeset._Typst, "compile",
                        lambda *a, **k: compiles.append(1) or real(*a, **k))
    manifest, _ = plan_edition(root / "_build" / "editions", root, params, root / "data",
                               root / "book" / "_generated")
    first = build_briefs(Layout(root), params, root / "data", tmp_path / "one", manifest)
    searched = len(compiles)
    assert searched > len(first)

    compiles.clear()
    later = {**manifest, "edition_number": manifest["edition_number"] + 1,
             "edition_id": manifest["edition_id"] + "-later"}
    again = build_briefs(Layout(root), params, root / "data", tmp_path / "two", later)
    assert len(compiles) == len(again)  # one setting per PDF
    assert f"Edition {later['edition_number']}" in page_texts(again[0])[0]
    for path in (root / ".cache" / "brief-layouts").glob("*.json"):
        path.unlink()
    compiles.clear()
    search = build_briefs(Layout(root), params, root / "data", tmp_path / "four", later)
    assert len(compiles) == searched  # nothing remembered: the whole search
    assert [p.read_bytes() for p in search] == [p.read_bytes() for p in again]

    for path in (root / ".cache" / "brief-layouts").glob("*.json"):
        record = json.loads(path.read_text())
        record["place"][0] = [p + 1 for p in record["place"][0]]  # parts fell elsewhere
        path.write_text(json.dumps(record))
    compiles.clear()
    checked = build_briefs(Layout(root), params, root / "data", tmp_path / "five", later)
    assert len(compiles) == searched + len(checked)  # tried, refused, searched
    assert [p.read_bytes() for p in checked] == [p.read_bytes() for p in again]


def test_charts_drawn_ahead_are_all_the_layout_search_draws(tmp_path, monkeypatch):
    # While the notebooks run, the briefs' process draws each chart they show at the
    # heights the last build's briefs asked for (briefs/ahead.py). For a brief whose layout
    # is searched again (its content changed: nothing remembered), every drawing the
    # search needs is then kept, and the PDFs are the ones made without drawing ahead.
    from batteryreport.build.briefs import ahead, charts
    from batteryreport.build.editions import plan_edition
    from batteryreport.build.start import draw_charts_ahead
    from batteryreport.present.glue import read_figures

    root = _long_pli_book(tmp_path / "book", rec_items=10)  # a search of several heights
    layout = Layout(root)
    params = params_for(root)
    manifest, _ = plan_edition(root / "_build" / "editions", root, params, root / "data",
                               root / "book" / "_generated")
    first = build_briefs(layout, params, root / "data", tmp_path / "one", manifest)
    asked = ahead.remembered_scales(layout.brief_scales)
    assert len(asked["pli_delays--pli_timeline"]) > 1, asked  # (searched: several heights)
    shutil.rmtree(layout.brief_charts)
    shutil.rmtree(root / ".cache" / "brief-layouts")
    layout.figures.mkdir(parents=True)  # as the notebooks' runner writes them
    for nb in sorted((root / "book" / "_generated").glob("*.ipynb")):
        for name, record in read_figures(nb).items():
            (layout.figures / f"{nb.stem}--{name}.json").write_text(json.dumps(record), "utf-8")
    draw_charts_ahead(layout)  # the briefs' process's job while the notebooks run
    assert ahead.finish() == sum(len(v) for v in asked.values())

    def fail(*args, **kwargs):
        raise AssertionError(f"drawn again at {args[1:]}: it was not drawn ahead")

    monkeypatch.setattr(charts, "chart_svg", fail)
    again = build_briefs(layout, params, root / "data", tmp_path / "two", manifest)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in first]


def test_a_kept_typst_compiler_sets_the_same_bytes_as_a_fresh_one(tmp_path, monkeypatch):
    # Each thread keeps one compiler per template (fonts loaded once, layouts memoised);
    # the PDFs are those a fresh typst.compile and typst.query per run give.
    import typst

    from batteryreport.build.briefs import typeset
    from batteryreport.build.editions import plan_edition

    root = _long_pli_book(tmp_path / "book", rec_items=10)  # a search: several runs
    params = params_for(root)
    manifest, _ = plan_edition(root / "_build" / "editions", root, params, root / "data",
                               root / "book" / "_generated")
    kept = build_briefs(Layout(root), params, root / "data", tmp_path / "kept", manifest)

    class Fresh(typeset._Typst):
        def compile(self, data_file, timestamp=None):
            self._last = (data_file, timestamp)
            return typst.compile(str(self.key[0] / self.key[1]), root=str(self.key[0]),
                                 font_paths=[str(d) for d in briefs.font_dirs()],
                                 ignore_system_fonts=True, sys_inputs={"data": data_file},
                                 timestamp=timestamp)

        def query(self, data_file, selector):
            return typst.query(str(self.key[0] / self.key[1]), selector,
                               root=str(self.key[0]),
                               font_paths=[str(d) for d in briefs.font_dirs()],
                               ignore_system_fonts=True, sys_inputs={"data": data_file})

    monkeypatch.setattr(typeset, "_Typst", Fresh)
    shutil.rmtree(root / ".cache" / "brief-layouts")  # the same search, from the start
    fresh = build_briefs(Layout(root), params, root / "data", tmp_path / "fresh", manifest)
    assert [p.read_bytes() for p in fresh] == [p.read_bytes() for p in kept]


def test_cut_steps_never_shrink_type():
    for cut in (*briefs.BRIEF_CUTS, *briefs.SUMMARY_CUTS):
        assert set(vars(cut)) == {"chart_scale", "details", "sources", "rec_chars", "about"}
    assert briefs.BRIEF_CUTS[0] == briefs.Cut()  # the designed layout comes first


@briefs_group
def test_unchanged_inputs_make_nothing_again(synthetic, monkeypatch):
    root, out, paths = synthetic
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}

    def fail(*args):
        raise AssertionError("compiled again although nothing changed")

    monkeypatch.setattr(briefs, "_compile", fail)
    again = make(root, params_for(root), out)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in again} == before


@briefs_group
def test_same_inputs_same_bytes(synthetic, tmp_path):
    root, out, paths = synthetic
    fresh = make(root, params_for(root), tmp_path / "again")
    assert [p.read_bytes() for p in fresh] == [p.read_bytes() for p in paths]


@briefs_group
def test_scenario_in_file_names_and_on_the_page(tmp_path):
    root = fake_book(tmp_path / "book")
    paths = make(root, params_for(root, "weak-rupee"), tmp_path / "out")
    assert [p.name for p in paths] == ["pli_delays-weak-rupee.pdf",
                                       "japan_investment-weak-rupee.pdf",
                                       "recycling-weak-rupee.pdf", "summary-weak-rupee.pdf"]
    assert "Scenario: weak-rupee" in pdf_text(paths[0])


@briefs_group
def test_a_failing_brief_leaves_earlier_briefs_in_place(tmp_path):
    root = fake_book(tmp_path / "book")
    out = tmp_path / "out"
    make(root, params_for(root), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # The last notebook's brief now names a value its notebook never glued.
    write_source(root / "notebooks" / "recycling.md",
                 dict(RECYCLING_BRIEF, key_numbers=["eol_tonnes_2030", "recycler_capacity",
                                                    "no_such_value"]), 30)
    with pytest.raises(BriefError, match="no_such_value"):
        make(root, params_for(root), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@briefs_group
def test_overlong_brief_is_cut_then_refused(tmp_path):
    root = fake_book(tmp_path / "book")
    gen = root / "book" / "_generated" / "recommendations.ipynb"
    nb = json.loads(gen.read_text())
    long = "\n".join(f"- Recommendation {i}: " + "a long sentence of policy advice " * 12
                     for i in range(40))
    rec = Value("rec_pli", long, sources=["pib_2025_12_12"], label="PLI-ACC")._repr_mimebundle_()
    nb["cells"][0]["outputs"][0]["data"] = rec
    gen.write_text(json.dumps(nb))
    with pytest.raises(BriefError, match="does not fit 2 page") as err:
        make(root, params_for(root), tmp_path / "out")
    assert "pli_delays.pdf" in str(err.value) and "least content" in str(err.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_front_matter_problems_are_all_reported(tmp_path):
    names = {"alpha", "beta"}
    src = tmp_path / "alpha.md"
    spec, problems = parse_brief({"title": "", "key_numbers": ["a", "b"], "figures": [],
                                  "recomendations": ["x"], "summary_numbers": 3,
                                  "details": ["gamma::x"]}, "alpha", src, names)
    assert spec is None
    text = "\n".join(str(p) for p in problems)
    for needle in ("title", "key_numbers lists 2", "figures lists 0", "recomendations",
                   "summary_numbers", "'gamma'"):
        assert needle in text, needle
    ok, problems = parse_brief({"title": "T", "key_numbers": ["a", "b", "beta::c"],
                                "figures": ["f"]}, "alpha", src, names)
    assert problems == [] and ok.key_numbers == ("a", "b", "beta::c")
    assert parse_brief(None, "alpha", src, names) == (None, [])


def test_markdown_in_glued_text_becomes_segments_not_markup():
    segs = briefs.segments("Do **this**, see [the rules](https://x.org/a) and *that* #set `x`")
    assert {"t": "this", "b": True} in segs and {"t": "the rules", "url": "https://x.org/a"} in segs
    assert {"t": "that", "i": True} in segs
    assert "".join(s["t"] for s in segs) == "Do this, see the rules and that #set x"
    items = briefs.recommendation_items({"key": "r", "label": "R", "text": "- one\n  more\n- two"})
    assert [i["lead"] for i in items] == ["R", None]
    assert ["".join(s["t"] for s in i["segments"]) for i in items] == ["one more", "two"]


def test_recommendations_are_cut_to_whole_sentences():
    text = ("Close the two gaps together: only 1% of spent batteries are recycled, while plants "
            "claim capacity for 24–83% of them. So enforce the 70% collection target, and fund "
            "verified capacity with the ₹1,500 crore scheme.")
    assert briefs.sentences(text)[1].startswith("So enforce")
    assert briefs.first_sentences(text, None) == text
    assert briefs.first_sentences(text, 150) == briefs.sentences(text)[0]
    # Not even the first sentence fits: the recommendation without its evidence.
    assert briefs.first_sentences(text, 60) == "Close the two gaps together."
    # A clause that cannot stand alone is never cut out: the whole first sentence stays.
    assert briefs.first_sentences("The reasons are: cost and time. More text here.", 10) == \
        "The reasons are: cost and time."
    assert briefs.sentences("Pay Rs. 5 crore, e.g. now. Then 1.4 GWh.") == [
        "Pay Rs. 5 crore, e.g. now.", "Then 1.4 GWh."]
    assert briefs.short_lead("Recommendation: re-tender stalled awards") == \
        "Re-tender stalled awards"
    assert briefs.short_lead("Japan") == "Japan"


def test_source_numbers_read_as_ranges():
    from batteryreport.build.briefs.content import ref_text

    assert ref_text([1, 2, 3, 4, 9]) == "[1\u20134] [9]"
    assert ref_text([2, 3]) == "[2] [3]" and ref_text([]) == ""


def _axis_labels(svg: str) -> list[tuple[float, int]]:
    """The y axis's labels in a chart's SVG: (y of the first line, number of lines)."""
    out = []
    for m in re.finditer(r'<text text-anchor="end" transform="translate\([-\d.]+,([-\d.]+)\)"'
                         r'[^>]*>(.*?)</text>', svg):
        lines = re.findall(r"<tspan", m.group(2))
        if not re.fullmatch(r"[\d.,]+", m.group(2)):
            out.append((float(m.group(1)), max(1, len(lines))))
    return out


@pytest.mark.parametrize("height", [40, 320])
def test_multi_line_chart_labels_do_not_collide_in_print(height):
    from batteryreport.build.briefs.charts import LABEL_LINE_PT, chart_svg

    labels = ["This page's assumption",
              "Ola Cell Technologies, Krishnagiri,\nphase 2: expansion from 5 to 6.4 GWh\n"
              "(adds 1.4 GWh), IPO-funded part (2024) and a longer tail still",
              "Exide Energy Solutions, Bengaluru, phase\n1 (6 GWh) (2023)",
              "Agratas (Tata) Sanand, phase 1 (20 GWh)\n(2023)"]
    frame = pd.DataFrame({"name": labels, "v": [1, 2, 3, 4]})
    chart = alt.Chart(frame).mark_rule().encode(
        x="v:Q", y=alt.Y("name:N", sort=labels, title=None,
                         axis=alt.Axis(labelExpr="split(datum.label, '\\n')")))
    svg, _ = chart_svg(chart.properties(height=height).to_dict())
    found = _axis_labels(svg)
    assert len(found) == 4 and max(n for _, n in found) >= 2
    for (y1, n1), (y2, _) in itertools.pairwise(found):
        # a label's last line ends (half a line below its baseline) before the next begins
        assert y1 + (n1 - 1) * LABEL_LINE_PT + LABEL_LINE_PT / 2 <= y2 - LABEL_LINE_PT / 2, found


def test_summary_declaration_is_checked():
    names = {"recommendations", "pli_delays"}
    src = Path("recommendations.md")
    spec, problems = briefs.parse_summary({"recommendations": ["rec_*"], "figure":
                                           "pli_delays::chart", "lede": "pli_delays::x"},
                                          "recommendations", src, names)
    assert problems == [] and spec.recommendations == ("rec_*",) and spec.lede == "pli_delays::x"
    _, problems = briefs.parse_summary({"recomendations": [], "figure": "nope::x",
                                        "recommendations": "rec_*"}, "recommendations", src,
                                       names)
    text = "\n".join(str(p) for p in problems)
    for needle in ("recomendations", "'nope'", "recommendations must be a list"):
        assert needle in text, needle


def test_print_spec_uses_one_typeface_and_print_sizes():
    spec = {"title": "On the site", "mark": {"type": "text", "fontSize": 12, "font": "Arial"},
            "encoding": {"y": {"field": "a", "axis": {"labelLimit": 300, "labelFont": "Times"}}},
            "datasets": {"d": [{"fontSize": 3, "font": "data stays data"}]},
            "config": {"font": "Liberation Sans, Arial"}}
    s = briefs.print_spec(spec)
    assert "title" not in s  # printed by the brief above the chart
    stack = ", ".join(briefs.FONT_STACK)  # Source Sans Pro, then the Noto fallbacks
    assert stack.startswith("Source Sans Pro, Noto Sans")
    assert s["config"]["font"] == s["mark"]["font"] == stack
    assert s["encoding"]["y"]["axis"]["labelFont"] == stack
    assert s["mark"]["fontSize"] == 8.5 and s["encoding"]["y"]["axis"]["labelLimit"] < 300
    assert s["datasets"] == spec["datasets"] and spec["mark"]["fontSize"] == 12  # no mutation


def test_a_chart_names_the_fallback_fonts_only_when_its_text_needs_them(monkeypatch):
    # Drawn in Source Sans Pro alone when it has every character of the chart's text
    # (faster): the same drawing as with the whole stack named, but for the list itself.
    from batteryreport.build.briefs import charts

    def bars(label: str) -> dict:
        return {"mark": "bar", "data": {"name": "d"},
                "datasets": {"d": [{"a": label, "v": 1.5}, {"a": "Lohum", "v": 2}]},
                "encoding": {"y": {"field": "a", "type": "nominal"},
                             "x": {"field": "v", "type": "quantitative", "title": "₹ crore"}}}

    stack = ", ".join(briefs.FONT_STACK)
    latin = bars("Attero – Roorkee “plant”")
    assert charts.chart_fonts(latin) == "Source Sans Pro"
    for other in ("अटेरो रिसाइक्लिंग", "宁德时代", "Recycler ♻", "tab\there"):
        assert charts.chart_fonts(bars(other)) == stack, other  # Devanagari, CJK, ...

    def labelled(expr: str) -> dict:
        spec = bars("Lohum")
        spec["encoding"]["y"]["axis"] = {"labelExpr": expr}
        return spec

    # What an expression writes as an escape counts: the rupee sign is in the typeface,
    # Devanagari is not; text made from character codes cannot be known.
    assert charts.chart_fonts(labelled("'\\u20b9' + datum.label")) == "Source Sans Pro"
    for expr in ("'\\u0905' + datum.label", "'\\x07'", "'\\u{1F50B}'",
                 "String.fromCharCode(2309)"):
        assert charts.chart_fonts(labelled(expr)) == stack, expr
    by_url = dict(bars("Lohum"), data={"url": "capacity.csv"})  # text not in the spec
    assert charts.chart_fonts(by_url) == stack
    narrow, _ = charts.chart_svg(latin)
    monkeypatch.setattr(charts, "chart_fonts", lambda spec: stack)
    full, _ = charts.chart_svg(latin)
    families = set(re.findall(r'font-family="([^"]*)"', full))
    assert families == {stack} and narrow == full.replace(stack, "Source Sans Pro")


def test_briefs_drawn_in_the_typeface_alone_are_the_briefs_drawn_in_the_stack(
        tmp_path, monkeypatch):
    # The PDFs themselves, byte for byte: Typst sets each chart's text in the same font.
    from batteryreport.build.briefs import charts

    root = fake_book(tmp_path / "book")
    params = params_for(root)
    narrowed = {}
    real = charts.chart_fonts
    monkeypatch.setattr(charts, "chart_fonts",
                        lambda spec: narrowed.setdefault(len(narrowed), real(spec)))
    alone = [p.read_bytes() for p in make(root, params, tmp_path / "alone")]
    assert set(narrowed.values()) == {"Source Sans Pro"}  # (every chart here is Latin)
    shutil.rmtree(root / ".cache")  # nothing drawn or laid out kept
    monkeypatch.setattr(charts, "chart_fonts", lambda spec: ", ".join(briefs.FONT_STACK))
    assert [p.read_bytes() for p in make(root, params, tmp_path / "stack")] == alone


@briefs_group
def test_no_declared_brief_writes_nothing(tmp_path):
    root = fake_book(tmp_path / "book", briefs_meta={"pli_delays": None, "japan_investment": None,
                                                     "recycling": None})
    assert make(root, params_for(root), tmp_path / "o") == []


# --------------------------------------------------------------------------- mini book, CLI


def run_briefs(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_build(root, *extra, command="briefs")


@pytest.fixture(scope="module")
def minibook(tmp_path_factory):
    from conftest import make_book

    root = make_book(tmp_path_factory.mktemp("mbb") / "book")
    out = run_briefs(root)
    assert out.returncode == 0, out.stdout + out.stderr
    return root, out


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_runs_notebooks_then_writes_briefs(minibook):
    root, out = minibook
    assert "done     alpha" in out.stdout and "done     beta" in out.stdout
    folder = root / "_build" / "briefs"
    assert sorted(p.name for p in folder.iterdir()) == ["alpha.pdf", "beta.pdf", "summary.pdf"]
    assert pages(folder / "summary.pdf") == 1
    for p in folder.iterdir():
        assert pages(p) <= 2
        assert_fonts_ok(p)


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_build_keeps_what_the_next_one_draws_ahead(minibook):
    # The notebooks that ran wrote each chart as they showed it (for the briefs' process
    # to draw meanwhile), and the briefs kept the heights each chart was asked at, under
    # the same names.
    from batteryreport.build.briefs.ahead import remembered_scales
    from batteryreport.present.glue import read_figures

    root, _ = minibook
    layout = Layout(root)
    shown = {p.stem: json.loads(p.read_text("utf-8")) for p in layout.figures.glob("*.json")}
    gen = root / "book" / "_generated"
    executed = {f"{nb.stem}--{name}": record for nb in sorted(gen.glob("*.ipynb"))
                for name, record in read_figures(nb).items()}
    assert shown == executed and executed
    # The charts in the briefs: alpha's (in its brief and the summary).
    assert set(remembered_scales(layout.brief_scales)) == {"alpha--alpha"}


def test_cli_charts_are_drawn_while_the_notebooks_run(tmp_path):
    # The second build (a number of alpha's chart changed) draws the chart while the
    # notebook is still running: here the notebook, after showing the chart, waits until a
    # drawing the first build did not keep appears (at most 30 s, so that even a helper
    # process started afresh, with no standbys in the tests, has set up by then). Without
    # drawing ahead it ends after 30 s, and the count asserted below is missing.
    from conftest import make_book, set_cell

    root = make_book(tmp_path / "book")
    first = run_briefs(root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "made while the notebooks ran" not in first.stdout  # (nothing was kept)
    kept = root / ".cache" / "brief-charts"
    before = sorted(p.name for p in kept.glob("*.json"))
    assert before, "the first build kept no drawing"
    wait = (f"import pathlib, time\nkept = pathlib.Path({str(kept)!r})\n"
            f"before = set({before!r})\nend = time.monotonic() + 30\n"
            "while time.monotonic() < end and not "
            "{p.name for p in kept.glob('*.json')} - before:\n    time.sleep(0.05)\n")
    alpha = root / "notebooks" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8")
                     + "\n```{code-cell} ipython3\n" + wait + "```\n", encoding="utf-8")
    set_cell(root / "data" / "capacity.csv", "1", "installed_gwh", "1.7")
    again = run_briefs(root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert re.search(r"\(\d+ chart drawing\(s\) made while the notebooks ran\)",
                     again.stdout), again.stdout


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_numbers_match_the_same_run(minibook):
    root, _ = minibook
    gen = root / "book" / "_generated"
    alpha, beta = read_glued(gen / "alpha.ipynb"), read_glued(gen / "beta.ipynb")
    text = flat(pdf_text(root / "_build" / "briefs" / "alpha.pdf"))
    for rec in (alpha["total_gwh"], beta["n_sources"], beta["fx"]):
        assert rec["text"] in text
    assert "https://pib.gov.in/example" in text and "https://www.business-standard.com/example" \
        in text
    assert alpha["total_gwh"]["text"] in flat(pdf_text(root / "_build" / "briefs" / "summary.pdf"))


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_briefs_share_type_sizes_and_a_plain_footer(minibook):
    root, _ = minibook
    folder = root / "_build" / "briefs"
    titles = {"alpha.pdf": "Alpha: capacity installed so far",
              "beta.pdf": "Beta: the sources behind the numbers",
              "summary.pdf": "India's battery gap: the report on one page"}
    assert {name: size_of(folder / name, title) for name, title in titles.items()} == \
        dict.fromkeys(titles, TITLE_PT)
    for name in titles:
        texts = page_texts(folder / name)
        for i, text in enumerate(texts, start=1):
            assert f"Page {i} of {len(texts)}" in text and "Edition 1, " in text, name
            assert not re.search(r"\d{8}-default-\d", text) and ".pdf" not in text, name
    # The summary's chart: no declaration, so the first brief's first chart.
    assert has_chart(folder / "summary.pdf")
    assert "Installed capacity" in page_texts(folder / "summary.pdf")[0]


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_second_run_uses_the_cache(minibook):
    root, _ = minibook
    again = run_briefs(root)
    assert again.returncode == 0, again.stderr
    assert "running" not in again.stdout and "skipped  alpha" in again.stdout
    # nothing changed: the briefs already made are listed all the same
    assert "No notebook declares a brief" not in again.stdout
    listed = [line.split()[-1] for line in again.stdout.splitlines()
              if line.strip().startswith("brief ")]
    assert listed and all(Path(p).is_file() for p in listed), again.stdout


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_bad_params_fail_with_code_2_and_keep_briefs(minibook, tmp_path):
    root, _ = minibook
    folder = root / "_build" / "briefs"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    bad = tmp_path / "bad.yml"
    bad.write_text("fx_inr_per_usd: lots\nnot_a_param: 1\n")
    out = run_briefs(root, "--params", str(bad))
    assert out.returncode == 2
    assert "fx_inr_per_usd" in out.stderr and "not_a_param" in out.stderr
    assert "running" not in out.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_bad_data_fails_with_code_2_and_keeps_briefs(minibook):
    root, _ = minibook
    folder = root / "_build" / "briefs"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    cap = root / "data" / "capacity.csv"
    good = cap.read_text()
    cap.write_text(good + "9,Ola,2025-12-31,-4,1,2,GWh,bs_2025\n")
    try:
        out = run_briefs(root)
        assert out.returncode == 2
        assert "capacity.csv" in out.stderr and "installed_gwh" in out.stderr
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    finally:
        cap.write_text(good)


@pytest.mark.xdist_group("minibook-briefs")
def test_cli_scenario_writes_its_own_files(minibook, tmp_path):
    root, _ = minibook
    p = tmp_path / "s.yml"
    p.write_text("scenario: strong-rupee\nfx_inr_per_usd: 80.5\n")
    out = run_briefs(root, "--params", str(p))
    assert out.returncode == 0, out.stdout + out.stderr
    folder = root / "_build" / "briefs"
    # The published briefs are the published site's: this scenario's, not the default's.
    assert (folder / "alpha-strong-rupee.pdf").exists() and not (folder / "alpha.pdf").exists()
    text = flat(pdf_text(folder / "alpha-strong-rupee.pdf"))
    fx = read_glued(root / "book" / "_generated" / "beta.ipynb")["fx"]["text"]
    assert fx == "80.50" and fx in text and "Scenario: strong-rupee" in text


# --------------------------------------------------------------------------- real book


@pytest.mark.slow
@pytest.mark.xdist_group("realbook")
def test_real_book_briefs_show_the_glued_numbers(real_book):
    from conftest import run_build

    out = run_build(real_book, command="briefs")
    assert out.returncode == 0, out.stdout + out.stderr
    specs = briefs.brief_specs(real_book / "notebooks")
    assert len(specs) >= 3, "the real book declares a brief per chapter"
    folder = real_book / "_build" / "briefs"
    glued = read_all_glued(real_book / "book" / "_generated")
    for spec in specs:
        pdf = folder / f"{spec.notebook}.pdf"
        assert pages(pdf) <= 2, pdf.name
        assert_fonts_ok(pdf)
        text = flat(pdf_text(pdf))
        for ref in (*spec.key_numbers, *spec.details):
            key = ref if "::" in ref else f"{spec.notebook}::{ref}"
            assert glued[key]["text"] in text, (pdf.name, key)
    assert pages(folder / "summary.pdf") == 1
    assert_fonts_ok(folder / "summary.pdf")
    # Same type in every brief; the summary carries every recommendation and a chart.
    assert {size_of(folder / f"{spec.notebook}.pdf", spec.title) for spec in specs} == {TITLE_PT}
    summary = page_texts(folder / "summary.pdf")[0]
    recs = [k for k in glued if k.startswith("recommendations::rec_")]
    assert len(recs) >= 7
    for key in recs:
        assert briefs.short_lead(glued[key]["label"]) + ". " in summary, key
    assert has_chart(folder / "summary.pdf")
    for spec in specs:
        assert spec.lede, f"{spec.notebook}: every brief has a lead sentence"
        assert glued[f"{spec.notebook}::{spec.lede}"]["text"][:40] in flat(pdf_text(
            folder / f"{spec.notebook}.pdf")), spec.notebook
