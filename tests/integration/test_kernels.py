"""Each notebook runs under papermill in a fresh fork of the build: it sees nothing of
another notebook, only its own declared tables; one that kills its process fails alone;
at most ``jobs`` run at once; equal inputs give byte-identical executed notebooks."""

import json
import os
import shutil
import subprocess
import sys
import time
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


def run(folder: Path, *jobs: tuple[NotebookSpec, int, str], parallel: int = 2,
        runner: bool = False) -> dict:
    """Run (spec, x, output file name) jobs, in this process's forks or (``runner``) in
    those of a :class:`kernels.Runner`, as the build does; {name: (seconds, error)}."""
    tasks = [kernels.Task(spec, {"x": x}, folder / out) for spec, x, out in jobs]
    args = (tasks, parallel, {"BATTERYREPORT_DATA": str(folder)}, folder, folder / "logs")
    if not runner:
        return {task.output.name: (seconds, error)
                for task, seconds, error in kernels.run(*args)}
    with kernels.Runner() as notebooks:
        return {task.output.name: (seconds, error)
                for task, seconds, error in notebooks.run(*args)}


def test_a_notebook_sees_nothing_of_the_one_before(tmp_path):
    first = notebook(tmp_path, "first", "leak = x * 10\nprint('first', leak)")
    second = notebook(tmp_path, "second",
                      "import os\nprint('leak' in globals(), x, "
                      "os.environ['BATTERYREPORT_TABLES'])", tables=("fx_rates", "capacity"))
    done = run(tmp_path, (first, 4, "first.ipynb"), (second, 2, "second.ipynb"), parallel=1)
    assert done["first.ipynb"][1] == "" and done["second.ipynb"][1] == ""
    assert "first 40" in outputs(tmp_path / "first.ipynb")
    assert outputs(tmp_path / "second.ipynb").strip() == "False 2 fx_rates,capacity"


def test_a_chapter_notebook_reads_no_table_and_no_other_chapter(tmp_path):
    # Its output is reused while its chapter's result is unchanged (pipeline.result_key):
    # it may show nothing else from the data but the source register.
    import dataclasses

    for f in (Path(__file__).parents[1] / "fixtures" / "minidata").iterdir():
        shutil.copyfile(f, tmp_path / f.name)  # the data folder the notebooks get

    def chapter_notebook(name: str, code: str) -> NotebookSpec:
        spec = notebook(tmp_path, name, code, tables=("capacity", "sources"))
        return dataclasses.replace(spec, chapter="recycling")

    table = chapter_notebook("table", "from batteryreport.data import load_table\n"
                             "load_table('capacity')")
    other = chapter_notebook("other", "from batteryreport.chapters import load\n"
                             "load('pli_delays')")
    register = chapter_notebook("register", "from batteryreport.data import sources\n"
                                "print(len(sources()) > 0)")
    done = run(tmp_path, (table, 1, "table.ipynb"), (other, 1, "other.ipynb"),
               (register, 1, "register.ipynb"))
    assert "table 'capacity' is not declared" in done["table.ipynb"][1]
    assert "may load only its own chapter's result" in done["other.ipynb"][1]
    assert done["register.ipynb"][1] == ""


def test_the_runner_runs_notebooks_as_the_build_itself_does(tmp_path):
    # The build forks the runner before it analyses; the notebooks are forked from it.
    first = notebook(tmp_path, "first", "import os\nleak = x * 10\nprint(os.getppid())")
    second = notebook(tmp_path, "second", "print('leak' in globals(), x)")
    dies = notebook(tmp_path, "dies", "import os\nos._exit(3)")
    done = run(tmp_path, (first, 4, "first.ipynb"), (second, 2, "second.ipynb"),
               (dies, 1, "dies.ipynb"), runner=True)
    assert done["first.ipynb"][1] == "" and done["second.ipynb"][1] == ""
    assert int(outputs(tmp_path / "first.ipynb")) != os.getpid()  # forked by the runner
    assert outputs(tmp_path / "second.ipynb").strip() == "False 2"
    assert "exit code 3" in done["dies.ipynb"][1]
    run(tmp_path, (second, 2, "alone.ipynb"))
    assert (tmp_path / "alone.ipynb").read_bytes() == (tmp_path / "second.ipynb").read_bytes()


