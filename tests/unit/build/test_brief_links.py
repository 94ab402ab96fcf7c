"""Brief links: the PDFs land where the pages point, and a brief a page links but the
build did not make stops the build, naming the page."""

import json

import pytest

from batteryreport.build.pipeline import Layout, brief_site_name, copy_briefs_into_site
from batteryreport.core.errors import InputError


def _layout(tmp_path, linked):
    layout = Layout(tmp_path)
    (layout.work / ".doctrees").mkdir(parents=True)
    (layout.work / ".doctrees" / "briefs-linked.json").write_text(json.dumps(linked))
    staging = layout.work / "briefs"
    staging.mkdir()
    return layout, staging


def test_briefs_are_copied_under_their_site_names(tmp_path):
    layout, staging = _layout(tmp_path, {"book/index": ["summary", "alpha"]})
    made = [staging / "summary-weak.pdf", staging / "alpha-weak.pdf"]
    for path in made:
        path.write_bytes(b"%PDF-1.7 " + path.name.encode())
    old = layout.work / "html" / "_briefs" / "gone.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF old")
    copy_briefs_into_site(layout, made, "weak")
    folder = layout.work / "html" / "_briefs"
    assert sorted(p.name for p in folder.iterdir()) == ["alpha.pdf", "summary.pdf"]
    assert (folder / "alpha.pdf").read_bytes() == b"%PDF-1.7 alpha-weak.pdf"


def test_a_linked_brief_that_was_not_made_stops_the_build(tmp_path):
    layout, staging = _layout(tmp_path, {"book/_generated/beta": ["beta"]})
    (staging / "alpha.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="book/_generated/beta links the brief 'beta'"):
        copy_briefs_into_site(layout, [staging / "alpha.pdf"], "default")


@pytest.mark.parametrize("name, scenario, site", [
    ("pli_delays.pdf", "default", "pli_delays.pdf"),
    ("pli_delays-weak_rupee.pdf", "weak_rupee", "pli_delays.pdf"),
])
def test_site_name(tmp_path, name, scenario, site):
    assert brief_site_name(tmp_path / name, scenario) == site
