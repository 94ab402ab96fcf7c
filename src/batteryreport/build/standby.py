"""Helpers on standby: a build leaves its two helper processes' successors set up, and a
notebooks' runner, so that the next build of the checkout finds Sphinx, the briefs'
renderers and the notebooks' imports ready.

Setting the helpers up (importing Sphinx and its extensions, reading the configuration and
the saved environment; importing Typst and starting vl-convert) takes about 2.5 s of CPU.
A build that follows an edit used to pay it again, on a machine with two cores, while it
analysed and ran the notebooks. Now, when a build of the ``build``, ``briefs`` or
``publish`` command ends, it starts one standby process per helper, which sets up at once
(while the maintainer edits the next file) and waits. The next build takes them over. The
runner's standby (:mod:`batteryreport.build.kernels`) imports what the notebooks need, as
the runner a build forks does; taken, it runs the build's notebooks in forks of itself.

A standby is used only if nothing it was set up from has changed:

- its key: the role, the set-up function and its arguments, the package's code, the
  Python interpreter, the working folder, the environment variables (less a few a shell
  changes by itself) and the day are the ones the build would set a helper up with;
- and every file its set-up read (the book's configuration, the saved Sphinx environment,
  every module imported) is as it was then (size, modification time, inode).

Otherwise it is not used: a standby whose key differs is stopped and a fresh helper is
started, as before; one whose files changed starts afresh in a new interpreter on the
same connection (the build sees a helper set up later, nothing else). A standby whose own
reading of the package's code differs from its key's exits at once.

A standby exits after ``BATTERYREPORT_STANDBY_IDLE`` seconds unused (default 900), when its
record in the checkout's ``.cache/standby`` is gone or names another process (stopped,
replaced, the checkout removed); one that serves a build exits with that build, and the
build waits for it to be gone before it releases the checkout's lock. A build takes a
standby only once the standby has said so, under the lock its exit takes too. A signal
goes only to a process whose command line and start time are the record's.

``BATTERYREPORT_STANDBY=0`` turns standbys off (the tests do, except their own), and so
does a system without ``/proc``; a ``CI`` environment variable turns them off unless
``BATTERYREPORT_STANDBY=1`` asks for them. The connection is a Unix
socket in the abstract namespace, authenticated with a random key kept in the checkout's
``.cache/standby`` (mode 0600). Any failure in this machinery means no standby, never a
failed build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from batteryreport.build.code import code_hash

ENV_STANDBY = "BATTERYREPORT_STANDBY"  # "0": no standby helpers
ENV_STANDBY_IDLE = "BATTERYREPORT_STANDBY_IDLE"  # seconds a standby waits to be used
DEFAULT_IDLE_SECONDS = 900
# What a shell changes by itself between two commands: not part of a standby's key.
VOLATILE_ENV = frozenset({"_", "OLDPWD", "SHLVL", "PWD", "TERM_SESSION_ID"})
CONNECT_SECONDS = 2.0  # a standby just started takes this long at most to listen
ANSWER_SECONDS = 5.0  # a standby says whether it is taken within this
BIND_SECONDS = 20.0  # a replaced standby may hold the address until its set-up is done
ROLES = ("briefs", "site", "notebooks")  # the helpers and the notebooks' runner (start.py)
MARK = b"batteryreport.build.standby"


def enabled(env: dict[str, str] | os._Environ = os.environ) -> bool:
    """On unless ``BATTERYREPORT_STANDBY=0``; off by default in CI (``CI`` set), where no
    maintainer builds twice, but ``BATTERYREPORT_STANDBY=1`` asks for them there too."""
    asked = env.get(ENV_STANDBY, "")
    if asked == "0" or not os.path.exists("/proc/self/cmdline"):
        return False
    return asked == "1" or not env.get("CI")


def key_of(role: str, setup: Callable[..., None], args: tuple, env: dict[str, str],
           code: str) -> str:
    """What a helper of this role would be set up from, in this build."""
    described = {"role": role, "setup": f"{setup.__module__}.{setup.__qualname__}",
                 "args": repr(args), "code": code, "python": sys.executable,
                 "flags": repr((sys.flags, sys.warnoptions, sys._xoptions)),
                 "umask": _umask(), "cwd": os.getcwd(),
                 "day": time.strftime("%Y-%m-%d", time.gmtime()),
                 "env": sorted((k, v) for k, v in env.items() if k not in VOLATILE_ENV)}
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()


def _umask() -> str:
    """This process's umask, read (setting it to read it would race other threads)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return ""
    return next((line.split()[1] for line in status.splitlines()
                 if line.startswith("Umask:")), "")