def test_closing_the_runner_stops_the_notebooks_it_runs(tmp_path):
    # The build stops waiting (it was interrupted): no notebook runs on.
    import threading
    import time

    slow = notebook(tmp_path, "slow", "import os, time\n"
                    "open('pid', 'w').write(str(os.getpid()))\ntime.sleep(120)")
    runner = kernels.Runner()
    results = []
    waiting = threading.Thread(target=lambda: results.extend(runner.run(
        [kernels.Task(slow, {"x": 1}, tmp_path / "slow.ipynb")], 1, {}, tmp_path,
        tmp_path / "logs")))
    waiting.start()
    pid_file = tmp_path / "pid"
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    assert _running(pid)
    runner.close()
    waiting.join(timeout=10)
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid)
    assert [error.split(" (")[0] for _, _, error in results] == ["the notebooks' process died"]
    assert not (tmp_path / "slow.ipynb").exists()


def test_a_notebook_changes_nothing_in_the_build(tmp_path):
    # It runs in a child process: its globals, environment and working folder are its own.
    spec = notebook(tmp_path, "meddles", "import os\nos.environ['BR_MEDDLED'] = '1'\n"
                    "os.chdir('/')\nimport sys\nsys.modules['json'] = None\nprint(os.getpid())")
    before = os.getcwd()
    done = run(tmp_path, (spec, 1, "meddles.ipynb"))
    assert done["meddles.ipynb"][1] == ""
    assert int(outputs(tmp_path / "meddles.ipynb")) != os.getpid()
    assert "BR_MEDDLED" not in os.environ and os.getcwd() == before
    import json

    assert json.dumps(1) == "1"


def test_a_failing_cell_is_named_and_the_next_notebook_runs(tmp_path):
    bad = notebook(tmp_path, "bad", "raise ValueError('no such firm')")
    good = notebook(tmp_path, "good", "print(x + 1)")
    done = run(tmp_path, (bad, 1, "bad.ipynb"), (good, 1, "good.ipynb"), parallel=1)
    error = done["bad.ipynb"][1]
    assert "ValueError: no such firm" in error and "raise ValueError" in error
    assert not (tmp_path / "bad.ipynb").exists()
    assert done["good.ipynb"][1] == ""


def test_a_notebook_that_kills_its_process_fails_alone(tmp_path):
    dies = notebook(tmp_path, "dies", "import os\nos._exit(3)")
    after = notebook(tmp_path, "after", "print('alive', x)")
    done = run(tmp_path, (dies, 1, "dies.ipynb"), (after, 5, "after.ipynb"))
    assert "exit code 3" in done["dies.ipynb"][1]
    assert not (tmp_path / "dies.ipynb").exists()
    assert not list(tmp_path.glob("*.tmp.ipynb"))
    assert done["after.ipynb"][1] == ""
    assert "alive 5" in outputs(tmp_path / "after.ipynb")


def test_no_more_than_jobs_notebooks_run_at_once(tmp_path):
    # Each notebook notes when it ran; with jobs=2 no three intervals overlap, and some do.
    code = ("import time\nstart = time.time()\ntime.sleep(0.3)\n"
            "print(start, time.time())")
    specs = [notebook(tmp_path, f"n{i}", code) for i in range(4)]
    done = run(tmp_path, *[(s, 1, f"n{i}.ipynb") for i, s in enumerate(specs)], parallel=2)
    assert all(error == "" for _, error in done.values())
    spans = [tuple(map(float, outputs(tmp_path / f"n{i}.ipynb").split())) for i in range(4)]
    for start, _ in spans:
        assert sum(s <= start < e for s, e in spans) <= 2
    # and two did run at once (not one after another)
    assert any(s1 < e2 and s2 < e1 for i, (s1, e1) in enumerate(spans)
               for s2, e2 in spans[i + 1:])


@pytest.mark.parametrize("order", [("one", "other", "one"), ("other", "one", "one")])
def test_equal_inputs_give_identical_files_in_any_order(tmp_path, order):
    specs = {"one": notebook(tmp_path, "one", "print(x)"),
             "other": notebook(tmp_path, "other", "y = 1\nprint(y)")}
    names = ["a.ipynb", "skip.ipynb", "b.ipynb"]
    run(tmp_path, *[(specs[n], 3, out) for n, out in zip(order, names, strict=True)],
        parallel=1)
    first, second = [out for n, out in zip(order, names, strict=True) if n == "one"]
    assert (tmp_path / first).read_bytes() == (tmp_path / second).read_bytes()
    text = (tmp_path / first).read_text()
    assert '"execution_count": 1' in text and "start_time" not in text
    assert "at 0x" not in text


