"""What the build starts before its heavy imports, and the site's process, import no
pandas: ``python -m batteryreport build`` starts its helpers within milliseconds
(batteryreport.build.start), and Sphinx's process reads the source register as values
(batteryreport.data.values), not as DataFrames."""

from __future__ import annotations

import subprocess
import sys

import pytest


def loaded(code: str) -> set[str]:
    probe = code + "\nimport sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("code", [
    "import batteryreport.build.start, batteryreport.cli",
    "import batteryreport.build.sphinxext, batteryreport.build.site",
    "from batteryreport.data import read_values, validate, table_meta",
    # what the command does before it starts the helpers: validate the data
    "import batteryreport.build.start as s; assert s.data_valid(s.Layout(), None)",
])
def test_no_pandas(code):
    assert "pandas" not in loaded(code)


def test_the_dataframe_readers_still_come_from_the_data_layer():
    assert "pandas" in loaded("from batteryreport.data import load_table")
    assert "pandas" in loaded("import batteryreport.data as d; d.sources")


def test_the_build_process_imports_neither_the_notebook_format_nor_sphinx():
    # The build's own process waits for its imports before it can analyse: the notebook
    # format (read only when the notebooks change, build/notebooks.py) and Sphinx (the
    # site's process) are not among them.
    modules = loaded("import batteryreport.build.pipeline, batteryreport.build.pages, "
                     "batteryreport.build.editions, batteryreport.build.publish")
    assert not modules & {"nbformat", "sphinx", "docutils", "jupytext", "altair"}


def test_the_build_process_imports_pandas_only_after_its_checks():
    # Its checks and keys need no pandas: with a runner set up ahead, the chapters are
    # analysed there while this process imports pandas (build/pipeline.py, _analyse).
    assert "pandas" not in loaded("import batteryreport.build.pipeline, "
                                  "batteryreport.build.keys, batteryreport.build.editions")



def test_a_runner_set_up_ahead_imports_nothing_when_sent_the_analysis():
    # A runner's standby is sent the build's call to analyse (pipeline._analyse); what it
    # would import to read that call (the parameters' pydantic: 0.1 s) is on the critical
    # path of a rebuild, so its set-up imports it ahead.
    import pickle
    from pathlib import Path

    from batteryreport.build import kernels
    from batteryreport.data.params import load_params

    call = pickle.dumps(("call", kernels.analyse, (load_params(None), Path("data"),
                         ["recycling"], Path("results"), "code")))
    probe = ("import pickle, sys\n"
             "from batteryreport.build import kernels\n"
             "kernels.prepare()\n"
             "before = set(sys.modules)\n"
             "pickle.loads(sys.stdin.buffer.read())\n"
             "print(' '.join(sorted(set(sys.modules) - before)))\n")
    out = subprocess.run([sys.executable, "-c", probe], input=call, capture_output=True,
                         check=True).stdout.decode()
    assert out.split() == []


def test_the_sites_process_defers_the_notebook_cache_until_used(tmp_path):
    # myst-nb's notebook execution (jupyter-cache, SQLAlchemy: a quarter of the set-up) is
    # not needed while execution is off; its names stand in until one is used.
    from batteryreport import REPO_ROOT

    probe = f"""
import copy, inspect, pickle, sys
from batteryreport.build import site
site._make_app(site.Path({str(REPO_ROOT)!r}), site.Path({str(tmp_path / "html")!r}),
               site.Path({str(tmp_path / "doctrees")!r}))
from myst_nb.core.execute import cache, direct
# what tools do to every module or object imports nothing
inspect.getmodule(cache.NotebookClientCache); copy.deepcopy(cache.get_cache)
print("sqlalchemy" in sys.modules, "myst_nb.core.execute.cache" in sys.modules)
from jupyter_cache import __version__  # a name myst-nb does not take: the real one
print("sqlalchemy" in sys.modules)  # (the package itself imports none)
import jupyter_cache.cache.db as db
assert cache.NbProjectRecord.remove_tracebacks == db.NbProjectRecord.remove_tracebacks
assert pickle.loads(pickle.dumps(cache.CacheBundleIn)) is sys.modules[
    "jupyter_cache.base"].CacheBundleIn
assert pickle.loads(pickle.dumps(direct.single_nb_execution)) is sys.modules[
    "jupyter_cache.executors.utils"].single_nb_execution
cache.get_cache({str(tmp_path / "cache")!r})  # a call: the real function
print(__version__ == sys.modules["jupyter_cache"].__version__)
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True", "False", "True"]


def test_the_sites_process_looks_the_notebook_renderer_up_while_it_sets_up(tmp_path):
    # myst-nb looks its renderer up among every installed package's entry points when it
    # reads the first notebook (then keeps it): done during the set-up, not in the build.
    from batteryreport import REPO_ROOT

    probe = f"""
import importlib_metadata, myst_nb.sphinx_
from batteryreport.build import site
site.prepare({str(REPO_ROOT)!r}, {str(tmp_path / "html")!r}, {str(tmp_path / "doctrees")!r},
             {{}})
scans = []
real = importlib_metadata.entry_points
importlib_metadata.entry_points = lambda *a, **k: scans.append(1) or real(*a, **k)
import myst_nb.core.render as render
render.entry_points = importlib_metadata.entry_points
first = myst_nb.sphinx_.load_renderer("default")
print(first is myst_nb.sphinx_.load_renderer("default"), len(scans))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "0"]
