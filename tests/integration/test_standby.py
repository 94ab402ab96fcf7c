"""Standby helpers (build/standby.py): a build leaves its helpers' successors set up for the
next build of the checkout, which takes them over only if nothing they were set up from
has changed; a standby exits when unused for long, replaced, stopped, its checkout gone, or
the build it serves gone. The tests turn standbys off for every other build (conftest)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_book, set_cell

from batteryreport.build import standby
from batteryreport.build.start import Layout, analysis_inputs

ON = {"BATTERYREPORT_STANDBY": "1", "BATTERYREPORT_STANDBY_IDLE": "120"}


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _wait(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _pid(folder: Path, role: str) -> int:
    record = standby._read_record(folder, role)
    assert record is not None, f"no {role} standby recorded in {folder}"
    return int(record["pid"])


def _set_up(folder: Path, role: str) -> bool:
    """The role's standby has finished its set-up (it has said what it read)."""
    return _wait(lambda: (folder / f"{role}.reads.json").exists())


def test_standbys_are_off_when_turned_off_and_by_default_in_ci():
    assert standby.enabled({})
    assert not standby.enabled({"BATTERYREPORT_STANDBY": "0"})
    assert not standby.enabled({"CI": "true"})
    assert standby.enabled({"CI": "true", "BATTERYREPORT_STANDBY": "1"})  # asked for: on
    assert not standby.enabled({"CI": "true", "BATTERYREPORT_STANDBY": "0"})


# -- the standby machinery, with a set-up that reads one file ---------------------------

@pytest.fixture
def one(tmp_path):
    """A standby (role "site") whose set-up reads ``input.txt``; yields (folder, key, file,
    launch), where launch(**env) starts another."""
    file = tmp_path / "input.txt"
    file.write_text("first")
    folder = tmp_path / ".cache" / "standby"
    env = {**os.environ, **ON}
    code = standby.code_hash()
    key = standby.key_of("site", Path.read_text, (file,), env, code)

    def launch(**more: str) -> int:
        standby.launch(folder, "site", Path.read_text, (file,), 0, {**env, **more}, code)
        return _pid(folder, "site")

    yield folder, key, file, launch
    standby.stop_all(tmp_path / ".cache")


def test_a_standby_serves_the_build_that_takes_it(one):
    folder, key, _, launch = one
    pid = launch()
    assert _set_up(folder, "site")
    assert standby.waiting(folder, "site", key)
    conn, process = standby.take(folder, "site", key)
    conn.send((os.getpid, ()))
    assert conn.recv() == ("ok", pid)  # the job ran in the standby
    assert standby.take(folder, "site", key) is None  # taken once only
    process.terminate()
    process.join(timeout=10)
    assert not _alive(pid)


def test_a_standby_of_other_inputs_is_stopped_not_used(one):
    folder, key, _, launch = one
    pid = launch()
    assert not standby.waiting(folder, "site", key + "-other")
    assert _wait(lambda: not _alive(pid), 10)
    assert standby.take(folder, "site", key) is None


def test_a_standby_whose_files_changed_is_stopped_not_used(one):
    folder, key, file, launch = one
    pid = launch()
    assert _set_up(folder, "site")
    file.write_text("changed after the set-up read it")
    assert not standby.waiting(folder, "site", key)
    assert _wait(lambda: not _alive(pid), 10)


def test_a_standby_taken_after_its_files_changed_sets_up_again(one):
    # Taken before the build could see the change (set-up still running): the standby
    # finds it itself and sets up afresh in a new interpreter, on the same connection.
    folder, key, file, launch = one
    pid = launch()
    assert _set_up(folder, "site")
    (folder / "site.reads.json").unlink()  # as if taken while it was still setting up
    file.write_text("changed")
    conn, process = standby.take(folder, "site", key)
    conn.send((Path.read_text, (file,)))
    assert conn.recv() == ("ok", "changed")
    assert "set up again: 1 file(s) changed" in (folder / "site.log").read_text()
    process.terminate()
    process.join(timeout=10)
    assert not _alive(pid)


