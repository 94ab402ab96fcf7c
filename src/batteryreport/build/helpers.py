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
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        fn, job_args = job
        try:
            reply: tuple[str, Any] = ("ok", fn(*job_args))
        except BaseException as exc:  # noqa: BLE001 (sent to the build, which decides)
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception:  # an exception that does not pickle
            conn.send(("error", HelperError("".join(
                traceback.format_exception_only(type(reply[1]), reply[1])).strip())))


class Helper:
    """One helper process: ``setup(*args)`` runs as soon as it starts; :meth:`run` gives
    it a job (a module-level function) and waits for the result, re-raising the job's
    exception in the build."""

    def __init__(self, name: str, setup: Callable[..., None], *args: Any,
                 niceness: int = HELPER_NICENESS):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, setup, args, niceness),
                                        name=name, daemon=True)
        self._process.start()
        child.close()
        self.name = name
        self._posted = 0  # jobs posted whose results are still to be dropped

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self._conn.send((fn, args))

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """A job whose result nobody waits for (a warm-up): it runs before the jobs
        submitted after it, and its result, or its error, is dropped. A helper that has
        died is not an error here: the next job says so."""
        try:
            self.submit(fn, *args)
        except OSError:
            return
        self._posted += 1

    def _receive(self) -> tuple[str, Any]:
        try:
            return self._conn.recv()
        except EOFError:
            self._process.join(timeout=5)
            raise HelperError(f"the {self.name} process died "
                              f"(exit code {self._process.exitcode})") from None

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
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
