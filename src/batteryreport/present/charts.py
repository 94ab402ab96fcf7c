"""Charts that draw offline, fit their column and say where their data come from.

Altair's stock HTML loads Vega from a CDN. Here the Vega/Vega-Lite/vega-embed bundle
from ``vl_convert`` is written into the book's static files at build time
(:mod:`batteryreport.present.bundle`), and :func:`figure` emits a ``<figure>`` holding,
in one pattern for every chart:

- the title and a one-line takeaway (the figure's caption, above the chart);
- the chart container and its spec(s) as inert JSON: a ``wide`` spec, and optionally a
  ``narrow`` one for columns under :data:`NARROW_BELOW` px (phones), both ``width:
  "container"``; ``book/_static/charts.js`` picks one, re-fits it when the column changes
  width and re-themes it for dark mode and print;
- under it the sources (by publisher and date, linked to "Data and sources"), the full
  text description on demand ("Describe this chart"; screen readers get it as the chart
  image's name), the data as CSV (rounded as the chart shows it, units in the headers), a
  metadata companion (JSON: title, sources, licence, as-of date, columns) and image
  export (charts.js: PNG at twice the resolution or SVG, with title, source and address).

Colours are the light values of the CSS variables ``--br-chart-*``
(``book/_static/batteryreport.css``, :data:`COLORS`); charts.js swaps each for the
variable's current value, so a spec names colours only through :data:`COLORS`.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import functools
import html
import io
import itertools
import json
import math
import re
import textwrap
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import altair as alt
import pandas as pd

from batteryreport.present.bundle import VL_VERSION
from batteryreport.present.glue import FIGURE_MIME
from batteryreport.present.text import json_for_html, one_line

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
LEGEND_LAYOUT = "{bottom: {direction: 'vertical', anchor: 'start', margin: 6, offset: 16}}"
NARROW_BELOW = 600  # px of column width under which a figure's narrow spec is drawn

# The light values of the CSS variables --br-chart-<name> (batteryreport.css :root). Every
# colour a spec uses is one of these (tests/unit/present/test_charts.py keeps them in step).
COLORS: dict[str, str] = {
    "bg": "#ffffff",        # behind the chart (transparent on screen; paper and images)
    "fg": "#1b1f24",        # text, and the darkest marks (totals, "this page's" values)
    "muted": "#5b6673",     # secondary text, axis lines, annotation rules
    "grid": "#e6e6e6",      # grid lines
    "surface": "#e3e7ec",   # tracks and empty cells: a faint fill
    "tint-1": "#a9c4e0",    # a light tone of cat-1 (awarded capacity, "only one end")
    "tint-4": "#e8a09c",    # a light tone of cat-4 (derived dates)
    "cat-1": "#1f5a96", "cat-2": "#d9822b", "cat-3": "#3a8d5c",
    "cat-4": "#b8403a", "cat-5": "#7a5ba6", "cat-6": "#6b6b6b",
}
PALETTE = [COLORS[f"cat-{i}"] for i in range(1, 7)]
FG, MUTED, GRID, BG = COLORS["fg"], COLORS["muted"], COLORS["grid"], COLORS["bg"]

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


_ids = itertools.count(1)


def theme() -> dict[str, Any]:
    return {
        "config": {
            "font": FONT,
            "background": BG,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 600, "color": FG,
                      "subtitleFontSize": 12, "subtitleColor": MUTED},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True,
                     "gridColor": GRID, "labelColor": FG, "titleColor": FG,
                     "domainColor": MUTED, "tickColor": MUTED, "labelLimit": 0},
            # Legends go under the plot, one under the other (never side by side, which
            # would run off a phone's screen).
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom",
                       "labelColor": FG, "titleColor": FG, "labelLimit": 0,
                       "titleLimit": 0, "layout": {"expr": LEGEND_LAYOUT}},
            "text": {"color": FG},
            "mark": {"color": PALETTE[0]},
            "range": {"category": PALETTE},
        }
    }


def enable_theme() -> None:
    if alt.theme.active == "batteryreport":
        return

    @alt.theme.register("batteryreport", enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return theme()  # type: ignore[return-value]


# ----------------------------------------------------------------------------- labels


def wrap(text: object, width: int) -> list[str]:
    """A label as lines of at most ``width`` characters where the words allow."""
    s = one_line(text)
    return textwrap.wrap(s, width=width, break_long_words=False) or [s]


def lines_expr(labels: Iterable[object], width: int, field: str = "datum.label") -> str:
    """A Vega expression writing each of ``labels`` on lines of at most ``width``
    characters (for an axis's or a legend's ``labelExpr``); other values as they are."""
    expr = field
    for label in dict.fromkeys(one_line(x) for x in labels):
        lines = wrap(label, width)
        if len(lines) > 1:
            expr = (f"({field} === {json.dumps(label, ensure_ascii=False)} ? "
                    f"{json.dumps(lines, ensure_ascii=False)} : {expr})")
    return expr


def mapping_expr(lines: Mapping[str, Sequence[str]], field: str = "datum.label") -> str:
    """A Vega expression writing each key of ``lines`` as its lines (for a ``labelExpr``)."""
    expr = field
    for label, parts in lines.items():
        expr = (f"({field} === {json.dumps(one_line(label), ensure_ascii=False)} ? "
                f"{json.dumps([one_line(p) for p in parts], ensure_ascii=False)} : {expr})")
    return expr


def y_axis(narrow: bool, **kw: Any) -> alt.Axis:
    """A quantitative y axis; on a phone its title sits above the plot, level, so the plot
    (and the legends under it, which start at the plot's left edge) get the width."""
    if narrow:
        kw.update(titleAngle=0, titleAlign="left", titleBaseline="bottom", titleX=0,
                  titleY=-10, titleAnchor="start")
    return alt.Axis(**kw)


def lines_above(data: pd.DataFrame, lines: str, y: Any, *, gap: float = 8,
                line_height: float = 13, font_size: float = 11, color: str = FG,
                x: Any = None, align: str = "left", **mark: Any) -> list[alt.Chart]:
    """Text marks writing each row's ``lines`` (a list of strings) above its ``y``, the
    last line ``gap`` px above it. Vega writes a text's lines downwards from where it is
    placed whatever the baseline, so each count of lines gets its own offset."""
    counts = data[lines].map(len)
    out = []
    for k in sorted(set(counts)):
        out.append(alt.Chart(data[counts == k]).mark_text(
            align=align, baseline="bottom", dy=-gap - (k - 1) * line_height, fontSize=font_size,
            lineHeight=line_height, color=color, **mark).encode(
            x=alt.XValue(0) if x is None else x, y=y, text=alt.Text(f"{lines}:N")))
    return out


# ----------------------------------------------------------------------------- sources


def _register() -> pd.DataFrame:
    from batteryreport.data import sources

    return sources()


def source_ids(values: Iterable[Any]) -> list[str]:
    """The distinct source ids in ``values`` (ids, lists of ids, "a; b", missing), in the
    order they first appear."""
    out: dict[str, None] = {}
    for v in values:
        if v is None or (not isinstance(v, str | list | tuple) and pd.isna(v)):
            continue
        items = v if isinstance(v, list | tuple) else str(v).replace(",", ";").split(";")
        for item in items:
            s = str(item).strip()
            if s:
                out[s] = None
    return list(out)


@dataclass(frozen=True)
class Citation:
    """One source as a reader sees it: publisher and date, and where the entry is."""

    source_id: str
    publisher: str
    when: str  # "Mar 2022", "2023" or ""
    title: str = ""
    date: str = ""  # ISO, as precise as known
    url: str = ""

    @property
    def text(self) -> str:
        return self.publisher + (f", {self.when}" if self.when else "")


def citations(ids: Iterable[str], register: pd.DataFrame | None = None) -> list[Citation]:
    """The register's entries for ``ids`` (an unknown id is shown as itself)."""
    from batteryreport.present.text import web_url

    reg = _register() if register is None else register
    out = []
    for sid in ids:
        if sid not in reg.index:
            out.append(Citation(sid, sid, ""))
            continue
        row = reg.loc[sid]
        date = row.get("date_published")
        precision = str(row.get("date_precision") or "day")
        if date is None or pd.isna(date):
            when = iso = ""
        else:
            d = pd.Timestamp(date)
            when = str(d.year) if precision == "year" else d.strftime("%b %Y")
            iso = (str(d.year) if precision == "year" else d.strftime("%Y-%m")
                   if precision == "month" else d.strftime("%Y-%m-%d"))
        out.append(Citation(sid, one_line(row["publisher"]), when, one_line(row.get("title")),
                            iso, web_url(row.get("url")) or ""))
    return out


def _grouped(cites: Sequence[Citation]) -> list[tuple[str, list[Citation]]]:
    """Citations grouped by publisher (first appearance first), one per date."""
    groups: dict[str, dict[str, Citation]] = {}
    for c in cites:
        groups.setdefault(c.publisher, {}).setdefault(c.when, c)
    return [(p, sorted(d.values(), key=lambda c: (not c.date, c.date)))
            for p, d in groups.items()]


def _dates_text(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def sources_text(cites: Sequence[Citation], note: str = "") -> str:
    """"Sources: PIB, Mar 2022 and Jul 2022; Business Standard, May 2025. Note."""
    parts = []
    for publisher, items in _grouped(cites):
        dates = [c.when for c in items if c.when]
        parts.append(publisher + (f", {_dates_text(dates)}" if dates else ""))
    head = ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts) + "." \
        if parts else ""
    return " ".join(x for x in (head, one_line(note)) if x)


def sources_html(cites: Sequence[Citation], note: str = "", page: str | None = None) -> str:
    """As :func:`sources_text`, each date (or publisher) linked to its register entry
    (``page``: the "Data and sources" page relative to where the figure is shown)."""
    from batteryreport.present.tables import SOURCES_PAGE
    from batteryreport.present.tables import source_href as href

    def source_href(source_id: str) -> str:
        return href(source_id, page or SOURCES_PAGE)

    e = html.escape
    parts = []
    for publisher, items in _grouped(cites):
        dated = [c for c in items if c.when]
        if not dated:
            parts.append(f'<a href="{e(source_href(items[0].source_id), quote=True)}">'
                         f"{e(publisher)}</a>")
            continue
        links = [f'<a href="{e(source_href(c.source_id), quote=True)}">{e(c.when)}</a>'
                 for c in dated]
        parts.append(f"{e(publisher)}, {_dates_text(links)}")
    head = ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts) + "." \
        if parts else ""
    return " ".join(x for x in (head, e(one_line(note))) if x)


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Col:
    """A column of a chart's CSV download: which field, its heading and unit (written
    into the header, "Awarded capacity (GWh)"), and the precision the chart shows.

    ``kind``: "value" (numbers rounded to ``decimals``, text on one line), "date"
    (ISO, as precise as ``precision``), or "source" (source ids written as publisher and
    date)."""

    field: str
    heading: str
    unit: str = ""
    decimals: int | None = None
    kind: str = "value"
    precision: str = "day"

    def __post_init__(self) -> None:
        if self.kind not in ("value", "date", "source"):
            raise ValueError(f"column {self.field}: unknown kind {self.kind!r}")

    @property
    def header(self) -> str:
        return f"{self.heading} ({self.unit})" if self.unit else self.heading


