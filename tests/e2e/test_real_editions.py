"""Issue 8 end to end on the real book: a second edition with a new capacity observation
and a new exchange rate shows the new numbers everywhere, and lists them as changed."""

import html
import re
from pathlib import Path

import pytest
from conftest import copy_built, run_build

from batteryreport.present.glue import read_all_glued

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realbook-editions")]

NEW_OBSERVATION = (
    "ola_2026_09_test,Ola Cell Technologies,\"Krishnagiri, Tamil Nadu\",2026-09-30,day,5,"
    "capacity installed (test edition),Ministry of Heavy Industries (PIB),true,confirmed,"
    "pibtracker_2026_03_27,added by the edition test\n"
)


def norm(text: str) -> str:
    """Rendered text as a reader sees it: entities decoded, Sphinx's curly quotes plain."""
    text = html.unescape(text)
    for curly, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, plain)
    return text


def page(root: Path, name: str) -> str:
    return norm((root / "_build" / "html" / "book" / f"{name}.html").read_text(encoding="utf-8"))


def shown_keys(html: str) -> set[str]:
    return set(re.findall(r'class="br-num[^"]*"[^>]*data-key="([^"]+)"', html)) | set(
        re.findall(r'data-key="([^"]+)"[^>]*class="br-num[^"]*"', html))


@pytest.fixture(scope="module")
def editions(tmp_path_factory, real_book):
    # The first edition is the real book the other tests read, built once per run: copied
    # with its build and caches, then built again with new data.
    root = copy_built(real_book, tmp_path_factory.mktemp("editions") / "repo")
    before = read_all_glued(root / "book" / "_generated")
    obs = root / "data" / "pli_capacity_observations.csv"
    obs.write_text(obs.read_text(encoding="utf-8") + NEW_OBSERVATION, encoding="utf-8")
    params = root / "params" / "edition-test.yml"
    params.write_text("fx_inr_per_usd: 91.5\n")
    second = run_build(root, "--params", str(params))
    assert second.returncode == 0, second.stdout + second.stderr
    after = read_all_glued(root / "book" / "_generated")
    moved = {k for k in after if k in before and after[k]["text"] != before[k]["text"]}
    return root, before, after, moved


def test_new_numbers_appear_in_the_chapter_pages(editions):
    root, before, after, moved = editions
    assert any(k.startswith("pli_delays::") for k in moved), "new observation moved nothing"
    assert any(k.startswith("japan_investment::") for k in moved), "new rate moved nothing"
    for key in moved:
        nb = key.split("::")[0]
        if key in shown_keys(page(root, f"_generated/{nb}")):
            assert after[key]["text"] in page(root, f"_generated/{nb}"), key


def test_front_page_prose_shows_the_new_values(editions):
    root, before, after, moved = editions
    index = page(root, "index")
    on_front = [k for k in moved if k in shown_keys(index)]  # data-key is "page::key"
    assert on_front, "no number on the front page moved"
    for key in on_front:
        assert after[key]["text"] in index, key


def test_what_changed_lists_the_moved_numbers_and_the_new_row(editions):
    root, before, after, moved = editions
    changed = page(root, "_generated/what_changed")
    assert "ola_2026_09_test" in changed and "added" in changed
    for key in moved:
        assert key.split("::")[1] in changed or after[key]["label"] in changed, key


def test_brief_shows_the_new_values(editions):
    from pypdf import PdfReader

    root, before, after, moved = editions
    pdfs = sorted((root / "_build" / "briefs").glob("*.pdf"))
    assert pdfs, "no briefs were built"
    text = " ".join(p.extract_text() for f in pdfs for p in PdfReader(f).pages)
    text = re.sub(r"\s+", " ", text)
    in_briefs = [k for k in moved if after[k]["text"] in text]
    assert in_briefs, "no moved number appears in any brief"
