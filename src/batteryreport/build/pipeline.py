"""The build: validate, execute notebooks (cached, in parallel), build the book, publish.

1. Parameters and data are validated before anything runs. When nothing a build reads has
   changed since the last successful one (:func:`inputs_key`), it stops there.
2. Each chapter's analysis runs once (a chapter whose inputs are unchanged is not
   analysed again), then each notebook runs under papermill, in a fork of the build's
   notebook runner (:mod:`batteryreport.build.kernels`: a fork of the build, or the
   runner the last build left on standby), with only the parameters it declares; a notebook
   whose source, parameters, data tables and helper code are unchanged is skipped, and
   so is a chapter notebook whose chapter result is one it already ran with
   (:mod:`batteryreport.build.fingerprint`).
3. The book is built with warnings as errors, incrementally, re-reading every page
   that glues from a re-executed notebook (see :mod:`batteryreport.sphinxext`), by Sphinx
   set up ahead of time in a helper process; the PDF briefs are made alongside in another
   (:mod:`batteryreport.build.helpers`). The command starts both before it imports this
   module (:mod:`batteryreport.build.start`).
4. The site, the briefs and the edition are published together and atomically
   (:mod:`batteryreport.publish`), only when every stage succeeded.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batteryreport.build import kernels, site
from batteryreport.build.address import public_url
from batteryreport.build.code import code_hash as package_code_hash
from batteryreport.build.editions import SITE, PendingRecord, begin_record, record_edition
from batteryreport.build.faults import checkpoint
from batteryreport.build.helpers import Helper, HelperError
from batteryreport.build.keys import sha_of, tables_read
from batteryreport.build.notebooks import NotebookSpec, discover
from batteryreport.build.publish import (
    KEEP_RELEASES,
    PendingRelease,
    begin_stage,
    migrate,
    prune,
    prune_orphan_editions,
    published_editions,
    published_site_key,
    stage,
    store,
    switch,
)
from batteryreport.build.start import (
    LAST_BUILD,
    Helpers,
    Layout,
    analysis_inputs,
    data_folder_of,
    draw_charts_ahead,
    helpers,
    site_env,
    site_folders,
    warm_up_charts,
)
from batteryreport.core.errors import InputError, ParamsError, Problem
from batteryreport.data import validate
from batteryreport.data.params import RunParams, load_params


@dataclass
class NotebookResult:
    name: str
    status: str  # "done", "skipped", "failed"
    seconds: float = 0.0
    error: str = ""


@dataclass
class BuildReport:
    results: list[NotebookResult] = field(default_factory=list)
    site: str = ""  # "built", "up to date", "failed", "not built"
    edition: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    ready: list[str] = field(default_factory=list)  # helpers their standbys set up ahead
    seconds: float = 0.0
    briefs: list[Path] = field(default_factory=list)  # as made (staging), before publishing

    @property
    def executed(self) -> list[str]:
        return [r.name for r in self.results if r.status == "done"]

    @property
    def skipped(self) -> list[str]:
        return [r.name for r in self.results if r.status == "skipped"]


@functools.cache
def code_hash() -> str:
    """The package's code (read once per process: it does not change during a build)."""
    return package_code_hash()


def notebook_params(spec: NotebookSpec, params: RunParams) -> dict[str, Any]:
    values = params.for_papermill()
    unknown = [p for p in spec.parameters if p not in values]
    if unknown:
        raise ParamsError([Problem(
            str(spec.source), "parameters-cell",
            f"the parameters cell defines {unknown}, which are not run parameters "
            "(add them to RunParams in params.py and to params/default.yml)")])
    chosen = {k: values[k] for k in spec.parameters}
    return {"run": chosen} if spec.takes_run else chosen


def _notebook_parts(spec: NotebookSpec, params: RunParams, data_folder: Path,
                    code: str) -> list[bytes]:
    """What any notebook's output depends on besides its data: its source, its
    parameters, the code and the data folder's place."""
    return [spec.source.read_bytes(),
            json.dumps(notebook_params(spec, params), sort_keys=True).encode(),
            code.encode(), str(data_folder).encode()]


def cache_key(spec: NotebookSpec, params: RunParams, data_folder: Path, code: str) -> str:
    return sha_of(_notebook_parts(spec, params, data_folder, code)
                + tables_read(spec.tables, data_folder))


