"""Notebooks share a worker's warm kernel but nothing else: each starts with an empty
namespace and its own declared tables, a dead kernel is replaced, and equal inputs give
byte-identical executed notebooks."""

from pathlib import Path

import pytest

from batteryreport.build import kernels
from batteryreport.build.notebooks import NotebookSpec

HEADER = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

```{code-cell} ipython3
:tags: [parameters]
x = 0
```
"""


def notebook(folder: Path, name: str, code: str, tables=("capacity",)) -> NotebookSpec:
    path = folder / f"{name}.md"
    path.write_text(HEADER + f"\n```{{code-cell}} ipython3\n{code}\n```\n", encoding="utf-8")
    return NotebookSpec(name, path, tuple(tables), ("x",), 1)


def outputs(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


@pytest.fixture
def worker(tmp_path):
    kernels.start_worker({"BATTERYREPORT_DATA": str(tmp_path)}, str(tmp_path),
                         str(tmp_path / "logs"))
    assert not kernels._worker.get("error"), kernels._worker.get("error")
    yield tmp_path
    kernels._stop_kernel()
    kernels._worker.clear()


def test_a_notebook_sees_nothing_of_the_one_before(worker):
    first = notebook(worker, "first", "leak = x * 10\nprint('first', leak)")
    second = notebook(worker, "second",
                      "import os\nprint('leak' in globals(), x, "
                      "os.environ['BATTERYREPORT_TABLES'])", tables=("fx_rates", "capacity"))
    assert kernels.execute(first, {"x": 4}, worker / "first.ipynb")[1] == ""
    assert "first 40" in outputs(worker / "first.ipynb")
    assert kernels.execute(second, {"x": 2}, worker / "second.ipynb")[1] == ""
    assert outputs(worker / "second.ipynb").strip() == "False 2 fx_rates,capacity"


def test_a_failing_cell_is_named_and_the_next_notebook_runs(worker):
    bad = notebook(worker, "bad", "raise ValueError('no such firm')")
    seconds, error = kernels.execute(bad, {"x": 1}, worker / "bad.ipynb")
    assert "ValueError: no such firm" in error and "raise ValueError" in error
    assert not (worker / "bad.ipynb").exists()
    good = notebook(worker, "good", "print(x + 1)")
    assert kernels.execute(good, {"x": 1}, worker / "good.ipynb")[1] == ""


def test_the_kernel_listens_on_private_unix_sockets_not_tcp_ports(worker):
    # A TCP port is picked free and bound by the kernel a moment later; under parallel
    # builds another process took one in between and the kernel never started.
    import os
    import stat

    info = kernels._worker["km"].get_connection_info()
    folder = kernels._worker["socket_dir"]
    assert info["transport"] == "ipc" and str(info["ip"]).startswith(folder + os.sep)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    kernels._stop_kernel()
    assert not os.path.exists(folder)


def test_a_dead_kernel_is_replaced(worker):
    dies = notebook(worker, "dies", "import os\nos._exit(3)")
    seconds, error = kernels.execute(dies, {"x": 1}, worker / "dies.ipynb")
    assert error and not (worker / "dies.ipynb").exists()
    after = notebook(worker, "after", "print('alive', x)")
    assert kernels.execute(after, {"x": 5}, worker / "after.ipynb")[1] == ""
    assert "alive 5" in outputs(worker / "after.ipynb")


def test_equal_inputs_give_identical_files_in_any_order(worker):
    one = notebook(worker, "one", "print(x)")
    other = notebook(worker, "other", "y = 1\nprint(y)")
    kernels.execute(one, {"x": 3}, worker / "a.ipynb")
    kernels.execute(other, {"x": 3}, worker / "skip.ipynb")  # moves the kernel's counter
    kernels.execute(one, {"x": 3}, worker / "b.ipynb")
    assert (worker / "a.ipynb").read_bytes() == (worker / "b.ipynb").read_bytes()
    text = (worker / "a.ipynb").read_text()
    assert '"execution_count": 1' in text and "start_time" not in text


WORKER_SCRIPT = """
import concurrent.futures as cf, multiprocessing, os, time
from batteryreport.build.faults import exit_with_parent

def pid():
    return os.getpid()

if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=context, initializer=exit_with_parent) as pool:
        print(pool.submit(pid).result(), flush=True)
        time.sleep(120)
"""


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


def test_a_worker_does_not_outlive_a_killed_build(tmp_path):
    # A pool worker holds its own end of the task queue: without exit_with_parent it would
    # wait for ever after a SIGKILL of the build (and hold the build's output pipes open).
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "build.py"
    script.write_text(WORKER_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        assert _running(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(worker), "the worker outlived the killed build"
    finally:
        parent.kill()
