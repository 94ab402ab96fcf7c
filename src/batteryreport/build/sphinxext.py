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
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

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


class ClaimDirective(SphinxDirective):
    """A sentence whose truth depends on the data, with the condition that makes it true::

        :::{claim}
        :if: n_nothing >= n_beneficiaries - 1
        The gap is not at one firm but at all of them.
        :::

    The condition (see :mod:`batteryreport.core.claims`) reads this page's glued values by
    key, another page's as ``page.key``, and a range's ends as ``.low``/``.high``. If it is
    false for this edition's data the build stops with the claim, the page and the numbers.
    The content is shown as ordinary prose.
    """

    has_content = True
    option_spec = {"if": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from batteryreport.core.claims import ClaimError, evaluate, names, value_of

        env = self.env
        condition = " ".join(self.options.get("if", "").split())
        text = " ".join(" ".join(self.content).split())
        where = f"{env.docname}, line {self.lineno}"
        page = env.docname.rsplit("/", 1)[-1]
        generated = Path(env.srcdir) / GENERATED
        used: dict[str, tuple[Any, str]] = {}

        def lookup(name: str) -> Any:
            parts = name.split(".")
            if len(parts) >= 2 and (generated / f"{parts[0]}.ipynb").exists():
                nb, key, rest = parts[0], parts[1], parts[2:]
            else:
                nb, key, rest = page, parts[0], parts[1:]
            path = generated / f"{nb}.ipynb"
            env.note_dependency(str(path))
            if not path.exists():
                raise KeyError(f"{name}: no executed notebook {nb!r}")
            record = _glued(str(path), path.stat().st_mtime).get(key)
            if record is None:
                raise KeyError(f"{name}: notebook {nb!r} glued no value {key!r}")
            value = value_of(record, rest[0] if rest else None)
            used[name] = (value, str(record.get("text", "")))
            return value

        try:
            if not condition:
                raise ClaimError("a claim needs an :if: condition")
            names(condition)
            holds = evaluate(condition, lookup)
        except ClaimError as exc:
            return [self.state.document.reporter.error(
                f"claim at {where} cannot be checked: {exc}", line=self.lineno)]
        claims = getattr(env, "br_claims", None)
        if claims is None:
            claims = env.br_claims = {}
        claims.setdefault(env.docname, []).append(
            {"condition": condition, "holds": holds, "text": text[:200]})
        if not holds:
            numbers = "; ".join(f"{n} = {shown!r} ({v!r})" for n, (v, shown) in used.items())
            return [self.state.document.reporter.error(
                f"claim no longer true for this edition's data, at {where}: "
                f"\"{text[:160]}\" requires {condition}, but {numbers}. Reword it or "
                "change its condition.", line=self.lineno)]
        box = nodes.container(classes=["br-claim"])
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def _purge_claims(app: Any, env: Any, docname: str) -> None:
    getattr(env, "br_claims", {}).pop(docname, None)


def _merge_claims(app: Any, env: Any, docnames: Any, other: Any) -> None:
    claims = getattr(env, "br_claims", None)
    if claims is None:
        claims = env.br_claims = {}
    claims.update(getattr(other, "br_claims", {}))


def write_claims(app: Any, exception: Exception | None) -> None:
    """A record of every claim checked in this build (for the build's summary)."""
    import json

    if exception is not None or app.builder.format != "html":
        return
    claims = getattr(app.env, "br_claims", {})
    (Path(app.outdir) / ".claims.json").write_text(
        json.dumps(claims, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.add_role("num", num_role)
    app.add_directive("claim", ClaimDirective)
    app.connect("env-purge-doc", _purge_claims)
    app.connect("env-merge-info", _merge_claims)
    app.connect("build-finished", write_claims)
    app.connect("build-finished", escape_search_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
