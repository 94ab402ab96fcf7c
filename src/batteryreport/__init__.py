"""Helpers, data loader and build pipeline for the India battery-industry report.

Everything a notebook computes goes through this package: the loader validates
``data/`` against ``data/datapackage.json``; the helpers are small pure functions;
the pipeline executes notebooks with papermill and builds the Jupyter Book.
"""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when installed in editable mode (the only supported way).
REPO_ROOT = PACKAGE_DIR.parent.parent
