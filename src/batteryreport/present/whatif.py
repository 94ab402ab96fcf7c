"""What-if charts: sliders bound to a chart, recomputed in the reader's browser, offline.

A what-if chart is a list of :class:`Slider` (assumptions a reader may move), named
:class:`Constant` values (fixed inputs, e.g. the build's own results) and :class:`Output`
quantities. Each output is a low-high pair of arithmetic expressions over the slider and
constant names, written in the small language that is both valid Python and a valid Vega
expression: numbers, names, ``+ - * /``, parentheses, ``min(a, b)`` and ``max(a, b)``.

- In the browser, every slider is a Vega-Lite parameter bound to a range input; every
  output end is a Vega-Lite expression parameter (a signal, readable with
  ``view.signal("<key>_low")``) pulled into the chart's rows by calculate transforms, and
  drawn as an interval on a track from zero to the largest value the sliders allow, with
  its value written out the way :func:`batteryreport.fmt.span` writes it.
- In Python, :func:`evaluate` computes the same expressions, so a notebook can check that
  at the published slider positions the chart shows exactly the glued numbers
  (:func:`check_published`).

The sliders start at the build's values; the reset button that :mod:`batteryreport.charts`
adds to a figure with bound parameters draws the chart again from its spec, i.e. at those
values. The page's prose keeps the published, glued numbers (:data:`NOTE`).

Usage (the recycling chapter, say)::

    sliders = [whatif.Slider.around("kg_per_kwh", "Pack mass", "kg per kWh", 7.0,
                                    data_values=[5.5, 9.0], step=0.1)]
    outputs = [whatif.Output("tonnes", "End-of-life batteries", low="gwh_low * kg_per_kwh",
                             high="gwh_high * kg_per_kwh", suffix=" thousand tonnes")]
    consts = [whatif.Constant("gwh_low", 20.0), whatif.Constant("gwh_high", 35.0)]
    whatif.check_published(outputs, sliders, consts, {"tonnes": glued_text})
    chart = whatif.whatif_chart(sliders, outputs, consts)
    charts.figure(chart, name="recycling_whatif", ...)
"""

from __future__ import annotations

import ast
import itertools
import json
import keyword
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from batteryreport.core.ranges import Range, snapped_out, widened
from batteryreport.present import fmt

NOTE = ("Move the sliders to try other assumptions: the chart recomputes in your browser. "
        "Each bar runs from the low end to the high end of a result, on a track spanning "
        "what the sliders allow. The sliders start at the values this page uses (marked "
        "on each slider), and the numbers in the text stay at those published values.")
RESET_LABEL = "Reset to the published values"
# Numbers are written to 2 significant figures with trailing zeros dropped, as fmt.span
# does. The two agree from 0.01 up to 99,999: below, fmt.number keeps 3 decimals; above,
# it groups digits the Indian way (1,00,000), which d3-format cannot. Choose output units
# that keep values in that band (thousand tonnes, not tonnes). Both round halves up after
# dropping binary noise; check_published still compares them at build time.
D3_FORMAT = ",.2~r"
MAX_TEXT_VALUE = 100_000
COLOR = "#1f5a96"  # charts.COLORS["cat-1"]
TRACK = "#e3e7ec"  # charts.COLORS["surface"]
REFERENCE = "#b8403a"  # charts.COLORS["cat-4"]
TEXT = "#1b1f24"  # charts.COLORS["fg"]
MUTED = "#5b6673"  # charts.COLORS["muted"]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Names Vega uses for its own signals or expression constants/functions.
_RESERVED = {"width", "height", "padding", "autosize", "background", "cursor", "datum",
             "event", "item", "parent", "min", "max", "format", "replace", "PI", "E",
             "NaN", "Infinity", "undefined", "null", "true", "false", "key", "low", "high",
             "this", "vega", "child_width", "child_height"}
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}


# --------------------------------------------------------------------------- expressions


