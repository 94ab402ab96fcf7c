"""End-to-end: the front page of the real book, as a reader meets it.

A headline chart (glued by the PLI notebook, shown with myst-nb's ``{glue}``), a key-figure
card for every chapter, three to five numbered key findings made of glued numbers (their
judgments rules or checked claims), and a link to every brief and to the summary.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realbook")]

CHAPTERS = ("pli_delays", "japan_investment", "recycling")


def front(real_book: Path) -> str:
    return (real_book / "_build" / "html" / "book" / "index.html").read_text(encoding="utf-8")


def section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}">')
    return html[start:html.index("</section>", start)]


class _Cards(HTMLParser):
    """Each sphinx-design card: its title and the data keys of the numbers in its body."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "sd-card" in classes:
            self.cards.append({"title": "", "keys": [], "first": None})
        elif "br-card-label" in classes and self.cards:
            self._in_title = True
        elif "br-num" in classes and self.cards and "data-key" in a:
            self.cards[-1]["keys"].append(a["data-key"])

    def handle_endtag(self, tag):
        if tag == "div":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and data.strip():
            self.cards[-1]["title"] += data.strip()


def test_headline_chart_is_drawn(real_book):
    """The glued chart is on the page as a report figure drawn at build time (SVG, a wide
    and a narrow drawing), so the front page loads no chart library; it is the chapter's
    own chart, so the two never disagree."""
    html = front(real_book)
    figures = re.findall(r'<figure class="br-chart" id="fig-([\w-]+)".*?</figure>', html, re.S)
    assert figures == ["pli_promised_built"], figures
    figure = re.search(r'<figure class="br-chart".*?</figure>', html, re.S).group(0)
    drawings = re.findall(r"<svg [^>]*>.*?</svg>", figure, re.S)
    assert len(drawings) == 2, "a wide and a narrow drawing"
    assert 'class="br-static" role="group" aria-label="Chart: ' in figure
    for svg in drawings:
        assert 'role="img"' in svg and 'aria-label="Horizontal bars' in svg
        assert svg.count("role-mark") >= 2 and "<path" in svg and "viewBox=" in svg
        assert "Ola Cell Technologies" in svg and "Capacity (GWh)" in svg
    assert "br-vega" not in html and "vega-bundle.js" not in html and "charts.js" not in html
    chapter = (real_book / "_build" / "html" / "book" / "_generated" / "pli_delays.html")
    text = chapter.read_text(encoding="utf-8")
    assert 'id="fig-pli_promised_built"' in text and "vega-bundle.js" in text
    assert "Download the data (CSV)" in html


def test_one_key_figure_card_per_chapter(real_book):
    parser = _Cards()
    parser.feed(front(real_book))
    cards = parser.cards
    assert cards and all(c["keys"] for c in cards), cards
    by_chapter = {ch: [c["title"] for c in cards if c["keys"][0].startswith(ch + "::")]
                  for ch in CHAPTERS}
    assert all(by_chapter.values()), by_chapter  # every chapter has a card of its own
    assert "Japan" in by_chapter["japan_investment"]
    assert "Recycling" in by_chapter["recycling"]
    # The card's number is its first glued value (bold and large: .br-card-number).
    html = front(real_book)
    assert html.count('class="sd-card-body br-card-number') == len(cards)
    assert html.count('br-card-label') >= len(cards)


def test_every_brief_and_the_summary_are_linked(real_book):
    from batteryreport.build.briefs import brief_specs

    html = front(real_book)
    links = re.findall(r'href="([^"]+\.pdf)"', html)
    names = {Path(h).name for h in links}
    specs = brief_specs(real_book / "notebooks")
    assert {f"{s.notebook}.pdf" for s in specs} | {"summary.pdf"} <= names, names
    site = real_book / "_build" / "html" / "book"
    for href in links:  # each link reaches a PDF
        target = (site / href).resolve()
        assert target.exists() and target.read_bytes()[:5] == b"%PDF-", href
    # Each brief is named by its title, so a reader knows which is which.
    texts = {Path(href).name: " ".join(re.sub(r"<[^>]+>", " ", text).split())
             for href, text in re.findall(r'<a [^>]*href="([^"]+\.pdf)"[^>]*>(.*?)</a>', html,
                                          re.S)}
    for s in specs:
        assert texts[f"{s.notebook}.pdf"] == s.title, (s.notebook, texts)


def test_numbered_key_findings_with_glued_numbers(real_book):
    html = front(real_book)
    findings = section(html, "key-findings")
    items = re.findall(r"<li>(.*?)</li>", findings, re.S)
    assert 3 <= len(items) <= 5, len(items)
    assert "<ol" in findings
    for item in items:
        assert item.count('class="br-num"') >= 2, item[:200]
    keys = set(re.findall(r'data-key="([^"]+)"', findings))
    assert {k.partition("::")[0] for k in keys} >= set(CHAPTERS)  # findings span the report
    # The judgments in them are rules (glued phrases) or checked claims.
    assert "pli_delays::gap_spread" in keys
    claims = json.loads((real_book / "_build" / "html" / ".claims.json").read_text())
    front_claims = claims["book/index"]
    assert any("japan_investment.cell_gwh.high < pli_delays.gap_awarded" in c["condition"]
               for c in front_claims)
    assert all(c["holds"] for c in front_claims)
    assert "problematic" not in html


def test_every_link_on_the_books_pages_resolves(real_book: Path):
    # Glued HTML made for one page can be shown on another (the front page shows the PLI
    # chapter's chart): its relative links must still lead somewhere. Links to past
    # editions exist only in the published folder (tests/integration/test_public.py).
    from batteryreport.build.links import check_links

    problems = [p for p in check_links(real_book / "_build" / "html")
                if p.startswith("book/") and "editions/" not in p.split(": ")[1]]
    assert problems == []
