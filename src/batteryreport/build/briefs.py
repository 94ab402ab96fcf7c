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

Every page carries the edition (number and build date, from the edition manifest that
:func:`editions.plan_edition` gives the site for the same inputs), the as-of date (the
glued ``as_of`` of the notebook, else ``pli_delays::as_of``, else the manifest's) and, for
a run other than ``default``, the scenario name.

The summary (``summary.pdf``) takes each brief's first ``summary_numbers`` key numbers and
its recommendations, in notebook order, on one page. A brief fits two pages: when content
runs long the layout is tightened step by step (type, spacing, then chart heights), and a
brief that still does not fit is an error naming it. Layout is in ``templates/*.typ``.

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

import copy
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batteryreport.build.notebooks import discover, read_notebook
from batteryreport.core.errors import InputError, Problem
from batteryreport.present.text import one_line, web_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_FAMILY = "Source Sans Pro"
# Text in other scripts falls back, in this order, to pinned Noto fonts (OFL, from PyPI:
# manimgx-fonts and manimgx-fonts-cjk): a publisher's name in Hindi, Tamil or Chinese, or
# an emoji, is set in its own script and shaped, never a build failure.
FALLBACK_FAMILIES = ("Noto Sans", "Noto Sans Devanagari", "Noto Sans Bengali",
                     "Noto Sans Gujarati", "Noto Sans Gurmukhi", "Noto Sans Kannada",
                     "Noto Sans Malayalam", "Noto Sans Oriya", "Noto Sans Tamil",
                     "Noto Sans Telugu", "Noto Sans Sinhala", "Noto Sans Arabic",
                     "Noto Sans Hebrew", "Noto Sans Thai", "Noto Sans CJK SC",
                     "Noto Sans Symbols", "Noto Emoji")
FONT_STACK = (FONT_FAMILY, *FALLBACK_FAMILIES)
FONT_PREFIXES = ("SourceSansPro", "NotoSans", "NotoEmoji")  # PostScript names, embedded
REPORT_TITLE = "India's battery gap"

BRIEF_KEYS = {"title", "key_numbers", "figures", "recommendations", "lede", "details",
              "summary_numbers"}
KEY_NUMBERS = (3, 5)
FIGURES = (1, 2)
MAX_DETAILS = 8
MAX_PAGES_BRIEF = 2
MAX_PAGES_SUMMARY = 1
DENSITIES = (0, 1, 2, 3)  # layout tightening steps, see templates/style.typ

# Chart geometry in points (1 SVG px is drawn as 1 pt): the text column is 176 mm.
COLUMN_PT = 496.0
PRINT_SCALE = 8.5 / 12  # chart text on paper: the site's 12 px labels at 8.5 pt
HEIGHT_SCALE = (PRINT_SCALE, 0.64, 0.57, 0.5)  # plot height / the notebook's, by density


class BriefError(InputError):
    """A brief that cannot be made: bad front matter, or a reference that does not resolve."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "PDF briefs")


# --------------------------------------------------------------------------- front matter


@dataclass(frozen=True)
class BriefSpec:
    notebook: str
    source: Path
    title: str
    key_numbers: tuple[str, ...]
    figures: tuple[str, ...]
    recommendations: tuple[str, ...] = ()
    lede: str | None = None
    details: tuple[str, ...] = ()
    summary_numbers: int = 1


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    return None


def _check_ref(ref: str, names: set[str], where: str, what: str, problems: list[Problem],
               file: str) -> None:
    if "::" in ref:
        nb, _, key = ref.partition("::")
        if nb not in names:
            problems.append(Problem(file, "brief-reference", f"{what} {ref!r}: no notebook "
                                    f"named {nb!r} (notebooks: {', '.join(sorted(names))})",
                                    column=where))
        if not key:
            problems.append(Problem(file, "brief-reference", f"{what} {ref!r} names no key",
                                    column=where))


def parse_brief(meta: Any, notebook: str, source: Path, names: set[str]) -> tuple[
        BriefSpec | None, list[Problem]]:
    """Check one notebook's ``batteryreport.brief`` block (``None`` when it has none)."""
    if meta is None:
        return None, []
    file = str(source)
    problems: list[Problem] = []
    if not isinstance(meta, dict):
        return None, [Problem(file, "brief", "batteryreport.brief must be a mapping",
                              column="brief")]
    for key in sorted(set(meta) - BRIEF_KEYS):
        problems.append(Problem(file, "brief-unknown-key", f"unknown field {key!r} (fields: "
                                f"{', '.join(sorted(BRIEF_KEYS))})", column=f"brief.{key}"))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(file, "brief-title", "a brief needs a non-empty title",
                                column="brief.title"))
    lists: dict[str, list[str]] = {}
    for name, (lo, hi), required in (("key_numbers", KEY_NUMBERS, True),
                                     ("figures", FIGURES, True),
                                     ("recommendations", (0, 20), False),
                                     ("details", (0, MAX_DETAILS), False)):
        raw = meta.get(name)
        if raw is None and not required:
            lists[name] = []
            continue
        items = _str_list(raw)
        if items is None:
            problems.append(Problem(file, "brief-list", f"{name} must be a list of keys",
                                    column=f"brief.{name}",
                                    value=None if raw is None else repr(raw)[:80]))
            continue
        if not lo <= len(items) <= hi:
            problems.append(Problem(file, "brief-count", f"{name} lists {len(items)}; a brief "
                                    f"shows {lo} to {hi}", column=f"brief.{name}"))
        if len(set(items)) != len(items):
            problems.append(Problem(file, "brief-duplicate", f"{name} lists a key twice",
                                    column=f"brief.{name}"))
        for ref in items:
            _check_ref(ref, names, f"brief.{name}", name.rstrip("s").replace("_", " "),
                       problems, file)
        lists[name] = items
    lede = meta.get("lede")
    if lede is not None:
        if not isinstance(lede, str) or not lede.strip():
            problems.append(Problem(file, "brief-lede", "lede must name one glued text value",
                                    column="brief.lede"))
        else:
            _check_ref(lede, names, "brief.lede", "lede", problems, file)
    n_summary = meta.get("summary_numbers", 1)
    if isinstance(n_summary, bool) or n_summary not in (1, 2):
        problems.append(Problem(file, "brief-summary-numbers", "summary_numbers must be 1 or 2",
                                column="brief.summary_numbers", value=repr(n_summary)))
    if problems:
        return None, problems
    return BriefSpec(notebook=notebook, source=source, title=title.strip(),
                     key_numbers=tuple(lists["key_numbers"]), figures=tuple(lists["figures"]),
                     recommendations=tuple(lists["recommendations"]),
                     lede=lede.strip() if isinstance(lede, str) else None,
                     details=tuple(lists["details"]), summary_numbers=int(n_summary)), []


def brief_specs(notebooks_dir: Path) -> list[BriefSpec]:
    """The briefs the notebooks declare, in build order; every problem at once."""
    specs = discover(notebooks_dir)
    names = {s.name for s in specs}
    out: list[BriefSpec] = []
    problems: list[Problem] = []
    for spec in specs:
        meta = read_notebook(spec.source).metadata.get("batteryreport", {})
        brief, found = parse_brief(meta.get("brief"), spec.name, spec.source, names)
        problems += found
        if brief is not None:
            out.append(brief)
    if problems:
        raise BriefError(problems)
    return out


# --------------------------------------------------------------------------- content


def _full_key(ref: str, notebook: str) -> str:
    return ref if "::" in ref else f"{notebook}::{ref}"


_ACRONYMS = {"gwh": "GWh", "mwh": "MWh", "kwh": "kWh", "inr": "INR", "usd": "USD", "pli": "PLI",
             "acc": "ACC", "fx": "FX", "ev": "EV", "evs": "EVs", "kt": "kt", "cr": "crore"}


_NUMBER = re.compile(r"^(?P<pre>[^\d]*?)(?P<num>\d(?:[\d,.\u2013-]*\d)?)(?P<suf>.*)$", re.S)


def number_parts(text: str) -> dict[str, str]:
    """A display text cut for typesetting, never changed: "₹860–3,500 crore" ->
    big "₹860–3,500" and small " crore" (a unit joined without a space, "2.5%", stays big)."""
    m = _NUMBER.match(text)
    if not m or not m.group("suf").startswith(" "):
        return {"big": text, "small": ""}
    return {"big": m.group("pre") + m.group("num"), "small": m.group("suf")}


def label_of(rec: dict[str, Any]) -> str:
    """The glued label; a label left at its key is made readable ("total_gwh" -> "Total GWh")."""
    label = str(rec.get("label") or "").strip()
    key = str(rec.get("key") or "")
    if label and label != key:
        return label
    words = [_ACRONYMS.get(w.lower(), w) for w in re.split(r"[_\s]+", key) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else key


_INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|\[(?P<lt>[^\]]+)\]\((?P<lu>[^)\s]+)\)"
                     r"|(?<![\w*])\*(?P<i>[^*]+?)\*(?!\w)|(?<!\w)_(?P<i2>[^_]+?)_(?!\w)"
                     r"|`(?P<c>[^`]+)`")


def segments(text: str) -> list[dict[str, Any]]:
    """Inline markdown (bold, italic, links, code) as plain-text segments for the template."""
    out: list[dict[str, Any]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append({"t": text[pos:m.start()]})
        if m.group("b") is not None:
            out.append({"t": m.group("b"), "b": True})
        elif m.group("lt") is not None:
            url = web_url(m.group("lu"))  # only http(s) addresses become links
            out.append({"t": m.group("lt"), "url": url} if url else {"t": m.group(0)})
        elif m.group("i") is not None or m.group("i2") is not None:
            out.append({"t": m.group("i") or m.group("i2"), "i": True})
        else:
            out.append({"t": m.group("c")})
        pos = m.end()
    if pos < len(text):
        out.append({"t": text[pos:]})
    return out


_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def recommendation_items(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """One glued recommendation value as list items (a bulleted text gives several)."""
    text = str(rec.get("text") or "").strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if any(_ITEM.match(ln) for ln in lines):
        groups: list[list[str]] = []
        for ln in lines:
            if _ITEM.match(ln) or not groups:
                groups.append([_ITEM.sub("", ln)])
            else:
                groups[-1].append(ln)  # a continuation of the item above
        items = [" ".join(g) for g in groups]
    else:
        items = [" ".join(lines)]
    label = str(rec.get("label") or "").strip()
    lead = label if label and label != rec.get("key") else None
    return [{"lead": lead if i == 0 else None, "segments": segments(t)}
            for i, t in enumerate(items) if t]


class Sources:
    """Numbers the source ids of the values shown, in order of first appearance."""

    def __init__(self, register: Any):
        self.register = register
        self.order: list[str] = []

    def refs(self, ids: list[str]) -> list[int]:
        out = []
        for sid in ids:
            if sid not in self.order:
                self.order.append(sid)
            out.append(self.order.index(sid) + 1)
        return sorted(set(out))

    def listing(self) -> list[dict[str, Any]]:
        from batteryreport.present.fmt import date

        rows = []
        for n, sid in enumerate(self.order, start=1):
            if sid in self.register.index:
                row = self.register.loc[sid]
                published = row.get("date_published")
                url = _s(row.get("url"))
                rows.append({"n": n, "id": sid, "publisher": _s(row.get("publisher")),
                             "title": _s(row.get("title")), "url": web_url(url) or url,
                             "date": "" if _s(published) == "" else date(published)})
            else:
                rows.append({"n": n, "id": sid, "publisher": sid, "url": "", "date": "",
                             "title": "(not in the source register)"})
        return rows


def _s(value: Any) -> str:
    """Data text for a PDF line: missing values are "", line breaks become spaces."""
    return one_line(value)


_FIELDS = {"key number": "key_numbers", "detail": "details", "recommendation": "recommendations",
           "lede": "lede"}


def _lookup(glued: dict[str, dict[str, Any]], ref: str, notebook: str, what: str,
            problems: list[Problem], source: Path) -> dict[str, Any] | None:
    key = _full_key(ref, notebook)
    rec = glued.get(key)
    if rec is None:
        nb = key.partition("::")[0]
        have = sorted(k.partition("::")[2] for k in glued if k.startswith(nb + "::"))
        problems.append(Problem(str(source), "brief-missing-value",
                                f"{what} {ref!r}: notebook {nb!r} glued no value {key!r}"
                                f" (it glued: {', '.join(have) or 'nothing'})",
                                column=f"brief.{_FIELDS[what]}"))
    return rec


# --------------------------------------------------------------------------- charts

_fonts_registered = False


def font_dirs() -> list[Path]:
    """The briefs' fonts, all OFL and pinned in requirements.txt: Source Sans Pro
    (``font-source-sans-pro``), and the Noto fallbacks (``manimgx-fonts``,
    ``manimgx-fonts-cjk``)."""
    import font_source_sans_pro
    import manimgx_fonts
    import manimgx_fonts_cjk

    return [Path(font_source_sans_pro.font_directory), Path(manimgx_fonts.__file__).parent,
            Path(manimgx_fonts_cjk.__file__).parent]


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        import vl_convert as vlc

        for folder in font_dirs():
            vlc.register_font_directory(str(folder))
        _fonts_registered = True


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge(base[k], v)
        else:
            base[k] = v
    return base


PRINT_CONFIG: dict[str, Any] = {
    "font": ", ".join(FONT_STACK),
    "background": "white",
    "axis": {"labelFontSize": 8.5, "titleFontSize": 8.5, "titleFontWeight": 600,
             "labelColor": "#3a4350", "titleColor": "#1d2430", "gridColor": "#e3e8ef",
             "domainColor": "#9aa3ad", "tickColor": "#9aa3ad", "labelLimit": 200},
    "legend": {"labelFontSize": 8.5, "titleFontSize": 8.5, "titleFontWeight": 600,
               "symbolSize": 70, "labelLimit": 340},
    "header": {"labelFontSize": 8.5, "titleFontSize": 9},
    "title": {"fontSize": 10, "subtitleFontSize": 8.5},
    "text": {"fontSize": 8.5},
    "view": {"stroke": None},
}
_COMPOSITE = ("facet", "repeat", "concat", "hconcat", "vconcat")
_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


_SCALED = {"fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize", "labelLimit"}
_FONTS = {"font", "labelFont", "titleFont", "subtitleFont"}


def _scale_fonts(node: Any) -> Any:
    """What a chart sets itself (a text mark's size, an axis's label room) scaled like the
    theme's text, and any typeface it names replaced by the briefs' one."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in _SCALED and isinstance(v, int | float) and not isinstance(v, bool):
                out[k] = round(v * PRINT_SCALE, 2)
            elif k in _FONTS and isinstance(v, str):
                out[k] = ", ".join(FONT_STACK)
            elif k in ("data", "datasets", "config"):
                out[k] = v
            else:
                out[k] = _scale_fonts(v)
        return out
    if isinstance(node, list):
        return [_scale_fonts(v) for v in node]
    return node


def print_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart the notebook displayed, in the briefs' typeface and print sizes."""
    out = _scale_fonts(copy.deepcopy(spec))
    out.pop("title", None)  # the brief prints the figure's title above the chart
    out["config"] = _merge(out.get("config") or {}, copy.deepcopy(PRINT_CONFIG))
    return out


def _svg_size(svg: str) -> tuple[float, float]:
    m = _SVG_SIZE.search(svg)
    return (float(m.group(1)), float(m.group(2))) if m else (COLUMN_PT, 0.0)


def chart_svg(spec: dict[str, Any], density: int = 0,
              width: float = COLUMN_PT) -> tuple[str, float]:
    """SVG of a figure ``width`` points wide; returns (svg, its width in points).

    Text is drawn at :data:`PRINT_SCALE` of the site's size, and the plot keeps the height
    the notebook gave it at that scale (less at a tighter density), so a chart is as dense
    on paper as on the screen. The width always spans the text column.
    """
    import vl_convert as vlc

    _register_fonts()
    s = print_spec(spec)
    scale = HEIGHT_SCALE[density]
    view = s["config"]["view"]
    if any(k in s for k in _COMPOSITE):
        view.update({"continuousWidth": 220, "continuousHeight": 300 * scale})
    else:
        s["autosize"] = {"type": "fit-x", "contains": "padding"}
        s["width"] = width
        height = spec.get("height")
        if isinstance(height, int | float):
            s["height"] = max(60.0, height * scale)
        elif isinstance(height, dict) and isinstance(height.get("step"), int | float):
            s["height"] = {"step": height["step"] * scale}
        else:
            view.update({"continuousHeight": 300 * scale, "discreteHeight": {"step": 20 * scale}})
    svg = vlc.vegalite_to_svg(s, vl_version="v6_4")
    return svg, min(_svg_size(svg)[0], width)


# --------------------------------------------------------------------------- PDF checks


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


# --------------------------------------------------------------------------- compile


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
    for f in sorted(TEMPLATES.glob("*.typ")) + [Path(__file__)]:
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
            figures.append({"title": _s(rec.get("title")),
                            "description": _s(rec.get("description")),
                            "source_note": _s(rec.get("source_note")),
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


def _report_title(root: Path) -> str:
    import yaml

    try:
        cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        return str(cfg.get("title") or REPORT_TITLE)
    except (OSError, yaml.YAMLError):
        return REPORT_TITLE


def online_address(root: Path, manifest: dict[str, Any]) -> str | None:
    """Where the brief can be read online: its edition's own address on the public site
    (``editions/<number>/``, kept unchanged) for the published scenario, the report's home
    for a scenario run (not published); None when no public address is configured."""
    from batteryreport.build.address import public_url
    from batteryreport.build.pages import PUBLIC_SCENARIO, edition_folder

    base = public_url(root)
    if base is None or manifest["scenario"] != PUBLIC_SCENARIO:
        return base
    return base + edition_folder(int(manifest["edition_number"]))


def _common(layout: Any, params: Any, manifest: dict[str, Any]) -> dict[str, Any]:
    edition = f"Edition {manifest['edition_number']} ({manifest['built_on']})"
    built = dt.datetime.combine(dt.date.fromisoformat(manifest["built_on"]), dt.time(),
                                tzinfo=dt.UTC)
    return {"report": _report_title(layout.root), "manifest": manifest, "edition": edition,
            "scenario": None if params.scenario == "default" else params.scenario,
            "timestamp": int(built.timestamp()),
            "address": online_address(Path(layout.root), manifest)}


def _as_of(glued: dict[str, dict[str, Any]], notebook: str, manifest: dict[str, Any]) -> str:
    for key in (f"{notebook}::as_of", "pli_delays::as_of"):
        if key in glued and glued[key].get("text"):
            return str(glued[key]["text"])
    return str(manifest.get("as_of") or "the latest observation")


def _brief_job(b: BriefSpec, glued: dict[str, dict[str, Any]],
               figures: dict[str, dict[str, dict[str, Any]]], register: Any,
               common: dict[str, Any], problems: list[Problem]) -> tuple[_Job, dict[str, Any]]:
    src = Sources(register)
    numbers, table = [], []
    for ref in b.key_numbers:
        rec = _lookup(glued, ref, b.notebook, "key number", problems, b.source)
        if rec:
            n = {"key": _full_key(ref, b.notebook), "text": str(rec["text"]),
                 **number_parts(str(rec["text"])),
                 "label": label_of(rec), "refs": src.refs(list(rec.get("sources") or []))}
            numbers.append(n)
            table.append(n)
    for ref in b.details:
        rec = _lookup(glued, ref, b.notebook, "detail", problems, b.source)
        if rec:
            table.append({"key": _full_key(ref, b.notebook), "text": str(rec["text"]),
                          "label": label_of(rec),
                          "refs": src.refs(list(rec.get("sources") or []))})
    recs = []
    for ref in b.recommendations:
        rec = _lookup(glued, ref, b.notebook, "recommendation", problems, b.source)
        if rec:
            src.refs(list(rec.get("sources") or []))
            recs += recommendation_items(rec)
    lede = None
    if b.lede:
        rec = _lookup(glued, b.lede, b.notebook, "lede", problems, b.source)
        if rec:
            src.refs(list(rec.get("sources") or []))
            lede = segments(str(rec["text"]))
    figs = []
    for ref in b.figures:
        nb, _, name = ref.rpartition("::")
        nb = nb or b.notebook
        rec = figures.get(nb, {}).get(name)
        if rec is None:
            have = ", ".join(sorted(figures.get(nb, {}))) or "none"
            problems.append(Problem(str(b.source), "brief-missing-figure",
                                    f"figure {ref!r}: notebook {nb!r} displayed no chart named "
                                    f"{name!r} (its charts: {have})", column="brief.figures"))
        else:
            figs.append(rec)
    manifest = common["manifest"]
    name = output_name(b.notebook, common["scenario"] or "default")
    data = {
        "kind_label": "Policy brief", "report": common["report"], "title": b.title,
        "scenario": common["scenario"], "lede": lede, "numbers": numbers, "table": table,
        "recommendations": recs, "sources": src.listing(),
        "edition_line": f"{common['edition']} · data as of {_as_of(glued, b.notebook, manifest)}",
        "table_note": "Each value is the one the report's website shows for this edition; "
                      "numbers in brackets point to the sources below.",
        "footer_note": f"{name} · edition {manifest['edition_id']} · every number is glued "
                       f"by the notebook “{b.notebook}”, as on the website",
        "address": common["address"],
        "about": f"About this brief. Generated from the executed notebook “{b.notebook}” of "
                 f"edition {manifest['edition_id']} (built {manifest['built_on']} from commit "
                 f"{manifest.get('git_commit', 'unknown')}), the same run that builds the "
                 "report's website: every number above is the text the website shows, computed "
                 "once from the sourced tables of the report's data package. The website's "
                 "chapter has the full argument and the data behind each chart.",
    }
    summary = {"file": name, "title": b.title, "notebook": b.notebook,
               "numbers": [dict(n) for n in numbers[:b.summary_numbers]],
               "more": [dict(n) for n in numbers[b.summary_numbers:]],
               "recommendations": recs,
               "sources": [s for r in b.recommendations
                           for s in (glued.get(_full_key(r, b.notebook)) or {}).get("sources", [])]}
    return _Job(name, "brief.typ", data, MAX_PAGES_BRIEF, figs, common["timestamp"]), summary


_WORDS = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def _summary_job(briefs: list[dict[str, Any]], glued: dict[str, dict[str, Any]], register: Any,
                 common: dict[str, Any]) -> _Job:
    src = Sources(register)
    for b in briefs:
        for n in b["numbers"]:
            n["refs"] = src.refs(list(glued[n["key"]].get("sources") or []))
        src.refs(b.pop("sources"))
    manifest = common["manifest"]
    name = output_name("summary", common["scenario"] or "default")
    for i, b in enumerate(briefs, start=1):
        b["index"] = i
    count = _WORDS[len(briefs)] if len(briefs) < len(_WORDS) else str(len(briefs))
    data = {
        "kind_label": "Summary", "report": common["report"], "scenario": common["scenario"],
        "title": f"{common['report']}: the briefs on one page",
        "lede": f"{count} brief{'s' if len(briefs) != 1 else ''}, one page. Each number is the "
                "one the report's website shows for this edition; the full briefs add the "
                "charts, more numbers and the sources of each.",
        "briefs": briefs, "sources": src.listing(),
        "edition_line": f"{common['edition']} · data as of {_as_of(glued, '', manifest)}",
        "footer_note": f"{name} · edition {manifest['edition_id']} · full briefs: "
                       + ", ".join(b["file"] for b in briefs),
        "address": common["address"],
    }
    return _Job(name, "summary.typ", data, MAX_PAGES_SUMMARY, timestamp=common["timestamp"])


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

    specs = brief_specs(layout.notebooks)
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
    if problems:
        raise BriefError(problems)
    jobs.append(_summary_job(summaries, glued, register, common))

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
        charts: ChartCache = {}
        render_charts([job for job, _ in todo], DENSITIES[0], charts)
        made = []
        for job, key in todo:
            (tmp / job.name).write_bytes(_compile(job, work, key, charts))
            made.append(job.name)
        for name in made:  # every brief compiled: move them into place
            os.replace(tmp / name, out_dir / name)
        return [out_dir / job.name for job in jobs]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
