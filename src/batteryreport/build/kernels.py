"""Notebook execution: papermill, each notebook in a fresh fork of the notebooks' runner.

Starting a Jupyter kernel costs about 0.6 s, and importing pandas, Altair and the report's
package in it about 1 s more: as much as running a chapter's cells, paid again by every
kernel. So those modules are imported once (:func:`prepare`), then each notebook runs in a
child process forked from the process that imported them, under papermill with an
in-process IPython kernel (:mod:`ipykernel.inprocess`). A fork starts in milliseconds with
everything imported.

The build command forks that process, the :class:`Runner`, as soon as it holds the lock
and its data passed validation, before it imports the pipeline: the runner imports what the
notebooks need (about 0.6 s) on the other core while the build imports, validates and
analyses, instead of after, when the notebooks are due. A build that then finds no notebook
to run stops it at once. (``pipeline.build`` called without it, as the tests do, forks one
when some notebook's inputs changed.) When the last build of the checkout left a runner on
standby (:mod:`batteryreport.build.standby`), set up from the same code, environment and
files, the build forks none: it takes the standby when the first notebook is due, and the
notebooks are forked from it, the same way (:func:`serve`).

A notebook still shares nothing with the build or with another notebook: its child
starts with an empty namespace, the environment names only its own tables, and all that
comes back is the executed notebook file and a (seconds, error) pair. A notebook that
kills its process fails alone, with the exit code, and the others run. At most ``jobs``
children run at once; each exits with the build if the build is killed.

The executed notebook is normalised so that the same inputs give the same bytes whatever
process ran it: cell ids and execution counts numbered in each notebook, papermill's
timings removed, the parameters cells hidden from readers.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batteryreport.data import ENV_DATA_DIR, ENV_TABLES

if TYPE_CHECKING:  # (nbformat, imported with it, is for the runner to import)
    from batteryreport.build.notebooks import NotebookSpec

# What every chapter notebook imports, what runs them, and what analysing a chapter
# imports (its fingerprint and key, and the build's parameters it is sent: pydantic,
# 0.1 s, which a runner's standby would otherwise import on the critical path): imported
# once, before the first fork. (The debugger's modules are what an IPython kernel imports
# when it starts; myst_nb's glue, what a notebook's first glued value imports.)
WARM_IMPORTS = ("batteryreport.build.notebooks", "batteryreport.chapters",
                "batteryreport.build.fingerprint", "batteryreport.build.keys",
                "batteryreport.data.load", "batteryreport.data.params",
                "batteryreport.present.charts", "batteryreport.present.glue",
                "batteryreport.present.tables",
                "papermill", "nbclient", "ipykernel.inprocess.ipkernel",
                "ipykernel.inprocess.manager", "ipykernel.inprocess.blocking",
                "ipykernel.debugger", "myst_nb.ext.glue")
# What every notebook's process imported again, after the fork, for itself (about 0.05 s
# of a chapter's run): the rest of what an IPython kernel imports as it starts, and what
# a table's CSV download and a figure's records need. Internals of the pinned versions:
# one that is gone is skipped (the notebooks import what they need anyway).
KERNEL_IMPORTS = ("IPython.core.application", "IPython.core.completerlib",
                  "IPython.core.crashhandler", "IPython.core.logger", "IPython.core.oinspect",
                  "IPython.utils.wildcard", "bdb", "tornado.platform.asyncio",
                  "zmq.utils.garbage", "pandas.core.methods.to_dict",
                  "pandas.io.formats.csvs")


@functools.cache  # once a process: run() calls it again for each batch of notebooks
def prepare() -> None:
    """Import what the notebooks and their kernels need, and the chapters' analyses and
    presentation, and make one small chart (once, before the first fork)."""
    from batteryreport.chapters import MODULES

    # pydevd, imported with ipykernel, warns about frozen modules on stderr otherwise.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in (*WARM_IMPORTS, *MODULES.values(), *_presentation()):
        importlib.import_module(name)
    for name in KERNEL_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from batteryreport.build.notebooks import warm_reader

    warm_reader()  # or each notebook compiles the notebook format's validator again
    with contextlib.suppress(Exception):  # only a head start: a notebook would do it
        _warm_charts()


def _presentation() -> list[str]:
    """Every module of the presentation layer (each chapter notebook imports its own)."""
    import pkgutil

    import batteryreport.present as present

    return [f"{present.__name__}.{m.name}" for m in pkgutil.iter_modules(present.__path__)]


def _warm_charts() -> None:
    """A small layered chart's spec from a data frame, made and dropped: Altair's first
    spec from a frame imports its data-frame adapter (narwhals, for pandas) and looks its
    plugins up among every installed package's entry points (cached for the process),
    about 0.05 s that every notebook's process paid again. With the frame's CSV and
    records, it also sets up pandas code paths that each fork's first analysis set up
    again (analysing two chapters in a fork: about 0.2 s instead of 0.3 s)."""
    import warnings

    import altair as alt
    import pandas as pd

    from batteryreport.present.charts import _spec_of

    frame = pd.DataFrame({"year": [2024, 2025], "gwh": [1.0, 2.0], "kind": ["a", "b"]})
    line = alt.Chart(frame).mark_line().encode(x="year:O", y="gwh:Q", color="kind:N")
    with warnings.catch_warnings():  # a warning here must not be one a notebook misses
        warnings.simplefilter("ignore")
        _spec_of(alt.LayerChart(layer=[line, line.mark_point()]), {})
        frame.to_csv(index=False)
        frame.to_dict("records")


@dataclass(frozen=True)
class Task:
    spec: NotebookSpec
    parameters: dict[str, Any]
    output: Path
    figures: Path | None = None  # where its report charts are written as they are shown


def run(tasks: list[Task], jobs: int, env: dict[str, str], cwd: Path,
        logs: Path) -> Iterator[tuple[Task, float, str]]:
    """Run the notebooks, at most ``jobs`` at once, each in a fresh fork; yield
    (task, seconds, error text) as each finishes, in the order they finish."""
    import multiprocessing
    from multiprocessing.connection import wait

    prepare()
    logs.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    pending = list(tasks)
    running: dict[int, tuple[Any, Any, Task, float, Path]] = {}  # sentinel -> child
    # What the build holds now is shared with every child; frozen, the children's garbage
    # collections do not walk it (nor copy its memory pages by touching it).
    gc.freeze()
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                task = pending.pop(0)
                log = logs / f"{task.spec.name}.log"
                receive, send = context.Pipe(duplex=False)
                child = context.Process(target=_child, name=f"notebook-{task.spec.name}",
                                        args=(send, task, env, str(cwd), str(log)))
                child.start()
                send.close()
                running[child.sentinel] = (child, receive, task, time.perf_counter(), log)
            for sentinel in wait(list(running)):
                child, receive, task, started, log = running.pop(sentinel)
                child.join()
                try:
                    seconds, error = receive.recv() if receive.poll() else (None, None)
                except EOFError:
                    seconds, error = None, None
                receive.close()
                if seconds is None:
                    seconds = time.perf_counter() - started
                    error = (f"its process died (exit code {child.exitcode}) "
                             f"(output: {log})")
                    task.output.with_suffix(".tmp.ipynb").unlink(missing_ok=True)
                yield task, seconds, error
    finally:
        gc.unfreeze()
        for child, *_ in running.values():  # the build stopped before they finished
            child.terminate()
            child.join()


class Runner:
    """The process the notebooks are forked from: a fork of the build, made before the
    build analyses the chapters, which imports what the notebooks need (:func:`prepare`)
    meanwhile (or a standby that imported it before the build began, below). :meth:`run`
    is :func:`run` done there. It exits with the build, and a notebook's process with it.

    With ``standby`` (a function that takes over a runner an earlier build left set up,
    :mod:`batteryreport.build.standby`, and returns its connection and process, or None),
    no fork is made until :meth:`start`, which takes the standby, and forks only if it
    cannot be taken; a build that runs no notebook leaves the standby waiting, unless it
    had the standby analyse as it began (:meth:`send_ahead`: the data or the parameters
    had changed)."""

    name = "notebooks"

    def __init__(self, standby: Callable[[], tuple[Any, Any] | None] | None = None) -> None:
        self.kept = False  # a standby's
        self._standby = standby
        self._conn: Any = None
        self._process: Any = None
        self._ahead = 0  # calls sent ahead whose replies are still to be read
        self.ahead: list[Any] = []  # the values of the calls sent ahead that succeeded
        if standby is None:
            self._fork()

    def _fork(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_runner, args=(child, self._conn),
                                        name="notebooks")
        self._process.start()
        child.close()

    def start(self) -> None:
        """Take the standby, or fork (before the build starts a thread of its own: a
        fork copies only the thread that makes it)."""
        from batteryreport.build.helpers import taken

        if self._conn is not None:
            return
        standby = taken(self._standby)
        if standby is None:
            self._fork()
        else:
            (self._conn, self._process), self.kept = standby, True

    @property
    def standing_by(self) -> bool:
        """A standby was found for it, and is not taken yet."""
        return self._conn is None and self._standby is not None

    def send_ahead(self, fn: Callable[..., Any], *args: Any) -> bool:
        """Take the standby now, if there is one, and have ``fn(*args)`` done in a fork of
        it (a runner just forked is still importing: nothing is sent to it). Its value is
        kept in :attr:`ahead` once a later call or run has read past it (an error is
        dropped): work that call may find done (:func:`analyse_ahead`). Whether it was
        sent."""
        if not self.standing_by:
            return False
        self.start()
        if not self.kept:
            return False
        try:
            self._conn.send(("call", fn, args))
        except OSError:  # the standby died as it was taken: the build's own use says so
            return False
        self._ahead += 1
        return True

    def _read_ahead(self) -> None:
        """Read the replies to the calls sent ahead (the runner answers in order), keeping
        the values of those that succeeded in :attr:`ahead`."""
        while self._ahead:
            self._ahead -= 1
            try:
                status, value = self._conn.recv()
            except (EOFError, OSError):
                raise
            except Exception:  # noqa: BLE001 (a value that cannot be read here: dropped)
                continue
            if status == "ok":
                self.ahead.append(value)

    def send_call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Have ``fn(*args)`` done in a fork of the runner (as a notebook is: the runner
        stays as it was); :meth:`call_result` waits for its value. Started first."""
        self.start()
        self._conn.send(("call", fn, args))

    def call_result(self) -> Any:
        """The value of the call sent, or its exception raised here; a runner that died
        raises :class:`RuntimeError`."""
        try:
            self._read_ahead()
            status, value = self._conn.recv()
        except (EOFError, OSError):
            raise RuntimeError("the notebooks' process died") from None
        if status == "error":
            raise value
        return value

    def run(self, tasks: list[Task], jobs: int, env: dict[str, str], cwd: Path,
            logs: Path) -> Iterator[tuple[Task, float, str]]:
        self.start()
        left = dict(enumerate(tasks))
        try:
            self._conn.send((tasks, jobs, env, cwd, logs))
            self._read_ahead()
            while left:
                index, seconds, error = self._conn.recv()
                yield left.pop(index), seconds, error
        except (EOFError, OSError):  # the runner died: the notebooks it had not done fail
            self._process.join(timeout=5)
            code = self._process.exitcode
            for task in left.values():
                yield task, 0.0, ("the notebooks' process died"
                                  + ("" if code is None else f" (exit code {code})"))

    def close(self) -> None:
        """Stop the runner, whatever it is doing, and any notebook still running."""
        from batteryreport.build.helpers import stop

        if self._conn is None:  # never started (its standby, if any, still waits)
            return
        stop(self._conn, self._process)  # (its SIGTERM stops its notebooks first)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _runner(conn: Any, builds_end: Any) -> None:
    from batteryreport.build.faults import exit_with_parent

    builds_end.close()  # (inherited): the build closing its end is this end's EOF
    exit_with_parent()
    # Not niced, unlike the helpers: the notebooks it forks are the build's critical path
    # (niced, one lost the CPU to the build's own thread writing the data pages).
    prepare()
    serve(conn)


