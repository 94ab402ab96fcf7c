"""Cache keys: what a chapter's result depends on (a hash of the code, the run parameters
it reads and its tables' bytes). Computed in the build, or in the notebooks' runner when
that analyses the chapters (:func:`batteryreport.build.kernels.analyse`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from batteryreport.data import table_files


def sha_of(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


def tables_read(tables: Any, data_folder: Path) -> list[bytes]:
    """The bytes of the tables a notebook or a chapter reads, each with its file name."""
    return [p.name.encode() + p.read_bytes() for p in table_files(list(tables), data_folder)]


def chapter_key(name: str, params: Any, data_folder: Path, code: str) -> str:
    """What a chapter's result depends on: the code, the run parameters it and the
    chapters it builds on read, and their tables' bytes."""
    from batteryreport.chapters import params_of, tables_of

    values = params.for_papermill()
    parts = [code.encode(), str(data_folder).encode(),
             json.dumps({p: values[p] for p in params_of(name)}, sort_keys=True).encode()]
    return sha_of(parts + tables_read(tables_of(name), data_folder))


def chapter_keys(names: list[str], params: Any, data_folder: Path, code: str
                 ) -> dict[str, str]:
    """The keys of ``names`` and of every chapter they build on."""
    from batteryreport.chapters import closure

    return {m: chapter_key(m, params, data_folder, code) for n in names for m in closure(n)}
