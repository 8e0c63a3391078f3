"""``make soak``: the benchmark mix at saturation, with query bombs, slow clients and a killed
worker mixed in; prints errors, probe latency and memory as Markdown (docs/benchmarks.md).

    python bench/soak.py --minutes 10 [--size 100000] [--clients 4] [--workers 2]

Pass criteria (issue #10): no errors outside the bombs (a request in flight on the worker that
is killed is counted apart), probe p99 under 1 s, resident memory flat after the warm-up.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``kg`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import WORK_DIR, generate, load, servers
from bench.containment import phases
from kg.config import PROJECT_ROOT

VALUES_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{0 1 2 3 4 5 6 7 8 9}}" for i in range(10))
    + " }"
)
ORDER_BY_PANIC = (
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?f WHERE { VALUES ?f { "
    '"1e3"^^xsd:double "5"^^xsd:decimal "b"@en "b"@en "9"@en "3000-01-01"^^xsd:date "60000" '
    '"3000-01-01"^^xsd:date "12"@en "2020-05-29"^^xsd:date "1999-01-01"^^xsd:date "s5"@en '
    '"2020-05-29" "60000" "a"@en "2020-06-01"^^xsd:date "12"@en "60000"^^xsd:decimal '
    '"5"^^xsd:decimal "2020-06-01"^^xsd:date "2020-06-01"^^xsd:date } } ORDER BY ?f'
)
BOMBS = [
    VALUES_PRODUCT,
    ORDER_BY_PANIC,
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "SELECT * WHERE { BIND(" + "+".join(["1"] * 9000) + " AS ?x) }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
]
KILL_WINDOW = 5.0  # seconds after the kill in which an error is the killed worker's
SLOW_HEAD = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: "


@dataclass
class Soak:
    """What happened during the soak."""

    bombs: dict[int, int] = field(default_factory=dict)  # status -> count
    probes: list[float] = field(default_factory=list)
    probe_errors: int = 0
    memory: list[tuple[float, servers.Memory]] = field(default_factory=list)
    killed_at: float | None = None
    killed_clock: float | None = None  # time.perf_counter() of the kill
    slow_answers: int = 0


def post(port: int, query: str, timeout: float = 60) -> int:
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=timeout)
    try:
        connection.request(
            "POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def bombard(port: int, soak: Soak, stop: threading.Event, every: float) -> None:
    """One bomb every ``every`` seconds, in turn."""
    index = 0
    while not stop.wait(every):
        status = post(port, BOMBS[index % len(BOMBS)])
        soak.bombs[status] = soak.bombs.get(status, 0) + 1
        index += 1


def probe(port: int, soak: Soak, stop: threading.Event) -> None:
    """A short query on a fresh connection twice a second: the latency others see."""
    path = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
    while not stop.wait(0.5):
        started = time.perf_counter()
        connection = http.client.HTTPConnection(servers.HOST, port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
        finally:
            connection.close()
        if ok:
            soak.probes.append(time.perf_counter() - started)
        else:
            soak.probe_errors += 1


def trickle(port: int, soak: Soak, stop: threading.Event, count: int) -> None:
    """``count`` connections sending a header byte a second, reopened when answered (408)."""
    sockets: list[socket.socket] = []
    while not stop.wait(1.0):
        while len(sockets) < count:
            with contextlib.suppress(OSError):
                sock = socket.create_connection((servers.HOST, port), timeout=5)
                sock.sendall(SLOW_HEAD)
                sock.setblocking(False)
                sockets.append(sock)
        for sock in list(sockets):
            try:
                if sock.recv(4096):
                    soak.slow_answers += 1
                sockets.remove(sock)
                sock.close()
            except BlockingIOError:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")
            except OSError:
                sockets.remove(sock)
                sock.close()
    for sock in sockets:
        sock.close()


def sample_memory(pid: int, soak: Soak, stop: threading.Event, began: float) -> None:
    """The server's memory (all its processes, evaluators included) every 10 s."""
    while not stop.wait(10.0):
        try:
            soak.memory.append((time.monotonic() - began, servers.memory(pid)))
        except Exception as error:  # a process ending mid-read must not stop the sampling
            print(f"memory sample skipped: {error!r}", file=sys.stderr)


