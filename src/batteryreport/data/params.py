"""Run parameters: one definition of names and types (this model), one file of
default values (``params/default.yml``). A params file given with ``PARAMS=``
overrides any of the defaults; an unknown or ill-typed key is an error naming it.

A params file is read defensively: at most :data:`MAX_BYTES`, no YAML anchors or aliases
(a few hundred bytes of nested aliases expand to gigabytes), no tags, numbers written the
way YAML 1.2 reads them (``1e3`` is a number, not a string), and only finite numbers.
Messages quote at most a short excerpt of a bad value, built from the file's text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from batteryreport import REPO_ROOT
from batteryreport.core.errors import ParamsError, Problem

DEFAULT_PARAMS = REPO_ROOT / "params" / "default.yml"

MAX_BYTES = 64_000
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


def _between(low: float, high: float) -> Any:
    """A finite number in a plausible range: generous enough for any scenario, tight
    enough that a typo (an extra zero, a number in the wrong unit) fails here."""
    return Annotated[float, Field(gt=low, le=high, allow_inf_nan=False)]


Rate = _between(10, 500)  # INR per USD
UsdMn = _between(0, 1_000_000)  # USD million
CapexPerGwh = _between(10, 100_000)  # INR crore per GWh
CapexPerKt = _between(0.1, 100_000)  # INR crore per 1,000 t/yr
KgPerKwh = _between(0.5, 50)


class RunParams(BaseModel):
    """Every parameter a notebook may receive. Notebooks declare the ones they use
    in their ``parameters`` cell; the pipeline injects only those."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    scenario: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60,
        description="Name of the run; 'default' for the published edition. Used in file names.",
    )
    as_of: dt.date | None = Field(
        description="Date the analysis is taken at; null means the latest observation in data/."
    )
    fx_inr_per_usd: Rate | None = Field(
        description="Exchange rate (INR per USD); null means the latest dated rate in data/."
    )
    japan_investment_usd_mn_low: UsdMn = Field(
        description="Low end of the reported Japanese investment range (USD million)."
    )
    japan_investment_usd_mn_high: UsdMn = Field(
        description="High end of the reported Japanese investment range (USD million)."
    )
    cell_capex_inr_cr_per_gwh_low: CapexPerGwh | None = Field(
        description="Cell-plant capex per GWh, low (INR crore); null means the data benchmarks."
    )
    cell_capex_inr_cr_per_gwh_high: CapexPerGwh | None = Field(
        description="Cell-plant capex per GWh, high (INR crore); null means the data benchmarks."
    )
    recycling_capex_inr_cr_per_kt_low: CapexPerKt | None = Field(
        description="Recycling capex per 1,000 t/yr of capacity, low (INR crore); null: data."
    )
    recycling_capex_inr_cr_per_kt_high: CapexPerKt | None = Field(
        description="Recycling capex per 1,000 t/yr of capacity, high (INR crore); null: data."
    )
    pack_kg_per_kwh: KgPerKwh = Field(
        description="Battery-pack mass per kWh used to turn GWh into tonnes (kg/kWh); "
        "the default is the heaviest 2018-2023 EV pack in data/material_intensity.csv."
    )
    allocation_scenarios: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                                                    max_length=40)],
                               dict[str, Share]] = Field(
        max_length=12,
        description="Named splits of the Japanese range across 'cells', 'recycling', 'ev' "
        "(shares summing to 1)."
    )

    @model_validator(mode="after")
    def _check_ranges(self) -> RunParams:
        if self.as_of is not None and self.as_of > dt.date.today():
            raise ValueError(f"as_of ({self.as_of}) is after today: the analysis can only be "
                             "taken at a date that has happened")
        pairs = [
            ("japan_investment_usd_mn_low", "japan_investment_usd_mn_high"),
            ("cell_capex_inr_cr_per_gwh_low", "cell_capex_inr_cr_per_gwh_high"),
            ("recycling_capex_inr_cr_per_kt_low", "recycling_capex_inr_cr_per_kt_high"),
        ]
        for lo, hi in pairs:
            a, b = getattr(self, lo), getattr(self, hi)
            if (a is None) != (b is None):
                raise ValueError(f"{lo} and {hi} must both be set or both be null")
            if a is not None and a > b:
                raise ValueError(f"{lo} ({a}) is greater than {hi} ({b})")
        for name, split in self.allocation_scenarios.items():
            unknown = set(split) - {"cells", "recycling", "ev"}
            if unknown:
                raise ValueError(
                    f"allocation_scenarios.{name}: unknown sector(s) {sorted(unknown)}")
            total = sum(split.values())
            if abs(total - 1) > 1e-6:
                raise ValueError(f"allocation_scenarios.{name}: shares sum to {total:g}, not 1")
        return self

    def for_papermill(self) -> dict[str, Any]:
        """JSON-safe values (dates as ISO strings) for injection into notebooks."""
        return self.model_dump(mode="json")


