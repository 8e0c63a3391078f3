"""Run ``kg serve`` as a real server (gunicorn, free localhost port) for tests and fixtures."""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO

KG = str(Path(sys.executable).with_name("kg"))
PR_SET_PDEATHSIG = 1  # linux/prctl.h
START_TIMEOUT = 60.0  # seconds for `kg serve` to listen and answer /healthz


@contextlib.contextmanager
def running_server(
    *args: str, log: Path, environ: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``kg serve --port 0 *args``; yield its base URL (ending in ``/``) and the process.
    The server sees no ``KG_*`` variable of ours, only those of ``environ``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KG_")}
    env.update(environ or {})
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [KG, "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
        try:
            url = _announced_url(process, log)
            _wait_healthy(url, log)
            yield url, process
        finally:
            _stop(process)


def _stop_with_parent() -> None:
    """In the child: get SIGINT when the test process dies, so no server outlives a killed run."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def _announced_url(process: subprocess.Popen[str], log: Path) -> str:
    """The URL ``kg serve`` prints once it listens."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None
    threading.Thread(target=_forward, args=(stdout, lines), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        if "http://" in line:
            return line[line.index("http://") :].split()[0]
    raise RuntimeError(f"kg serve did not start: {log.read_text()}")


def _forward(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Copy the lines of ``stream`` to ``lines`` until it ends or is closed."""
    with contextlib.suppress(ValueError, OSError):
        for line in stream:
            lines.put(line)


def _wait_healthy(url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"kg serve never became healthy: {log.read_text()}")


def stop_all(processes: list[subprocess.Popen[str]], timeout: float = 10.0) -> None:
    """SIGINT every server still running, then wait for them all (their shutdowns overlap, one
    ``timeout`` for all); a server still running after it is left to its ``running_server``."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    for process in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGINT the server (gunicorn's quick shutdown), SIGKILL the group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


@dataclass(frozen=True)
class Reply:
    """An HTTP response: status, headers (case-insensitive) and the raw body."""

    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One HTTP request with urllib; error statuses are returned, not raised."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())
