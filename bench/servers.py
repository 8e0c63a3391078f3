"""Start and stop the servers under test (``kg serve``, Oxigraph server); cold start and memory.

Every server binds to 127.0.0.1 on a free port and is stopped by its process group, so no worker
outlives the run. Memory is the sum over the server's process tree, read from ``/proc``.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from kg.loading import graph_iri_for, turtle_files

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
ASK_QUERY = "ASK { ?s ?p ?o }"
QUERY_TIMEOUT = 60  # seconds, kg serve's time limit (see start_oxigraph for Oxigraph's)
MAX_ROWS = 10_000_000  # kg serve's row cap, lifted: Oxigraph server has none


class ServerError(Exception):
    """A server did not start or load (its log tail is in the message)."""


@dataclass
class Server:
    """A running server: its process, port, query path and the seconds it took to answer."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    query_path: str
    log: Path
    cold_start: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    def stop(self) -> None:
        """Stop the server and all its processes (its own process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def start(
    name: str,
    command: Sequence[str],
    port: int,
    query_path: str,
    log: Path,
    *,
    ready_path: str,
    timeout: float,
    env: dict[str, str] | None = None,
) -> Server:
    """Spawn ``command`` and wait until ``ready_path`` answers 200; cold start is that wait."""
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    try:
        with open(log, "wb") as handle:
            process = subprocess.Popen(
                list(command),
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )
    except OSError as error:  # e.g. the program is not installed
        raise ServerError(f"{name} cannot be started: {error}") from error
    server = Server(name, process, port, query_path, log)
    try:
        _wait_ready(server, ready_path, timeout)
    except BaseException:  # also an interrupt: never leave a server behind
        server.stop()
        raise
    server.cold_start = time.perf_counter() - began
    return server


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise ServerError(
                f"{server.name} exited ({server.process.returncode}): {tail(server.log)}"
            )
        if status(server.port, path) == 200:
            return
        time.sleep(0.05)
    raise ServerError(f"{server.name} not ready after {timeout:.0f} s: {tail(server.log)}")


def status(port: int, path: str, accept: str = "*/*") -> int | None:
    """The HTTP status of GET ``path``, or None when nothing answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def tail(log: Path, lines: int = 15) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def start_kg(
    ontology: Path, data: Path, log: Path, *, workers: int, timeout: float, store: str = "memory"
) -> Server:
    """``kg serve`` on the given folders (or a remote ``store`` URL), without SHACL validation."""
    port = free_port()
    command = [
        str(BIN / "kg"),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--data",
        str(data),
        "--ontology",
        str(ontology),
        "--no-validate",
        "--workers",
        str(workers),
        "--timeout",
        str(QUERY_TIMEOUT),
        "--max-rows",
        str(MAX_ROWS),
        "--store",
        store,
    ]
    name = "kg serve" if store == "memory" else "kg serve (remote store: Oxigraph in memory)"
    return start(
        name, command, port, "/sparql", log, ready_path="/healthz", timeout=timeout, env=KG_ENV
    )


# The load clients all come from 127.0.0.1, one client to the per-client budget: without it the
# saturated runs would measure 429s.
KG_ENV = {**os.environ, "KG_CLIENT_BUDGET": "0"}


def load_oxigraph(ontology: Path, data: Path, location: Path, log: Path) -> float:
    """Load the files into an on-disk Oxigraph store, one named graph each (reused if done)."""
    marker = location / ".bench-loaded"
    if marker.exists():
        return float(marker.read_text())
    location.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    for folder in (ontology, data):
        for path in turtle_files(folder):
            command = [
                str(BIN / "oxigraph"),
                "load",
                "--location",
                str(location),
                "--file",
                str(path),
                "--graph",
                str(graph_iri_for(path, folder)),
            ]
            with open(log, "ab") as handle:
                done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, check=False)
            if done.returncode:
                raise ServerError(f"oxigraph load failed on {path.name}: {tail(log)}")
    seconds = time.perf_counter() - began
    marker.write_text(f"{seconds:.3f}")
    return seconds


def start_oxigraph(location: Path, log: Path, *, timeout: float) -> Server:
    """Oxigraph server, read-only, on the loaded store, the default graph being the union.

    Without ``--timeout-s``: with it, Oxigraph 0.5 starts a thread per query that lives for the
    whole time limit, and at thousands of requests per second the server runs out of threads.
    """
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{HOST}:{port}",
        "--union-default-graph",
    ]
    ready = "/query?query=" + quote(ASK_QUERY)
    return start(
        "Oxigraph server (RocksDB)", command, port, "/query", log, ready_path=ready, timeout=timeout
    )


def start_oxigraph_memory(ontology: Path, data: Path, log: Path, *, timeout: float) -> Server:
    """Oxigraph server in memory, loaded through its Graph Store endpoint (one POST per file);
    its cold start includes that load."""
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve",
        "--bind",
        f"{HOST}:{port}",
        "--union-default-graph",
    ]
    ready = "/query?query=" + quote(ASK_QUERY)
    began = time.perf_counter()
    server = start(
        "Oxigraph server (memory)", command, port, "/query", log, ready_path=ready, timeout=timeout
    )
    try:
        for folder in (ontology, data):
            for path in turtle_files(folder):
                _post_graph(port, path, str(graph_iri_for(path, folder)))
    except BaseException:  # also an interrupt: never leave a server behind
        server.stop()
        raise
    server.cold_start = time.perf_counter() - began
    return server


def _post_graph(port: int, path: Path, graph: str) -> None:
    """POST a Turtle file into named graph ``graph`` (SPARQL 1.1 Graph Store Protocol)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=600)
    try:
        with open(path, "rb") as body:
            connection.request(
                "POST",
                f"/store?graph={quote(graph, safe='')}",
                body=body,
                headers={"Content-Type": "text/turtle", "Content-Length": str(path.stat().st_size)},
            )
            response = connection.getresponse()
            answer = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise ServerError(f"loading {path.name} failed: {error}") from error
    finally:
        connection.close()
    if response.status not in (200, 201, 204):
        raise ServerError(f"loading {path.name} failed: HTTP {response.status} {answer[:300]!r}")


@dataclass(frozen=True)
class Memory:
    """Memory of a process tree, in bytes: the sum of RSS (shared pages counted per process)
    and of PSS (shared pages divided among their users)."""

    rss: int
    pss: int
    processes: int


def memory(pid: int) -> Memory:
    """The memory of process ``pid`` and all its descendants."""
    tree = _descendants(pid) | {pid}
    rss = pss = 0
    for member in tree:
        fields = _rollup(member)
        rss += fields.get("Rss", 0)
        pss += fields.get("Pss", 0)
    return Memory(rss * 1024, pss * 1024, len(tree))


def _rollup(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    fields = {}
    for line in text.splitlines()[1:]:
        key, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[key] = int(rest.split()[0])
    return fields


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, queue = set(), [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.add(child)
            queue.append(child)
    return found


def _parent(entry: Path) -> int | None:
    try:
        stat = (entry / "stat").read_text()
        return int(stat.rpartition(")")[2].split()[1])
    except (OSError, IndexError, ValueError):  # the process ended meanwhile
        return None
