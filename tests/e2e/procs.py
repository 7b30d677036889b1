"""Processes the test starts, each in its own process group, all stopped on
the way out (normal end, failure, Ctrl-C or SIGTERM). Their group ids are also
appended to a file so the shell wrapper's trap can kill them if Python itself
dies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

_handed_out: set[int] = set()
_port_lock = threading.Lock()


def free_port() -> int:
    """A loopback port nobody listens on now, never the same one twice in a run."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with _port_lock:
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free loopback port")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def wait_until(probe: Callable[[], T], timeout: float, interval: float = 0.2) -> T | None:
    """Polls `probe` until it returns something truthy or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


class Proc:
    def __init__(self, name: str, popen: subprocess.Popen, log: Path):
        self.name = name
        self.popen = popen
        self.log = log

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 6) -> str:
        try:
            text = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(text[-lines:])


class Processes:
    """Starts and reliably stops everything; use as a context manager."""

    def __init__(self, pgid_file: Path | None = None):
        self.procs: list[Proc] = []
        self.pgid_file = pgid_file
        self.lock = threading.Lock()  # negative self-checks run in threads

    def start(self, name: str, argv: list[str], env: dict[str, str], log: Path,
              cwd: Path | None = None) -> Proc:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = open(log, "wb")
        popen = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        out.close()
        proc = Proc(name, popen, log)
        with self.lock:
            self.procs.append(proc)
            if self.pgid_file is not None:
                with open(self.pgid_file, "a") as f:
                    f.write(f"{popen.pid}\n")
        return proc

    def stop(self, proc: Proc) -> None:
        if proc.popen.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=3)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.popen.wait(timeout=3)
        # Children the process left behind in its group go too.
        _signal_group(proc.pid, signal.SIGKILL)
        with self.lock:
            if proc in self.procs:
                self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs)):
            try:
                self.stop(proc)
            except Exception:  # keep stopping the others
                pass

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def install_signal_handlers() -> None:
    """SIGTERM/SIGHUP become SystemExit so `finally` blocks stop the processes."""

    def _exit(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)
