"""Serve ``_build/public`` as a static host does (``make serve``), so that what is measured
on this machine is what readers get.

Like GitHub Pages: text responses (HTML, CSS, JavaScript, JSON, SVG, XML, CSV, plain text)
are gzip-compressed when the request accepts gzip, with ``Vary: Accept-Encoding``; content
types carry a charset for text; a folder serves its ``index.html`` (a folder address
without the final slash is redirected to it) and never a listing; a missing file is a 404
(the folder's ``404.html`` when it has one); ``Cache-Control: max-age=600``. PDFs, zips,
images and fonts are sent as they are (they are compressed already).
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import gzip
import http.server
import io
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

CACHE_CONTROL = "max-age=600"  # what GitHub Pages sends
GZIP_LEVEL = 6
MIN_GZIP_BYTES = 256  # smaller bodies gain nothing
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".inv": "application/octet-stream",
    ".ipynb": "application/x-ipynb+json",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}
COMPRESSIBLE = ("text/", "application/json", "application/xml", "image/svg+xml",
                "application/x-ipynb+json", "application/vnd.ms-fontobject")


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (``q=0`` refuses it)."""
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    # mtime and size are in the key so an edited file is compressed again
    with open(path, "rb") as fh:
        return gzip.compress(fh.read(), compresslevel=GZIP_LEVEL, mtime=0)


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    cache_control: str | None = CACHE_CONTROL
    quiet = False
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self) -> None:
        if self.cache_control:
            self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]):  # type: ignore[override]
        self.not_found()
        return None

    def not_found(self) -> None:
        page = Path(self.directory) / "404.html"
        if page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", TYPES[".html"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        else:
            self.send_error(404, "File not found")

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to "folder/"
            path = path / "index.html"
        if not path.is_file():
            self.not_found()
            return None
        ctype = self.guess_type(str(path))
        stat = path.stat()
        if self._not_modified(stat.st_mtime):
            self.send_response(304)
            if ctype.startswith(COMPRESSIBLE):
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        compress = (ctype.startswith(COMPRESSIBLE) and stat.st_size >= MIN_GZIP_BYTES
                    and accepts_gzip(self.headers.get("Accept-Encoding")))
        body = (_gzipped(str(path), stat.st_mtime_ns, stat.st_size) if compress
                else path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        if ctype.startswith(COMPRESSIBLE):
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def _not_modified(self, mtime: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return when.tzinfo is not None and int(mtime) <= when.timestamp()

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class StaticHostServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # A browser that cancels a request (a page left mid-load) is not an error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000,
                cache_control: str | None = CACHE_CONTROL,
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (StaticHostHandler,),
                   {"cache_control": cache_control, "quiet": quiet})
    server = StaticHostServer(
        (host, port), functools.partial(handler, directory=str(Path(folder).resolve())))
    server.daemon_threads = True
    return server


@contextlib.contextmanager
def serving(folder: Path, cache_control: str | None = CACHE_CONTROL) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port in a thread; yields the base URL."""
    server = make_server(folder, port=0, cache_control=cache_control, quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="static-host", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(folder: Path, host: str, port: int) -> int:
    if not (folder / "index.html").is_file():
        print(f"no public folder at {folder}: run 'make publish' first")
        return 1
    server = make_server(folder, host, port)
    print(f"serving {folder} at http://{host}:{server.server_port}/ as a static host would "
          "(gzip, no listings; Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
