import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(TESTS))  # conftest's helpers, for tests in sub-folders
# No build of a test leaves standby helpers behind (build/standby.py), whatever the
# environment says: tests/integration/test_standby.py turns them on for its own builds.
os.environ["BATTERYREPORT_STANDBY"] = "0"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def copy_repo(dest: Path) -> Path:
    """A working copy of the repository without build products (for end-to-end builds)."""
    ignore = shutil.ignore_patterns(".venv", "_build", ".cache", "_generated", ".git",
                                    "__pycache__", ".pytest_cache", ".hypothesis", "_artifacts",
                                    "vendor", "node_modules", "vega-bundle.js")
    shutil.copytree(REPO, dest, ignore=ignore)
    _copy_bundle(dest)
    return dest


def _copy_bundle(root: Path) -> None:
    """The chart bundle takes vl-convert over a second to write: it is made once per
    checkout (stamped with the versions that made it), then copied into each test book."""
    from batteryreport.present.bundle import BUNDLE_NAME, write_bundle

    (root / "book" / "_static").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(write_bundle(REPO / ".cache" / "test-static"),
                    root / "book" / "_static" / BUNDLE_NAME)


def make_book(root: Path) -> Path:
    """The two-notebook mini book (tests/fixtures) with the repository's parameters,
    static files and configuration: a small, fast stand-in for the real book."""
    shutil.copytree(TESTS / "fixtures" / "minibook", root)
    shutil.copytree(TESTS / "fixtures" / "minidata", root / "data")
    shutil.copytree(REPO / "params", root / "params")
    shutil.copytree(REPO / "book" / "_static", root / "book" / "_static",
                    ignore=shutil.ignore_patterns("vega-bundle.js"))
    shutil.copyfile(REPO / "_config.yml", root / "_config.yml")
    _copy_bundle(root)
    return root


def set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    """Write ``value`` into ``column`` of the CSV rows whose first field is ``row_id``."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == row_id:
            row[col] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def run_build(root: Path, *extra: str, command: str = "build") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "batteryreport", command, "--root", str(root),
         "--data", str(root / "data"), *extra],
        capture_output=True, text=True, cwd=root, timeout=1200)


def built_once(tmp_path_factory, name: str, make: Callable[[Path], Path]) -> Path:
    """A book built once per test run at ``<the run's temporary folder>/<name>/repo``:
    ``make`` puts its sources there, then it is built. Under pytest-xdist every worker has
    its own session, so the book lives in the workers' common temporary folder, built
    under a lock by the first worker that needs it while the others wait, then reused
    (a failed attempt is removed and made again by the next). Tests must treat it as
    read-only (:func:`copy_built` for one to build again)."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    root = shared / name / "repo"
    done = shared / name / "built-ok"
    (shared / name).mkdir(exist_ok=True)
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            make(root)
            out = run_build(root)
            assert out.returncode == 0, f"{name} build failed:\n{out.stdout}\n{out.stderr}"
            done.write_text("ok")
    return root


@pytest.fixture(scope="session")
def real_book(tmp_path_factory) -> Path:
    """The real book, built once per test run into a temporary copy of the repo."""
    return built_once(tmp_path_factory, "real-book", copy_repo)


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> Path:
    """The mini book after its first build, made once per test run."""
    return built_once(tmp_path_factory, "mini-book", make_book)


def copy_built(built: Path, dest: Path) -> Path:
    """A working copy of a built book (``real_book``, ``mini_built``) at ``dest``, with its
    build and caches: its published editions stay as they are (the build's links are
    relative). Its next build runs every notebook again (their keys hold the data folder's
    place), and when a page changed Sphinx reads every page again (its environment was
    made in another folder): tests of what a rebuild skips build their book in place.
    Copied under the book's build lock, as a test of another group may be running a
    command in it."""
    from batteryreport.build.start import Layout, build_lock

    with build_lock(Layout(built)):
        shutil.copytree(built, dest, symlinks=True,
                        ignore=shutil.ignore_patterns("standby", "build.lock"))
    return dest
