"""A computed quantity: value, unit, label and the source rows it came from.

Chapters return their results as :class:`Quantity` fields; the presentation layer writes
each one the way its unit says (:func:`batteryreport.present.fmt.show`) and glues it with
its provenance. A quantity never holds display text of its own, except a ``TEXT`` quantity
(a name, a phrase chosen by a rule), whose value is the text.

Precision belongs to the quantity, not to a page: ``decimals`` fixes the decimals shown
(else the number's size decides), ``sig`` rounds the ends of a range to significant figures
(ranges should not look more precise than their inputs; ``None`` keeps them), and
``precision`` says how precisely a date is known (day, month or year). ``qualifier`` is a
word that belongs with the number: "about", "at least", "more than".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from batteryreport.core import units as u
from batteryreport.core.ranges import Range

Value = float | int | Range | dt.date | str | bool | tuple[float, ...] | None


def source_ids(*groups: Iterable[Any] | str | None) -> tuple[str, ...]:
    """Sorted unique source ids from strings, iterables of strings or None (missing)."""
    out: set[str] = set()
    for g in groups:
        if g is None:
            continue
        items = [g] if isinstance(g, str) else g
        for s in items:
            if s is None or s != s:  # None or NaN
                continue
            text = str(s)
            if text:
                out.add(text)
    return tuple(sorted(out))


@dataclass(frozen=True)
class Quantity:
    value: Value
    unit: u.Unit
    label: str
    sources: tuple[str, ...] = ()
    decimals: int | None = None
    sig: int | None | str = "auto"  # "auto": 2 for a range, none for one number
    precision: str = "day"  # dates only
    qualifier: str = ""
    missing: str = ""  # what is written when the data has no value (value None)

    def __post_init__(self) -> None:
        if not isinstance(self.unit, u.Unit):
            raise TypeError(f"{self.label}: unit must be a batteryreport.core.units.Unit")
        if isinstance(self.value, float) and self.value != self.value:
            raise ValueError(f"{self.label}: a quantity cannot be NaN")
        object.__setattr__(self, "sources", source_ids(self.sources))

    @property
    def is_range(self) -> bool:
        return isinstance(self.value, Range)

    @property
    def number(self) -> float:
        """The value as one number (a range's midpoint); raises for text and dates."""
        v = self.value
        if isinstance(v, Range):
            return v.mid
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise TypeError(f"{self.label}: not a number ({v!r})")
        return float(v)

    def with_(self, **changes: Any) -> Quantity:
        return replace(self, **changes)

    @property
    def raw(self) -> Any:
        """The value as JSON: ranges as [low, high], dates as ISO strings; a text's value is
        its text, already stored as what is shown, so it is None here."""
        v = self.value
        if self.unit.kind == "text":
            return None
        if isinstance(v, Range):
            return [float(v.low), float(v.high)]
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, tuple):
            return [float(x) for x in v]
        if hasattr(v, "item"):  # numpy scalars
            return v.item()
        return v


def text(value: str, label: str, sources: Iterable[str] = ()) -> Quantity:
    """A name or a phrase chosen by a rule (its value is the text)."""
    return Quantity(str(value), u.TEXT, label, tuple(sources))


def as_date(value: Any) -> dt.date:
    """A date from a date, a datetime (pandas Timestamps are datetimes) or ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def date(value: Any, label: str, sources: Iterable[str] = (), precision: str | None = "day",
         ) -> Quantity:
    """A date known to ``precision`` (day, month or year; anything else counts as day)."""
    return Quantity(as_date(value), u.DATE, label, tuple(sources),
                    precision=precision if precision in ("day", "month", "year") else "day")


def missing(unit: u.Unit, label: str, shown: str = "not reported",
            sources: Iterable[str] = ()) -> Quantity:
    """A quantity the data does not give, written as ``shown``."""
    return Quantity(None, unit, label, tuple(sources), missing=shown)
