"""Sphinx extension: glued numbers with their provenance, and the reader's page furniture.

``{num}`pli_delays::installed_gwh``` shows the value that notebook glued under that key (its
display text). Behind it are the sources it was computed from, shown by a pop-up that
``book/_static/reader.js`` builds on hover and keyboard focus. Without ``::`` the key is
looked up in the page's own notebook.

Only the value is document text. The pop-up's text (label, publishers, dates) travels in
HTML attributes and in one JSON register per page (``<script id="br-sources">``, the page's
sources with their publisher, date, title and anchor on "Data and sources"), so it never
reaches the search index or the search snippets. A glued value that is a whole sentence (a
recommendation: the keys ``rec_*`` of "recommendations", or a text longer than
:data:`LONG_TEXT` characters) is shown as plain text followed by a small "sources" marker
that opens the same pop-up.

The page records a dependency on the executed notebook, so Sphinx re-reads it whenever the
notebook is re-executed: glued values cannot go stale on an incremental build.

Also here, because every page needs them: "Newest fact: <date>" under a chapter's title
(when its notebook glued ``latest_fact_date``), the ``{screen-only}`` role (prose that makes
no sense on paper), social preview tags and a page description, favicons (drawn in
``book/_static/favicon.svg``; PNGs and the preview image are rendered at build time), a
page title that does not repeat the book's title, and the licence line in the footer.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from batteryreport.build.address import BRIEFS_DIR, BRIEFS_LINKED
from batteryreport.present.glue import read_glued
from batteryreport.present.text import cite_date, json_for_html, one_line, source_label, web_url

GENERATED = "book/_generated"
LONG_TEXT = 80  # a glued text longer than this is a sentence, not a number
LATEST_FACT_KEY = "latest_fact_date"
SOURCES_PAGE = f"{GENERATED}/data_sources"
ABOUT_PAGE = "book/about"
PREVIEW_IMAGE = "br-preview.png"  # written into _static at build time
DESCRIPTION_CHARS = 200
CHART_SCRIPTS = ("vega-bundle.js", "charts.js")  # loaded only by pages with a chart

logger = logging.getLogger(__name__)


class glued(nodes.inline):
    """A glued value; attributes ``key``, ``label``, ``sources`` (ids) and ``long``."""


@functools.lru_cache(maxsize=64)
def _glued(path: str, mtime: float) -> dict[str, dict[str, Any]]:
    return read_glued(Path(path))


@functools.lru_cache(maxsize=4)
def _sources(folder: str) -> dict[str, dict[str, str]]:
    """Source id -> publisher, short date, title and web address (data text, unescaped).
    Read as values, not as a DataFrame: the site's process does not import pandas."""
    from batteryreport.data import read_values

    table = read_values("sources", Path(folder))
    rows = [dict(zip(table.columns, values, strict=True))
            for values in zip(*table.columns.values(), strict=True)]
    return {str(row["source_id"]): {"p": one_line(row["publisher"]),
                                    "d": cite_date(row["date_published"],
                                                   row.get("date_precision")),
                                    "t": one_line(row["title"]),
                                    "u": web_url(row["url"]) or ""}
            for row in rows}


def _lookup(env: Any, text: str) -> tuple[Path, str]:
    if "::" in text:
        nb, key = text.split("::", 1)
    else:
        nb, key = env.docname.rsplit("/", 1)[-1], text
    return Path(env.srcdir) / GENERATED / f"{nb}.ipynb", key


def is_sentence(notebook: str, key: str, text: str) -> bool:
    """A glued text to be read, not looked up: a recommendation, or a long text."""
    return (notebook == "recommendations" and key.startswith("rec_")) or len(text) > LONG_TEXT


def glued_node(notebook: str, key: str, record: dict[str, Any]) -> glued:
    text = str(record["text"])
    node = glued("", text, classes=[])
    node["key"] = f"{notebook}::{key}"  # the full key: the same name can be on two pages
    node["label"] = one_line(record.get("label") or key)
    node["sources"] = [str(s) for s in record.get("sources") or []]
    node["long"] = is_sentence(notebook, key, text)
    return node


