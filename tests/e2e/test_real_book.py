"""End-to-end: the real book builds from a copy of the repository, offline and complete."""

import re
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realbook")]


def toc_pages(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part["chapters"]]
    return pages


def test_every_toc_page_is_built(real_book):
    site = real_book / "_build" / "html"
    for page in toc_pages(real_book):
        assert (site / f"{page}.html").exists(), page


def test_no_page_loads_anything_from_the_internet(real_book):
    site = real_book / "_build" / "html"
    remote = re.compile(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', re.I)
    for page in toc_pages(real_book):
        text = (site / f"{page}.html").read_text(encoding="utf-8")
        hits = [m.group(0) for m in remote.finditer(text)]
        assert not hits, f"{page}: {hits}"


def test_each_topic_page_has_a_chart_and_glued_numbers(real_book):
    site = real_book / "_build" / "html" / "book" / "_generated"
    for name in ("pli_delays", "japan_investment", "recycling"):
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        assert 'class="br-vega"' in text, name
        assert text.count('class="br-num"') >= 3, name
        assert "problematic" not in text, name


def test_front_page_glues_from_the_chapters(real_book):
    text = (real_book / "_build" / "html" / "book" / "index.html").read_text(encoding="utf-8")
    assert "Edition 1" in text
    assert text.count('class="br-num"') >= 5
    assert "problematic" not in text


def test_data_appendix_lists_every_table_and_source(real_book):
    from batteryreport.data import sources, table_names

    text = (real_book / "_build" / "html" / "book" / "_generated" / "data_sources.html").read_text(
        encoding="utf-8")
    for name in table_names(real_book / "data"):
        if name != "sources":
            assert f'id="table-{name.replace("_", "-")}"' in text, name
    for sid in sources(real_book / "data")["source_id"]:
        assert f'id="src-{sid.replace("_", "-")}"' in text, sid
