"""Glue computed numbers into the book, the briefs and the edition snapshot.

A notebook calls :func:`glue_value` once per reported number. The glued output holds
the display text (``text/plain``), and a JSON record
with the raw value, its unit and the source ids it was computed from, which the PDF
briefs, the "what changed" page and the tests read back with :func:`read_glued`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

GLUE_MIME = "application/vnd.batteryreport.value+json"


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


def sources_of(*frames: Any) -> list[str]:
    """The source ids of exactly the rows a number was computed from.

    Pass the rows used (after filtering and picking), not the whole table: every column
    whose name ends in ``source_id`` counts (some tables cite a source per group of fields).
    """
    ids: set[str] = set()
    for frame in frames:
        if frame is None:
            continue
        if hasattr(frame, "to_frame") and not hasattr(frame, "columns"):  # a single row
            frame = frame.to_frame().T
        for col in frame.columns:
            if str(col).endswith("source_id"):
                ids.update(str(v) for v in frame[col].dropna() if str(v))
    return sorted(ids)


def glue_value(key: str, text: str, value: Any = None, *, unit: str = "",
               sources: Iterable[str] = (), label: str = "") -> None:
    """Glue one reported number (display text plus raw value and provenance)."""
    from myst_nb import glue

    v = Value(key=key, text=text, value=_as_list(value), unit=unit,
              sources=sorted({str(s) for s in sources}), label=label or key)
    glue(key, v, display=False)


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


def read_figures(notebook: Path) -> dict[str, dict[str, Any]]:
    """Every report chart an executed notebook displayed: name -> record (with its spec)."""
    from batteryreport.present.charts import FIGURE_MIME

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            for mime, rec in out.get("data", {}).items():
                if mime.endswith(FIGURE_MIME):
                    rec = json.loads(rec) if isinstance(rec, str) else rec
                    found[rec["name"]] = rec
    return found
