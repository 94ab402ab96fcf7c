"""The briefs' charts: the notebooks' Vega-Lite specs drawn as SVG by vl-convert, at print
size, in the briefs' typefaces (Source Sans Pro, then pinned Noto fonts for any other
script), so chart text matches the page."""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

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

# Chart geometry in points (1 SVG px is drawn as 1 pt): the text column is 176 mm.
COLUMN_PT = 496.0
PRINT_SCALE = 8.5 / 12  # chart text on paper: the site's 12 px labels at 8.5 pt
LABEL_LINE_PT = 10.0  # an axis label's line on paper (8.5 pt type)
LABEL_GAP_PT = 6.0  # room between two rows' labels
DEFAULT_HEIGHT = 300.0  # a chart that sets no height: the site's continuousHeight
LABEL_CHARS = 56  # a label the site breaks into lines is broken again at this width on paper


# Characters a chart may show that its spec need not hold: the minus sign, the ellipsis of
# a label cut short, the micro sign of an SI prefix, the dash of a bin's range.
VEGA_WRITES = "\u2212\u2026\u00b5\u2013"
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


def warm_up() -> None:
    """Start vl-convert's JavaScript runtime and register the fonts (about 0.4 s, once per
    process): done by the briefs' process while the notebooks run."""
    import vl_convert as vlc

    _register_fonts()
    vlc.vegalite_to_svg({"mark": "point", "config": {"font": ", ".join(FONT_STACK)},
                         "encoding": {"x": {"datum": 1, "type": "quantitative"}}},
                        vl_version="v6_4")


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


def _scale_fonts(node: Any, fonts: str) -> Any:
    """What a chart sets itself (a text mark's size, an axis's label room) scaled like the
    theme's text, and any typeface it names replaced by the briefs' ``fonts``."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in _SCALED and isinstance(v, int | float) and not isinstance(v, bool):
                out[k] = round(v * PRINT_SCALE, 2)
            elif k in _FONTS and isinstance(v, str):
                out[k] = fonts
            elif k in ("data", "datasets", "config"):
                out[k] = v
            else:
                out[k] = _scale_fonts(v, fonts)
        return out
    if isinstance(node, list):
        return [_scale_fonts(v, fonts) for v in node]
    return node


@functools.cache
def _primary_chars() -> frozenset[int]:
    """The characters every face of the briefs' typeface has (their cmaps' intersection)."""
    from fontTools.ttLib import TTFont

    faces = sorted(p for d in font_dirs() for p in d.glob("SourceSansPro-*.ttf"))
    covered: set[int] | None = None
    for face in faces:
        with TTFont(face, lazy=True) as font:
            chars = set(font.getBestCmap() or {})
        covered = chars if covered is None else covered & chars
    return frozenset(covered or ())


def chart_fonts(spec: dict[str, Any]) -> str:
    """The typefaces a chart is drawn in: the whole stack when any text the chart may show
    needs a fallback, else only the briefs' typeface. The chart looks the same either way
    (each glyph comes from the first family that has it), but vl-convert measures text
    against every family listed, so a Latin-only chart is drawn in about two thirds of the
    time.

    The text is every string in the spec (data, labels, titles, expressions, keys), with
    the characters an expression writes as escapes (``\\u20b9``), and those the chart
    library writes itself (:data:`VEGA_WRITES`). A chart whose text cannot be known from
    its spec (data read from a URL, characters made from their codes) gets the stack."""
    chars: set[str] = set(VEGA_WRITES)
    unknowable = False

    def walk(node: Any) -> None:
        nonlocal unknowable
        if isinstance(node, dict):
            unknowable = unknowable or "url" in node
            for k, v in node.items():
                walk(k)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            chars.update(node)
            if "\\" in node:
                chars.update(_escaped(node))
            unknowable = unknowable or "fromCharCode" in node or "fromCodePoint" in node

    walk(spec)
    primary = _primary_chars()
    if not unknowable and primary and all(ord(c) in primary for c in chars):
        return FONT_FAMILY
    return ", ".join(FONT_STACK)


_JS_ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))",
                        re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
              "0": "\0"}


def _escaped(text: str) -> set[str]:
    """The characters a JavaScript string's escapes in ``text`` stand for."""
    out = set()
    for m in _JS_ESCAPE.finditer(text):
        code = m.group(2) or m.group(3) or m.group(4)
        if code:
            out.add(chr(min(int(code, 16), 0x10FFFF)))
        else:
            out.add(_JS_SIMPLE.get(m.group(5), m.group(5)))
    return out


