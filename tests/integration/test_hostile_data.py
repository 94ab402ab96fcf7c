"""Hostile and messy data (issue 16): nothing in a table is ever executed or interpreted,
and a build that fails, or is killed, leaves the last good edition in place.

The mini book is built once (a good edition), then its data is filled with payloads that
each once got through: a Jinja template in a source's publisher, line breaks that start a
MyST block, text that breaks a chart's inline JSON, markup in a table title that the search
page inserts as HTML, script URLs in the source register. The second build must publish a
page that shows each payload as text, and must not touch the first edition.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_built, run_build

pytestmark = pytest.mark.xdist_group("hostile")

MARK = "/tmp/batteryreport-pwned"
JINJA = ('{{ self.__init__.__globals__.__builtins__.__import__("os")'
         f'.system("touch {MARK}-jinja") }}}} {{% set x = 1 %}}')
# A carriage return (and its Unicode cousins) used to start a new MyST block.
BLOCK = ("Benign title\r```{literalinclude} /etc/passwd\r```\r\u2028:::{note}\u2029"
         "injected\u0085:::")
SCRIPT_NAME = "</script><!--<script>window.__pwned=1</script>\u2028&amp;"
TITLE = '<img src=x onerror="window.__pwned=1">Installed capacity'
HINDI = "भारी उद्योग मंत्रालय"
BAD_URLS = ["javascript:window.__pwned=1", "data:text/html,<script>window.__pwned=1</script>"]


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def rewrite_csv(path: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    edit(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def published(root: Path) -> dict:
    """What _build shows: the current release, and what its site and briefs say."""
    build = root / "_build"
    rel = json.loads((build / "current" / "release.json").read_text())
    return {"release": rel,
            "banner": re.search(r"Edition (\d+)",
                                (build / "html" / "book" / "index.html").read_text()).group(1),
            "briefs": sorted(p.name for p in (build / "briefs").iterdir()),
            "editions": sorted(p.name for p in (build / "editions").iterdir()),
            "site": tree_hash(build / "html"), "pdfs": tree_hash(build / "briefs")}


def assert_consistent(state: dict) -> None:
    rel = state["release"]
    number = rel["edition_id"].rsplit("-", 1)[1]
    assert state["banner"] == number, (state["banner"], rel["edition_id"])
    assert state["editions"] == sorted(rel["editions"]), (state["editions"], rel["editions"])
    assert state["briefs"] == sorted(rel["briefs"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, mini_built):
    for p in Path("/tmp").glob("batteryreport-pwned*"):
        p.unlink()
    # The good first edition: the mini book's first build, copied.
    root = copy_built(mini_built, tmp_path_factory.mktemp("hostile") / "book")
    good = published(root)
    edition1 = root / "_build" / "editions" / good["release"]["edition_id"]
    edition1_hash = tree_hash(edition1)

    def sources(rows):
        rows[1][1] = JINJA  # publisher: shown in pop-ups and on the sources page
        rows[1][2] = BLOCK  # title
        rows[1][4] = BAD_URLS[0]
        rows[2][4] = BAD_URLS[1]
        rows[2][2] = "</script><script>window.__pwned=1</script>"
        rows[2][1] = HINDI  # a publisher in Hindi: in the briefs' source lists

    rewrite_csv(root / "data" / "sources.csv", sources)

    def capacity(rows):
        rows[1][1] = SCRIPT_NAME
        rows[3][1] = "रिलायंस 🔋 宁德"  # Devanagari, an emoji, Chinese: in a brief's chart

    rewrite_csv(root / "data" / "capacity.csv", capacity)
    desc = root / "data" / "datapackage.json"
    package = json.loads(desc.read_text())
    package["resources"][1]["title"] = TITLE
    desc.write_text(json.dumps(package, indent=1))
    second = run_build(root)
    return {"root": root, "second": second, "good": good,
            "edition1": edition1, "edition1_hash": edition1_hash}


def site_text(root: Path) -> dict[str, str]:
    html = root / "_build" / "html"
    return {str(p.relative_to(html)): p.read_text(encoding="utf-8")
            for p in html.rglob("*.html")}


def test_hostile_text_builds_and_the_first_edition_is_untouched(hostile):
    out = hostile["second"]
    assert out.returncode == 0, out.stdout + out.stderr
    assert tree_hash(hostile["edition1"]) == hostile["edition1_hash"]
    state = published(hostile["root"])
    assert_consistent(state)
    assert state["banner"] == "2"


def test_no_template_is_evaluated(hostile):
    assert not list(Path("/tmp").glob("batteryreport-pwned*"))
    page = site_text(hostile["root"])["book/_generated/data_sources.html"]
    assert "self.__init__.__globals__" in page and "{{" in page and "{%" in page


def test_line_breaks_start_no_block(hostile):
    pages = site_text(hostile["root"])
    page = pages["book/_generated/data_sources.html"]
    assert "root:x:0:0" not in page  # /etc/passwd was not included
    assert 'class="admonition note"' not in page
    # the whole title is on one line of text, its markup shown literally
    text = re.sub(r"<[^>]+>", "", page)
    assert "Benign title ```{literalinclude} /etc/passwd ```" in text.replace("\u200b", "")


def test_inline_json_cannot_break_its_script(hostile):
    for name, page in site_text(hostile["root"]).items():
        for body in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page,
                               flags=re.S):
            assert not re.search("[<>\u2028\u2029]", body), name
            json.loads(body)
    alpha = site_text(hostile["root"])["book/_generated/alpha.html"]
    assert "window.__pwned" in alpha  # the payload is there, as data


def test_search_index_titles_are_escaped(hostile):
    index = (hostile["root"] / "_build" / "html" / "searchindex.js").read_text()
    data = json.loads(index[index.index("(") + 1: index.rindex(")")])
    titles = list(data["alltitles"]) + list(data["titles"])
    assert any("Installed capacity" in t for t in titles)
    assert not any("<" in t for t in titles), [t for t in titles if "<" in t]


def test_only_web_urls_become_links(hostile):
    pages = site_text(hostile["root"])
    for name, page in pages.items():
        for href in re.findall(r'(?:href|src)="([^"]*)"', page):
            # the charts' own CSV downloads are the only data: links
            assert not href.lower().startswith(("javascript:", "data:text/html")), (name, href)
    text = pages["book/_generated/data_sources.html"]
    assert "javascript:window.__pwned=1" in text  # shown as text, not linked
    from pypdf import PdfReader

    briefs = hostile["root"] / "_build" / "briefs"
    uris, text = [], ""
    for pdf in briefs.glob("*.pdf"):
        for page in PdfReader(pdf).pages:
            text += page.extract_text()
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action is not None and "/URI" in action:
                    uris.append(str(action["/URI"]))
    assert all(u.startswith(("http://", "https://")) for u in uris), uris
    assert "javascript:window.__pwned=1" in re.sub(r"\s+", "", text)  # printed, not linked


# --------------------------------------------------------------------------- kills


KILL_POINTS = ["notebooks", "briefs", "site", "edition", "staged"]


def test_a_kill_at_any_stage_leaves_the_last_good_edition(tmp_path, mini_built):
    """Killed at each stage before the switch, _build shows the previous edition: site,
    briefs and editions agree; killed after it, the new one, consistently."""
    root = copy_built(mini_built, tmp_path / "book")  # (a good first edition)
    good = published(root)
    assert_consistent(good)
    cap = root / "data" / "capacity.csv"
    cap.write_text(cap.read_text().replace("1.4", "1.6"))
    for point in KILL_POINTS:
        env = {**os.environ, "BATTERYREPORT_KILL_AT": point}
        out = subprocess.run(
            [os.sys.executable, "-m", "batteryreport", "build", "--root", str(root),
             "--data", str(root / "data")], capture_output=True, text=True, cwd=root,
            env=env, timeout=600)
        assert out.returncode == 137, (point, out.stdout, out.stderr)
        now = published(root)
        assert now == good, f"killed at {point}: _build changed"
    # the next build publishes, after cleaning what the killed builds left
    out = run_build(root)
    assert out.returncode == 0, out.stdout + out.stderr
    new = published(root)
    assert_consistent(new)
    assert new["banner"] == "2" and new["release"]["editions"][0] == good["release"]["edition_id"]
    cap.write_text(cap.read_text().replace("1.6", "1.7"))
    env = {**os.environ, "BATTERYREPORT_KILL_AT": "switched"}
    out = subprocess.run(
        [os.sys.executable, "-m", "batteryreport", "build", "--root", str(root),
         "--data", str(root / "data")], capture_output=True, text=True, cwd=root, env=env,
        timeout=600)
    assert out.returncode == 137
    third = published(root)
    assert_consistent(third)
    assert third["banner"] == "3"


def test_a_failing_site_build_keeps_the_published_briefs(tmp_path, mini_built):
    """The briefs are made before Sphinx runs; a site that then fails to build must not
    leave briefs of an edition the site does not have."""
    root = copy_built(mini_built, tmp_path / "book")  # (a good first edition)
    good = published(root)
    cap = root / "data" / "capacity.csv"
    cap.write_text(cap.read_text().replace("1.4", "1.6"))
    index = root / "book" / "index.md"
    index.write_text(index.read_text() + "\n{num}`alpha::no_such_value`\n")
    out = run_build(root)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "briefs" in out.stdout  # they were made, into the staging folder
    assert published(root) == good
    # Briefs that fail once the site is built: the edition's record and the release were
    # being written meanwhile (all but the briefs); neither is left, in part or whole.
    index.write_text(index.read_text().replace("{num}`alpha::no_such_value`", ""))
    alpha = root / "notebooks" / "alpha.md"
    alpha.write_text(alpha.read_text().replace(
        'title: "Alpha: capacity installed so far"',
        'title: "' + "A title far too long for any brief. " * 120 + '"'))
    out = run_build(root)
    assert out.returncode == 1 and "does not fit" in out.stderr, out.stdout + out.stderr
    assert published(root) == good
    build = root / "_build"
    assert not [p.name for p in (build / "store" / "editions").iterdir()
                if p.name.startswith(".") or p.name not in good["release"]["editions"]]
    assert not [p.name for p in (build / "releases").iterdir() if p.name.startswith(".")]


def test_any_script_renders_in_the_briefs(hostile):
    """A name in Hindi (or Chinese, or an emoji) is set in a pinned Noto font, shaped,
    embedded: never a failed build (issue 16, item 9)."""
    from batteryreport.build.briefs import pdf_fonts

    briefs = hostile["root"] / "_build" / "briefs"
    fonts: dict[str, bool] = {}
    for pdf in briefs.glob("*.pdf"):
        fonts.update(pdf_fonts(pdf.read_bytes()))
    assert all(fonts.values()), fonts  # every font embedded
    names = " ".join(fonts)
    assert "NotoSansDevanagari" in names and "NotoEmoji" in names, names