def serve(conn: Any) -> None:
    """Run the notebooks the build sends, saying as each finishes, until the build is
    done (in the runner the build forked, or in a standby the build took)."""
    import signal
    import sys

    def stop(*_: object) -> None:
        sys.exit(143)  # through run()'s clean-up, which stops the notebooks' processes

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message[0] == "call":
                reply = _call_in_fork(*message[1:])
                try:
                    conn.send(reply)
                except OSError:  # the build stopped waiting (a call sent ahead, unread)
                    return
                continue
            tasks, jobs, env, cwd, logs = message
            done = run(tasks, jobs, env, cwd, logs)
            try:
                for task, seconds, error in done:
                    conn.send((next(i for i, t in enumerate(tasks) if t is task), seconds,
                               error))
            except OSError:  # the build stopped waiting: stop the notebooks too
                done.close()
                return
    finally:
        # Done serving: a SIGTERM now (the build closing it) ends the process at once,
        # not through an exception raised wherever it has got to.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call_in_fork(fn: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    """``("ok", fn(*args))`` or ``("error", exception)``, done in a fork of this process."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_call_child, args=(send, fn, args), name="call")
    gc.freeze()  # as for a notebook (run): the child's collections leave this memory be
    try:
        child.start()
    finally:
        gc.unfreeze()
    send.close()
    answered = False
    try:
        try:
            reply = receive.recv()
        except EOFError:
            reply = None
        answered = True
    finally:
        receive.close()
        if not answered:  # stopped while it ran (the build is done with the runner): the
            child.kill()  # call stops now, and writes nothing after the build
        child.join()
    if reply is None:
        return "error", RuntimeError(f"its process died (exit code {child.exitcode})")
    return reply


