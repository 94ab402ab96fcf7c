"""What-if charts: the expression language, sliders, outputs and the chart spec. The
spec is also rendered by Vega itself (vl-convert), so the browser's arithmetic and
number formatting are checked against Python's without a browser."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryreport.core.ranges import Range
from batteryreport.present import charts, fmt, whatif


def sliders() -> list[whatif.Slider]:
    return [whatif.Slider("fx", "Exchange rate", "₹ per $", 87.42, 80, 95, 0.1),
            whatif.Slider("capex_low", "Capex, low", "₹ crore per GWh", 245.4, 200, 1000, 5),
            whatif.Slider("capex_high", "Capex, high", "₹ crore per GWh", 875.7, 200, 1000, 5)]


def consts() -> list[whatif.Constant]:
    return [whatif.Constant("usd_low", 100), whatif.Constant("usd_high", 400),
            whatif.Constant("unbuilt", 39)]


def outputs() -> list[whatif.Output]:
    return [
        whatif.Output("inr", "Rupees", "usd_low * fx / 10", "usd_high * fx / 10", prefix="₹",
                      suffix=" crore"),
        whatif.Output("gwh", "Cells", "usd_low * fx / 10 / capex_high",
                      "usd_high * fx / 10 / capex_low", suffix=" GWh", reference=5,
                      reference_label="5 GWh plant"),
        whatif.Output("gap", "Share of the gap", "usd_low * fx / 10 / capex_high / unbuilt * 100",
                      "usd_high * fx / 10 / capex_low / unbuilt * 100", suffix="%"),
    ]


# --------------------------------------------------------------------------- expressions


def test_evaluate_known_values():
    env = {"usd": 100, "fx": 86}
    assert whatif.evaluate("usd * fx / 10", env) == 860  # $100 million at ₹86/$
    assert whatif.evaluate("-(usd - 40) / 2 + max(1, 3) - min(2, 5)", env) == -29
    assert whatif.names_in("a * b / max(c, 1)") == {"a", "b", "c"}
    with pytest.raises(KeyError):
        whatif.evaluate("usd * rate", env)


@pytest.mark.parametrize("bad", ["a ** 2", "a if b else c", "abs(a)", "a.b", "'x'", "a[0]",
                                 "a < b", "max(a)", "True", "lambda: 1", "a +"])
def test_expressions_outside_the_shared_language_are_refused(bad):
    with pytest.raises(ValueError):
        whatif.names_in(bad)


# --------------------------------------------------------------------------- sliders


def test_slider_around_data_widens_rounds_and_keeps_the_value():
    s = whatif.Slider.around("capex", "Capex", "₹ crore per GWh", 245.4,
                             [245.4, 875.7, 225], widen=0.1, step=5)
    assert (s.min, s.max, s.step) == (200, 965, 5)  # 225 x 0.9 = 202.5 -> 200; 963.3 -> 965
    assert s.value == 245.4
    assert s.caption == "Capex (₹ crore per GWh) "
    r = whatif.Slider.around("rec", "Recycling", "₹ crore", 29.137086, [29.137086, 31.6])
    assert r.value == 29.14  # 4 significant figures, as the input shows it
    assert r.min <= r.value <= r.max and r.step > 0
    # A build value outside the data (a scenario) is still on the slider.
    w = whatif.Slider.around("fx", "Rate", "₹ per $", 120, [85, 88], widen=0.05, step=0.1)
    assert w.max >= 120


def test_slider_rejects_inconsistent_bounds_and_reserved_names():
    with pytest.raises(ValueError):
        whatif.Slider("fx", "Rate", "", 100, 80, 95, 0.1)
    with pytest.raises(ValueError):
        whatif.Slider("fx", "Rate", "", 90, 95, 80, 0.1)
    for name in ("width", "datum", "1x", "a-b", "class"):
        with pytest.raises(ValueError):
            whatif.Slider(name, "Rate", "", 90, 80, 95, 0.1)


def test_slider_bounds():
    assert whatif.slider_bounds([10, 20], widen=0.1) == (9, 22)
    assert whatif.slider_bounds([0, 0]) == (0, 1)
    with pytest.raises(ValueError):
        whatif.slider_bounds([])


# --------------------------------------------------------------------------- outputs


def test_published_values_and_text_match_fmt():
    pub = whatif.published(outputs(), sliders(), consts())
    assert pub["inr"].as_tuple() == pytest.approx((874.2, 3496.8))
    assert pub["gwh"].as_tuple() == pytest.approx((874.2 / 875.7, 3496.8 / 245.4))
    texts = {o.key: o.text(pub[o.key]) for o in outputs()}
    assert texts == {"inr": "₹870–3,500 crore", "gwh": "1–14 GWh", "gap": "2.6–37%"}
    assert texts["inr"] == fmt.span(pub["inr"], fmt.inr_crore)
    assert texts["gwh"] == fmt.span(pub["gwh"], fmt.gwh)


def test_check_published_catches_a_disagreement():
    whatif.check_published(outputs(), sliders(), consts(), {"gwh": "1–14 GWh"})
    with pytest.raises(AssertionError, match="gwh"):
        whatif.check_published(outputs(), sliders(), consts(), {"gwh": "1–15 GWh"})


def test_names_must_not_clash():
    with pytest.raises(ValueError):
        whatif.published_env(sliders(), [whatif.Constant("fx", 1)])
    with pytest.raises(ValueError):  # an output's signals would shadow an input
        whatif.whatif_chart(sliders(), [whatif.Output("capex", "x", "fx", "fx")], consts())
    with pytest.raises(ValueError):
        whatif.whatif_chart(sliders(), [whatif.Output("y", "x", "nope", "fx")], consts())
    with pytest.raises(ValueError, match="names used twice"):  # two sliders, one name
        whatif.whatif_chart([*sliders(), sliders()[0]], outputs(), consts())
    with pytest.raises(ValueError, match="names used twice"):  # two constants, one name
        whatif.whatif_chart(sliders(), outputs(), [*consts(), consts()[0]])


def test_scale_max_is_the_largest_value_any_slider_position_gives():
    gwh = outputs()[1]
    # $400 million at ₹95/$ over ₹200 crore per GWh = 19 GWh, rounded up to 20.
    assert whatif.scale_max(gwh, sliders(), consts()) == 20
    assert whatif.scale_max(outputs()[0], sliders(), consts()) == 4000  # 3,800 -> 4,000


@given(st.floats(min_value=0.01, max_value=5e4, allow_nan=False))
def test_text_and_d3_agree_on_two_significant_figures(x):
    # The chart writes numbers with d3-format ',.2~r'; Python with fmt.span(sig=2). Both
    # round to 2 significant figures and drop trailing zeros (checked in Vega below).
    o = whatif.Output("v", "V", "a", "a")
    text = o.text(Range.point(x))
    assert re.fullmatch(r"[\d,]*\.?\d*", text)
    assert float(text.replace(",", "")) == pytest.approx(fmt.round_sig(x, 2))


# --------------------------------------------------------------------------- the chart


def test_chart_spec_binds_sliders_and_derives_signals():
    spec = whatif.whatif_chart(sliders(), outputs(), consts(), title="T").to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert whatif.bound_params(spec) == ["fx", "capex_low", "capex_high"]
    assert params["fx"]["value"] == 87.42
    assert params["fx"]["bind"] == {"input": "range", "min": 80, "max": 95, "step": 0.1,
                                    "name": "Exchange rate"}  # charts.js adds value and unit
    assert "bind" not in params["usd_low"]
    assert params["gwh_high"]["expr"] == ("max(usd_low * fx / 10 / capex_high, "
                                          "usd_high * fx / 10 / capex_low)")
    calc = [t["calculate"] for layer in spec["layer"] for t in layer.get("transform", [])
            if "calculate" in t] + [t["calculate"] for t in spec.get("transform", [])
                                    if "calculate" in t]
    assert any("gwh_high" in c for c in calc)


def _svg_texts(spec) -> list[str]:
    import html

    import vl_convert as vlc

    spec = dict(spec, width=500)
    svg = vlc.vegalite_to_svg(spec, vl_version=charts.VL_VERSION)
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_vega_draws_the_published_values_exactly_as_python_writes_them():
    spec = whatif.whatif_chart(sliders(), outputs(), consts()).to_dict()
    texts = _svg_texts(spec)
    pub = whatif.published(outputs(), sliders(), consts())
    for o in outputs():
        assert o.text(pub[o.key]) in texts, (o.key, texts)
        assert o.label in texts
    assert "5 GWh plant" in texts and "20 GWh" in texts and "₹4,000 crore" in texts


def test_outputs_that_could_exceed_the_d3_band_are_refused():
    s = [whatif.Slider("v", "V", "", 60000, 0, 90000, 1000)]
    with pytest.raises(ValueError, match="larger unit"):
        whatif.whatif_chart(s, [whatif.Output("out", "Out", "v", "v * 2")])


@pytest.mark.parametrize("value", [0.0123, 0.0987, 1.0, 1.04, 9.96, 14.26, 99.5, 123.4,
                                   999.6, 3496.8, 12345.0, 20000.0])
def test_vega_and_python_format_alike(value):
    # (Exact binary ties such as 28.5 round half-even in Python and half-up in d3; the
    # notebook's check_published catches that case at build time.)
    s = [whatif.Slider("v", "V", "", value, 0, max(2 * value, 1), value / 100)]
    o = [whatif.Output("out", "Out", "v", "v * 2", prefix="₹", suffix=" x")]
    spec = whatif.whatif_chart(s, o).to_dict()
    want = o[0].text(Range(value, 2 * value))
    assert want in _svg_texts(spec)


def test_figure_offers_reset_only_for_charts_with_sliders():
    import altair as alt

    data = pd.DataFrame({"slider": ["fx"], "value": [87.42]})
    live = charts.figure(whatif.whatif_chart(sliders(), outputs(), consts()), name="w",
                         title="W", description="d", source_note="s", data=data).html()
    assert 'class="br-whatif"' in live and "hidden" in live
    assert f">{whatif.RESET_LABEL}</button>" in live and 'type="button"' in live
    assert whatif.NOTE in live
    vid = re.search(r'class="br-vega" id="([^"]+)"', live).group(1)
    assert f'data-for="{vid}"' in live
    still = charts.figure(alt.Chart(data).mark_bar().encode(x="value:Q"), name="s", title="S",
                          description="d", source_note="s", data=data).html()
    assert "br-whatif" not in still and "br-reset" not in still


# --------------------------------------------------------------------------- the reader's controls


def test_slider_display_writes_the_unit_around_the_value():
    fx, low, _ = sliders()
    assert fx.display() == {"name": "fx", "label": "Exchange rate", "unit": "₹ per $",
                            "prefix": "₹", "suffix": " per $", "decimals": 2, "value": 87.42,
                            "step": 0.1}
    assert (low.display()["prefix"], low.display()["suffix"]) == ("₹", " crore per GWh")
    assert low.display()["decimals"] == 1  # the published value's, finer than the step
    share = whatif.Slider("share", "Share to cells", "%", 70, 0, 100, 5)
    assert (share.display()["suffix"], share.display()["decimals"]) == ("%", 0)
    kg = whatif.Slider("kg", "Pack mass", "kg per kWh", 6.8, 5, 9, 0.1)
    assert (kg.display()["prefix"], kg.display()["suffix"]) == ("", " kg per kWh")


def test_chart_declares_pairs_shares_and_links_for_charts_js():
    spec = whatif.whatif_chart(sliders(), outputs(), consts(),
                               pairs=[("capex_low", "capex_high")], link="japan",
                               context="'At ' + format(fx, '.2f')").to_dict()
    meta = spec["usermeta"]["brWhatif"]
    assert meta["pairs"] == [["capex_low", "capex_high"]] and meta["link"] == "japan"
    assert [s["name"] for s in meta["sliders"]] == ["fx", "capex_low", "capex_high"]
    assert spec["height"] == 80 * 3 + 30  # the context line takes the top
    texts = _svg_texts(spec)
    assert "At 87.42" in texts
    with pytest.raises(ValueError, match="pair"):
        whatif.whatif_chart(sliders(), outputs(), consts(), pairs=[("capex_low", "nope")])
    with pytest.raises(ValueError, match="starts above"):
        whatif.whatif_chart(sliders(), outputs(), consts(), pairs=[("capex_high", "capex_low")])
    shares = [whatif.Slider("a", "Share to cells", "%", 70, 0, 100, 5),
              whatif.Slider("b", "Share to recycling", "%", 40, 0, 100, 5)]
    out = [whatif.Output("o", "Out", "a + b", "a + b", suffix="%")]
    with pytest.raises(ValueError, match="above 100"):
        whatif.whatif_chart(shares, out, shares=["a", "b"])
    ok = whatif.whatif_chart([shares[0], whatif.Slider("b", "Share to recycling", "%", 20, 0,
                                                       100, 5)], out, shares=["a", "b"],
                             rest_label="EVs").to_dict()["usermeta"]["brWhatif"]
    assert ok["shareNames"] == {"a": "cells", "b": "recycling"} and ok["rest"] == "EVs"


def test_rows_keep_their_spacing_whatever_the_number_of_outputs():
    import vl_convert as vlc

    for n in (1, 3):
        spec = whatif.whatif_chart(sliders(), outputs()[:n], consts(), row_height=76).to_dict()
        vg = vlc.vegalite_to_vega(dict(spec, width=400), vl_version=charts.VL_VERSION)
        y = next(s for s in vg["scales"] if s["name"] == "y")
        assert y["range"] == [38, 76 * n - 38] and y.get("padding", 0) == 0


def test_download_table_gives_results_and_assumptions_with_units():
    table = whatif.table(sliders(), outputs(), consts())
    assert list(table["kind"]) == ["Result"] * 3 + ["Assumption (slider)"] * 3
    res = table.set_index("what")
    pub = whatif.published(outputs(), sliders(), consts())
    assert res.loc["Rupees", "low"] == fmt.round_sig(pub["inr"].low, 2)
    assert res.loc["Rupees", "unit"] == "₹ crore" and res.loc["Cells", "unit"] == "GWh"
    assert (res.loc["Exchange rate", "low"], res.loc["Exchange rate", "from"],
            res.loc["Exchange rate", "to"]) == (87.42, 80, 95)
    fig = charts.figure(whatif.whatif_chart(sliders(), outputs(), consts()), name="w",
                        title="W", description="d", source_note="s", data=table,
                        columns=whatif.TABLE_COLUMNS)
    assert list(fig.csv.columns) == [h for _, h in whatif.TABLE_COLUMNS]
