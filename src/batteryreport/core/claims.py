"""Claims: sentences whose truth depends on the data, checked at build time.

A claim is prose ("The gap is not at one firm but at all of them") with a condition over
the report's computed values (``n_nothing >= n_beneficiaries - 1``). The build evaluates
the condition against the values of this edition; if it is false the build stops, naming
the claim, its page and the numbers, and the last good site stays.

Conditions are a small, safe language: numbers, dates (``date("2025-12-31")``), names of
computed values, ``+ - * /``, comparisons (``< <= > >= == !=``, chained), ``and``, ``or``,
``not``, parentheses, and ``abs``, ``min``, ``max``. A name is a value's key (``days_late``),
``page.key`` for a value another page computed, and ``.low`` / ``.high`` for the ends of a
range. Nothing else is accepted: no attribute access beyond that, no calls beyond those.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

_CMP = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
        ast.Eq: operator.eq, ast.NotEq: operator.ne}
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv}
_CALLS = {"abs", "min", "max", "date"}
MAX_LENGTH = 500


class ClaimError(ValueError):
    """A claim that cannot be checked (bad condition, unknown name) or is false."""


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def parse(condition: str) -> ast.Expression:
    """The condition's syntax tree, or :class:`ClaimError` if it is outside the language."""
    if len(condition) > MAX_LENGTH:
        raise ClaimError(f"a condition is at most {MAX_LENGTH} characters")
    try:
        tree = ast.parse(condition.strip(), mode="eval")
    except SyntaxError as exc:
        raise ClaimError(f"not a condition: {condition!r} ({exc.msg})") from None
    allowed = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
               ast.UAdd, ast.Compare, ast.BinOp, ast.Name, ast.Load, ast.Attribute, ast.Call,
               ast.Constant, *_CMP, *_BIN)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ClaimError(f"{condition!r}: {type(node).__name__} is not allowed in a "
                             "condition")
        if isinstance(node, ast.Constant) and not (
                isinstance(node.value, int | float | str) and not isinstance(node.value, bool)):
            raise ClaimError(f"{condition!r}: only numbers and date strings are constants")
        if isinstance(node, ast.Attribute) and _dotted(node) is None:
            raise ClaimError(f"{condition!r}: only names may be dotted (page.key.low)")
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _CALLS
                    and not node.keywords):
                raise ClaimError(f"{condition!r}: the only functions are "
                                 f"{', '.join(sorted(_CALLS))}")
    return tree


def names(condition: str) -> list[str]:
    """The values a condition reads (dotted names), in order of first use."""
    tree = parse(condition)
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Attribute | ast.Name):
            name = _dotted(node)
            if name and name not in found and name not in _CALLS:
                found.append(name)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def evaluate(condition: str, lookup: Callable[[str], Any]) -> bool:
    """Whether the condition holds, with each name's value from ``lookup`` (which raises
    KeyError for an unknown name)."""
    tree = parse(condition)

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name | ast.Attribute):
            name = _dotted(node)
            try:
                return lookup(name)
            except KeyError as exc:
                raise ClaimError(f"{condition!r}: {exc.args[0] if exc.args else name}") \
                    from None
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return (not v) if isinstance(node.op, ast.Not) else (-v if isinstance(
                node.op, ast.USub) else v)
        if isinstance(node, ast.BoolOp):
            values = (ev(v) for v in node.values)
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.BinOp):
            return _BIN[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = ev(right_node)
                try:
                    if not _CMP[type(op)](left, right):
                        return False
                except TypeError:
                    raise ClaimError(f"{condition!r}: cannot compare {left!r} with "
                                     f"{right!r}") from None
                left = right
            return True
        if isinstance(node, ast.Call):
            args = [ev(a) for a in node.args]
            fn = node.func.id  # type: ignore[union-attr]
            if fn == "date":
                try:
                    return dt.date.fromisoformat(str(args[0]))
                except (ValueError, IndexError):
                    raise ClaimError(f"{condition!r}: date() takes one 'YYYY-MM-DD'") from None
            return {"abs": abs, "min": min, "max": max}[fn](*args)
        raise ClaimError(f"unexpected {type(node).__name__}")  # pragma: no cover

    result = ev(tree)
    if not isinstance(result, bool):
        raise ClaimError(f"{condition!r} is not a yes-or-no condition (it gives {result!r})")
    return result


def value_of(record: dict[str, Any], part: str | None) -> Any:
    """A glued value as a condition sees it: a number, a date, or one end of a range
    (``part`` "low" or "high"); a range without an end named is an error."""
    raw = record.get("value")
    unit = record.get("unit", "")
    if part in ("low", "high"):
        if not isinstance(raw, list) or len(raw) != 2:
            raise KeyError(f"{record.get('key')} is not a range: it has no .{part}")
        return raw[0] if part == "low" else raw[1]
    if part is not None:
        raise KeyError(f"{record.get('key')}.{part}: only .low and .high may follow a value")
    if isinstance(raw, list):
        raise KeyError(f"{record.get('key')} is a range: compare its .low or .high")
    if unit == "date" and isinstance(raw, str):
        return dt.date.fromisoformat(raw)
    if raw is None:
        raise KeyError(f"{record.get('key')} has no value in this edition "
                       f"(shown as {record.get('text')!r})")
    return raw
