import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def copy_repo(dest: Path) -> Path:
    """A working copy of the repository without build products (for end-to-end builds)."""
    ignore = shutil.ignore_patterns(".venv", "_build", ".cache", "_generated", ".git",
                                    "__pycache__", ".pytest_cache", ".hypothesis", "_artifacts",
                                    "vendor", "node_modules", "vega-bundle.js")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def run_build(root: Path, *extra: str, command: str = "build") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "batteryreport", command, "--root", str(root),
         "--data", str(root / "data"), *extra],
        capture_output=True, text=True, cwd=root, timeout=1200)


@pytest.fixture(scope="session")
def real_book(tmp_path_factory) -> Path:
    """The real book, built once per test worker into a temporary copy of the repo.

    Tests that use it should be marked ``@pytest.mark.xdist_group("realbook")`` so that
    they share one worker and one build.
    """
    root = copy_repo(tmp_path_factory.mktemp("real") / "repo")
    out = run_build(root)
    assert out.returncode == 0, f"real book build failed:\n{out.stdout}\n{out.stderr}"
    return root
