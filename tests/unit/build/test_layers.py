"""The package's folders show the flow (../shared/ARCHITECTURE.md): a module imports only
from its own layer or the layers below it, and no two modules import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "batteryreport"
LAYERS = ["core", "data", "chapters", "present", "build", "cli"]


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "batteryreport":
        return None
    if len(parts) == 1:
        return "root"  # the package itself: paths only, importable from anywhere
    return parts[1] if parts[1] in LAYERS else "cli" if parts[1] in ("cli", "__main__") else None


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = path
    return out


def imports_of(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            found.add(mod)
            # `from batteryreport.present import fmt` imports the module present.fmt
            found |= {f"{mod}.{a.name}" for a in node.names}
    return {m for m in found if m.split(".")[0] == "batteryreport"}


MODULES = modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_imports_only_from_its_layer_or_below(name):
    own = layer_of(name)
    assert own is not None, f"{name} is in no layer: put it in one of {LAYERS}"
    if own == "root":
        return
    bad = []
    for imported in sorted(imports_of(MODULES[name], name)):
        their = layer_of(imported)
        if their in (None, "root") or imported not in MODULES and imported.rsplit(".", 1)[0] \
                not in MODULES:
            continue
        if LAYERS.index(their) > LAYERS.index(own):
            bad.append(f"{imported} ({their})")
    assert not bad, f"{name} ({own}) imports from a layer above it: {bad}"


def test_no_import_cycles():
    graph = {n: {m for m in imports_of(p, n) if m in MODULES and m != n}
             for n, p in MODULES.items()}
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        seen[n] = 1
        stack.append(n)
        for m in graph[n]:
            if seen.get(m) == 1:
                cycle = stack[stack.index(m):] + [m]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if m not in seen:
                visit(m)
        stack.pop()
        seen[n] = 2

    for n in sorted(graph):
        if n not in seen:
            visit(n)


def test_the_check_can_fail():
    """The layer rule is not vacuous: a chapter importing present would be caught."""
    assert LAYERS.index(layer_of("batteryreport.present.fmt")) > LAYERS.index(
        layer_of("batteryreport.chapters.pli"))
    assert imports_of(MODULES["batteryreport.present.pli"], "batteryreport.present.pli") >= {
        "batteryreport.chapters.pli"}
