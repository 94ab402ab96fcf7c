"""The data layer: the descriptor, one definition of each type, validation and loading.

``from batteryreport.data import load_table, validate`` is the API notebooks and the
build use; the modules below hold the parts.
"""

from typing import TYPE_CHECKING, Any

from batteryreport.data.descriptor import (
    DESCRIPTOR,
    ENV_DATA_DIR,
    ENV_TABLES,
    data_dir,
    package_descriptor,
    table_files,
    table_meta,
    table_names,
)
from batteryreport.data.validate import validate
from batteryreport.data.values import read_values

if TYPE_CHECKING:
    from batteryreport.data.load import load_table, sources


def __getattr__(name: str) -> Any:
    # The DataFrame readers are imported when first used, with pandas: a process that only
    # validates or reads values (the site's, see batteryreport.data.values) never loads it.
    if name in ("load_table", "sources"):
        from batteryreport.data import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "load_table", "sources"})

__all__ = ["DESCRIPTOR", "ENV_DATA_DIR", "ENV_TABLES", "data_dir", "load_table",
           "package_descriptor", "read_values", "sources", "table_files", "table_meta",
           "table_names", "validate"]
