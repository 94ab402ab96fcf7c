"""Publishing (issue 18) on the mini book: `_build/public` keeps every edition readable at
its own address, every link in it resolves, and the public address (or its absence) shows
in canonical links, sitemap.xml and robots.txt.

One module-scoped story, five publishes of the mini book:

1. edition 1 (the default parameters);
2. edition 2 (a new capacity row and another exchange rate);
3. a scenario run (``scenario: strong-rupee``): recorded, never published;
4. a public address set in ``_config.yml``;
5. a fresh checkout whose ``_build`` is restored from the archive, as CI does.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import make_book, run_build

from batteryreport.build.links import check_links

pytestmark = pytest.mark.xdist_group("publish")

ADDRESS = "https://example.org/battery-report/"


def publish(root: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    if env is None:
        return run_build(root, *extra, command="publish")
    return subprocess.run(
        [os.sys.executable, "-m", "batteryreport", "publish", "--root", str(root),
         "--data", str(root / "data"), *extra],
        capture_output=True, text=True, cwd=root, timeout=600, env={**os.environ, **env})


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def is_redirect(page: str) -> bool:
    return "http-equiv=\"Refresh\"" in page and "<body" not in page


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    saved = os.environ.pop("BATTERYREPORT_PUBLIC_URL", None)  # the tests set the address
    base = tmp_path_factory.mktemp("public")
    root = make_book(base / "book")
    build, public = root / "_build", root / "_build" / "public"
    s: dict = {"root": root}

    out = publish(root)
    assert out.returncode == 0, out.stdout + out.stderr
    s["briefs1"] = tree(build / "briefs")  # edition 1's briefs, as published
    s["ed1"] = tree(public / "editions" / "1")
    s["record1"] = next((build / "store" / "editions").iterdir())
    s["record1_tree"] = tree(s["record1"])

    cap = root / "data" / "capacity.csv"
    cap.write_text(cap.read_text() + "4,Ola,2026-03-01,2.0,10,20,GWh,pib_2025\n")
    params = root / "edition2.yml"
    params.write_text("fx_inr_per_usd: 91.25\n")
    s["params2"] = params
    out = publish(root, "--params", str(params))
    assert out.returncode == 0, out.stdout + out.stderr
    s["after2"] = tree(public)

    scenario = root / "scenario.yml"
    scenario.write_text("scenario: strong-rupee\nfx_inr_per_usd: 70\n")
    out = publish(root, "--params", str(scenario))
    assert out.returncode == 0, out.stdout + out.stderr
    s["scenario_out"] = out.stdout
    s["after_scenario"] = tree(public)
    s["current_after_scenario"] = text(build / "html" / "book" / "index.html")

    config = root / "_config.yml"
    config.write_text(config.read_text().replace('public_url: ""', f'public_url: "{ADDRESS}"'))
    out = publish(root, "--params", str(params))
    assert out.returncode == 0, out.stdout + out.stderr
    s["with_address"] = tree(public)
    yield s
    if saved is not None:
        os.environ["BATTERYREPORT_PUBLIC_URL"] = saved


def test_edition_1_keeps_its_numbers_and_briefs(story):
    public = story["root"] / "_build" / "public"
    old = text(public / "editions" / "1" / "book" / "index.html")
    new = text(public / "book" / "index.html")
    assert "2.4 GWh" in old and "4.4 GWh" not in old  # alpha's total in edition 1
    assert "4.4 GWh" in new and "Edition 2" in new
    assert "Edition 1" in old
    briefs = tree(public / "editions" / "1" / "briefs")
    assert briefs and briefs == story["briefs1"]  # byte for byte as edition 1 published them
    beta = text(public / "editions" / "1" / "book" / "_generated" / "beta.html")
    assert "91.25" not in beta and "91.25" in text(public / "book" / "_generated" / "beta.html")


def test_a_new_edition_never_rewrites_an_old_one(story):
    """The record is never touched, and without an address the public copy of edition 1 is
    byte-identical after edition 2 and after a scenario run."""
    assert tree(story["record1"]) == story["record1_tree"]
    ed1 = "editions/1/"
    for state in ("after2", "after_scenario"):
        now = {k[len(ed1):]: v for k, v in story[state].items() if k.startswith(ed1)}
        assert now == story["ed1"], state


def test_every_page_of_an_old_edition_says_which_it_is(story):
    public = story["root"] / "_build" / "public"
    ed1 = public / "editions" / "1"
    checked = 0
    for page in pages(ed1):
        body = text(page)
        if is_redirect(body) or "/_static/" in page.as_posix():
            continue
        note = re.search(r'<div class="br-edition-note"[^>]*>(.*?)</div>', body, re.S)
        assert note, page
        assert "Edition 1" in note.group(1) and "Read the latest edition" in note.group(1)
        href = re.search(r'href="([^"]*index\.html)">Read the latest', note.group(1)).group(1)
        assert (page.parent / href).resolve() == (public / "index.html").resolve()
        checked += 1
    assert checked >= 5
    assert "br-edition-note" not in text(public / "book" / "index.html")  # not the latest


def test_editions_page_lists_every_edition(story):
    public = story["root"] / "_build" / "public"
    page = text(public / "book" / "_generated" / "editions.html")
    rows = re.findall(r"<tr><td>(.*?)</tr>", page, re.S)
    assert len(rows) == 2 and "Edition 2" in rows[0] and "Edition 1" in rows[1]
    assert "default" in rows[0] and "first edition" in rows[1]
    # the total, the exchange rate and the newest fact date moved
    assert "3 numbers moved" in rows[0] and "1 data row" in rows[0]
    assert "fx_inr_per_usd" in rows[0]  # the parameter that changed
    assert "strong-rupee" not in page  # scenarios are not published
    for href in re.findall(r'href="([^"]+)"', rows[0] + rows[1]):
        assert (public / "book" / "_generated" / href).resolve().is_file(), href
    # the copy in editions/1 links back to the public folder's editions, not its own
    old = text(public / "editions" / "1" / "book" / "_generated" / "editions.html")
    assert 'href="../../../../editions/1/index.html"' in old


def test_every_link_in_the_public_folder_resolves(story):
    public = story["root"] / "_build" / "public"
    assert check_links(public) == []
    for page in pages(public):
        body = text(page)
        assert "file://" not in body, page
        for ref in re.findall(r'(?:href|src)="([^"]*)"', body):
            assert not ref.startswith("/"), (page, ref)  # depends on where it is hosted
            if not re.match(r"(https?|mailto|data):", ref):
                target = (page.parent / ref.split("#")[0].split("?")[0]).resolve()
                assert public.resolve() in (target, *target.parents), (page, ref)


def test_link_check_catches_what_it_should(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<p id="x">x</p>')
    (site / "style.css").write_text("body{background:url(missing.png)}")
    (site / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/index.html#x">ok</a><a href="#top" id="top">ok</a>'
        '<a href="https://example.org/">web</a><img src="data:image/png;base64,AA">'
        '<a href="a/index.html#nope">1</a><a href="gone.html">2</a><a href="../up.html">3</a>'
        '<a href="/abs.html">4</a><a href="javascript:alert(1)">5</a><script src="//cdn/x">'
        "</script>")
    problems = check_links(site)
    assert len(problems) == 7, problems
    for why in ("no element with id 'nope'", "gone.html: no such file", "outside the folder",
                "absolute path", "scheme javascript", "protocol-relative", "missing.png"):
        assert any(why in p for p in problems), why


def test_no_address_no_canonical_no_sitemap(story):
    after = story["after2"]
    assert "sitemap.xml" not in after
    assert after["robots.txt"].decode() == "User-agent: *\nAllow: /\n"
    assert not any(b'rel="canonical"' in v for k, v in after.items() if k.endswith(".html"))


def test_address_gives_canonical_links_sitemap_and_robots(story):
    public = story["root"] / "_build" / "public"
    state = story["with_address"]
    robots = state["robots.txt"].decode()
    assert f"Sitemap: {ADDRESS}sitemap.xml" in robots
    sitemap = state["sitemap.xml"].decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{ADDRESS}book/" in locs and f"{ADDRESS}editions/1/book/" in locs
    assert f"{ADDRESS}editions/2/book/_generated/alpha.html" in locs
    assert not any(loc.endswith(("search.html", "genindex.html")) for loc in locs)
    for page in pages(public):
        rel = page.relative_to(public).as_posix()
        body = text(page)
        if is_redirect(body) or rel.startswith("_static/") or "/_static/" in rel:
            continue
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', body)
        index = rel == "index.html" or rel.endswith("/index.html")
        want = ADDRESS + (rel[: -len("index.html")] if index else rel)
        assert canonical == [want], (rel, canonical)
        if rel.split("/")[-1] not in ("search.html", "genindex.html"):
            assert want in locs, want
    assert check_links(public) == []


def test_address_in_the_briefs_footer_and_old_briefs_unchanged(story):
    from pypdf import PdfReader

    public = story["root"] / "_build" / "public"
    footer = PdfReader(public / "briefs" / "summary.pdf").pages[0].extract_text()
    assert f"{ADDRESS}editions/2/" in re.sub(r"\s+", "", footer)
    assert tree(public / "editions" / "1" / "briefs") == story["briefs1"]
    old = PdfReader(public / "editions" / "1" / "briefs" / "summary.pdf").pages[0]
    assert "example.org" not in old.extract_text()  # frozen as first published


def test_bad_address_fails_early_and_keeps_the_public_folder(story):
    root = story["root"]
    public = root / "_build" / "public"
    before = tree(public)
    config = root / "_config.yml"
    good = config.read_text()
    config.write_text(good.replace(f'public_url: "{ADDRESS}"', 'public_url: "javascript:x"'))
    try:
        out = publish(root, "--params", str(story["params2"]))
        assert out.returncode == 2, out.stdout + out.stderr
        assert "_config.yml" in out.stderr and "public-url" in out.stderr
        assert "running" not in out.stdout
        assert tree(public) == before
    finally:
        config.write_text(good)


def test_scenario_runs_are_not_published(story):
    after = story["after_scenario"]
    assert {k.split("/")[1] for k in after if k.startswith("editions/")} == {"1", "2"}
    assert "strong-rupee" in story["current_after_scenario"]  # _build/html: the scenario
    front = after["book/index.html"].decode()
    assert "strong-rupee" not in front and "4.4 GWh" in front  # public: edition 2
    assert "scenario run" in story["scenario_out"]


def test_dataset_zip_is_complete_deterministic_and_linked(story):
    from batteryreport.build.dataset import dataset_bytes

    root = story["root"]
    public = root / "_build" / "public"
    zipped = public / "editions" / "1" / "data-edition-1.zip"
    with zipfile.ZipFile(zipped) as zf:
        names = sorted(zf.namelist())
        assert names == ["data-edition-1/capacity.csv", "data-edition-1/datapackage.json",
                         "data-edition-1/sources.csv"]
        record = story["record1"] / "data"
        for name in names:
            assert zf.read(name) == (record / name.split("/")[1]).read_bytes()
    assert dataset_bytes(record, "data-edition-1") == zipped.read_bytes()  # same bytes again
    # "About this edition" offers the zip; "Data and sources" points there, naming no
    # edition (so a new edition does not rewrite the book's largest page).
    page = text(public / "book" / "_generated" / "about_edition.html")
    link = re.search(r'href="([^"]*data-edition-2\.zip)"', page).group(1)
    assert (public / "book" / "_generated" / link).resolve().is_file()
    assert 'id="dataset-download"' in page
    sources_page = text(public / "book" / "_generated" / "data_sources.html")
    assert 'href="about_edition.html#dataset-download"' in sources_page
    assert "data-edition" not in sources_page


def test_a_killed_publish_leaves_the_public_folder(story):
    root = story["root"]
    public = root / "_build" / "public"
    before = tree(public)
    out = publish(root, "--params", str(story["params2"]),
                  env={"BATTERYREPORT_KILL_AT": "public"})
    assert out.returncode == 137, out.stdout + out.stderr
    assert tree(public) == before
    out = publish(root, "--params", str(story["params2"]))  # and the next one cleans up
    assert out.returncode == 0, out.stdout + out.stderr
    assert not list((root / "_build").glob(".public-*"))


def test_a_fresh_checkout_restored_from_the_archive_publishes_the_same_editions(story,
                                                                               tmp_path):
    """CI starts with an empty _build: it restores the records from the archive branch
    (here a folder) and must publish edition 1 exactly as it was."""
    root = story["root"]
    archive = tmp_path / "archive"
    out = subprocess.run([os.sys.executable, "-m", "batteryreport", "archive", str(archive),
                          "--root", str(root)], capture_output=True, text=True)
    assert out.returncode == 0 and "2 new edition" in out.stdout, out.stdout + out.stderr
    fresh = make_book(tmp_path / "fresh")
    shutil.copyfile(root / "data" / "capacity.csv", fresh / "data" / "capacity.csv")
    shutil.copyfile(root / "_config.yml", fresh / "_config.yml")  # the same address
    shutil.copytree(archive, fresh / "_build" / "editions")  # what the workflow does
    out = publish(fresh, "--params", str(story["params2"]))
    assert out.returncode == 0, out.stdout + out.stderr
    public = root / "_build" / "public"
    again = fresh / "_build" / "public"
    assert tree(again / "editions" / "1") == tree(public / "editions" / "1")
    assert "4.4 GWh" in text(again / "book" / "index.html")
    assert len(list((fresh / "_build" / "store" / "editions").iterdir())) == 2  # no edition 3
    # archiving again adds nothing, and a changed record is refused
    out = subprocess.run([os.sys.executable, "-m", "batteryreport", "archive", str(archive),
                          "--root", str(fresh)], capture_output=True, text=True)
    assert out.returncode == 0 and "0 new edition" in out.stdout, out.stdout + out.stderr
    manifest = next(archive.glob("*/manifest.json"))
    manifest.write_text(json.dumps({"edited": True}))
    out = subprocess.run([os.sys.executable, "-m", "batteryreport", "archive", str(archive),
                          "--root", str(fresh)], capture_output=True, text=True)
    assert out.returncode == 2 and "edition-rewritten" in out.stderr


# --------------------------------------------------------------------------- serving


def get(url: str, gzip_ok: bool = True) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_serve_behaves_like_a_static_host(tmp_path):
    from batteryreport.build.serve import accepts_gzip, serving

    site = tmp_path / "public"
    (site / "editions" / "1").mkdir(parents=True)
    (site / "empty").mkdir()
    page = "<!doctype html><title>x</title>" + "<p>battery</p>" * 200
    (site / "index.html").write_text(page)
    (site / "editions" / "1" / "index.html").write_text(page)
    (site / "app.js").write_text("var x = 1;\n" * 100)
    (site / "brief.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with serving(site) as base:
        status, headers, body = get(base + "index.html")
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Vary"] == "Accept-Encoding" and headers["Cache-Control"] == "max-age=600"
        assert gzip.decompress(body).decode() == page
        assert int(headers["Content-Length"]) == len(body) < len(page) / 5
        status, headers, body = get(base + "index.html", gzip_ok=False)
        assert "Content-Encoding" not in headers and body.decode() == page
        status, headers, _ = get(base + "app.js")
        assert headers["Content-Type"] == "text/javascript; charset=utf-8"
        status, headers, body = get(base + "brief.pdf")
        assert headers["Content-Type"] == "application/pdf" and "Content-Encoding" not in headers
        assert get(base + "editions/1/")[0] == 200
        status, headers, _ = get(base + "editions/1")
        assert status == 301 and headers["Location"].endswith("/editions/1/")
        assert get(base + "empty/")[0] == 404  # no directory listing
        assert get(base + "nothing.html")[0] == 404
    assert accepts_gzip("br, gzip;q=0.8") and not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("identity") and accepts_gzip("*")


def test_a_record_is_frozen_once_and_shares_unchanged_files(tmp_path):
    from batteryreport.build.editions import freeze

    store = tmp_path / "store"
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "theme.css").write_text("body{}")
    (site / "index.html").write_text("<p>edition 1</p>")
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(b"%PDF one")
    for n in (1, 2):
        record = store / f"20261129-default-{n}"
        record.mkdir(parents=True)
        (record / "manifest.json").write_text(json.dumps(
            {"edition_id": record.name, "edition_number": n, "built_on": "2026-11-29"}))
    first, second = sorted(store.iterdir())
    freeze(first, site, [pdf])  # a record made before sites were kept gets one, once
    (site / "index.html").write_text("<p>edition 2</p>")
    freeze(second, site, [pdf])
    pdf.write_bytes(b"%PDF changed")
    freeze(first, site, [pdf])  # already frozen: nothing changes
    assert (first / "site" / "index.html").read_text() == "<p>edition 1</p>"
    assert (first / "briefs" / "summary.pdf").read_bytes() == b"%PDF one"
    assert (second / "site" / "index.html").read_text() == "<p>edition 2</p>"
    css = [r / "site" / "_static" / "theme.css" for r in (first, second)]
    assert css[0].stat().st_ino == css[1].stat().st_ino  # stored once
    assert not list(store.glob(".*"))
