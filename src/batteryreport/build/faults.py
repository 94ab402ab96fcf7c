"""Faults. Injection for the tests: with ``BATTERYREPORT_KILL_AT=<name>`` a build stops dead
at the checkpoint of that name, as a kill would (no cleanup, no exception handling), so the
tests can show that a kill at any stage leaves the last good output in place. And workers
that do not outlive a killed build (:func:`exit_with_parent`)."""

from __future__ import annotations

import os

KILL_ENV = "BATTERYREPORT_KILL_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(KILL_ENV) == name:
        os._exit(137)


def exit_with_parent(poll_seconds: float = 0.5) -> None:
    """In a process the build started (a helper, a notebook's fork): exit as soon as the
    build is gone. A build killed outright (SIGKILL, out of memory) would otherwise leave
    it running, or waiting for work for ever, and with it anything that reads its output
    (tests/integration/test_kernels.py)."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
