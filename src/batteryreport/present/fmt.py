"""Number formatting for Indian readers, shared by the website and the PDF briefs.

Indian digit grouping puts the first comma after three digits and then every two
(12,34,567). Rupee amounts are given in crore (10^7) and, above 1 lakh crore, in
lakh crore. Ranges are written "low–high unit" with an en dash.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from batteryreport.core.ranges import Range

if TYPE_CHECKING:
    import pandas as pd

DASH = "\u2013"
RUPEE = "\u20b9"


def round_sig(value: float, sig: int = 2) -> float:
    """Round to ``sig`` significant figures (ranges should not look more precise
    than their inputs).

    Halves round away from zero, as the charts' d3-format does, and binary noise is
    dropped first (91.49999999999999 is 91.5), so the same quantity computed by two
    routes is written the same way in the prose, the charts and the briefs.
    """
    if value == 0 or not math.isfinite(value):
        return value
    d = Decimal(f"{value:.12g}")
    step = Decimal(1).scaleb(d.adjusted() - sig + 1)
    return float(d.quantize(step, rounding=ROUND_HALF_UP))


def group_indian(value: float, decimals: int = 0) -> str:
    """12,34,567.8 style digit grouping."""
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value}")
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join(groups + [tail])
    return sign + whole + (f".{frac}" if frac else "")


def _auto_decimals(value: float) -> int:
    a = abs(value)
    if a >= 100:
        return 0
    if a >= 10:
        return 1
    if a >= 1:
        return 2
    return 3


def _strip_zeros(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number(value: float, decimals: int | None = None) -> str:
    """Digits the value needs (trailing zeros dropped) unless ``decimals`` is given."""
    if decimals is not None:
        return group_indian(value, decimals)
    return _strip_zeros(group_indian(value, _auto_decimals(value)))


def inr_crore(value: float, decimals: int | None = None) -> str:
    """₹3,500 crore; ₹2.5 lakh crore from 1,00,000 crore up."""
    if abs(value) >= 100_000:
        lakh = value / 100_000
        return f"{RUPEE}{number(lakh, decimals)} lakh crore"
    return f"{RUPEE}{number(value, decimals)} crore"


def inr_lakh(value_inr_cr: float, decimals: int | None = None) -> str:
    """A small rupee amount given in crore, written in lakh: 0.125 crore is "₹12.5 lakh"."""
    return f"{RUPEE}{number(value_inr_cr * 100, decimals)} lakh"


def usd_million(value: float, decimals: int | None = None) -> str:
    """$400 million; $1.8 billion from 1,000 million up (international grouping)."""
    if abs(value) >= 1000:
        bn = value / 1000
        d = min(_auto_decimals(bn), 1) if decimals is None else decimals
        return f"${_strip_zeros(f'{bn:,.{d}f}')} billion"
    d = _auto_decimals(value) if decimals is None else decimals
    return f"${_strip_zeros(f'{value:,.{d}f}')} million"


def gwh(value: float, decimals: int | None = None) -> str:
    return f"{number(value, decimals)} GWh"


def tonnes(value: float, decimals: int | None = None) -> str:
    return f"{number(value, decimals)} tonnes"


def percent(share: float, decimals: int = 0) -> str:
    """A share (0.25) as a percentage ("25%")."""
    return f"{share * 100:.{decimals}f}%"


def rate(inr_per_usd: float) -> str:
    return f"{RUPEE}{inr_per_usd:.2f}/$"


def date(value: dt.date | pd.Timestamp | str | None, precision: str | None = "day") -> str:
    """A date as precisely as it is known: "3 March 2025", "March 2025" or "2025"
    (``precision`` is a table's ``date_precision``: day, month or year); "" for no date."""
    import pandas as pd  # here, not above: the site's process formats no dates

    if value is None or pd.isna(value):
        return ""
    d = pd.Timestamp(value)
    if precision is None or pd.isna(precision) or precision == "day":
        return f"{d.day} {d.strftime('%B %Y')}"
    if precision == "month":
        return d.strftime("%B %Y")
    if precision == "year":
        return str(d.year)
    raise ValueError(f"unknown date precision {precision!r}")


def days(n: int) -> str:
    return f"{group_indian(n)} day" + ("" if n == 1 else "s")


def _unit_parts(text: str) -> tuple[str, str, str]:
    """Split '₹860 crore' into ('₹', '860', ' crore')."""
    i = 0
    while i < len(text) and not (text[i].isdigit() or text[i] == "-"):
        i += 1
    j = i
    while j < len(text) and (text[j].isdigit() or text[j] in ",.-"):
        j += 1
    return text[:i], text[i:j], text[j:]


def span(r: Range, formatter=number, sig: int | None = 2) -> str:
    """A range as "₹860–3,500 crore": the unit written once when both ends share it.

    ``sig`` rounds both ends to that many significant figures (None keeps them).
    """
    low, high = (r.low, r.high) if sig is None else (round_sig(r.low, sig), round_sig(r.high, sig))
    a, b = formatter(low), formatter(high)
    if a == b:
        return a
    pa, na, sa = _unit_parts(a)
    pb, nb, sb = _unit_parts(b)
    if pa == pb and sa == sb:
        return f"{pa}{na}{DASH}{nb}{sa}"
    return f"{a}{DASH}{b}"


# --------------------------------------------------------------------------- by unit


def jpy_bn(value_bn: float) -> str:
    """Yen from JPY billion: ¥150 billion; ¥10 trillion from 1,000 billion up."""
    if abs(value_bn) >= 1000:
        return f"\u00a5{number(value_bn / 1000)} trillion"
    return f"\u00a5{number(value_bn)} billion"


def _money(unit, decimals: int | None):
    if unit.symbol == "₹" and unit.per == "a day":
        return lambda v: inr_lakh(v, decimals)  # small daily sums read better in lakh
    if unit.symbol == "₹":
        return lambda v: inr_crore(v, decimals)
    if unit.symbol == "$" and unit.scale == "million":
        return lambda v: usd_million(v, decimals)
    if unit.symbol == "$":
        return lambda v: "$" + number(v, decimals)
    if unit.symbol == "£":
        return lambda v: f"£{number(v, decimals)} million"
    if unit.symbol == "¥":
        return jpy_bn
    raise ValueError(f"no money format for {unit}")


def _formatter(unit, decimals: int | None):
    """How one number of this unit is written, without what follows it (``per``)."""
    kind = unit.kind
    if kind == "energy":
        return lambda v: gwh(v, decimals)
    if kind == "money":
        return _money(unit, decimals)
    if kind == "fx":
        return rate
    if kind == "mass":
        if unit.scale == "thousand":
            return lambda v: f"{number(v, decimals)} thousand tonnes"
        return lambda v: tonnes(v, decimals)
    if kind == "intensity":
        return lambda v: f"{number(v, decimals)} {unit.symbol}"
    if kind == "ratio":
        return lambda v: f"{number(v, decimals)} times"
    if kind == "duration" and unit.noun == "days":
        return lambda v: days(int(v))
    if kind in ("duration", "count"):
        def count(v: float) -> str:
            n = number(v, decimals)
            if not unit.show_noun:
                return n
            noun = unit.noun[:-1] if unit.noun.endswith("s") and float(v) == 1 else unit.noun
            return f"{n} {noun}"
        return count
    raise ValueError(f"no number format for {unit}")


def show(q) -> str:
    """A quantity written as its unit says (see :mod:`batteryreport.core.units`).

    Shares are percentages (a range to ``q.sig`` significant figures of the percentage);
    money, energy and mass use the Indian grouping and the report's scales (crore, lakh,
    million, billion); dates are as precise as they are known; text is shown as it is.
    """
    unit, v = q.unit, q.value
    if v is None:
        if not q.missing:
            raise ValueError(f"{q.label}: no value to show")
        return q.missing
    kind = unit.kind
    sig = q.sig
    if kind == "text":
        out = str(v)
    elif kind == "flag":
        out = "yes" if v else "no"
    elif kind == "date":
        out = date(v, q.precision)
    elif kind == "year":
        out = str(int(v))
    elif kind == "share":
        if isinstance(v, Range):
            out = span(v * 100, number, sig=2 if sig == "auto" else sig) + "%"
        else:
            share = round_sig(float(v), sig) if isinstance(sig, int) else float(v)
            out = percent(share, q.decimals or 0)
    else:
        f = _formatter(unit, q.decimals)
        if isinstance(v, Range):
            out = span(v, f, sig=2 if sig == "auto" else sig)
        else:
            x = float(v)
            out = f(round_sig(x, sig) if isinstance(sig, int) else x)
    if unit.per and kind not in ("text", "date", "year", "flag"):
        out = f"{out} {unit.per}"
    return f"{q.qualifier} {out}" if q.qualifier else out
