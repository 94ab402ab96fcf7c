"""Helper processes: a fresh interpreter started when the build starts (before the build
imports pandas: :mod:`batteryreport.build.start`), which imports and sets up what its stage
needs (Sphinx and its extensions, or Typst and vl-convert) while the build validates the
data and runs the notebooks, then does its job when asked.

A fresh interpreter ("spawn"), not a fork: vl-convert's runtime, once started in the
build (the chart bundle, the favicons), does not survive a fork. A helper exits with the
build if the build is killed, and one that was never asked for its job (nothing changed)
is stopped at once instead of being waited for.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any

HELPER_NICENESS = 10


class HelperError(RuntimeError):
    """The helper's job raised an exception that could not be sent back as it was."""


def _serve(conn: Any, setup: Callable[..., None], args: tuple, niceness: int) -> None:
    from batteryreport.build.faults import exit_with_parent

    exit_with_parent()
    # Its set-up is not needed before the notebooks have run: the build and the notebooks
    # come first for the CPU, and the helper takes what they leave (the briefs' helper
    # after the site's, whose set-up is longer).
    os.nice(niceness)
    try:
        setup(*args)
    except Exception:  # noqa: S110 (the job sets up again, and raises then)
        pass
    serve_jobs(conn)


def serve_jobs(conn: Any) -> None:
    """Do each job the build sends, and send back its result, until the build is done."""
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        fn, job_args = job
        answer(conn, fn, job_args)


def answer(conn: Any, fn: Callable[..., Any], args: tuple) -> None:
    """Do ``fn(*args)`` and send the build ``("ok", value)``, or ``("error", exception)``:
    the build decides (an exception that does not pickle is sent as its text)."""
    try:
        reply: tuple[str, Any] = ("ok", fn(*args))
    except BaseException as exc:  # noqa: BLE001 (sent to the build, which decides)
        reply = ("error", exc)
    try:
        conn.send(reply)
    except Exception:  # an exception that does not pickle
        conn.send(("error", HelperError("".join(
            traceback.format_exception_only(type(reply[1]), reply[1])).strip())))


def taken(standby: Callable[[], tuple[Any, Any] | None] | None) -> tuple[Any, Any] | None:
    """What ``standby`` returns when it takes over a standby (its connection and process),
    or None: no standby, or one that cannot be taken (a new process is started instead)."""
    try:
        return standby() if standby is not None else None
    except Exception:  # noqa: BLE001 (any failure in the standby machinery: a new one)
        return None


def stop(conn: Any, process: Any) -> None:
    """Close a helper's or the runner's connection and stop its process, whatever it is
    doing, and wait until it is gone: a standby taken over is not this process's child,
    and must be gone before the build releases the checkout's lock (Sphinx may be
    writing). One that catches its SIGTERM for 5 s is killed."""
    conn.close()
    if process.is_alive():
        process.terminate()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
    process.join(timeout=5)


class Helper:
    """One helper process: ``setup(*args)`` runs as soon as it starts; :meth:`run` gives
    it a job (a module-level function) and waits for the result, re-raising the job's
    exception in the build.

    With ``standby`` (a function that takes over a standby set up by an earlier build,
    :mod:`batteryreport.build.standby`, and returns its connection and process, or None),
    the standby is taken when the first job is given, and a new process started only if
    it cannot be: a build that gives no job leaves the standby waiting for the next."""

    def __init__(self, name: str, setup: Callable[..., None], *args: Any,
                 niceness: int = HELPER_NICENESS,
                 standby: Callable[[], tuple[Any, Any] | None] | None = None):
        self.name = name
        self.kept = False  # set up by a standby
        self._start = (setup, args, niceness)
        self._standby = standby
        self._conn: Any = None
        self._process: Any = None
        self._posted = 0  # jobs posted whose results are still to be dropped
        self._died = False
        if standby is None:
            self._spawn()

    def _spawn(self) -> None:
        setup, args, niceness = self._start
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, setup, args, niceness),
                                        name=self.name, daemon=True)
        self._process.start()
        child.close()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        if self._conn is None:
            standby = taken(self._standby)
            if standby is None:
                self._spawn()
            else:
                (self._conn, self._process), self.kept = standby, True
        try:
            self._conn.send((fn, args))
        except OSError:  # it died: result() says so, as for a job it died doing
            self._died = True

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """A job whose result nobody waits for (a warm-up): it runs before the jobs
        submitted after it, and its result, or its error, is dropped. A helper that has
        died is not an error here: the next job says so."""
        self.submit(fn, *args)
        if not self._died:
            self._posted += 1

    def _receive(self) -> tuple[str, Any]:
        try:
            if self._died:
                raise EOFError
            return self._conn.recv()
        except (EOFError, OSError):  # (a socket's end may say so by a reset)
            self._process.join(timeout=5)
            code = self._process.exitcode
            raise HelperError(f"the {self.name} process died"
                              + ("" if code is None else f" (exit code {code})")) from None

    def result(self) -> Any:
        while self._posted:
            self._posted -= 1
            try:
                self._receive()
            except HelperError:
                raise
            except Exception:  # noqa: S112 (a posted job's reply that does not unpickle)
                continue
        status, value = self._receive()
        if status == "error":
            raise value
        return value

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        self.submit(fn, *args)
        return self.result()

    def close(self) -> None:
        """Stop the helper, whatever it is doing (its job's result has been read)."""
        if self._conn is None:  # never started (its standby, if any, still waits)
            return
        stop(self._conn, self._process)

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
