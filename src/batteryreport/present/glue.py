"""Glue computed numbers into the book, the briefs and the edition snapshot.

A chapter notebook calls :func:`glue_result` once: every quantity of the chapter's result
(and the phrases chosen for it) is glued under its field name, written as its unit says.
:func:`glue_value` glues one value (the mini book's test notebooks use it directly). The
glued output holds the display text (``text/plain``), and a JSON record with the raw
value, its unit and the source ids it was computed from, which the PDF briefs, the "what
changed" page and the tests read back with :func:`read_glued`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from batteryreport.core.quantity import Quantity
from batteryreport.present.fmt import show

GLUE_MIME = "application/vnd.batteryreport.value+json"
# A report chart as a notebook displays it (batteryreport.present.charts.Figure); defined
# here so that reading figures (the briefs) does not import Altair.
FIGURE_MIME = "application/vnd.batteryreport.figure+json"


@dataclass
class Value:
    key: str
    text: str  # what the reader sees, e.g. "₹3.1 crore"
    value: float | str | list[float] | None = None  # raw number(s): [low, high] for ranges
    unit: str = ""
    sources: list[str] = field(default_factory=list)  # source ids from data/sources.csv
    label: str = ""  # short human label for summaries and the what-changed page

    def record(self) -> dict[str, Any]:
        return asdict(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        # No text/markdown: a glued text holds data text, which must never be parsed as
        # markup. Pages show it with the {num} role, as a text node.
        return {"text/plain": self.text, GLUE_MIME: self.record()}


def _as_list(value: Any) -> Any:
    if hasattr(value, "low") and hasattr(value, "high"):
        return [float(value.low), float(value.high)]
    if hasattr(value, "item"):
        return value.item()
    return value


def glue_value(key: str, text: str, value: Any = None, *, unit: str = "",
               sources: Iterable[str] = (), label: str = "") -> None:
    """Glue one reported number (display text plus raw value and provenance)."""
    from myst_nb import glue

    v = Value(key=key, text=text, value=_as_list(value), unit=unit,
              sources=sorted({str(s) for s in sources}), label=label or key)
    glue(key, v, display=False)


def quantities(result: Any) -> dict[str, Quantity]:
    """Every :class:`Quantity` of a chapter result, by field name. Sections (nested
    dataclasses) are walked; a name must be unique across the whole result."""
    found: dict[str, Quantity] = {}

    def walk(obj: Any) -> None:
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, Quantity):
                if f.name in found:
                    raise ValueError(f"{type(result).__name__}: two quantities named {f.name!r}")
                found[f.name] = value
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                walk(value)

    walk(result)
    return found


def glue_quantity(key: str, q: Quantity) -> None:
    """Glue one quantity: the text its unit gives it, its raw value and provenance."""
    glue_value(key, show(q), q.raw, unit=q.unit.key, sources=q.sources, label=q.label)


def glue_result(result: Any, phrases: Mapping[str, Quantity] | None = None) -> list[str]:
    """Glue every quantity of a chapter result, and the phrases chosen for it (a phrase may
    not reuse a quantity's name). Returns the keys glued."""
    found = quantities(result)
    for key, q in (phrases or {}).items():
        if key in found:
            raise ValueError(f"phrase {key!r} has the name of a quantity of the result")
        found[key] = q
    if "latest_fact_date" not in found:
        newest = newest_fact(found.values())
        if newest is not None:
            found["latest_fact_date"] = newest
    for key, q in found.items():
        glue_quantity(key, q)
    return list(found)


def newest_fact(values: Iterable[Quantity], register: Any = None) -> Quantity | None:
    """The newest publication date among the sources the values cite: how current a
    chapter's facts are (shown under its title)."""
    from batteryreport.core.quantity import date as q_date

    if register is None:
        from batteryreport.data import sources

        register = sources()
    cited = sorted({s for q in values for s in q.sources} & set(register.index))
    if not cited:
        return None
    rows = register.loc[cited]
    rows = rows[rows["date_published"].notna()]
    if rows.empty:
        return None
    newest = rows.sort_values("date_published").iloc[-1]
    return q_date(newest["date_published"], "Newest fact in this chapter",
                  [newest["source_id"]], precision=newest.get("date_precision", "day"))


def glue_figure(key: str, fig: Any) -> None:
    """Glue a chart (a :class:`batteryreport.charts.Figure`) for use on other pages."""
    from myst_nb import glue

    glue(key, fig, display=False)


def read_glued(notebook: Path) -> dict[str, dict[str, Any]]:
    """Every value glued by an executed notebook: key -> record."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if "scrapbook" not in out.get("metadata", {}):
                continue  # only glued outputs, not values a cell happened to display
            data = out.get("data", {})
            mime = next((m for m in data if m.endswith(GLUE_MIME)), None)
            if mime:
                rec = data[mime]
                if isinstance(rec, str):
                    rec = json.loads(rec)
                found[rec["key"]] = rec
    return found


def read_all_glued(folder: Path) -> dict[str, dict[str, Any]]:
    """Glued values of every executed notebook in ``folder``: 'page::key' -> record."""
    out: dict[str, dict[str, Any]] = {}
    for nb in sorted(Path(folder).glob("*.ipynb")):
        for key, rec in read_glued(nb).items():
            out[f"{nb.stem}::{key}"] = rec
    return out


def figures_shown(cell: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of the report charts an executed cell displayed (with their specs)."""
    return [json.loads(rec) if isinstance(rec, str) else rec
            for out in cell.get("outputs", [])
            for mime, rec in out.get("data", {}).items() if mime.endswith(FIGURE_MIME)]


def read_figures(notebook: Path) -> dict[str, dict[str, Any]]:
    """Every report chart an executed notebook displayed: name -> record (with its spec)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return {rec["name"]: rec for cell in nb.get("cells", []) for rec in figures_shown(cell)}
