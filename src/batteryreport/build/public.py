"""The deployable static folder, ``_build/public/``: the report as readers get it online.

::

    _build/public/
      index.html, book/, _static/, ...   the latest edition (its newest build)
      briefs/*.pdf                       the latest edition's briefs, at fixed names
      editions/<number>/                 every edition as first published: its site, ...
        briefs/*.pdf                     ... its briefs, byte for byte, ...
        data-edition-<number>.zip        ... and its whole dataset
      sitemap.xml, robots.txt            (sitemap only with a public address)
      .nojekyll                          GitHub Pages: serve _static/ and _downloads/ as is

Only the editions of the ``default`` scenario are public: a run with ``PARAMS=...`` is a
scenario (a what-if), recorded on this machine but never published. When the last build
was a scenario, the top of the folder is the latest default edition's frozen site.

Each edition's site comes from its record in ``_build/store/editions/<id>/site/``, frozen
the first time it was published and never rewritten; publishing only adds, to the copy in
``editions/<number>/``, a note on every page saying which edition it is, with links to the
latest edition and to the list of editions, and (with a public address) the canonical link.
Those words depend only on the edition itself, so an old edition's pages read the same
after every later publish. Links from an edition's "Editions" page to the others are
re-based to the copy's depth (:data:`batteryreport.build.pages.PUBLIC_LINK`).

The folder is written beside the old one and checked (every link and asset resolves,
nothing leads outside it) before it replaces the old one in a single rename; a failure
leaves the last good ``_build/public`` as it was.
"""

from __future__ import annotations

import ctypes
import html
import os
import posixpath
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batteryreport.build.address import absolute, public_url
from batteryreport.build.dataset import dataset_name
from batteryreport.build.editions import BRIEFS, SITE, Edition, freeze, list_editions
from batteryreport.build.links import check_links
from batteryreport.build.pages import (
    GENERATED_DIR,
    PUBLIC_LINK,
    PUBLIC_SCENARIO,
    edition_folder,
)
from batteryreport.build.publish import current_release, store
from batteryreport.core.errors import InputError, Problem

PUBLIC = "public"
EDITIONS_PAGE = f"{GENERATED_DIR}/editions.html"
NOT_IN_SITEMAP = {"search.html", "genindex.html"}  # utility pages, not content
# The themes copy their Jinja macro files into _static/: template sources, not pages.
_NOT_PUBLISHED = re.compile(r"(^|/)_static/.*macros\.html$")
_REDIRECT = re.compile(r'<meta\s+http-equiv="refresh"', re.I)  # Jupyter Book's top index.html
_CANONICAL = re.compile(r'\s*<link\b[^>]*\brel="canonical"[^>]*>', re.I)
_PUBLIC_HREF = re.compile(
    r'(<a\b[^>]*\bclass="[^"]*\b' + PUBLIC_LINK + r'\b[^"]*"[^>]*?\bhref=")([^"]*)(")')
_BANNER_AFTER = (re.compile(r'<article\b[^>]*\bclass="[^"]*\bbd-article\b[^"]*"[^>]*>'),
                 re.compile(r"<main\b[^>]*>"), re.compile(r"<body\b[^>]*>"))


class PublishError(InputError):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "public folder")


@dataclass
class PublicReport:
    folder: Path
    latest: int
    root_from: str  # "current build" or "edition <n> as published"
    editions: list[int] = field(default_factory=list)
    without_site: list[str] = field(default_factory=list)  # records older than frozen sites
    frozen_broken: list[str] = field(default_factory=list)  # broken links in past editions
    pages: int = 0
    address: str | None = None
    seconds: float = 0.0


def public_editions(build: Path) -> list[Edition]:
    """The published editions of the public scenario, oldest first."""
    rel = current_release(build)
    if rel is None:
        return []
    found = [e for e in list_editions(store(build), rel.get("editions", []))
             if e.manifest.get("scenario") == PUBLIC_SCENARIO]
    return sorted(found, key=lambda e: int(e.manifest["edition_number"]))


def split_link_problems(problems: list[str]) -> tuple[list[str], list[str]]:
    """(problems that stop the publishing, problems in the editions' frozen copies).

    Every edition at ``editions/<n>/`` is copied from its record, frozen when it was first
    built and never rewritten: a broken link there, made by a bug fixed since, is reported
    but cannot stop later editions from going online. The top of the folder is the current
    build (or the latest record), and a broken link there stops the publishing; an
    edition's first publishing checks its own pages there."""
    stop, frozen = [], []
    for p in problems:
        (frozen if p.split(": ", 1)[0].startswith("editions/") else stop).append(p)
    return stop, frozen


