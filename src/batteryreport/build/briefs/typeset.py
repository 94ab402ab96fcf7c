"""Typesetting: each brief's data and charts into a PDF with Typst, fitted to its page
limit, checked for embedded, pinned fonts, and keyed on its inputs so that an unchanged
brief is not made again and equal inputs give byte-identical files.

Type sizes are fixed (``templates/style.typ``): a brief that runs long is cut, never shrunk.
Its :class:`Cut` steps are tried in order (smaller charts, fewer detail rows, a shorter
sources list, recommendations cut to whole sentences) until it fits; a brief that does not
fit with the least content is an error naming it. Then the charts on the last page grow into
the room left at its end (up to the site's proportions), so a page is not left part empty."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batteryreport.build.briefs.charts import (
    FONT_PREFIXES,
    FONT_STACK,
    PRINT_SCALE,
    cached_chart_svg,
    font_dirs,
    label_rows,
    plot_height,
)
from batteryreport.build.briefs.spec import BriefError
from batteryreport.core.errors import Problem
from batteryreport.present.text import one_line

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_PAGES_BRIEF = 2
MAX_PAGES_SUMMARY = 1


@dataclass(frozen=True)
class Cut:
    """How much of a brief's content is set: one step of cutting it to fit its pages."""

    chart_scale: float = PRINT_SCALE  # plot height / the notebook's (text is at PRINT_SCALE)
    details: int | None = None  # detail rows kept in the table of numbers (None: all)
    sources: int | None = None  # sources listed (None: all); the rest are counted
    rec_chars: int | None = None  # a longer recommendation keeps its leading whole sentences
    about: bool = True  # the note on where the brief comes from


# A brief, in small steps: smaller charts, then without the note on where it comes from,
# then a shorter sources list (the rest are on the website), then fewer detail rows. The
# last step is the least a brief shows: its key numbers, lede, charts, recommendations and
# its first five sources.
BRIEF_CUTS = (Cut(), Cut(chart_scale=0.62), Cut(chart_scale=0.62, about=False),
              Cut(chart_scale=0.62, about=False, sources=12),
              Cut(chart_scale=0.62, about=False, sources=10),
              Cut(chart_scale=0.62, about=False, sources=8),
              Cut(chart_scale=0.55, about=False, sources=8),
              Cut(chart_scale=0.55, about=False, sources=8, details=4),
              Cut(chart_scale=0.55, about=False, sources=6, details=2),
              Cut(chart_scale=0.5, about=False, sources=5, details=0))
# The summary: its chart starts small and its sources list short (the key numbers' sources
# come first; the rest are on the website); then the sources list gets shorter, then the
# recommendations are cut to their leading whole sentences (every recommendation stays).
# The chart then grows into the room that is left.
SUMMARY_CUTS = (Cut(chart_scale=0.5, sources=6), Cut(chart_scale=0.5, sources=4),
                Cut(chart_scale=0.45, sources=4, rec_chars=260),
                Cut(chart_scale=0.45, sources=2, rec_chars=200),
                Cut(chart_scale=0.4, sources=0, rec_chars=0))
