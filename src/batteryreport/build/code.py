"""The package's code as one hash: part of every cache key that depends on what the code
does (executed notebooks, briefs, the whole build's inputs) and of a standby helper's key
(:mod:`batteryreport.build.standby`). Standard library only: the build's start reads it
before it imports anything heavy."""

from __future__ import annotations

import hashlib

from batteryreport import PACKAGE_DIR


def code_hash() -> str:
    """The package's source files, each with its path (not their compiled caches); a
    file that disappears while it is read (an editor's temporary file) is left out."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if "__pycache__" in p.parts or not p.is_file():
            continue
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            continue
        h.update(hashlib.sha256(str(p.relative_to(PACKAGE_DIR)).encode() + b"\0").digest())
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()