def assemble(build: Path, root: Path) -> PublicReport:
    """Write ``build/public`` from the current release and the edition records."""
    start = time.perf_counter()
    rel = current_release(build)
    if rel is None:
        raise PublishError([Problem(str(build), "nothing-built", "no site has been built "
                                    "yet: run `make book` first")])
    address = public_url(root)
    _complete_current_record(build, rel)
    editions = public_editions(build)
    if not editions:
        raise PublishError([Problem(str(build / "editions"), "no-public-edition",
                                    f"no edition of the scenario '{PUBLIC_SCENARIO}' has been "
                                    "built: run `make book` without PARAMS")])
    latest = editions[-1]
    if rel["edition_id"] == latest.id:
        root_site = (build / "current" / "html").resolve()
        root_briefs = build / "current" / "briefs"
        root_from = "current build"
    else:
        root_site, root_briefs = latest.folder / SITE, latest.folder / BRIEFS
        root_from = f"edition {latest.manifest['edition_number']} as published"
    if not root_site.is_dir():
        raise PublishError([Problem(str(latest.folder), "no-site", "the latest edition has "
                                    "no site: rebuild it with `make book`")])

    for old in build.glob(f".{PUBLIC}-*"):  # left by a publish that was stopped
        shutil.rmtree(old, ignore_errors=True)
    tmp = build / f".{PUBLIC}-{os.getpid()}-{time.time_ns()}"
    report = PublicReport(build / PUBLIC, int(latest.manifest["edition_number"]), root_from,
                          address=address)
    try:
        sitemap: list[tuple[str, str]] = []  # (path, lastmod)
        _copy_site(root_site, tmp, "", address, None, sitemap, latest.manifest["built_on"])
        _copy_files(root_briefs, tmp / "briefs")
        has_editions_page = (root_site / EDITIONS_PAGE).is_file()
        for e in editions:
            if not (e.folder / SITE).is_dir():
                report.without_site.append(e.id)
                continue
            n = int(e.manifest["edition_number"])
            prefix = edition_folder(n)
            banner = (e.manifest, has_editions_page)
            _copy_site(e.folder / SITE, tmp / prefix, prefix, address, banner, sitemap,
                       e.manifest["built_on"])
            _copy_files(e.folder / BRIEFS, tmp / prefix / "briefs")
            zipped = e.folder / dataset_name(e.manifest)
            if zipped.is_file():
                _place(zipped, tmp / prefix / zipped.name)
            report.editions.append(n)
        (tmp / "robots.txt").write_text(robots_txt(address), encoding="utf-8")
        if address:
            (tmp / "sitemap.xml").write_text(sitemap_xml(address, sitemap), encoding="utf-8")
        (tmp / ".nojekyll").write_text("", encoding="utf-8")
        problems, report.frozen_broken = split_link_problems(check_links(tmp))
        if problems:
            shown = problems[:20] + ([f"... and {len(problems) - 20} more"]
                                     if len(problems) > 20 else [])
            raise PublishError([Problem(str(build / PUBLIC), "broken-link", p) for p in shown])
        report.pages = sum(1 for _ in tmp.rglob("*.html"))
        from batteryreport.build.faults import checkpoint

        checkpoint("public")
        _swap_in(tmp, build / PUBLIC)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - start
    return report


def _complete_current_record(build: Path, rel: dict[str, Any]) -> None:
    """An edition recorded before sites were kept gets the current release's site (the
    only one there is) the first time it is published this way."""
    record = store(build) / rel["edition_id"]
    if rel.get("scenario") == PUBLIC_SCENARIO and (record / "manifest.json").is_file() \
            and not (record / SITE).is_dir():
        briefs = sorted((build / "current" / "briefs").glob("*.pdf"))
        freeze(record, (build / "current" / "html").resolve(), briefs)


# --------------------------------------------------------------------------- copying


def _place(src: Path, dest: Path) -> None:
    """A hard link when possible (records and releases are never written in place), else
    a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def _copy_files(src: Path, dest: Path) -> None:
    if src.is_dir():
        for f in sorted(src.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                _place(f, dest / f.name)


def _copy_site(src: Path, dest: Path, prefix: str, address: str | None,
               banner: tuple[dict[str, Any], bool] | None, sitemap: list[tuple[str, str]],
               lastmod: str) -> None:
    """Copy a built site into ``dest`` (``prefix``: its place in the public folder). HTML
    pages are rewritten (canonical link, and for an edition's copy the note and re-based
    links); every other file is placed as it is."""
    src = src.resolve()
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        if any(part.startswith(".") for part in path.relative_to(src).parts) or path.is_dir() \
                or _NOT_PUBLISHED.search(rel):
            continue  # .buildinfo and the like: Sphinx's, not the reader's
        if path.suffix != ".html":
            _place(path, dest / rel)
            continue
        page = path.read_text(encoding="utf-8")
        if _REDIRECT.search(page) and "<body" not in page:
            _place(path, dest / rel)  # a redirect: no page to note, link or list
            continue
        page = _CANONICAL.sub("", page)
        if address:
            link = html.escape(absolute(address, prefix + rel), quote=True)
            page = page.replace("</head>", f'  <link rel="canonical" href="{link}" />\n</head>', 1)
        if banner is not None:
            page = _rebase_public_links(page, rel, prefix)
            page = _insert_banner(page, edition_note(banner[0], rel, prefix, banner[1]))
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
        if posixpath.basename(rel) not in NOT_IN_SITEMAP and not rel.startswith("_"):
            sitemap.append((prefix + rel, lastmod))


def _to_top(rel: str, prefix: str) -> str:
    """From a page at ``prefix + rel`` back to the public folder's top."""
    folder = posixpath.dirname(prefix + rel)
    return "../" * (folder.count("/") + 1) if folder else ""