def _check_name(name: str, what: str) -> str:
    if not _NAME.match(name) or keyword.iskeyword(name) or name in _RESERVED:
        raise ValueError(f"{what} name {name!r} must be an identifier and not a reserved "
                         f"name ({', '.join(sorted(_RESERVED))})")
    return name


def names_in(expr: str) -> set[str]:
    """The variable names an expression uses (raises ValueError outside the language)."""
    tree = _parse(expr)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - {"min", "max"}


def _parse(expr: str) -> ast.Expression:
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not an expression: {expr!r} ({exc.msg})") from None
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd,
                               ast.Name, ast.Load, ast.Call)) or type(node) in _BINOPS
        if isinstance(node, ast.Constant):
            ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, ast.Call):
            ok = (isinstance(node.func, ast.Name) and node.func.id in ("min", "max")
                  and len(node.args) == 2 and not node.keywords)
        if not ok:
            raise ValueError(f"{expr!r}: only numbers, names, + - * /, parentheses, "
                             f"min(a, b) and max(a, b) are allowed ({type(node).__name__})")
    return tree


def evaluate(expr: str, env: Mapping[str, float]) -> float:
    """The value of ``expr`` with names taken from ``env`` (as the browser computes it)."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in env:
                raise KeyError(f"{expr!r} uses {node.id!r}, which is not a slider or constant")
            return float(env[node.id])
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Call):
            a, b = (ev(x) for x in node.args)
            return min(a, b) if node.func.id == "min" else max(a, b)  # type: ignore[union-attr]
        raise ValueError(f"unexpected node {type(node).__name__}")  # pragma: no cover

    return ev(_parse(expr))


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Slider:
    """An assumption the reader may move: a Vega-Lite parameter bound to a range input."""

    name: str
    label: str
    unit: str
    value: float  # the build's (published) value: where the slider starts
    min: float
    max: float
    step: float

    def __post_init__(self) -> None:
        _check_name(self.name, "slider")
        if not self.min < self.max:
            raise ValueError(f"slider {self.name}: min {self.min} must be below max {self.max}")
        if not self.min <= self.value <= self.max:
            raise ValueError(f"slider {self.name}: value {self.value} outside "
                             f"{self.min}..{self.max}")
        if not 0 < self.step <= self.max - self.min:
            raise ValueError(f"slider {self.name}: step {self.step} does not fit the range")

    @property
    def caption(self) -> str:
        """The text beside the input: label and unit."""
        return f"{self.label} ({self.unit}) " if self.unit else f"{self.label} "

    @classmethod
    def around(cls, name: str, label: str, unit: str, value: float,
               data_values: Iterable[float], *, widen: float = 0.1,
               step: float | None = None, max_steps: int = 200,
               digits: int | None = 4) -> Slider:
        """A slider spanning ``data_values`` (e.g. every benchmark) and ``value``, widened
        by ``widen`` of each end, with ends rounded outward to the step. The start value is
        rounded to ``digits`` significant figures (the input shows it as is)."""
        if digits is not None:
            value = fmt.round_sig(float(value), digits)
        lo, hi = slider_bounds([*data_values, value], widen=widen)
        if step is None:
            step = _nice_step((hi - lo) / max_steps)
        span = snapped_out(Range(lo, hi), step)
        return cls(name, label, unit, float(value), span.low, span.high, float(step))

    def display(self) -> dict[str, Any]:
        """What charts.js needs to show the slider: its value written as "₹86.31 per $",
        "6.8 kg per kWh", "70%" (the unit's currency sign before the number, to the
        decimals of the step or of the published value, whichever has more), and the
        published value, which a slider snaps to within half a step (a range input only
        takes min + k * step, and the published value need not be one of them)."""
        unit = self.unit.strip()
        prefix, suffix = "", ""
        if unit.startswith(("₹", "$")):
            prefix, rest = unit[0], unit[1:].strip()
            suffix = f" {rest}" if rest else ""
        elif unit == "%":
            suffix = "%"
        elif unit:
            suffix = f" {unit}"
        decimals = max(_decimals(self.step), _decimals(self.value))
        return {"name": self.name, "label": self.label, "unit": self.unit, "prefix": prefix,
                "suffix": suffix, "decimals": decimals, "value": self.value,
                "step": self.step}

    def param(self) -> Any:
        import altair as alt

        return alt.param(name=self.name, value=self.value, bind=alt.binding_range(
            min=self.min, max=self.max, step=self.step, name=self.label))


@dataclass(frozen=True)
class Constant:
    """A fixed input of the expressions (a parameter with no control)."""

    name: str
    value: float

    def __post_init__(self) -> None:
        _check_name(self.name, "constant")
        if not math.isfinite(self.value):
            raise ValueError(f"constant {self.name} must be finite")

    def param(self) -> Any:
        import altair as alt

        return alt.param(name=self.name, value=self.value)


@dataclass(frozen=True)
class Output:
    """A derived quantity: low and high expressions, written as ``prefix`` number(s)
    ``suffix`` (``"₹"``, ``" crore"``), with an optional reference mark (e.g. 5 GWh)."""

    key: str
    label: str
    low: str
    high: str
    prefix: str = ""
    suffix: str = ""
    reference: float | None = None
    reference_label: str = ""

    def __post_init__(self) -> None:
        _check_name(self.key, "output")
        names_in(self.low), names_in(self.high)  # noqa: B018 - validates both

    @property
    def signals(self) -> tuple[str, str]:
        return f"{self.key}_low", f"{self.key}_high"

    def range(self, env: Mapping[str, float]) -> Range:
        a, b = evaluate(self.low, env), evaluate(self.high, env)
        return Range(min(a, b), max(a, b))

    def text(self, r: Range) -> str:
        """The value as the chart writes it (and as fmt.span does, to 2 significant
        figures): "₹870–3,500 crore", "1–14 GWh", "2.6–36%"."""
        return fmt.span(r, lambda v: f"{self.prefix}{fmt.number(v)}{self.suffix}")

    def label_expr(self) -> str:
        """The Vega expression writing this output's value from its signals."""
        lo, hi = self.signals
        # round(x * 1e9) / 1e9 drops binary noise before formatting, as fmt.round_sig does.
        a = f"format(round({lo} * 1e9) / 1e9, '{D3_FORMAT}')"
        b = f"format(round({hi} * 1e9) / 1e9, '{D3_FORMAT}')"
        pre, suf = _js_str(self.prefix), _js_str(self.suffix)
        return f"({a} === {b} ? {pre} + {b} + {suf} : {pre} + {a} + '\u2013' + {b} + {suf})"


