"""Currency conversions between INR crore and USD million, at a given or dated rate.

1 crore = 10^7 rupees and 1 million = 10^6 dollars, so
``inr_cr = usd_mn * inr_per_usd / 10``: $100 million at ₹86/$ is ₹860 crore.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from batteryreport.core.ranges import Range

CRORE = 10_000_000
LAKH = 100_000
MILLION = 1_000_000


def _check_rate(inr_per_usd: float | Range) -> None:
    low = inr_per_usd.low if isinstance(inr_per_usd, Range) else inr_per_usd
    if not low > 0:
        raise ValueError(f"exchange rate must be positive, got {inr_per_usd}")


def usd_mn_to_inr_cr(usd_mn: float | Range, inr_per_usd: float | Range) -> float | Range:
    _check_rate(inr_per_usd)
    if isinstance(usd_mn, Range) or isinstance(inr_per_usd, Range):
        return Range.coerce(usd_mn) * Range.coerce(inr_per_usd) * (MILLION / CRORE)
    return usd_mn * inr_per_usd * MILLION / CRORE


def inr_cr_to_usd_mn(inr_cr: float | Range, inr_per_usd: float | Range) -> float | Range:
    _check_rate(inr_per_usd)
    if isinstance(inr_cr, Range) or isinstance(inr_per_usd, Range):
        return Range.coerce(inr_cr) * (CRORE / MILLION) / Range.coerce(inr_per_usd)
    return inr_cr * CRORE / MILLION / inr_per_usd


def implied_rate(inr_cr: float, usd_mn: float) -> float:
    """The INR-per-USD rate a pair of reported figures implies."""
    if usd_mn <= 0:
        raise ValueError("usd_mn must be positive")
    return inr_cr * CRORE / (usd_mn * MILLION)


def rate_on(fx: pd.DataFrame, when: dt.date | pd.Timestamp | None = None,
            date_col: str = "date", rate_col: str = "inr_per_usd") -> tuple[pd.Timestamp, float]:
    """The latest rate dated on or before ``when`` (the latest overall if ``when`` is None).

    Returns ``(date, rate)``; where one date has several rates (disputed closes) their
    mean is used, so the choice does not depend on row order.
    """
    frame = fx.dropna(subset=[date_col, rate_col])
    if when is not None:
        frame = frame[frame[date_col] <= pd.Timestamp(when)]
    if frame.empty:
        raise LookupError(f"no exchange rate on or before {when}")
    latest = frame[date_col].max()
    return latest, float(frame.loc[frame[date_col] == latest, rate_col].astype(float).mean())
