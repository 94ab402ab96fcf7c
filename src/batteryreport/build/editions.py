"""Editions: what each published build was made from, and what changed since the last.

Every published build records an edition under ``_build/editions/<edition_id>/``:
``manifest.json`` (date, as-of date, scenario, parameters, a hash of each data table,
the git commit), ``values.json`` (every glued value) and a copy of the data tables (a
few kilobytes), so the next edition can say which numbers moved and which source rows
were added or changed. The first time an edition is published its record also keeps a
frozen copy of what readers got: ``site/`` (the whole HTML site), ``briefs/`` (the PDFs)
and the dataset zip. A record is never rewritten: a later rebuild of the same edition
(a prose fix, a new template) publishes a new site at the top of ``_build/public``, while
``editions/<number>/`` keeps showing the first one (:mod:`batteryreport.build.public`).
Files equal to the previous record's are hard links to them (the theme's 8 MB of static
files are stored once), which is safe because nothing writes into a record in place.

An edition is identified by its content (data, parameters and glued values). A rebuild
that changes none of them reuses the current edition, so it neither bumps the edition
nor rewrites any page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batteryreport.data import table_meta, table_names
from batteryreport.data.params import RunParams
from batteryreport.present.glue import read_all_glued

if TYPE_CHECKING:  # imported where a comparison is made: a build's start needs no pandas
    import pandas as pd


@dataclass
class Edition:
    folder: Path
    manifest: dict[str, Any]

    @property
    def id(self) -> str:
        return self.manifest["edition_id"]

    def values(self) -> dict[str, dict[str, Any]]:
        f = self.folder / "values.json"
        return json.loads(f.read_text(encoding="utf-8")) if f.exists() else {}


def git_commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True,
                           text=True, timeout=10).stdout.strip()
    return out.stdout.strip() + ("+local-changes" if dirty else "")


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_hashes(data_folder: Path) -> dict[str, str]:
    return {name: _file_hash(data_folder / table_meta(name, data_folder).path)[:16]
            for name in table_names(data_folder)}


def content_hash(params: RunParams, hashes: dict[str, str],
                 values: dict[str, dict[str, Any]]) -> str:
    blob = json.dumps({"params": params.for_papermill(), "data": hashes,
                       "values": {k: [v.get("text"), v.get("value")] for k, v in values.items()}},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def list_editions(editions_dir: Path, published: list[str] | None = None) -> list[Edition]:
    """The editions recorded in ``editions_dir``; only those in ``published`` when given
    (see :func:`batteryreport.publish.published_editions`)."""
    out = []
    if editions_dir.exists():
        for folder in sorted(editions_dir.iterdir()):
            f = folder / "manifest.json"
            if f.exists() and (published is None or folder.name in published):
                out.append(Edition(folder, json.loads(f.read_text(encoding="utf-8"))))
    return out


def latest(editions_dir: Path, scenario: str,
           published: list[str] | None = None) -> Edition | None:
    """The newest edition of a scenario (by number: folder names do not sort as numbers)."""
    same = [e for e in list_editions(editions_dir, published)
            if e.manifest.get("scenario") == scenario]
    return max(same, key=lambda e: e.manifest["edition_number"]) if same else None


def plan_edition(editions_dir: Path, root: Path, params: RunParams, data_folder: Path,
                 generated: Path, today: dt.date | None = None,
                 published: list[str] | None = None) -> tuple[dict[str, Any], Edition | None]:
    """The manifest this build will publish, and the edition it is compared with."""
    values = read_all_glued(generated)
    hashes = data_hashes(data_folder)
    chash = content_hash(params, hashes, values)
    current = latest(editions_dir, params.scenario, published)
    if current is not None and current.manifest["content_hash"] == chash:
        base_id = current.manifest.get("base_edition")
        base = next((e for e in list_editions(editions_dir, published) if e.id == base_id), None)
        return current.manifest, base
    today = today or dt.date.today()
    n = sum(1 for e in list_editions(editions_dir, published)
            if e.manifest.get("scenario") == params.scenario)
    manifest = {
        "edition_id": f"{today:%Y%m%d}-{params.scenario}-{n + 1}",
        "edition_number": n + 1,
        "built_on": today.isoformat(),
        "scenario": params.scenario,
        "as_of": values.get("pli_delays::as_of", {}).get("value") or (
            params.as_of.isoformat() if params.as_of else None),
        "parameters": params.for_papermill(),
        "data_tables": hashes,
        "git_commit": git_commit(root),
        "content_hash": chash,
        "base_edition": current.id if current else None,
    }
    return manifest, current


SITE, BRIEFS = "site", "briefs"  # the frozen copies inside a record


def record_edition(editions_dir: Path, manifest: dict[str, Any], data_folder: Path,
                   generated: Path, site: Path | None = None, briefs: list[Path] = (),
                   dataset: Path | None = None) -> Path:
    """Store an edition (before the release that publishes it is switched in: an edition
    folder no release lists is ignored, see :mod:`batteryreport.publish`).

    ``site``, ``briefs`` and ``dataset`` are frozen into the record the first time they are
    given; a record that already has them keeps them."""
    folder = editions_dir / manifest["edition_id"]
    if (folder / "manifest.json").exists():
        if site is not None and not (folder / SITE).is_dir():
            freeze(folder, site, briefs, dataset)  # a record made before sites were kept
        return folder
    return begin_record(editions_dir, manifest, data_folder, generated, site,
                        dataset).finish(briefs)


@dataclass
class PendingRecord:
    """A new record written in a temporary folder, all but the site's folder ``later``
    (the briefs' folder, while the briefs are still being made) and the briefs;
    :meth:`finish` adds them and renames it into place."""

    tmp: Path
    folder: Path
    site: Path | None
    previous: Path | None
    later: str | None

    def finish(self, briefs: list[Path] = ()) -> Path:
        if self.site is not None:
            (self.tmp / BRIEFS).mkdir(exist_ok=True)
            for pdf in briefs:
                shutil.copyfile(pdf, self.tmp / BRIEFS / pdf.name)
            if self.later is not None:
                _freeze_site(self.tmp / SITE, self.site, self.previous, only=self.later)
        self.tmp.rename(self.folder)
        return self.folder

    def abandon(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def begin_record(editions_dir: Path, manifest: dict[str, Any], data_folder: Path,
                 generated: Path, site: Path | None = None, dataset: Path | None = None,
                 later: str | None = None) -> PendingRecord:
    """Write a new record's data, values, manifest, dataset and frozen site (but for the
    site's folder ``later``) to a temporary folder. The record does not exist until
    :meth:`PendingRecord.finish`."""
    tmp = editions_dir / f".{manifest['edition_id']}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (tmp / "data").mkdir(parents=True)
        for name in table_names(data_folder):
            src = data_folder / table_meta(name, data_folder).path
            shutil.copyfile(src, tmp / "data" / src.name)
        shutil.copyfile(data_folder / "datapackage.json", tmp / "data" / "datapackage.json")
        (tmp / "values.json").write_text(json.dumps(read_all_glued(generated), indent=1,
                                                    ensure_ascii=False, sort_keys=True))
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1,
                                                      ensure_ascii=False))
        previous = None
        if site is not None:
            previous = _previous_site(editions_dir, manifest)
            if dataset is not None:
                shutil.copyfile(dataset, tmp / dataset.name)
            _freeze_site(tmp / SITE, site, previous, skip=later)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PendingRecord(tmp, editions_dir / manifest["edition_id"], site, previous, later)


def freeze(record: Path, site: Path, briefs: list[Path] = (),
           dataset: Path | None = None) -> None:
    """Add the frozen site, briefs and dataset to an existing record that has none, in
    one step (a folder renamed into place): a record never holds half a site."""
    if (record / SITE).is_dir():
        return
    tmp = record.parent / f".{record.name}.freeze.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    manifest = json.loads((record / "manifest.json").read_text(encoding="utf-8"))
    _freeze_into(tmp, site, briefs, dataset, _previous_site(record.parent, manifest))
    for part in (BRIEFS, *(p.name for p in tmp.iterdir() if p.is_file())):
        if (tmp / part).exists() and not (record / part).exists():
            (tmp / part).rename(record / part)
    (tmp / SITE).rename(record / SITE)  # last: a record with site/ is complete
    shutil.rmtree(tmp, ignore_errors=True)


def _previous_site(editions_dir: Path, manifest: dict[str, Any]) -> Path | None:
    """The newest other record's frozen site, to share its unchanged files."""
    best: tuple[str, int, str] | None = None
    for f in editions_dir.glob("*/manifest.json"):
        record = f.parent
        if record.name == manifest["edition_id"] or not (record / SITE).is_dir():
            continue
        m = json.loads(f.read_text(encoding="utf-8"))
        key = (str(m.get("built_on", "")), int(m.get("edition_number", 0)), record.name)
        best = max(best, key) if best else key
    return editions_dir / best[2] / SITE if best else None


def _freeze_into(target: Path, site: Path, briefs: list[Path], dataset: Path | None,
                 previous: Path | None) -> None:
    (target / BRIEFS).mkdir(exist_ok=True)
    for pdf in briefs:
        shutil.copyfile(pdf, target / BRIEFS / pdf.name)
    if dataset is not None:
        shutil.copyfile(dataset, target / dataset.name)
    _freeze_site(target / SITE, site, previous)


def _freeze_site(target: Path, site: Path, previous: Path | None, skip: str | None = None,
                 only: str | None = None) -> None:
    """Copy ``site`` to ``target``, hard-linking each file that is the same in the
    ``previous`` frozen site; ``skip`` or ``only`` one top-level folder of it."""
    site = site.resolve()
    top = site / only if only is not None else site
    if not top.is_dir():
        return
    # os.walk, not Path.rglob: it knows folders from files without a stat of each, and
    # each folder is made once (about 0.05 s of a site's 330 files).
    for folder, dirs, files in os.walk(top):
        rel_folder = Path(folder).relative_to(site)
        if skip is not None and folder == str(site):
            dirs[:] = [d for d in dirs if d != skip]
            files = [f for f in files if f != skip]
        (target / rel_folder).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, rel = Path(folder, name), rel_folder / name
            dest = target / rel
            twin = previous / rel if previous is not None else None
            if twin is not None and twin.is_file() and _same_file(src, twin):
                try:
                    os.link(twin, dest)
                    continue
                except OSError:  # another file system, or no hard links: copy instead
                    pass
            shutil.copyfile(src, dest)


def _same_file(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


# --------------------------------------------------------------------------- comparisons


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def compare_values(old: dict[str, dict[str, Any]],
                   new: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Glued values that moved as a reader sees them (their text), or came or went: key,
    label, old and new text, and the change. A raw value that changes below the precision
    shown, or a change of how a value is stored (its unit key), is not a number that moved."""
    import pandas as pd

    rows = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a.get("text") == b.get("text"):
            continue
        change = ""
        na, nb = _number(a.get("value")) if a else None, _number(b.get("value")) if b else None
        same_unit = a is not None and b is not None and a.get("unit") == b.get("unit")
        if na is not None and nb is not None and same_unit:
            delta = nb - na
            change = f"{delta:+.3g}" + (f" ({delta / na:+.0%})" if na else "")
        rows.append({
            "key": key, "label": (b or a).get("label", key),
            "before": a.get("text") if a else "(new)", "after": b.get("text") if b else "(removed)",
            "change": change,
        })
    return pd.DataFrame(rows, columns=["key", "label", "before", "after", "change"])


def compare_table(old_folder: Path, new_folder: Path, name: str) -> pd.DataFrame:
    """Rows added, removed or changed in one table, matched on its primary key
    (vectorised: a table of 100,000 rows compares in well under a second)."""
    import pandas as pd

    meta = table_meta(name, new_folder)
    new_path = new_folder / meta.path
    old_path = old_folder / Path(meta.path).name
    read = dict(dtype=str, keep_default_na=False, encoding="utf-8-sig")
    new = pd.read_csv(new_path, **read)
    old = pd.read_csv(old_path, **read) if old_path.exists() else new.iloc[0:0]
    key = [k for k in (meta.primary_key or new.columns) if k in new.columns and k in old.columns]
    if not key:
        key = [c for c in new.columns if c in old.columns]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        k = frame[key].astype(str).agg(" / ".join, axis=1) if len(frame) else pd.Series(
            [], dtype=str)
        return frame.set_index(pd.Index(k, name="_key"))

    o, n = keyed(old), keyed(new)
    o = o[~o.index.duplicated()]
    n = n[~n.index.duplicated()]
    added = n.index.difference(o.index)
    removed = o.index.difference(n.index)
    common = n.index.intersection(o.index)
    cols = [c for c in n.columns if c in o.columns]
    a, b = o.loc[common, cols], n.loc[common, cols]
    differs = a.ne(b)
    changed = differs.any(axis=1)
    details = []
    for k in common[changed.to_numpy()]:
        row_diff = differs.loc[k]
        details.append((k, "; ".join(f"{c}: {a.at[k, c]} → {b.at[k, c]}"
                                     for c in row_diff.index[row_diff.to_numpy()])))
    rows = ([{"table": name, "row": k, "what": "added", "detail": ""} for k in added]
            + [{"table": name, "row": k, "what": "removed", "detail": ""} for k in removed]
            + [{"table": name, "row": k, "what": "changed", "detail": d} for k, d in details])
    return pd.DataFrame(rows, columns=["table", "row", "what", "detail"])


def _unchanged_table(old_folder: Path, new_folder: Path, name: str) -> bool:
    new_path = new_folder / table_meta(name, new_folder).path
    old_path = old_folder / new_path.name
    return old_path.is_file() and _same_file(old_path, new_path)


def compare_data(old_folder: Path, new_folder: Path) -> pd.DataFrame:
    """Rows added, removed or changed in every table (a table whose file is byte for byte
    the same is not read)."""
    import pandas as pd

    frames = [compare_table(old_folder, new_folder, n) for n in table_names(new_folder)
              if not _unchanged_table(old_folder, new_folder, n)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["table", "row", "what", "detail"])
    return pd.concat(frames, ignore_index=True)
