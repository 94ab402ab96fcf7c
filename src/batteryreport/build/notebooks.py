"""Discover the report's source notebooks and what each one reads.

Source notebooks are MyST-markdown notebooks (``notebooks/*.md``, read with jupytext)
so that prose and code review well in git. Each declares, in its front matter::

    batteryreport:
      tables: [pli_awards, fx_rates]   # the data tables it reads
      order: 10                        # position in the build (lower first)

and holds its parameters, as literals, in a cell tagged ``parameters``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from batteryreport import REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    source: Path
    tables: tuple[str, ...]
    parameters: tuple[str, ...]
    order: int

    def read(self) -> nbformat.NotebookNode:
        return read_notebook(self.source)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    import jupytext

    nb = jupytext.read(path)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    return nb


def parameter_names(nb: nbformat.NotebookNode, source: Path) -> tuple[str, ...]:
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{source}: expected exactly one cell tagged 'parameters', "
                         f"found {len(cells)}")
    names = []
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return tuple(names)


def discover(folder: Path = NOTEBOOKS_DIR) -> list[NotebookSpec]:
    specs = []
    for path in sorted(list(folder.glob("*.md")) + list(folder.glob("*.ipynb"))):
        nb = read_notebook(path)
        meta = nb.metadata.get("batteryreport")
        if meta is None:
            raise ValueError(f"{path}: front matter lacks 'batteryreport: {{tables: [...]}}'")
        specs.append(NotebookSpec(
            name=path.stem,
            source=path,
            tables=tuple(meta.get("tables", [])),
            parameters=parameter_names(nb, path),
            order=int(meta.get("order", 100)),
        ))
    return sorted(specs, key=lambda s: (s.order, s.name))