def num_role(name, rawtext, text, lineno, inliner, options=None, content=None):
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
    return [glued_node(path.stem, key, record)], []


_BRIEF_NAME = re.compile(r"[a-z0-9_]{1,64}")


def brief_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{brief}`Download the brief (PDF) <pli_delays>``` links the PDF brief of that name.

    Unlike ``{download}`` the PDF need not exist while Sphinx reads the page, and the page
    does not depend on its bytes: the briefs are made alongside the site and copied into
    ``_briefs/`` afterwards, and the build checks that every brief linked was made."""
    env = inliner.document.settings.env
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]*)>", text.strip())
    label, target = (match.group(1), match.group(2)) if match else (text, text)
    if not _BRIEF_NAME.fullmatch(target):
        msg = inliner.reporter.error(
            f"{{brief}}: {target!r} is not a brief's name (lower-case letters, digits, _)",
            line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    up = "../" * env.docname.count("/")
    node = nodes.reference(rawtext, label or target,
                           refuri=f"{up}{BRIEFS_DIR}/{target}.pdf", classes=["br-brief"])
    env.br_briefs = getattr(env, "br_briefs", {})
    env.br_briefs.setdefault(env.docname, set()).add(target)
    return [node], []


def _purge_briefs(app: Any, env: Any, docname: str) -> None:
    getattr(env, "br_briefs", {}).pop(docname, None)


def _merge_briefs(app: Any, env: Any, docnames: Any, other: Any) -> None:
    env.br_briefs = getattr(env, "br_briefs", {})
    env.br_briefs.update(getattr(other, "br_briefs", {}))


def write_briefs_linked(app: Any, exception: Exception | None) -> None:
    """Which page links which brief, for the build to check once the briefs are made."""
    if exception is not None or app.builder.format != "html":
        return
    linked = {doc: sorted(names) for doc, names in getattr(app.env, "br_briefs", {}).items()}
    (Path(app.doctreedir) / BRIEFS_LINKED).write_text(
        json.dumps(linked, indent=1, sort_keys=True), encoding="utf-8")


def screen_only_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """Author prose shown on screen only, e.g. "Hover over a number to see its sources"."""
    return [nodes.inline(text, text, classes=["br-screen-only"])], []


# ---------------------------------------------------------------------------- HTML


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num_attrs(node: glued) -> str:
    return (f'tabindex="0" data-key="{_attr(node["key"])}" '
            f'data-src="{_attr(" ".join(node["sources"]))}" data-label="{_attr(node["label"])}"')


def visit_glued_html(self: Any, node: glued) -> None:
    if node["long"]:
        self.body.append('<span class="br-glued">')
    else:
        self.body.append(f'<span class="br-num" {_num_attrs(node)}>')


def depart_glued_html(self: Any, node: glued) -> None:
    self.body.append("</span>")
    if node["long"]:
        # The marker's word is not document text either: it is not indexed or quoted.
        self.body.append(f'<span class="br-num br-num-marker" {_num_attrs(node)}>'
                         '<span class="br-marker-text" data-nosnippet>sources</span></span>')


def _pass(self: Any, node: nodes.Node) -> None:
    pass


def source_register(app: Any, pagename: str, doctree: nodes.document) -> str:
    """The page's sources as JSON for ``reader.js``: id -> publisher, date, title, web
    address and the relative link to the source's entry on "Data and sources"."""
    from batteryreport.data import data_dir

    ids = sorted({s for node in doctree.findall(glued) for s in node["sources"]})
    if not ids:
        return ""
    registry = _sources(str(data_dir()))
    std = app.env.get_domain("std")
    out: dict[str, dict[str, str]] = {}
    for sid in ids:
        entry = dict(registry.get(sid, {"p": "unknown source", "d": "", "t": "", "u": ""}))
        # A target before a paragraph (not a heading) is an "anonymous" label.
        target = std.anonlabels.get(source_label(sid).lower())
        if target is None:
            logger.warning("provenance: source %r has no entry on the sources page (label %s)",
                           sid, source_label(sid), location=pagename)
            entry["h"] = ""
        else:
            docname, labelid = target
            entry["h"] = app.builder.get_relative_uri(pagename, docname) + "#" + labelid
        out[sid] = entry
    return f'<script type="application/json" id="br-sources">{json_for_html(out)}</script>'


