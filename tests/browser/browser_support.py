"""Helpers for the browser tests and the page-weight benchmark.

- :func:`serve`: a built site on an ephemeral localhost port, served as `make serve` does.
- :func:`launch_chromium`: Debian's Chromium driven by Playwright (Playwright's own browser
  download cannot work here), or a skip with the reason, or a failure when
  ``BATTERYREPORT_REQUIRE_BROWSER=1`` (CI) says the browser tests must run.
- :func:`new_context`: a browser context in which every request that leaves localhost is
  recorded (and fails: :func:`launch_chromium` resolves no host but localhost), and
  :func:`open_page`: a page whose console errors, uncaught exceptions, such requests and
  failed local requests are recorded as problems.
- :func:`toc_pages` / :func:`sidebar_pages`: the pages of the table of contents, from
  ``_toc.yml`` or from a built site's sidebar.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from batteryreport.build.serve import serving

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("BATTERYREPORT_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = HERE.parent / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent / "_artifacts"
REQUIRE_ENV = "BATTERYREPORT_REQUIRE_BROWSER"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LAUNCH_ARGS = ["--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


# Name resolution fails for every host but localhost, and every request not to this
# machine (an address written as numbers too) is sent to a proxy that is not there (the
# browser never proxies loopback): nothing leaves the machine, without Playwright's
# routing (which would turn the HTTP cache off).
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--proxy-server=http://127.0.0.1:9"]


def browser_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") == "1"


def unavailable(reason: str) -> None:
    """Skip (with the reason shown by ``-ra``), or fail when the browser tests are required."""
    import pytest

    if browser_required():
        pytest.fail(f"{reason} (and {REQUIRE_ENV}=1 requires the browser tests)", pytrace=False)
    pytest.skip(reason)


def chromium_missing() -> str | None:
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} not found: install Debian's chromium "
                "(`make test` does so when run as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed in this environment"
    return None


def axe_path() -> Path:
    """The vendored axe-core (``make test`` installs it with npm), or skip/fail."""
    if not AXE_JS.exists():
        why = "npm is not installed" if shutil.which("npm") is None else "it was not installed"
        unavailable(f"axe-core is not vendored at {AXE_JS.relative_to(HERE.parent.parent)} ({why}; "
                    "`make test` runs npm install for it)")
    return AXE_JS


# ---------------------------------------------------------------------------- serving


def serve(site: Path, cache_control: str | None = None):
    """Serve ``site`` on 127.0.0.1 at an ephemeral port, as `make serve` does (a static
    host's headers and gzip); a context manager yielding the base URL (ends in /).
    ``cache_control``: that header on every response (e.g. ``max-age=600``), or none."""
    return serving(site, cache_control)


# ---------------------------------------------------------------------------- browser


def launch_chromium(playwright: Any, extra_args: list[str] | None = None) -> Any:
    """Chromium in which no host but localhost resolves (:data:`OFFLINE_ARGS`): a request
    leaving the machine fails, and :func:`new_context` records it."""
    args = list(LAUNCH_ARGS) + [a for a in OFFLINE_ARGS if a not in (extra_args or [])] \
        + list(extra_args or [])
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    # Playwright gives every launch a fresh, temporary --user-data-dir.
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOCAL_HOSTS


@dataclass
class Offline:
    """What a context tried to fetch from outside localhost (each blocked)."""

    blocked: list[str] = field(default_factory=list)


def new_context(browser: Any, *, width: int = 1280, height: int = 900, block: bool = False,
                **options: Any) -> tuple[Any, Offline]:
    """A context whose requests and web sockets leaving localhost are recorded; they fail,
    as the browser resolves no other host (:func:`launch_chromium`).

    With ``block=True`` they are also stopped by Playwright's routing, for a browser
    launched otherwise. Routing sends every request through this process and turns the
    HTTP cache off: it cost the browser tests about a tenth of Chromium's time.
    """
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              service_workers="block", **options)
    offline = Offline()
    if not block:
        def record(request: Any) -> None:
            if not is_local(request.url):
                offline.blocked.append(request.url)

        def record_sockets(page: Any) -> None:
            page.on("websocket", lambda ws: None if is_local(ws.url)
                    else offline.blocked.append(ws.url))

        ctx.on("request", record)
        ctx.on("page", record_sockets)
        return ctx, offline

    def route(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            offline.blocked.append(url)
            route.abort("blockedbyclient")

    ctx.route("**/*", route)
    if hasattr(ctx, "route_web_socket"):
        def ws_route(ws: Any) -> None:
            if is_local(ws.url):
                ws.connect_to_server()
            else:
                offline.blocked.append(ws.url)
                ws.close()

        ctx.route_web_socket(re.compile(".*"), ws_route)
    return ctx, offline


@dataclass
class Visit:
    """One page load and everything that went wrong while it was open."""

    page: Any
    url: str
    offline: Offline
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)  # font files the page downloaded
    blocked_before: int = 0
    inflight: int = 0  # requests sent and not yet answered

    def settle(self, timeout_ms: int = 5_000) -> None:
        """Wait until no request of the page is in flight (Playwright's "networkidle"
        would wait 500 ms more on every page, whatever the page does)."""
        waited = 0
        while self.inflight > 0 and waited < timeout_ms:
            self.page.wait_for_timeout(20)  # lets Playwright deliver the page's events
            waited += 20

    @property
    def blocked(self) -> list[str]:
        return self.offline.blocked[self.blocked_before:]

    def load_problems(self) -> list[str]:
        out = [f"request leaving localhost (blocked): {u}" for u in self.blocked]
        out += [f"console error: {m}" for m in self.console_errors]
        out += [f"uncaught exception: {m}" for m in self.page_errors]
        out += [f"failed local request: {m}" for m in self.bad_responses]
        # The site uses the reader's system fonts and draws the theme's icons as CSS masks
        # (batteryreport.build.icons): a font download means an icon-font glyph slipped in.
        out += [f"font file downloaded: {u}" for u in self.fonts]
        return out


def open_page(ctx: Any, offline: Offline, url: str, *, wait: str = "load") -> Visit:
    page = ctx.new_page()
    visit = Visit(page, url, offline, blocked_before=len(offline.blocked))

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc else ""
            visit.console_errors.append(msg.text + where)

    def on_response(resp: Any) -> None:
        if resp.status >= 400 and is_local(resp.url):
            visit.bad_responses.append(f"{resp.status} {resp.url}")

    def on_failed(req: Any) -> None:
        if is_local(req.url) and not req.url.startswith("data:"):
            visit.bad_responses.append(f"{req.failure} {req.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    def on_request(req: Any) -> None:
        visit.inflight += 1
        if req.resource_type == "font" and not req.url.startswith("data:"):
            visit.fonts.append(req.url)

    def on_done(req: Any) -> None:
        visit.inflight -= 1

    page.on("request", on_request)
    page.on("requestfinished", on_done)
    page.on("requestfailed", on_done)
    page.br_visit = visit  # for wait_for_charts
    page.goto(url, wait_until=wait)
    return visit


def screenshot_name(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(p for p in parts if p)).strip("_")[:150]


@contextlib.contextmanager
def screenshot_on_failure(page: Any, name: str) -> Iterator[None]:
    """Save a full-page screenshot to tests/_artifacts/ when the block raises."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            ARTIFACTS.mkdir(exist_ok=True)
            target = ARTIFACTS / f"{screenshot_name(name)}.png"
            page.screenshot(path=str(target), full_page=True)
            print(f"screenshot saved: {target}")
        raise


# ---------------------------------------------------------------------------- pages


def toc_pages(toc_file: Path) -> list[str]:
    """Every page of a jupyter-book ``_toc.yml`` (root first), as paths of built HTML."""
    toc = yaml.safe_load(Path(toc_file).read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([{k: v for k, v in toc.items() if k in ("parts", "chapters", "sections")}])
    return [re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html" for f in files]


class _SidebarLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # >0 while inside <nav class="... bd-docs-nav ...">
        self.links: list[str] = []
        self.home: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "nav" and ("bd-docs-nav" in classes or self.depth):
            self.depth += 1
        elif tag == "a" and self.depth and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "a" and "navbar-brand" in classes and self.home is None:
            self.home = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def site_root_page(site: Path) -> str:
    """The book's root page (the site's index.html redirects to it)."""
    index = (Path(site) / "index.html").read_text(encoding="utf-8")
    m = re.search(r'http-equiv="Refresh"[^>]*url=([^"]+)"', index, re.I)
    return m.group(1).strip() if m else "index.html"


def sidebar_pages(site: Path) -> list[str]:
    """The TOC as the built site shows it: the root page, then the sidebar's links."""
    root = site_root_page(site)
    parser = _SidebarLinks()
    parser.feed((Path(site) / root).read_text(encoding="utf-8"))
    pages = [root]
    for href in parser.links:
        path = urlsplit(urljoin("http://x/" + root, href)).path.lstrip("/")
        if path and path not in pages:
            pages.append(path)
    return pages
