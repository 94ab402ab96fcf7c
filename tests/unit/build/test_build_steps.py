"""Small steps the build takes for speed, each shown to give what the slow way gave."""

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from batteryreport.build import notebooks, sphinxext
from batteryreport.build.pages import write_data_pages, write_generated_pages

REPO = Path(__file__).resolve().parents[3]
MINIDATA = REPO / "tests" / "fixtures" / "minidata"


def _plain(nb: nbformat.NotebookNode) -> list:
    return [(c.cell_type, c.source, c.get("metadata", {})) for c in nb.cells] + [nb.metadata]


def test_a_parsed_notebook_read_back_is_the_notebook_parsed(tmp_path, monkeypatch):
    # The parse of a MyST notebook is kept by content; read back, it is not validated
    # again (it was written by nbformat from a validated parse) and is the same notebook.
    import jupytext

    monkeypatch.setattr(notebooks, "PARSED_CACHE", tmp_path)
    for source in sorted((REPO / "notebooks").glob("*.md")):
        parsed = notebooks.read_notebook(source)  # parsed, and kept
        monkeypatch.setattr(nbformat, "validate", lambda *a, **k: pytest.fail("validated"))
        kept = notebooks.read_notebook(source)  # read back
        monkeypatch.undo()
        monkeypatch.setattr(notebooks, "PARSED_CACHE", tmp_path)
        fresh = jupytext.reads(source.read_text(encoding="utf-8"), fmt="md")
        assert _plain(kept) == _plain(parsed)
        assert [(c.cell_type, c.source) for c in kept.cells] == \
            [(c.cell_type, c.source) for c in fresh.cells]
    assert len(list(tmp_path.glob("*.ipynb"))) == len(list((REPO / "notebooks").glob("*.md")))


def test_the_book_numbers_no_figure_whatever_jupyter_book_sets():
    # jupyter-book's LaTeX extension turns numfig on; the book's own setting wins.
    config = SimpleNamespace(overrides={"numfig": False}, numfig=True)
    sphinxext.book_numfig(None, config)
    assert config.numfig is False
    unset = SimpleNamespace(overrides={}, numfig=True)
    sphinxext.book_numfig(None, unset)
    assert unset.numfig is True


def test_the_data_pages_written_early_are_those_written_with_the_edition(tmp_path):
    from batteryreport.data.params import load_params

    manifest = {"scenario": "default", "edition_number": 3}
    together, early = tmp_path / "together", tmp_path / "early"
    write_generated_pages(together, load_params(), MINIDATA, manifest)
    write_data_pages(early, MINIDATA)  # while the notebooks run
    assert not (early / "data" / "data-edition-3.zip").exists()
    write_generated_pages(early, load_params(), MINIDATA, manifest, data_pages=False)
    files = sorted(p.relative_to(together) for p in together.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(early) for p in early.rglob("*") if p.is_file())
    assert all((together / f).read_bytes() == (early / f).read_bytes() for f in files)
