"""The remote backend on a real Oxigraph server: same answers as the embedded store, same safety."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from backends import Server, started
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.formats import FORMATS_BY_NAME, RDF_FORMATS, RESULT_FORMATS, Format
from kg.stores import (
    QueryError,
    QueryRefused,
    QueryRequest,
    QueryTimeout,
    ResultTooLarge,
    Store,
    StoreUnavailable,
    open_store,
)
from kg.stores.remote import Endpoints, RemoteStore, is_remote, seconds_to_duration
from kg.web import create_app

GRAPH = "https://w3id.org/officials-kg/graph/"
SELECTS = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}ontology/okg> WHERE {{ ?s ?p ?o }}",
    f"SELECT ?s FROM NAMED <{GRAPH}data/regions> WHERE {{ GRAPH ?g {{ ?s a ?t }} }}",
    "SELECT ?x WHERE { VALUES ?x { 1 'a' <http://example.org/x> } OPTIONAL { ?x ?p ?o } }",
    "ASK { ?s a <https://w3id.org/officials-kg/ontology#Official> }",
    "ASK { ?s a <http://example.org/Nothing> }",
]
GRAPH_QUERIES = [
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE ?s WHERE { ?s a <https://w3id.org/officials-kg/ontology#Official> }",
]
DATASETS = [
    QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", (f"{GRAPH}ontology/okg",)),
    QueryRequest(
        "SELECT ?g (COUNT(*) AS ?n) "
        "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g",
        (),
        (f"{GRAPH}data/regions",),
    ),
]
REFUSED = [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "ASK { FILTER NOT EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE " + "{" * 500 + "}" * 500,  # deep enough to crash a store's parser
    "hello",
]


@pytest.fixture(scope="module")
def remote(oxigraph_server: Server, settings: Settings) -> RemoteStore:
    return oxigraph_server.open_store(settings)


@pytest.fixture(scope="module")
def embedded(settings: Settings) -> Store:
    return open_store(settings.replace(store="memory"))


def solutions(body: bytes, fmt: Format) -> list[tuple[str, ...]] | bool:
    """A result parsed back, blank nodes made anonymous, rows sorted (order is not asked for)."""
    parsed = ox.parse_query_results(body, fmt.oxigraph)  # type: ignore[arg-type]
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    anonymous = lambda term: "_:" if isinstance(term, ox.BlankNode) else str(term)  # noqa: E731
    return sorted(tuple(anonymous(term) for term in row) for row in parsed)


def graph_of(body: bytes, fmt: Format) -> Graph:
    return Graph().parse(data=body, format=fmt.rdflib_name)


@pytest.mark.parametrize("query", SELECTS)
@pytest.mark.parametrize(
    "fmt", [FORMATS_BY_NAME["json"], FORMATS_BY_NAME["xml"]], ids=lambda fmt: fmt.name
)
def test_results_match_the_embedded_store(
    remote: RemoteStore, embedded: Store, query: str, fmt: Format
) -> None:
    got = remote.query(QueryRequest(query), fmt)
    assert solutions(got, fmt) == solutions(embedded.query(QueryRequest(query), fmt), fmt)


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda fmt: fmt.name)
def test_every_result_format_is_written_as_the_embedded_store_writes_it(
    remote: RemoteStore, embedded: Store, fmt: Format
) -> None:
    query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    query += " ORDER BY ?s ?label"
    assert remote.query(QueryRequest(query), fmt) == embedded.query(QueryRequest(query), fmt)


@pytest.mark.parametrize("query", GRAPH_QUERIES)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda fmt: fmt.name)
def test_graphs_match_the_embedded_store_in_every_rdf_format(
    remote: RemoteStore, embedded: Store, query: str, fmt: Format
) -> None:
    got = graph_of(remote.query(QueryRequest(query), fmt), fmt)
    assert len(got) > 0
    assert isomorphic(got, graph_of(embedded.query(QueryRequest(query), fmt), fmt))


@pytest.mark.parametrize("request_", DATASETS, ids=["default-graph-uri", "named-graph-uri"])
def test_protocol_datasets_behave_as_on_the_embedded_store(
    remote: RemoteStore, embedded: Store, request_: QueryRequest
) -> None:
    fmt = FORMATS_BY_NAME["json"]
    assert solutions(remote.query(request_, fmt), fmt) == solutions(
        embedded.query(request_, fmt), fmt
    )


def test_graph_names_are_ours_only(remote: RemoteStore, embedded: Store) -> None:
    assert remote.graph_names() == embedded.graph_names()


@pytest.mark.parametrize("query", REFUSED)
def test_refused_and_malformed_queries_are_never_sent(settings: Settings, query: str) -> None:
    """Nothing listens at the store's URL: a 400-class error proves the store was not asked."""
    nowhere = settings.replace(store="http://127.0.0.1:9/sparql")
    store = RemoteStore(nowhere, Endpoints(nowhere.store))
    with pytest.raises(QueryError):
        store.query(QueryRequest(query), FORMATS_BY_NAME["json"])
    assert not store.healthy()


