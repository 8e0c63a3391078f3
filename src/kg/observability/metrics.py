"""The service's Prometheus metrics, one process or many (gunicorn workers).

Every label has a bounded set of values: routes are Flask's URL rules (``/resource/<path:local>``,
never the path asked for), methods outside :data:`METHODS` count as ``other``, query forms are the
four of SPARQL, refusal reasons come from :mod:`kg.observability.outcomes`.

Across gunicorn workers prometheus-client's multi-process mode is used: each process writes its
values to files in ``PROMETHEUS_MULTIPROC_DIR`` (made private by :func:`use_multiprocess_dir`
before the app is built) and a scrape adds up the files of all processes. In one process (tests,
``flask run``) each app has a registry of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
FOLDER_PREFIX = "kg-metrics-"  # then the server's pid: kg-metrics-PID-RANDOM
CONTENT_TYPE = CONTENT_TYPE_LATEST
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def multiprocess_mode() -> bool:
    """Whether metrics are shared across processes (``PROMETHEUS_MULTIPROC_DIR`` is set)."""
    return MULTIPROC_ENV in os.environ


def use_multiprocess_dir() -> Callable[[], None]:
    """Switch this process (and the workers it will fork) to multi-process metrics in a new
    private folder, unless the operator named one; returns the clean-up to call on exit.
    Folders left by servers that were killed (their process is gone) are removed first."""
    if multiprocess_mode():
        folder, owned = Path(os.environ[MULTIPROC_ENV]), False
    else:
        remove_orphans(Path(tempfile.gettempdir()))
        prefix = f"{FOLDER_PREFIX}{os.getpid()}-"
        folder, owned = Path(tempfile.mkdtemp(prefix=prefix)), True  # mode 0700
        os.environ[MULTIPROC_ENV] = str(folder)
    # chosen again: prometheus-client picks its value class when imported, maybe before this
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]

    def clean_up() -> None:
        if owned:
            shutil.rmtree(folder, ignore_errors=True)

    return clean_up


def remove_orphans(parent: Path) -> None:
    """Remove the metrics folders in ``parent`` whose server process no longer runs."""
    for folder in parent.glob(FOLDER_PREFIX + "*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def forget_process(pid: int) -> None:
    """Drop the live gauges of a process that has exited (gunicorn's ``child_exit``)."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


class VersionCollector:
    """``kg_data_version_info{version=…} 1``, read from the store at scrape time."""

    def __init__(self, version: Callable[[], str]):
        self._version = version

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "kg_data_version_info", "The data version the store serves.", labels=["version"]
        )
        family.add_metric([self._version()], 1.0)
        yield family


@dataclass(frozen=True)
class Metrics:
    """The metric objects of one app, and the registry a scrape reads."""

    requests: Counter
    request_seconds: Histogram
    query_seconds: Histogram
    time_limit_hits: Counter
    refusals: Counter
    failures: Counter
    search_seconds: Histogram
    store_load_seconds: Gauge
    worker_retirements: Counter
    exposed: CollectorRegistry

    @classmethod
    def create(cls, version: Callable[[], str]) -> Metrics:
        """New metrics; a scrape also reports the data version ``version()`` returns."""
        own = CollectorRegistry(auto_describe=True)
        exposed = own
        if multiprocess_mode():
            exposed = CollectorRegistry()
            multiprocess.MultiProcessCollector(exposed)  # type: ignore[no-untyped-call]
        exposed.register(VersionCollector(version))
        return cls(
            requests=Counter(
                "kg_http_requests",
                "HTTP requests answered, by route (URL rule), method and status.",
                ["route", "method", "status"],
                registry=own,
            ),
            request_seconds=Histogram(
                "kg_http_request_duration_seconds",
                "Time to answer an HTTP request, by route (URL rule).",
                ["route"],
                buckets=LATENCY_BUCKETS,
                registry=own,
            ),
            query_seconds=Histogram(
                "kg_query_duration_seconds",
                "Time to evaluate and write a SPARQL query's result, by query form.",
                ["form"],
                buckets=LATENCY_BUCKETS,
                registry=own,
            ),
            time_limit_hits=Counter(
                "kg_query_time_limit_hits", "Queries stopped at the time limit.", registry=own
            ),
            refusals=Counter(
                "kg_query_refusals",
                "Requests refused before or during evaluation, by reason.",
                ["reason"],
                registry=own,
            ),
            failures=Counter(
                "kg_query_failures",
                "Queries that failed on the service's side (engine fault, store down), by kind.",
                ["kind"],
                registry=own,
            ),
            search_seconds=Histogram(
                "kg_search_duration_seconds",
                "Time to run a name search on the search index.",
                buckets=LATENCY_BUCKETS,
                registry=own,
            ),
            store_load_seconds=Gauge(
                "kg_store_load_seconds",
                "Seconds the store took to load when the service started.",
                registry=own,
                multiprocess_mode="max",
            ),
            worker_retirements=Counter(
                "kg_worker_retirements",
                "Server worker processes that exited (stopped, restarted or killed).",
                registry=own,
            ),
            exposed=exposed,
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        shown = method if method in METHODS else "other"
        self.requests.labels(route, shown, str(status)).inc()
        self.request_seconds.labels(route).observe(seconds)

    def exposition(self) -> bytes:
        """The metrics in the Prometheus text format."""
        return generate_latest(self.exposed)
