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


def _tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Each file under ``folder``: its bytes and its inode."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_record_and_release_finished_once_the_briefs_are_made_are_those_made_at_once(
        tmp_path):
    # While the briefs are made, the build freezes and stages the site but for its briefs'
    # folder; finished, the record and the release are those made in one go after the
    # briefs, sharing the same files with the previous edition and with each other.
    from batteryreport.build.editions import SITE, begin_record, record_edition
    from batteryreport.build.publish import begin_stage, stage, store

    site, generated = tmp_path / "html", tmp_path / "generated"
    generated.mkdir()
    for rel, text in {"index.html": "<p>1</p>", "_static/theme.css": "body{}",
                      "_briefs/summary.pdf": "%PDF 1", "_briefs/old.pdf": "%PDF old"}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    brief = tmp_path / "summary.pdf"
    brief.write_text("%PDF 2")

    def manifest(n):
        return {"edition_id": f"20261130-default-{n}", "edition_number": n,
                "built_on": "2026-11-30", "scenario": "default"}

    at_once, in_two = tmp_path / "at_once" / "_build", tmp_path / "in_two" / "_build"
    for build in (at_once, in_two):
        record_edition(store(build), manifest(1), MINIDATA, generated, site=site,
                       briefs=[brief])
    (site / "index.html").write_text("<p>2</p>")
    (site / "_briefs" / "summary.pdf").write_text("%PDF 2")  # once the briefs are made

    record = record_edition(store(at_once), manifest(2), MINIDATA, generated, site=site,
                            briefs=[brief])
    release = stage(at_once, site, [brief], manifest(2), "key", frozen=record)

    (site / "_briefs" / "summary.pdf").write_text("%PDF 1")  # still the last build's
    pending = begin_record(store(in_two), manifest(2), MINIDATA, generated, site=site,
                           later="_briefs")
    staging = begin_stage(in_two, pending.tmp / SITE, linked=True, later="_briefs")
    assert not (store(in_two) / manifest(2)["edition_id"]).exists()
    (site / "_briefs" / "summary.pdf").write_text("%PDF 2")  # the briefs, made
    record_two = pending.finish([brief])
    release_two = staging.finish([brief], manifest(2), "key", later_from=record_two / SITE)

    def linked(folder, to):  # files of ``folder`` that are files of ``to`` (hard links)
        return {k for k, (_, ino) in _tree(folder).items()
                if (to / k).exists() and (to / k).stat().st_ino == ino}

    def contents(folder):
        return {k: data for k, (data, _) in _tree(folder).items()}

    old, old_two = (store(b) / manifest(1)["edition_id"] / SITE for b in (at_once, in_two))
    assert contents(record_two) == contents(record)
    assert contents(release_two) == contents(release)
    assert linked(record_two / SITE, old_two) == linked(record / SITE, old) \
        == {"_static/theme.css", "_briefs/old.pdf"}
    assert linked(release_two / "html", record_two / SITE) \
        == linked(release / "html", record / SITE) == set(_tree(record / SITE))
    assert not list(store(in_two).glob(".*")) and not list((in_two / "releases").glob(".*"))


def test_notebooks_found_are_kept_and_found_again_when_their_text_changes(tmp_path,
                                                                           monkeypatch):
    # What the notebooks declare is kept by their bytes: read back, no notebook is read
    # (nor nbformat imported); a notebook edited is read again.
    import shutil

    folder = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    monkeypatch.setattr(notebooks, "SPECS_CACHE", tmp_path / "specs")
    found = notebooks.discover(folder)
    assert {s.name for s in found} == {p.stem for p in folder.glob("*.md")}
    read = notebooks.read_notebook
    monkeypatch.setattr(notebooks, "read_notebook", lambda p: pytest.fail(f"read {p}"))
    assert notebooks.discover(folder) == found
    page = folder / "recycling.md"
    page.write_text(page.read_text(encoding="utf-8").replace("order:", "order: 99 #",
                                                              1), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception):
        notebooks.discover(folder)
    monkeypatch.setattr(notebooks, "read_notebook", read)
    again = notebooks.discover(folder)
    assert [s for s in again if s.name != "recycling"] == \
        [s for s in found if s.name != "recycling"]
    assert next(s for s in again if s.name == "recycling").order == 99


def test_the_briefs_process_has_imported_what_receiving_its_job_needs(tmp_path):
    # The build sends the briefs' job (the function by name, and its arguments) once the
    # notebooks have run: receiving it must import nothing then (it once imported the
    # pipeline and pandas, 0.3 s, while the build waited for the briefs).
    import pickle
    import subprocess
    import sys

    from batteryreport.build.briefs import make_briefs
    from batteryreport.build.start import Layout
    from batteryreport.data.params import load_params

    layout = Layout(tmp_path)
    (layout.cache / "brief-charts").mkdir(parents=True)
    (layout.cache / "brief-charts" / "kept.json").write_text("[]")  # no chart renderer
    job = pickle.dumps((make_briefs, (layout, load_params(), MINIDATA, {"edition_id": "x"})))
    (tmp_path / "job.pickle").write_bytes(job)
    probe = (
        "import pickle, sys\n"
        "from pathlib import Path\n"
        "from batteryreport.build.start import prepare_briefs_process\n"
        f"prepare_briefs_process(Path({str(layout.cache / 'brief-charts')!r}), "
        f"Path({str(REPO / 'notebooks')!r}))\n"
        "before = set(sys.modules)\n"
        f"pickle.loads(Path({str(tmp_path / 'job.pickle')!r}).read_bytes())\n"
        "print(sorted(set(sys.modules) - before))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