def result_key(spec: NotebookSpec, params: RunParams, data_folder: Path, code: str,
               digest: str) -> str:
    """What a chapter notebook's output depends on: its source and parameters, the code,
    its chapter's result (``digest``: its fingerprint), and the source register it cites
    and the descriptor it takes labels from. Its tables reach it only through the result
    (the page layer reads no other table: tests/unit/present/test_page_reads.py)."""
    return sha_of(_notebook_parts(spec, params, data_folder, code) + [digest.encode()]
                + tables_read(["sources"], data_folder))


def _analyse(names: list[str], todo: list[tuple[NotebookSpec, str]], params: RunParams,
             data_folder: Path, results_dir: Path, results: dict[str, NotebookResult],
             code: str, runner: kernels.Runner | None = None
             ) -> tuple[list[tuple[NotebookSpec, str]], dict[str, str]]:
    """Compute the due chapters' results once (dependencies first) and store them for the
    notebooks; a chapter whose inputs are unchanged since the last build is not computed
    again. On an error the chapter notebooks fail, naming the chapter; the rest go on.
    Returns the notebooks still to run, and each chapter result's fingerprint."""
    start = time.perf_counter()
    args = (params, data_folder, names, results_dir, code)
    if runner is not None and runner.kept:
        # Set up ahead, the runner has imported pandas and the chapters: it analyses (in a
        # fork of itself) while this process imports what it needs after the notebooks,
        # in a thread: the analysis, warm, is done first (0.2 s against 0.35 s), and the
        # notebooks are sent as soon as it is. (The runner is forked or taken already: no
        # fork of this process sees the thread.)
        runner.send_call(kernels.analyse, *args)
        threading.Thread(target=importlib.import_module, args=("batteryreport.build.pages",),
                         name="import-pages").start()  # (pandas with it)

        try:
            digests, reused = runner.call_result()
        except RuntimeError:  # the runner died: analysed here (its notebooks will fail)
            digests, reused = kernels.analyse(*args)
    else:
        digests, reused = kernels.analyse(*args)
    if isinstance(digests, str):
        for spec, _ in todo:
            if spec.chapter:
                results[spec.name] = NotebookResult(spec.name, "failed", 0.0, digests)
                _say(f"  FAILED   {spec.name}: {digests}")
        return [(s, k) for s, k in todo if not s.chapter], {}
    # The chapters the runner computed as the build began, whose results this analysis
    # found stored under its own keys (so computed from the same inputs).
    ahead = {n for kind, done in getattr(runner, "ahead", ()) if kind == "analysed ahead"
             for n in done} & set(reused)
    began = sorted(ahead & set(names))
    unchanged = [n for n in reused if n not in ahead]
    notes = ([f"{', '.join(began)} as the build began"] if began else []) + (
        [f"{', '.join(unchanged)} unchanged"] if unchanged else [])
    kept = f" ({'; '.join(notes)})" if notes else ""
    _say(f"  analysed {', '.join(names)} in {time.perf_counter() - start:.1f} s{kept}")
    return todo, digests


def _copy_if_changed(src: Path, dest: Path) -> None:
    """An executed notebook whose file is unchanged is left alone, so Sphinx does not
    re-read the pages that glue from it."""
    data = src.read_bytes()
    if not dest.exists() or dest.read_bytes() != data:
        dest.write_bytes(data)


def _say(msg: str) -> None:
    print(msg, flush=True)


def _record_notebook(layout: Layout, task: kernels.Task, seconds: float, error: str,
                     keys: dict[str, str], results: dict[str, NotebookResult],
                     state: dict[str, str]) -> None:
    spec, key = task.spec, keys[task.spec.name]
    if error:
        results[spec.name] = NotebookResult(spec.name, "failed", seconds, error)
        _say(f"  FAILED   {spec.name} after {seconds:.1f} s\n"
             f"           notebook {spec.source.relative_to(layout.root)}, {error}")
    else:
        _copy_if_changed(task.output, layout.generated / f"{spec.name}.ipynb")
        _keep_as(task.output, key)
        state[spec.name] = key
        results[spec.name] = NotebookResult(spec.name, "done", seconds)
        _say(f"  done     {spec.name} in {seconds:.1f} s")


def _restore(cached: Path, layout: Layout, spec: NotebookSpec, key: str,
             state: dict[str, str], results: dict[str, NotebookResult], why: str) -> None:
    """A notebook's executed copy, kept from an earlier run, used instead of running it."""
    _copy_if_changed(cached, layout.generated / f"{spec.name}.ipynb")
    state[spec.name] = key
    results[spec.name] = NotebookResult(spec.name, "skipped")
    _say(f"  skipped  {spec.name} ({why})")


