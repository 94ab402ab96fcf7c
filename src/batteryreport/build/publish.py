"""One publish step for the site, the briefs and the editions, together.

A build stages everything it made into a new release folder and then switches a single
symlink, ``_build/current``, to it. What a maintainer or a web server reads goes through
that one link, so one atomic rename publishes all three, and a failure or a kill at any
moment leaves ``_build`` showing the last good release: its site, its briefs and its
editions::

    _build/
      current  -> releases/<stamp>       the one switch
      html     -> current/html           fixed links, made once
      briefs   -> current/briefs
      editions -> current/editions
      releases/<stamp>/
        html/  briefs/  release.json
        editions/<edition_id> -> ../../../store/editions/<edition_id>
      store/editions/<edition_id>/       each edition's record, written once, before the
                                         switch; only a release makes it visible

A record in the store that no release lists (a build stopped between writing it and the
switch) is never shown, and the next build removes it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RELEASE_FILE = "release.json"
# Releases kept for rollback, the current one included. A build prunes to one fewer while
# its notebooks run, to keep room for its own: one that then fails leaves one fewer.
KEEP_RELEASES = 3
VIEWS = ("html", "briefs", "editions")


def store(build: Path) -> Path:
    """Where edition records are written (:func:`batteryreport.build.editions.record_edition`)."""
    return build / "store" / "editions"


def current_release(build: Path) -> dict[str, Any] | None:
    """The published release's record, or None before the first publish."""
    f = build / "current" / RELEASE_FILE
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None


def _legacy_editions(build: Path) -> Path | None:
    """``_build/editions`` as a real folder: the layout before releases."""
    folder = build / "editions"
    return folder if folder.is_dir() and not folder.is_symlink() else None


def migrate(build: Path) -> None:
    """Move edition records of the earlier layout (``_build/editions/<id>``) into the
    store, once; the first release then lists them all."""
    legacy = _legacy_editions(build)
    if legacy is None:
        return
    target = store(build)
    target.mkdir(parents=True, exist_ok=True)
    for folder in sorted(legacy.iterdir()):
        if (folder / "manifest.json").exists() and not (target / folder.name).exists():
            shutil.copytree(folder, target / folder.name)
    # The old folder goes when the first release's link replaces it (see switch).


def published_editions(build: Path) -> list[str]:
    """Ids of the published editions, oldest first. Before the first release, every
    complete record of the earlier layout counts."""
    rel = current_release(build)
    if rel is not None:
        return list(rel.get("editions", []))
    folder = _legacy_editions(build)
    if folder is None:
        return []
    found = []
    for f in folder.glob("*/manifest.json"):
        m = json.loads(f.read_text(encoding="utf-8"))
        found.append((m.get("built_on", ""), m.get("edition_number", 0), f.parent.name))
    return [name for *_, name in sorted(found)]


def published_site_key(build: Path) -> str | None:
    rel = current_release(build)
    return rel.get("site_key") if rel else None


def stage(build: Path, html: Path, briefs: list[Path], manifest: dict[str, Any],
          site_key: str, frozen: Path | None = None) -> Path:
    """Copy a finished build into a new release folder (not yet published). The edition's
    record must be in the store already. ``frozen``: that record, when this build froze
    ``html`` into it just now; the release then hard-links the record's site instead of
    copying it again (records and releases are never written in place). The briefs are
    copied: a record's briefs may be older than its site (a record frozen by a build that
    was stopped between the two)."""
    from batteryreport.build.editions import SITE

    site = html if frozen is None else frozen / SITE
    return begin_stage(build, site, linked=frozen is not None).finish(briefs, manifest,
                                                                      site_key)


