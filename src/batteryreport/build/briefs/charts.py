"""The briefs' charts: the notebooks' Vega-Lite specs drawn as SVG by vl-convert, at print
size, in the briefs' typefaces (Source Sans Pro, then pinned Noto fonts for any other
script), so chart text matches the page."""

from __future__ import annotations

import copy
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
HEIGHT_SCALE = (PRINT_SCALE, 0.64, 0.57, 0.5)  # plot height / the notebook's, by density


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
