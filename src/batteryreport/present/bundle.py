"""The chart library (Vega, Vega-Lite, vega-embed) as one script in the book's static files.

Kept apart from :mod:`batteryreport.present.charts` so that a rebuild which finds the
bundle up to date imports neither Altair nor vl-convert's runtime.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

VL_VERSION = "v6_4"  # passed to vl_convert as a literal (STACK.md)
BUNDLE_NAME = "vega-bundle.js"

__all__ = ["BUNDLE_NAME", "VL_VERSION", "write_bundle"]


def write_bundle(static_dir: Path) -> Path:
    """Write the vega-embed bundle (wrapped so its names stay out of Sphinx's globals)."""
    import vl_convert as vlc

    static_dir.mkdir(parents=True, exist_ok=True)
    target = static_dir / BUNDLE_NAME
    # Generating the bundle takes over a second: the first line records what made it.
    stamp = f"/* vl-convert {vlc.__version__}, vega-lite {VL_VERSION} */\n"
    if target.exists():
        with target.open(encoding="utf-8") as fh:
            if fh.readline() == stamp:
                return target
    code = vlc.javascript_bundle("window.vegaEmbed = vegaEmbed; window.vega = vega;",
                                 vl_version=VL_VERSION)
    # A temporary file of its own, so that two builds writing at once cannot mix.
    fd, tmp = tempfile.mkstemp(dir=static_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(stamp + "(function(){\n" + code + "\n})();\n")
    os.replace(tmp, target)
    return target
