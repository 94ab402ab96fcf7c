"""Discover the report's source notebooks and what each one reads.

Source notebooks are MyST-markdown notebooks (``notebooks/*.md``, read with jupytext)
so that prose and code review well in git. A chapter notebook declares, in its front
matter, the chapter whose analysis it shows (:mod:`batteryreport.chapters`)::

    batteryreport:
      chapter: pli_delays              # the tables it reads follow from the chapter
      order: 10                        # position in the build (lower first)

and holds its parameters in a cell tagged ``parameters``: ``run = {...}``, a dict literal
whose keys are exactly the run parameters the chapter's analysis uses (the build checks),
into which papermill injects the run's values. A notebook that is not a chapter (the test
fixtures) declares ``tables: [...]`` and may hold plain literal parameters.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from batteryreport import REPO_ROOT

if TYPE_CHECKING:  # imported where a notebook is read: the build's own process need not
    import nbformat

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    source: Path
    tables: tuple[str, ...]
    parameters: tuple[str, ...]  # run parameters injected (for a chapter: the keys of run)
    order: int
    chapter: str | None = None  # the chapter whose result it shows

    @property
    def takes_run(self) -> bool:
        """Its parameters arrive as one dict, ``run``."""
        return self.chapter is not None

    def read(self) -> nbformat.NotebookNode:
        return read_notebook(self.source)


# Parsed MyST notebooks, by content: parsing (and importing jupytext) costs more than a
# rebuild with nothing changed spends on everything else. Derived data; safe to delete.
PARSED_CACHE = REPO_ROOT / ".cache" / "parsed-notebooks"


@functools.cache
def _jupytext_version() -> str:
    from importlib.metadata import version

    return version("jupytext")


def warm_validator() -> None:
    """Compile the notebook format's validator (about 0.1 s, on a process's first
    validated read), ahead of the first read that needs it."""
    import nbformat

    nbformat.validate(nbformat.v4.new_notebook())


def warm_reader() -> None:
    """What a process's first read and write of a notebook would set up: the format's
    validator and the parser's version (for a process that notebooks are forked from)."""
    warm_validator()
    _jupytext_version()


def read_notebook(path: Path) -> nbformat.NotebookNode:
    import nbformat
    from nbformat import reader

    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)

    text = path.read_bytes()
    key = hashlib.sha256(text + _jupytext_version().encode()).hexdigest()
    cached = PARSED_CACHE / f"{key}.ipynb"
    try:
        # Written by nbformat from jupytext's parse, below: read back without validating
        # it again.
        return reader.reads(cached.read_text(encoding="utf-8"))  # (version 4: no conversion)
    except Exception:  # noqa: BLE001, S110 (not parsed yet, or a damaged entry: parse again)
        pass
    import jupytext

    nb = jupytext.reads(text.decode("utf-8"), fmt=path.suffix.lstrip("."))
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    _keep(cached, nbformat.writes(nb))
    return nb


def _keep(path: Path, text: str) -> None:
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout parses every time


def _parameters_cell(nb: nbformat.NotebookNode, source: Path) -> ast.Module:
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{source}: expected exactly one cell tagged 'parameters', "
                         f"found {len(cells)}")
    return ast.parse(cells[0].source)


def parameter_names(nb: nbformat.NotebookNode, source: Path) -> tuple[str, ...]:
    names = []
    for node in _parameters_cell(nb, source).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return tuple(names)


def run_keys(nb: nbformat.NotebookNode, source: Path) -> tuple[str, ...]:
    """The keys of a chapter notebook's ``run = {...}`` parameters cell."""
    for node in _parameters_cell(nb, source).body:
        if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets]
                == ["run"] and isinstance(node.value, ast.Dict)):
            keys = [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
            return tuple(str(k) for k in keys)
    raise ValueError(f"{source}: a chapter notebook's parameters cell is `run = {{...}}`, a "
                     "dict literal of the run parameters its chapter uses")


# What discover() found, by the notebooks' bytes and the code that reads them: a build
# that finds them unchanged neither reads them nor imports nbformat (about 0.1 s before
# the analysis can start). Derived data; safe to delete.
SPECS_CACHE = REPO_ROOT / ".cache" / "notebook-specs"


def discover(folder: Path = NOTEBOOKS_DIR) -> list[NotebookSpec]:
    from batteryreport.build.code import code_hash

    paths = sorted(list(folder.glob("*.md")) + list(folder.glob("*.ipynb")))
    h = hashlib.sha256(code_hash().encode() + str(folder).encode() + _parser_stamp())
    for path in paths:
        h.update(hashlib.sha256(path.name.encode() + b"\0" + path.read_bytes()).digest())
    cached = SPECS_CACHE / f"{h.hexdigest()}.json"
    try:
        return [NotebookSpec(**{**d, "source": Path(d["source"]), "tables": tuple(d["tables"]),
                                "parameters": tuple(d["parameters"])})
                for d in json.loads(cached.read_text(encoding="utf-8"))]
    except Exception:  # noqa: BLE001, S110 (not found yet, or a damaged entry: read them)
        pass
    specs = _discover(paths)
    _keep(cached, json.dumps([{**asdict(s), "source": str(s.source)} for s in specs]))
    return specs


def _parser_stamp() -> bytes:
    """The installed jupytext, which parses the notebooks, as found on the path (its
    package file's size and time): a new version reads them again. Not its version
    string: reading the installed packages' metadata costs more than the cache saves."""
    import importlib.util

    spec = importlib.util.find_spec("jupytext")
    if spec is None or not spec.origin:
        return b"no jupytext"
    st = os.stat(spec.origin)
    return f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}".encode()


def _discover(paths: list[Path]) -> list[NotebookSpec]:
    specs = []
    for path in paths:
        nb = read_notebook(path)
        meta = nb.metadata.get("batteryreport")
        if meta is None:
            raise ValueError(f"{path}: front matter lacks 'batteryreport: {{chapter: ...}}'")
        chapter = meta.get("chapter")
        if chapter is not None:
            from batteryreport.chapters import params_of, tables_of

            keys = run_keys(nb, path)
            if tuple(sorted(keys)) != params_of(chapter):
                raise ValueError(f"{path}: the parameters cell's run has {sorted(keys)}; the "
                                 f"chapter {chapter!r} uses {list(params_of(chapter))}")
            tables, parameters = tables_of(chapter), tuple(sorted(keys))
        else:
            tables, parameters = tuple(meta.get("tables", [])), parameter_names(nb, path)
        specs.append(NotebookSpec(
            name=path.stem,
            source=path,
            tables=tables,
            parameters=parameters,
            order=int(meta.get("order", 100)),
            chapter=chapter,
        ))
    return sorted(specs, key=lambda s: (s.order, s.name))


def export_code(folder: Path, out: Path) -> list[Path]:
    """Each notebook's code cells as an .ipynb file for the linter (ruff reads notebooks
    cell by cell, so imports after the parameters cell are fine). Returns the files."""
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(folder.glob("*.md")) + sorted(folder.glob("*.ipynb")):
        nb = read_notebook(path)
        code = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source)
                                               for c in nb.cells if c.cell_type == "code"])
        code.metadata["kernelspec"] = nb.metadata.get("kernelspec", {})
        code.metadata["language_info"] = {"name": "python"}
        target = out / f"{path.stem}.ipynb"
        nbformat.write(code, target)
        written.append(target)
    return written
