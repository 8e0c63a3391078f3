"""Safe by default, over real HTTP: read-only, no outbound requests, a hard time limit."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from serving import fetch, running_server

LONG_QUERY = (  # a cross product of five triple patterns: minutes of work on the real graph
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening localhost socket that must never see a connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.settimeout(0.5)
        yield sock


def assert_no_connection(sock: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        sock.accept()[0].close()


def get(url: str, query: str, **headers: str) -> tuple[int, str]:
    reply = fetch(f"{url}sparql?{urlencode({'query': query})}", headers=headers)
    return reply.status, reply.text


UPDATES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_in_every_request_form(live_url: str, update: str) -> None:
    status, text = get(live_url, update)
    assert status == 400 and "read-only" in text
    form = fetch(
        live_url + "sparql",
        method="POST",
        data=urlencode({"update": update}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = fetch(
        live_url + "sparql",
        method="POST",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    for reply in (form, direct):
        assert reply.status == 400
        assert "SPARQL Update is not accepted" in reply.text


def test_load_makes_no_request(live_url: str, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    status, text = get(live_url, f"LOAD <http://127.0.0.1:{port}/data.ttl>")
    assert status == 400 and "read-only" in text
    assert_no_connection(listener)


def test_service_is_refused_and_makes_no_request(live_url: str, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    for query in (
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    ):
        status, text = get(live_url, query)
        assert status == 400 and "SERVICE" in text and "no outbound requests" in text
    assert_no_connection(listener)


def test_the_word_service_in_a_literal_is_fine(live_url: str) -> None:
    status, _ = get(live_url, 'SELECT * WHERE { ?s ?p "service" }')
    assert status == 200


def test_syntax_errors_name_line_and_column(live_url: str) -> None:
    status, text = get(live_url, "SELECT *\nWHERE { ?s ?p }")
    assert status == 400
    assert "2:" in text and "Traceback" not in text


def _processes() -> Iterator[tuple[int, int, str]]:
    """(pid, parent pid, name) of every live process."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        if fields[0] != "Z":
            yield int(stat.parent.name), int(fields[1]), head.partition("(")[2]


def worker_pids(master: int) -> set[int]:
    """The live web workers of ``master`` (its children but the evaluators' hatchery)."""
    return {pid for pid, parent, name in _processes() if parent == master and name != "kg-hatchery"}


def evaluator_pids(master: int) -> set[int]:
    """The live evaluator processes of the server whose master is ``master``."""
    processes = list(_processes())
    hatcheries = {
        pid for pid, parent, name in processes if parent == master and name == "kg-hatchery"
    }
    return {
        pid for pid, parent, name in processes if parent in hatcheries and name == "kg-evaluator"
    }


@pytest.fixture(scope="module")
def short_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``kg serve --timeout 1`` with two workers: its URL and the master's pid."""
    log = tmp_path_factory.mktemp("timeout") / "stderr.log"
    args = ("--no-validate", "--workers", "2", "--timeout", "1")
    with running_server(*args, log=log) as (url, process):
        yield url, process.pid


def wait_for(condition: Callable[[], bool]) -> bool:
    """Poll ``condition`` for up to 10 s (for process bookkeeping, not for speed)."""
    event = threading.Event()
    for _ in range(100):
        if condition():
            return True
        event.wait(0.1)
    return False


def test_a_long_query_is_stopped_with_503_and_only_its_evaluator_ends(
    short_limit_server: tuple[str, int],
) -> None:
    """At the limit the evaluator running the query is killed (its CPU is free at once) and
    replaced; the web workers stay."""
    url, master = short_limit_server
    assert wait_for(lambda: len(worker_pids(master)) == 2)
    workers = worker_pids(master)
    outcome: list[tuple[int, str]] = []
    long_request = threading.Thread(target=lambda: outcome.append(get(url, LONG_QUERY)))
    long_request.start()
    threading.Event().wait(0.5)
    running = evaluator_pids(master)
    long_request.join()
    status, text = outcome[0]
    assert status == 503
    assert "time limit of 1 s" in text
    assert wait_for(lambda: bool(running - evaluator_pids(master)))  # one was killed
    assert worker_pids(master) == workers
    assert get(url, "ASK { ?s ?p ?o }")[0] == 200


def test_other_clients_are_served_during_a_long_query(
    short_limit_server: tuple[str, int],
) -> None:
    url, _ = short_limit_server
    outcome: list[int] = []
    long_request = threading.Thread(target=lambda: outcome.append(get(url, LONG_QUERY)[0]))
    long_request.start()
    try:
        quick = [get(url, "ASK { ?s ?p ?o }")[0] for _ in range(5)]
    finally:
        long_request.join()
    assert quick == [200] * 5
    assert outcome == [503]


@pytest.fixture(scope="module")
def one_worker_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``kg serve --timeout 1`` with one worker of two threads: its URL and the master's pid."""
    log = tmp_path_factory.mktemp("retire") / "stderr.log"
    args = ("--no-validate", "--workers", "1", "--threads", "2", "--timeout", "1")
    with running_server(*args, log=log) as (url, process):
        yield url, process.pid


def test_a_worker_answers_two_runaway_queries_and_stays(
    one_worker_server: tuple[str, int],
) -> None:
    """Two runaway queries on one worker of two threads: both get 503 at the limit (not a
    dropped connection), and the worker keeps serving (only their evaluators end)."""
    url, master = one_worker_server
    assert wait_for(lambda: len(worker_pids(master)) == 1)
    before = worker_pids(master)
    outcomes: list[tuple[int, str]] = []
    first = threading.Thread(target=lambda: outcomes.append(get(url, LONG_QUERY)))
    first.start()
    threading.Event().wait(0.3)  # the second arrives while the first is running
    outcomes.append(get(url, LONG_QUERY + " LIMIT 1"))
    first.join()
    assert sorted(status for status, _ in outcomes) == [503, 503]
    assert all("time limit of 1 s" in text for _, text in outcomes)
    assert worker_pids(master) == before
    assert get(url, "ASK { ?s ?p ?o }")[0] == 200


def test_connections_are_kept_alive(live_url: str) -> None:
    """Several requests on one connection (HTTP/1.1 keep-alive), as SPARQL clients send them."""
    host, port = live_url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        sockets = []
        for _ in range(3):
            connection.request("GET", "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
            response = connection.getresponse()
            assert response.status == 200 and response.read()
            assert response.getheader("Connection", "").lower() != "close"
            sockets.append(connection.sock)
        assert sockets[0] is not None and sockets[0] is sockets[1] is sockets[2]
    finally:
        connection.close()
