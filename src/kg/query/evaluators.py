"""Supervised evaluator processes: a query runs in a disposable process, never in a web worker.

An engine fault (pyoxigraph aborts the process on some queries, a deep query overflows the
stack), a runaway or a memory blow-up must cost one disposable unit of work, not the web worker
and the other requests it holds. So every query of the embedded store is evaluated in an
*evaluator*: a process forked from the loaded store (sharing it copy-on-write), with a memory
ceiling (``RLIMIT_AS``: its address space at fork plus the ``query_memory_mb`` setting).

- A *hatchery* process is forked once from the process that loaded the store (the server's master
  before it forks its web workers; otherwise on first use). It listens on an abstract Unix socket
  and, for each connection from a process of the same user (``SO_PEERCRED``), forks an evaluator
  that serves that connection: it says its pid, then answers jobs one at a time until the
  connection closes.
- Each web worker keeps a small pool of connected evaluators (one per request thread in use). A
  request takes one, sends the job (JSON) and waits for the answer until the deadline. At the
  deadline the worker kills the evaluator (SIGKILL: the CPU is free at once), connects a new one
  and answers 503. An evaluator that dies (abort, memory ceiling) is seen as a closed connection:
  503 naming the memory limit and the engine fault. The web worker itself never stops.
- Backstops: an evaluator is killed by the kernel if its hatchery dies (``PR_SET_PDEATHSIG``), and
  by ``SIGALRM`` a few seconds past a job's limit if no worker is left to kill it.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import json
import math
import os
import resource
import secrets
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from kg.stores import (
    QueryAborted,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ResultTooLarge,
    StoreUnavailable,
)

Job = dict[str, Any]
Handler = Callable[[Job], bytes]

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PR_SET_NAME = 15
HATCHERY_NAME = b"kg-hatchery"  # process names (ps, /proc/PID/comm), for operators and tests
EVALUATOR_NAME = b"kg-evaluator"
LENGTH = struct.Struct("!Q")
PID = struct.Struct("!q")
ALARM_MARGIN = 5  # seconds past a job's limit when an evaluator ends itself
CONNECT_TIMEOUT = 5.0
OK, ERROR = b"o", b"e"


class Hatchery:
    """The process that forks evaluators, and how to reach it."""

    def __init__(self, handler: Handler, memory_mb: int):
        self._handler = handler
        self._memory_mb = memory_mb
        self._address = ""
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """The socket address, starting the hatchery first if this process has none running."""
        with self._lock:
            if not self._address or not _alive(self._pid):
                self._start()
            return self._address

    def restart(self) -> None:
        """Forget the hatchery (it did not answer): the next use starts a new one."""
        with self._lock:
            self._address = ""

    def _start(self) -> None:
        address = f"\0kg-evaluators-{os.getpid()}-{secrets.token_hex(8)}"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(address)
        listener.listen(64)
        pid = os.fork()
        if pid == 0:  # the hatchery
            _close_inherited(keep=listener.fileno())
            _run_child(lambda: _hatch(listener, self._handler, self._memory_mb))
        listener.close()
        self._address, self._pid = address, pid

    @property
    def pid(self) -> int:
        """The hatchery's process id (0 before it started)."""
        return self._pid


def _close_inherited(*, keep: int) -> None:
    """Close every file the parent had open but standard streams and ``keep``: a hatchery that
    held a copy of, say, the pipe to a browser driver would keep that pipe from ever closing."""
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _run_child(body: Callable[[], None]) -> None:
    """Run ``body`` in a forked child and leave without running the parent's exit handlers."""
    code = 0
    try:
        body()
    except BaseException:  # the child must never return into the parent's code
        code = 1
    finally:
        os._exit(code)


def _become(name: bytes) -> None:
    """Name this process and have the kernel kill it when its parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        libc.prctl(PR_SET_NAME, ctypes.c_char_p(name))
    os.environ["RUST_BACKTRACE"] = "0"  # an engine panic logs one line, not a backtrace
    faulthandler.disable()  # a crash is expected here: no Python stack dump of the parent's code


def _hatch(listener: socket.socket, handler: Handler, memory_mb: int) -> None:
    """The hatchery's loop: fork an evaluator per accepted connection of our own user."""
    _become(HATCHERY_NAME)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # evaluators are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # stopped by its parent's death, not Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        connection, _ = listener.accept()
        if _peer_uid(connection) != os.getuid():
            connection.close()
            continue
        if os.fork() == 0:
            listener.close()
            _run_child(partial(_evaluate_forever, connection, handler, memory_mb))
        connection.close()


def _peer_uid(connection: socket.socket) -> int:
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def _evaluate_forever(connection: socket.socket, handler: Handler, memory_mb: int) -> None:
    """An evaluator: cap memory, say the pid, then answer jobs until the connection closes."""
    _become(EVALUATOR_NAME)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    limit_memory(memory_mb)
    connection.sendall(PID.pack(os.getpid()))
    while True:
        try:
            job = json.loads(receive(connection, None))
        except (EOFError, OSError):
            return
        signal.alarm(math.ceil(float(job.get("timeout") or 0)) + ALARM_MARGIN)
        reply = _answer(handler, job)
        signal.alarm(0)
        send(connection, reply)