@dataclass
class PendingRelease:
    """A release folder being staged: its site, but for the folder ``later`` (the briefs'
    folder of the site, while the briefs are still being made). :meth:`finish` adds it
    (from ``later_from``, when given: the site's final place), the briefs and the editions,
    and renames the folder into place."""

    build: Path
    tmp: Path
    stamp: str
    site: Path
    linked: bool
    later: str | None

    def finish(self, briefs: list[Path], manifest: dict[str, Any], site_key: str,
               later_from: Path | None = None) -> Path:
        if self.later is not None:
            source = (later_from or self.site) / self.later
            if source.is_dir():
                shutil.copytree(source, self.tmp / "html" / self.later, dirs_exist_ok=True,
                                copy_function=_link_or_copy if self.linked
                                else shutil.copy2)
        (self.tmp / "briefs").mkdir()
        for pdf in briefs:
            shutil.copyfile(pdf, self.tmp / "briefs" / pdf.name)
        editions = published_editions(self.build)
        if manifest["edition_id"] not in editions:
            editions.append(manifest["edition_id"])
        (self.tmp / "editions").mkdir()
        for edition in editions:
            if not (store(self.build) / edition / "manifest.json").exists():
                raise RuntimeError(f"edition {edition} has no record in {store(self.build)}")
            os.symlink(Path("..", "..", "..", "store", "editions", edition),
                       self.tmp / "editions" / edition)
        record = {"edition_id": manifest["edition_id"], "scenario": manifest["scenario"],
                  "site_key": site_key, "editions": editions,
                  "briefs": [p.name for p in briefs]}
        (self.tmp / RELEASE_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
        target = self.build / "releases" / self.stamp
        self.tmp.rename(target)
        return target

    def abandon(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def begin_stage(build: Path, site: Path, linked: bool, later: str | None = None
                ) -> PendingRelease:
    """Start a release folder with a copy of ``site`` (hard links when ``linked``: a
    frozen record's site), leaving out its top-level folder ``later``."""
    releases = build / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    tmp = releases / f".{stamp}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(site, tmp / "html", copy_function=_link_or_copy if linked
                    else shutil.copy2,
                    ignore=(lambda folder, names: [later] if later in names
                            and Path(folder) == site else []) if later else None)
    return PendingRelease(build, tmp, stamp, site, linked, later)


def _link_or_copy(src: str | Path, dest: str | Path) -> None:
    try:
        os.link(src, dest)
    except OSError:  # another file system, or no hard links
        shutil.copyfile(src, dest)


def _link(path: Path, target: str) -> None:
    """Point ``path`` at ``target`` atomically (a relative symlink)."""
    tmp = path.with_name(f".{path.name}.link-tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)  # a folder of the earlier layout (its records are in the store)
    os.replace(tmp, path)


def switch(build: Path, release: Path) -> None:
    """Publish ``release``: the single atomic step (the fixed links are made the first
    time, and never change after)."""
    _link(build / "current", str(Path("releases") / release.name))
    for name in VIEWS:
        link = build / name
        if not (link.is_symlink() and os.readlink(link) == f"current/{name}"):
            _link(link, f"current/{name}")


def prune(build: Path, keep: int = KEEP_RELEASES) -> list[str]:
    """Remove old releases (keeping the current one, ``keep`` in all), unfinished
    release folders, and records no kept release lists. Returns the records removed."""
    releases = build / "releases"
    if releases.exists():
        current = os.path.basename(os.readlink(build / "current")) \
            if (build / "current").is_symlink() else None
        finished = sorted(p for p in releases.iterdir() if not p.name.startswith("."))
        for old in finished[:-keep]:
            if old.name != current:
                shutil.rmtree(old, ignore_errors=True)
        for tmp in releases.glob(".*.tmp"):
            shutil.rmtree(tmp, ignore_errors=True)
    if (build / "current").is_symlink():  # (until a release is published, its site)
        shutil.rmtree(build / "sites", ignore_errors=True)  # the layout before releases
    return prune_orphan_editions(build)


def prune_orphan_editions(build: Path) -> list[str]:
    """Records in the store that no release lists: left by a build that stopped between
    recording its edition and publishing it."""
    folder = store(build)
    if not folder.exists() or current_release(build) is None:
        return []
    listed: set[str] = set()
    for rel in (build / "releases").glob("*/" + RELEASE_FILE):
        listed |= set(json.loads(rel.read_text(encoding="utf-8")).get("editions", []))
    gone = []
    for record in folder.iterdir():
        if record.name not in listed:
            shutil.rmtree(record, ignore_errors=True)
            gone.append(record.name)
    return gone
