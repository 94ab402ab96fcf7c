"""Sphinx extension: show glued numbers with their provenance, never stale.

``{num}`pli_delays::installed_gwh``` shows the value that notebook glued under that
key (its display text), and behind it the sources it was computed from: a focusable
element whose popup (on hover and on keyboard focus) links each source id to its
anchor on the "Data and sources" page. Without ``::`` the key is looked up in the
page's own notebook.

The page records a dependency on the executed notebook, so Sphinx re-reads it
whenever the notebook is re-executed: glued values cannot go stale on an
incremental build.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes

from batteryreport.present.glue import read_glued

GENERATED = "book/_generated"


@functools.lru_cache(maxsize=64)
def _glued(path: str, mtime: float) -> dict[str, dict[str, Any]]:
    return read_glued(Path(path))


@functools.lru_cache(maxsize=4)
def _sources(folder: str) -> dict[str, tuple[str, str]]:
    from batteryreport.data import sources

    frame = sources(Path(folder))
    out = {}
    for sid, row in frame.iterrows():
        date = row["date_published"]
        shown = "%Y" if str(row.get("date_precision")) == "year" else "%b %Y"
        out[str(sid)] = (str(row["publisher"]), "" if str(date) == "NaT" else date.strftime(shown))
    return out


def source_label(source_id: str) -> str:
    return f"src-{source_id}"


def _lookup(env: Any, text: str) -> tuple[Path, str]:
    if "::" in text:
        nb, key = text.split("::", 1)
    else:
        nb, key = env.docname.rsplit("/", 1)[-1], text
    return Path(env.srcdir) / GENERATED / f"{nb}.ipynb", key


def num_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from batteryreport.data import data_dir

    env = inliner.document.settings.env
    path, key = _lookup(env, text.strip())
    env.note_dependency(str(path))
    if not path.exists():
        msg = inliner.reporter.error(f"{{num}}: no executed notebook {path}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    record = _glued(str(path), path.stat().st_mtime).get(key)
    if record is None:
        msg = inliner.reporter.error(f"{{num}}: {path.name} glued no value named {key!r}",
                                     line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]

    registry = _sources(str(data_dir()))
    label = html.escape(record.get("label") or key, quote=True)
    out: list[nodes.Node] = [
        nodes.raw("", f'<span class="br-num" tabindex="0" data-key="{html.escape(key)}" '
                      f'aria-describedby="prov-{html.escape(key)}-{lineno}">', format="html"),
        nodes.inline("", record["text"], classes=["br-num-value"]),
        nodes.raw("", f'<span class="br-prov" role="tooltip" id="prov-{html.escape(key)}-'
                      f'{lineno}"><span class="br-prov-label">{label}. Computed from: </span>',
                  format="html"),
    ]
    ids = record.get("sources") or []
    if not ids:
        out.append(nodes.inline("", "parameters only (no data rows)."))
    for i, sid in enumerate(ids):
        publisher, date = registry.get(sid, ("unknown source", ""))
        ref = addnodes.pending_xref("", refdomain="std", reftype="ref",
                                    reftarget=source_label(sid), refexplicit=True,
                                    refwarn=True, refdoc=env.docname)
        ref += nodes.inline("", f"{publisher}{', ' + date if date else ''}")
        out.append(ref)
        out.append(nodes.Text("; " if i < len(ids) - 1 else "."))
    out.append(nodes.raw("", "</span></span>", format="html"))
    return out, []


def escape_search_titles(app: Any, exception: Exception | None) -> None:
    """Sphinx's search page inserts result titles with ``innerHTML``. Page titles reach the
    index already escaped (rendered as HTML), section titles (``alltitles``) as raw text,
    and a section title can hold data text (a table's title on "Data and sources"): escape
    those, so a title is shown, never parsed. Runs once the index is written."""
    import json
    import re

    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "searchindex.js"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    m = re.fullmatch(r"(?s)(Search\.setIndex\()(.*)(\)\s*)", text)
    if m is None:
        raise RuntimeError(f"{path}: unexpected format; cannot escape search titles")
    index = json.loads(m.group(2))
    escaped: dict[str, Any] = {}
    for title, where in index.get("alltitles", {}).items():
        escaped.setdefault(html.escape(title, quote=False), []).extend(where)
    index["alltitles"] = escaped
    out = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    path.write_text(m.group(1) + out + m.group(3), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.add_role("num", num_role)
    app.connect("build-finished", escape_search_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
