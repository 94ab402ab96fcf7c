"""Benchmark exporting the PDF briefs once the notebooks are executed.

On a copy of the repository: the notebooks are executed first (untimed, through
``python -m batteryreport briefs``), then, in a fresh process as ``make briefs`` would:

- export all briefs cold (imports, font registration and the vl-convert warm-up included),
- export them again warm (the same process, with the charts drawn and the layouts found
  by the cold export kept, as a rebuild finds them),
- time the charts (drawn two at a time) and each PDF (Typst, any tighter layout, checks),
- export again with nothing changed (every PDF kept: its inputs key matches),
- and the whole ``python -m batteryreport briefs`` command when no notebook is stale.

Which book: ``--book real`` (the repository's notebooks), ``mini`` (tests/fixtures/minibook)
or ``synthetic`` (three realistic briefs from tests/test_briefs.py, no notebook runs).
The default, ``auto``, takes the real book when a notebook declares a brief, else synthetic.

    .venv/bin/python benchmarks/bench_briefs.py [--book auto|real|mini|synthetic]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable

MEASURE = r"""
import json, shutil, sys, time
from pathlib import Path
t0 = time.perf_counter()
from batteryreport.build import briefs
from batteryreport.build.editions import plan_edition
from batteryreport.data.params import load_params
from batteryreport.build.pipeline import Layout

root = Path(sys.argv[1])
layout = Layout(root)
params = load_params(None, defaults=root / "params" / "default.yml")
manifest, _ = plan_edition(root / "_build" / "store" / "editions", root, params, root / "data",
                           root / "book" / "_generated")
for kept in ("brief-charts", "brief-layouts"):  # cold: nothing drawn or laid out before
    shutil.rmtree(root / ".cache" / kept, ignore_errors=True)
per_brief = {}
compile_ = briefs._compile

def timed(job, *args):
    start = time.perf_counter()
    try:
        return compile_(job, *args)
    finally:
        per_brief.setdefault(job.name, []).append(time.perf_counter() - start)

charts = []
render = briefs.render_charts

def timed_render(jobs, density, cache):
    start = time.perf_counter()
    try:
        return render(jobs, density, cache)
    finally:
        if len(jobs) > 1:  # the up-front pass over every brief's charts
            charts.append(time.perf_counter() - start)

briefs._compile = timed
briefs.render_charts = timed_render
t1 = time.perf_counter()
paths = briefs.build_briefs(layout, params, root / "data", root / "_bench" / "cold", manifest)
t2 = time.perf_counter()
briefs.build_briefs(layout, params, root / "data", root / "_bench" / "warm", manifest)
t3 = time.perf_counter()
briefs.build_briefs(layout, params, root / "data", root / "_bench" / "warm", manifest)
t4 = time.perf_counter()
pages = {p.name: briefs.pdf_pages(p.read_bytes()) for p in paths}
print(json.dumps({"imports": t1 - t0, "cold": t2 - t1, "warm": t3 - t2, "unchanged": t4 - t3,
                  "charts": charts, "per_brief": per_brief, "pages": pages,
                  "bytes": {p.name: p.stat().st_size for p in paths}}))
"""


def copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", "_build", ".cache", "_generated", ".git",
                                    "__pycache__", ".pytest_cache", ".hypothesis", "vendor",
                                    "node_modules")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def declares_briefs(notebooks: Path) -> bool:
    sys.path.insert(0, str(REPO / "src"))
    from batteryreport.build.briefs import brief_specs

    try:
        return bool(brief_specs(notebooks))
    except Exception:
        return False


def prepare(book: str, tmp: Path) -> tuple[Path, bool]:
    """The book's root, and whether it has notebooks to execute."""
    sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "integration")]
    if book == "synthetic":
        from test_briefs import fake_book

        return fake_book(tmp / "synthetic"), False
    if book == "mini":
        from conftest import make_book

        return make_book(tmp / "mini"), True
    return copy_repo(tmp / "real"), True


def run(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, out


class Failed(Exception):
    pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--book", choices=["auto", "real", "mini", "synthetic"], default="auto")
    book = ap.parse_args().book
    if book != "auto":
        try:
            measure(book)
        except Failed as exc:
            sys.exit(str(exc))
        return
    if declares_briefs(REPO / "notebooks"):
        try:
            measure("real")
            return
        except Failed as exc:
            print(f"the real book's briefs could not be made, measuring the synthetic book:"
                  f"\n{exc}\n")
    measure("synthetic")


def measure(book: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, has_notebooks = prepare(book, Path(tmp))
        cli = [PY, "-m", "batteryreport", "briefs", "--root", str(root),
               "--data", str(root / "data")]
        if has_notebooks:
            seconds, out = run(cli, root)
            if out.returncode != 0:
                raise Failed(f"executing the notebooks or exporting failed:\n"
                             f"{out.stdout[-1500:]}\n{out.stderr[-1500:]}")
            print(f"notebooks executed (untimed setup): {seconds:.1f} s")
        _, out = run([PY, "-c", MEASURE, str(root)], root)
        if out.returncode != 0:
            raise Failed(f"export failed:\n{out.stdout[-1500:]}\n{out.stderr[-1500:]}")
        m = json.loads(out.stdout.strip().splitlines()[-1])
        t_cli = None
        if has_notebooks:
            t_cli, out = run(cli, root)
            if out.returncode != 0 or " running " in out.stdout:
                raise Failed(f"the no-change run failed or re-ran notebooks:\n{out.stdout}")

    n = len(m["pages"])
    print(f"book: {book}, {n} PDF(s) ({n - 1} brief(s) + summary)")
    print(f"export, cold (fresh process, vl-convert warm-up): {m['cold']:6.2f} s"
          f"   (+ {m['imports']:.2f} s imports)")
    print(f"export, warm (same process, drawings and layouts kept): {m['warm']:6.2f} s"
          f"   {m['warm'] / n:.2f} s per PDF")
    if m["charts"]:
        print(f"  every brief's charts, drawn up front: cold {m['charts'][0]:5.2f} s   warm "
              f"{m['charts'][-1]:5.2f} s")
    print("  then per PDF (typesetting, any tighter layout's charts, PDF checks):")
    for name, times in m["per_brief"].items():
        print(f"  {name:40s} cold {times[0]:5.2f} s   warm {times[-1]:5.2f} s   "
              f"{m['pages'][name]} page(s), {m['bytes'][name] / 1024:.0f} KiB")
    print(f"export again, inputs unchanged (nothing made):    {m['unchanged']:6.2f} s")
    if t_cli is not None:
        print(f"python -m batteryreport briefs, notebooks cached:  {t_cli:6.2f} s")


if __name__ == "__main__":
    main()
