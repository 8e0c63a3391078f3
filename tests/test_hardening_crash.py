"""An engine crash costs one disposable evaluator, never a web worker or others' requests
(issue #10, findings 4 and 8)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import ORDER_BY_PANIC, get
from serving import running_server
from test_sparql_safety import wait_for, worker_pids

from kg.config import Settings
from kg.formats import FORMATS_BY_NAME
from kg.stores import QueryRequest, open_store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``kg serve`` with one worker of two threads: its URL and the master's pid."""
    log = tmp_path_factory.mktemp("crash") / "stderr.log"
    args = ("--no-validate", "--workers", "1", "--threads", "2", "--timeout", "5")
    with running_server(*args, log=log) as (url, process):
        yield url, process.pid


def test_the_order_by_panic_is_contained(server: tuple[str, int]) -> None:
    url, master = server
    workers = worker_pids(master)
    outcomes: list[int] = []
    others = threading.Thread(
        target=lambda: outcomes.extend(get(url, "ASK { ?s ?p ?o }").status for _ in range(20))
    )
    others.start()
    reply = get(url, ORDER_BY_PANIC)
    others.join()
    assert reply.status == 503
    assert "engine fault" in reply.text and "memory limit" in reply.text
    assert outcomes == [200] * 20  # the other requests of the same worker were answered
    assert worker_pids(master) == workers  # no web worker died
    assert get(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1").status == 200


def test_a_query_over_the_memory_ceiling_stops_only_its_evaluator(tmp_path: Path) -> None:
    """The evaluator's address space is capped (``query_memory_mb``): a query that needs more
    is stopped with 503 naming the limit, and the next query is answered."""
    from kg.stores import QueryAborted  # type: ignore[attr-defined,unused-ignore]

    store = open_store(Settings(query_memory_mb=64, timeout=20))
    json = FORMATS_BY_NAME["json"]
    values = " ".join(str(n) for n in range(200))
    blocks = " ".join(f"VALUES ?{v} {{ {values} }}" for v in "abc")
    greedy = f"SELECT * WHERE {{ {blocks} }} ORDER BY DESC(?c) ?b LIMIT 1"  # sorts 8M rows
    try:
        with pytest.raises(QueryAborted, match="memory limit of 64 MB"):
            store.query(QueryRequest(greedy), json)
        assert store.query(QueryRequest("ASK {}"), json) == b'{"head":{},"boolean":true}'
    finally:
        store.close()


def test_evaluators_come_back_after_their_hatchery_is_killed() -> None:
    """Killing the hatchery ends its evaluators (PR_SET_PDEATHSIG); the next query starts a new
    hatchery and is answered."""
    store = open_store(Settings())
    json = FORMATS_BY_NAME["json"]
    try:
        assert store.query(QueryRequest("ASK {}"), json) == b'{"head":{},"boolean":true}'
        hatchery = store._hatchery.pid  # type: ignore[attr-defined]
        evaluators = {e.pid for e in store._evaluators._idle}  # type: ignore[attr-defined]
        os.kill(hatchery, signal.SIGKILL)
        os.waitpid(hatchery, 0)
        assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in evaluators))
        assert store.query(QueryRequest("ASK {}"), json) == b'{"head":{},"boolean":true}'
        assert store._hatchery.pid != hatchery  # type: ignore[attr-defined]
    finally:
        store.close()
