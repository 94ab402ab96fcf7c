"""Data text is data: escape it for where it lands, never let it be interpreted.

Text from a data table, the data package descriptor or a parameters file reaches four
kinds of place, and each has one function here:

- MyST markdown of a generated page (:func:`md_inline`): one line, every ASCII punctuation
  character backslash-escaped, so no role, directive, target, link, HTML or emphasis can
  start inside it (CommonMark lets any ASCII punctuation be escaped, and MyST's
  extensions all start with punctuation).
- JSON inside an HTML ``<script>`` (:func:`json_for_html`): ``<``, ``>``, ``&`` and the
  JavaScript line terminators U+2028/U+2029 escaped, so no ``</script>``, ``<!--`` or
  ``<script`` sequence can change how the browser parses the element.
- A link target, on the site or in a PDF (:func:`web_url`): only ``http://`` and
  ``https://`` addresses become links; anything else is shown as text.
- Any single-line place, such as a table cell or a PDF line (:func:`one_line`): every
  kind of line break and control character becomes a space.
"""

from __future__ import annotations

import json
import re
import string
from typing import Any

# Every character that ends a line somewhere (CR, LF, VT, FF, the file/group/record
# separators, NEL, LS, PS) and the other C0/C1 controls, which have no business in text.
_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"[ \t]{2,}")
_PUNCT = frozenset(string.punctuation)


def one_line(text: object) -> str:
    """Text on one line: line breaks and control characters become spaces, runs of
    spaces collapse, and the ends are trimmed. ``None`` and missing values are ""."""
    if text is None:
        return ""
    try:
        if text != text:  # NaN and NaT are not equal to themselves
            return ""
    except TypeError:  # pandas.NA cannot be compared
        return ""
    s = str(text)
    s = _BREAKS.sub(" ", s).replace("\t", " ")
    return _SPACES.sub(" ", s).strip()


def md_inline(text: object) -> str:
    """Text for the middle of a line of MyST markdown, shown exactly as written."""
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in one_line(text))


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def json_for_html(obj: Any) -> str:
    """JSON that can sit inside an HTML ``<script>`` element, whatever strings it holds.

    The escapes are inside JSON strings only (these characters cannot occur elsewhere in
    JSON), so ``json.loads`` of the result gives back the same object.
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


_WEB = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)


def web_url(url: object) -> str | None:
    """The address if it is an http(s) URL with a host and no spaces or quotes, else None."""
    if url is None:
        return None
    s = str(url).strip()
    if not _WEB.match(s):
        return None
    rest = s.split("://", 1)[1]
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return s if host and not host.startswith("@") else None


def cite_date(date: Any, precision: object) -> str:
    """A source's date as a citation shows it: "2021" for a year, else "May 2021"."""
    if date is None or str(date) == "NaT":
        return ""
    return date.strftime("%Y" if str(precision) == "year" else "%b %Y")


def source_label(source_id: str) -> str:
    """The anchor of a source's entry on the sources page."""
    return f"src-{source_id}"
