"""A chapter result's fingerprint: equal for equal results, whichever process made them.

The build reuses a chapter notebook's executed copy when the notebook's chapter result is
the same as one it ran with before (see ``result_key`` in the pipeline). Pickled bytes do
not tell: a result computed afresh and the same result read back from its pickle pickle
differently (pandas' internal blocks, shared objects). So the fingerprint is taken from a
canonical form instead: dataclasses field by field, containers in order (sets sorted),
numbers by their exact ``repr``, dates as ISO text, and DataFrames and Series by their
columns, dtypes, index and values (a numpy column by its bytes, any other value by value).

A value of any other type, anywhere, raises :class:`TypeError`; the build then simply runs
the notebook (as it does for any other error here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
from typing import Any


def fingerprint(value: Any) -> str:
    """The SHA-256 of ``value``'s canonical form."""
    text = json.dumps(_canon(value), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _number(x: float) -> Any:
    return ["f", "nan" if math.isnan(x) else repr(float(x))]


def _canon(x: Any) -> Any:
    import numpy as np
    import pandas as pd

    if x is None or isinstance(x, bool | str):
        return x
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return ["i", int(x)]
    if isinstance(x, float | np.floating):
        return _number(float(x))
    if x is pd.NaT or x is pd.NA:
        return [str(x)]
    if isinstance(x, dt.date | dt.time):  # datetime and pandas' Timestamp are dates too
        return ["t", type(x).__name__, x.isoformat()]
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return [_name(x), [[f.name, _canon(getattr(x, f.name))]
                           for f in dataclasses.fields(x)]]
    if isinstance(x, dict):
        items = [[_canon(k), _canon(v)] for k, v in x.items()]
        return ["dict", items]
    if isinstance(x, list | tuple):
        return [type(x).__name__, [_canon(v) for v in x]]
    if isinstance(x, set | frozenset):
        members = [_canon(v) for v in x]
        return ["set", sorted(members, key=lambda m: json.dumps(m, ensure_ascii=False))]
    if isinstance(x, pd.DataFrame):
        return ["DataFrame", [_canon(c) for c in x.columns], [str(t) for t in x.dtypes],
                _rows(x), _canon(dict(x.attrs))]
    if isinstance(x, pd.Series):
        return ["Series", _canon(x.name), str(x.dtype), _rows(x), _canon(dict(x.attrs))]
    if isinstance(x, np.ndarray):
        return ["ndarray", str(x.dtype), list(x.shape), _canon(x.tolist())]
    raise TypeError(f"no canonical form for {_name(x)}")


def _rows(x: Any) -> list[Any]:
    """The index (names and values), then each column: a plain numpy column (numbers,
    booleans, times) by its bytes, any other (text, objects, pandas' nullable types,
    categories) value by value."""
    import pandas as pd

    columns = [x] if isinstance(x, pd.Series) else [x.iloc[:, i] for i in range(x.shape[1])]
    out: list[Any] = [_canon(list(x.index.names)), _canon(list(x.index))]
    if isinstance(x, pd.DataFrame):
        out.append(_canon(list(x.columns.names)))
    for column in columns:
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out.append(["categories", _canon(list(dtype.categories)), dtype.ordered])
        if type(dtype).__module__ == "numpy" and dtype.kind in "biufcmM":
            data = column.to_numpy()
            out.append([dtype.str, hashlib.sha256(data.tobytes()).hexdigest()])
        else:
            out.append(_canon(list(column)))
    return out


def _name(x: Any) -> str:
    return f"{type(x).__module__}.{type(x).__qualname__}"