def _js_str(text: str) -> str:
    """A string literal for a Vega expression (JSON's escapes are valid there)."""
    return json.dumps(str(text), ensure_ascii=True)


def _tidy(x: float) -> float:
    return float(f"{x:.10g}")


def _decimals(x: float) -> int:
    """Digits after the point that ``x`` needs (0.1 -> 1, 86.31 -> 2, 5 -> 0)."""
    text = f"{_tidy(x):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _nice_step(raw: float) -> float:
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw * (1 - 1e-9):
            return _tidy(m * mag)
    return _tidy(10 * mag)  # pragma: no cover


def slider_bounds(values: Iterable[float], *, widen: float = 0.1) -> tuple[float, float]:
    """Lowest and highest of ``values``, each pushed out by ``widen`` of itself (never
    below zero)."""
    return widened(values, widen=widen).as_tuple()


# --------------------------------------------------------------------------- evaluation


def published_env(sliders: Sequence[Slider],
                  constants: Sequence[Constant] = ()) -> dict[str, float]:
    """Every name at its build value (where the sliders start)."""
    env = {c.name: c.value for c in constants}
    clash = set(env) & {s.name for s in sliders}
    if clash:
        raise ValueError(f"names used twice: {sorted(clash)}")
    env.update({s.name: s.value for s in sliders})
    return env


