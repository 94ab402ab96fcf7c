"""What a build does before it imports anything heavy: find its folders, take the checkout's
lock, fork the notebooks' runner (:class:`batteryreport.build.kernels.Runner`) and start its
two helper processes (:mod:`batteryreport.build.helpers`).

The helpers' set-up (Sphinx and its extensions; Typst and the briefs' code) takes about
1.5 s of CPU. Started here, it runs on the second core while the build itself is still
importing pandas and the pipeline (about 0.4 s during which that core had nothing to do),
instead of after. This module imports only the standard library and light modules of the
package (no pandas: tests/unit/build/test_light_imports.py), so that
``python -m batteryreport build`` reaches this point in a few milliseconds. A build that
then finds nothing changed stops the helpers at once: they cost it about 0.3 s of CPU on
the other core, and no time. The runner, likewise, imports what the notebooks need (about
0.6 s) while the build imports and validates, so that it is ready when the chapters are
analysed; a build that finds no notebook to run stops it. When the last build left a
runner on standby, set up from the same inputs, none is forked: the standby is taken when
the first notebook is due (:func:`notebooks_runner`).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batteryreport import REPO_ROOT
from batteryreport.build import site
from batteryreport.build.helpers import HELPER_NICENESS, Helper
from batteryreport.core.env import ENV_DATA_DIR


@dataclass
class Layout:
    """Where everything lives; tests point it at a temporary copy of the repo."""

    root: Path = REPO_ROOT

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def generated(self) -> Path:
        return self.root / "book" / "_generated"

    @property
    def static(self) -> Path:
        return self.root / "book" / "_static"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def html(self) -> Path:
        return self.build / "html"

    @property
    def work(self) -> Path:
        return self.build / ".work"

    @property
    def figures(self) -> Path:
        """Where the notebooks that run write each report chart as it is shown, for the
        briefs' process to draw while they go on (:mod:`batteryreport.build.briefs.ahead`)."""
        return self.work / "figures"

    @property
    def brief_charts(self) -> Path:
        """The briefs' drawings, kept between builds (:func:`briefs.charts.cached_chart_svg`)."""
        return self.cache / "brief-charts"

    @property
    def brief_scales(self) -> Path:
        """The heights each chart was last asked at by the briefs (:mod:`briefs.ahead`)."""
        return self.cache / "brief-scales.json"


def data_folder_of(layout: Layout, data: str | None) -> Path:
    """The data folder a build reads: ``--data``, or the checkout's ``data/``."""
    return Path(data).resolve() if data else (layout.root / "data").resolve()