class _Loader(yaml.SafeLoader):
    """Safe YAML with YAML 1.2 numbers: ``1e308`` and ``5E3`` are floats (PyYAML's 1.1 rules
    read them as strings). Anchors, aliases and tags are refused before anything is built."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\d[\d_]*)?\.\d*(?:[eE][-+]?\d+)?|[-+]?\d[\d_]*[eE][-+]?\d+"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _check_events(text: str, path: Path) -> None:
    """Refuse aliases, anchors and explicit tags, reading only the event stream (which
    expands nothing)."""
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ParamsError([Problem(str(path), "yaml-alias", "YAML anchors and aliases "
                                       "(&name, *name) are not allowed in a params file: write "
                                       "each value out", row=line)])
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        if isinstance(implicit, tuple):
            implicit = any(implicit)
        if tag and not implicit and tag != "!":
            raise ParamsError([Problem(str(path), "yaml-tag", "YAML tags (!!type) are not "
                                       "allowed in a params file", row=line,
                                       value=str(tag)[:40])])


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ParamsError([Problem(str(path), "file", "params file not found")]) from None
    if not path.is_file():
        raise ParamsError([Problem(str(path), "file", "not a file")])
    if size > MAX_BYTES:
        raise ParamsError([Problem(str(path), "file-size", f"a params file is at most "
                                   f"{MAX_BYTES // 1000} kB; this one is {size // 1000} kB")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamsError([Problem(str(path), "encoding", f"not UTF-8 text (byte {exc.start})")]) \
            from None
    try:
        _check_events(text, path)
        loaded = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ParamsError([Problem(str(path), "yaml", f"not valid YAML: {problem}",
                                   row=row)]) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParamsError([Problem(str(path), "yaml",
                                   "top level must be a mapping of name: value")])
    return loaded


def _excerpt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def load_params(path: Path | str | None = None, defaults: Path = DEFAULT_PARAMS) -> RunParams:
    """Defaults from ``params/default.yml``, overridden by ``path`` if given."""
    values = _read_yaml(Path(defaults))
    origin = {k: str(defaults) for k in values}
    if path is not None:
        override = _read_yaml(Path(path))
        values.update(override)
        origin.update({k: str(path) for k in override})
    return _build(values, origin, str(path or defaults))


def params_with(run: dict[str, Any], defaults: Path = DEFAULT_PARAMS) -> RunParams:
    """The default parameters with ``run`` (a notebook's injected values) on top."""
    values = _read_yaml(Path(defaults))
    origin = {k: str(defaults) for k in values}
    values.update(run)
    origin.update({k: "the notebook's parameters" for k in run})
    return _build(values, origin, str(defaults))


def _build(values: dict[str, Any], origin: dict[str, str], fallback: str) -> RunParams:
    # YAML gives dates as date objects and numbers as int; accept ints for floats.
    for key, value in list(values.items()):
        field = RunParams.model_fields.get(key)
        if field is not None and isinstance(value, int) and not isinstance(value, bool):
            if "float" in str(field.annotation):
                values[key] = float(value)
        if isinstance(value, str) and key == "as_of":
            try:
                values[key] = dt.date.fromisoformat(value)
            except ValueError:
                pass
    try:
        return RunParams(**values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(params)"
            top = str(err["loc"][0]) if err["loc"] else ""
            file = origin.get(top, fallback)
            kind = "unknown parameter" if err["type"] == "extra_forbidden" else err["type"]
            value = None if err["type"] == "missing" else _excerpt(err.get("input"))
            problems.append(Problem(file, kind, f"{loc}: {err['msg']}", column=loc, value=value))
        raise ParamsError(problems) from None