def _call_child(send: Any, fn: Callable[..., Any], args: tuple) -> None:
    from batteryreport.build.faults import exit_with_parent
    from batteryreport.build.helpers import answer

    exit_with_parent()
    answer(send, fn, args)


def analyse_ahead(params_path: str | None, defaults: Path, notebooks: Path, data_folder: Path,
                  results_dir: Path, code: str) -> tuple[str, list[str]]:
    """Every chapter the notebooks show whose inputs changed (and what it builds on),
    computed and stored as :func:`analyse` does. Sent by the build command as it begins
    (:func:`batteryreport.build.start.analyse_as_begun`) to the runner an earlier build left
    set up, it runs while the build imports its pipeline (about 0.3 s); the build's own
    call to :func:`analyse` then finds the results stored under their keys. Those keys are
    of the bytes read now, as the build's are: a result the build would not have made
    (parameters it rejects, a chapter whose notebook it restores from its cache) takes its
    chapter's place in ``results_dir`` under its own key, and is used only by a build
    with the same inputs.
    Returns ``("analysed ahead", the chapters computed)``; an error is left to the build's
    own analysis to find and report."""
    from batteryreport.build.notebooks import discover
    from batteryreport.chapters import closure
    from batteryreport.data.params import load_params

    shown = sorted({s.chapter for s in discover(notebooks) if s.chapter})
    if not shown:
        return "analysed ahead", []
    failed, reused = analyse(load_params(params_path, defaults=defaults), data_folder, shown,
                             results_dir, code, fingerprints=False)
    if isinstance(failed, str):
        raise RuntimeError(failed)
    every = list(dict.fromkeys(n for name in shown for n in closure(name)))
    return "analysed ahead", [n for n in every if n not in reused]