def folder_of(cache: Path) -> Path:
    return cache / "standby"


def _address(folder: Path, role: str) -> str:
    digest = hashlib.sha256(f"{os.getuid()}:{folder.resolve()}:{role}".encode()).hexdigest()
    return "\0batteryreport-" + digest[:32]


def _record_file(folder: Path, role: str) -> Path:
    return folder / f"{role}.json"


def _reads_file(folder: Path, role: str) -> Path:
    return folder / f"{role}.reads.json"


def _read_record(folder: Path, role: str) -> dict[str, Any] | None:
    try:
        return json.loads(_record_file(folder, role).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _start_time(pid: int) -> int | None:
    """When the process started (clock ticks since boot), to tell it from a later one
    given the same pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _is_standby(pid: int, started: int | None = None) -> bool:
    """The process is alive and is the standby that started at ``started`` (a pid and a
    start time name one process: this one, even before it shows its command line), or,
    without ``started``, a standby."""
    if pid <= 0:
        return False
    try:
        if "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text(encoding="utf-8"):
            return False
        if started is not None:
            return _start_time(pid) == started
        return MARK in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _of_record(record: dict[str, Any]) -> bool:
    return _is_standby(int(record.get("pid", 0)), record.get("started"))


def _forget(folder: Path, role: str, pid: int) -> None:
    """Remove the role's record if it names ``pid``."""
    record = _read_record(folder, role)
    if record is not None and record.get("pid") == pid:
        for path in (_record_file(folder, role), _reads_file(folder, role)):
            with contextlib.suppress(OSError):
                path.unlink()


def stop(folder: Path, role: str) -> int | None:
    """Stop the role's standby, if one is waiting; returns its pid if it was signalled.
    (One that has not yet started its interpreter exits by itself: its record is gone.)"""
    record = _read_record(folder, role)
    signalled = None
    if record is not None and _of_record(record):
        with contextlib.suppress(OSError):
            os.kill(int(record["pid"]), signal.SIGTERM)
            signalled = int(record["pid"])
    for path in (_record_file(folder, role), _reads_file(folder, role)):
        with contextlib.suppress(OSError):
            path.unlink()
    return signalled


def stop_all(cache: Path, wait_seconds: float = 5.0) -> None:
    """Stop every standby of the checkout whose cache folder is ``cache``, and wait for
    them to exit (before the checkout's build products are removed, say)."""
    folder = folder_of(cache)
    records = [r for r in (_read_record(folder, role) for role in ROLES) if r is not None]
    for role in ROLES:
        stop(folder, role)
    deadline = time.monotonic() + wait_seconds
    while any(_of_record(r) for r in records) and time.monotonic() < deadline:
        time.sleep(0.05)


def launch(folder: Path, role: str, setup: Callable[..., None], args: tuple, niceness: int,
           env: dict[str, str], code: str, then: tuple[Callable[[], None], ...] = (),
           serve: Callable[[Any], None] | None = None) -> None:
    """Start a standby for ``role`` (replacing any other), set up by ``setup(*args)`` and
    then each of ``then``, in environment ``env`` (the build's, as it started). Taken, it
    serves the build with ``serve(connection)`` (by default a helper's jobs)."""
    stop(folder, role)
    folder.mkdir(parents=True, exist_ok=True)
    authkey = secrets.token_bytes(32)
    config = {"role": role, "setup": setup, "args": args, "then": then, "serve": serve,
              "niceness": niceness, "key": key_of(role, setup, args, env, code),
              "code": code, "address": _address(folder, role), "authkey": authkey,
              "folder": str(folder),
              "idle": float(env.get(ENV_STANDBY_IDLE, DEFAULT_IDLE_SECONDS))}
    launch_file = folder / f"{role}.{secrets.token_hex(4)}.launch"
    fd = os.open(launch_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(config, fh)
    log = open(folder / f"{role}.log", "wb")  # noqa: SIM115 (the child's, closed below)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "batteryreport.build.standby", str(launch_file)],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True, close_fds=True)
    except OSError:
        launch_file.unlink(missing_ok=True)
        raise
    finally:
        log.close()
    _write_json(_record_file(folder, role),
                {"key": config["key"], "pid": child.pid, "started": _start_time(child.pid),
                 "address": config["address"], "authkey": authkey.hex()})


def _write_json(path: Path, record: dict[str, Any]) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh)
    os.replace(tmp, path)


def waiting(folder: Path, role: str, key: str) -> bool:
    """A standby set up from ``key`` waits for a build, and no file its set-up read has
    changed since, as far as it has read them (a standby that does not is stopped)."""
    record = _read_record(folder, role)
    if record is None:
        return False
    if (record.get("key") == key and _of_record(record)
            and not _reads_changed(folder, role, int(record["pid"]))):
        return True
    stop(folder, role)
    return False


def _reads_changed(folder: Path, role: str, pid: int) -> bool:
    """Some file the standby's finished set-up read has changed since (checked again by
    the standby itself when it is taken, set-up finished or not)."""
    try:
        reads = json.loads(_reads_file(folder, role).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # still setting up
    if reads.get("pid") != pid:
        return False
    return bool(_changed({name: tuple(state) if state else None
                          for name, state in reads["files"].items()}))


def take(folder: Path, role: str, key: str) -> tuple[Any, Remote] | None:
    """The role's standby, taken for this build, if one set up from the same key says it
    is: its connection and its process. Else None (the build starts a new helper)."""
    from multiprocessing.connection import Client
    from multiprocessing.reduction import send_handle

    # (The build checked what its set-up read when it began, in waiting(); the standby
    # checks it again itself once taken.)
    record = _read_record(folder, role)
    if record is None or record.get("key") != key or not _of_record(record):
        return None
    pid = int(record["pid"])
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            conn = Client(record["address"], family="AF_UNIX",
                          authkey=bytes.fromhex(record["authkey"]))
            break
        except (ConnectionRefusedError, FileNotFoundError):
            if time.monotonic() > deadline or not _of_record(record):
                return None
            time.sleep(0.02)  # started a moment ago: not listening yet
        except Exception:  # noqa: BLE001 (another standby's address, ...): a new helper
            return None
    try:
        conn.send(("take", os.getpid(), key))
        if not conn.poll(ANSWER_SECONDS):
            raise EOFError
        answer = conn.recv()
        if answer != ("taken", pid):
            raise EOFError
        for fd in (1, 2):  # its output is this build's from now on
            send_handle(conn, fd, pid)
    except (OSError, EOFError):
        conn.close()
        return None
    for path in (_record_file(folder, role), _reads_file(folder, role)):
        with contextlib.suppress(OSError):
            path.unlink()
    return conn, Remote(pid)


class Remote:
    """A standby taken by this build, with what :class:`helpers.Helper` uses of a
    ``multiprocessing.Process``: it is not this process's child."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exitcode: int | None = None
        self._started = _start_time(pid)
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def is_alive(self) -> bool:
        if self._pidfd is not None and _readable(self._pidfd, 0):
            return False  # it has exited
        # (An exited standby may stay a zombie for a while: its parent, the build that
        # started it, is gone, and the process that inherits it may reap it late.)
        return _is_standby(self.pid, self._started)

    def join(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.is_alive():
            if deadline is not None and time.monotonic() > deadline:
                return
            if self._pidfd is not None:
                _readable(self._pidfd, 0.5)
            else:
                time.sleep(0.01)
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        if self.is_alive():
            with contextlib.suppress(OSError):
                if self._pidfd is not None:
                    signal.pidfd_send_signal(self._pidfd, signum)
                else:
                    os.kill(self.pid, signum)


def _readable(fd: int, seconds: float) -> bool:
    import select

    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(int(seconds * 1000)))


# -- in the standby process ------------------------------------------------------------

def _reading() -> tuple[dict[str, tuple[int, int, int] | None], Callable[[], None]]:
    """Record each file opened for reading from now on, as it was when opened; the
    returned function stops the recording (an audit hook cannot be removed)."""
    seen: dict[str, tuple[int, int, int] | None] = {}
    on = [True]
    writing = os.O_WRONLY | os.O_RDWR

    def hook(event: str, args: tuple) -> None:
        if not on[0] or event not in ("open", "os.listdir", "os.scandir"):
            return
        path = args[0]
        if not isinstance(path, (str, bytes)):
            return
        if event == "open":
            mode, flags = args[1], args[2] or 0
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or flags & writing:
                return
        name = os.path.abspath(os.fsdecode(path))
        if name not in seen and not name.startswith(("/proc/", "/dev/", "/sys/")):
            seen[name] = _state(name)

    sys.addaudithook(hook)

    def stop_recording() -> None:
        on[0] = False
        # A module whose compiled file was current was loaded without opening its
        # source: its source counts as read too.
        for module in list(sys.modules.values()):
            spec = getattr(module, "__spec__", None)
            for name in (getattr(spec, "origin", None), getattr(spec, "cached", None)):
                if isinstance(name, str) and os.path.isabs(name) and name not in seen:
                    seen[name] = _state(name)

    return seen, stop_recording


def _state(name: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(name)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _changed(seen: dict[str, tuple[int, int, int] | None]) -> list[str]:
    return [name for name, state in seen.items() if _state(name) != state]


def _watch_build(pid: int) -> None:
    """Exit as soon as the build this standby serves is gone."""
    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
            while not _readable(fd, 60):
                pass
        except (AttributeError, OSError):
            started = _start_time(pid)
            while started is not None and _start_time(pid) == started:
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-build", daemon=True).start()


def _serve_taken(conn: Any, build_pid: int, serve: Callable[[Any], None] | None) -> None:
    from batteryreport.build.helpers import serve_jobs

    _watch_build(build_pid)
    code = 0
    try:
        (serve or serve_jobs)(conn)
    except SystemExit as exc:  # stopped by the build (the runner's SIGTERM)
        code = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the build is done with it: no tearing down of what it set up


def _set_up(config: dict[str, Any]) -> None:
    try:
        config["setup"](*config["args"])
        for job in config["then"]:
            job()
    except Exception:  # noqa: S110 (the job sets up again, and raises then)
        pass


def _listen(config: dict[str, Any]) -> Any:
    """The standby's listener, once the address is free (a replaced standby may hold it
    until its set-up is done and it sees it was replaced); None if it is not."""
    from multiprocessing.connection import Listener

    begun = time.monotonic()
    while True:
        try:
            return Listener(config["address"], family="AF_UNIX", authkey=config["authkey"])
        except OSError:
            record = _read_record(Path(config["folder"]), config["role"])
            waited = time.monotonic() - begun
            if (waited > BIND_SECONDS or (record is None and waited > CONNECT_SECONDS)
                    or (record is not None and record.get("pid") != os.getpid())):
                return None
            time.sleep(0.1)


def main(launch_file: str) -> int:
    from multiprocessing import AuthenticationError
    from multiprocessing.reduction import recv_handle

    config = pickle.loads(Path(launch_file).read_bytes())  # noqa: S301 (ours, mode 0600)
    Path(launch_file).unlink(missing_ok=True)
    folder, role = Path(config["folder"]), config["role"]
    os.nice(config["niceness"])
    listener = _listen(config)
    if listener is None:
        _forget(folder, role, os.getpid())
        return 0
    taken: dict[str, Any] = {}
    ready = threading.Event()
    lock = threading.Lock()  # taken, or closing: one or the other
    state = {"taken": False, "closing": False}

    def accept() -> None:
        while True:
            try:
                conn = listener.accept()
            except (AuthenticationError, EOFError, OSError):
                if state["closing"]:
                    return
                continue  # a client that failed to authenticate: wait for the next
            try:
                what, pid, key = conn.recv()
                with lock:
                    if state["closing"] or what != "take" or key != config["key"]:
                        conn.close()
                        continue
                    state["taken"] = True
                    conn.send(("taken", os.getpid()))
                fds = [recv_handle(conn) for _ in range(2)]
            except Exception:  # noqa: BLE001 (the build went away mid-way)
                if state["taken"]:
                    os._exit(0)
                continue
            taken.update(conn=conn, pid=pid, fds=fds)
            ready.set()
            return

    seen, stop_recording = _reading()
    threading.Thread(target=accept, name="accept", daemon=True).start()
    _set_up(config)
    stop_recording()
    stale_code = code_hash() != config["code"]  # the code changed while it was launched
    if not ready.is_set() and not stale_code:  # for the next build to check first
        with contextlib.suppress(OSError):
            _write_json(_reads_file(folder, role), {"pid": os.getpid(), "files": seen})
    idle_until = time.monotonic() + config["idle"]
    while not ready.wait(timeout=1.0):
        record = _read_record(folder, role)
        if (stale_code or time.monotonic() > idle_until or record is None
                or record.get("pid") != os.getpid()):
            with lock:
                if not state["taken"]:  # unused, stopped, replaced, or its checkout gone
                    state["closing"] = True
            if state["closing"]:
                _forget(folder, role, os.getpid())
                return 0
    listener.close()
    conn, build_pid = taken["conn"], taken["pid"]
    changed = _changed(seen)
    if stale_code or changed:  # said in the standby's log
        print(f"set up again: {len(changed)} file(s) changed since, such as {changed[:3]}"
              + (" (and the package's code)" if stale_code else ""), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    for target, fd in zip((1, 2), taken["fds"], strict=True):
        os.dup2(fd, target)
        os.close(fd)
    if stale_code or changed:
        # Set up from files that have changed since: set up again in a new interpreter,
        # on the same connection (the build's requests wait in it).
        fd = conn.fileno()
        os.set_inheritable(fd, True)
        config_file = folder / f"{role}.{os.getpid()}.again"
        descriptor = os.open(config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as fh:
            pickle.dump({**config, "fd": fd, "build_pid": build_pid}, fh)
        os.execv(sys.executable, [sys.executable, "-m", "batteryreport.build.standby",
                                  "--again", str(config_file)])
    _serve_taken(conn, build_pid, config.get("serve"))
    return 0


def again(config_file: str) -> int:
    """A standby set up afresh for the build that took it (see :func:`main`)."""
    from multiprocessing.connection import Connection

    config = pickle.loads(Path(config_file).read_bytes())  # noqa: S301 (ours, mode 0600)
    Path(config_file).unlink(missing_ok=True)
    conn = Connection(config["fd"])
    _watch_build(config["build_pid"])
    _set_up(config)
    _serve_taken(conn, config["build_pid"], config.get("serve"))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--again":
        sys.exit(again(sys.argv[2]))
    if sys.argv[1] == "--stop":  # python -m batteryreport.build.standby --stop <checkout>
        sys.exit(stop_all(Path(sys.argv[2]).resolve() / ".cache") or 0)
    sys.exit(main(sys.argv[1]))