def _norm(text: str) -> str:
    return re.sub("[\u2018\u2019]", "'", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def _description(doctree: nodes.document | None, default: str) -> str:
    """The page's first real paragraph, shortened at a word: the social preview text."""
    if doctree is not None:
        for para in doctree.findall(nodes.paragraph):
            if "br-newest-fact" in para.get("classes", []):
                continue
            text = one_line(para.astext())
            if len(text) >= 60:  # not a caption, a download link or a date line
                if len(text) > DESCRIPTION_CHARS:
                    text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
                return text
    return default


def page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: nodes.document | None) -> None:
    cfg = app.config
    docstitle = context.get("docstitle") or cfg.html_title or cfg.project
    title = context.get("title") or ""
    # The front page's title is the book's title: "X — X" would say it twice.
    page_title = _norm(title) or _norm(docstitle)
    site = _norm(docstitle)
    context["br_html_title"] = page_title if page_title == site else f"{page_title} — {site}"

    if doctree is not None:
        context["body"] = context.get("body", "") + source_register(app, pagename, doctree)
    # A page with no interactive chart loads no chart library (vega-bundle.js is 300 kB
    # compressed); a static chart (an SVG drawn at build time) needs none.
    if 'class="br-vega"' not in context.get("body", ""):
        context["script_files"] = [
            js for js in context.get("script_files", [])
            if Path(str(getattr(js, "filename", js))).name not in CHART_SCRIPTS]

    depth = context["pathto"]
    base = (cfg.html_baseurl or "").rstrip("/")
    image = (f"{base}/_static/{PREVIEW_IMAGE}" if base
             else depth(f"_static/{PREVIEW_IMAGE}", 1))
    description = (cfg.batteryreport_description if pagename == cfg.root_doc
                   else _description(doctree, cfg.batteryreport_description))
    tags = {
        "description": description,
        "og:type": "article" if doctree is not None and pagename != cfg.root_doc else "website",
        "og:site_name": site,
        "og:title": context["br_html_title"],
        "og:description": description,
        "og:image": image,
        "og:image:width": "1200", "og:image:height": "630",
        "og:image:alt": f"{site}: {cfg.batteryreport_description}",
        "twitter:card": "summary_large_image",
        "twitter:title": page_title,
        "twitter:description": description,
        "twitter:image": image,
    }
    if base:
        tags["og:url"] = f"{base}/{pagename}.html"
    meta = []
    for prop, value in tags.items():
        kind = "property" if prop.startswith("og:") else "name"
        meta.append(f'<meta {kind}="{prop}" content="{_attr(value)}" />')
    meta.append(f'<link rel="icon" type="image/png" sizes="32x32" '
                f'href="{_attr(depth("_static/favicon-32.png", 1))}" />')
    meta.append(f'<link rel="apple-touch-icon" sizes="180x180" '
                f'href="{_attr(depth("_static/apple-touch-icon.png", 1))}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(meta) + "\n"

    # The footer's licence line (templates/br-licence.html).
    if ABOUT_PAGE not in app.env.found_docs:
        context["br_cite_url"] = ""
    else:
        context["br_cite_url"] = ("" if pagename == ABOUT_PAGE
                                  else depth(ABOUT_PAGE)) + "#cite-this-report"


# ---------------------------------------------------------------------------- doctree


def add_newest_fact(app: Any, doctree: nodes.document) -> None:
    """Under a chapter's title: "Newest fact: <date>", when its notebook glued
    ``latest_fact_date`` (the date of the newest row the chapter uses)."""
    env = app.env
    if not env.docname.startswith(GENERATED + "/"):
        return
    path = Path(env.srcdir) / f"{env.docname}.ipynb"
    if not path.exists():
        return
    record = _glued(str(path), path.stat().st_mtime).get(LATEST_FACT_KEY)
    if record is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    para = nodes.paragraph("", "", classes=["br-newest-fact"])
    para += nodes.Text("Newest fact: ")
    para += glued_node(path.stem, LATEST_FACT_KEY, record)
    section.insert(1, para)


# ---------------------------------------------------------------------------- images

PREVIEW_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"
     viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#0f2c4a"/>
<rect x="0" y="600" width="1200" height="30" fill="#e07b24"/>
<g transform="translate(80 96)">
  <rect x="0" y="0" width="230" height="120" rx="18" fill="none" stroke="#ffffff"
        stroke-width="14"/>
  <rect x="238" y="36" width="22" height="48" rx="6" fill="#ffffff"/>
  <rect x="22" y="22" width="40" height="76" rx="6" fill="#e07b24"/>
</g>
<text x="80" y="340" font-family="Liberation Sans, Arial, sans-serif" font-size="84"
      font-weight="bold" fill="#ffffff">{title}</text>
{lines}
<text x="80" y="565" font-family="Liberation Sans, Arial, sans-serif" font-size="26"
      fill="#b9cde0">{footer}</text>
</svg>"""


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def preview_svg(title: str, description: str, footer: str) -> str:
    from xml.sax.saxutils import escape

    lines = _wrap(one_line(description), 52)
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = lines[-1].rstrip(",;:.") + "…"
    text = "\n".join(
        f'<text x="80" y="{410 + 44 * i}" font-family="Liberation Sans, Arial, sans-serif" '
        f'font-size="34" fill="#dbe6f0">{escape(line)}</text>' for i, line in enumerate(lines))
    return PREVIEW_SVG.format(title=escape(one_line(title)), lines=text,
                              footer=escape(one_line(footer)))


IMAGES_DRAWN = "br-images.json"  # in the doctrees: what each PNG was drawn from


def write_images(app: Any, exception: Exception | None) -> None:
    """PNG favicons from the drawn SVG, and the social preview image. Each is drawn again
    only when what it is drawn from changed (drawing the three took about 0.04 s of every
    incremental build): the key of each, as last drawn, is kept with the doctrees."""
    if exception is not None or app.builder.format != "html":
        return
    import hashlib

    import vl_convert

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    icon = Path(app.confdir) / (app.config.html_favicon or "")
    wanted: dict[str, tuple[str, float]] = {}  # name -> (SVG, scale)
    if app.config.html_favicon and icon.is_file():
        svg = icon.read_text(encoding="utf-8")
        wanted["favicon-32.png"] = (svg, 1.0)
        wanted["apple-touch-icon.png"] = (svg, 180 / 32)
    cfg = app.config
    wanted[PREVIEW_IMAGE] = (preview_svg(cfg.html_title or cfg.project,
                                         cfg.batteryreport_tagline,
                                         cfg.batteryreport_preview_footer), 1.0)
    record = Path(app.doctreedir) / IMAGES_DRAWN
    try:
        drawn = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        drawn = {}
    for name, (svg, scale) in wanted.items():
        key = hashlib.sha256(json.dumps([svg, scale, vl_convert.__version__]).encode()
                             ).hexdigest()
        target = static / name
        if drawn.get(name) == key and target.is_file():
            continue
        data = vl_convert.svg_to_png(svg, scale=scale)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        drawn[name] = key
    record.write_text(json.dumps(drawn, sort_keys=True), encoding="utf-8")


# ---------------------------------------------------------------------------- search


def escape_search_titles(app: Any, exception: Exception | None) -> None:
    """Sphinx's search page inserts result titles with ``innerHTML``. Page titles reach the
    index already escaped (rendered as HTML), section titles (``alltitles``) as raw text,
    and a section title can hold data text (a table's title on "Data and sources"): escape
    those, so a title is shown, never parsed. Runs once the index is written."""
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


def static_changed(app: Any, env: Any, added: set[str], changed: set[str],
                   removed: set[str]) -> list[str]:
    """Sphinx copies static files only when some page is out of date: with only a CSS or JS
    file changed it reports "no targets are out of date" and publishes the old file. Re-read
    the root page when the static files changed, so the build runs and copies them."""
    import hashlib

    digest = hashlib.sha256()
    for entry in app.config.html_static_path:
        folder = Path(app.confdir) / entry
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    value = digest.hexdigest()
    if getattr(env, "br_static_digest", None) == value:
        return []
    env.br_static_digest = value
    return [app.config.root_doc]


def downloads_are_copied(app: Any, doctree: Any) -> None:
    """A page's downloads do not make it out of date: Sphinx copies every download at each
    build that runs (comparing bytes), and the page shows only their names. Without this,
    any change to the data re-read and re-wrote "Data and sources", which offers every table
    and is the book's largest page (about 0.3 s of a one-table rebuild). A download that is
    also included in a page would lose that dependency; the book has none."""
    env = app.env
    env.dependencies[env.docname] -= {name for name, (docs, _) in env.dlfiles.items()
                                      if env.docname in docs}


def downloads_changed(app: Any, env: Any, added: set[str], changed: set[str],
                      removed: set[str]) -> list[str]:
    """With :func:`downloads_are_copied`, a changed download alone leaves every page up to
    date, and Sphinx then stops before copying anything: re-read the root page, so that the
    build runs and copies it (as :func:`static_changed` does for static files)."""
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(env.dlfiles):
        try:
            stat = (Path(app.srcdir) / name).stat()
        except OSError:
            continue  # the pages that link it are re-read, and warn
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    value = digest.hexdigest()
    if getattr(env, "br_downloads_digest", None) == value:
        return []
    env.br_downloads_digest = value
    return [] if added or changed or removed else [app.config.root_doc]


def add_templates(app: Any, config: Any) -> None:
    config.templates_path.append(str(Path(__file__).parent / "templates" / "html"))


def book_numfig(app: Any, config: Any) -> None:
    """The book's own ``numfig``: jupyter-book's LaTeX extension turns it on for every
    builder. The report numbers no figure, and with it on Sphinx opened every page's
    saved doctree on each rebuild to number them (about 0.1 s)."""
    if "numfig" in config.overrides:
        config.numfig = bool(config.overrides["numfig"])


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value(
        "batteryreport_description",
        "How late India's battery-cell scheme is, what a Japanese investment could buy, and "
        "what to do about recycling: an open report in which every number is computed from "
        "sourced data.", "html")
    app.add_config_value("batteryreport_tagline",  # the social preview image's subtitle
                         "How late India's battery-cell scheme is, what a Japanese investment "
                         "could buy, and what to do about recycling.", "html")
    # jupyter-book always passes its "comments" setting; the report does not load
    # sphinx_comments (no comments), so the value is declared here, and ignored.
    app.add_config_value("comments_config", {}, "html")
    app.add_config_value("batteryreport_preview_footer",
                         "Open data and code · text and data CC BY 4.0", "html")
    app.add_node(glued, html=(visit_glued_html, depart_glued_html),
                 latex=(_pass, _pass), text=(_pass, _pass), man=(_pass, _pass),
                 texinfo=(_pass, _pass))
    app.add_role("num", num_role)
    app.add_directive("claim", ClaimDirective)
    app.connect("env-purge-doc", _purge_claims)
    app.connect("env-merge-info", _merge_claims)
    app.connect("build-finished", write_claims)
    app.add_role("screen-only", screen_only_role)
    app.add_role("brief", brief_role)
    app.connect("env-purge-doc", _purge_briefs)
    app.connect("env-merge-info", _merge_briefs)
    app.connect("build-finished", write_briefs_linked)
    app.connect("config-inited", add_templates)
    app.connect("config-inited", book_numfig, priority=900)
    app.connect("doctree-read", add_newest_fact)
    app.connect("env-get-outdated", static_changed)
    # After Sphinx's own collector has noted the page's downloads (priority 500).
    app.connect("doctree-read", downloads_are_copied, priority=900)
    app.connect("env-get-outdated", downloads_changed)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", escape_search_titles)
    app.connect("build-finished", write_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "3"}