def analyse(params: Any, data_folder: Path, names: list[str], results_dir: Path,
            code: str, fingerprints: bool = True) -> tuple[dict[str, str] | str, list[str]]:
    """Compute the chapters ``names`` (and what they depend on) and store their results for
    the notebooks; a chapter whose result is stored under its key (of ``code``, its
    parameters and tables: :func:`batteryreport.build.keys.chapter_key`) is not computed
    again.
    Returns each result's fingerprint, or what went wrong, and the chapters reused. Done
    in the build, or, when the runner was set up ahead (pandas and the chapters imported),
    in a fork of the runner while the build imports what it needs next."""
    import contextlib
    import traceback

    from batteryreport.build.fingerprint import fingerprint
    from batteryreport.build.keys import chapter_keys
    from batteryreport.chapters import run_all, stored
    from batteryreport.chapters import store as store_results

    keys = chapter_keys(names, params, data_folder, code)
    reuse = stored(results_dir, keys)
    try:
        computed = run_all(params, data_folder, names, reuse)
        store_results({n: r for n, r in computed.items() if n not in reuse}, params,
                      results_dir, keys)
    except Exception as exc:  # a rule the data breaks that validation could not know
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return (f"the analysis failed: {type(exc).__name__}: {exc} "
                f"({Path(where.filename).name}, line {where.lineno})"), sorted(reuse)
    digests = {}
    for name, result in computed.items() if fingerprints else ():
        # No canonical form (an unknown type, a cycle, text that is not Unicode): its
        # notebooks simply run.
        with contextlib.suppress(Exception):
            digests[name] = fingerprint(result)
    return digests, sorted(reuse)


