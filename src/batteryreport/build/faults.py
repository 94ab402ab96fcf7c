"""Fault injection for the tests: with ``BATTERYREPORT_KILL_AT=<name>`` a build stops dead
at the checkpoint of that name, as a kill would (no cleanup, no exception handling), so the
tests can show that a kill at any stage leaves the last good output in place."""

from __future__ import annotations

import os

KILL_ENV = "BATTERYREPORT_KILL_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(KILL_ENV) == name:
        os._exit(137)
