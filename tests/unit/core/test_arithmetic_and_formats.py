"""Conversions, ranges and growth: known values and properties."""

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryreport.core.growth import cagr, project, series
from batteryreport.core.money import implied_rate, inr_cr_to_usd_mn, rate_on, usd_mn_to_inr_cr
from batteryreport.core.ranges import Range
from batteryreport.present import fmt

pos = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=1, max_value=500, allow_nan=False)


def rng(values=pos):
    return st.tuples(values, values).map(lambda t: Range(min(t), max(t)))


def test_usd_to_inr_known_value():
    # $100 million at ₹86/$ is ₹860 crore; $400 million at ₹87.5/$ is ₹3,500 crore.
    assert usd_mn_to_inr_cr(100, 86) == pytest.approx(860)
    assert usd_mn_to_inr_cr(400, 87.5) == pytest.approx(3500)
    assert inr_cr_to_usd_mn(860, 86) == pytest.approx(100)


def test_implied_rate_of_reported_pair():
    assert implied_rate(860, 100) == pytest.approx(86.0)
    assert implied_rate(3500, 400) == pytest.approx(87.5)
    with pytest.raises(ValueError):
        implied_rate(860, 0)


def test_conversion_rejects_bad_rate():
    with pytest.raises(ValueError):
        usd_mn_to_inr_cr(100, 0)
    with pytest.raises(ValueError):
        inr_cr_to_usd_mn(100, -1)


@given(pos, rates)
def test_round_trip_usd_inr(usd, rate):
    assert inr_cr_to_usd_mn(usd_mn_to_inr_cr(usd, rate), rate) == pytest.approx(usd, rel=1e-9)


@given(pos, pos, rates)
def test_conversion_monotonic(a, b, rate):
    lo, hi = min(a, b), max(a, b)
    assert usd_mn_to_inr_cr(lo, rate) <= usd_mn_to_inr_cr(hi, rate)


@given(rng(), rng(st.floats(min_value=50, max_value=120)))
def test_range_conversion_brackets_every_point(usd, fx):
    out = usd_mn_to_inr_cr(usd, fx)
    assert out.low <= out.high
    for u in (usd.low, usd.high, usd.mid):
        for r in (fx.low, fx.high):
            v = usd_mn_to_inr_cr(u, r)
            assert out.low - 1e-6 * abs(v) <= v <= out.high + 1e-6 * abs(v)


@given(rng(), rng())
def test_range_arithmetic_keeps_low_le_high(a, b):
    for r in (a + b, a - b, a * b, a / b):
        assert r.low <= r.high


@given(rng(), rng(), st.floats(0, 1), st.floats(0, 1))
def test_range_product_contains_products_of_members(a, b, s, t):
    x = a.low + s * (a.high - a.low)
    y = b.low + t * (b.high - b.low)
    p = a * b
    assert p.low * (1 - 1e-12) <= x * y <= p.high * (1 + 1e-12)


def test_range_basics():
    r = Range(2, 6)
    assert r.mid == 4 and 3 in r and 7 not in r
    assert (r - Range(1, 2)).as_tuple() == (0, 5)
    assert (Range(860, 3500) / Range(100, 200)).as_tuple() == pytest.approx((4.3, 35))
    assert Range.of(5, 1, 3).as_tuple() == (1, 5)
    with pytest.raises(ValueError):
        Range(3, 1)
    with pytest.raises(ZeroDivisionError):
        Range(1, 2) / Range(-1, 1)
    assert r.map(lambda v: -v).as_tuple() == (-6, -2)


def test_cagr_and_projection():
    # 29 GWh in 2025 to 248 GWh in 2035 is about 24% a year.
    g = cagr(29, 248, 10)
    assert g == pytest.approx(0.2393, abs=1e-3)
    assert project(29, g, 10) == pytest.approx(248)
    s = series(2024, 15, 0.23, 2027)
    assert list(s) == [2024, 2025, 2026, 2027]
    assert s[2027] == pytest.approx(15 * 1.23**3)
    r = project(Range(10, 20), Range(0.1, 0.2), 2)
    assert r.as_tuple() == pytest.approx((12.1, 28.8))
    with pytest.raises(ValueError):
        cagr(0, 10, 2)


