"""The report's public address: one setting, ``public_url`` in ``_config.yml``.

It is used for the canonical link of every page, ``sitemap.xml`` and ``robots.txt`` in
``_build/public`` (:mod:`batteryreport.build.public`) and in the PDF briefs' footers. Left
empty, the public folder works from any folder or host: relative links only, no canonical
links, no sitemap. When ``_config.yml`` leaves it empty, the environment variable
``BATTERYREPORT_PUBLIC_URL`` may give it (the GitHub Pages workflow passes the address
Pages reports); the file wins when both are set.
"""

from __future__ import annotations

import os
from pathlib import Path

from batteryreport.core.errors import InputError, Problem
from batteryreport.present.text import web_url

CONFIG_FILE = "_config.yml"
KEY = "public_url"
ENV_PUBLIC_URL = "BATTERYREPORT_PUBLIC_URL"
BRIEFS_DIR = "_briefs"  # in the site's output; the build copies the PDFs there
BRIEFS_LINKED = "briefs-linked.json"  # in the doctree folder: what the pages link


class AddressError(InputError):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "public address")


def check_url(value: object, where: str) -> str | None:
    """The address with one trailing slash, None when empty; an error naming ``where``
    and the rule otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    url = web_url(value) if isinstance(value, str) else None
    if url is None or "?" in url or "#" in url:
        raise AddressError([Problem(where, "public-url", "must be an http(s) address with a "
                                    "host and no query or fragment, e.g. "
                                    "https://example.org/battery-report/", column=KEY,
                                    value=str(value)[:80])])
    return url.rstrip("/") + "/"


def public_url(root: Path) -> str | None:
    """The configured address (ending in "/"), or None for a local-only site."""
    import yaml

    path = root / CONFIG_FILE
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}  # Jupyter Book reports a broken _config.yml itself
    value = config.get(KEY) if isinstance(config, dict) else None
    url = check_url(value, str(path))
    if url is None:
        url = check_url(os.environ.get(ENV_PUBLIC_URL), f"environment {ENV_PUBLIC_URL}")
    return url


def absolute(base: str, path: str) -> str:
    """The public address of a file in the public folder; ``x/index.html`` is ``x/``."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return base + path


PUBLIC_SCENARIO = "default"  # the public site shows this scenario's editions only


def edition_folder(number: int) -> str:
    """An edition's address in the public folder, relative to its top."""
    return f"editions/{number}/"
