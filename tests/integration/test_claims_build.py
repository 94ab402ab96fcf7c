"""Claims in prose are checked against each edition's data (issue 14): a claim that holds
builds; one the data makes false stops the build, naming the claim, the page and the
numbers, and the last good site stays."""

from __future__ import annotations

import json

import pytest
from conftest import make_book, run_build

pytestmark = pytest.mark.xdist_group("claims")

CLAIM = """
:::{claim}
:if: alpha.total_gwh >= 2 and beta.n_sources == 2
Most of the capacity reported is at one firm.
:::
"""


def test_a_claim_that_holds_builds_and_one_made_false_stops_the_build(tmp_path):
    root = make_book(tmp_path / "book")
    index = root / "book" / "index.md"
    index.write_text(index.read_text() + CLAIM)
    first = run_build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    site = root / "_build" / "html"
    page = (site / "book" / "index.html").read_text()
    assert "Most of the capacity reported is at one firm." in page
    claims = json.loads((site / ".claims.json").read_text())
    assert claims["book/index"] == [{"condition": "alpha.total_gwh >= 2 and beta.n_sources == 2",
                                     "holds": True,
                                     "text": "Most of the capacity reported is at one firm."}]
    before = page
    cap = root / "data" / "capacity.csv"
    cap.write_text(cap.read_text().replace(",1.4,", ",0.4,").replace(",1.0,", ",0.5,"))
    out = run_build(root)
    assert out.returncode == 1, out.stdout + out.stderr
    said = out.stdout + out.stderr
    assert "claim no longer true" in said and "book/index" in said
    assert "Most of the capacity reported is at one firm." in said
    assert "alpha.total_gwh = '0.9 GWh'" in said  # the number that broke it
    assert (site / "book" / "index.html").read_text() == before


def test_a_claim_with_a_bad_condition_is_an_error(tmp_path):
    root = make_book(tmp_path / "book")
    index = root / "book" / "index.md"
    index.write_text(index.read_text() + CLAIM.replace(
        "alpha.total_gwh >= 2", "__import__('os').system('true') == 0"))
    out = run_build(root)
    assert out.returncode == 1
    assert "cannot be checked" in out.stdout + out.stderr
