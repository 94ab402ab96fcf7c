"""The page layer (batteryreport.present) reads no data table but the source register and
the descriptor: a chapter's other tables reach its page only through the chapter's result.
The build relies on it: a chapter notebook whose result is unchanged is not run again
(``result_key`` in batteryreport.build.pipeline)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PRESENT = Path(__file__).resolve().parents[3] / "src" / "batteryreport" / "present"
# The register (sources), labels and units (table_meta), and a pure helper on rows given.
ALLOWED = {"sources", "table_meta", "sources_of"}
READERS = {"load_table", "load_tables", "read_values", "read_table", "read_all", "run_all",
           "validate", "data_dir", "read_csv", "read_excel", "read_json", "read_parquet",
           "open", "read_text", "read_bytes"}
# Modules that read files for the build, not for a page: the chart library written into
# the site, and the executed notebooks read by the site and the briefs.
BUILD_READERS = {"bundle.py": {"open"}, "glue.py": {"read_text"}}


def data_names(path: Path) -> set[str]:
    """The names a module imports from the data layer or the chapters, and the readers of
    data (tables, files) it calls."""
    return data_names_of(path.read_text(encoding="utf-8"))


def data_names_of(code: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("batteryreport.data", "batteryreport.chapters")):
            found |= {a.name for a in node.names}
        if isinstance(node, ast.Attribute) and node.attr in READERS:
            found.add(node.attr)
        if isinstance(node, ast.Name) and node.id in READERS:
            found.add(node.id)
    return found


@pytest.mark.parametrize("path", sorted(PRESENT.glob("*.py")), ids=lambda p: p.name)
def test_a_page_module_reads_no_table_but_the_register(path):
    names = data_names(path)
    reads = names & READERS - BUILD_READERS.get(path.name, set())
    assert not reads, f"{path.name} reads data: {sorted(reads)}"
    from_data = names - READERS
    # The chapters' result types and constants, and pure functions of a result.
    from_chapters = {"pli", "penalty_paths", "PliResult", "JapanResult", "Span",
                     "OTHER_CLOSE_GAP", "VERDICTS", "Evidence", "RecommendationsResult"}
    assert from_data <= ALLOWED | from_chapters | _recycling_names(), \
        sorted(from_data - ALLOWED - from_chapters)


def _recycling_names() -> set[str]:
    """What present/recycling.py imports from its chapter (result types, one per name)."""
    tree = ast.parse((PRESENT / "recycling.py").read_text(encoding="utf-8"))
    return {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module == "batteryreport.chapters.recycling" for a in node.names
            if a.name[:1].isupper()}


NOTEBOOKS = PRESENT.parents[2] / "notebooks"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.md")), ids=lambda p: p.name)
def test_a_chapter_notebook_imports_its_result_and_its_page_only(path):
    # The build runs it in a process where no table but the register can be loaded and no
    # other chapter's result (batteryreport.build.kernels); this says so before it runs.
    from batteryreport.build.notebooks import read_notebook

    nb = read_notebook(path)
    chapter = nb.metadata["batteryreport"].get("chapter")
    if chapter is None:
        pytest.skip("not a chapter notebook")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    imports = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            imports |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imports |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "load":
            assert ast.literal_eval(node.args[0]) == chapter, ast.unparse(node)
    assert imports and all(i == "batteryreport.chapters.load"
                           or i.startswith("batteryreport.present.") for i in imports), imports
    assert not data_names_of(code) & READERS


def test_the_check_finds_a_reader(tmp_path):
    page = tmp_path / "page.py"
    page.write_text("from batteryreport.data import load_table, sources\n"
                    "import batteryreport.data as d\nd.read_values('capacity')\n")
    assert data_names(page) == {"load_table", "sources", "read_values"}