def kill_a_worker(master: int, soak: Soak, began: float) -> None:
    """SIGKILL one web worker (a child of the master other than the evaluators' hatchery)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            head, rest = stat.read_text().rsplit(")", 1)
            if int(rest.split()[1]) == master and "kg-hatchery" not in head:
                os.kill(int(stat.parent.name), signal.SIGKILL)
                soak.killed_at = time.monotonic() - began
                soak.killed_clock = time.perf_counter()
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slow", type=int, default=20, help="trickling connections")
    parser.add_argument("--bomb-every", type=float, default=10.0, help="seconds between bombs")
    parser.add_argument("--work", type=Path, default=WORK_DIR)
    args = parser.parse_args(argv)
    folder = args.work / str(args.size)
    manifest = generate.generate(
        PROJECT_ROOT / "ontology", PROJECT_ROOT / "data", folder, target=args.size, seed=20200408
    )
    requests = phases(manifest.samples, PROJECT_ROOT / "queries")
    mix = requests["mix"] + requests["lookups"] + requests["/id/ pages"]
    port = servers.free_port()
    command = [
        str(servers.BIN / "kg"), "serve", "--host", servers.HOST, "--port", str(port),
        "--data", str(folder / "data"), "--ontology", str(folder / "ontology"),
        "--no-validate", "--workers", str(args.workers),
    ]  # fmt: skip
    server = servers.start(
        "kg serve", command, port, "/sparql", args.work / "soak.log",
        ready_path="/healthz", timeout=120, env=servers.KG_ENV,
    )  # fmt: skip
    soak, stop, began = Soak(), threading.Event(), time.monotonic()
    duration = args.minutes * 60
    helpers = [
        threading.Thread(target=bombard, args=(port, soak, stop, args.bomb_every)),
        threading.Thread(target=probe, args=(port, soak, stop)),
        threading.Thread(target=trickle, args=(port, soak, stop, args.slow)),
        threading.Thread(target=sample_memory, args=(server.process.pid, soak, stop, began)),
    ]
    killer = threading.Timer(duration / 2, kill_a_worker, (server.process.pid, soak, began))
    try:
        for helper in [*helpers, killer]:
            helper.start()
        bounds = load.Bounds(duration, 10**9, cap=duration)  # the whole soak, not the default cap
        result = load.run(port, mix, clients=args.clients, bounds=bounds)
    finally:
        stop.set()
        killer.cancel()
        for helper in helpers:
            helper.join()
        server.stop()
    print_report(args, manifest.triples, result, soak)
    return 0


def print_report(
    args: argparse.Namespace, triples: int, result: load.LoadResult, soak: Soak
) -> None:
    probes = sorted(soak.probes)
    p50 = statistics.median(probes) if probes else float("nan")
    p99 = probes[int(len(probes) * 0.99) - 1] if probes else float("nan")
    mb = 1024 * 1024
    print(f"soak: {args.minutes:g} min, {triples:,} triples, {args.clients} clients, "
          f"{args.workers} workers, {args.slow} slow clients, a bomb every {args.bomb_every:g} s, "
          f"one worker killed at {soak.killed_at or 0:.0f} s")  # fmt: skip
    kill = soak.killed_clock
    at_kill = sum(1 for t in result.error_times if kill is not None and 0 <= t - kill < KILL_WINDOW)
    first = f" (first: {result.first_error})" if result.errors else ""
    print(f"- load: {result.requests:,} requests, {result.throughput:,.1f} req/s, "
          f"{result.errors} errors, {at_kill} of them within {KILL_WINDOW:g} s "
          f"of the kill{first}")  # fmt: skip
    print(f"- bombs: {dict(sorted(soak.bombs.items()))} (status: count)")
    print(f"- probe: {len(probes)} answered, {soak.probe_errors} errors, "
          f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")  # fmt: skip
    print(f"- slow clients answered (408): {soak.slow_answers}")
    warm = [(at, memory) for at, memory in soak.memory if at >= 60] or soak.memory
    if warm:
        pss = [memory.pss / mb for _, memory in warm]
        rss = max(memory.rss for _, memory in warm) / mb
        print(f"- after warm-up (60 s): PSS first {pss[0]:,.0f} MB, last {pss[-1]:,.0f} MB, "
              f"max {max(pss):,.0f} MB; RSS summed over processes, max {rss:,.0f} MB")  # fmt: skip
        series = ", ".join(
            f"{at:.0f}s {m.pss / mb:.0f}/{m.processes}" for at, m in soak.memory[::6]
        )
        print(f"- PSS MB / processes, every minute: {series}")


if __name__ == "__main__":
    raise SystemExit(main())
