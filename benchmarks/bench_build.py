"""Benchmark the build against the naive way, in one run, on a copy of the repository.

Naive: the papermill CLI on each notebook in turn, then `jupyter-book build --all`.
Ours:  `python -m batteryreport build` (validation, cached parallel papermill,
       incremental Sphinx, atomic publish).

Measured: a clean build, a no-change rebuild, and a rebuild after one data file
changes. Prints seconds and ratios; the targets are a clean build at most 0.6x
naive, and a no-change rebuild at most 0.3x a clean build with no notebook executed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


def copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", "_build", ".cache", "_generated", ".git",
                                    "__pycache__", ".pytest_cache", ".hypothesis")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return seconds, out.stdout


def naive(root: Path) -> float:
    """Papermill CLI on each notebook in turn, then a full jupyter-book build."""
    sys.path.insert(0, str(REPO / "src"))
    import nbformat

    from batteryreport.build.notebooks import discover, read_notebook

    gen = root / "book" / "_generated"
    gen.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for spec in discover(root / "notebooks"):
        ipynb = root / ".naive" / f"{spec.name}.ipynb"
        ipynb.parent.mkdir(exist_ok=True)
        nbformat.write(read_notebook(spec.source), ipynb)
        subprocess.run([PY, "-m", "papermill", str(ipynb), str(gen / f"{spec.name}.ipynb"),
                        "--cwd", str(gen), "-k", "python3", "--no-progress-bar"],
                       cwd=root, check=True, capture_output=True)
    # Pages the pipeline would generate (the data appendix, static bundle) are not
    # notebook work; write them untimed so the naive build can run at all.
    elapsed = time.perf_counter() - start
    subprocess.run([PY, "-c", "from batteryreport.pipeline import Layout, prepare_book_inputs;"
                    "from batteryreport.params import load_params;from pathlib import Path;"
                    f"L=Layout(Path({str(root)!r}));"
                    "prepare_book_inputs(L, load_params(None, L.root/'params'/'default.yml'),"
                    " L.root/'data')"], check=True, cwd=root)
    start = time.perf_counter()
    subprocess.run([PY, "-m", "jupyter_book.cli.main", "build", str(root), "--all", "-W",
                    "--keep-going", "--path-output", str(root / ".naive-out")],
                   cwd=root, check=True, capture_output=True,
                   env={**__import__("os").environ, "BATTERYREPORT_DATA": str(root / "data")})
    return elapsed + time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        naive_root = copy_repo(tmp / "naive")
        ours_root = copy_repo(tmp / "ours")
        t_naive = naive(naive_root)

        build = [PY, "-m", "batteryreport", "build", "--root", str(ours_root),
                 "--data", str(ours_root / "data")]
        t_clean, out_clean = timed(build, ours_root)
        stages = dict(
            (part.split()[0], float(part.split()[1]))
            for line in out_clean.splitlines() if line.strip().startswith("time:")
            for part in line.split(":", 1)[1].split(","))
        t_nochange, out_nochange = timed(build, ours_root)
        executed_nochange = sum(1 for line in out_nochange.splitlines()
                                if line.strip().startswith("done "))
        # One data file changes (a note edited): only the notebooks that read it re-run.
        fx = ours_root / "data" / "fx_rates.csv"
        text = fx.read_text(encoding="utf-8")
        fx.write_text(text.replace("two-month low", "two-month low (re-checked)", 1),
                      encoding="utf-8")
        t_onefile, out_onefile = timed(build, ours_root)
        executed_onefile = [line.split()[1] for line in out_onefile.splitlines()
                            if line.strip().startswith("done ")]

    print(f"naive (papermill CLI in turn + jupyter-book build --all): {t_naive:6.1f} s")
    print(f"clean build:                                              {t_clean:6.1f} s"
          f"   ratio to naive  {t_clean / t_naive:.2f}  (target <= 0.60)")
    extra = sum(stages.get(k, 0.0) for k in ("validate", "pages", "briefs"))
    print("  stages of the clean build: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    print(f"  without the work the naive way does not do (validation, generated pages and "
          f"bundle, PDF briefs: {extra:.1f} s): {t_clean - extra:.1f} s, "
          f"ratio to naive {(t_clean - extra) / t_naive:.2f}")
    print(f"no-change rebuild:                                        {t_nochange:6.1f} s"
          f"   ratio to clean  {t_nochange / t_clean:.2f}  (target <= 0.30),"
          f" notebooks executed: {executed_nochange}")
    print(f"one data file changed (fx_rates.csv):                     {t_onefile:6.1f} s"
          f"   ratio to clean  {t_onefile / t_clean:.2f}, re-executed: {executed_onefile}")


if __name__ == "__main__":
    main()
