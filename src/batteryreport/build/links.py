"""A link check over a static folder, as a reader's browser would follow the links.

Every ``href`` and ``src`` in every HTML file, and every ``url(...)`` in every CSS file,
that is not a web address (http, https), ``mailto:`` or ``data:`` must point to a file in
the folder (a folder link to its ``index.html``), and a ``#fragment`` into an HTML file
must name an element of it. A link that leaves the folder (``../`` past its top, or a path
starting with ``/``, which depends on where the folder is hosted) is an error too.
"""

from __future__ import annotations

import html.parser
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http", "https", "mailto", "data")
LINK_ATTRS = {"href", "src"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and tag != "meta":
                self.ids.add(value)
            elif name in LINK_ATTRS and not (tag == "link" and _rel(attrs) == "canonical"):
                self.links.append(value)

    handle_startendtag = handle_starttag


def _rel(attrs: list[tuple[str, str | None]]) -> str:
    return next((v or "" for k, v in attrs if k == "rel"), "").lower()


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def check_links(folder: Path) -> list[str]:
    """Every broken or escaping link in ``folder``, as "file: link: why" (empty: all good)."""
    folder = folder.resolve()
    pages: dict[str, _Page] = {}
    for path in sorted(folder.rglob("*.html")):
        pages[path.relative_to(folder).as_posix()] = _parse(path)
    refs: list[tuple[str, str]] = [(name, link) for name, page in pages.items()
                                   for link in page.links]
    for css in sorted(folder.rglob("*.css")):
        name = css.relative_to(folder).as_posix()
        refs += [(name, m.group(2).strip()) for m in
                 _CSS_URL.finditer(css.read_text(encoding="utf-8", errors="replace"))]

    problems: list[str] = []
    for name, link in refs:
        why = _broken(folder, pages, name, link)
        if why:
            problems.append(f"{name}: {link[:120]}: {why}")
    return problems


def _broken(folder: Path, pages: dict[str, _Page], source: str, link: str) -> str | None:
    parts = urlsplit(link.strip())
    if parts.scheme:
        return None if parts.scheme.lower() in EXTERNAL else f"scheme {parts.scheme}: not allowed"
    if parts.netloc:
        return "a protocol-relative address (//host): loads from outside the folder"
    path = unquote(parts.path)
    if path.startswith("/"):
        return "an absolute path: depends on where the folder is hosted"
    if path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if target == ".." or target.startswith("../"):
            return "leads outside the folder"
        file = folder / target
        if file.is_dir():
            file, target = file / "index.html", posixpath.join(target, "index.html")
        if not file.is_file():
            return "no such file"
    else:
        target = source  # "#anchor" or "" on the same page
    fragment = unquote(parts.fragment)
    if fragment and target.endswith(".html") and target in pages \
            and fragment not in pages[target].ids:
        return f"no element with id {fragment!r} in {target}"
    return None
