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
           "validate", "data_dir"}


def data_names(path: Path) -> set[str]:
    """The names a module imports from the data layer or the chapters' entry points."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("batteryreport.data", "batteryreport.chapters")):
            found |= {a.name for a in node.names}
        if isinstance(node, ast.Attribute) and node.attr in READERS:
            found.add(node.attr)
    return found


@pytest.mark.parametrize("path", sorted(PRESENT.glob("*.py")), ids=lambda p: p.name)
def test_a_page_module_reads_no_table_but_the_register(path):
    names = data_names(path)
    assert not names & READERS, f"{path.name} reads tables: {sorted(names & READERS)}"
    from_data = {n for n in names if n[:1].islower() and n not in READERS}
    chapter_functions = {"penalty_paths", "pli"}  # pure, on a result; the chapter module
    assert from_data <= ALLOWED | chapter_functions, sorted(from_data - ALLOWED)


def test_the_check_finds_a_reader(tmp_path):
    page = tmp_path / "page.py"
    page.write_text("from batteryreport.data import load_table, sources\n"
                    "import batteryreport.data as d\nd.read_values('capacity')\n")
    assert data_names(page) == {"load_table", "sources", "read_values"}