WORKER_SCRIPT = """
import os, sys, time
from batteryreport.build.helpers import Helper

def nothing():
    pass

if __name__ == "__main__":
    # a helper process (the site's, the briefs'), as the build starts them
    with Helper("test", nothing) as helper:
        print(helper.run(os.getpid), flush=True)
        helper.submit(time.sleep, 120)  # busy (as Sphinx would be) when the build is killed
        time.sleep(120)
"""


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


def _kill_and_wait(parent, pid: int, what: str) -> None:
    """SIGKILL the build ``parent``; its process ``pid`` must exit within 10 s."""
    import signal
    import time

    assert _running(pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(pid), f"the {what} outlived the killed build"


def test_a_worker_does_not_outlive_a_killed_build(tmp_path):
    # A helper waits on its own end of a pipe: without exit_with_parent it would wait for
    # ever after a SIGKILL of the build (and hold the build's output pipes open).
    import subprocess
    import sys

    script = tmp_path / "build.py"
    script.write_text(WORKER_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        _kill_and_wait(parent, int(parent.stdout.readline()), "helper")
    finally:
        parent.kill()


NOTEBOOK_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_kernels import notebook, run

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    slow = notebook(folder, "slow", "import os, time\\n"
                    "open('pid', 'w').write(str(os.getpid()))\\ntime.sleep(120)")
    run(folder, (slow, 1, "slow.ipynb"), runner=sys.argv[2] == "runner")
"""


@pytest.mark.parametrize("forked_by", ["build", "runner"])
def test_a_notebook_does_not_outlive_a_killed_build(tmp_path, forked_by):
    # The notebook's process (a fork of the build, or of its runner) exits with the build.
    import subprocess
    import sys
    import time

    script = tmp_path / "build.py"
    script.write_text(NOTEBOOK_SCRIPT.format(tests=str(Path(__file__).parent)))
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path), forked_by])
    try:
        pid_file = tmp_path / "pid"
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        _kill_and_wait(parent, int(pid_file.read_text()), "notebook")
    finally:
        parent.kill()


def test_a_posted_job_runs_first_and_its_result_or_error_is_dropped():
    # The build posts the briefs' chart warm-up before it submits the briefs.
    import os

    from batteryreport.build.helpers import HELPER_NICENESS, Helper

    with Helper("test", os.getpid, niceness=HELPER_NICENESS + 3) as helper:
        helper.post(int, "not a number")  # raises ValueError in the helper: dropped
        helper.post(os.getpid)
        assert helper.run(abs, -3) == 3
        assert helper.run(os.nice, 0) == min(19, os.nice(0) + HELPER_NICENESS + 3)
        helper.post(int, "still not")
        with pytest.raises(ValueError):
            helper.run(int, "a job's own error is raised")


def test_a_job_given_to_a_helper_that_died_is_an_error_of_the_helper():
    # Not a broken pipe in the build: the build reports the helper's death as for a job
    # it died doing (and leaves the last good site in place).
    import os
    import signal
    import time

    from batteryreport.build.helpers import Helper, HelperError

    with Helper("test", os.getpid) as helper:
        pid = helper.run(os.getpid)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        helper.post(os.getpid)
        with pytest.raises(HelperError, match="the test process died"):
            helper.run(abs, -3)


def test_a_runner_with_a_standby_forks_only_if_the_standby_cannot_be_taken(tmp_path):
    # A build that found a standby runner waiting takes it when a notebook is due; if
    # it cannot be taken, the build forks its runner then. Unused, neither happens.
    import multiprocessing

    unused = kernels.Runner(standby=lambda: pytest.fail("taken with no notebook due"))
    assert multiprocessing.active_children() == []
    unused.close()
    asked = []
    runner = kernels.Runner(standby=lambda: asked.append("take"))  # (None: not taken)
    assert multiprocessing.active_children() == [] and asked == []
    spec = notebook(tmp_path, "first", "import os\nprint(os.getppid(), x)")
    with runner:
        done = {t.output.name: e for t, _, e in runner.run(
            [kernels.Task(spec, {"x": 3}, tmp_path / "first.ipynb")], 1, {}, tmp_path,
            tmp_path / "logs")}
        assert done == {"first.ipynb": ""} and asked == ["take"] and not runner.kept
        parent, x = outputs(tmp_path / "first.ipynb").split()
        assert int(parent) != os.getpid() and x == "3"  # forked from the runner
    assert multiprocessing.active_children() == []


def test_calls_sent_ahead_to_a_standby_are_answered_first_and_kept(tmp_path):
    # The command has a runner taken from its standby analyse as the build begins
    # (start.analyse_as_begun); the build's own call or notebooks come later on the same
    # connection, and get their own answers. Nothing is sent ahead to a runner that is
    # not a standby's (just forked, it is still importing).
    with kernels.Runner() as fresh:
        assert not fresh.standing_by
        assert not fresh.send_ahead(os.getpid) and fresh.ahead == []
    with kernels.Runner() as standing:  # stands in for a standby an earlier build left
        runner = kernels.Runner(standby=lambda: (standing._conn, standing._process))
        assert runner.standing_by
        assert runner.send_ahead(os.getpid) and runner.kept and not runner.standing_by
        assert not runner.send_ahead(os.getpid)  # taken already: once, as the build begins
        runner.send_call(_set_and_read, 5)
        assert runner.call_result() is None  # this call's answer, not the one sent ahead
        [pid] = runner.ahead
        assert pid not in (os.getpid(), standing._process.pid)  # done in a fork of it
        failing = kernels.Runner(standby=lambda: (standing._conn, standing._process))
        assert failing.send_ahead(_fails)
        failing.send_call(_set_and_read, 6)
        assert failing.call_result() is None and failing.ahead == []  # the error dropped
        again = kernels.Runner(standby=lambda: (standing._conn, standing._process))
        assert again.send_ahead(_set_and_read, 7)
        spec = notebook(tmp_path, "after", "print(8)")
        done = [e for _, _, e in again.run([kernels.Task(spec, {"x": 1}, tmp_path / "a.ipynb")],
                                           1, {}, tmp_path, tmp_path / "logs")]
        assert done == [""] and outputs(tmp_path / "a.ipynb").strip() == "8"
        assert again.ahead == [None]


def _write_later(path: str, seconds: float) -> None:
    time.sleep(seconds)
    Path(path).write_text("written after the build", encoding="utf-8")


def test_a_call_sent_ahead_stops_when_the_build_closes_the_runner(tmp_path):
    # A build that runs no notebook closes the runner it took while the call it sent
    # ahead still runs: the call stops with it, and writes nothing after the build.
    late = tmp_path / "late.txt"
    with kernels.Runner() as standing:  # stands in for a standby an earlier build left
        standing.send_call(os.getpid)
        standing.call_result()  # (set up, and serving)
        runner = kernels.Runner(standby=lambda: (standing._conn, standing._process))
        assert runner.send_ahead(_write_later, str(late), 0.4)
        time.sleep(0.1)
        runner.close()
    time.sleep(0.6)  # (the call would have written at 0.4 s)
    assert not late.exists()


def _set_and_read(value):
    import batteryreport.build.kernels as k

    before = getattr(k, "_test_mark", None)
    k._test_mark = value
    return before


def _fails():
    raise ValueError("no such table")


def test_a_call_runs_in_a_fork_of_the_runner_and_leaves_it_as_it_was():
    # The runner analyses the chapters in a fork of itself: what a call does there stays
    # there (the notebooks forked next start from the runner as it was set up).
    with kernels.Runner() as runner:
        runner.send_call(_set_and_read, 1)
        assert runner.call_result() is None
        runner.send_call(_set_and_read, 2)
        assert runner.call_result() is None  # not 1: the first call's fork is gone
        runner.send_call(_fails)
        with pytest.raises(ValueError, match="no such table"):
            runner.call_result()
        runner.send_call(os._exit, 3)
        with pytest.raises(RuntimeError, match="exit code 3"):
            runner.call_result()
        runner.send_call(_set_and_read, 4)  # and it still serves
        assert runner.call_result() is None


def test_each_report_chart_is_written_as_soon_as_its_cell_has_run(tmp_path):
    # For the briefs' process to draw it while the notebook goes on (briefs/ahead.py):
    # the next cell already finds it written, whole, as the executed notebook holds it.
    from batteryreport.present.glue import FIGURE_MIME, read_figures

    shown = tmp_path / "figures"
    shown.mkdir()
    spec = notebook(tmp_path, "shows", "from IPython.display import display\n"
                    f"record = {{'name': 'cap', 'title': 'Capacity', 'spec': {{'mark': 'bar',"
                    f" 'height': 0.1 + 0.2}}}}\n"
                    f"display({{'{FIGURE_MIME}': record, 'text/plain': 'a chart'}}, raw=True)")
    later = ("\n```{code-cell} ipython3\nimport os\n"
             f"print(sorted(os.listdir({str(shown)!r})))\n```\n")
    spec.source.write_text(spec.source.read_text() + later, encoding="utf-8")
    plain = notebook(tmp_path, "plain", "print(x)")
    tasks = [kernels.Task(spec, {"x": 1}, tmp_path / "shows.ipynb", figures=shown),
             kernels.Task(plain, {"x": 1}, tmp_path / "plain.ipynb", figures=shown)]
    done = {t.output.name: error for t, _, error in kernels.run(
        tasks, 2, {"BATTERYREPORT_DATA": str(tmp_path)}, tmp_path, tmp_path / "logs")}
    assert done == {"shows.ipynb": "", "plain.ipynb": ""}
    assert outputs(tmp_path / "shows.ipynb").strip() == "['shows--cap.json']"
    assert [p.name for p in shown.iterdir()] == ["shows--cap.json"]  # (no temporary file)
    written = json.loads((shown / "shows--cap.json").read_text(encoding="utf-8"))
    assert written == read_figures(tmp_path / "shows.ipynb")["cap"]
    assert written["spec"]["height"] == 0.1 + 0.2  # the same float, to the last digit


def test_what_a_cell_prints_and_shows_lands_in_its_cell_in_order(tmp_path):
    # The in-process kernel sends its messages in its own thread (no IOPub thread): each
    # print and display still lands in the cell that made it, in the order made.
    import nbformat

    code = ("from IPython.display import display\nimport sys\nprint('before')\n"
            "display({'text/plain': 'shown'}, raw=True)\nprint('after', end='')\n"
            "print('to stderr', file=sys.stderr)")
    spec = notebook(tmp_path, "order", code)
    later = "\n```{code-cell} ipython3\nprint('next cell')\nx + 1\n```\n"
    spec.source.write_text(spec.source.read_text() + later, encoding="utf-8")
    assert run(tmp_path, (spec, 41, "order.ipynb"))["order.ipynb"][1] == ""
    cells = [c for c in nbformat.read(tmp_path / "order.ipynb", as_version=4).cells
             if c.cell_type == "code" and "parameters" not in str(c.metadata.get("tags"))]

    def seen(cell):
        return [(o.get("name") or o.output_type, o.get("text") or o.data["text/plain"])
                for o in cell.outputs]

    assert seen(cells[-2]) == [("stdout", "before\n"), ("display_data", "shown"),
                               ("stdout", "after"), ("stderr", "to stderr\n")]
    assert seen(cells[-1]) == [("stdout", "next cell\n"), ("execute_result", "42")]


# -- what the runner sets up before it forks -------------------------------------------

def test_a_notebook_finds_its_kernel_and_charts_set_up_by_the_runner():
    # Every notebook's process used to import the rest of IPython's kernel start, the
    # data-frame adapter of Altair's first spec from a frame (and look its plugins up
    # among the installed packages' entry points): about a tenth of a chapter's run,
    # paid by each fork, and each chapter's presentation module. Now the runner does it
    # once, before it forks (a new interpreter here: the test process has imported
    # everything already).
    code = (
        "import sys\nfrom batteryreport.build import kernels\nkernels.prepare()\n"
        "before = set(sys.modules)\nimport altair as alt, pandas as pd\n"
        "import importlib, pkgutil, batteryreport.present as present\n"
        "for m in pkgutil.iter_modules(present.__path__):\n"
        "    importlib.import_module(f'batteryreport.present.{m.name}')\n"
        "from batteryreport.present.charts import _spec_of\n"
        "frame = pd.DataFrame({'a': [1, 2], 'b': [3.0, 4.0]})\n"
        "_spec_of(alt.Chart(frame).mark_bar().encode(x='a:O', y='b:Q'), {})\n"
        "km = kernels._kernel_manager()\nkm.start_kernel()\nclient = km.client()\n"
        "client.start_channels()\nclient.wait_for_ready()\n"
        "print(sorted(set(sys.modules) - before))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_notebook_keeps_no_input_history(tmp_path):
    # IPython would write each cell into the user's own history database (a thread and
    # a file written by every notebook's process); nothing reads it.
    ipython_dir = tmp_path / "ipython"
    spec = notebook(tmp_path, "history", "print(get_ipython().history_manager.enabled)")
    tasks = [kernels.Task(spec, {"x": 1}, tmp_path / "history.ipynb")]
    env = {"BATTERYREPORT_DATA": str(tmp_path), "IPYTHONDIR": str(ipython_dir)}
    done = [error for _, _, error in kernels.run(tasks, 1, env, tmp_path, tmp_path / "logs")]
    assert done == [""]
    assert outputs(tmp_path / "history.ipynb").strip() == "False"
    assert not list(ipython_dir.rglob("history.sqlite"))
