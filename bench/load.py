"""HTTP load client: concurrent keep-alive clients cycling through a list of requests.

Each client is a thread with its own ``http.client`` connection (re-opened when a server closes
it), starting at a different point of the list. The run is bounded both by time and by a request
count; only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Request:
    """One GET request: path with query string, and the Accept header."""

    path: str
    accept: str
    name: str = ""  # what the latency is reported under


@dataclass
class LoadResult:
    """What a load run achieved."""

    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""
    by_name: dict[str, list[float]] = field(default_factory=dict)
    error_times: list[float] = field(default_factory=list)  # time.perf_counter() of each error

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.elapsed if self.elapsed else 0.0

    @property
    def median_latency(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None


def sparql_request(query_path: str, query: str, accept: str, name: str = "") -> Request:
    """A SPARQL protocol GET request for ``query``."""
    return Request(f"{query_path}?query={quote(query)}", accept, name)


@dataclass(frozen=True)
class Bounds:
    """When a run stops: after ``duration`` s once ``minimum`` requests were sent, at ``limit``
    requests, or at ``cap`` s whatever the count."""

    duration: float
    limit: int
    minimum: int = 0
    cap: float = 300.0

    def done(self, started: float, sent: int) -> bool:
        elapsed = time.perf_counter() - started
        return (
            sent >= self.limit
            or elapsed >= self.cap
            or (elapsed >= self.duration and sent >= self.minimum)
        )


def run(
    port: int,
    requests: list[Request],
    *,
    clients: int,
    bounds: Bounds | None = None,
    duration: float = 10.0,
    limit: int = 20_000,
) -> LoadResult:
    """Send ``requests`` round-robin from ``clients`` threads until ``bounds`` say stop
    (by default: ``duration`` seconds or ``limit`` requests, whichever comes first)."""
    bounds = bounds or Bounds(duration, limit)
    result, lock = LoadResult(), threading.Lock()
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [
            pool.submit(
                _client, port, requests, n * len(requests) // clients, bounds, began, result, lock
            )
            for n in range(clients)
        ]
    for future in futures:
        future.result()  # re-raises a client's unexpected error
    result.elapsed = time.perf_counter() - began
    return result


def _client(
    port: int,
    requests: list[Request],
    offset: int,
    bounds: Bounds,
    began: float,
    result: LoadResult,
    lock: threading.Lock,
) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    index = offset
    try:
        while True:
            with lock:
                if bounds.done(began, result.requests):
                    return
                result.requests += 1
            request = requests[index % len(requests)]
            index += 1
            outcome = _send(connection, request)
            with lock:
                _record(result, request, outcome)
    finally:
        connection.close()


def _send(connection: http.client.HTTPConnection, request: Request) -> tuple[float, str]:
    """Send one request; its latency and an error text ('' when it got a 200)."""
    start = time.perf_counter()
    try:
        connection.request("GET", request.path, headers={"Accept": request.accept})
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return time.perf_counter() - start, f"{type(error).__name__}: {error}"
    latency = time.perf_counter() - start
    if response.status != 200:
        return latency, f"HTTP {response.status}: {body[:200]!r}"
    return latency, ""


def _record(result: LoadResult, request: Request, outcome: tuple[float, str]) -> None:
    latency, error = outcome
    if error:
        result.errors += 1
        result.error_times.append(time.perf_counter())
        result.first_error = result.first_error or f"{request.name or request.path[:80]}: {error}"
    else:
        result.latencies.append(latency)
        result.by_name.setdefault(request.name, []).append(latency)