@contextlib.contextmanager
def build_lock(layout: Layout) -> Iterator[None]:
    """One build at a time per checkout: a second one waits instead of corrupting the first."""
    layout.cache.mkdir(parents=True, exist_ok=True)
    with open(layout.cache / "build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("  waiting  for another build of this checkout to finish", flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def site_env(data_folder: Path) -> dict[str, str]:
    return {ENV_DATA_DIR: str(data_folder)}  # the {num} role reads the source register


def site_folders(layout: Layout) -> tuple[str, str, str]:
    """The book's sources, the work folder's html and its Sphinx environment."""
    return str(layout.root), str(layout.work / "html"), str(layout.work / ".doctrees")


def prepare_briefs_process(chart_cache: Path, notebooks: Path) -> None:
    """Import what making the briefs needs (run in the briefs' process ahead of time), and
    start the chart renderer when no chart is kept from an earlier build (a rebuild
    usually redraws none, so it would be time spent for nothing)."""
    import pypdf  # noqa: F401
    import typst  # noqa: F401

    # The job's parameters arrive as a RunParams (its module imported to receive them),
    # and the source register is read with pandas: both imported here, not while the
    # build waits for the briefs (about 0.3 s).
    import batteryreport.data.params  # noqa: F401
    import batteryreport.present.glue  # noqa: F401
    from batteryreport.build.briefs import declared, make_briefs  # noqa: F401
    from batteryreport.data import sources  # noqa: F401

    # Read the notebooks' declarations once, for what that imports (each chapter's module,
    # the notebook schema's validator): the job reads them again, and reports any problem.
    with contextlib.suppress(Exception):
        declared(notebooks)
    # Which characters the briefs' typeface has (read from its files, about 0.1 s): each
    # chart is drawn in it alone when it has every character the chart's text uses.
    from batteryreport.build.briefs.charts import _primary_chars

    _primary_chars()
    if not any(chart_cache.glob("*")):  # a first build: every chart will be drawn
        warm_up_charts()


def warm_up_charts() -> None:
    """Start the briefs' chart renderer (a job for the briefs' process, posted when some
    notebook runs: its charts are then likely to be drawn again)."""
    from batteryreport.build.briefs.charts import warm_up

    warm_up()


def draw_charts_ahead(layout: Layout) -> None:
    """Draw the charts the notebooks show, as they show them, for the briefs (a job for
    the briefs' process, posted when some notebook runs: :mod:`batteryreport.build.briefs.
    ahead`)."""
    from batteryreport.build.briefs.ahead import draw_ahead

    draw_ahead(layout.figures, layout.brief_charts, layout.brief_scales)


@dataclass
class Helpers:
    briefs: Helper
    site: Helper
    notebooks: Any = None  # the notebooks' kernels.Runner (forked, or a standby's)


@dataclass(frozen=True)
class Role:
    """A helper: its name, its set-up and the set-up's arguments, its niceness, and what
    its standby does after the set-up (:mod:`batteryreport.build.standby`)."""

    name: str
    setup: Callable[..., None]
    args: tuple
    niceness: int
    then: tuple[Callable[[], None], ...] = ()
    serve: Callable[[Any], None] | None = None  # what it does once taken (None: jobs)


def roles(layout: Layout, data_folder: Path) -> tuple[Role, Role]:
    """The briefs' helper gets the CPU after the site's (a higher niceness): the site's
    set-up is the longer, and a rebuild needs it first. A standby of the briefs' helper
    also starts the chart renderer (a build starts it only when charts may be drawn)."""
    return (Role("briefs", prepare_briefs_process,
                 (layout.brief_charts, layout.notebooks), HELPER_NICENESS + 5,
                 then=(warm_up_charts,)),
            Role("site", site.prepare, (*site_folders(layout), site_env(data_folder)),
                 HELPER_NICENESS))


def runner_role() -> Role:
    """The notebooks' runner (:class:`batteryreport.build.kernels.Runner`): its standby
    imports what the notebooks need, as the runner a build forks does, and once taken
    runs the build's notebooks as that runner would. Not niced: its notebooks are the
    build's critical path."""
    from batteryreport.build import kernels

    return Role("notebooks", kernels.prepare, (), 0, serve=kernels.serve)


def notebooks_runner(layout: Layout, environment: dict[str, str] | None, code: str) -> Any:
    """The notebooks' runner: the standby an earlier build left set up from the same
    inputs, taken when the first notebook is due, when there is one and ``environment``
    (the command's, as it started) and ``code`` (:func:`_code`) are given; else a fork of
    this process, made now."""
    from batteryreport.build.kernels import Runner

    return Runner(standby=_standby_of(layout, runner_role(), environment, code))


def _code(environment: dict[str, str] | None) -> str:
    """The package's code hash, when standbys are looked for ("": none are)."""
    from batteryreport.build import standby

    try:
        return standby.code_hash() if environment is not None else ""
    except OSError:  # a file changing as it is read: no standby this time
        return ""


def _standby_of(layout: Layout, role: Role, environment: dict[str, str] | None, code: str
                ) -> Callable[[], Any] | None:
    """What takes over the standby an earlier build left for ``role``, set up from the same
    inputs (``environment``, the command's as it started, and ``code``), or None: none
    waits, or standbys are not looked for (no ``environment`` or ``code``)."""
    from batteryreport.build import standby

    if environment is None or not code:
        return None
    folder = standby.folder_of(layout.cache)
    try:
        key = standby.key_of(role.name, role.setup, role.args, environment, code)
        if standby.waiting(folder, role.name, key):
            return functools.partial(standby.take, folder, role.name, key)
    except OSError:  # a file changing as it is read: no standby this time
        pass
    return None


@contextlib.contextmanager
def helpers(layout: Layout, data_folder: Path, environment: dict[str, str] | None = None,
            code: str = "") -> Iterator[Helpers]:
    """The briefs' and the site's helper processes, set up while the build goes on; both
    are stopped when the build is done with them (or fails, or finds nothing to do).

    Each is the standby an earlier build left set up from the same inputs, when there is
    one and ``environment`` (the command's environment as it started) and ``code``
    (:func:`_code`) are given; else a new process. The command starts them while it holds
    the build lock (:func:`begun`): the site's helper reads the Sphinx environment that
    another build of the checkout may be writing. (``pipeline.build`` called without
    them, as the tests do, starts its own.)
    """
    with contextlib.ExitStack() as stack:
        made = [stack.enter_context(Helper(
            role.name, role.setup, *role.args, niceness=role.niceness,
            standby=_standby_of(layout, role, environment, code)))
            for role in roles(layout, data_folder)]
        yield Helpers(*made)


def leave_standbys(layout: Layout, data_folder: Path, environment: dict[str, str]) -> None:
    """Start the helpers' standbys for the next build (see build/standby.py)."""
    from batteryreport.build import standby

    code = standby.code_hash()
    folder = standby.folder_of(layout.cache)
    for role in (*roles(layout, data_folder), runner_role()):
        key = standby.key_of(role.name, role.setup, role.args, environment, code)
        if not standby.waiting(folder, role.name, key):  # (the build did not need it)
            standby.launch(folder, role.name, role.setup, role.args, role.niceness,
                           environment, code, role.then, role.serve)


def data_valid(layout: Layout, data: str | None) -> bool:
    """The data tables pass validation (read without pandas: about 0.05 s). The build
    validates them again (from the same reads) and reports any problem; this only decides
    whether the helpers are worth starting: bad data is the common way a build stops
    before it needs them."""
    from batteryreport.core.errors import InputError
    from batteryreport.data import validate

    try:
        validate(data_folder_of(layout, data))
    except InputError:
        return False
    return True


# The record of the last successful build (written by the pipeline).
LAST_BUILD = "last-build.json"


def analysis_inputs(layout: Layout, data_folder: Path, params: str | None, code: str) -> str:
    """What the chapters' analyses read, as one hash (standard library only): the
    package's code, the parameters' files and every file of the data folder."""
    from batteryreport.build.keys import sha_of

    files = [layout.root / "params" / "default.yml", *([Path(params).resolve()] if params else [])]
    files += sorted(p for p in data_folder.rglob("*") if p.is_file())
    return sha_of([code.encode()] + [str(p).encode() + b"\0" + _bytes_or_missing(p)
                                     for p in files])


def _bytes_or_missing(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def analyse_as_begun(runner: Any, layout: Layout, data_folder: Path, params: str | None,
                     code: str) -> None:
    """When an earlier build left the notebooks' runner set up (from this code), and the
    data or the parameters' files changed since the last successful build, take the
    runner now and have it compute the chapters whose inputs changed
    (:func:`kernels.analyse_ahead`) while this process imports the pipeline (about
    0.3 s): the build's own analysis then finds their results stored. When neither
    changed, the runner is left waiting. A build that then stops (bad parameters) or
    runs no notebook (each restored from the cache of an earlier run) has taken it all
    the same, and its successor sets up after the build."""
    import json

    from batteryreport.build import kernels

    if not runner.standing_by or not code:  # (forked: it is still importing; or no
        return  # standbys are looked for)
    try:
        last = json.loads((layout.cache / LAST_BUILD).read_text(encoding="utf-8"))
        if last.get("analysis_inputs") == analysis_inputs(layout, data_folder, params, code):
            return
    except (OSError, ValueError, AttributeError):  # no record (or a damaged one): analyse
        pass
    runner.send_ahead(kernels.analyse_ahead, params, layout.root / "params" / "default.yml",
                      layout.notebooks, data_folder, layout.work / "results", code)


@contextlib.contextmanager
def begun(root: str | None, data: str | None, params: str | None = None
          ) -> Iterator[tuple[Layout, Helpers | None]]:
    """A command's build, begun: its layout, the lock held, the notebooks' runner forked
    (or its standby found, to take when a notebook is due) and the helpers started (or
    taken over from their standbys), unless its data fails
    validation (None: the build then reports the problems and stops before it needs
    them). When the build is done, it leaves standbys for the next one, unless
    ``BATTERYREPORT_STANDBY=0``."""
    from batteryreport.build import standby

    environment = dict(os.environ)  # as the command started: the build adds to it
    layout = Layout(Path(root).resolve()) if root else Layout()
    data_folder = data_folder_of(layout, data)
    keep = standby.enabled(environment)
    with build_lock(layout):
        valid = data_valid(layout, data)
        with contextlib.ExitStack() as stack:
            started = None
            if valid:
                # The notebooks' runner first: a fork, it must not hold the helpers'
                # connections (their end of file is the build's end).
                looked_for = environment if keep else None
                code = _code(looked_for)  # (read once: "" when no standby is looked for)
                runner = stack.enter_context(notebooks_runner(layout, looked_for, code))
                analyse_as_begun(runner, layout, data_folder, params, code)
                started = stack.enter_context(helpers(layout, data_folder, looked_for, code))
                started.notebooks = runner
            yield layout, started
        if valid and keep:
            try:
                leave_standbys(layout, data_folder, environment)
            except Exception as exc:  # noqa: BLE001 (the build is done: say so, go on)
                print(f"  standby  none left for the next build ({type(exc).__name__}: "
                      f"{exc})", flush=True)
