"""The build pipeline on a two-notebook mini book: cache, atomic publish, validation first."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import TESTS as HERE
from conftest import make_book, run_build

REPO = HERE.parent
MINI = HERE / "fixtures" / "minibook"

pytestmark = pytest.mark.xdist_group("minibook")


def build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_build(root, *extra)


def ran(out: str) -> set[str]:
    return {line.split()[1] for line in out.splitlines() if line.strip().startswith("done ")}


def skipped(out: str) -> set[str]:
    return {line.split()[1] for line in out.splitlines() if line.strip().startswith("skipped ")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_book(tmp_path_factory.mktemp("mb") / "book")
    first = build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    return root, first


def test_first_build_runs_everything_and_publishes(built):
    root, first = built
    assert ran(first.stdout) == {"alpha", "beta"}
    index = root / "_build" / "html" / "index.html"
    assert index.exists() and (root / "_build" / "html").is_symlink()
    page = (root / "_build" / "html" / "book" / "index.html").read_text()
    assert "2.4 GWh" in page  # 1.4 + 1.0 + 0, glued from alpha
    assert "1 notebook" not in first.stdout and "2 notebook(s) executed" in first.stdout


def test_parameters_cell_hidden_and_chart_offline(built):
    root, _ = built
    page = (root / "_build" / "html" / "book" / "_generated" / "alpha.html").read_text()
    assert "fx_inr_per_usd = None" not in page  # parameters cell removed
    assert "br-vega" in page and "vega-bundle.js" in page
    assert "cdn.jsdelivr" not in page and "vega@" not in page


def test_no_change_rebuild_runs_nothing(built):
    root, _ = built
    again = build(root)
    assert again.returncode == 0, again.stderr
    assert ran(again.stdout) == set()
    assert skipped(again.stdout) == {"alpha", "beta"}
    assert "site up to date" in again.stdout


def test_the_command_forks_the_notebooks_runner_first_and_stops_it_when_none_runs(built):
    """The command forks the notebooks' runner as it begins (build/start.begun), before
    its helpers and the pipeline's imports; a build that finds no notebook to run stops
    it at once. (The builds above and below run their notebooks in its forks.)"""
    from batteryreport.build import pipeline
    from batteryreport.build.start import begun

    root, _ = built
    with begun(str(root), None) as (layout, started):
        runner = started.notebooks
        assert runner is not None and runner._process.is_alive()
        report = pipeline.build(None, None, 2, layout, started=started)
        assert report.site == "up to date"
        assert not runner._process.is_alive()  # stopped before the build's end


def test_pages_left_from_a_removed_notebook_or_an_older_build_are_removed(built):
    # Not in the table of contents, they would stop the strict build.
    root, _ = built
    generated = root / "book" / "_generated"
    shutil.copyfile(generated / "beta.ipynb", generated / "gamma_renamed.ipynb")
    (generated / "old_page.md").write_text("# An old page\n", encoding="utf-8")
    (root / ".cache" / "last-build.json").unlink()  # the inputs are unchanged: build anyway
    out = build(root)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "gamma_renamed.ipynb (its notebook is gone)" in out.stdout
    assert not (generated / "gamma_renamed.ipynb").exists()
    assert not (generated / "old_page.md").exists()
    assert (generated / "data_sources.md").exists()


def test_touching_one_table_reruns_only_its_readers(built):
    root, _ = built
    work = root / "_build" / ".work" / "html"
    sources_page = work / "book" / "_generated" / "data_sources.html"
    written = sources_page.stat().st_mtime_ns
    cap = root / "data" / "capacity.csv"
    cap.write_text(cap.read_text().replace("Reliance,2025-12-02,0,", "Reliance,2025-12-02,2.5,"))
    out = build(root)
    assert out.returncode == 0, out.stdout + out.stderr
    assert ran(out.stdout) == {"alpha"} and skipped(out.stdout) == {"beta"}
    page = (root / "_build" / "html" / "book" / "index.html").read_text()
    assert "4.9 GWh" in page and "2.4 GWh" not in page  # glued value not stale
    # "Data and sources" offers the table; its text is unchanged (same rows, same
    # sources): the new file is copied, and the page is not read or written again.
    assert sources_page.stat().st_mtime_ns == written
    for site in (work, root / "_build" / "html"):
        copies = list((site / "_downloads").rglob("capacity.csv"))
        assert [c.read_text() for c in copies] == [cap.read_text()]
    assert "data-edition" not in sources_page.read_text()  # the zip: on About this edition


def test_a_release_links_the_files_its_edition_record_froze(built):
    # Staged from the record this build froze, not copied a second time: records and
    # releases are never written in place.
    root, _ = built
    release = root / "_build" / "current"
    manifest = json.loads((release / "release.json").read_text())
    site = root / "_build" / "store" / "editions" / manifest["edition_id"] / "site"
    for rel in ("index.html", "book/_generated/alpha.html", "_static/vega-bundle.js"):
        assert (release / "html" / rel).stat().st_ino == (site / rel).stat().st_ino, rel
        assert (release / "html" / rel).read_bytes() == (site / rel).read_bytes()


def test_parameter_change_reruns_only_notebooks_that_declare_it(built, tmp_path):
    root, _ = built
    p = tmp_path / "p.yml"
    p.write_text("scenario: strong-rupee\n")
    out = build(root, "--params", str(p))
    assert out.returncode == 0, out.stdout + out.stderr
    assert ran(out.stdout) == {"beta"}  # only beta declares `scenario`


def test_failing_notebook_leaves_site_byte_identical(built):
    root, _ = built
    index = root / "_build" / "html" / "book" / "index.html"
    before = index.read_bytes()
    nb = root / "notebooks" / "alpha.md"
    good = nb.read_text()
    nb.write_text(good.replace('cap = load_table("capacity")',
                               'cap = load_table("capacity")\nraise ValueError("deliberate")'))
    try:
        out = build(root)
        assert out.returncode != 0
        assert "FAILED   alpha" in out.stdout and "deliberate" in out.stdout
        assert "cell" in out.stdout and "notebooks/alpha.md" in out.stdout
        assert index.read_bytes() == before
    finally:
        nb.write_text(good)


def test_bad_parameter_fails_before_running(built, tmp_path):
    root, _ = built
    p = tmp_path / "bad.yml"
    p.write_text("fx_inr_per_usd: lots\nnot_a_param: 1\n")
    out = build(root, "--params", str(p))
    assert out.returncode == 2
    assert "fx_inr_per_usd" in out.stderr and "not_a_param" in out.stderr
    assert "running" not in out.stdout


def test_bad_data_fails_before_running_and_keeps_site(built):
    root, _ = built
    index = root / "_build" / "html" / "book" / "index.html"
    before = index.read_bytes()
    cap = root / "data" / "capacity.csv"
    good = cap.read_text()
    cap.write_text(good + "9,Ola,2025-12-31,-4,1,2,GWh,bs_2025\n")
    try:
        out = build(root)
        assert out.returncode == 2
        assert "capacity.csv" in out.stderr and "installed_gwh" in out.stderr
        assert "row 5" in out.stderr and "running" not in out.stdout
        assert index.read_bytes() == before
    finally:
        cap.write_text(good)


def test_glued_values_carry_provenance(built):
    root, _ = built
    from batteryreport.present.glue import read_glued

    rec = read_glued(root / "book" / "_generated" / "alpha.ipynb")["total_gwh"]
    assert rec["sources"] == ["bs_2025", "pib_2025"]
    page = (root / "_build" / "html" / "book" / "index.html").read_text()
    # The pop-up is built in the browser (reader.js) from the number's source ids and the
    # page's source register, which links each source to its entry on "Data and sources".
    assert 'data-src="bs_2025 pib_2025"' in page and 'id="br-sources"' in page
    assert "data_sources.html#src-" in page
    state = json.loads((root / ".cache" / "state.json").read_text())
    assert set(state) == {"alpha", "beta"}


def test_chapter_shows_its_newest_fact_under_the_title(built):
    """alpha glues latest_fact_date: "Newest fact: <date>" follows its title, with the
    date's sources like any glued number; beta glues none and shows nothing."""
    root, _ = built
    site = root / "_build" / "html" / "book" / "_generated"
    alpha = (site / "alpha.html").read_text(encoding="utf-8")
    m = re.search(r"</h1>\s*<p class=\"br-newest-fact\">Newest fact: <span class=\"br-num\""
                  r"[^>]*data-key=\"alpha::latest_fact_date\"[^>]*>([^<]+)</span>", alpha)
    assert m and m.group(1) == "2 December 2025", alpha[alpha.find("</h1>"):][:400]
    assert "br-newest-fact" not in (site / "beta.html").read_text(encoding="utf-8")


BAD = HERE / "bad_inputs"


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.iterdir() if p.is_dir()))
def test_every_bad_input_stops_the_build_and_keeps_the_site(built, case):
    """`make book` on each file of the bad-input corpus exits non-zero naming the file."""
    root, _ = built
    index = root / "_build" / "html" / "book" / "index.html"
    before = index.read_bytes()
    cap = root / "data" / "capacity.csv"
    good = cap.read_bytes()
    shutil.copyfile(BAD / case / "capacity.csv", cap)
    try:
        out = build(root)
        assert out.returncode == 2, out.stdout + out.stderr
        assert "capacity.csv" in out.stderr
        assert "running" not in out.stdout
        assert index.read_bytes() == before
    finally:
        cap.write_bytes(good)
