"""In-process harness: our store (pyoxigraph via ``kg.stores``) vs rdflib's SPARQL engine.

Both engines get the same files as one named graph each, the default graph being their union, and
both serialise the results (SPARQL JSON, N-Triples for graphs) as an endpoint would. Each rdflib
run happens in a forked child that is killed when it exceeds the time budget: rdflib cannot be
interrupted, and a fork shares the loaded graph for free.
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset

from bench.queries import Query
from kg.config import Settings
from kg.formats import FORMATS_BY_NAME
from kg.loading import graph_iri_for, turtle_files
from kg.stores import QueryRequest, Store, open_store

T = TypeVar("T")
SLOW_RUN = 2.0  # seconds: a query this slow is not repeated


@dataclass(frozen=True)
class Timing:
    """The runs of one query on one engine: seconds each (empty when the budget ran out)."""

    seconds: list[float]
    size: int | None = None  # result rows (SELECT) or triples (graph); None if unknown
    timed_out_after: float | None = None
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def open_ours(ontology: Path, data: Path) -> tuple[Store, float]:
    """Our store on the files of ``ontology`` and ``data``, and the seconds it took to load."""
    start = time.perf_counter()
    settings = Settings(ontology_dir=ontology, data_dir=data, validate=False, max_rows=10**9)
    store = open_store(settings)
    return store, time.perf_counter() - start


def open_rdflib(ontology: Path, data: Path) -> tuple[Dataset, float]:
    """An rdflib Dataset (default graph = union) on the same files, and its load time."""
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    for folder in (ontology, data):
        for path in turtle_files(folder):
            dataset.graph(graph_iri_for(path, folder)).parse(path, format="turtle")
    dataset.query("ASK { ?s ?p ?o }")  # imports and warms the SPARQL parser before any fork
    return dataset, time.perf_counter() - start


def run_ours(store: Store, query: Query, repeats: int, budget: float) -> Timing:
    """Time ``query`` on our store: a warm-up run, then ``repeats`` runs, all in one forked
    child killed after ``budget`` seconds (a runaway query cannot be interrupted otherwise)."""
    try:
        outcome = _in_child(lambda: _ours_runs(store, query.text, repeats), budget)
    except RuntimeError as error:  # reported in the table, the run goes on
        return Timing([], error=str(error))
    if outcome is None:
        return Timing([], None, budget)
    seconds, size = outcome
    return Timing(seconds, size)


def _ours_runs(store: Store, text: str, repeats: int) -> tuple[list[float], int | None]:
    seconds, body, graph = [], b"", False
    for _ in range(repeats + 1):
        start = time.perf_counter()
        body, graph = _ours_once(store, text)
        seconds.append(time.perf_counter() - start)
        if seconds[-1] > SLOW_RUN:
            break
    return seconds[1:] or seconds, _result_size(body, graph)


def _ours_once(store: Store, text: str) -> tuple[bytes, bool]:
    form = store.query_form(text)
    fmt = FORMATS_BY_NAME["ntriples" if form.returns_graph else "json"]
    return store.query(QueryRequest(text), fmt), form.returns_graph


def run_rdflib(dataset: Dataset, query: Query, repeats: int, budget: float) -> Timing:
    """Time ``query`` on rdflib, each run in a forked child killed after ``budget`` seconds."""
    seconds: list[float] = []
    size = None
    for _ in range(repeats):
        try:
            outcome = _in_child(lambda: _rdflib_once(dataset, query.text), budget)
        except RuntimeError as error:  # reported in the table, the run goes on
            return Timing(seconds, size, error=str(error))
        if outcome is None:
            return Timing(seconds, size, budget)
        elapsed, size = outcome
        seconds.append(elapsed)
        if elapsed > SLOW_RUN:
            break
    return Timing(seconds, size)


def _rdflib_once(dataset: Dataset, text: str) -> tuple[float, int | None]:
    start = time.perf_counter()
    result = dataset.query(text)
    graph = result.type in ("CONSTRUCT", "DESCRIBE")
    body = result.serialize(format="nt" if graph else "json")
    elapsed = time.perf_counter() - start
    return elapsed, _result_size(body or b"", graph)


def _in_child(work: Callable[[], T], budget: float) -> T | None:
    """Run ``work`` in a forked child; its result, or None when it ran past ``budget`` seconds."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(work, sender), daemon=True)
    child.start()
    sender.close()
    ready = receiver.poll(budget)
    try:
        outcome = receiver.recv() if ready else None
    except EOFError:
        outcome = RuntimeError(f"the child died (exit code {child.exitcode})")
    if child.is_alive() and not ready:
        child.kill()
    child.join()
    receiver.close()
    if isinstance(outcome, BaseException):
        raise RuntimeError(f"{type(outcome).__name__}: {outcome}")
    return outcome


def _child_main(work: Callable[[], object], sender: Connection) -> None:
    try:
        sender.send(work())
    except Exception as error:  # reported to the parent, which raises it
        sender.send(error)


def _result_size(body: bytes, graph: bool) -> int | None:
    """Rows of a SPARQL JSON result, triples of an N-Triples body; None for ASK."""
    if graph:
        return sum(1 for line in body.splitlines() if line.strip())
    parsed = json.loads(body)
    bindings = parsed.get("results", {}).get("bindings")
    return None if bindings is None else len(bindings)
