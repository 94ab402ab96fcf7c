"""One table renderer for every reader-facing table.

:func:`table` writes an HTML table (class ``br-table``), every cell escaped. A source
column holds citations (:class:`Cite`): each source id becomes a link to its entry on the
"Data and sources" page, named by its publisher and date, never by the internal id.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from batteryreport.present.text import one_line


@dataclass(frozen=True)
class Cite:
    """Sources of one row: ids, and a note shown after them (e.g. "unverified")."""

    ids: tuple[str, ...]
    note: str = ""

    @classmethod
    def of(cls, ids: Any, note: str = "") -> Cite:
        if ids is None or (not isinstance(ids, str | list | tuple) and pd.isna(ids)):
            return cls((), note)
        items = [ids] if isinstance(ids, str) else list(ids)
        return cls(tuple(str(i) for i in items if i is not None and str(i)), note)


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    numeric: bool = False  # right-aligned, not wrapped


SOURCES_PAGE = "data_sources.html"  # "Data and sources", beside the chapters' pages


def source_href(source_id: str, page: str = SOURCES_PAGE) -> str:
    """Link to a source's entry on the "Data and sources" page (``page``: its address
    relative to the page the link is on; by default the chapters' folder)."""
    from docutils.nodes import make_id

    return f"{page}#{make_id('src-' + source_id)}"


def citation_names(register: pd.DataFrame | None = None) -> dict[str, str]:
    """Source id -> "Publisher, Mon YYYY" (or the year, as precisely as the date is known)."""
    if register is None:
        from batteryreport.data import sources

        register = sources()
    out = {}
    for sid, row in register.iterrows():
        date = row.get("date_published")
        precision = str(row.get("date_precision") or "day")
        when = "" if date is None or pd.isna(date) else (
            str(date.year) if precision == "year" else date.strftime("%b %Y"))
        out[str(sid)] = one_line(row["publisher"]) + (f", {when}" if when else "")
    return out


class Html:
    """HTML a notebook cell shows as its output."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:  # the plain-text output: no memory address, same bytes
        return "<HTML table>"


def _cell(value: Any, names: Mapping[str, str]) -> str:
    e = html.escape
    if isinstance(value, Cite):
        links = [f'<a href="{e(source_href(s), quote=True)}">{e(names.get(s, s))}</a>'
                 for s in value.ids]
        note = f" ({e(one_line(value.note))})" if value.note else ""
        return "; ".join(links) + note
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return e(one_line(value))


def table(frame: pd.DataFrame, columns: Sequence[Column | tuple[str, str]], *,
          caption: str = "", register: pd.DataFrame | None = None) -> Html:
    """An HTML table of ``frame``'s ``columns``, every cell escaped, citations linked."""
    cols = [c if isinstance(c, Column) else Column(*c) for c in columns]
    names = citation_names(register) if any(
        isinstance(v, Cite) for c in cols for v in frame[c.field]) else {}
    e = html.escape
    out = ['<table class="br-table">']
    if caption:
        out.append(f"<caption>{e(caption)}</caption>")
    out.append("<thead><tr>")
    out += [f'<th scope="col"{_align(c)}>{e(c.heading)}</th>' for c in cols]
    out.append("</tr></thead><tbody>")
    for _, row in frame.iterrows():
        out.append("<tr>" + "".join(f"<td{_align(c)}>{_cell(row[c.field], names)}</td>"
                                    for c in cols) + "</tr>")
    out.append("</tbody></table>")
    return Html("".join(out))


def _align(c: Column) -> str:
    return ' class="br-num-col"' if c.numeric else ""


def rows(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame from row dicts (a table builder's usual output)."""
    return pd.DataFrame(list(records), columns=list(columns))
