"""The whole dataset of an edition as one download: its CSVs and ``datapackage.json`` in a zip.

The bytes depend only on the files' names and contents: members in a fixed order, one fixed
timestamp and mode, no extra fields. Two builds from the same data give the same file, so a
reader can compare checksums of two downloads, and an unchanged edition is not re-copied.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from batteryreport.data import DESCRIPTOR, table_meta, table_names

# The earliest date a zip can hold: no build time leaks into the file.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_PREFIX = "data-"


def dataset_name(manifest: dict) -> str:
    """``data-edition-3.zip``, or ``data-<scenario>-edition-3.zip`` for a scenario run."""
    scenario = manifest["scenario"]
    middle = "" if scenario == "default" else f"{scenario}-"
    return f"{ZIP_PREFIX}{middle}edition-{manifest['edition_number']}.zip"


def dataset_members(data_folder: Path) -> list[Path]:
    """The descriptor and every table it describes (nothing else in the folder)."""
    tables = {data_folder / table_meta(name, data_folder).path for name in table_names(data_folder)}
    return [data_folder / DESCRIPTOR, *sorted(tables)]


def dataset_bytes(data_folder: Path, folder_name: str) -> bytes:
    """The zip, every member inside one folder (``folder_name/``) so unzipping makes one
    folder whose ``datapackage.json`` finds its tables by their relative paths."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in dataset_members(data_folder):
            info = zipfile.ZipInfo(f"{folder_name}/{path.name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever system builds it
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    return buf.getvalue()


def write_dataset(data_folder: Path, target: Path) -> Path:
    """Write the zip to ``target`` when its bytes differ (atomically), and remove the
    zips of other editions beside it: only the current one is linked."""
    data = dataset_bytes(data_folder, target.stem)
    if not target.exists() or target.read_bytes() != data:
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    for old in target.parent.glob(f"{ZIP_PREFIX}*.zip"):
        if old != target:
            old.unlink()
    return target
