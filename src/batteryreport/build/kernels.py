"""Notebook execution: papermill in worker processes, each with one warm kernel.

A fresh Jupyter kernel per notebook costs about 0.6 s to start and 1 s to import pandas,
Altair and the report's package, as much as running a chapter's cells. So each worker
process starts one kernel when the pool starts (while the parent is still analysing the
chapters), imports those modules once, and runs its notebooks in that kernel one after
another. Before each notebook the kernel's namespace is cleared (``%reset -f``) and the
notebook's declared tables are set; modules stay imported, and nothing a notebook defines
survives it. A kernel that died is started again before the next notebook.

The executed notebook is normalised so that the same inputs give the same bytes whatever
kernel or order ran it: cell ids and execution counts numbered in each notebook,
papermill's timings removed, the parameters cells hidden from readers.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from batteryreport.build.notebooks import NotebookSpec
from batteryreport.data import ENV_DATA_DIR, ENV_TABLES

# What every chapter notebook imports; loaded once per kernel.
WARM_IMPORTS = ("import batteryreport.chapters, batteryreport.present.charts, "
                "batteryreport.present.glue, batteryreport.present.tables")

_worker: dict[str, Any] = {}  # this worker process's kernel: km, env, log


def start_worker(env: dict[str, str], cwd: str, logs: str) -> None:
    """Pool initializer: start this worker's kernel and import the common modules."""
    from multiprocessing.util import Finalize

    from batteryreport.build.faults import exit_with_parent

    exit_with_parent()
    _worker.update(env=env, cwd=cwd, log=str(Path(logs) / f"kernel-{os.getpid()}.log"))
    Finalize(None, _stop_kernel, exitpriority=10)  # runs when the worker process exits
    try:
        _start_kernel()
    except Exception as exc:  # said by each notebook this worker is given
        _worker["error"] = f"the kernel did not start: {type(exc).__name__}: {exc}"


def warm() -> None:
    """A task that only makes the pool start its workers (and their kernels) now."""


def _start_kernel() -> None:
    from jupyter_core.utils import run_sync

    Path(_worker["log"]).parent.mkdir(parents=True, exist_ok=True)
    # The kernel's own chatter (stderr) goes to a log file, not the build's terminal.
    log = open(_worker["log"], "a")  # noqa: SIM115 (the kernel holds it for its life)
    km = _manager()
    run_sync(km.start_kernel)(cwd=_worker["cwd"], env={**os.environ, **_worker["env"]},
                              stdout=log, stderr=log)
    _worker.update(km=km, log_file=log, error="")
    _run_quietly(WARM_IMPORTS)


def _manager() -> Any:
    # The asynchronous manager, as nbclient itself would make: with it nbclient notices a
    # kernel that died in the middle of a cell instead of waiting for its output forever.
    # Its one client stays connected from notebook to notebook (connecting one takes
    # about 0.2 s); nbclient leaves it open, as the manager is not its own.
    from jupyter_client.manager import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        _kept_client = None

        def client(self, **kwargs: Any) -> Any:
            if self._kept_client is None:
                kc = super().client(**kwargs)
                kc.start_channels()
                start = kc.start_channels  # nbclient starts them again: once is enough
                kc.start_channels = lambda *a, **k: None if kc.channels_running else start(
                    *a, **k)
                self._kept_client = kc
            return self._kept_client

    # Unix sockets in a folder of the worker's own, not TCP ports: a TCP port is chosen
    # free, then bound by the kernel a moment later, and under parallel builds another
    # process can take it in between ("Address already in use", a kernel that never
    # starts). Sockets in a private folder cannot collide, and nothing listens on the network.
    import tempfile

    folder = tempfile.mkdtemp(prefix="br-kernel-")
    _worker["socket_dir"] = folder
    return WarmKernelManager(kernel_name="python3", transport="ipc",
                             ip=os.path.join(folder, "k"))


def _stop_kernel() -> None:
    from jupyter_core.utils import run_sync

    km = _worker.get("km")
    if km is not None and km.has_kernel:
        if km._kept_client is not None:
            km._kept_client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)
    if _worker.get("socket_dir"):
        import shutil

        shutil.rmtree(_worker.pop("socket_dir"), ignore_errors=True)


def _alive() -> bool:
    from jupyter_core.utils import run_sync

    return bool(run_sync(_worker["km"].is_alive)())


def _run_quietly(code: str) -> None:
    from jupyter_core.utils import run_sync

    async def run() -> dict[str, Any]:
        kc = _worker["km"].client()
        await kc.wait_for_ready(timeout=60)
        return await kc.execute_interactive(code, silent=True, store_history=False,
                                            timeout=60)

    reply = run_sync(run)()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue')}")


SETUP_TAG = "br-kernel-setup"  # the cell run first, removed from the executed notebook


def _with_setup_cell(nb: Any, spec: NotebookSpec) -> Any:
    """The notebook with a first cell that clears what the kernel's previous notebook left
    and declares this one's tables (one round trip instead of a separate request)."""
    import nbformat

    code = (f"%reset -f\nimport os as _os\n"
            f"_os.environ[{ENV_TABLES!r}] = {','.join(spec.tables)!r}\ndel _os")
    cell = nbformat.v4.new_code_cell(code, metadata={"tags": ["remove-cell", SETUP_TAG]})
    nb.cells.insert(0, cell)
    return nb


def execute(spec: NotebookSpec, parameters: dict[str, Any], output: Path) -> tuple[float, str]:
    """Run one notebook in this worker's kernel. Returns (seconds, error text)."""
    import papermill as pm

    start = time.perf_counter()
    tmp = output.with_suffix(".tmp.ipynb")
    try:
        if _worker.get("error"):
            return 0.0, f"{_worker['error']} (kernel log: {_worker['log']})"
        if not _alive():
            _stop_kernel()  # what is left of the dead one (its sockets' folder)
            _start_kernel()
        pm.execute_notebook(_with_setup_cell(spec.read(), spec), str(tmp),
                            parameters=parameters, kernel_name="python3", km=_worker["km"],
                            progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False)
    except pm.PapermillExecutionError as exc:
        tmp.unlink(missing_ok=True)
        first = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        return time.perf_counter() - start, (
            f"the cell starting {first.strip()[:80]!r}: {exc.ename}: {exc.evalue}")
    except Exception as exc:  # kernel died, bad notebook JSON, ...
        tmp.unlink(missing_ok=True)
        return time.perf_counter() - start, (f"{type(exc).__name__}: {exc} "
                                             f"(kernel log: {_worker['log']})")
    normalise(tmp)
    os.replace(tmp, output)
    return time.perf_counter() - start, ""


def normalise(path: Path) -> None:
    """Hide the parameters cells from readers (the default one and papermill's injected
    one), number cells and execution counts from 1 and drop papermill's timings, so equal
    inputs give equal files."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"]
                   if SETUP_TAG not in c.get("metadata", {}).get("tags", [])]
    count = 0
    for index, cell in enumerate(nb["cells"]):
        if "id" in cell:  # random when the notebook is read from its MyST source
            cell["id"] = f"cell-{index}"
        meta = cell.setdefault("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        tags = meta.get("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            meta["tags"] = [*tags, "remove-cell"]
        if cell.get("cell_type") == "code":
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    papermill = nb.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
            papermill.pop(key, None)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def worker_env(data_folder: Path, results_dir: Path | None) -> dict[str, str]:
    from batteryreport.chapters import ENV_RESULTS

    env = {ENV_DATA_DIR: str(data_folder)}
    if results_dir is not None:
        env[ENV_RESULTS] = str(results_dir)
    return env