def published(outputs: Sequence[Output], sliders: Sequence[Slider],
              constants: Sequence[Constant] = ()) -> dict[str, Range]:
    env = published_env(sliders, constants)
    return {o.key: o.range(env) for o in outputs}


def check_published(outputs: Sequence[Output], sliders: Sequence[Slider],
                    constants: Sequence[Constant], texts: Mapping[str, str]) -> None:
    """Raise if, at the published slider positions, an output would not read exactly as
    the text the page glued for it (``texts``: output key -> glued display text)."""
    values = published(outputs, sliders, constants)
    bad = [f"{k}: chart {outputs_by_key(outputs)[k].text(values[k])!r} vs text {t!r}"
           for k, t in texts.items() if outputs_by_key(outputs)[k].text(values[k]) != t]
    if bad:
        raise AssertionError("what-if chart and prose disagree: " + "; ".join(bad))


def outputs_by_key(outputs: Sequence[Output]) -> dict[str, Output]:
    return {o.key: o for o in outputs}


def scale_max(output: Output, sliders: Sequence[Slider], constants: Sequence[Constant] = ()
              ) -> float:
    """The largest value ``output`` can take with the sliders anywhere in their ranges
    (checked at every corner: the expressions are monotonic in each slider), rounded up
    to a 1-2-5 number so the track ends on a round value."""
    base = published_env(sliders, constants)
    used = [s for s in sliders if s.name in names_in(output.low) | names_in(output.high)]
    best = max(output.range(base).high, output.reference or 0.0)
    for corner in itertools.product(*[(s.min, s.max) for s in used]):
        env = dict(base)
        env.update({s.name: v for s, v in zip(used, corner, strict=True)})
        with_corner = output.range(env).high
        if math.isfinite(with_corner):
            best = max(best, with_corner)
    return _round_up(best)


def _round_up(x: float) -> float:
    if x <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * mag >= x * (1 - 1e-12):
            return _tidy(m * mag)
    return _tidy(10 * mag)  # pragma: no cover


# --------------------------------------------------------------------------- the chart