def _answer(handler: Handler, job: Job) -> bytes:
    try:
        return OK + handler(job)
    except MemoryError:
        error: Exception = QueryAborted("the query reached the memory limit of its evaluator")
    except Exception as failure:  # delivered to the worker, which raises it there
        error = failure
    kind = type(error).__name__ if type(error).__name__ in ERRORS else "StoreUnavailable"
    return ERROR + json.dumps({"kind": kind, "message": str(error)}).encode()


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at its current size plus ``memory_mb`` MB."""
    if memory_mb <= 0:
        return
    ceiling = address_space() + memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def address_space() -> int:
    """This process's virtual memory size in bytes (``VmSize``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def send(connection: socket.socket, payload: bytes) -> None:
    """One length-prefixed message."""
    connection.sendall(LENGTH.pack(len(payload)) + payload)


def receive(connection: socket.socket, deadline: float | None) -> bytes:
    """One length-prefixed message; ``TimeoutError`` past ``deadline`` (monotonic seconds)."""
    (size,) = LENGTH.unpack(_exactly(connection, LENGTH.size, deadline))
    return _exactly(connection, size, deadline)


def _exactly(connection: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            connection.settimeout(remaining)
        chunk = connection.recv(min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


class Evaluator:
    """A connected evaluator process."""

    def __init__(self, address: str):
        self.connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.connection.settimeout(CONNECT_TIMEOUT)
            self.connection.connect(address)
            (self.pid,) = PID.unpack(_exactly(self.connection, PID.size, None))
        except BaseException:
            self.connection.close()
            raise

    def idle_and_alive(self) -> bool:
        """Whether the evaluator can take a job: an idle one never sends anything, so a readable
        connection means it has closed (the evaluator died while idle)."""
        readable, _, _ = select.select([self.connection], [], [], 0)
        return not readable

    def kill(self) -> None:
        """End the process at once (its CPU and memory are free) and close the connection."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        self.connection.close()

    def __del__(self) -> None:  # a store never closed still closes its connections when collected
        with contextlib.suppress(Exception):
            self.connection.close()


# what an evaluator may report, by class name (anything else is reported as StoreUnavailable)
ERRORS: dict[str, type[Exception]] = {
    error.__name__: error
    for error in (QueryError, QueryRefused, QueryAborted, ResultTooLarge, StoreUnavailable)
}


class EvaluatorPool:
    """The evaluators of this process, one per request thread in use."""

    def __init__(self, hatchery: Hatchery, memory_mb: int):
        self._hatchery = hatchery
        self._memory_mb = memory_mb
        self._idle: list[Evaluator] = []
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def run(self, job: Job, timeout: float | None) -> bytes:
        """The evaluators' answer to ``job``; :class:`QueryTimeout` past ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        evaluator = self._sent(json.dumps({**job, "timeout": timeout}).encode())
        try:
            reply = receive(evaluator.connection, deadline)
        except TimeoutError:
            evaluator.kill()
            self._replace()
            raise QueryTimeout(f"the query ran past the time limit of {timeout:g} s") from None
        except (EOFError, OSError):
            evaluator.kill()
            raise QueryAborted(self._aborted_message()) from None
        self._give(evaluator)
        return _unpack(reply)

    def _sent(self, payload: bytes) -> Evaluator:
        """An evaluator that has received ``payload``; an idle one found dead is replaced."""
        evaluator = self._take()
        try:
            send(evaluator.connection, payload)
        except OSError:
            evaluator.kill()
            evaluator = self._connect()
            try:
                send(evaluator.connection, payload)
            except OSError as error:
                evaluator.kill()
                raise StoreUnavailable("the query evaluators do not answer") from error
        return evaluator

    def _aborted_message(self) -> str:
        return (
            "the query engine stopped while evaluating this query: it reached the memory limit "
            f"of {self._memory_mb} MB per query or hit an engine fault (see docs/endpoint.md); "
            "the query was not answered"
        )

    def _take(self) -> Evaluator:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's connections are not ours
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                evaluator = self._idle.pop()
                if evaluator.idle_and_alive():
                    return evaluator
                evaluator.kill()
        return self._connect()

    def _give(self, evaluator: Evaluator) -> None:
        with self._lock:
            self._idle.append(evaluator)

    def _replace(self) -> None:
        """Connect a fresh evaluator in place of a killed one, so the next query waits for none."""
        with contextlib.suppress(StoreUnavailable):
            self._give(self._connect())

    def _connect(self) -> Evaluator:
        for _ in range(2):  # the hatchery may have died: start another once
            try:
                return Evaluator(self._hatchery.address)
            except (OSError, EOFError, struct.error):
                self._hatchery.restart()
        raise StoreUnavailable("the query evaluators cannot be started")

    def close(self) -> None:
        """Close this process's connections (their evaluators exit)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for evaluator in idle:
            evaluator.close()


def _unpack(reply: bytes) -> bytes:
    if reply[:1] == OK:
        return reply[1:]
    error = json.loads(reply[1:])
    raise ERRORS.get(error["kind"], StoreUnavailable)(error["message"])
