"""The reader's pages in the built real book, read from the HTML (no browser needed).

No code on reader pages; one page title, not doubled; the glossary, methodology and
"about, licence and citation" pages in the sidebar; social preview tags and favicons that
resolve inside the site; the licence in the footer; the citation from CITATION.cff; sources
cited by publisher and date on "Data and sources"; and provenance pop-up text kept out of
the page's text and so out of the search index and search snippets.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from browser_support import sidebar_pages, toc_pages

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realbook")]

REPO = Path(__file__).resolve().parents[2]
TITLE = "India's battery gap"
READER_PAGES = ["book/methodology.html", "book/glossary.html", "book/about.html"]


def site_of(real_book: Path) -> Path:
    return (real_book / "_build" / "html").resolve()


def pages(real_book: Path) -> list[str]:
    return toc_pages(real_book / "_toc.yml")


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def plain(text: str) -> str:
    return re.sub("[\u2018\u2019]", "'", html.unescape(text))


class ArticleText(HTMLParser):
    """The text of the page's main content as Sphinx indexes it: no tags, attributes,
    scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.VOID:
            return
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth or a.get("role") == "main":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def article_text(page_html: str) -> str:
    parser = ArticleText()
    parser.feed(page_html)
    return " ".join(parser.parts)


def test_no_code_on_any_page(real_book):
    site = site_of(real_book)
    for page in pages(real_book):
        text = read(site, page)
        assert "Show code" not in text and "Hide code" not in text, page
        assert 'class="cell_input' not in text, f"{page}: a code cell's source is shown"


def test_page_titles_name_the_book_once(real_book):
    site = site_of(real_book)
    for page in pages(real_book):
        title = plain(re.search(r"<title>(.*?)</title>", read(site, page), re.S).group(1))
        assert title.count(TITLE) == 1, f"{page}: <title>{title}</title>"
        h1 = plain(re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", read(site, page),
                                                       re.S).group(1))).rstrip("#").strip()
        assert title in (h1, f"{h1} — {TITLE}"), f"{page}: <title>{title}</title>, h1 {h1!r}"


def test_reader_pages_are_in_the_sidebar(real_book):
    site = site_of(real_book)
    listed = sidebar_pages(site)
    for page in READER_PAGES:
        assert page in listed, f"{page} is not in the sidebar: {listed}"
    glossary = read(site, "book/glossary.html")
    for term in ("ACC", "PLI", "GWh", "Crore", "Lakh", "Capex", "EPR", "Liquidated damages",
                 "BWMR 2022", "DVA", "Appointed date", "Performance security", "Black mass"):
        assert f'id="term-{term.replace(" ", "-")}"' in glossary, f"glossary: no term {term}"
    methodology = plain(read(site, "book/methodology.html"))
    for heading in ("When sources disagree", "Editions", "What is checked"):
        assert heading in methodology, f"methodology: no section {heading!r}"


