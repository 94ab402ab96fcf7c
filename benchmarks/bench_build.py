"""Benchmark the build against the naive way, in one run, on copies of the repository.

    .venv/bin/python benchmarks/bench_build.py        # or: make bench

Naive: the papermill CLI on each notebook in turn, then `jupyter-book build --all`
       (no validation, no briefs, no publishing).
Ours:  `python -m batteryreport build`: validation, each chapter analysed once, cached
       parallel papermill, incremental Sphinx, the PDF briefs, an atomic publish.

Measured, each against a clean build of ours:
- a no-change rebuild (target <= 0.20x, no notebook executed);
- one data table changed (`recycler_capacity.csv`), twice (target <= 0.35x):
  a note edited, which moves no number: its readers' chapters are analysed again, and
  their notebooks are not run again (their results are unchanged);
  then a capacity changed, which moves numbers and charts: the notebooks run, and the
  briefs draw their charts again;
- one parameter changed (`pack_kg_per_kwh` in params/default.yml): only the notebooks
  that use it re-run (target <= 0.35x).
A clean build's target is <= 0.60x the naive way, validation and briefs included.

Each rebuild comes PAUSE_SECONDS after the build before it, as when a maintainer edits a
file between two builds: a build leaves its helpers' successors on standby, set up for the
next build, in that pause (build/standby.py). The last measurement repeats the number edit
straight after a build (no pause), when the standbys are still setting up: the worst case.

Each of our builds is measured REPEATS times (a clean build from an emptied copy, a
rebuild with a new value each time) and the median taken: on a shared 2-core machine one
build can take 30% more or less than the next. Prints the median seconds with the range,
the ratios of medians, and where the time of the median build goes (the build's own stage
timings). The ratios are what to read.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
PAUSE_SECONDS = 5.0  # between two builds: a maintainer editing a file
REPEATS = 3  # builds per case; the median is reported
sys.path.insert(0, str(REPO / "src"))


def copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", "_build", ".cache", "_generated", ".git",
                                    "__pycache__", ".pytest_cache", ".hypothesis", ".naive*")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def timed(cmd: list[str], cwd: Path, pause: float = PAUSE_SECONDS) -> tuple[float, str]:
    time.sleep(pause)
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return seconds, out.stdout


def naive(root: Path) -> float:
    """Papermill CLI on each notebook in turn, then a full jupyter-book build."""
    import nbformat

    from batteryreport.build.notebooks import discover, read_notebook

    gen = root / "book" / "_generated"
    gen.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BATTERYREPORT_DATA": str(root / "data")}
    start = time.perf_counter()
    for spec in discover(root / "notebooks"):
        ipynb = root / ".naive" / f"{spec.name}.ipynb"
        ipynb.parent.mkdir(exist_ok=True)
        nbformat.write(read_notebook(spec.source), ipynb)
        subprocess.run([PY, "-m", "papermill", str(ipynb), str(gen / f"{spec.name}.ipynb"),
                        "--cwd", str(gen), "-k", "python3", "--no-progress-bar"],
                       cwd=root, check=True, capture_output=True, env=env)
    # Pages the pipeline generates (the data appendix, the edition pages, the chart
    # bundle) are not notebook work; they are written untimed so the naive build can run.
    elapsed = time.perf_counter() - start
    subprocess.run([PY, "-c", "from batteryreport.build.pipeline import Layout, "
                    "prepare_book_inputs;from batteryreport.data.params import load_params;"
                    f"from pathlib import Path;L=Layout(Path({str(root)!r}));"
                    "prepare_book_inputs(L, load_params(None, L.root/'params'/'default.yml'),"
                    " L.root/'data')"], check=True, cwd=root, env=env, capture_output=True)
    start = time.perf_counter()
    subprocess.run([PY, "-m", "jupyter_book.cli.main", "build", str(root), "--all", "-W",
                    "--keep-going", "--path-output", str(root / ".naive-out")],
                   cwd=root, check=True, capture_output=True, env=env)
    return elapsed + time.perf_counter() - start


def repeated(cmd: list[str], cwd: Path, before=None, pause: float = PAUSE_SECONDS
             ) -> tuple[list[float], str]:
    """REPEATS builds, ``before(i)`` making each one's change; the seconds of each, and the
    output of the median one."""
    runs = []
    for i in range(REPEATS):
        if before is not None:
            before(i)
        runs.append(timed(cmd, cwd, pause))
    ordered = sorted(runs, key=lambda r: r[0])
    return [t for t, _ in runs], ordered[len(ordered) // 2][1]


def median(seconds: list[float]) -> float:
    return sorted(seconds)[len(seconds) // 2]


def edit_row(path: Path, row_id: str, column: str, change) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == row_id:
            row[col] = change(row[col])
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def stages(out: str) -> str:
    for line in out.splitlines():
        if line.strip().startswith("time:"):
            return line.split(":", 1)[1].strip()
    return "?"


def executed(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("done ")]


def readers(root: Path, table: str | None = None, param: str | None = None) -> list[str]:
    from batteryreport.build.notebooks import discover

    return sorted(s.name for s in discover(root / "notebooks")
                  if (table and table in s.tables) or (param and param in s.parameters)
                  or (param and s.takes_run and s.chapter and _uses(s.chapter, param)))


def _uses(chapter: str, param: str) -> bool:
    from batteryreport.chapters import params_of

    return param in params_of(chapter)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t_naive = naive(copy_repo(tmp / "naive"))
        root = copy_repo(tmp / "ours")
        build = [PY, "-m", "batteryreport", "build", "--root", str(root),
                 "--data", str(root / "data")]
        from batteryreport.build.standby import stop_all

        def emptied(_: int) -> None:  # as `make clean` leaves it
            stop_all(root / ".cache")
            for folder in ("_build", ".cache", "book/_generated"):
                shutil.rmtree(root / folder, ignore_errors=True)

        runs: list[tuple[str, list[float], str, str]] = []
        clean, out = repeated(build, root, emptied, pause=0)
        runs.append(("clean build", clean, "", out))

        times, out = repeated(build, root)
        runs.append(("no-change rebuild", times, "target <= 0.20", out))

        table = "recycler_capacity"
        path = root / "data" / f"{table}.csv"

        def note(i: int) -> None:
            edit_row(path, "recyclekaro_liion", "note", lambda v: v + f" (re-checked {i})")

        times, out = repeated(build, root, note)
        runs.append((f"one table changed ({table}, a note)", times,
                     f"target <= 0.35; readers {readers(root, table=table)}", out))

        def number(_: int) -> None:
            edit_row(path, "recyclekaro_liion", "capacity_tonnes_per_year",
                     lambda v: str(int(v) + 1000))

        times, out = repeated(build, root, number)
        runs.append((f"one table changed ({table}, a number)", times,
                     f"target <= 0.35; readers {readers(root, table=table)}", out))

        param = "pack_kg_per_kwh"
        defaults = root / "params" / "default.yml"
        text = defaults.read_text(encoding="utf-8")

        def parameter(i: int) -> None:
            defaults.write_text(re.sub(r"^pack_kg_per_kwh: [0-9.]+",
                                       f"pack_kg_per_kwh: 7.{i}", text, count=1, flags=re.M),
                                encoding="utf-8")

        times, out = repeated(build, root, parameter)
        runs.append((f"one parameter changed ({param})", times,
                     f"target <= 0.35; users {readers(root, param=param)}", out))

        times, out = repeated(build, root, number, pause=0)
        runs.append((f"one table changed ({table}, a number), no pause", times,
                     "the standbys still setting up; no target", out))
        stop_all(root / ".cache")  # before the copy is removed

    t_clean = median(clean)
    print(f"naive (papermill CLI in turn + jupyter-book build --all): {t_naive:6.1f} s")
    print(f"ours: the median of {REPEATS} builds each (range in brackets)")
    for name, seconds, target, out in runs:
        t = median(seconds)
        ratio = (f"ratio to naive {t / t_naive:.2f} (target <= 0.60)"
                 if name == "clean build" else f"ratio to clean {t / t_clean:.2f} "
                 f"({target})")
        spread = f"({min(seconds):.1f}-{max(seconds):.1f})"
        print(f"{name + ':':52s} {t:6.1f} s {spread:11s} {ratio}")
        print(f"    executed {executed(out) or 'none'}; stages: {stages(out)}")


if __name__ == "__main__":
    main()