MAX_CHART_SCALE = 1.15  # a chart grows into free room up to a little over the site's
# proportions; one with a row per category (bars) only up to them, or its rows spread apart
FILL_MIN_PT = 40.0  # free room at the foot of a page worth filling
ALONE_ROWS = 2  # a table split across pages keeps at least this many rows on each page


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes | Path) -> dict[str, bool]:
    """Every font a PDF uses (pages and the forms drawn on them): name -> embedded."""
    from pypdf import PdfReader

    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, bool] = {}
    seen: set[int] = set()

    def font_entry(font: Any) -> None:
        font = font.get_object()
        desc = font.get("/FontDescriptor")
        if desc is None and "/DescendantFonts" in font:
            for sub in font["/DescendantFonts"]:
                font_entry(sub)
            return
        name = str(font.get("/BaseFont", "?")).lstrip("/")
        name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
        embedded = desc is not None and any(
            k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        found[name] = found.get(name, True) and embedded

    def walk(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font_entry(font)
        for xobj in (resources.get("/XObject") or {}).values():
            obj = xobj.get_object()
            if id(obj) not in seen:
                seen.add(id(obj))
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def check_fonts(pdf: bytes, name: str) -> None:
    """Every font embedded, and each one of the pinned set (no system font anywhere)."""
    fonts = pdf_fonts(pdf)
    bad = [f for f, emb in fonts.items() if not emb or not f.startswith(FONT_PREFIXES)]
    if bad or not fonts:
        raise BriefError([Problem(name, "brief-fonts", "expected only embedded Source Sans Pro"
                                  f" and Noto fonts, found {sorted(fonts.items())}")])


@dataclass
class _Job:
    name: str  # output file name
    template: str
    data: dict[str, Any]
    max_pages: int
    figures: list[dict[str, Any]] = field(default_factory=list)  # figure records to draw
    timestamp: int = 0  # the PDF's creation date: the edition's, so equal input, equal bytes
    cuts: tuple[Cut, ...] = (Cut(),)  # tried in order until the PDF fits
    shape: Callable[[dict[str, Any], Cut], dict[str, Any]] | None = None  # data cut to a Cut


def inputs_key(job: _Job) -> str:
    """Everything a PDF is made from: its data, its charts, the templates and the code."""
    return _job_hash(job)


def _job_hash(job: _Job, volatile: tuple[str, ...] = (), with_timestamp: bool = True) -> str:
    """A hash of what a PDF is made from; each ``volatile`` string in its data is counted
    as the same placeholder, whatever it says."""
    import typst
    import vl_convert as vlc

    h = hashlib.sha256()
    text = json.dumps([job.name, job.template, job.data, job.max_pages,
                       job.timestamp if with_timestamp else None, job.figures,
                       [repr(c) for c in job.cuts]], sort_keys=True, ensure_ascii=False,
                      default=str)
    for i, value in enumerate(sorted(volatile, key=len, reverse=True)):
        # Its length is kept: a longer date may wrap a line where a shorter one did not.
        text = text.replace(json.dumps(value, ensure_ascii=False)[1:-1],
                            f"\x00volatile{i}:{len(value)}\x00")
    h.update(text.encode())
    for f in sorted(TEMPLATES.glob("*.typ")) + sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode() + f.read_bytes())
    h.update(" ".join([getattr(typst, "__version__", "?"), vlc.__version__,
                       *sorted(p.name for d in font_dirs() for p in d.iterdir())]).encode())
    return h.hexdigest()[:32]


KEY_PREFIX = "batteryreport-inputs-"


def pdf_inputs_key(path: Path) -> str | None:
    """The inputs key a brief was made from (kept in its PDF metadata), if any."""
    from pypdf import PdfReader

    try:
        keywords = (PdfReader(path).metadata or {}).get("/Keywords") or ""
    except Exception:  # a truncated or foreign file: remake it
        return None
    found = [k.strip() for k in str(keywords).split(",") if k.strip().startswith(KEY_PREFIX)]
    return found[0].removeprefix(KEY_PREFIX) if found else None


class ChartCache(dict[tuple[str, int, float], tuple[str, float]]):
    """The charts drawn in one build, ``(pdf, figure, scale) -> (svg, width)``; drawings
    are also kept in ``folder`` between builds (None: not kept)."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder


def _scale_key(scale: float) -> float:
    return round(scale, 3)


def render_charts(jobs: list[_Job], scales: dict[str, list[float]] | None,
                  cache: ChartCache) -> None:
    """Draw the jobs' charts (at their first cut's scale, or ``scales[job.name]``) into
    ``cache``, one after the other
    (vl-convert draws one chart at a time, holding the interpreter's lock, however many
    threads ask), reusing the drawings kept in ``cache.folder``."""
    cache_folder = getattr(cache, "folder", None)

    def scales_of(job: _Job) -> list[float]:
        given = (scales or {}).get(job.name)  # (a layout of other figures: not used)
        if given and len(given) == len(job.figures):
            return given
        return [job.cuts[0].chart_scale] * len(job.figures)

    todo = [(job, i, rec, _scale_key(scale)) for job in jobs
            for i, (rec, scale) in enumerate(zip(job.figures, scales_of(job), strict=True),
                                             start=1)
            if (job.name, i, _scale_key(scale)) not in cache]

    def draw(item: tuple[_Job, int, dict[str, Any], float]) -> tuple[str, float]:
        job, _, rec, scale = item
        try:
            return cached_chart_svg(rec["spec"], scale, cache_folder)
        except Exception as exc:  # vl-convert rejects the spec
            raise BriefError([Problem(job.name, "brief-chart", f"figure {rec.get('name')!r} "
                                      f"could not be drawn: {exc}")]) from None

    for item in todo:
        job, i, _, scale = item
        cache[(job.name, i, scale)] = draw(item)


@dataclass
class _Typeset:
    pdf: bytes
    pages: int
    data_file: str  # the data the PDF was set from (for a query of its layout)


class _Typst:
    """One template's Typst compiler in one work folder. It loads the fonts once and keeps
    what it has laid out, so each run after the first takes about half as long as a fresh
    ``typst.compile`` (the same bytes). A query reads the document of the compiler's last
    run: it runs again first if that was of other data."""

    def __init__(self, work: Path, template: str) -> None:
        import typst

        self.key = (work, template)
        self._compiler = typst.Compiler(str(work / template), root=str(work),
                                        font_paths=[str(d) for d in font_dirs()],
                                        ignore_system_fonts=True)
        self._last: tuple[str, Any] | None = None

    def compile(self, data_file: str, timestamp: Any = None) -> bytes:
        pdf = self._compiler.compile(sys_inputs={"data": data_file}, timestamp=timestamp)
        self._last = (data_file, timestamp)
        return pdf

    def query(self, data_file: str, selector: str) -> str:
        if self._last is None or self._last[0] != data_file:
            self.compile(data_file)
        return self._compiler.query(selector)


_compilers = threading.local()  # a compiler holds its last run's inputs: one per thread


def _typst(work: Path, template: str) -> _Typst:
    kept = getattr(_compilers, "kept", None)
    if kept is None:
        kept = _compilers.kept = {}
    compiler = kept.get(template)
    if compiler is None or compiler.key != (work, template):  # another build's folder
        compiler = kept[template] = _Typst(work, template)
    return compiler


def _typeset(job: _Job, work: Path, key: str, charts: ChartCache, cut: Cut,
             scales: list[float], extra: dict[str, Any] | None = None) -> _Typeset:
    stem = job.name.removesuffix(".pdf")
    render_charts([job], {job.name: scales}, charts)
    figures = []
    for i, (rec, scale) in enumerate(zip(job.figures, scales, strict=True), start=1):
        svg, width = charts[(job.name, i, _scale_key(scale))]
        file = f"{stem}-fig{i}-{_scale_key(scale)}.svg"
        (work / file).write_text(svg, encoding="utf-8")
        figures.append({"title": one_line(rec.get("title")),
                        "description": one_line(rec.get("description")),
                        "source_note": one_line(rec.get("source_note")),
                        "file": file, "width": width})
    shaped = job.shape(job.data, cut) if job.shape else dict(job.data)
    data = dict(shaped, **(extra or {}), figures=figures, fonts=list(FONT_STACK),
                keywords=[t for t in ("batteryreport brief", key and KEY_PREFIX + key) if t])
    data_file = f"{stem}-{len(list(work.glob(stem + '-*.json')))}.json"
    (work / data_file).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        pdf = _typst(work, job.template).compile(data_file, job.timestamp)
    except Exception as exc:  # typst.TypstError: the template or the data is at fault
        raise BriefError([Problem(job.name, "typst", f"{type(exc).__name__}: {exc}")]) \
            from None
    return _Typeset(pdf, pdf_pages(pdf), data_file)


@dataclass
class Layout:
    """Where things landed (the templates' layout marks, see ``templates/style.typ``)."""

    pages: int
    free: dict[int, float]  # page -> room left below its last part (pt)
    flow: list[int]  # the page each part of the page ended on, in order
    figures: list[int]  # the page each chart is on
    rows: list[int]  # the page each row of the table of numbers is on

    def table_split_badly(self) -> bool:
        """The table breaks across pages leaving fewer than :data:`ALONE_ROWS` rows on a
        page (a lone first row at the foot of a page, or a last row alone at the top)."""
        pages = sorted(set(self.rows))
        return len(pages) > 1 and min(self.rows.count(p) for p in pages) < ALONE_ROWS


MARKS = ("<br-flow>", "<br-figure>", "<br-row>")  # the templates' layout marks


def layout_of(job: _Job, work: Path, data_file: str) -> Layout:
    # One query for the three marks.
    found = json.loads(_typst(work, job.template).query(
        data_file, "selector(" + ").or(".join(MARKS) + ")"))
    marks: dict[str, list[dict[str, Any]]] = {label: [] for label in MARKS}
    for element in found:
        marks[element["label"]].append(element["value"])
    flow = marks["<br-flow>"]
    free: dict[int, float] = {}
    for mark in flow:  # the last mark on a page says how much room is left below it
        free[int(mark["page"])] = float(mark["free"])
    return Layout(pages=max(free, default=1), free=free, flow=[int(m["page"]) for m in flow],
                  figures=[int(m["page"]) for m in marks["<br-figure>"]],
                  rows=[int(m["page"]) for m in marks["<br-row>"]])


def _grown(job: _Job, scales: list[float], place: Layout) -> list[float]:
    """Chart scales with each page's charts grown into the room left at its foot."""
    out = list(scales)
    for page, room in place.free.items():
        on_page = [i for i, p in enumerate(place.figures) if p == page]
        if room < FILL_MIN_PT or not on_page:
            continue
        extra = (room - 0.5 * FILL_MIN_PT) / len(on_page)
        for i in on_page:
            spec = job.figures[i]["spec"]
            most = PRINT_SCALE if label_rows(spec)[0] else MAX_CHART_SCALE
            out[i] = max(scales[i], min(most, scales[i] + extra / plot_height(spec)))
    return out


class LayoutMemory:
    """The layout each PDF was last set at (its cut, whether its table was kept whole, its
    charts' scales, and the page each part fell on), kept in ``folder`` between builds.

    The key is the PDF's content less what changes with every edition (its number and
    date, its address: the ``volatile`` strings), so a rebuild whose content is unchanged
    sets each PDF once, at the remembered layout, instead of searching for it again. It is
    used only if every part falls on the page it fell on before and the PDF fits;
    otherwise the search runs as on a first build."""

    def __init__(self, folder: Path | None = None, volatile: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.volatile = tuple(v for v in volatile if v)

    def key(self, job: _Job) -> str:
        return _job_hash(job, self.volatile, with_timestamp=False)

    def get(self, job: _Job) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        try:
            return json.loads((self.folder / f"{self.key(job)}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, job: _Job, record: dict[str, Any]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.key(job)}.json"
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)


def _remembered(job: _Job, work: Path, key: str, charts: ChartCache,
                record: dict[str, Any]) -> bytes | None:
    """The PDF set at a remembered layout, if it still fits and nothing moved."""
    try:
        cut, extra = job.cuts[int(record["cut"])], dict(record["extra"])
        scales = [float(x) for x in record["scales"]]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if len(scales) != len(job.figures):
        return None
    done = _typeset(job, work, key, charts, cut, scales, extra)
    if done.pages > job.max_pages:
        return None
    place = layout_of(job, work, done.data_file)
    if [place.flow, place.figures, place.rows] != record.get("place"):
        return None
    check_fonts(done.pdf, job.name)
    return done.pdf


def _compile(job: _Job, work: Path, key: str = "", charts: ChartCache | None = None,
             memory: LayoutMemory | None = None) -> bytes:
    """Typeset one PDF: the first cut that fits its page limit (its table kept from leaving
    a row or two alone on a page), with each page's charts grown into the room left at its
    foot, as long as nothing moves to another page. A layout remembered from an earlier
    build of the same content (``memory``) is tried first."""
    charts = ChartCache() if charts is None else charts
    record = memory.get(job) if memory is not None else None
    if record is not None:
        pdf = _remembered(job, work, key, charts, record)
        if pdf is not None:
            return pdf
    chosen = None
    for index, cut in enumerate(job.cuts):
        scales = [cut.chart_scale] * len(job.figures)
        done = _typeset(job, work, key, charts, cut, scales)
        if done.pages > job.max_pages:
            continue
        place = layout_of(job, work, done.data_file)
        if chosen is None:
            chosen = (index, done, place, {})
        elif cut.details != job.cuts[chosen[0]].details:
            break  # keeping a table whole is not worth a detail row
        if not place.table_split_badly():
            chosen = (index, done, place, {})
            break
        whole = _typeset(job, work, key, charts, cut, scales, {"table_whole": True})
        if whole.pages <= job.max_pages:
            chosen = (index, whole, layout_of(job, work, whole.data_file),
                      {"table_whole": True})
            break
    if chosen is None:
        least = job.cuts[-1]
        kept = "all" if least.details is None else least.details
        listed = "all" if least.sources is None else least.sources
        raise BriefError([Problem(job.name, "brief-too-long",
                                  f"does not fit {job.max_pages} page(s) even with the least "
                                  f"content (charts at {least.chart_scale:.0%} of their height, "
                                  f"{kept} detail rows, {listed} sources listed): show fewer "
                                  "key numbers, charts or recommendations, or shorter ones")])
    index, done, place, extra = chosen
    cut = job.cuts[index]
    scales = [cut.chart_scale] * len(job.figures)
    for _ in range(2):  # grow, then grow into what is left once more
        grown = _grown(job, scales, place)
        if [_scale_key(s) for s in grown] == [_scale_key(s) for s in scales]:
            break
        bigger = _typeset(job, work, key, charts, cut, grown, extra)
        after = layout_of(job, work, bigger.data_file) if bigger.pages <= job.max_pages else None
        if after is None or after.flow != place.flow or after.figures != place.figures:
            break
        done, scales, place = bigger, grown, after
    check_fonts(done.pdf, job.name)
    if memory is not None:
        memory.put(job, {"cut": index, "extra": extra, "scales": scales,
                         "place": [place.flow, place.figures, place.rows]})
    return done.pdf


def output_name(stem: str, scenario: str) -> str:
    return f"{stem}.pdf" if scenario == "default" else f"{stem}-{scenario}.pdf"