def _rebase_public_links(page: str, rel: str, prefix: str) -> str:
    """Links written for a site at the top of the public folder, in a copy at ``prefix``."""
    def fix(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel),
                                                   html.unescape(m.group(2))))
        new = _to_top(rel, prefix) + target
        return m.group(1) + html.escape(new, quote=True) + m.group(3)

    return _PUBLIC_HREF.sub(fix, page)


def edition_note(manifest: dict[str, Any], rel: str, prefix: str, has_editions_page: bool) -> str:
    """The note on every page of an edition's copy: which edition it is, and where the
    latest one is. It names no other edition, so it never changes once published."""
    from batteryreport.present import fmt

    top = _to_top(rel, prefix)
    built = fmt.date(manifest.get("built_on")) if manifest.get("built_on") else ""
    as_of = fmt.date(manifest["as_of"]) if manifest.get("as_of") else "the latest observation"
    links = [f'<a href="{html.escape(top)}index.html">Read the latest edition</a>']
    if has_editions_page:
        links.append(f'<a href="{html.escape(top + EDITIONS_PAGE)}">All editions</a>')
    return (
        '<div class="br-edition-note" role="note" style="margin:0 0 1.25rem;'
        "padding:.6rem .9rem;border-left:4px solid #d9822b;background:#fff8ef;"
        'color:#1d2430;font-size:.95rem">'
        f"<strong>Edition {int(manifest['edition_number'])}</strong> of this report "
        f"(built {html.escape(built)}, data as of {html.escape(as_of)}), kept unchanged at "
        "its own address. " + " · ".join(links) + "</div>")


def _insert_banner(page: str, note: str) -> str:
    for pattern in _BANNER_AFTER:
        m = pattern.search(page)
        if m:
            return page[: m.end()] + "\n" + note + page[m.end():]
    return note + page


# --------------------------------------------------------------------------- robots, sitemap


def robots_txt(address: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if address:
        lines.append(f"Sitemap: {address}sitemap.xml")
    return "\n".join(lines) + "\n"


def sitemap_xml(address: str, pages: list[tuple[str, str]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in sorted(pages):
        out.append(f"  <url><loc>{html.escape(absolute(address, path))}</loc>"
                   f"<lastmod>{html.escape(lastmod)}</lastmod></url>")
    return "\n".join(out + ["</urlset>", ""])


# --------------------------------------------------------------------------- the swap


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap_in(new: Path, target: Path) -> None:
    """Put ``new`` in the place of ``target``: readers see the old folder or the new one,
    never a mix. Where the system cannot exchange two folders atomically, the old one is
    renamed away first (a moment with no folder, never a half-written one)."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        return  # ``new`` now holds the old folder; the caller removes it
    aside = target.with_name(f".{PUBLIC}-old-{time.time_ns()}")
    target.rename(aside)
    new.rename(target)
    shutil.rmtree(aside, ignore_errors=True)


# --------------------------------------------------------------------------- the archive


def archive(build: Path, target: Path) -> list[str]:
    """Copy the public editions' records that ``target`` lacks into it (a checkout of the
    branch that keeps them between CI runs, see .github/workflows/publish.yml); returns
    their ids. A record already there must be the same edition: records are never
    rewritten, so a different manifest is an error, not an update."""
    target.mkdir(parents=True, exist_ok=True)
    added, problems = [], []
    for e in public_editions(build):
        if not (e.folder / SITE).is_dir():
            continue
        there = target / e.id
        if (there / "manifest.json").is_file():
            if (there / "manifest.json").read_bytes() != (e.folder / "manifest.json").read_bytes():
                problems.append(Problem(str(there / "manifest.json"), "edition-rewritten",
                                        "the archive holds a different record of this "
                                        "edition; records are never rewritten"))
            continue
        tmp = target / f".{e.id}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(e.folder, tmp)
        tmp.rename(there)
        added.append(e.id)
    if problems:
        raise PublishError(problems)
    return added