def _keep_as(executed: Path, key: str) -> None:
    """Keep a chapter notebook's executed copy (named by its result) under its inputs' key
    too, so that these inputs again (another scenario, then back) restore it before any
    analysis."""
    also = executed.with_name(f"{key}.ipynb")
    if also != executed and not also.exists():
        # A second name for the same file (kept copies are replaced, never written in
        # place: kernels.execute).
        tmp = also.with_name(f".{also.name}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(executed, tmp)
        except OSError:
            shutil.copyfile(executed, tmp)
        os.replace(tmp, also)


def _remove_stale_notebooks(generated: Path, names: set[str]) -> None:
    """An executed notebook whose source is gone (renamed, removed, another branch) would
    be a page outside the table of contents, which the strict build refuses."""
    for path in generated.glob("*.ipynb"):
        if path.stem not in names:
            _say(f"  removed  {path.relative_to(generated.parent.parent)} (its notebook is gone)")
            path.unlink()


def run_notebooks(layout: Layout, params: RunParams, data_folder: Path, jobs: int,
                  only: list[str] | None = None,
                  before_running: Callable[[], None] | None = None,
                  runner: kernels.Runner | None = None) -> list[NotebookResult]:
    """Run the notebooks whose inputs changed, in the forks of ``runner`` (the command
    forked it as it began, or will take the standby it found), or of a
    :class:`kernels.Runner` started here before their chapters are analysed;
    ``before_running`` is called when some notebook is about to run (its figures may have
    changed). A given runner is closed when no notebook runs."""
    with contextlib.ExitStack() as stack:  # the notebooks' runner, once one is started
        return _run_notebooks(layout, params, data_folder, jobs, only, before_running, stack,
                              runner)


def _run_notebooks(layout: Layout, params: RunParams, data_folder: Path, jobs: int,
                   only: list[str] | None, before_running: Callable[[], None] | None,
                   stack: contextlib.ExitStack,
                   runner: kernels.Runner | None) -> list[NotebookResult]:
    specs = discover(layout.notebooks)
    layout.generated.mkdir(parents=True, exist_ok=True)
    _remove_stale_notebooks(layout.generated, {s.name for s in specs})
    if only:
        specs = [s for s in specs if s.name in only]
    store = layout.cache / "executed"
    store.mkdir(parents=True, exist_ok=True)
    state_file = layout.cache / "state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    code = code_hash()

    results: dict[str, NotebookResult] = {}
    todo: list[tuple[NotebookSpec, str]] = []
    for spec in specs:
        key = cache_key(spec, params, data_folder, code)
        target = layout.generated / f"{spec.name}.ipynb"
        cached = store / f"{key}.ipynb"
        if state.get(spec.name) == key and target.exists():
            results[spec.name] = NotebookResult(spec.name, "skipped")
            _say(f"  skipped  {spec.name} (inputs unchanged)")
        elif cached.exists():  # executed before with exactly these inputs (another scenario)
            _restore(cached, layout, spec, key, state, results, "restored from cache")
        else:
            todo.append((spec, key))

    results_dir = layout.work / "results"
    chapters_due = sorted({s.chapter for s, _ in todo if s.chapter})
    if not todo:
        if runner is not None:
            runner.close()  # no notebook to run: its set-up stops now
        state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
        return [results[s.name] for s in specs]
    if runner is None:  # it imports what the notebooks need while their chapters are analysed
        runner = stack.enter_context(kernels.Runner())
    kept_as = {spec.name: key for spec, key in todo}  # the executed copy's name in store
    if chapters_due:
        # A runner on standby is taken now: it analyses the chapters (build/kernels.py).
        runner.start()
        todo, digests = _analyse(chapters_due, todo, params, data_folder, results_dir,
                                 results, code, runner)
        # A chapter notebook shows its chapter's result (and cites the source register),
        # nothing else: when the result is the same as one it was run with before (a
        # note edited, a row that changes no number), its executed copy is reused.
        due = []
        for spec, key in todo:
            if spec.chapter in digests:
                kept_as[spec.name] = result_key(spec, params, data_folder, code,
                                                digests[spec.chapter])
                cached = store / f"{kept_as[spec.name]}.ipynb"
                if cached.exists():
                    _keep_as(cached, key)
                    _restore(cached, layout, spec, key, state, results,
                             "its chapter's result is unchanged")
                    continue
            due.append((spec, key))
        todo = due
    shown = _figures_folder(layout) if todo else None
    tasks = [kernels.Task(spec, notebook_params(spec, params),
                          store / f"{kept_as[spec.name]}.ipynb", figures=shown)
             for spec, key in todo]
    keys = {spec.name: key for spec, key in todo}
    if not tasks:
        runner.close()  # every result as before: no notebook runs (a standby still waits)
    else:
        # Its standby taken, or forked: before this process starts a thread of its own.
        runner.start()
        if before_running is not None:
            before_running()
        for task in tasks:
            _say(f"  running  {task.spec.name}")
        finished = contextlib.closing(runner.run(
            tasks, jobs, kernels.notebook_env(data_folder, results_dir), layout.generated,
            layout.work / "logs"))  # closed even if this loop stops: no notebook runs on
        with finished as results_of:  # (nor its process)
            for task, seconds, error in results_of:
                _record_notebook(layout, task, seconds, error, keys, results, state)
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
    return [results[s.name] for s in specs]


def _figures_folder(layout: Layout) -> Path | None:
    """``layout.figures``, emptied of an earlier build's charts; None (the charts are not
    written: the briefs draw them all themselves) if it cannot be."""
    shutil.rmtree(layout.figures, ignore_errors=True)
    try:
        layout.figures.mkdir(parents=True)
    except OSError:
        return None
    return layout.figures


# Static files the build writes into book/_static (from the package and its pinned
# requirements): outputs, not inputs.
GENERATED_STATIC = ("vega-bundle.js", "br-icons.css")


def _book_sources(root: Path) -> list[Path]:
    """The book's own files: the configuration, the table of contents and book/, less
    what the build writes into it."""
    return [root / "_config.yml", root / "_toc.yml"] + sorted(
        p for p in (root / "book").rglob("*") if p.is_file()
        and "_generated" not in p.parts and p.name not in GENERATED_STATIC)


def site_key(layout: Layout, params: RunParams) -> str:
    files = _book_sources(layout.root)
    files += sorted(p for p in layout.generated.rglob("*") if p.is_file())
    settings = json.dumps(params.for_papermill(), sort_keys=True).encode()
    return sha_of([str(p.relative_to(layout.root)).encode() + p.read_bytes() for p in files]
                + [code_hash().encode(), settings, str(public_url(layout.root)).encode()])


def brief_site_name(path: Path, scenario: str) -> str:
    """The fixed name a brief has on the site (``pli_delays.pdf`` for every scenario)."""
    suffix = "" if scenario == "default" else f"-{scenario}"
    return path.name[: -len(suffix) - 4] + ".pdf" if suffix else path.name


def copy_briefs_into_site(layout: Layout, briefs: list[Path], scenario: str) -> None:
    """Put the briefs where the pages' ``{brief}`` links point, and check that every brief
    a page links was made (a missing one stops the build, naming the page)."""
    from batteryreport.build.address import BRIEFS_DIR, BRIEFS_LINKED

    folder = layout.work / "html" / BRIEFS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    made = {brief_site_name(p, scenario): p for p in briefs}
    for name in {p.name for p in folder.glob("*.pdf")} - set(made):
        (folder / name).unlink()
    for name, path in made.items():
        _copy_if_changed(path, folder / name)
    linked_file = layout.work / ".doctrees" / BRIEFS_LINKED
    linked = json.loads(linked_file.read_text(encoding="utf-8")) if linked_file.exists() else {}
    missing = [Problem(f"{doc}.md", "brief-linked",
                       f"{doc} links the brief '{name}', which the build did not make "
                       "(a notebook makes a brief when its front matter declares one)")
               for doc, names in sorted(linked.items()) for name in names
               if f"{name}.pdf" not in made]
    if missing:
        raise InputError(missing, "brief links")


def plan_book(layout: Layout, params: RunParams, data_folder: Path) -> tuple[Any, ...]:
    """The static files every page loads, and the edition this build will publish
    (its manifest, the edition it follows, the editions published before)."""
    from batteryreport.build.editions import plan_edition
    from batteryreport.build.icons import write_icons
    from batteryreport.present.bundle import write_bundle

    write_bundle(layout.static)
    write_icons(layout.static)
    # Briefs are no longer copied into the book's sources (see copy_briefs_into_site).
    shutil.rmtree(layout.generated / "briefs", ignore_errors=True)
    published = published_editions(layout.build)
    manifest, base = plan_edition(store(layout.build), layout.root, params, data_folder,
                                  layout.generated, published=published)
    return manifest, base, published


def _write_data_pages(generated: Path, data_folder: Path) -> None:
    from batteryreport.build.pages import write_data_pages

    write_data_pages(generated, data_folder)


def write_book_pages(layout: Layout, params: RunParams, data_folder: Path,
                     manifest: dict[str, Any], base: Any, published: list,
                     data_pages: bool = True) -> None:
    """The generated, non-notebook pages (before Sphinx runs): data and sources (unless
    ``data_pages`` is False: written while the notebooks ran), the edition's dataset zip
    and pages, the citation."""
    from batteryreport.build.editions import list_editions
    from batteryreport.build.pages import (
        CITATION_FILE,
        remove_stale_pages,
        write_citation,
        write_edition_pages,
        write_generated_pages,
    )
    from batteryreport.present.glue import read_all_glued

    remove_stale_pages(layout.generated)
    write_generated_pages(layout.generated, params, data_folder, manifest, data_pages)
    write_edition_pages(layout.generated, manifest, base, read_all_glued(layout.generated),
                        data_folder, list_editions(store(layout.build), published),
                        layout.cache / "edition-summaries")
    write_citation(layout.generated, layout.root / CITATION_FILE, manifest)


def prepare_book_inputs(layout: Layout, params: RunParams, data_folder: Path) -> dict[str, Any]:
    """Everything Sphinx needs besides the executed notebooks; returns the edition's
    manifest."""
    manifest, base, published = plan_book(layout, params, data_folder)
    write_book_pages(layout, params, data_folder, manifest, base, published)
    return manifest


def dataset_file(layout: Layout, manifest: dict[str, Any]) -> Path:
    """The edition's whole-dataset zip, as :func:`write_generated_pages` wrote it."""
    from batteryreport.build.dataset import dataset_name

    return layout.generated / "data" / dataset_name(manifest)


def build(params_path: str | None = None, data: str | None = None, jobs: int = 2,
          layout: Layout | None = None, only: list[str] | None = None,
          started: Helpers | None = None) -> BuildReport:
    """Build the book and the briefs. ``started``: the helper processes, when the command
    started them before importing the pipeline (:mod:`batteryreport.build.start`); the
    caller then holds the build lock and stops them."""
    layout = layout or Layout()
    report = BuildReport()
    start = time.perf_counter()
    data_folder = data_folder_of(layout, data)
    _say(f"batteryreport build: data {data_folder}, params {params_path or 'defaults'}")
    params = load_params(params_path, defaults=layout.root / "params" / "default.yml")
    tables = validate(data_folder)
    if params.as_of is not None:  # (a date the data must reach: read with pandas)
        from batteryreport.chapters.common import check_run

        check_run(params.as_of, data_folder, params_path or "params/default.yml")
    public_url(layout.root)  # a bad public address stops the build here, not at publishing
    migrate(layout.build)  # edition records of the layout before releases
    prune_orphan_editions(layout.build)  # left by a build stopped before it published
    _say(f"  valid    parameters (scenario '{params.scenario}') and {len(tables)} data tables")
    report.stages["validate"] = time.perf_counter() - start
    inputs = inputs_key(layout, params, data_folder)
    # (what the chapters' analyses read, as the command's start hashes it: recorded for
    # the next build's start.analyse_as_begun)
    analysed = analysis_inputs(layout, data_folder, params_path, code_hash())
    runner = started.notebooks if started is not None else None
    if only is None and _up_to_date(layout, inputs, report, analysed):
        if runner is not None:
            runner.close()  # no notebook to run: its set-up stops now
        report.seconds = time.perf_counter() - start
        return report
    # The briefs (Typst, vl-convert) are made in a process of their own, from the executed
    # notebooks and the edition's manifest, while Sphinx builds the site in another: the
    # two share nothing else. Both are set up while the notebooks run (build/helpers.py).
    with contextlib.ExitStack() as stack:
        if started is None:
            started = stack.enter_context(helpers(layout, data_folder))
        report = _build_validated(layout, params, data_folder, jobs, only, report, start,
                                  started.briefs, started.site, runner)
    if report.site in ("built", "up to date") and only is None:
        _record_inputs(layout, inputs, report, analysed)
    return report


def inputs_key(layout: Layout, params: RunParams, data_folder: Path) -> str:
    """Everything a build reads, hashed before it starts: the package's code and the
    pinned requirements, the parameters, every file of the data folder, the notebooks'
    sources and the book's own files (not the ones the build writes into it)."""
    root = layout.root
    files = _book_sources(root)
    files += [root / name for name in ("CITATION.cff", "requirements.txt", "pyproject.toml")]
    files += sorted(p for p in layout.notebooks.rglob("*") if p.is_file())
    files += sorted(p for p in data_folder.rglob("*") if p.is_file())
    parts = [code_hash().encode(), str(data_folder).encode(),
             json.dumps(params.for_papermill(), sort_keys=True).encode(),
             str(public_url(root)).encode()]  # it may come from the environment
    parts += [str(p).encode() + b"\0" + (p.read_bytes() if p.exists() else b"\0missing")
              for p in files]
    return sha_of(parts)


def _up_to_date(layout: Layout, inputs: str, report: BuildReport, analysed: str = "") -> bool:
    """Nothing changed since the last successful build, whose site is still the one
    published: say so and do nothing (no notebook, page or brief is even looked at).
    ``analysed`` (see :func:`_record_inputs`) is recorded if it changed: a comment added
    to a parameters' file changes what the command's start hashes, not the build."""
    path = layout.cache / LAST_BUILD
    try:
        last = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if last.get("inputs") != inputs or last.get("site_key") != published_site_key(layout.build):
        return False
    if analysed and last.get("analysis_inputs") != analysed:
        _write_record(layout, {**last, "analysis_inputs": analysed})
    for name in last.get("notebooks", []):
        report.results.append(NotebookResult(name, "skipped"))
        _say(f"  skipped  {name} (nothing changed since the last build)")
    report.site, report.edition = "up to date", last.get("edition", "")
    report.briefs = [layout.build / "briefs" / name for name in last.get("briefs", [])]
    return True


def _record_inputs(layout: Layout, inputs: str, report: BuildReport,
                   analysed: str = "") -> None:
    """What the last successful build was made from (see :func:`inputs_key`), and what its
    chapters' analyses read (``analysed``: see :func:`start.analyse_as_begun`)."""
    _write_record(layout, {"inputs": inputs, "analysis_inputs": analysed,
                           "site_key": published_site_key(layout.build),
                           "notebooks": [r.name for r in report.results],
                           "edition": report.edition,
                           "briefs": [p.name for p in report.briefs]})


def _write_record(layout: Layout, record: dict[str, Any]) -> None:
    layout.cache.mkdir(parents=True, exist_ok=True)
    tmp = layout.cache / f".{LAST_BUILD}.tmp"
    tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(tmp, layout.cache / LAST_BUILD)


def _begin_publishing(layout: Layout, manifest: dict[str, Any], data_folder: Path,
                      pruned: bool) -> tuple[PendingRecord, PendingRelease] | None:
    """Prune old releases and unlisted records (keeping room for the release this build
    adds), unless ``pruned`` while the notebooks ran; then, for a new edition, write its
    record and stage its release, all but the briefs and the site's briefs' folder: the
    build finishes both once the briefs are made. None when the edition has a record
    already (it is then published as before)."""
    from batteryreport.build.address import BRIEFS_DIR

    if not pruned:
        prune(layout.build, keep=KEEP_RELEASES - 1)
    if (store(layout.build) / manifest["edition_id"]).exists():
        return None
    html = layout.work / "html"
    record = begin_record(store(layout.build), manifest, data_folder, layout.generated,
                          site=html, dataset=dataset_file(layout, manifest),
                          later=BRIEFS_DIR)
    try:
        release = begin_stage(layout.build, record.tmp / SITE, linked=True, later=BRIEFS_DIR)
    except BaseException:
        record.abandon()
        raise
    return record, release


def _build_validated(layout: Layout, params: RunParams, data_folder: Path, jobs: int,
                     only: list[str] | None, report: BuildReport, start: float,
                     briefs: Helper, sphinx: Helper,
                     runner: kernels.Runner | None = None) -> BuildReport:
    t = time.perf_counter()
    early = ThreadPoolExecutor(max_workers=1, thread_name_prefix="data-pages")
    data_pages_written: list[Future] = []  # while the notebooks run, if some run
    pruned: list[Future] = []

    def before_running() -> None:
        # A notebook that runs may draw its charts differently: the briefs' process starts
        # its chart renderer (vl-convert: about 0.4 s) while the notebooks run, not when
        # asked for the briefs. When no notebook runs, every chart is as drawn before.
        briefs.post(warm_up_charts)
        # And it draws each chart the notebooks show, as they show it, at the heights the
        # last build's briefs asked for (the drawings are kept by spec and height: one the
        # briefs do not ask for is not used).
        briefs.post(draw_charts_ahead, layout)
        # The data pages are made from the data alone: written while this process waits
        # for the notebooks (their processes run them), not after.
        data_pages_written.append(early.submit(_write_data_pages, layout.generated,
                                               data_folder))
        # And the old releases are pruned then (keeping room for the one this build adds).
        pruned.append(early.submit(prune, layout.build, keep=KEEP_RELEASES - 1))

    try:
        report.results = run_notebooks(layout, params, data_folder, jobs, only,
                                       before_running=before_running, runner=runner)
    finally:
        early.shutdown(wait=True)
    report.stages["notebooks"] = time.perf_counter() - t
    checkpoint("notebooks")
    failed = [r for r in report.results if r.status == "failed"]
    if failed:
        report.site = "not built"
        report.seconds = time.perf_counter() - start
        return report

    os.environ.update(site_env(data_folder))
    t = time.perf_counter()
    manifest, base, published = plan_book(layout, params, data_folder)
    site_error: Exception | None = None
    briefs_error: Exception | None = None
    from batteryreport.build.briefs import make_briefs

    briefs.submit(make_briefs, layout, params, data_folder, manifest)
    for written in data_pages_written + pruned:
        written.result()  # (its error, if any, is the build's)
    write_book_pages(layout, params, data_folder, manifest, base, published,
                     data_pages=not data_pages_written)
    report.stages["pages"] = time.perf_counter() - t
    t = time.perf_counter()
    key = site_key(layout, params)
    site_due = published_site_key(layout.build) != key
    if site_due:
        try:
            sphinx.run(site.build, *site_folders(layout), site_env(data_folder))
        except Exception as exc:
            site_error = exc
    # While the briefs are still being made (the longer branch when a chart changed), the
    # publishing that does not need them is done: old releases pruned, the site frozen
    # into the edition's record and staged as a release, all but the briefs' folder.
    pending = _begin_publishing(layout, manifest, data_folder, pruned=bool(pruned)) \
        if site_due and site_error is None else None
    try:
        try:
            report.briefs, briefs_seconds, drawn_ahead = briefs.result()
        except (InputError, HelperError) as exc:  # a brief's own problem, or its process died
            briefs_error = exc
        if site_error is None and briefs_error is None and site_due:
            try:
                copy_briefs_into_site(layout, report.briefs, params.scenario)
            except InputError as exc:
                briefs_error = exc
        if site_error is not None:
            # A failed incremental build may leave the work folder inconsistent.
            shutil.rmtree(layout.work, ignore_errors=True)
            traceback.print_exception(site_error, limit=1)
        if briefs_error is not None:
            print(f"error: {briefs_error}", file=sys.stderr)
        if site_error is not None or briefs_error is not None:
            for part in pending or ():
                part.abandon()
            report.site = "failed"
            report.seconds = time.perf_counter() - start
            return report
        report.ready = [h.name for h in (runner, sphinx, briefs) if getattr(h, "kept", False)]
        if report.briefs:
            _say(f"  briefs   {len(report.briefs)} PDF(s) made" + (
                f" ({drawn_ahead} chart drawing(s) made while the notebooks ran)"
                if drawn_ahead else ""))
        checkpoint("briefs")
        if not site_due:
            report.site = "up to date"
        else:
            # Finish the edition's record and the release, then publish all three at once.
            checkpoint("site")
            if pending is not None:
                record_part, release_part = pending
                record = record_part.finish(report.briefs)
                checkpoint("edition")
                release = release_part.finish(report.briefs, manifest, key,
                                              later_from=record / SITE)
            else:
                unfrozen = not (store(layout.build) / manifest["edition_id"] / SITE).is_dir()
                record = record_edition(store(layout.build), manifest, data_folder,
                                        layout.generated, site=layout.work / "html",
                                        briefs=report.briefs,
                                        dataset=dataset_file(layout, manifest))
                checkpoint("edition")
                # (linked to the record's site when this build froze it just now)
                release = stage(layout.build, layout.work / "html", report.briefs, manifest, key,
                                frozen=record if unfrozen else None)
            checkpoint("staged")
            switch(layout.build, release)
            checkpoint("switched")
            report.site = "built"
    except BaseException:  # (an error not a brief's, an interrupt): no half-written
        for part in pending or ():  # record or release is left (a finished one is kept)
            part.abandon()
        raise
    report.stages["site"] = time.perf_counter() - t
    report.stages["briefs"] = briefs_seconds  # alongside the site, in a process of its own
    report.edition = manifest["edition_id"]
    report.seconds = time.perf_counter() - start
    return report


def summarize(report: BuildReport, layout: Layout) -> str:
    n_done, n_skip = len(report.executed), len(report.skipped)
    n_fail = sum(r.status == "failed" for r in report.results)
    line = (f"{n_done} notebook(s) executed, {n_skip} skipped, {n_fail} failed; "
            f"site {report.site} in {report.seconds:.1f} s"
            + (f" (edition {report.edition})" if report.edition else ""))
    if report.stages:
        line += "\n  time: " + ", ".join(
            f"{k} {v:.1f} s" + (" (alongside the site)" if k == "briefs" else "")
            for k, v in report.stages.items())
        if report.ready:
            line += f"; set up ahead by the last build: {', '.join(report.ready)}"
    if report.site in ("built", "up to date"):
        line += (f"\nOpen {layout.html / 'index.html'}  (or run: make publish, then "
                 "make serve)")
    elif report.site in ("failed", "not built"):
        line += "\nThe last good site, briefs and edition were left in place."
    return line


def exit_code(report: BuildReport) -> int:
    return 0 if report.site in ("built", "up to date") else 1


def main_publish(args: Any, layout: Layout, started: Helpers | None) -> int:
    """``make publish``: build (as ``make book``), then write ``_build/public``. The caller
    holds the build lock and has started the helpers (:func:`batteryreport.build.start.begun`;
    None when the data failed validation)."""
    from batteryreport.build.public import assemble

    try:
        report = build(args.params, args.data, args.jobs, layout, started=started)
        print(summarize(report, layout))
        if exit_code(report) != 0:
            print("Nothing was published; the last good _build/public was left in place.",
                  file=sys.stderr)
            return exit_code(report)
        public = assemble(layout.build, layout.root)
    except InputError as exc:
        print(f"error: {exc}\nThe last good site, briefs and _build/public were left in place.",
              file=sys.stderr)
        return 2
    print(f"published {public.folder}: edition {public.latest} at the top ({public.root_from}), "
          f"editions {', '.join(map(str, public.editions))} at editions/<number>/, "
          f"{public.pages} pages, links checked, in {public.seconds:.1f} s")
    if public.address:
        print(f"  address  {public.address} (canonical links, sitemap.xml, robots.txt)")
    else:
        print("  address  none set (public_url in _config.yml): relative links only, "
              "no canonical links or sitemap")
    if public.without_site:
        print("  note     recorded before sites were kept, so not online: "
              + ", ".join(public.without_site))
    if public.frozen_broken:
        print(f"  warning  {len(public.frozen_broken)} broken link(s) in past editions, "
              "published as they were first built (an edition is never rewritten):\n    "
              + "\n    ".join(public.frozen_broken[:10]))
    from batteryreport.build.address import PUBLIC_SCENARIO
    from batteryreport.build.publish import current_release

    if (current_release(layout.build) or {}).get("scenario") != PUBLIC_SCENARIO:
        print("  note     this build was a scenario run: scenarios are never published; the "
              "public folder shows the default scenario's editions")
    print("Serve it as a static host would: make serve")
    return 0


def main_build(args: Any, layout: Layout, started: Helpers | None,
               list_briefs: bool = False) -> int:
    """``make book`` (and ``make briefs``, which lists them). The caller holds the build
    lock and has started the helpers (:func:`batteryreport.build.start.begun`; None when
    the data failed validation)."""
    try:
        report = build(args.params, args.data, args.jobs, layout, getattr(args, "only", None),
                       started)
    except InputError as exc:
        print(f"error: {exc}\nNothing was executed; the last good site and briefs were left "
              "in place.", file=sys.stderr)
        return 2
    print(summarize(report, layout))
    if list_briefs and exit_code(report) == 0:
        folder = layout.build / "briefs"
        names = [p.name for p in report.briefs]
        for name in names:
            print(f"  brief    {folder / name}")
        if not names:
            print("No notebook declares a brief (batteryreport.brief in its front matter).")
    return exit_code(report)