def print_spec(spec: dict[str, Any], fonts: str | None = None) -> dict[str, Any]:
    """The chart the notebook displayed, in the briefs' typefaces (``fonts``, default the
    whole stack) and print sizes."""
    fonts = ", ".join(FONT_STACK) if fonts is None else fonts
    out = _scale_fonts(copy.deepcopy(spec), fonts)
    out.pop("title", None)  # the brief prints the figure's title above the chart
    out["config"] = _merge(out.get("config") or {}, dict(copy.deepcopy(PRINT_CONFIG),
                                                         font=fonts))
    return out


def _svg_size(svg: str) -> tuple[float, float]:
    m = _SVG_SIZE.search(svg)
    return (float(m.group(1)), float(m.group(2))) if m else (COLUMN_PT, 0.0)


def _units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The chart and its layers (where encodings live)."""
    out = [spec]
    for layer in spec.get("layer") or []:
        if isinstance(layer, dict):
            out += _units(layer)
    return out


def _label_values(spec: dict[str, Any], field: str, sort: Any) -> list[Any]:
    if isinstance(sort, list) and sort:
        return list(sort)
    values: list[Any] = []
    for rows in (spec.get("datasets") or {}).values():
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and field in row and row[field] not in values:
                values.append(row[field])
    return values


def _split_axis(y: dict[str, Any]) -> bool:
    axis = y.get("axis") or {}
    return isinstance(axis, dict) and "split(" in str(axis.get("labelExpr", ""))


def rewrap_labels(spec: dict[str, Any], chars: int = LABEL_CHARS) -> dict[str, Any]:
    """A copy of the chart whose banded y-axis labels, broken into lines for the screen
    (line breaks in the data, split by the axis's ``labelExpr``), are broken again for the
    paper's column: at word boundaries, ``chars`` characters a line, so a label takes as few
    lines as the print width allows. The same text maps to the same text everywhere it
    occurs (the data and the axis's sort order), so the chart is unchanged but for its
    labels' line breaks; the label's room is not limited."""
    import textwrap

    out = copy.deepcopy(spec)
    fields = set()
    for unit in _units(out):
        y = (unit.get("encoding") or {}).get("y")
        if isinstance(y, dict) and isinstance(y.get("field"), str) and _split_axis(y):
            fields.add(y["field"])

    def wrap(v: Any) -> Any:
        if not isinstance(v, str) or "\n" not in v:
            return v
        return "\n".join(textwrap.wrap(" ".join(v.split()), chars)) or v

    if not fields:
        return out
    for rows in (out.get("datasets") or {}).values():
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict):
                for f in fields & set(row):
                    row[f] = wrap(row[f])
    for unit in _units(out):
        y = (unit.get("encoding") or {}).get("y")
        if isinstance(y, dict) and y.get("field") in fields:
            if isinstance(y.get("sort"), list):
                y["sort"] = [wrap(v) for v in y["sort"]]
            if isinstance(y.get("axis"), dict):
                y["axis"]["labelLimit"] = 0
    return out


def label_rows(spec: dict[str, Any]) -> tuple[int, int]:
    """For a chart with a band of rows on its y axis (a nominal or ordinal field): how many
    rows, and the most lines a row's label takes (labels broken at line breaks by the
    axis's ``labelExpr`` ``split(...)``, or given as lists). (0, 1) for any other chart."""
    rows, lines = 0, 1
    for unit in _units(spec):
        y = (unit.get("encoding") or {}).get("y")
        if not isinstance(y, dict) or y.get("type") not in ("nominal", "ordinal"):
            continue
        field = y.get("field")
        if not isinstance(field, str):
            continue
        values = _label_values(spec, field, y.get("sort"))
        splits = _split_axis(y)
        rows = max(rows, len(values))
        for v in values:
            if isinstance(v, list):
                lines = max(lines, len(v))
            elif splits and isinstance(v, str):
                lines = max(lines, v.count("\n") + 1)
    return rows, lines


def plot_height(spec: dict[str, Any]) -> float:
    """The plot height the notebook gave the chart (px), for scaling."""
    height = spec.get("height")
    if isinstance(height, int | float):
        return float(height)
    rows = label_rows(spec)[0]
    if isinstance(height, dict) and isinstance(height.get("step"), int | float) and rows:
        return float(height["step"]) * rows
    return DEFAULT_HEIGHT


def chart_svg(spec: dict[str, Any], scale: float = PRINT_SCALE,
              width: float = COLUMN_PT) -> tuple[str, float]:
    """SVG of a figure ``width`` points wide; returns (svg, its width in points).

    Text is drawn at :data:`PRINT_SCALE` of the site's size, and the plot is ``scale`` of
    the height the notebook gave it (:data:`PRINT_SCALE` keeps the screen's proportions), so
    a chart is as dense on paper as on the screen. A row of a banded y axis is never lower
    than its label: a label of several lines gets the room of its lines. The width always
    spans the text column.
    """
    import vl_convert as vlc

    _register_fonts()
    spec = rewrap_labels(spec)
    s = print_spec(spec, chart_fonts(spec))
    view = s["config"]["view"]
    rows, lines = label_rows(spec)
    row_min = lines * LABEL_LINE_PT + LABEL_GAP_PT if lines > 1 else 0.0
    if lines > 1:
        s["config"]["axis"]["labelLineHeight"] = LABEL_LINE_PT
    if any(k in s for k in _COMPOSITE):
        view.update({"continuousWidth": 220, "continuousHeight": DEFAULT_HEIGHT * scale})
    else:
        s["autosize"] = {"type": "fit-x", "contains": "padding"}
        s["width"] = width
        height = spec.get("height")
        if isinstance(height, int | float):
            s["height"] = max(60.0, height * scale, rows * row_min)
        elif isinstance(height, dict) and isinstance(height.get("step"), int | float):
            s["height"] = {"step": max(height["step"] * scale, row_min)}
        else:
            view.update({"continuousHeight": max(DEFAULT_HEIGHT * scale, rows * row_min),
                         "discreteHeight": {"step": max(20 * scale, row_min)}})
    svg = vlc.vegalite_to_svg(s, vl_version="v6_4")
    return svg, min(_svg_size(svg)[0], width)


# A drawn chart depends only on its spec, its scale and the drawing software, so it is
# kept between builds (derived data in .cache; deleting it is safe). A rebuild after one
# table changed redraws only the charts whose data changed.
CHART_CACHE_MAX = 400  # files; the oldest go first


def _kept_drawing(spec: dict[str, Any], scale: float, folder: Path) -> Path:
    """Where the drawing of ``spec`` at ``scale`` is kept in ``folder``."""
    import hashlib
    import json

    import vl_convert as vlc

    key = hashlib.sha256(json.dumps(
        [spec, scale, COLUMN_PT, vlc.__version__, [str(d) for d in font_dirs()],
         Path(__file__).stat().st_mtime_ns], sort_keys=True, default=str).encode()).hexdigest()
    return folder / f"{key}.json"


def chart_is_kept(spec: dict[str, Any], scale: float, folder: Path) -> bool:
    """A drawing of ``spec`` at ``scale`` is kept in ``folder`` (it is not drawn again)."""
    return _kept_drawing(spec, scale, folder).is_file()


def cached_chart_svg(spec: dict[str, Any], scale: float, folder: Path | None
                     ) -> tuple[str, float]:
    import contextlib
    import json
    import os
    import tempfile

    if folder is None:
        return chart_svg(spec, scale)
    path = _kept_drawing(spec, scale, folder)
    if path.is_file():
        try:
            svg, width = json.loads(path.read_text(encoding="utf-8"))
            # Dated as used now: pruning keeps the drawings in use, not only the newest
            # (a chart that never changes would otherwise go, and be drawn again).
            with contextlib.suppress(OSError):
                os.utime(path)
            return str(svg), float(width)
        except (ValueError, TypeError):
            pass  # a damaged entry is drawn again
    svg, width = chart_svg(spec, scale)
    folder.mkdir(parents=True, exist_ok=True)
    # Two threads may draw the same chart (one figure in a brief and in the summary): each
    # writes its own temporary file, and either's rename leaves the same entry.
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps([svg, width]))
    os.replace(tmp, path)
    return svg, width


def prune_chart_cache(folder: Path) -> None:
    """Keep the ``CHART_CACHE_MAX`` drawings drawn or used last (once a build: listing and
    dating every kept drawing after each new one cost a rebuild more than drawing it)."""
    import os

    try:
        with os.scandir(folder) as found:
            names = [e.name for e in found if e.name.endswith((".json", ".tmp"))]
    except FileNotFoundError:
        return
    for name in [n for n in names if n.endswith(".tmp")]:  # left by a process stopped
        (folder / name).unlink(missing_ok=True)  # mid-drawing (a build's briefs are done)
    names = [n for n in names if n.endswith(".json")]
    if len(names) <= CHART_CACHE_MAX:
        return
    entries = sorted((folder / n for n in names), key=_age)
    for old in entries[:-CHART_CACHE_MAX]:
        old.unlink(missing_ok=True)


def _age(path: Path) -> float:
    """A kept drawing's time; 0 for one another thread has just removed (briefs are made
    two at a time)."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
