"""The site: an incremental Sphinx build with Jupyter Book's configuration, warnings as
errors, set up ahead of time in a helper process (:mod:`batteryreport.build.helpers`).

Setting Sphinx up (importing it and its extensions, reading the configuration and the
saved environment) takes most of a second, as long as reading a changed page or two. It
reads no page, so it is done while the notebooks run; which pages are out of date is
decided when :func:`build` is called, after the notebooks and generated pages are written.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import threading
from pathlib import Path
from typing import Any

_site: dict[str, Any] = {}  # this process's Sphinx application, set up ahead of time
_done: list[Any] = []  # applications that have built (see build)


# myst-nb imports jupyter-cache, and with it SQLAlchemy (0.25 s of the set-up's 1.05 s of
# CPU), to execute notebooks, which the site does not do (papermill has run them:
# execution is off in _config.yml). While execution is off, jupyter-cache's modules that
# myst-nb imports from are stand-ins, until any of their names is used: then the real
# modules are imported, and the stand-ins make way for them.
NOTEBOOK_CACHE_NAMES = {"jupyter_cache": ("get_cache",),
                        "jupyter_cache.base": ("CacheBundleIn",),
                        "jupyter_cache.cache.db": ("NbProjectRecord",),
                        "jupyter_cache.executors.utils": ("single_nb_execution",)}
_real_lock = threading.RLock()


def _real(module: str, name: str) -> Any:
    """``module``'s ``name``, the stand-ins having made way for the real modules."""
    import importlib

    with _real_lock:
        for stood_in in NOTEBOOK_CACHE_NAMES:
            if getattr(sys.modules.get(stood_in), "__stand_in__", False):
                del sys.modules[stood_in]
        return getattr(importlib.import_module(module), name)


def _from_real(module: str, name: str) -> Any:
    """A stand-in module's other names (PEP 562): the real module's, but not the module
    machinery that tools look up on every module (``__file__``, ``__wrapped__``)."""
    if name.startswith("__") and name != "__version__":
        raise AttributeError(name)
    return _real(module, name)


class _StandIn:
    """A name myst-nb imported from a stand-in module: the real object once used (called,
    an attribute read, pickled, or an isinstance check)."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _real(*self._where)(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):  # the object's own machinery (pickle, copy, inspect)
            raise AttributeError(attr)
        return getattr(_real(*self._where), attr)

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return _real, self._where

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, _real(*self._where))

    def __subclasscheck__(self, cls: type) -> bool:
        return issubclass(cls, _real(*self._where))


def _defer_notebook_cache() -> None:
    import importlib.util
    import types

    if any(module in sys.modules for module in NOTEBOOK_CACHE_NAMES):
        return  # imported already (or deferred): nothing to save
    spec = importlib.util.find_spec("jupyter_cache")
    if spec is None:
        return
    for module, names in NOTEBOOK_CACHE_NAMES.items():
        stand_in = types.ModuleType(module, "stand-in until used (batteryreport.build.site)")
        stand_in.__stand_in__ = True
        # Any other name, and the package's submodules, from the real modules.
        stand_in.__getattr__ = functools.partial(_from_real, module)
        if module == "jupyter_cache":
            stand_in.__path__ = list(spec.submodule_search_locations or [])
        for name in names:
            setattr(stand_in, name, _StandIn(module, name))
        sys.modules[module] = stand_in


def _make_app(root: Path, out: Path, doctrees: Path) -> None:
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    config, _ = get_final_config(
        user_yaml=root / "_config.yml", sourcedir=root, use_external_toc=True,
        cli_config={"external_toc_path": str(root / "_toc.yml"),
                    "latex_individualpages": False})
    if config.get("nb_execution_mode") == "off":
        _defer_notebook_cache()
    stack = contextlib.ExitStack()
    # Docutils' global registries (directives, roles) as Sphinx sets them, until build()
    # is done with the application.
    stack.enter_context(patch_docutils(None))
    stack.enter_context(docutils_namespace())
    try:
        app = Sphinx(
            srcdir=root, confdir=None, outdir=out, doctreedir=doctrees, buildername="html",
            confoverrides=config, status=None, warning=sys.stderr, freshenv=False,
            warningiserror=True, keep_going=True,
            # One Sphinx job: a bundled Jupyter Book extension is not parallel-safe (a
            # warning under -W), and the notebooks are where parallel workers pay off.
            parallel=1)
    except BaseException:
        stack.close()
        raise
    # Compiled templates are kept between builds (jinja checks each one's source): the
    # theme's templates took about 0.2 s to compile on every build.
    from jinja2 import FileSystemBytecodeCache

    cache = root / ".cache" / "jinja" / _template_versions()
    cache.mkdir(parents=True, exist_ok=True)
    app.builder.templates.environment.bytecode_cache = FileSystemBytecodeCache(str(cache))
    _site.update(app=app, stack=stack, key=(root, out, doctrees))


def _template_versions() -> str:
    """A folder name for the compiled templates of these versions of Jinja, Sphinx and the
    themes (an upgrade compiles them again)."""
    import hashlib
    from importlib.metadata import version

    names = ("jinja2", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "jupyter-book")
    return hashlib.sha256(" ".join(f"{n}={version(n)}" for n in names).encode()).hexdigest()[:16]


def _warm_up() -> None:
    """Compile, ahead of time, the CSS selectors the theme's side bar uses on every page
    (soupsieve builds its parser's patterns on first use: about 0.15 s), and the
    notebook format's validator, which myst-nb's reading of the first notebook compiled
    (about 0.1 s). And myst-nb's notebook renderer, which it looks up among every
    installed package's entry points (about 0.02 s) when it reads the first notebook, on
    the build's critical path, and keeps for the process."""
    import myst_nb.sphinx_
    import soupsieve

    from batteryreport.build.notebooks import warm_validator

    for level in range(1, 6):
        soupsieve.compile(f"li.toctree-l{level} > details")
    for selector in ("li", ".toc-h1", ".toc-h2", "details > a.reference", "details > p.caption"):
        soupsieve.compile(selector)
    warm_validator()
    with contextlib.suppress(Exception):  # (a renderer that is not there: said when used)
        myst_nb.sphinx_.load_renderer("default")


def prepare(root: str, out: str, doctrees: str, env: dict[str, str]) -> None:
    """Set Sphinx up (run in the site's helper process as soon as it starts)."""
    os.environ.update(env)
    _site.clear()
    _make_app(Path(root), Path(out), Path(doctrees))
    _warm_up()


def build(root: str, out: str, doctrees: str, env: dict[str, str]) -> None:
    """Build the site: the pages out of date since the last build, warnings as errors."""
    os.environ.update(env)
    key = (Path(root), Path(out), Path(doctrees))
    if _site.get("key") != key:  # not set up ahead of time (or for other folders)
        if "stack" in _site:
            _site.pop("stack").close()
        _site.clear()
        _make_app(*key)
    app = _site["app"]
    # No cyclic garbage collection while Sphinx builds: its heap (the environment, every
    # page's doctree) is large and long-lived, and each full collection walks all of it,
    # which cost about a third of an incremental build. The process is the site's alone
    # and lasts one build; what reference counting frees is still freed.
    gc.disable()
    try:
        app.build(False, [])
        status = app.statuscode
    finally:
        gc.enable()
        _site.pop("stack").close()
        # Kept, not freed: freeing the application's heap object by object took about
        # 0.1 s, and the process ends with the build.
        _done.append(_site.pop("app"))
        _site.clear()
    if status != 0:
        raise RuntimeError(f"the book build failed ({status}); see the warnings above")
