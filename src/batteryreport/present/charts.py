"""Charts that draw offline.

Altair's stock HTML loads Vega from a CDN. Here the Vega/Vega-Lite/vega-embed bundle
from ``vl_convert`` is written into the book's static files at build time
(:func:`write_bundle`), and :func:`figure` emits a ``<figure>`` holding the chart
container, its spec as inert JSON, a text description for screen readers, the
source note and a CSV download of the chart's data.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from batteryreport.present.text import json_for_html

VL_VERSION = "v6_4"  # passed to vl_convert as a literal (STACK.md)
BUNDLE_NAME = "vega-bundle.js"
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
PALETTE = ["#1f5a96", "#d9822b", "#3a8d5c", "#b8403a", "#7a5ba6", "#6b6b6b"]

FIGURE_MIME = "application/vnd.batteryreport.figure+json"

_ids = itertools.count(1)


def write_bundle(static_dir: Path) -> Path:
    """Write the vega-embed bundle (wrapped so its names stay out of Sphinx's globals)."""
    import vl_convert as vlc

    static_dir.mkdir(parents=True, exist_ok=True)
    target = static_dir / BUNDLE_NAME
    # Generating the bundle takes over a second: the first line records what made it.
    stamp = f"/* vl-convert {vlc.__version__}, vega-lite {VL_VERSION} */\n"
    if target.exists():
        with target.open(encoding="utf-8") as fh:
            if fh.readline() == stamp:
                return target
    code = vlc.javascript_bundle("window.vegaEmbed = vegaEmbed; window.vega = vega;",
                                 vl_version=VL_VERSION)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(stamp + "(function(){\n" + code + "\n})();\n", encoding="utf-8")
    tmp.replace(target)
    return target


def theme() -> dict[str, Any]:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 600,
                      "subtitleFontSize": 12, "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True,
                     "gridColor": "#e6e6e6", "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "range": {"category": PALETTE},
            "background": "white",
        }
    }


def enable_theme() -> None:
    if alt.theme.active == "batteryreport":
        return

    @alt.theme.register("batteryreport", enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return theme()  # type: ignore[return-value]


def _spec_json(chart: alt.TopLevelMixin) -> str:
    spec = chart.to_dict()
    spec.setdefault("width", "container")
    # Data text inside a <script> must not change how the page is parsed (textsafe).
    return json_for_html(spec)


def csv_href(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    payload = base64.b64encode(buf.getvalue().encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{payload}"


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def _whatif_controls(vid: str, chart: alt.TopLevelMixin) -> str:
    """For a chart with sliders (parameters bound to inputs, see :mod:`batteryreport.whatif`):
    a note that the prose keeps the published values, and a reset button, which charts.js
    shows and wires once the chart is drawn (Vega-Lite has no reset of its own)."""
    from batteryreport.present.whatif import NOTE, RESET_LABEL, bound_params

    if not bound_params(chart.to_dict()):
        return ""
    return (f'<div class="br-whatif" data-for="{vid}" hidden><p class="br-whatif-note">'
            f'{html.escape(NOTE)} <button type="button" class="br-reset">'
            f"{html.escape(RESET_LABEL)}</button></p></div>\n")


class Figure:
    """A chart ready for the page: renders as HTML in Jupyter and in the book."""

    def __init__(self, chart: alt.TopLevelMixin, *, name: str, title: str, description: str,
                 source_note: str, data: pd.DataFrame):
        self.chart = chart
        self.name = name
        self.title = title
        self.description = description
        self.source_note = source_note
        self.data = _csv_frame(data)

    def html(self) -> str:
        n = next(_ids)
        vid = f"br-{self.name}-{n}"
        e = html.escape
        return (
            f'<figure class="br-chart" id="fig-{e(self.name)}" aria-labelledby="{vid}-cap">\n'
            # A group, not an img: the drawn chart holds its (focusable) actions menu. The
            # SVG itself becomes role="img" labelled with the description (charts.js).
            f'<div class="br-vega" id="{vid}" role="group" aria-label="Chart: {e(self.title)}"'
            f' data-spec="{vid}-spec"></div>\n'
            f"{_whatif_controls(vid, self.chart)}"
            f'<figcaption id="{vid}-cap"><strong>{e(self.title)}.</strong> '
            f'<span class="br-desc">{e(self.description)}</span> '
            f'<span class="br-source">{e(self.source_note)}</span> '
            f'<a class="br-csv" download="{e(self.name)}.csv" href="{csv_href(self.data)}">'
            f"Download the data (CSV)</a></figcaption>\n"
            f'<script type="application/json" id="{vid}-spec">{_spec_json(self.chart)}</script>\n'
            f"<script>window.brDrawCharts && window.brDrawCharts();</script>\n"
            f"</figure>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def record(self) -> dict[str, Any]:
        """What the PDF briefs need: the spec (for vector export) and the caption parts."""
        return {"name": self.name, "title": self.title, "description": self.description,
                "source_note": self.source_note, "spec": self.chart.to_dict()}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/html": self.html(),
                "text/plain": f"{self.title}. {self.description} {self.source_note}",
                FIGURE_MIME: self.record()}

    def to_vega_lite(self) -> dict[str, Any]:
        return self.chart.to_dict()


def figure(chart: alt.TopLevelMixin, *, name: str, title: str, description: str,
           source_note: str, data: pd.DataFrame) -> Figure:
    """Wrap a chart with what every report chart needs. ``name`` is a slug used for the
    CSV file and the element id; ``description`` is read by screen readers."""
    enable_theme()  # the report's look, whoever calls first
    if not description.strip():
        raise ValueError("every chart needs a text description")
    if not source_note.strip():
        raise ValueError("every chart needs a source note")
    return Figure(chart, name=name, title=title, description=description,
                  source_note=source_note, data=data)