def whatif_chart(sliders: Sequence[Slider], outputs: Sequence[Output],
                 constants: Sequence[Constant] = (), *, title: str | None = None,
                 subtitle: str | list[str] | None = None, row_height: int = 80,
                 context: str | None = None, pairs: Sequence[tuple[str, str]] = (),
                 shares: Sequence[str] = (), rest_label: str = "",
                 link: str | None = None) -> Any:
    """One row per output: its label and value written out above a track from zero to the
    largest value the sliders allow, with the low-high interval drawn on it.

    What charts.js does with the sliders is declared in the spec's ``usermeta``:
    ``pairs`` of (low, high) sliders (moving one past the other moves the other with it);
    ``shares``, sliders in percent that with the rest (``rest_label``, e.g. "EVs") make up
    100% (moving one pushes the others down so the total never exceeds 100%); ``link``, a
    group name: a parameter of the same name on another chart of the group follows this
    chart's slider (a constant here, set by the slider on the chart that has it).
    ``context`` is a Vega expression for a line of text above the rows (e.g. the exchange
    rate a linked chart uses)."""
    import altair as alt

    if not outputs:
        raise ValueError("a what-if chart needs at least one output")
    known = set(published_env(sliders, constants))
    keys = [o.key for o in outputs]
    if len(set(keys)) != len(keys):
        raise ValueError("output keys must be unique")
    signal_names = {n for o in outputs for n in o.signals}
    if signal_names & known:
        raise ValueError(f"output signal names clash with inputs: {sorted(signal_names & known)}")
    for o in outputs:
        missing = (names_in(o.low) | names_in(o.high)) - known
        if missing:
            raise ValueError(f"output {o.key} uses unknown name(s) {sorted(missing)}")
    by_name = {s.name: s for s in sliders}
    for pair in pairs:
        if len(pair) != 2 or any(n not in by_name for n in pair):
            raise ValueError(f"pair {pair!r}: both must be sliders")
        lo, hi = by_name[pair[0]], by_name[pair[1]]
        if lo.value > hi.value:
            raise ValueError(f"pair {pair!r}: the low slider starts above the high one")
    if shares:
        if any(n not in by_name or by_name[n].unit != "%" for n in shares):
            raise ValueError(f"shares {list(shares)!r} must be sliders in %")
        if sum(by_name[n].value for n in shares) > 100 + 1e-9:
            raise ValueError(f"shares {list(shares)!r} start above 100%")
    maxima = {o.key: scale_max(o, sliders, constants) for o in outputs}
    if any(m >= MAX_TEXT_VALUE for m in maxima.values()):
        raise ValueError("an output can exceed 99,999: choose a larger unit (the chart "
                         "writes numbers with international digit grouping)")

    rows = [{"key": o.key, "order": i, "title": o.label, "dmax": maxima[o.key],
             "ref": o.reference, "ref_label": o.reference_label,
             "max_label": f"{o.prefix}{fmt.number(maxima[o.key])}{o.suffix}"}
            for i, o in enumerate(outputs)]
    derived = []
    for o in outputs:
        lo_name, hi_name = o.signals
        derived += [alt.param(name=lo_name, expr=f"min({o.low}, {o.high})"),
                    alt.param(name=hi_name, expr=f"max({o.low}, {o.high})")]

    def pick(field: Callable[[Output], str]) -> str:
        expr = "0"
        for o in reversed(outputs):
            expr = f"(datum.key === '{o.key}' ? {field(o)} : {expr})"
        return expr

    base = alt.Chart(alt.Data(values=rows)).transform_calculate(
        low=pick(lambda o: o.signals[0]),
        high=pick(lambda o: o.signals[1]),
        text=pick(lambda o: o.label_expr()),
    ).transform_calculate(
        lo_n="clamp(datum.low / datum.dmax, 0, 1)",
        hi_n="clamp(datum.high / datum.dmax, 0, 1)",
        ref_n="datum.ref == null ? null : datum.ref / datum.dmax",
        zero="0", one="1",
    )
    # Each row, from its track (y = 0): the label (-36..-24), the value (-24..-9), the
    # track (-6..6), "0" and the track's end (9..20), the reference's label (22..33).
    # Rows are ``row_height`` apart; the context line takes the top 30 px.
    top = 30 if context is not None else 0
    y = alt.Y("key:N", sort=alt.SortField("order"), axis=None,
              scale=alt.Scale(type="point", padding=0, range=[
                  top + row_height / 2, top + row_height * (len(outputs) - 0.5)]))
    x_scale = alt.Scale(domain=[0, 1], nice=False, zero=True)
    x = dict(scale=x_scale, axis=None)
    track = base.mark_rule(strokeWidth=12, color=TRACK, strokeCap="butt").encode(
        x=alt.X("zero:Q", **x), x2=alt.X2("one:Q"), y=y)
    bar = base.mark_rule(strokeWidth=12, color=COLOR, strokeCap="butt").encode(
        x=alt.X("lo_n:Q", **x), x2=alt.X2("hi_n:Q"), y=y)
    ends = [base.mark_point(filled=True, size=90, color=COLOR, opacity=1).encode(
        x=alt.X(f"{f}:Q", **x), y=y) for f in ("lo_n", "hi_n")]
    with_ref = base.transform_filter("datum.ref != null && datum.ref_n <= 1")
    ref_tick = with_ref.mark_tick(color=REFERENCE, thickness=3, size=26).encode(
        x=alt.X("ref_n:Q", **x), y=y)
    ref_text = [with_ref.transform_filter(f"datum.ref_n {op} 0.5").mark_text(
        align=align, dx=dx, dy=22, baseline="top", fontSize=11, color=REFERENCE).encode(
        x=alt.X("ref_n:Q", **x), y=y, text=alt.Text("ref_label:N"))
        for op, align, dx in (("<=", "left", 4), (">", "right", -4))]
    # Two lines above each track, cut to the plot's width so that autosize never shrinks
    # the tracks to make room for text (narrow screens).
    fit = alt.ExprRef("max(width, 60)")
    title_text = base.mark_text(align="left", baseline="bottom", dy=-24, fontSize=12,
                                color=MUTED, limit=fit).encode(
        x=alt.X("zero:Q", **x), y=y, text=alt.Text("title:N"))
    value_text = base.mark_text(align="left", baseline="bottom", dy=-9, fontSize=14,
                                fontWeight="bold", color=TEXT, limit=fit).encode(
        x=alt.X("zero:Q", **x), y=y, text=alt.Text("text:N"))
    max_text = base.mark_text(align="right", baseline="top", dy=9, fontSize=10,
                              color=MUTED).encode(x=alt.X("one:Q", **x), y=y,
                                                  text=alt.Text("max_label:N"))
    zero_text = base.mark_text(align="left", baseline="top", dy=9, fontSize=10,
                               color=MUTED, text="0").encode(x=alt.X("zero:Q", **x), y=y)
    layers = [track, bar, *ends, ref_tick, *ref_text, title_text, value_text, max_text,
              zero_text]
    if context is not None:
        layers.append(alt.Chart(alt.Data(values=[{}])).mark_text(
            align="left", baseline="top", fontSize=12, color=TEXT, limit=fit).encode(
            x=alt.XValue(0), y=alt.YValue(0), text=alt.TextValue(alt.ExprRef(context))))
    params = [s.param() for s in sliders] + [c.param() for c in constants] + derived
    # (Altair's add_params refused a name used twice; the one constructor call below does
    # not check it.)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"names used twice: {sorted({n for n in names if names.count(n) > 1})}")
    meta = {"sliders": [s.display() for s in sliders], "pairs": [list(p) for p in pairs],
            "shares": list(shares), "shareNames": {n: by_name[n].label.removeprefix(
                "Share to ") for n in shares}, "rest": rest_label, "link": link}
    # One constructor call, as charts.layered makes (charts imports this module, not the
    # other way round): each of Altair's chained calls copies every layer again.
    return alt.LayerChart(
        layer=layers, params=[p.param for p in params], height=row_height * len(outputs) + top,
        usermeta={"brWhatif": meta},
        title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined) if title
        else alt.Undefined)


