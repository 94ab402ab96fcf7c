"""Growth rates and projections."""

from __future__ import annotations

from batteryreport.core.ranges import Range


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate between two positive values ``years`` apart."""
    if start <= 0 or end <= 0:
        raise ValueError("CAGR needs positive start and end values")
    if years <= 0:
        raise ValueError("years must be positive")
    return (end / start) ** (1 / years) - 1


def project(value: float | Range, rate: float | Range, years: float) -> float | Range:
    """``value`` grown at ``rate`` a year for ``years`` years."""
    if isinstance(value, Range) or isinstance(rate, Range):
        v = value if isinstance(value, Range) else Range.point(value)
        r = rate if isinstance(rate, Range) else Range.point(rate)
        if r.low <= -1:
            raise ValueError("growth rate must be above -100%")
        return v * r.map(lambda x: (1 + x) ** years)
    if rate <= -1:
        raise ValueError("growth rate must be above -100%")
    return value * (1 + rate) ** years


def series(start_year: int, value: float, rate: float, end_year: int) -> dict[int, float]:
    """Year -> projected value from ``start_year`` to ``end_year`` inclusive."""
    if end_year < start_year:
        raise ValueError("end_year is before start_year")
    return {y: project(value, rate, y - start_year) for y in range(start_year, end_year + 1)}