def test_a_standby_exits_unused_replaced_stopped_or_when_its_checkout_is_gone(one, tmp_path):
    folder, _, _, launch = one
    idle = launch(BATTERYREPORT_STANDBY_IDLE="0.5")
    assert _wait(lambda: not _alive(idle), 20)

    first = launch()
    second = launch()  # replaces the first
    assert _wait(lambda: not _alive(first), 10) and _alive(second)
    standby.stop_all(tmp_path / ".cache")
    assert not _alive(second)

    third = launch()
    assert _set_up(folder, "site")
    shutil.rmtree(tmp_path / ".cache")
    assert _wait(lambda: not _alive(third), 10)


TAKER = """
import sys, time
from pathlib import Path
from batteryreport.build import standby
conn, process = standby.take(Path(sys.argv[1]), "site", sys.argv[2])
conn.send((time.sleep, (120,)))  # busy when the build is killed
print(process.pid, flush=True)
time.sleep(120)
"""


def test_a_taken_standby_does_not_outlive_a_killed_build(one, tmp_path):
    folder, key, _, launch = one
    launch()
    assert _set_up(folder, "site")
    script = tmp_path / "taker.py"
    script.write_text(TAKER)
    build = subprocess.Popen([sys.executable, str(script), str(folder), key],
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = int(build.stdout.readline())
        assert _alive(pid)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        assert _wait(lambda: not _alive(pid), 10), "the standby outlived the killed build"
    finally:
        build.kill()


# -- builds ------------------------------------------------------------------------------

def _build(root: Path, env: dict[str, str], code: int = 0) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "batteryreport", "build", "--root", str(root),
                          "--data", str(root / "data")], capture_output=True, text=True,
                         cwd=root, env={**os.environ, **env}, timeout=600)
    assert out.returncode == code, out.stdout + out.stderr
    return out


def _outputs(root: Path) -> dict[str, bytes]:
    built = root / "_build"
    files = [*(built / "html").rglob("*.html"), *(built / "briefs").glob("*.pdf")]
    return {str(p.relative_to(built)): p.read_bytes() for p in sorted(files)}


def test_the_next_build_takes_the_standbys_and_builds_the_same(tmp_path):
    kept = make_book(tmp_path / "kept")
    fresh = make_book(tmp_path / "fresh")
    folder = standby.folder_of(kept / ".cache")
    try:
        _build(kept, ON)
        _build(fresh, {})
        assert not standby.folder_of(fresh / ".cache").exists()  # off: none left
        first = {role: _pid(folder, role) for role in standby.ROLES}
        assert all(_set_up(folder, role) for role in standby.ROLES)

        for root in (kept, fresh):  # a number changes
            set_cell(root / "data" / "capacity.csv", "1", "installed_gwh", "1.9")
        out = _build(kept, ON)
        assert "set up ahead by the last build: notebooks, site, briefs" in out.stdout
        _build(fresh, {})
        assert _outputs(kept) == _outputs(fresh)
        pages = "".join(p.read_text() for p in (kept / "_build" / "html").rglob("*.html"))
        assert "installed_gwh: 1.4 → 1.9" in pages  # "What changed" says so

        # The taken standbys exited with the build; new ones wait for the next.
        assert _wait(lambda: not any(_alive(pid) for pid in first.values()), 10)
        assert all(_alive(_pid(folder, role)) for role in standby.ROLES)

        # The build recorded what the chapters' analyses read as the command's start
        # hashes it (start.analyse_as_begun): a next build with only the prose changed
        # finds it equal, and leaves the runner waiting (test_inputs_key.py).
        record = json.loads((kept / ".cache" / "last-build.json").read_text())
        assert record["analysis_inputs"] == analysis_inputs(
            Layout(kept), kept / "data", None, standby.code_hash())

        # A build stopped by bad data takes no standby, and leaves them waiting.
        waiting = {role: _pid(folder, role) for role in standby.ROLES}
        set_cell(kept / "data" / "capacity.csv", "1", "installed_gwh", "-1")
        bad = _build(kept, ON, code=2)
        assert "installed_gwh" in bad.stderr and "Nothing was executed" in bad.stderr
        assert {role: _pid(folder, role) for role in standby.ROLES} == waiting
        assert all(_alive(pid) for pid in waiting.values())
    finally:
        standby.stop_all(kept / ".cache")
