"""Sphinx extension: keep glued values fresh on incremental builds.

A page that shows ``{glue:md}`/_generated/pli_delays.ipynb::key``` depends on that
notebook, but Sphinx does not know it. When a generated notebook is re-read, every
page whose source mentions it is re-read too, so its glued values are never stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _outdated(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]):
    touched = {d.split("/")[-1] for d in (added | changed | removed) if "_generated/" in d}
    if not touched:
        return []
    extra = []
    for docname in env.found_docs:
        if docname in added or docname in changed:
            continue
        path = Path(env.doc2path(docname))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if any(f"_generated/{name}" in text for name in touched):
            extra.append(docname)
    return extra


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