def test_a_graph_the_store_lacks_is_sent_as_an_empty_graph(remote: RemoteStore) -> None:
    """Never named to the store (which could fetch it): an unknown graph is an empty graph."""
    fmt = FORMATS_BY_NAME["json"]
    query = "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }"
    assert solutions(remote.query(QueryRequest(query), fmt), fmt) == []
    request = QueryRequest("SELECT * WHERE { ?s ?p ?o }", ("http://example.org/remote.ttl",))
    assert solutions(remote.query(request, fmt), fmt) == []


def test_a_malformed_query_gets_the_stores_message(remote: RemoteStore) -> None:
    with pytest.raises(QueryError, match="the store rejected the query"):
        remote.query(QueryRequest("SELECT * WHERE { ?s ?p }"), FORMATS_BY_NAME["json"])


def test_the_refusal_message_is_the_guards(settings: Settings) -> None:
    nowhere = settings.replace(store="http://127.0.0.1:9/sparql")
    store = RemoteStore(nowhere, Endpoints(nowhere.store))
    with pytest.raises(QueryRefused, match="read-only"):
        store.query_form(REFUSED[0])


def test_the_row_cap_holds(oxigraph_server: Server, settings: Settings) -> None:
    capped = oxigraph_server.open_store(settings.replace(max_rows=3))
    with pytest.raises(ResultTooLarge, match="LIMIT"):
        capped.query(QueryRequest(SELECTS[0]), FORMATS_BY_NAME["json"])
    body = capped.query(QueryRequest(SELECTS[0] + " LIMIT 3"), FORMATS_BY_NAME["json"])
    assert len(solutions(body, FORMATS_BY_NAME["json"])) == 3  # type: ignore[arg-type]


@pytest.fixture
def silent_store() -> Iterator[str]:
    """A TCP server on localhost that accepts connections and never answers (a hung store)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    stop.set()
    thread.join()
    for connection in [*accepted, listener]:
        connection.close()


def test_a_hung_store_is_abandoned_at_the_time_limit(settings: Settings, silent_store: str) -> None:
    hung = settings.replace(store=silent_store, timeout=0.5)
    store = RemoteStore(hung, Endpoints(silent_store))
    with pytest.raises((QueryTimeout, StoreUnavailable)):
        store.query(QueryRequest("ASK {}"), FORMATS_BY_NAME["json"])
    client = create_app(hung, store=store).test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 503
    assert client.get("/healthz").status_code == 503


@pytest.fixture
def own_server(tmp_path: Path, settings: Settings) -> Iterator[Server]:
    """A server of this test's own, loaded with the repository's graph (the test kills it)."""
    server = started("oxigraph", tmp_path / "oxigraph")
    assert server.load(settings).ok
    yield server
    server.stop()


def get_query(client: FlaskClient, query: str) -> tuple[int, str]:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    return response.status_code, response.get_data(as_text=True)


def test_a_killed_store_gives_503_and_the_service_recovers_on_its_own(
    own_server: Server, settings: Settings
) -> None:
    remote = own_server.open_store(settings.replace(timeout=5.0))
    client = create_app(remote.settings, store=remote).test_client()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, before = get_query(client, count)
    assert status == 200 and client.get("/healthz").status_code == 200
    own_server.stop()
    status, message = get_query(client, count)
    assert status == 503 and "store" in message and "Traceback" not in message
    assert client.get("/healthz").status_code == 503
    own_server.start()
    assert client.get("/healthz").status_code == 200
    assert get_query(client, count) == (200, before)


@pytest.mark.parametrize(
    ("seconds", "iso"),
    [("7200", "PT2H"), ("5400.5", "PT1H30M0.5S"), ("0", "PT0S"), ("90", "PT1M30S")],
)
def test_virtuoso_durations_are_written_back_as_iso_8601(seconds: str, iso: str) -> None:
    from decimal import Decimal

    assert seconds_to_duration(Decimal(seconds)) == iso


@pytest.mark.parametrize(
    ("setting", "remote"),
    [("memory", False), ("/tmp/x", False), ("http://h/q", True), ("https://h/q", True)],
)
def test_remote_store_settings_are_urls(setting: str, remote: bool) -> None:
    assert is_remote(setting) is remote
