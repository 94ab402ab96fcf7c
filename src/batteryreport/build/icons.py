"""The theme's icons as a few hundred bytes of CSS instead of a 1.5 MB script.

The page theme (pydata-sphinx-theme) draws its dozen interface icons (search, menu, the
light/dark switch, ...) with Font Awesome's all-icons script, ``fontawesome.js`` (1.5 MB,
540 kB compressed), and its CSS can also pull in a 150 kB icon font. The report's pages
load neither: ``templates/html/layout.html`` leaves the script out, and the stylesheet
written here draws each icon the pages use as a CSS mask, from the same Font Awesome Free
path data (CC BY 4.0), read out of the theme's installed copy of the script. An icon the
pages use but this list lacks fails the browser tests (tests/browser).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

ICONS_CSS = "br-icons.css"

# Every Font Awesome icon the theme puts on the report's pages (solid style).
ICONS = ("magnifying-glass", "bars", "list", "sun", "moon", "circle-half-stroke", "expand",
         "arrow-up", "outdent", "angle-left", "angle-right", "xmark", "chevron-down",
         "download", "compress", "up-right-from-square")

# The theme's rules that draw an icon-font glyph in a pseudo-element (a download link's
# arrow, an external link's mark): each becomes a mask of the same icon, so that no page
# downloads the 150 kB icon font for it.
PSEUDO = {
    "a.reference.download::before": "download",
    ".nav-link.nav-external::after": "up-right-from-square",
    "nav.bd-links li>a.reference.external::after": "up-right-from-square",
}


def _fontawesome_js() -> Path:
    from importlib.util import find_spec

    # Found without importing the theme (which imports Sphinx: half a second).
    spec = find_spec("pydata_sphinx_theme")
    if spec is None or spec.origin is None:
        raise RuntimeError("pydata-sphinx-theme is not installed")
    return (Path(spec.origin).parent / "theme" / "pydata_sphinx_theme"
            / "static" / "scripts" / "fontawesome.js")


def solid_icons(script: str) -> dict[str, tuple[int, int, str]]:
    """Name -> (width, height, SVG path) of the solid icons defined in fontawesome.js."""
    found: dict[str, tuple[int, int, str]] = {}
    # Each style's pack is ``var p={name:[w,h,[aliases],"unicode","path"],...}`` followed
    # by ``d("fas",p)`` (solid), ``d("far",p)`` (regular) or ``d("fab",p)`` (brands).
    for pack in re.finditer(r'var p=\{(.*?)\}[^{}]*?\(function\(\)\{d\("(fa[srb])",p\)',
                            script, re.S):
        if pack.group(2) != "fas":
            continue
        for icon in re.finditer(r'"?([a-z0-9-]+)"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+",'
                                r'"([^"]+)"\]', pack.group(1)):
            found[icon.group(1)] = (int(icon.group(2)), int(icon.group(3)), icon.group(4))
    return found


def icons_css(names: tuple[str, ...] = ICONS, script: str | None = None) -> str:
    icons = solid_icons(script if script is not None else _fontawesome_js().read_text())
    missing = [n for n in names if n not in icons]
    if missing:
        raise RuntimeError(f"Font Awesome icons not found in the theme's fontawesome.js: "
                           f"{missing} (has the theme changed?)")
    lines = [
        "/* Interface icons: Font Awesome Free 6 (https://fontawesome.com, icons CC BY 4.0),",
        "   drawn as CSS masks so that no icon script or icon font is loaded. Written by",
        "   batteryreport.build.icons; do not edit. */",
        # The theme's CSS would draw a glyph from the icon font: no glyph, no font.
        ".fa,.fas,.far,.fab,.fa-solid,.fa-regular,.fa-brands{font-family:inherit!important}",
        ".fa::before,.fas::before,.far::before,.fab::before,.fa-solid::before,"
        ".fa-regular::before,.fa-brands::before{content:none!important}",
    ]
    lines.append(",".join(f".fa-{n}" for n in names)
                 + "{display:inline-block;height:1em;vertical-align:-.125em;"
                 "background-color:currentColor;-webkit-mask:var(--br-icon) center/contain "
                 "no-repeat;mask:var(--br-icon) center/contain no-repeat}")
    def url(name: str) -> str:
        width, height, path = icons[name]
        svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
               f"<path d='{path}'/></svg>")
        return f'url("data:image/svg+xml,{quote(svg, safe=" =:/<>,.-")}")'

    for name in names:
        width, height, _ = icons[name]
        lines.append(f".fa-{name}{{width:{width / height:.3f}em;--br-icon:{url(name)}}}")
    for selector, name in PSEUDO.items():
        if name in names:
            lines.append(
                f"{selector}{{content:''!important;font:inherit!important;"
                "display:inline-block;width:.8em;height:.8em;vertical-align:-.05em;"
                f"background-color:currentColor;-webkit-mask:{url(name)} center/contain "
                f"no-repeat;mask:{url(name)} center/contain no-repeat}}")
    return "\n".join(lines) + "\n"


def write_icons(static_dir: Path) -> Path:
    """Write the icons' CSS, unless the file was already written from the same script and
    list (its first line records them: reading the 1.5 MB script takes a third of a
    second, more than a rebuild with nothing changed takes for everything else)."""
    import hashlib

    path = static_dir / ICONS_CSS
    script = _fontawesome_js()
    info = script.stat()
    stamp = "/* " + hashlib.sha256(repr((str(script), info.st_size, info.st_mtime_ns, ICONS,
                                         Path(__file__).read_bytes())).encode()
                                   ).hexdigest()[:16] + " */\n"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            if fh.readline() == stamp:
                return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stamp + icons_css(script=script.read_text()), encoding="utf-8")
    return path
