"""The figure every report chart is wrapped in: caption parts, sources by publisher and
date, the CSV (units, rounding, one line a cell), its JSON companion, the wide and narrow
specs, and the colours shared with the stylesheet."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from batteryreport.present import charts

CSS = Path(__file__).resolve().parents[3] / "book" / "_static" / "batteryreport.css"

REGISTER = pd.DataFrame([
    {"source_id": "bs_2025_05_14", "publisher": "Business Standard", "title": "Penalties",
     "date_published": pd.Timestamp("2025-05-14"), "date_precision": "day",
     "url": "https://example.org/a"},
    {"source_id": "bs_2024_01_02", "publisher": "Business Standard", "title": "Earlier",
     "date_published": pd.Timestamp("2024-01-02"), "date_precision": "day", "url": ""},
    {"source_id": "pib_2022", "publisher": "PIB", "title": "Release",
     "date_published": pd.Timestamp("2022-03-01"), "date_precision": "year",
     "url": "javascript:alert(1)"},
]).set_index("source_id", drop=False)


def _css_block(selector: str) -> dict[str, str]:
    text = CSS.read_text(encoding="utf-8")
    body = re.search(re.escape(selector) + r"\s*\{(.*?)\}", text, re.S).group(1)
    return dict(re.findall(r"--br-chart-([\w-]+):\s*([^;]+);", body))


def test_a_static_chart_swaps_every_palette_colour_for_its_variable():
    # The front page's SVG is drawn with the light values; the stylesheet re-colours each
    # (fill and stroke) from its variable, so dark mode does not leave a bright slab.
    css = CSS.read_text(encoding="utf-8")
    for name, value in charts.COLORS.items():
        for prop in ("fill", "stroke"):
            assert (f'.br-static [{prop}="{value}" i] {{ {prop}: var(--br-chart-{name}); }}'
                    in css), (name, prop)


def test_chart_colours_are_the_stylesheets_light_values():
    light = _css_block(":root, .br-chart-light-vars")
    dark = _css_block("html[data-theme=dark]")
    assert light == charts.COLORS
    assert set(dark) == set(light)
    # charts.js swaps colours by their light value: each must name one variable only.
    assert len({v.lower() for v in light.values()}) == len(light)


def test_round_to_writes_the_precision_shown():
    assert charts.round_to(22.55, 1) == "22.6"  # halves up, as d3-format
    assert charts.round_to(0.1 + 0.2, 2) == "0.30"
    assert charts.round_to(2030.0, 0) == "2030"
    assert charts.round_to(-0.04, 1) == "0.0"
    assert charts._plain_number(0.1 + 0.2) == "0.3"
    assert charts._plain_number(2030.0) == "2030"


def test_csv_has_units_in_headers_and_one_line_cells():
    frame = pd.DataFrame({
        "label": ["Ola\nCell", "ACC"], "gwh": [20.0, 0.30000000000000004],
        "when": pd.to_datetime(["2025-03-03", "2026-03-27"]),
        "src": ["bs_2025_05_14", ["pib_2022", "bs_2024_01_02"]], "n": [1, None]})
    out = charts.csv_frame(frame, [
        charts.Col("label", "Firm"), charts.Col("gwh", "Installed", "GWh", 1),
        charts.Col("when", "As of", kind="date"), charts.Col("src", "Source", kind="source"),
        charts.Col("n", "Count")], register=REGISTER)
    assert list(out.columns) == ["Firm", "Installed (GWh)", "As of", "Source", "Count"]
    assert out.values.tolist() == [
        ["Ola Cell", "20.0", "2025-03-03", "Business Standard, May 2025", "1"],
        ["ACC", "0.3", "2026-03-27", "PIB, 2022; Business Standard, Jan 2024", ""]]
    text = charts.csv_text(out)
    assert "\r" not in text and len(text.strip().split("\n")) == 3
    with pytest.raises(ValueError, match="repeat"):
        charts.csv_frame(frame, [charts.Col("gwh", "A"), charts.Col("n", "A")])


def test_sources_are_named_by_publisher_and_date_and_linked():
    cites = charts.citations(["bs_2025_05_14", "pib_2022", "bs_2024_01_02", "unknown_1"],
                             REGISTER)
    assert charts.sources_text(cites, "Our arithmetic.") == (
        "Sources: Business Standard, Jan 2024 and May 2025; PIB, 2022; unknown_1. "
        "Our arithmetic.")
    assert charts.sources_text(cites[:1]) == "Source: Business Standard, May 2025."
    assert charts.sources_text([], "Source: PIB.") == "Source: PIB."
    markup = charts.sources_html(cites)
    assert '<a href="data_sources.html#src-bs-2024-01-02">Jan 2024</a>' in markup
    assert '<a href="data_sources.html#src-pib-2022">2022</a>' in markup
    assert cites[1].url == ""  # only http(s) addresses
    assert charts.source_ids(["a; b", ["c", "a"], None, float("nan"), ""]) == ["a", "b", "c"]


def test_labels_wrap_into_lines_for_axes_and_text_marks():
    assert charts.wrap("Reliance New Energy Battery Storage (Round 1)", 20) == [
        "Reliance New Energy", "Battery Storage", "(Round 1)"]
    expr = charts.lines_expr(["Short", "A much longer label than that"], 12)
    assert "Short" not in expr  # fits on one line: shown as it is
    assert '["A much", "longer label", "than that"]' in expr
    expr = charts.mapping_expr({'Say "x"': ["Say", '"x"']})
    assert expr == '(datum.label === "Say \\"x\\"" ? ["Say", "\\"x\\""] : datum.label)'
    data = pd.DataFrame({"y": ["a", "b"], "lines": [["one"], ["two", "lines"]]})
    layers = charts.lines_above(data, "lines", alt.Y("y:N"), gap=8, line_height=13)
    specs = [layer.to_dict() for layer in layers]
    assert [s["mark"]["dy"] for s in specs] == [-8, -21]  # the last line 8 px above


def _fig(**kw):
    data = pd.DataFrame({"firm": ["Ola", "ACC"], "gwh": [1.0, 0.0],
                         "source_id": ["bs_2025_05_14", "pib_2022"]})
    chart = alt.Chart(data).mark_bar().encode(x="gwh:Q", y="firm:N")
    args = dict(name="demo", title="Demo <chart>", takeaway="One line.",
                description="Bars: Ola 1 GWh, ACC 0 GWh.", source_note="Our arithmetic.",
                data=data, narrow=chart.properties(height=90),
                columns=[charts.Col("firm", "Firm"), charts.Col("gwh", "Installed", "GWh", 1),
                         charts.Col("source_id", "Source", kind="source")],
                as_of=pd.Timestamp("2026-03-27"), register=REGISTER)
    args.update(kw)
    return charts.figure(chart, **args)


def _href(markup: str, cls: str) -> str:
    return html.unescape(re.search(rf'class="{cls}" download="[^"]+" href="([^"]+)"',
                                   markup).group(1))


def test_figure_html_follows_the_caption_pattern():
    fig = _fig()
    markup = fig.html()
    assert re.search(r'<figcaption class="br-chart-head"><span class="br-chart-title" '
                     r'id="[^"]+">Demo &lt;chart&gt;</span> <span class="br-chart-takeaway">'
                     r"One line.</span></figcaption>", markup)
    assert ('<details class="br-describe"><summary>Describe this chart</summary>'
            '<p class="br-desc">Bars: Ola 1 GWh, ACC 0 GWh.</p></details>') in markup
    assert "Sources: Business Standard, <a" in markup and "Our arithmetic." in markup
    assert '<span class="br-save" hidden>' in markup
    assert 'download="demo.csv"' in markup and 'download="demo.json"' in markup
    rows = list(csv.reader(io.StringIO(base64.b64decode(
        _href(markup, "br-csv").split(",")[1]).decode())))
    assert rows == [["Firm", "Installed (GWh)", "Source"],
                    ["Ola", "1.0", "Business Standard, May 2025"], ["ACC", "0.0", "PIB, 2022"]]
    meta = json.loads(base64.b64decode(_href(markup, "br-meta").split(",")[1]).decode())
    assert meta["title"] == "Demo <chart>" and meta["licence"] == "CC BY 4.0"
    assert meta["as_of"] == "2026-03-27" and meta["as_of_basis"] == "analysis date"
    assert meta["data_file"] == "demo.csv"
    assert meta["source"] == fig.source_note == (
        "Sources: Business Standard, May 2025; PIB, 2022. Our arithmetic.")
    assert [s["publisher"] for s in meta["sources"]] == ["Business Standard", "PIB"]
    assert meta["columns"][1] == {"name": "Installed (GWh)", "unit": "GWh", "decimals": 1}
    bundle = json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>',
                                  markup, re.S).group(1))
    assert bundle["wide"]["width"] == bundle["narrow"]["width"] == "container"
    assert "datasets" not in bundle["wide"] and bundle["datasets"]  # the data, once
    assert bundle["narrow"]["height"] == 90 and bundle["narrowBelow"] == charts.NARROW_BELOW
    assert bundle["asOfText"] == "27 March 2026"
    rec = fig.record()
    assert rec["source_note"] == fig.source_note and rec["takeaway"] == "One line."


def test_as_of_falls_back_to_the_newest_source_and_old_callers_still_work():
    fig = _fig(as_of=None)
    assert fig.as_of == "2025-05-14" and fig.metadata()["as_of_basis"] == "newest source"
    data = pd.DataFrame({"v": [0.1 + 0.2], "when": pd.to_datetime(["2025-01-01"])})
    old = charts.figure(alt.Chart(data).mark_point().encode(x="v:Q"), name="old", title="T",
                        description="d", source_note="Source: PIB.", data=data)
    assert old.source_note == "Source: PIB." and old.csv.values.tolist() == [["0.3",
                                                                              "2025-01-01"]]
    assert '"narrow": null' in old.html()
    with pytest.raises(ValueError, match="source note"):
        charts.figure(alt.Chart(data).mark_point(), name="x", title="T", description="d",
                      source_note=" ", data=data)


def test_theme_stacks_legends_under_the_plot():
    cfg = charts.theme()["config"]
    assert cfg["legend"]["orient"] == "bottom"
    assert "direction: 'vertical'" in cfg["legend"]["layout"]["expr"]
    assert cfg["axis"]["labelLimit"] == 0 and cfg["legend"]["labelLimit"] == 0  # no "…"
    used = json.dumps(cfg)
    assert all(c in charts.COLORS.values() for c in re.findall(r"#[0-9a-f]{6}", used))


def test_a_static_figure_is_drawn_at_build_time_and_needs_no_chart_library():
    fig = _fig()
    markup = fig.as_static().html()
    assert "br-vega" not in markup and "<script" not in markup and "br-save" not in markup
    group = re.search(r'<div class="br-static" role="group" aria-label="([^"]+)" '
                      r'data-drawn="done">', markup)
    assert group and group.group(1) == "Chart: Demo &lt;chart&gt;"
    wide = re.search(r'<div class="br-static-wide">(<svg .*?</svg>)</div>', markup, re.S)
    narrow = re.search(r'<div class="br-static-narrow">(<svg .*?</svg>)</div>', markup, re.S)
    assert wide and narrow
    for svg, width in ((wide.group(1), 720), (narrow.group(1), 360)):
        head = svg[:svg.index(">")]
        assert 'role="img"' in head and 'aria-label="Bars: Ola 1 GWh, ACC 0 GWh."' in head
        assert f'viewBox="0 0 {width} ' in head  # the whole drawing at that width
        assert " width=" not in head  # scales with its column
        assert "Ola" in svg and "role-mark" in svg
    # The same caption, sources and downloads as the drawn figure.
    assert 'download="demo.csv"' in markup and "Sources: Business Standard, <a" in markup
    assert not fig.static  # as_static() makes a twin; the figure itself is unchanged


def test_a_figure_shown_in_another_folder_links_its_sources_from_there():
    # The front page (book/) shows the PLI chapter's chart (book/_generated/): its source
    # links must lead to "Data and sources" from the front page, not from the chapter.
    fig = _fig()
    beside = re.findall(r'href="([^"]*#src-[^"]*)"', fig.html())
    moved = re.findall(r'href="([^"]*#src-[^"]*)"', fig.as_static("_generated/data_sources.html")
                       .html())
    assert beside and all(h.startswith("data_sources.html#src-") for h in beside)
    assert moved == ["_generated/" + h for h in beside]


def test_a_figures_spec_is_made_once(monkeypatch):
    fig = _fig()
    calls = []
    real = type(fig.chart).to_dict
    monkeypatch.setattr(type(fig.chart), "to_dict",
                        lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    fig._repr_mimebundle_()
    fig._repr_mimebundle_()
    fig.to_vega_lite()["mark"] = "changed"  # a caller's copy
    assert len(calls) == 2  # the wide chart and the narrow one, once each
    assert fig.to_vega_lite()["mark"] != "changed"


def test_a_frame_several_layers_draw_is_turned_into_rows_once():
    frame = pd.DataFrame({"year": [2024, 2025], "gwh": [1.5, float("nan")], "what": ["a", "b"]})
    other = pd.DataFrame({"year": [2025], "gwh": [3.0], "what": ["c"]})

    def layered(width: int) -> alt.LayerChart:
        base = alt.Chart(frame).encode(x="year:Q", y="gwh:Q")
        return alt.layer(base.mark_line(), base.mark_point(), base.mark_text().encode(
            text="what:N"), alt.Chart(other).mark_rule().encode(x="year:Q")).properties(
            width=width)

    fig = charts.Figure(layered(600), narrow=layered(300), name="f", title="T",
                        description="D", source_note="N", data=frame)
    expected = (layered(600).to_dict(validate=False), layered(300).to_dict(validate=False))
    turned = []
    real = alt.data_transformers.get()
    alt.data_transformers.register("counting", lambda data: turned.append(id(data))
                                   or real(data))
    try:
        with alt.data_transformers.enable("counting"):
            assert (fig.spec, fig.narrow_spec) == expected  # the same spec as Altair's own
            # the active transformer is back, with its options
            assert (alt.data_transformers.active, alt.data_transformers.options) == (
                "counting", {})
    finally:
        alt.data_transformers.register("counting", None)
    assert sorted(turned) == sorted([id(frame), id(other)])  # each frame once, both layouts
    frame.loc[0, "gwh"] = 9.0  # a frame changed after: a new figure sees the change
    again = charts.Figure(layered(600), name="g", title="T", description="D",
                          source_note="N", data=frame)
    assert 9.0 in [row["gwh"] for rows in again.spec["datasets"].values() for row in rows]


def test_layered_is_altairs_layer_with_properties():
    frame = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    base = alt.Chart(frame).encode(x="x:Q", y="y:Q")
    p = alt.param(name="k", value=1)
    layers = (base.mark_line().add_params(p), base.mark_point())
    assert charts.layered(*layers, height=120, title="T").to_dict() == alt.layer(
        *layers).properties(height=120, title="T").to_dict()


def test_a_spec_that_fails_leaves_altairs_transformer_as_it_was():
    too_long = pd.DataFrame({"x": range(6000)})  # over Altair's 5,000 rows inline
    fig = charts.Figure(alt.Chart(too_long).mark_point().encode(x="x:Q"), name="f",
                        title="T", description="D", source_note="N", data=too_long)
    before = (alt.data_transformers.active, dict(alt.data_transformers.options))
    with pytest.raises(alt.MaxRowsError):
        fig.spec  # noqa: B018
    assert (alt.data_transformers.active, dict(alt.data_transformers.options)) == before
