"""The briefs' charts drawn ahead, while the notebooks still run.

A brief's layout search draws its charts at the heights it tries (:func:`typeset._compile`),
one after another, and each drawing holds the briefs' process for about 0.1-0.2 s: after a
number changed, that was most of the time the briefs took, and the briefs were the longer
of the two branches the build waits for (the site is the other).

Yet the notebooks' runner writes each report chart as soon as its cell has run
(:func:`batteryreport.build.kernels.figure_writer`), and the briefs' process has nothing to
do while the notebooks run. So the build gives it :func:`draw_ahead` then: a thread that
draws each chart written, at the scales the last build asked for it (kept by
:func:`remember_scales`, newest first), into the drawings kept between builds
(:func:`charts.cached_chart_svg`). The briefs' job stops it first (:func:`stop`, which
waits for the drawing under way) and finds those drawings kept. The scales are kept in
``.cache/brief-scales.json``; deleting it is safe (nothing is drawn ahead until a build
has made the briefs again).

Nothing here decides what a brief shows: a drawing is kept under its spec, its scale and
the drawing software, so one made from a chart that is not the one the brief finally
shows, or at a scale the search does not try, is simply not used. Any failure here means
only that the briefs draw what they need themselves, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import Any

SCALES_FILE = "brief-scales.json"  # in the build's cache: figure name -> scales
SCALES_KEPT = 6  # per figure, at most: every one this build asked, then earlier ones
POLL_SECONDS = 0.02  # how often the folder of charts written is looked at

_state: dict[str, Any] = {"thread": None, "stop": threading.Event(),
                          "finish": threading.Event()}


def remembered_scales(file: Path) -> dict[str, list[float]]:
    """The scales each figure was last asked for, by figure name (empty when none are
    kept or the file is damaged)."""
    try:
        found = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): [float(s) for s in v if isinstance(s, int | float)]
            for k, v in found.items() if isinstance(v, list)}


def remember_scales(file: Path, asked: list[tuple[str, float]]) -> None:
    """Keep the scales each figure was asked for in this build, in the order asked, then
    the ones kept before, up to :data:`SCALES_KEPT` a figure (this build's are all kept).
    ``asked``: (figure name, scale) pairs."""
    if not asked:
        return
    kept = remembered_scales(file)
    now: dict[str, list[float]] = {}
    for name, scale in asked:
        if scale not in now.setdefault(name, []):
            now[name].append(scale)
    for name, scales in now.items():
        older = [s for s in kept.get(name, []) if s not in scales]
        kept[name] = scales + older[:max(0, SCALES_KEPT - len(scales))]
    tmp = file.with_name(f".{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(OSError):  # (not kept: the next build draws nothing ahead)
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")
        os.replace(tmp, file)


def draw_ahead(figures: Path, charts: Path, scales_file: Path) -> None:
    """Start drawing, in a thread of this process, each chart written to ``figures`` at the
    scales kept in ``scales_file`` for its name, into the drawings kept in ``charts``; until
    :func:`stop`. A job for the briefs' process, posted when the notebooks start."""
    stop()
    scales = remembered_scales(scales_file)
    if not scales:  # a first build: nothing says which charts or heights the briefs want
        return
    halt, finish = threading.Event(), threading.Event()
    thread = threading.Thread(target=_draw_written,
                              args=(figures, charts, scales, halt, finish),
                              name="briefs-ahead", daemon=True)
    _state.update(thread=thread, stop=halt, finish=finish)
    thread.start()


def stop(finish: bool = False) -> None:
    """Stop drawing ahead, once the drawing under way is done (``finish``: once every
    chart written by now is drawn)."""
    thread = _state["thread"]
    (_state["finish"] if finish else _state["stop"]).set()
    if thread is not None:
        thread.join()
    _state["thread"] = None


def _draw_written(figures: Path, charts: Path, scales: dict[str, list[float]],
                  halt: threading.Event, finish: threading.Event) -> None:
    from batteryreport.build.briefs.charts import cached_chart_svg

    seen: set[str] = set()
    while not halt.is_set():
        last = finish.is_set()  # (then one more look: what was written by then is drawn)
        try:
            written = sorted(p for p in figures.iterdir() if p.suffix == ".json")
        except OSError:
            written = []
        for path in written:
            if path.name in seen:
                continue
            seen.add(path.name)
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                name, spec = str(record["name"]), record["spec"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            for scale in scales.get(name, []):
                if halt.is_set():
                    return
                with contextlib.suppress(Exception):  # the brief draws it, and says why
                    cached_chart_svg(spec, scale, charts)
        if last:
            return
        finish.wait(POLL_SECONDS)