def _child(send: Any, task: Task, env: dict[str, str], cwd: str, log: str) -> None:
    """In the forked child: this notebook's environment, then run it and report."""
    from batteryreport.build.faults import exit_with_parent

    exit_with_parent()
    # Anything written outside a cell's captured output (warnings from C code, a crash)
    # goes to the notebook's log, not the build's terminal.
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.update(env)
    if task.spec.chapter:
        # A chapter notebook shows its chapter's result and reads no table itself but the
        # source register (always allowed): its output is reused while the result is the
        # same (build.pipeline.result_key).
        from batteryreport.chapters import ENV_CHAPTER

        os.environ[ENV_TABLES] = ""
        os.environ[ENV_CHAPTER] = task.spec.chapter
    else:
        os.environ[ENV_TABLES] = ",".join(task.spec.tables)
    os.chdir(cwd)
    result = execute(task.spec, task.parameters, task.output, log, task.figures)
    send.send((result[0], result[1][:4000]))
    send.close()


def _kernel_manager() -> Any:
    """An in-process kernel manager with the interface nbclient expects of a kernel's."""
    from ipykernel.inprocess.blocking import BlockingInProcessKernelClient
    from ipykernel.inprocess.ipkernel import InProcessKernel
    from ipykernel.inprocess.manager import InProcessKernelManager
    from ipykernel.iostream import IOPubThread
    from traitlets import default
    from traitlets.config import Config

    class Kernel(InProcessKernel):
        @default("iopub_thread")
        def _default_iopub_thread(self) -> IOPubThread:
            # Not started: each message is then sent in the kernel's own thread, and
            # what a cell prints is sent at its next display or result, or when it ends
            # (the flush timer is set on the thread's loop, which never runs: one small
            # timer kept per flush, in a process that runs one notebook). Started
            # (ipykernel's default), every glued value's display waited twice for that
            # thread to flush stdout and stderr: about a seventh of a chapter notebook's
            # run. (A cell printing from threads of its own is not serialised any more;
            # the report's notebooks do not.)
            return IOPubThread(self._underlying_iopub_socket, session=self.session)

        def set_parent(self, ident: Any, parent: Any, channel: str = "shell") -> None:
            # The kernel's own stdout and stderr (swapped in while a cell runs) must name
            # the request too, or nbclient drops what a cell prints as another request's.
            super().set_parent(ident, parent, channel)
            if channel == "shell":
                for stream in (self.stdout, self.stderr):
                    stream.set_parent(parent)

    class Client(BlockingInProcessKernelClient):
        def start_channels(self, *args: Any, **kwargs: Any) -> None:
            if not self.channels_running:  # nbclient starts them again: once is enough
                super().start_channels(*args, **kwargs)

        def wait_for_ready(self, timeout: float | None = None) -> None:
            # In process, the kernel answers before the call returns: no polling.
            self.kernel_info()
            self.shell_channel.get_msg(block=False)
            while self.iopub_channel.msg_ready():
                self.iopub_channel.get_msg(block=False)

    class Manager(InProcessKernelManager):
        _kept_client: Client | None = None

        def client(self, **kwargs: Any) -> Client:
            if self._kept_client is None:
                self._kept_client = Client(parent=self, kernel=self.kernel,
                                           session=self.session)
            return self._kept_client

        def start_kernel(self, **kwargs: Any) -> None:
            self.kernel = Kernel(parent=self, session=self.session)

        def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            super().shutdown_kernel()

    # No input history: IPython would keep it in the user's own history database (a
    # thread and a file written by every notebook's process), and nothing reads it.
    config = Config()
    config.HistoryManager.enabled = False
    return Manager(config=config)