def round_to(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` digits after the point, halves away from zero as the
    charts' d3-format does ("22.6", "3", "-0.5"), with binary noise dropped first."""
    d = Decimal(f"{value:.12g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{d:f}"
    return text.lstrip("-") if d == 0 else text


def _plain_number(value: float) -> str:
    """A number without binary noise (0.30000000000000004 is 0.3) or a trailing ".0"."""
    text = f"{value:.10g}"
    if "e" in text:
        text = f"{Decimal(text):f}"
    return text[:-2] if text.endswith(".0") else text


def _iso(value: Any, precision: str = "day") -> str:
    if value is None or pd.isna(value):
        return ""
    d = pd.Timestamp(value)
    return {"year": f"{d.year}", "month": d.strftime("%Y-%m")}.get(precision,
                                                                   d.strftime("%Y-%m-%d"))


def _date_text(iso: str) -> str:
    """An ISO date ("2026-03-27", "2024-05", "2024") as the report writes it."""
    from batteryreport.present import fmt

    if not iso:
        return ""
    precision = {4: "year", 7: "month"}.get(len(iso), "day")
    return fmt.date(pd.Timestamp(iso if len(iso) > 4 else f"{iso}-01-01"), precision)


def _cell(value: Any, col: Col, names: Mapping[str, str]) -> str:
    if col.kind == "source":
        return "; ".join(names.get(s, s) for s in source_ids([value]))
    if col.kind == "date" or isinstance(value, pd.Timestamp | dt.date):
        return _iso(value, col.precision)
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        x = float(value)
        if not math.isfinite(x):
            return ""
        return round_to(x, col.decimals) if col.decimals is not None else _plain_number(x)
    if isinstance(value, list | tuple):
        return one_line(" ".join(str(v) for v in value))
    return one_line(value)


def default_columns(frame: pd.DataFrame) -> list[Col]:
    """Every column as it is (dates as dates, ``*source_id`` columns as citations)."""
    out = []
    for c in frame.columns:
        kind = ("date" if pd.api.types.is_datetime64_any_dtype(frame[c])
                else "source" if str(c).endswith("source_id") else "value")
        out.append(Col(str(c), str(c), kind=kind))
    return out


def csv_frame(frame: pd.DataFrame, columns: Sequence[Col],
              register: pd.DataFrame | None = None) -> pd.DataFrame:
    """The download: ``columns`` of ``frame`` as text, rounded as the chart shows them,
    one line per cell, headed with their units."""
    names = {}
    if any(c.kind == "source" for c in columns):
        ids = source_ids(v for c in columns if c.kind == "source" for v in frame[c.field])
        names = {c.source_id: c.text for c in citations(ids, register)}
    out = pd.DataFrame({c.header: [_cell(v, c, names) for v in frame[c.field]]
                        for c in columns}, columns=[c.header for c in columns])
    if len(set(out.columns)) != len(columns):
        raise ValueError(f"CSV headers repeat: {[c.header for c in columns]}")
    return out


def csv_text(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def data_href(text: str, mime: str) -> str:
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:{mime};charset=utf-8;base64,{payload}"


def csv_href(frame: pd.DataFrame) -> str:
    return data_href(csv_text(frame), "text/csv")


# ----------------------------------------------------------------------------- what-if


def _whatif_controls(vid: str, spec: Mapping[str, Any]) -> str:
    """For a chart with sliders (parameters bound to inputs, see :mod:`batteryreport.whatif`):
    a note that the prose keeps the published values, and a reset button, which charts.js
    shows and wires once the chart is drawn (Vega-Lite has no reset of its own)."""
    from batteryreport.present.whatif import NOTE, RESET_LABEL, bound_params

    if not bound_params(spec):
        return ""
    return (f'<div class="br-whatif" data-for="{vid}" hidden><p class="br-whatif-note">'
            f'{html.escape(NOTE)} <button type="button" class="br-reset">'
            f"{html.escape(RESET_LABEL)}</button></p></div>\n")


# ----------------------------------------------------------------------------- figure


def _to_spec(chart: Any) -> dict[str, Any]:
    spec = chart.to_dict() if hasattr(chart, "to_dict") else json.loads(json.dumps(chart))
    spec.setdefault("width", "container")
    return spec


def layered(*layers: Any, **properties: Any) -> alt.LayerChart:
    """``alt.layer(*layers).properties(**properties)`` in one constructor call: each of
    Altair's chained calls copies every layer again (most of a layered chart's time).
    Unlike ``.properties``, the properties are not validated here, but when
    tests/unit/present/test_chart_figures.py validates every chart."""
    return alt.LayerChart(layer=list(layers), **properties)


def _spec_of(chart: Any, rows: dict[int, tuple[Any, Any]]) -> dict[str, Any]:
    """A chart's Vega-Lite spec. Not validated against the schema here (half the time of a
    chapter's charts): tests/unit/present/test_chart_figures.py validates every chart.

    Each data frame is turned into rows once for all the specs made with the same ``rows``
    (a figure's wide and narrow layouts): Altair turned a frame again for every layer that
    draws it, and for each layout (a third of a layered chart's spec time). The spec is the
    same, as Altair names inline data by a hash of its rows, as long as no frame is changed
    in place between two specs made with the same ``rows``. ``rows`` maps a frame's id to
    the frame (kept, so that the id stays its own) and its rows."""
    if not hasattr(chart, "to_dict"):
        return json.loads(json.dumps(chart))
    # Altair's registry is global: one spec at a time, this thread's nested ones included.
    with _ROWS_LOCK, alt.data_transformers.enable(
            _ROWS_ONCE, rows=rows, turn=alt.data_transformers.get()):
        return chart.to_dict(validate=False)


def _rows_once(data: Any, *, rows: dict[int, tuple[Any, Any]], turn: Any) -> Any:
    """Altair's data transformer while a figure's specs are made (see :func:`_spec_of`):
    ``turn`` (the transformer that was active) once per frame."""
    if id(data) not in rows:
        rows[id(data)] = (data, turn(data))
    return rows[id(data)][1]


_ROWS_ONCE = "batteryreport-rows-once"
_ROWS_LOCK = threading.RLock()
alt.data_transformers.register(_ROWS_ONCE, _rows_once)


def _page_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a chart's spec as the page draws it: as wide as its column."""
    page = dict(spec)
    page.setdefault("width", "container")
    return page


STATIC_WIDTHS = {"wide": 720, "narrow": 360}  # px: a static chart's two drawings


def static_svg(spec: Mapping[str, Any], width: int, label: str) -> str:
    """The chart drawn once, at build time, as SVG for the page: no chart library needed.
    The drawing scales with its column (viewBox); screen readers get ``label``."""
    import vl_convert as vlc

    fixed = json.loads(json.dumps(spec))
    fixed["width"] = width  # the whole drawing, labels and legend included (autosize fit)
    fixed["autosize"] = {"type": "fit-x", "contains": "padding"}
    svg = vlc.vegalite_to_svg(fixed, vl_version=VL_VERSION)
    svg = re.sub(r'^<svg ([^>]*?)width="[\d.]+" height="[\d.]+"', r"<svg \1", svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" '
                       'preserveAspectRatio="xMinYMin meet" ', 1)


class Figure:
    """A chart ready for the page: renders as HTML in Jupyter and in the book."""

    def __init__(self, chart: alt.TopLevelMixin, *, name: str, title: str, description: str,
                 source_note: str, data: pd.DataFrame, takeaway: str = "",
                 narrow: alt.TopLevelMixin | None = None,
                 columns: Sequence[Col | tuple[str, ...]] | None = None,
                 sources: Iterable[Any] = (), as_of: Any = None,
                 register: pd.DataFrame | None = None):
        self.chart = chart
        self.narrow = narrow
        self.static = False  # drawn by charts.js; see as_static()
        self.sources_page: str | None = None  # None: beside the chapters' pages
        self.name = name
        self.title = one_line(title)
        self.takeaway = one_line(takeaway)
        self.description = description
        self.note = one_line(source_note)
        self.columns = ([c if isinstance(c, Col) else Col(*c) for c in columns]
                        if columns is not None else default_columns(data))
        self.data = data  # as the chart function gave it (for tests and notebooks)
        ids = source_ids(sources)
        ids += [s for s in source_ids(v for c in self.columns if c.kind == "source"
                                      for v in data[c.field]) if s not in ids]
        self.citations = citations(ids, register) if ids else []
        self.source_note = sources_text(self.citations, self.note)
        # The data's date: the analysis date where the chapter has one, else the newest
        # publication among the chart's sources.
        dates = [c.date for c in self.citations if c.date]
        self.as_of = _iso(as_of) if as_of is not None else max(dates, default="")
        self.as_of_basis = ("analysis date" if as_of is not None
                            else "newest source" if dates else "")
        self.csv = csv_frame(data, self.columns, register)  # the download
        self._frame_rows: dict[int, tuple[Any, Any]] = {}  # (see _spec_of)

    # -- the specs: validated and serialised once (Altair's to_dict is the slow part)

    @functools.cached_property
    def spec(self) -> dict[str, Any]:
        return _spec_of(self.chart, self._frame_rows)

    @functools.cached_property
    def narrow_spec(self) -> dict[str, Any] | None:
        return None if self.narrow is None else _spec_of(self.narrow, self._frame_rows)

    def as_static(self, sources_page: str | None = None) -> Figure:
        """The same figure drawn at build time as SVG: for a page that should load no chart
        library (the front page). No tooltips; dark mode and print re-colour it through
        the stylesheet (``.br-static`` rules in batteryreport.css). ``sources_page``: the
        "Data and sources" page relative to the page that shows it, if not beside it."""
        twin = copy.copy(self)
        twin.static = True
        twin.sources_page = sources_page
        return twin

    # -- the downloads

    def metadata(self) -> dict[str, Any]:
        """The CSV's companion: what it is, where it comes from, under what licence."""
        return {
            "title": self.title,
            "takeaway": self.takeaway,
            "description": one_line(self.description),
            "data_file": f"{self.name}.csv",
            "as_of": self.as_of,
            "as_of_basis": self.as_of_basis,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "source": self.source_note,
            "sources": [{"publisher": c.publisher, "date": c.date, "title": c.title,
                         "url": c.url, "id": c.source_id} for c in self.citations],
            "columns": [{"name": c.header, "unit": c.unit,
                         **({"decimals": c.decimals} if c.decimals is not None else {}),
                         **({"format": "ISO date"} if c.kind == "date" else {}),
                         **({"format": "publisher, date"} if c.kind == "source" else {})}
                        for c in self.columns],
        }

    def bundle(self) -> dict[str, Any]:
        """What charts.js draws: the wide and narrow specs (data shared), and the caption
        parts an image export writes around the chart."""
        wide = _page_spec(self.spec)
        narrow = _page_spec(self.narrow_spec) if self.narrow_spec is not None else None
        datasets = dict(wide.pop("datasets", {}))
        if narrow is not None:
            datasets.update(narrow.pop("datasets", {}))
        return {"name": self.name, "title": self.title, "takeaway": self.takeaway,
                "source": self.source_note, "asOf": self.as_of,
                "asOfText": _date_text(self.as_of), "licence": LICENCE,
                "narrowBelow": NARROW_BELOW, "datasets": datasets, "wide": wide,
                "narrow": narrow}

    def html(self) -> str:
        n = next(_ids)
        vid = f"br-{self.name}-{n}"
        e = html.escape
        takeaway = (f' <span class="br-chart-takeaway">{e(self.takeaway)}</span>'
                    if self.takeaway else "")
        source = sources_html(self.citations, self.note, self.sources_page)
        meta = json.dumps(self.metadata(), ensure_ascii=False, indent=2)
        if self.static:
            drawing, script = self._static_html(), ""
        else:
            bundle = self.bundle()
            # A group, not an img: the SVG inside becomes role="img", named by the
            # description (charts.js).
            drawing = (f'<div class="br-vega" id="{vid}" role="group" '
                       f'aria-label="Chart: {e(self.title)}" data-spec="{vid}-spec"></div>\n'
                       f"{_whatif_controls(vid, bundle['wide'])}")
            script = (f'<script type="application/json" id="{vid}-spec">'
                      f"{json_for_html(bundle)}</script>\n"
                      f"<script>window.brDrawCharts && window.brDrawCharts();</script>\n")
        save = ("" if self.static else
                '<span class="br-save" hidden> <button type="button" data-kind="png">Save as '
                'PNG</button> <button type="button" data-kind="svg">Save as SVG</button>'
                "</span>")
        return (
            f'<figure class="br-chart" id="fig-{e(self.name)}">\n'
            f'<figcaption class="br-chart-head"><span class="br-chart-title" id="{vid}-title">'
            f"{e(self.title)}</span>{takeaway}</figcaption>\n"
            f"{drawing}"
            f'<div class="br-chart-foot">\n'
            f'<p class="br-source">{source}</p>\n'
            f'<details class="br-describe"><summary>Describe this chart</summary>'
            f'<p class="br-desc">{e(self.description)}</p></details>\n'
            f'<p class="br-chart-links"><a class="br-csv" download="{e(self.name)}.csv" '
            f'href="{csv_href(self.csv)}">Download the data (CSV)</a> '
            f'<a class="br-meta" download="{e(self.name)}.json" '
            f'href="{data_href(meta, "application/json")}">About this data (JSON)</a>'
            f"{save}</p>\n</div>\n"
            f"{script}"
            f"</figure>"
        )

    def _static_html(self) -> str:
        # As charts.js leaves a drawn chart: a group named by the title, holding an SVG
        # image named by the description.
        label = one_line(self.description)
        wide = static_svg(self.spec, STATIC_WIDTHS["wide"], label)
        inner = wide
        if self.narrow_spec is not None:
            narrow = static_svg(self.narrow_spec, STATIC_WIDTHS["narrow"], label)
            inner = (f'<div class="br-static-wide">{wide}</div>'
                     f'<div class="br-static-narrow">{narrow}</div>')
        return (f'<div class="br-static" role="group" aria-label="Chart: '
                f'{html.escape(self.title)}" data-drawn="done">{inner}</div>\n')

    def _repr_html_(self) -> str:
        return self.html()

    def record(self) -> dict[str, Any]:
        """What the PDF briefs need: the spec (for vector export) and the caption parts."""
        return {"name": self.name, "title": self.title, "takeaway": self.takeaway,
                "description": self.description, "source_note": self.source_note,
                "spec": copy.deepcopy(self.spec)}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/html": self.html(),
                "text/plain": f"{self.title}. {self.description} {self.source_note}",
                FIGURE_MIME: self.record()}

    def to_vega_lite(self) -> dict[str, Any]:
        return copy.deepcopy(self.spec)


def figure(chart: alt.TopLevelMixin, *, name: str, title: str, description: str,
           source_note: str, data: pd.DataFrame, takeaway: str = "",
           narrow: alt.TopLevelMixin | None = None,
                 columns: Sequence[Col | tuple[str, ...]] | None = None,
           sources: Iterable[Any] = (), as_of: Any = None,
           register: pd.DataFrame | None = None) -> Figure:
    """Wrap a chart with what every report chart needs.

    ``name`` is a slug for the downloads' file names and the element id; ``takeaway`` the
    one line under the title; ``description`` what a screen reader reads (and "Describe
    this chart" shows); ``sources`` the source ids of the data rows (the ``kind="source"``
    columns' ids are added), shown as publisher and date, followed by ``source_note`` (a
    short note: "Our arithmetic."; with no sources it is the whole source line);
    ``columns`` the CSV's columns with units and precision; ``narrow`` the chart for
    columns under :data:`NARROW_BELOW` px; ``as_of`` the data's as-of date."""
    enable_theme()  # the report's look, whoever calls first
    if not description.strip():
        raise ValueError("every chart needs a text description")
    if not source_note.strip() and not source_ids(sources) and not any(
            isinstance(c, Col) and c.kind == "source" for c in (columns or [])):
        raise ValueError("every chart needs a source note")
    return Figure(chart, name=name, title=title, description=description,
                  source_note=source_note, data=data, takeaway=takeaway, narrow=narrow,
                  columns=columns, sources=sources, as_of=as_of, register=register)
