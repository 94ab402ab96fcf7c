"""The data layer: the descriptor, one definition of each type, validation and loading.

``from batteryreport.data import load_table, validate`` is the API notebooks and the
build use; the modules below hold the parts.
"""

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
from batteryreport.data.load import load_table, sources
from batteryreport.data.validate import validate

__all__ = ["DESCRIPTOR", "ENV_DATA_DIR", "ENV_TABLES", "data_dir", "load_table",
           "package_descriptor", "sources", "table_files", "table_meta", "table_names",
           "validate"]
