"""Low-high ranges carried through arithmetic (interval arithmetic).

A reported "$100-400 million" stays a range through every conversion: the low end
and the high end are computed together, so a result is never more precise than
its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Number = int | float


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    def __post_init__(self) -> None:
        if self.low != self.low or self.high != self.high:  # NaN
            raise ValueError("a range cannot hold NaN")
        if self.low > self.high:
            raise ValueError(f"range low ({self.low}) exceeds high ({self.high})")

    @classmethod
    def point(cls, value: Number) -> Range:
        return cls(float(value), float(value))

    @classmethod
    def coerce(cls, value: Range | Number) -> Range:
        """A range as is; a number as a point range."""
        return value if isinstance(value, Range) else cls.point(value)

    @classmethod
    def of(cls, *values: Number) -> Range:
        """The smallest range holding all the values."""
        if not values:
            raise ValueError("Range.of needs at least one value")
        return cls(float(min(values)), float(max(values)))

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    def __contains__(self, value: Number) -> bool:
        return self.low <= value <= self.high

    def __add__(self, other: Range | Number) -> Range:
        o = Range.coerce(other)
        return Range(self.low + o.low, self.high + o.high)

    __radd__ = __add__

    def __sub__(self, other: Range | Number) -> Range:
        o = Range.coerce(other)
        return Range(self.low - o.high, self.high - o.low)

    def __rsub__(self, other: Number) -> Range:
        return Range.point(other) - self

    def __mul__(self, other: Range | Number) -> Range:
        o = Range.coerce(other)
        products = (self.low * o.low, self.low * o.high, self.high * o.low, self.high * o.high)
        return Range(min(products), max(products))

    __rmul__ = __mul__

    def __truediv__(self, other: Range | Number) -> Range:
        o = Range.coerce(other)
        if o.low <= 0 <= o.high:
            raise ZeroDivisionError(f"cannot divide by a range that contains zero: {o}")
        return self * Range(1 / o.high, 1 / o.low)

    def __rtruediv__(self, other: Number) -> Range:
        return Range.point(other) / self

    def map(self, fn: Callable[[float], float]) -> Range:
        """Apply a monotonic function to both ends (order is restored if it decreases)."""
        a, b = fn(self.low), fn(self.high)
        return Range(min(a, b), max(a, b))

    def clip(self, low: float | None = None, high: float | None = None) -> Range:
        def c(x: float) -> float:
            if low is not None:
                x = max(low, x)
            if high is not None:
                x = min(high, x)
            return x

        return Range(c(self.low), c(self.high))

    def as_tuple(self) -> tuple[float, float]:
        return (self.low, self.high)


def widened(values: Iterable[Number], *, widen: float = 0.1) -> Range:
    """Lowest to highest of the finite ``values``, each end pushed out by ``widen`` of
    itself (a non-negative low end never below zero); one point becomes a unit range.
    What a what-if input may be moved over: the data's values, with room around them."""
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not vals:
        raise ValueError("widened needs at least one finite value")
    if widen < 0:
        raise ValueError("widen cannot be negative")
    lo, hi = min(vals), max(vals)
    lo = max(lo - abs(lo) * widen, 0.0) if lo >= 0 else lo * (1 + widen)
    hi = hi + abs(hi) * widen
    if lo == hi:
        hi = lo + 1
    return Range(lo, hi)


def snapped_out(r: Range, step: float) -> Range:
    """``r`` with its ends rounded outward to multiples of ``step`` (binary noise dropped:
    80.0, not 79.99999999999999)."""
    if not step > 0:
        raise ValueError("step must be positive")
    lo = math.floor(r.low / step + 1e-9) * step
    hi = math.ceil(r.high / step - 1e-9) * step
    return Range(float(f"{lo:.10g}"), float(f"{hi:.10g}"))
