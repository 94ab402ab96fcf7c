"""Editions on the mini book: manifest, 'what changed', and a broken edition kept out."""

import json
from pathlib import Path

import pytest
from conftest import copy_built
from test_pipeline import build

pytestmark = pytest.mark.xdist_group("minibook-editions")


def html(root: Path, page: str) -> str:
    return (root / "_build" / "html" / "book" / page).read_text(encoding="utf-8")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory, mini_built):
    root = copy_built(mini_built, tmp_path_factory.mktemp("ed") / "book")  # (edition 1)
    first_changed = html(root, "_generated/what_changed.html")
    # Second edition: a new dated capacity observation and a new exchange rate.
    cap = root / "data" / "capacity.csv"
    cap.write_text(cap.read_text() + "4,Ola,2026-03-01,2.0,10,20,GWh,pib_2025\n")
    params = root / "scenario.yml"
    params.write_text("fx_inr_per_usd: 91.25\n")
    second = build(root, "--params", str(params))
    assert second.returncode == 0, second.stdout + second.stderr
    return root, first_changed, params


def test_first_edition_has_nothing_to_compare(two_editions):
    _, first_changed, _ = two_editions
    assert "nothing to compare" in first_changed


def test_manifest_records_what_the_edition_was_made_from(two_editions):
    root, _, _ = two_editions
    editions = sorted((root / "_build" / "editions").iterdir())
    assert len(editions) == 2
    m = json.loads((editions[-1] / "manifest.json").read_text())
    assert m["edition_number"] == 2 and m["parameters"]["fx_inr_per_usd"] == 91.25
    assert set(m["data_tables"]) == {"sources", "capacity"}
    assert m["base_edition"] == json.loads((editions[0] / "manifest.json").read_text())[
        "edition_id"]
    about = html(root, "_generated/about_edition.html")
    assert "91.25" in about and m["data_tables"]["capacity"] in about


def test_what_changed_lists_moved_numbers_and_new_rows(two_editions):
    root, _, _ = two_editions
    page = html(root, "_generated/what_changed.html")
    assert "2.4 GWh" in page and "4.4 GWh" in page  # total_gwh before and after
    assert "91.25" in page  # beta's glued rate
    assert "added" in page and "capacity" in page
    index = html(root, "index.html")
    assert "4.4 GWh" in index and "Edition 2" in index


def test_rebuild_without_changes_keeps_the_edition(two_editions):
    root, _, params = two_editions
    out = build(root, "--params", str(params))
    assert out.returncode == 0
    assert "site up to date" in out.stdout
    assert len(list((root / "_build" / "editions").iterdir())) == 2


def test_broken_edition_leaves_site_byte_identical(two_editions):
    root, _, params = two_editions
    site = (root / "_build" / "html").resolve()
    before = tree_bytes(site)
    cap = root / "data" / "capacity.csv"
    good = cap.read_text()
    cap.write_text(good + "5,Ola,not-a-date,2.0,10,20,GWh,pib_2025\n")
    try:
        out = build(root, "--params", str(params))
        assert out.returncode == 2 and "observed_date" in out.stderr
        assert (root / "_build" / "html").resolve() == site
        assert tree_bytes(site) == before
    finally:
        cap.write_text(good)


def test_latest_edition_is_found_by_number_not_by_name(tmp_path):
    from batteryreport.build.editions import latest

    for n in (4, 32):  # "...-4" sorts after "...-32" as text
        folder = tmp_path / f"20261122-default-{n}"
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps(
            {"edition_id": folder.name, "edition_number": n, "scenario": "default"}))
    assert latest(tmp_path, "default").manifest["edition_number"] == 32
    assert latest(tmp_path, "other") is None
