"""A table of 100,000 rows: the build's time and peak memory against the normal build.

    .venv/bin/python benchmarks/bench_large_table.py [--rows N]

On copies of the repository (nothing here touches the working tree):

1. normal: a clean build of the repository's data;
2. large, clean: a clean build after ``li_ion_imports.csv`` gains N synthetic rows
   (origin-level import values of fictitious origins, not preferred, citing an existing
   source), every row valid, so validation, the analyses, the data pages, the dataset zip
   and the briefs all see them;
3. large, after normal: the same rows arriving as a new edition of copy 1, so "What
   changed" has N added rows to summarise.

Peak memory is the largest total resident memory of the build's process tree (the build,
its notebook kernels and the briefs process), sampled every 50 ms. Target (issue 16):
the large builds take at most 2x the normal one, and "What changed" stays a short page.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
TABLE = "li_ion_imports"


def copy_repo(dest: Path) -> Path:
    shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(
        ".venv", "_build", ".cache", "_generated", ".git", "__pycache__", ".pytest_cache",
        ".hypothesis", "node_modules", "_artifacts"))
    return dest


def add_rows(root: Path, n: int) -> None:
    path = root / "data" / f"{TABLE}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    template = next(r for r in rows if r["metric"] == "origin_value")
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        for i in range(n):
            row = dict(template)
            row.update(imp_id=f"synthetic_{i:06d}", origin=f"Origin {i:06d}",
                       series="Synthetic benchmark", value_usd_mn=f"{(i % 997) / 100:.2f}",
                       value_inr_cr="", preferred="false", verification="unverifiable",
                       note="synthetic row for the benchmark")
            writer.writerow(row)


def build(root: Path) -> tuple[float, float, str]:
    """Seconds, peak MB of the process tree, and the build's output."""
    cmd = [PY, "-m", "batteryreport", "build", "--root", str(root), "--data",
           str(root / "data")]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    peak = [0]

    def sample() -> None:
        parent = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [parent, *parent.children(recursive=True)]
                total = 0
                for p in tree:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.communicate()[0]
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"build failed in {root}:\n{out}")
    return seconds, peak[0] / 2**20, out


def page_kb(root: Path, name: str) -> float:
    path = root / "_build" / "html" / "book" / "_generated" / f"{name}.html"
    return path.stat().st_size / 1024 if path.exists() else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        normal = copy_repo(tmp / "normal")
        large = copy_repo(tmp / "large")
        add_rows(large, args.rows)
        t_normal, mb_normal, _ = build(normal)
        t_large, mb_large, _ = build(large)
        add_rows(normal, args.rows)
        t_new, mb_new, _ = build(normal)
        changed_kb = page_kb(normal, "what_changed")
        sources_kb = page_kb(normal, "data_sources")
        size_mb = (large / "data" / f"{TABLE}.csv").stat().st_size / 2**20
    print(f"{TABLE}.csv with {args.rows:,} more rows ({size_mb:.1f} MB)")
    print(f"normal build:                 {t_normal:6.1f} s, peak {mb_normal:6.0f} MB")
    print(f"large, clean build:           {t_large:6.1f} s, peak {mb_large:6.0f} MB, "
          f"{t_large / t_normal:.2f}x normal (target <= 2.00)")
    print(f"large, as a new edition:      {t_new:6.1f} s, peak {mb_new:6.0f} MB, "
          f"{t_new / t_normal:.2f}x normal (target <= 2.00)")
    print(f"'What changed' page: {changed_kb:.0f} KB; 'Data and sources' page: "
          f"{sources_kb:.0f} KB")


if __name__ == "__main__":
    main()
