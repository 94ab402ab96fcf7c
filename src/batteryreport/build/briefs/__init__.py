"""PDF briefs: one two-page brief per chapter and a one-page summary, typeset with Typst.

The briefs show only what the executed notebooks glued (:func:`glue.read_glued`) and the
charts they displayed (:func:`glue.read_figures`), so every number is the same string the
website shows. Nothing is recomputed or reformatted here.

What goes into a brief is declared in the chapter notebook's front matter, under
``batteryreport.brief``. A notebook without ``brief`` gets no brief::

    batteryreport:
      tables: [pli_awards, capacity]
      brief:
        title: "PLI-ACC: promised against built"            # required
        key_numbers: [awarded_gwh, installed_gwh, share_achieved]   # required, 3 to 5
        figures: [pli_promised_vs_built]                     # required, 1 or 2
        recommendations: [recommendations::rec_pli]          # optional glued text values
        lede: pli_lede                                       # optional glued text, one sentence
        details: [penalty_rate, fx_used]                     # optional, up to 8 more values
        summary_numbers: 1                                   # optional, 1 or 2 (default 1)

and one notebook (the recommendations') may say what the summary carries::

    batteryreport:
      summary:
        recommendations: ["rec_*"]               # every glued rec_* value, in glued order
        figure: pli_delays::pli_promised_built   # the summary's chart

References:

- ``key_numbers``, ``details``, ``recommendations`` and ``lede`` name glued values: ``key``
  (glued by this notebook) or ``notebook::key`` (glued by another one). A key number is shown
  large with its glued ``label``; all of them and the ``details`` are listed again in the
  brief's table with their sources.
- ``figures`` name report charts (``charts.figure(name=...)``) displayed by this notebook,
  or ``notebook::name``. They are exported as vector graphics with vl-convert, in the same
  typeface as the text.
- A recommendation is a glued text value. Its text may hold ``**bold**``, ``*italic*`` and
  ``[links](https://...)``; lines starting with ``- `` or ``1. `` become separate items. A
  glued ``label`` other than the key is printed as the item's bold lead-in.
- The sources listed are the union of the ``sources`` of the glued values shown, resolved
  through the data package's source register (``data/sources.csv``), with their URLs.

Every page carries, for a reader, the report's title, the edition (number and build date,
from the edition manifest that :func:`editions.plan_edition` gives the site for the same
inputs), the as-of date (the glued ``as_of`` of the notebook, else ``pli_delays::as_of``,
else the manifest's), "Page x of y", the website's address when ``public_url`` is set
(:func:`content.online_address`) and, for a run other than ``default``, the scenario name.
No file names or internal edition ids.

The summary (``summary.pdf``) takes each brief's first ``summary_numbers`` key numbers, in
notebook order, every recommendation its declaration names (else the briefs'), each with
its lead-in label, and one chart, on one page.

Type sizes are fixed: every brief's title, lede and body are set in the same sizes. A brief
fits two pages (the summary one): when content runs long it is cut step by step
(:data:`typeset.BRIEF_CUTS`, :data:`typeset.SUMMARY_CUTS`: smaller charts, fewer detail
rows, a shorter sources list ending "and N more sources on the website", recommendations
cut to their leading whole sentences), never shrunk, and a brief that does not fit with the
least content is an error naming it. The charts on the last page then grow into the room
left at its end. Layout is in ``templates/*.typ``.

Charts are the notebooks' Vega-Lite specs drawn as SVG by vl-convert in Source Sans Pro
(the PyPI package ``font-source-sans-pro``, OFL), the typeface of the text, with the
site's chart text scaled to print size; Typst embeds the font. Each PDF is checked for
embedded fonts and for any fallback font. A PDF's inputs are hashed into its metadata, so
an unchanged brief is not made again, and equal inputs give byte-identical files.

Files are ``<notebook>.pdf`` and ``summary.pdf`` (``<notebook>-<scenario>.pdf`` and
``summary-<scenario>.pdf`` for a scenario other than ``default``). They are written to a
temporary folder and moved into place only when every brief compiled, so a failure leaves
the earlier briefs as they were.

The build (:mod:`batteryreport.pipeline`) makes the briefs into a staging folder and
publishes them together with the site and the edition; ``python -m batteryreport briefs``
(``make briefs``) runs the same build and lists the briefs in ``_build/briefs/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from batteryreport.build.briefs import ahead
from batteryreport.build.briefs.charts import (
    FONT_FAMILY,
    FONT_STACK,
    font_dirs,
    print_spec,
    prune_chart_cache,
)
from batteryreport.build.briefs.content import (
    _brief_job,
    _common,
    _summary_job,
    first_sentences,
    label_of,
    number_parts,
    recommendation_items,
    segments,
    sentences,
    short_lead,
)
from batteryreport.build.briefs.spec import (
    BriefError,
    BriefSpec,
    SummarySpec,
    brief_specs,
    declared,
    parse_brief,
    parse_summary,
)
from batteryreport.build.briefs.typeset import (
    BRIEF_CUTS,
    SUMMARY_CUTS,
    TEMPLATES,
    ChartCache,
    Cut,
    LayoutMemory,
    _compile,
    check_fonts,
    inputs_key,
    output_name,
    pdf_fonts,
    pdf_inputs_key,
    pdf_pages,
    render_charts,
)
from batteryreport.core.errors import Problem

__all__ = ["BRIEF_CUTS", "FONT_FAMILY", "FONT_STACK", "SUMMARY_CUTS", "BriefError",
           "BriefSpec", "Cut", "SummarySpec", "brief_specs", "build_briefs", "check_fonts",
           "declared", "first_sentences", "font_dirs", "label_of", "make_briefs",
           "number_parts",
           "output_name", "parse_brief", "parse_summary", "pdf_fonts", "pdf_pages",
           "print_spec", "recommendation_items", "segments", "sentences", "short_lead"]


def make_briefs(layout: Any, params: Any, data_folder: Path,
                manifest: dict[str, Any]) -> tuple[list[Path], float, int]:
    """Build the PDF briefs from the executed notebooks into the staging folder
    ``_build/.work/briefs`` (named for the scenario): the briefs' process's job, while
    Sphinx builds the site in another. Returns the briefs, the seconds taken and how many
    chart drawings were made ahead, while the notebooks ran (:mod:`.ahead`). Nothing is
    published here: the release (:mod:`batteryreport.build.publish`) takes them with the
    site."""
    start = time.perf_counter()
    # Drawing ahead stops first: it would hold the interpreter's lock while the briefs
    # draw and set. What it drew is kept, and the layout search finds it.
    drawn_ahead = ahead.stop()
    paths = build_briefs(layout, params, data_folder, layout.work / "briefs", manifest)
    return paths, time.perf_counter() - start, drawn_ahead


def build_briefs(layout: Any, params: Any, data_folder: Path, out_dir: Path,
                 manifest: dict[str, Any]) -> list[Path]:
    """Write one PDF brief per notebook that declares one, and the summary, into ``out_dir``.

    Reads the executed notebooks in ``layout.generated`` (run them first). Every PDF is
    compiled into a temporary folder and moved into ``out_dir`` only when all compiled;
    on any error (:class:`BriefError`) ``out_dir`` is left as it was.
    Returns the paths written, briefs in notebook order, then the summary.
    """
    from batteryreport.data import sources
    from batteryreport.present.glue import read_all_glued, read_figures

    specs, summary_spec = declared(layout.notebooks)
    if not specs:
        return []
    data_folder = Path(data_folder).resolve()
    glued = read_all_glued(layout.generated)
    figures = {p.stem: read_figures(p) for p in sorted(Path(layout.generated).glob("*.ipynb"))}
    register = sources(data_folder)
    common = _common(layout, params, manifest)
    problems: list[Problem] = []
    jobs, summaries = [], []
    for b in specs:
        job, summary = _brief_job(b, glued, figures, register, common, problems)
        jobs.append(job)
        summaries.append(summary)
    jobs.append(_summary_job(summaries, summary_spec, glued, figures, register, common,
                             problems))
    if problems:
        raise BriefError(problems)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".briefs-", dir=out_dir))
    try:
        work = tmp / "work"
        work.mkdir()
        for t in TEMPLATES.glob("*.typ"):
            shutil.copyfile(t, work / t.name)
        # A brief whose inputs are unchanged is not made again (its file is kept as is).
        todo = [(job, key) for job in jobs for key in [inputs_key(job)]
                if not ((out_dir / job.name).exists()
                        and pdf_inputs_key(out_dir / job.name) == key)]
        charts = ChartCache(Path(layout.brief_charts))
        memory = LayoutMemory(Path(layout.cache) / "brief-layouts",
                              (common["edition"], common["edition_of"], common["address"] or ""))
        remembered = {job.name: record["scales"] for job, _ in todo
                      for record in [memory.get(job)] if record and "scales" in record}
        def make(item: tuple[Any, str]) -> str:
            job, key = item
            if job.name in remembered:  # (else its layout search draws what it tries)
                render_charts([job], remembered, charts)
            (tmp / job.name).write_bytes(_compile(job, work, key, charts, memory))
            return job.name

        # Two at a time, though Typst and vl-convert both hold the interpreter's lock most
        # of the time they work: the two mostly take turns. A brief whose layout must be
        # searched (none remembered) goes first: it is the longest.
        order = sorted(todo, key=lambda item: item[0].name in remembered)
        with ThreadPoolExecutor(max_workers=2) as pool:
            made = list(pool.map(make, order))
        prune_chart_cache(charts.folder)
        # Which heights each chart was asked at, named as the notebooks' runner writes
        # it (<notebook>--<name>): the next build draws them ahead.
        written_as = {id(rec): f"{nb}--{name}" for nb, recs in figures.items()
                      for name, rec in recs.items()}
        by_pdf = {job.name: job for job in jobs}
        ahead.remember_scales(Path(layout.brief_scales), [
            (written_as.get(id(rec), str(rec.get("name"))), scale)
            for pdf, i, scale in charts for rec in [by_pdf[pdf].figures[i - 1]]])
        for name in made:  # every brief compiled: move them into place
            os.replace(tmp / name, out_dir / name)
        return [out_dir / job.name for job in jobs]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
