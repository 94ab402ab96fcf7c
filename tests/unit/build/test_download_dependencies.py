"""A page's downloads do not make it out of date (Sphinx copies them at every build that
runs), and a changed download alone still makes the build run (the root page is read
again), so the new file is copied (batteryreport.build.sphinxext)."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from batteryreport.build.sphinxext import downloads_are_copied, downloads_changed


def fake(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("a\n1\n")
    env = SimpleNamespace(docname="page", dependencies=defaultdict(set),
                          dlfiles={"data/t.csv": ({"page"}, "h/t.csv")})
    env.dependencies["page"] |= {"data/t.csv", "fragment.md"}
    app = SimpleNamespace(env=env, srcdir=str(tmp_path),
                          config=SimpleNamespace(root_doc="index"))
    return app, env


def test_a_download_is_no_dependency_but_an_included_file_is(tmp_path):
    app, env = fake(tmp_path)
    downloads_are_copied(app, None)
    assert env.dependencies["page"] == {"fragment.md"}


def test_a_changed_download_alone_reads_the_root_page_again(tmp_path):
    app, env = fake(tmp_path)
    assert downloads_changed(app, env, set(), set(), set()) == ["index"]  # first build
    assert downloads_changed(app, env, set(), set(), set()) == []  # nothing changed
    (tmp_path / "data" / "t.csv").write_text("a\n1\n2\n")
    assert downloads_changed(app, env, set(), set(), set()) == ["index"]
    (tmp_path / "data" / "t.csv").write_text("a\n1\n2\n3\n")
    # Another page is read anyway: the build runs and copies it, nothing more to add.
    assert downloads_changed(app, env, set(), {"other"}, set()) == []
    assert downloads_changed(app, env, set(), set(), set()) == []