def table(sliders: Sequence[Slider], outputs: Sequence[Output],
          constants: Sequence[Constant] = ()) -> Any:
    """The chart's data as a reader downloads it: each result at the published slider
    positions (to the 2 significant figures the chart writes), then each assumption with
    the span its slider allows (columns: :data:`TABLE_COLUMNS`)."""
    import pandas as pd

    pub = published(outputs, sliders, constants)
    rows = [{"kind": "Result", "what": o.label, "low": fmt.round_sig(pub[o.key].low, 2),
             "high": fmt.round_sig(pub[o.key].high, 2),
             "unit": f"{o.prefix}{o.suffix}".strip(), "from": None, "to": None}
            for o in outputs]
    for sl in sliders:
        rows.append({"kind": "Assumption (slider)", "what": sl.label, "low": sl.value,
                     "high": sl.value, "unit": sl.unit, "from": sl.min, "to": sl.max})
    return pd.DataFrame(rows, columns=["kind", "what", "low", "high", "unit", "from", "to"])


# The columns of :func:`table` as (field, heading) pairs for charts.figure's ``columns``.
TABLE_COLUMNS = (("kind", "Kind"), ("what", "Quantity"),
                 ("low", "Low end (at the published values)"),
                 ("high", "High end (at the published values)"), ("unit", "Unit"),
                 ("from", "Slider from"), ("to", "Slider to"))


def bound_params(spec: Any) -> list[str]:
    """Names of the parameters bound to an input anywhere in a Vega-Lite spec."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for p in node.get("params", []) or []:
                if isinstance(p, dict) and p.get("bind") and p.get("name"):
                    found.append(str(p["name"]))
            for k, v in node.items():
                if k != "params":
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found
