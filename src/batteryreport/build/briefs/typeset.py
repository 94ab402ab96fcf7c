"""Typesetting: each brief's data and charts into a PDF with Typst, fitted to its page
limit (the layout is tightened step by step, see ``templates/style.typ``), checked for
embedded, pinned fonts, and keyed on its inputs so that an unchanged brief is not made again
and equal inputs give byte-identical files."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batteryreport.build.briefs.charts import FONT_PREFIXES, FONT_STACK, chart_svg, font_dirs
from batteryreport.build.briefs.spec import BriefError
from batteryreport.core.errors import Problem
from batteryreport.present.text import one_line

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_PAGES_BRIEF = 2
MAX_PAGES_SUMMARY = 1
DENSITIES = (0, 1, 2, 3)  # layout tightening steps, see templates/style.typ


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


def inputs_key(job: _Job) -> str:
    """Everything a PDF is made from: its data, its charts, the templates and the code."""
    import typst
    import vl_convert as vlc

    h = hashlib.sha256()
    h.update(json.dumps([job.name, job.template, job.data, job.max_pages, job.timestamp,
                         job.figures], sort_keys=True, ensure_ascii=False,
                        default=str).encode())
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


ChartCache = dict[tuple[str, int, int], tuple[str, float]]  # (pdf, figure, density) -> svg


def render_charts(jobs: list[_Job], density: int, cache: ChartCache) -> None:
    """Draw the jobs' charts at ``density`` into ``cache``, two at a time (vl-convert runs
    conversions in parallel; the machines have two cores)."""
    from concurrent.futures import ThreadPoolExecutor

    todo = [(job, i, rec) for job in jobs for i, rec in enumerate(job.figures, start=1)
            if (job.name, i, density) not in cache]

    def draw(item: tuple[_Job, int, dict[str, Any]]) -> tuple[str, float]:
        job, _, rec = item
        try:
            return chart_svg(rec["spec"], density)
        except Exception as exc:  # vl-convert rejects the spec
            raise BriefError([Problem(job.name, "brief-chart", f"figure {rec.get('name')!r} "
                                      f"could not be drawn: {exc}")]) from None

    if len(todo) == 1:
        cache[(todo[0][0].name, todo[0][1], density)] = draw(todo[0])
    elif todo:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for (job, i, _), result in zip(todo, pool.map(draw, todo), strict=True):
                cache[(job.name, i, density)] = result


def _compile(job: _Job, work: Path, key: str = "", charts: ChartCache | None = None) -> bytes:
    """Typeset one PDF, tightening the layout until it fits its page limit."""
    import typst

    charts = {} if charts is None else charts
    stem = job.name.removesuffix(".pdf")
    for density in DENSITIES:
        render_charts([job], density, charts)
        figures = []
        for i, rec in enumerate(job.figures, start=1):
            svg, width = charts[(job.name, i, density)]
            file = f"{stem}-fig{i}-d{density}.svg"
            (work / file).write_text(svg, encoding="utf-8")
            figures.append({"title": one_line(rec.get("title")),
                            "description": one_line(rec.get("description")),
                            "source_note": one_line(rec.get("source_note")),
                            "file": file, "width": width})
        data = dict(job.data, density=density, figures=figures, fonts=list(FONT_STACK),
                    keywords=[t for t in ("batteryreport brief", key and KEY_PREFIX + key) if t])
        data_file = f"{stem}-d{density}.json"
        (work / data_file).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        try:
            pdf = typst.compile(str(work / job.template), root=str(work),
                                font_paths=[str(d) for d in font_dirs()],
                                ignore_system_fonts=True,
                                sys_inputs={"data": data_file}, timestamp=job.timestamp)
        except Exception as exc:  # typst.TypstError: the template or the data is at fault
            raise BriefError([Problem(job.name, "typst", f"{type(exc).__name__}: {exc}")]) \
                from None
        if pdf_pages(pdf) <= job.max_pages:
            check_fonts(pdf, job.name)
            return pdf
    raise BriefError([Problem(job.name, "brief-too-long",
                              f"does not fit {job.max_pages} page(s) even at the tightest "
                              "layout: show fewer key numbers, details or recommendations")])


def output_name(stem: str, scenario: str) -> str:
    return f"{stem}.pdf" if scenario == "default" else f"{stem}-{scenario}.pdf"
