"""The briefs' charts drawn ahead (build/briefs/ahead.py): the scales each chart was asked
for are kept, newest first; a thread draws each chart written at those scales into the
drawings kept between builds, every chart's first scale before any chart's second, and
stops when asked."""

import json
import os
import threading

import pytest

import batteryreport.build.briefs.charts as charts
from batteryreport.build.briefs import ahead

SPEC = {"mark": "bar", "data": {"values": [{"gwh": 1.0}]},
        "encoding": {"x": {"field": "gwh", "type": "quantitative"}}}


@pytest.fixture
def drawn(monkeypatch):
    """Every (chart name, scale) drawn, without drawing (vl-convert is not needed here)."""
    seen: list[tuple[str, float]] = []
    lock = threading.Lock()

    def fake(spec, scale):
        with lock:
            seen.append((spec["description"], scale))
        return f"<svg>{scale}</svg>", 1.0

    monkeypatch.setattr(charts, "chart_svg", fake)
    yield seen
    ahead.stop()


def write_figure(folder, notebook, name, spec=None):
    """As the notebooks' runner writes a chart: whole (a temporary file renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "title": name, "spec": {**(spec or SPEC), "description": name}}
    tmp = folder / f".{notebook}--{name}.json.tmp"
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, folder / f"{notebook}--{name}.json")


def test_the_scales_asked_are_kept_newest_first_and_every_one_asked_now(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(ahead, "SCALES_KEPT", 4)
    file = tmp_path / "cache" / "brief-scales.json"
    assert ahead.remembered_scales(file) == {}
    ahead.remember_scales(file, [("cap", 0.708), ("metals", 0.708), ("cap", 0.62),
                                 ("cap", 0.708), ("cap", 0.901)])
    assert ahead.remembered_scales(file) == {"cap": [0.708, 0.62, 0.901], "metals": [0.708]}
    ahead.remember_scales(file, [("cap", 0.5), ("cap", 0.62)])  # (metals not asked now)
    assert ahead.remembered_scales(file) == {"cap": [0.5, 0.62, 0.708, 0.901],
                                             "metals": [0.708]}
    ahead.remember_scales(file, [("cap", 0.4)])
    assert ahead.remembered_scales(file)["cap"] == [0.4, 0.5, 0.62, 0.708]
    many = [0.9, 0.8, 0.7, 0.6, 0.55]  # a long search: every height it asked is kept
    ahead.remember_scales(file, [("cap", s) for s in many])
    assert ahead.remembered_scales(file)["cap"] == many
    ahead.remember_scales(file, [])  # a build that asked for none keeps what was kept
    assert ahead.remembered_scales(file)["metals"] == [0.708]
    file.write_text("{damaged", encoding="utf-8")
    assert ahead.remembered_scales(file) == {}
    file.write_text('{"cap": [0.7, "x"], "bad": 3}', encoding="utf-8")
    assert ahead.remembered_scales(file) == {"cap": [0.7]}


def test_each_chart_written_is_drawn_at_its_remembered_scales_into_the_kept_drawings(
        tmp_path, drawn):
    figures, kept, scales = tmp_path / "figures", tmp_path / "charts", tmp_path / "s.json"
    ahead.remember_scales(scales, [("recycling--cap", 0.708), ("recycling--cap", 0.62),
                                   ("pli--other", 0.5)])
    write_figure(figures, "recycling", "cap")
    write_figure(figures, "recycling", "whatif")  # in no brief: no scale kept, not drawn
    ahead.draw_ahead(figures, kept, scales)
    write_figure(figures, "pli", "other")  # written while it runs
    assert ahead.finish() == 3
    assert [d for d in drawn if d[0] == "cap"] == [("cap", 0.708), ("cap", 0.62)]  # in order
    assert sorted(drawn) == [("cap", 0.62), ("cap", 0.708), ("other", 0.5)]
    # The briefs then find them kept (the same spec, the same scale): nothing is drawn.
    spec = json.loads((figures / "recycling--cap.json").read_text())["spec"]
    assert charts.cached_chart_svg(spec, 0.62, kept) == ("<svg>0.62</svg>", 1.0)
    assert len(drawn) == 3
    ahead.draw_ahead(figures, kept, scales)  # the next build: all kept, none drawn again
    assert ahead.finish() == 0 and len(drawn) == 3


def test_every_charts_first_scale_is_drawn_before_any_charts_second(tmp_path, drawn):
    figures, scales = tmp_path / "figures", tmp_path / "s.json"
    ahead.remember_scales(scales, [("a--one", 0.7), ("a--one", 0.6), ("a--one", 0.5),
                                   ("b--two", 0.7), ("b--two", 0.6)])
    write_figure(figures, "a", "one")
    write_figure(figures, "b", "two")
    ahead.draw_ahead(figures, tmp_path / "charts", scales)  # (both written before it looks)
    ahead.finish()
    assert drawn == [("one", 0.7), ("two", 0.7), ("one", 0.6), ("two", 0.6), ("one", 0.5)]


def test_a_chart_written_again_is_drawn_as_written_last(tmp_path, monkeypatch):
    figures, scales = tmp_path / "figures", tmp_path / "s.json"
    ahead.remember_scales(scales, [("a--one", 0.7)])
    write_figure(figures, "a", "one", {**SPEC, "mark": "point"})
    first = figures / "a--one.json"
    os.utime(first, ns=(1, 1))  # (an older file: the rewrite below is seen as new)
    seen = threading.Event()
    drawn = []
    monkeypatch.setattr(ahead, "POLL_SECONDS", 0.01)

    def fake(spec, scale):
        drawn.append(spec["mark"])
        seen.set()
        return "<svg/>", 1.0

    monkeypatch.setattr(charts, "chart_svg", fake)
    ahead.draw_ahead(figures, tmp_path / "charts", scales)
    assert seen.wait(5)
    write_figure(figures, "a", "one", {**SPEC, "mark": "line"})
    ahead.finish()
    assert drawn == ["point", "line"]


def test_stopping_waits_for_the_drawing_under_way_and_draws_no_more(tmp_path, monkeypatch):
    figures, scales = tmp_path / "figures", tmp_path / "s.json"
    ahead.remember_scales(scales, [("recycling--cap", 0.7), ("recycling--cap", 0.6),
                                   ("recycling--cap", 0.5)])
    started, release, done = threading.Event(), threading.Event(), []

    def slow(spec, scale):
        started.set()
        release.wait(5)
        done.append(scale)
        return "<svg/>", 1.0

    monkeypatch.setattr(charts, "chart_svg", slow)
    write_figure(figures, "recycling", "cap")
    ahead.draw_ahead(figures, tmp_path / "charts", scales)
    assert started.wait(5)
    made = []
    stopper = threading.Thread(target=lambda: made.append(ahead.stop()))
    stopper.start()
    stopper.join(0.2)
    assert stopper.is_alive()  # still drawing the first
    release.set()
    stopper.join(5)
    assert not stopper.is_alive() and done == [0.7] and made == [1]


def test_nothing_is_drawn_without_kept_scales_or_from_a_damaged_record(tmp_path, drawn):
    figures = tmp_path / "figures"
    write_figure(figures, "recycling", "cap")
    ahead.draw_ahead(figures, tmp_path / "charts", tmp_path / "none.json")  # a first build
    assert ahead.finish() == 0
    scales = tmp_path / "s.json"
    ahead.remember_scales(scales, [("recycling--cap", 0.7)])
    (figures / "recycling--cap.json").write_text("{not json", encoding="utf-8")
    (figures / ".recycling--cap.json.tmp").write_text("{}", encoding="utf-8")  # being written
    ahead.draw_ahead(figures, tmp_path / "charts", scales)
    ahead.finish()
    ahead.draw_ahead(tmp_path / "no-such-folder", tmp_path / "charts", scales)
    ahead.finish()
    assert drawn == []


def test_a_chart_that_cannot_be_drawn_is_left_to_the_briefs(tmp_path, monkeypatch):
    figures, scales = tmp_path / "figures", tmp_path / "s.json"
    ahead.remember_scales(scales, [("a--bad", 0.7), ("b--cap", 0.7)])
    tried = []

    def fake(spec, scale):
        tried.append(spec["description"])
        if spec["description"] == "bad":
            raise ValueError("vl-convert refused it")
        return "<svg/>", 1.0

    monkeypatch.setattr(charts, "chart_svg", fake)
    write_figure(figures, "a", "bad")
    write_figure(figures, "b", "cap")
    ahead.draw_ahead(figures, tmp_path / "charts", scales)
    assert ahead.finish() == 1
    assert tried == ["bad", "cap"]
    assert len(list((tmp_path / "charts").glob("*.json"))) == 1