def execute(spec: NotebookSpec, parameters: dict[str, Any], output: Path,
            log: str = "", figures: Path | None = None) -> tuple[float, str]:
    """Run one notebook under papermill in this process's in-process kernel. Returns
    (seconds, error text). Called in a fresh fork (:func:`run`). With ``figures``, each
    report chart the notebook shows is also written there as soon as its cell has run
    (:func:`figure_writer`)."""
    import papermill as pm

    start = time.perf_counter()
    tmp = output.with_suffix(".tmp.ipynb")
    hooks = {} if figures is None else {"on_cell_executed": figure_writer(spec.name, figures)}
    try:
        km = _kernel_manager()
        km.start_kernel()
        pm.execute_notebook(spec.read(), str(tmp), parameters=parameters,
                            kernel_name="python3", km=km, progress_bar=False,
                            log_output=False, request_save_on_cell_execute=False, **hooks)
    except pm.PapermillExecutionError as exc:
        tmp.unlink(missing_ok=True)
        first = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        return time.perf_counter() - start, (
            f"the cell starting {first.strip()[:80]!r}: {exc.ename}: {exc.evalue}")
    except Exception as exc:  # bad notebook JSON, ...
        tmp.unlink(missing_ok=True)
        return time.perf_counter() - start, (f"{type(exc).__name__}: {exc}"
                                             + (f" (output: {log})" if log else ""))
    normalise(tmp)
    os.replace(tmp, output)
    return time.perf_counter() - start, ""


def figure_writer(notebook: str, folder: Path) -> Callable[..., None]:
    """An nbclient hook (``on_cell_executed``) that writes each report chart a cell showed
    (its record, as :func:`batteryreport.present.glue.read_figures` reads it from the
    executed notebook) to ``folder/<notebook>--<name>.json``, whole or not at all: the
    briefs' process draws the charts from there while the notebook goes on
    (:mod:`batteryreport.build.briefs.ahead`). A chart it cannot write is skipped: the
    briefs draw it from the executed notebook, as without this."""
    from batteryreport.present.glue import figures_shown

    def write(cell: Any, **_: Any) -> None:
        with contextlib.suppress(Exception):
            for rec in figures_shown(cell):
                path = folder / f"{notebook}--{rec['name']}.json"
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                tmp.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, path)

    return write


def normalise(path: Path) -> None:
    """Hide the parameters cells from readers (the default one and papermill's injected
    one), number cells and execution counts from 1 and drop papermill's timings, so equal
    inputs give equal files."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for index, cell in enumerate(nb["cells"]):
        if "id" in cell:  # random when the notebook is read from its MyST source
            cell["id"] = f"cell-{index}"
        meta = cell.setdefault("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        tags = meta.get("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            meta["tags"] = [*tags, "remove-cell"]
        if cell.get("cell_type") == "code":
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    papermill = nb.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
            papermill.pop(key, None)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def notebook_env(data_folder: Path, results_dir: Path | None) -> dict[str, str]:
    from batteryreport.chapters import ENV_RESULTS

    env = {ENV_DATA_DIR: str(data_folder)}
    if results_dir is not None:
        env[ENV_RESULTS] = str(results_dir)
    return env
