"""Run parameters: one definition of names and types (this model), one file of
default values (``params/default.yml``). A params file given with ``PARAMS=``
overrides any of the defaults; an unknown or ill-typed key is an error naming it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import REPO_ROOT
from .errors import ParamsError, Problem

DEFAULT_PARAMS = REPO_ROOT / "params" / "default.yml"

Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]


class RunParams(BaseModel):
    """Every parameter a notebook may receive. Notebooks declare the ones they use
    in their ``parameters`` cell; the pipeline injects only those."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    scenario: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Name of the run; 'default' for the published edition. Used in file names.",
    )
    as_of: dt.date | None = Field(
        description="Date the analysis is taken at; null means the latest observation in data/."
    )
    fx_inr_per_usd: Positive | None = Field(
        description="Exchange rate (INR per USD); null means the latest dated rate in data/."
    )
    japan_investment_usd_mn_low: Positive = Field(
        description="Low end of the reported Japanese investment range (USD million)."
    )
    japan_investment_usd_mn_high: Positive = Field(
        description="High end of the reported Japanese investment range (USD million)."
    )
    cell_capex_inr_cr_per_gwh_low: Positive | None = Field(
        description="Cell-plant capex per GWh, low (INR crore); null means the data benchmarks."
    )
    cell_capex_inr_cr_per_gwh_high: Positive | None = Field(
        description="Cell-plant capex per GWh, high (INR crore); null means the data benchmarks."
    )
    recycling_capex_inr_cr_per_kt_low: Positive | None = Field(
        description="Recycling capex per 1,000 t/yr of capacity, low (INR crore); null: data."
    )
    recycling_capex_inr_cr_per_kt_high: Positive | None = Field(
        description="Recycling capex per 1,000 t/yr of capacity, high (INR crore); null: data."
    )
    pack_kg_per_kwh: Positive = Field(
        description="Battery-pack mass per kWh used to turn GWh into tonnes (kg/kWh); "
        "the default is the heaviest 2018-2023 EV pack in data/material_intensity.csv."
    )
    allocation_scenarios: dict[str, dict[str, Share]] = Field(
        description="Named splits of the Japanese range across 'cells', 'recycling', 'ev' "
        "(shares summing to 1)."
    )

    @model_validator(mode="after")
    def _check_ranges(self) -> RunParams:
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


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError([Problem(str(path), "file", "params file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ParamsError([Problem(str(path), "encoding", f"not UTF-8 text: {exc}")]) from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        raise ParamsError([Problem(str(path), "yaml", f"not valid YAML: {exc}", row=row)]) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParamsError([Problem(str(path), "yaml",
                                   "top level must be a mapping of name: value")])
    return loaded


def load_params(path: Path | str | None = None, defaults: Path = DEFAULT_PARAMS) -> RunParams:
    """Defaults from ``params/default.yml``, overridden by ``path`` if given."""
    values = _read_yaml(Path(defaults))
    origin = {k: str(defaults) for k in values}
    if path is not None:
        override = _read_yaml(Path(path))
        values.update(override)
        origin.update({k: str(path) for k in override})
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
            file = origin.get(top, str(path or defaults))
            kind = "unknown parameter" if err["type"] == "extra_forbidden" else err["type"]
            value = None if err["type"] == "missing" else repr(err.get("input"))[:80]
            problems.append(Problem(file, kind, f"{loc}: {err['msg']}", column=loc, value=value))
        raise ParamsError(problems) from None