def test_citation_comes_from_citation_cff(real_book):
    cff = yaml.safe_load((real_book / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == TITLE
    assert cff["authors"] == [{"name": "The India battery report contributors"}]
    assert {"CC-BY-4.0", "MIT"} <= set(cff["license"])
    page = read(site_of(real_book), "book/about.html")
    assert 'id="cite-this-report"' in page
    about = plain(re.sub(r"<[^>]+>", "", page))
    assert f"The India battery report contributors ({str(cff['date-released'])[:4]})" in about
    assert f"version {cff['version']}" in about and "@techreport{" in about
    for name in ("LICENSE", "LICENSE-content.md"):
        assert (REPO / name).is_file(), name


def test_footer_states_the_licences_and_links_the_citation(real_book):
    site = site_of(real_book)
    for page in pages(real_book):
        footer = read(site, page).split('class="bd-footer-content', 1)[-1]
        assert "The India battery report contributors" in footer, page
        assert "CC&nbsp;BY&nbsp;4.0" in footer and "code: MIT" in footer, page
        m = re.search(r'href="([^"]*)#cite-this-report"', footer)
        assert m, f"{page}: no citation link"
        target = urljoin(page, m.group(1)) if m.group(1) else page
        assert target == "book/about.html", f"{page}: the citation link points at {target}"


def test_social_tags_and_favicons_resolve_inside_the_site(real_book):
    site = site_of(real_book)
    for name in ("favicon.svg", "favicon-32.png", "apple-touch-icon.png", "br-preview.png"):
        data = (site / "_static" / name).read_bytes()
        assert data.startswith(b"\x89PNG") or b"<svg" in data, name
    for page in pages(real_book):
        text = read(site, page)
        tags = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', text))
        for tag in ("og:title", "og:description", "og:image", "twitter:card", "description"):
            assert tags.get(tag), f"{page}: no {tag}"
        assert TITLE in plain(tags["og:title"]), page
        image = tags["og:image"]
        assert not urlsplit(image).scheme, f"{page}: og:image {image} leaves the site"
        assert (site / urljoin(page, image)).is_file(), f"{page}: og:image {image} missing"
        icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)"[^>]*href="([^"]+)"', text)
        assert len(icons) >= 3, f"{page}: favicons {icons}"
        for href in icons:
            assert (site / urljoin(page, href)).is_file(), f"{page}: icon {href} missing"


def test_sources_are_cited_by_publisher_and_date(real_book):
    from batteryreport.data import sources

    text = read(site_of(real_book), "book/_generated/data_sources.html")
    register = sources(real_book / "data")
    links = re.findall(r'<a class="reference internal" href="#src-[^"]+">(.*?)</a>', text)
    assert links, "no source citations on the data page"
    ids = set(register["source_id"])
    for link in links:
        shown = plain(re.sub(r"<[^>]+>", "", link))
        assert shown not in ids, f"a table cites a raw source id: {shown}"
    dated = [s for s in links if re.search(r" \((?:[A-Z][a-z]{2} )?\d{4}\)$", s)]
    assert len(dated) > len(links) // 2, "most citations should carry a date"
    # Each register entry leads with the publisher, then the title.
    for sid, row in register.head(20).iterrows():
        anchor = "src-" + sid.replace("_", "-")
        entry = re.search(rf'<p id="{anchor}">(.*?)</p>', text, re.S)
        assert entry, sid
        body = plain(entry.group(1))
        assert body.startswith(f"<strong>{row['publisher']}</strong>"), (sid, body[:80])


def test_popup_text_is_not_page_text_or_indexed(real_book):
    """Pop-up text (labels, publishers, "Computed from") lives in attributes and in the page's
    JSON source register: not in the article's text, so not in the search index."""
    from sphinx.search.en import SearchEnglish

    site = site_of(real_book)
    stem = SearchEnglish({}).stem
    raw = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1: raw.rindex(")")])
    terms: dict[str, set[int]] = {}
    for key in ("terms", "titleterms"):
        for term, docs in index[key].items():
            terms.setdefault(term, set()).update([docs] if isinstance(docs, int) else docs)
    docnames = index["docnames"]
    checked = 0
    for page in pages(real_book):
        text = read(site, page)
        body = article_text(text)
        assert "Computed from:" not in body, f"{page}: pop-up text in the page"
        labels = [html.unescape(v) for v in re.findall(r'data-label="([^"]*)"', text)]
        register = re.search(r'<script type="application/json" id="br-sources">(.*?)</script>',
                             text, re.S)
        publishers = ([s["p"] for s in json.loads(register.group(1)).values()]
                      if register else [])
        words = {stem(w.lower()) for t in labels + publishers
                 for w in re.findall(r"[A-Za-z]{4,}", t)}
        shown = {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", body)}
        doc = docnames.index(page.removesuffix(".html"))
        leaked = sorted(w for w in words - shown if doc in terms.get(w, set()))
        assert not leaked, f"{page}: pop-up words in the search index: {leaked[:10]}"
        checked += len(words - shown)
    assert checked, "no pop-up-only words to check: the test proves nothing"