@given(pos, st.floats(-0.5, 1), st.integers(0, 30))
def test_projection_inverts_cagr(start, rate, years):
    end = project(start, rate, years)
    if years > 0 and end > 0:
        assert cagr(start, end, years) == pytest.approx(rate, abs=1e-6)


def test_rate_on_picks_latest_on_or_before_and_averages_disputes():
    fx = pd.DataFrame({
        "date": pd.to_datetime(["2025-07-02", "2025-07-30", "2025-07-30"]),
        "inr_per_usd": [85.62, 87.42, 87.80],
    })
    d, r = rate_on(fx)
    assert d == pd.Timestamp("2025-07-30") and r == pytest.approx(87.61)
    d, r = rate_on(fx, "2025-07-15")
    assert r == pytest.approx(85.62)
    with pytest.raises(LookupError):
        rate_on(fx, "2024-01-01")


@pytest.mark.parametrize("value,text", [
    (0, "0"), (999, "999"), (1000, "1,000"), (100000, "1,00,000"),
    (1234567, "12,34,567"), (-1234567, "-12,34,567"), (123456789, "12,34,56,789"),
])
def test_indian_grouping(value, text):
    assert fmt.group_indian(value) == text


def test_money_and_unit_formats():
    assert fmt.inr_crore(3500) == "₹3,500 crore"
    assert fmt.inr_crore(18100) == "₹18,100 crore"
    assert fmt.inr_crore(250000) == "₹2.5 lakh crore"
    assert fmt.inr_crore(3.1) == "₹3.1 crore"
    assert fmt.inr_lakh(0.125) == "₹12.5 lakh" and fmt.inr_lakh(0.05) == "₹5 lakh"
    assert fmt.usd_million(400) == "$400 million"
    assert fmt.usd_million(1830) == "$1.8 billion"
    assert fmt.gwh(1.4) == "1.4 GWh"
    assert fmt.gwh(50) == "50 GWh"
    assert fmt.percent(0.0333) == "3%"
    assert fmt.date(pd.Timestamp("2025-03-03")) == "3 March 2025"
    assert fmt.days(1) == "1 day" and fmt.days(1234) == "1,234 days"


def test_span_writes_unit_once_and_rounds():
    assert fmt.span(Range(860, 3500), fmt.inr_crore) == "₹860–3,500 crore"
    assert fmt.span(Range(853.2, 3512.9), fmt.inr_crore) == "₹850–3,500 crore"
    assert fmt.span(Range(2, 2), fmt.gwh) == "2 GWh"
    assert fmt.span(Range(0.5, 2.25), fmt.gwh, sig=None) == "0.5–2.25 GWh"


@given(st.floats(-1e12, 1e12, allow_nan=False))
def test_grouping_round_trips(x):
    text = fmt.group_indian(x)
    assert float(text.replace(",", "")) == pytest.approx(round(x), abs=0.5)


@given(st.floats(1e-6, 1e12), st.integers(1, 4))
def test_round_sig_is_close(x, sig):
    assert math.isclose(fmt.round_sig(x, sig), x, rel_tol=10 ** (1 - sig))


def test_round_sig_rounds_halves_up_and_ignores_binary_noise():
    assert fmt.round_sig(91.5, 2) == 92
    assert fmt.round_sig(91.49999999999999, 2) == 92  # the same 91.5 by another route
    assert fmt.round_sig(28.5, 2) == 29 and fmt.round_sig(0.125, 2) == 0.13
    assert fmt.round_sig(-91.5, 2) == -92
    assert fmt.span(Range(91.49999999999999, 366), fmt.inr_crore) == "₹92–370 crore"
