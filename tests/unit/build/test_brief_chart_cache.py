"""Brief charts are kept between builds: an unchanged chart is not drawn again, a changed
one is, and a damaged entry is drawn again."""

import time

import batteryreport.build.briefs.charts as charts

SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"firm": "Ola", "gwh": 1.0}, {"firm": "ACC", "gwh": 0.0}]},
        "mark": "bar", "encoding": {"x": {"field": "gwh", "type": "quantitative"},
                                    "y": {"field": "firm", "type": "nominal"}}}


def test_a_chart_is_drawn_once_and_read_back(tmp_path, monkeypatch):
    drawn = []
    real = charts.chart_svg
    monkeypatch.setattr(charts, "chart_svg",
                        lambda spec, scale: drawn.append(scale) or real(spec, scale))
    first = charts.cached_chart_svg(SPEC, 1.0, tmp_path)
    again = charts.cached_chart_svg(SPEC, 1.0, tmp_path)
    assert again == first and drawn == [1.0] and first[0].startswith("<svg")
    charts.cached_chart_svg(SPEC, 0.8, tmp_path)  # another scale is another drawing
    changed = {**SPEC, "mark": "point"}
    charts.cached_chart_svg(changed, 1.0, tmp_path)
    assert drawn == [1.0, 0.8, 1.0] and len(list(tmp_path.glob("*.json"))) == 3
    for entry in tmp_path.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert charts.cached_chart_svg(SPEC, 1.0, tmp_path) == first
    assert len(drawn) == 4


def test_the_drawings_used_least_recently_go_first(tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "CHART_CACHE_MAX", 2)
    monkeypatch.setattr(charts, "chart_svg", lambda spec, scale: (f"<svg>{scale}</svg>", 1.0))
    for scale in (1.0, 0.9, 0.8):
        charts.cached_chart_svg(SPEC, scale, tmp_path)
        time.sleep(0.01)  # (distinct times)
    first = charts.cached_chart_svg(SPEC, 1.0, tmp_path)  # a kept drawing, used again
    assert len(list(tmp_path.glob("*.json"))) == 3  # pruned once a build, not per drawing
    charts.prune_chart_cache(tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 2
    drawn = []
    monkeypatch.setattr(charts, "chart_svg", lambda spec, scale: drawn.append(scale) or first)
    assert charts.cached_chart_svg(SPEC, 1.0, tmp_path) == first  # the oldest, but in use
    charts.cached_chart_svg(SPEC, 0.8, tmp_path)
    assert drawn == []
    charts.cached_chart_svg(SPEC, 0.9, tmp_path)  # used least recently: it went
    assert drawn == [0.9]
    charts.prune_chart_cache(tmp_path / "none")  # no folder yet: nothing to do


def test_two_threads_drawing_the_same_chart_both_succeed(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(charts, "chart_svg", lambda spec, scale: ("<svg/>", 1.0))
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: charts.cached_chart_svg(SPEC, 1.0, tmp_path),
                                range(32)))
    assert results == [("<svg/>", 1.0)] * 32
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]
