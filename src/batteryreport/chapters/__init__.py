"""The chapters' analyses: one module per chapter, each with one entry point.

``analyse(tables, params, **needs)`` takes the loaded tables the chapter declares
(``TABLES``), the run's parameters (it reads those in ``PARAMS``) and the results of the
chapters it builds on (``NEEDS``), and returns a typed, immutable result whose quantities
carry value, unit, label and the source rows they came from.

A run computes each chapter once, in dependency order (:func:`run_all`): the Japan chapter
and the recommendations take the PLI result; nothing recomputes it. The build stores the
results for the notebooks (:func:`store`); a notebook takes its chapter's result with
:func:`load`, which computes it (and what it needs) only when no stored result for the
same parameters exists, e.g. when a notebook is run on its own.
"""

from __future__ import annotations

import importlib
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

# chapter (notebook) name -> its analysis module
MODULES = {
    "pli_delays": "batteryreport.chapters.pli",
    "japan_investment": "batteryreport.chapters.japan",
    "recycling": "batteryreport.chapters.recycling",
    "recommendations": "batteryreport.chapters.recommendations",
}
ENV_RESULTS = "BATTERYREPORT_RESULTS"  # set by the build: the folder of stored results
# Set by the build in a chapter notebook's process: the one chapter whose result it shows.
ENV_CHAPTER = "BATTERYREPORT_CHAPTER"


@dataclass(frozen=True)
class Chapter:
    name: str
    module: ModuleType

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(self.module.TABLES)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(self.module.PARAMS)

    @property
    def needs(self) -> tuple[str, ...]:
        return tuple(self.module.NEEDS)


def chapter(name: str) -> Chapter:
    if name not in MODULES:
        raise KeyError(f"no chapter named {name!r} (chapters: {', '.join(MODULES)})")
    return Chapter(name, importlib.import_module(MODULES[name]))


def closure(name: str) -> list[str]:
    """The chapter and every chapter it builds on, dependencies first."""
    order: list[str] = []

    def visit(n: str, path: tuple[str, ...]) -> None:
        if n in path:
            raise ValueError(f"chapters depend on each other in a circle: {' -> '.join(path)}")
        for dep in chapter(n).needs:
            visit(dep, (*path, n))
        if n not in order:
            order.append(n)

    visit(name, ())
    return order


def tables_of(name: str) -> tuple[str, ...]:
    """Every table a chapter's result depends on (its own and its dependencies')."""
    return tuple(sorted({t for n in closure(name) for t in chapter(n).tables}))


def params_of(name: str) -> tuple[str, ...]:
    """Every run parameter a chapter's result depends on."""
    return tuple(sorted({p for n in closure(name) for p in chapter(n).params}))


def run_all(params: Any, folder: Path, names: list[str] | None = None,
            reuse: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Each chapter's result for one run, each computed once, dependencies first.

    ``reuse`` holds results already computed from the same inputs (the build keeps them
    between runs, by a key of the code, the parameters and the tables' bytes); those
    chapters are not computed again. A table two chapters read is read once (each gets
    its own copy, so one chapter cannot change another's input)."""
    from batteryreport.data.rows import load_tables

    wanted = names or list(MODULES)
    order: list[str] = []
    for n in wanted:
        for m in closure(n):
            if m not in order:
                order.append(m)
    results: dict[str, Any] = {}
    read: dict[str, Any] = {}  # each table is read once
    for n in order:
        if reuse and n in reuse:
            results[n] = reuse[n]
            continue
        ch = chapter(n)
        tables = load_tables(ch.tables, folder, read)
        needs = {dep: results[dep] for dep in ch.needs}
        results[n] = ch.module.analyse(tables, params, **needs)
    return results


def _run_params(params: Any, names: tuple[str, ...]) -> dict[str, Any]:
    dumped = params.for_papermill()
    return {k: dumped[k] for k in names}


def store(results: Mapping[str, Any], params: Any, folder: Path,
          keys: Mapping[str, str] | None = None) -> Path:
    """Write each result, with the parameters it was computed with (and the key of its
    inputs, when the build gives one), for the notebooks."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, result in results.items():
        key = (keys or {}).get(name)
        record = {"run": _run_params(params, params_of(name)), "result": result, "key": key}
        (folder / f"{name}.key").unlink(missing_ok=True)  # never beside another result
        tmp = folder / f".{name}.pkl.tmp"
        tmp.write_bytes(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(folder / f"{name}.pkl")
        if key:
            (folder / f"{name}.key").write_text(key, encoding="utf-8")
    return folder


def stored(folder: Path, keys: Mapping[str, str]) -> dict[str, Any]:
    """The results kept in ``folder`` whose inputs' key is still the one given.

    The key is read from a file of its own first: a result from other code (a renamed
    class, another pandas) is never unpickled, and one that cannot be read is computed
    again, never an error."""
    found = {}
    for name, key in keys.items():
        try:
            if not key or (folder / f"{name}.key").read_text(encoding="utf-8") != key:
                continue
            # Written by an earlier build of this checkout, from code whose hash is part
            # of the key: trusted like the code.
            record = pickle.loads((folder / f"{name}.pkl").read_bytes())  # noqa: S301
        except Exception:  # noqa: BLE001 (missing, damaged or unreadable: compute it)
            continue
        if isinstance(record, dict) and record.get("key") == key:
            found[name] = record["result"]
    return found


def load(name: str, run: Mapping[str, Any] | None = None) -> Any:
    """A chapter's result for a notebook: the one the build stored for these parameters,
    else computed here from the data folder, the default parameters and ``run``.

    ``run`` holds the run parameters the notebook received (its parameters cell); only
    those the chapter uses matter.
    """
    from batteryreport.data.descriptor import data_dir
    from batteryreport.data.params import params_with

    own = os.environ.get(ENV_CHAPTER)
    if own and name != own:
        # The build reuses a chapter notebook's output while its chapter's result is
        # unchanged: that output must show no other chapter's result.
        raise RuntimeError(f"the {own} notebook may load only its own chapter's result, "
                           f"not {name!r}: show it through the {own} chapter's result")
    params = params_with(dict(run or {}))
    wanted = _run_params(params, params_of(name))
    stored = os.environ.get(ENV_RESULTS)
    if stored:
        path = Path(stored) / f"{name}.pkl"
        if path.exists():
            # Written by this build, from this code, a moment ago: trusted like the code.
            record = pickle.loads(path.read_bytes())  # noqa: S301
            if record["run"] == wanted:
                return record["result"]
    return run_all(params, data_dir(), [name])[name]
