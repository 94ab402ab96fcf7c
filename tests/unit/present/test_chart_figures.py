"""Every chart of the report, built from the published data: a phone layout, a takeaway,
sources named without internal ids or table names (in the caption and the tooltips), CSV
headers that are words with units, and specs that still draw offline (vl-convert, as the
PDF briefs do)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from batteryreport.chapters import run_all
from batteryreport.data import package_descriptor
from batteryreport.data.params import load_params
from batteryreport.present import japan, pli, recycling

DATA = Path(__file__).resolve().parents[3] / "data"
CHARTS = [(pli, "pli_delays", f) for f in ("imports_chart", "timeline", "promised_built",
                                           "penalty_accrual")] + \
         [(japan, "japan_investment", f) for f in ("buys_chart", "sensitivity_chart",
                                                   "whatif_chart", "split_whatif_chart")] + \
         [(recycling, "recycling", f) for f in ("capacity_chart", "metals_chart",
                                                "whatif_chart")]


@pytest.fixture(scope="module")
def results():
    return run_all(load_params(), DATA)


@pytest.fixture(scope="module")
def internal():
    import csv

    with open(DATA / "sources.csv", encoding="utf-8") as fh:
        ids = {row["source_id"] for row in csv.DictReader(fh)}
    tables = {r["name"] for r in package_descriptor(DATA)["resources"]}
    return re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids | tables))) + r")\b")


def _tooltip_fields(node) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        tips = node.get("tooltip")
        for t in tips if isinstance(tips, list) else [tips]:
            if isinstance(t, dict) and "field" in t:
                out.append(t["field"])
        for v in node.values():
            out += _tooltip_fields(v)
    elif isinstance(node, list):
        for v in node:
            out += _tooltip_fields(v)
    return out


@pytest.mark.parametrize(("module", "chapter", "name"), CHARTS,
                         ids=[f"{c}.{n}" for _, c, n in CHARTS])
def test_every_chart_reads_as_a_reader_expects(results, internal, module, chapter, name):
    fig = getattr(module, name)(results[chapter])
    # A phone layout, unless the one layout suits a phone (what-if rows, each full width).
    assert fig.narrow is not None or name.endswith("whatif_chart"), "no phone layout"
    assert fig.takeaway and len(fig.takeaway) < 260 and "\n" not in fig.takeaway
    for text in (fig.takeaway, fig.source_note, fig.title):
        assert not internal.search(text), internal.search(text).group(1)
    assert fig.source_note.startswith(("Source: ", "Sources: "))
    for spec in (fig.chart.to_dict(), (fig.narrow or fig.chart).to_dict()):
        fields = _tooltip_fields(spec)
        assert not [f for f in fields if "source_id" in f or f == "sources"], fields
        assert "title" not in spec  # the figure's title is the caption's, not Vega's
    for header in fig.csv.columns:
        assert "_" not in header and header.strip(), header
    for col in fig.csv.columns:
        assert not fig.csv[col].str.contains("\n").any(), col
    assert fig.as_of, "no as-of date"


@pytest.mark.parametrize(("module", "chapter", "name"), CHARTS[:4] + CHARTS[6:7] + CHARTS[8:9],
                         ids=[f"{c}.{n}" for _, c, n in CHARTS[:4] + CHARTS[6:7] + CHARTS[8:9]])
def test_specs_draw_offline_at_print_size(results, module, chapter, name):
    import vl_convert as vlc

    from batteryreport.build.briefs.charts import chart_svg

    fig = getattr(module, name)(results[chapter])
    for chart, width in ((fig.chart, 496), (fig.narrow or fig.chart, 330)):
        spec = json.loads(json.dumps(chart.to_dict()))
        spec.update(width=width, autosize={"type": "fit-x", "contains": "padding"})
        svg = vlc.vegalite_to_svg(spec, vl_version="v6_4")
        assert "<text" in svg and "\u2026" not in svg  # drawn, nothing cut short
    svg, width = chart_svg(fig.record()["spec"])  # as the PDF briefs draw it
    assert "<text" in svg and width > 0


@pytest.mark.parametrize(("module", "chapter", "name"), CHARTS,
                         ids=[f"{c}.{n}" for _, c, n in CHARTS])
def test_channels_are_given_as_objects_not_shorthand_strings(results, module, chapter, name,
                                                             monkeypatch):
    """``y=alt.Y("tonnes:Q")``, not ``y="tonnes:Q"``: Altair matches each such string
    against every class of its schema (a few ms each, paid in every notebook run)."""
    import altair as alt

    parsed: list[str] = []
    real = alt.SchemaBase.from_dict.__func__

    def from_dict(cls, *args, **kwargs):
        parsed.append(cls.__name__)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(alt.SchemaBase, "from_dict", classmethod(from_dict))
    getattr(module, name)(results[chapter])
    assert not parsed, f"{name}: channels given as strings: {parsed}"
