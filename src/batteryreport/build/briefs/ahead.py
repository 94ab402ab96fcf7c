"""The briefs' charts drawn ahead, while the notebooks still run.

A brief's layout search draws its charts at the heights it tries (:func:`typeset._compile`),
one after another, and each drawing holds the briefs' process for about 0.1-0.2 s: after a
number changed, that was most of the time the briefs took, and the briefs were the longer
of the two branches the build waits for (the site is the other).

Yet the notebooks' runner writes each report chart as soon as its cell has run
(:func:`batteryreport.build.kernels.figure_writer`, as ``<notebook>--<name>.json``), and
the briefs' process has nothing to do while the notebooks run. So the build gives it
:func:`draw_ahead` then: a thread that draws each chart written into the drawings kept
between builds (:func:`charts.cached_chart_svg`), at the heights the last build's briefs
asked for it (:func:`remember_scales`: every height asked then, in the order asked, and
earlier ones up to :data:`SCALES_KEPT`). Every chart's first height is drawn before any
chart's second, and so on: the thread is stopped when the briefs' job starts
(:func:`stop`, which waits for the drawing under way), so what is left undrawn is what a
brief's search would ask for last. The heights are kept in ``.cache/brief-scales.json``;
deleting it is safe (nothing is drawn ahead until a build has made the briefs again).

Nothing here decides what a brief shows: a drawing is kept under its spec, its height and
the drawing software, so one made from a chart that is not the one the brief finally
shows, or at a height the search does not try, is simply not used. Any failure here means
only that the briefs draw what they need themselves, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCALES_KEPT = 6  # per chart, at most: every height the last build asked, then earlier ones
POLL_SECONDS = 0.02  # how often the folder of charts written is looked at


def remembered_scales(file: Path) -> dict[str, list[float]]:
    """The heights (scales) each chart was last asked at, by ``<notebook>--<name>`` (empty
    when none are kept or the file is damaged)."""
    try:
        found = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): [float(s) for s in v if isinstance(s, int | float)]
            for k, v in found.items() if isinstance(v, list)}


def remember_scales(file: Path, asked: list[tuple[str, float]]) -> None:
    """Keep the heights each chart was asked at in this build, in the order asked, then the
    ones kept before, up to :data:`SCALES_KEPT` a chart (this build's are all kept).
    ``asked``: (chart, scale) pairs. A file that cannot be written is not kept."""
    if not asked:
        return
    kept = remembered_scales(file)
    now: dict[str, list[float]] = {}
    for chart, scale in asked:
        if scale not in now.setdefault(chart, []):
            now[chart].append(scale)
    for chart, scales in now.items():
        older = [s for s in kept.get(chart, []) if s not in scales]
        kept[chart] = scales + older[:max(0, SCALES_KEPT - len(scales))]
    tmp = file.with_name(f".{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")
        os.replace(tmp, file)


@dataclass
class _Drawer:
    """The thread drawing ahead, and how it is told to end."""

    thread: threading.Thread | None = None
    wake: threading.Event = field(default_factory=threading.Event)  # (stop or finish)
    stopping: bool = False  # end once the drawing under way is done
    finishing: bool = False  # end once every chart written by then is drawn
    drawn: int = 0  # drawings made (not found kept)


_drawer = _Drawer()


def draw_ahead(figures: Path, charts: Path, scales_file: Path) -> None:
    """Start drawing, in a thread of this process, each chart written to ``figures`` at the
    heights kept in ``scales_file`` for it, into the drawings kept in ``charts``; until
    :func:`stop` (or :func:`finish`). A job for the briefs' process, posted when the
    notebooks start."""
    global _drawer
    stop()
    _drawer = drawer = _Drawer()
    scales = remembered_scales(scales_file)
    if not scales:  # a first build: nothing says which charts or heights the briefs want
        return
    drawer.thread = threading.Thread(target=_draw_written,
                                     args=(drawer, figures, charts, scales),
                                     name="briefs-ahead", daemon=True)
    drawer.thread.start()


def stop() -> int:
    """Stop drawing ahead once the drawing under way is done; how many drawings were made
    (0 when none was under way)."""
    return _end(finishing=False)


def finish() -> int:
    """Stop drawing ahead once every chart written by now is drawn at all its heights; how
    many drawings were made."""
    return _end(finishing=True)


def _end(finishing: bool) -> int:
    global _drawer
    drawer, _drawer = _drawer, _Drawer()  # (a later stop says 0: nothing drawn since)
    if finishing:
        drawer.finishing = True
    else:
        drawer.stopping = True
    drawer.wake.set()
    if drawer.thread is not None:
        drawer.thread.join()
        drawer.thread = None
    return drawer.drawn


def _draw_written(drawer: _Drawer, figures: Path, charts: Path,
                  scales: dict[str, list[float]]) -> None:
    from batteryreport.build.briefs.charts import cached_chart_svg, chart_is_kept

    seen: dict[str, int] = {}  # file -> the modification it was read at
    # (rank of the height, order written, file, spec, scale): one drawing to make
    todo: list[tuple[int, int, str, dict[str, Any], float]] = []
    while not drawer.stopping:
        last_look = drawer.finishing  # (then what was written by now is all drawn)
        for path in _written(figures):
            try:
                changed = path.stat().st_mtime_ns
                if seen.get(path.name) == changed:
                    continue
                spec = json.loads(path.read_text(encoding="utf-8"))["spec"]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # (looked at again next time)
            seen[path.name] = changed
            todo = [item for item in todo if item[2] != path.name]  # (written again)
            todo += [(rank, len(seen), path.name, spec, scale)
                     for rank, scale in enumerate(scales.get(path.stem, []))]
        if not todo:
            if last_look:
                return
            drawer.wake.wait(POLL_SECONDS)
            continue
        todo.sort(key=lambda item: item[:2])  # every chart's first height, then second...
        *_, spec, scale = todo.pop(0)
        with contextlib.suppress(Exception):  # the briefs draw it, and say what is wrong
            if not chart_is_kept(spec, scale, charts):
                cached_chart_svg(spec, scale, charts)
                drawer.drawn += 1


def _written(figures: Path) -> list[Path]:
    try:
        return sorted(p for p in figures.iterdir() if p.suffix == ".json")
    except OSError:
        return []
