"""Virtuoso Open Source 7 behind the remote backend: loaded by ``kg load``, answering as we do.

The full endpoint and linked-data suites also run on it (``KG_TEST_BACKEND=virtuoso``); these
checks keep it covered in the default run and pin the differences the backend absorbs. Every
competency question gives the embedded store's answer there, with no exception (the queries avoid
the shapes Virtuoso 7.2 evaluates wrongly, see docs/deployment.md).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from backends import Server, started
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.config import Settings
from kg.describe import instances
from kg.formats import FORMATS_BY_NAME
from kg.loading import graph_files
from kg.namespaces import OKG
from kg.stores import QueryRequest, Store, open_store
from kg.stores.http import HttpClient
from kg.stores.remote import RemoteStore
from kg.web import create_app

QUERIES = [
    pytest.param(path, id=path.stem) for path in sorted(Settings().queries_dir.glob("cq*.rq"))
]
JSON = FORMATS_BY_NAME["json"]
RESOURCES = ["id/official/ma-hongsheng", "id/region/doumen-district", "id/region/china"]
ID = "https://w3id.org/officials-kg/id/"
GRAPH = "https://w3id.org/officials-kg/graph/"
LARGE_FILE_TRIPLES = 40_000
FILLER = "a label long enough to make the file several megabytes " * 3
CREDENTIALS = {"user": "dba", "password": "dba"}  # the throw-away test server's (.ci/stores)


@pytest.fixture(scope="module")
def virtuoso(virtuoso_server: Server, settings: Settings) -> RemoteStore:
    return virtuoso_server.open_store(settings)


@pytest.fixture(scope="module")
def embedded(settings: Settings) -> Store:
    return open_store(settings.replace(store="memory"))


def values(body: bytes) -> list[tuple[object, ...]]:
    """Result rows as comparable values: numbers as Decimal, blank nodes anonymous."""
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return [tuple(value(term) for term in row) for row in parsed]


def value(term: object) -> object:
    """A term as a comparable value. Virtuoso writes literals in its own canonical form (a day
    as ``PT24H``, a decimal without trailing zeros), so numbers and durations compare by value."""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(
        ("#decimal", "#integer", "#double")
    ):
        return Decimal(term.value).normalize()
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#duration"):
        return Literal(term.value, datatype=XSD.duration).toPython()
    return str(term)


def test_kg_load_put_every_graph_with_the_source_counts(
    virtuoso: RemoteStore, settings: Settings
) -> None:
    expected = {graph.iri: len(graph.triples) for graph in graph_files(settings)}
    assert virtuoso.graph_sizes() == expected
    assert virtuoso.graph_names() == sorted(expected)
    assert virtuoso.dialect.name == "virtuoso"


@pytest.mark.parametrize("path", QUERIES)
def test_competency_questions_give_the_embedded_answers(
    virtuoso: RemoteStore, embedded: Store, path: Path
) -> None:
    query = path.read_text(encoding="utf-8")
    got = values(virtuoso.query(QueryRequest(query), JSON))
    want = values(embedded.query(QueryRequest(query), JSON))
    assert sorted(got, key=repr) == sorted(want, key=repr)  # ties may come in any order


def test_the_default_graph_is_our_union_without_virtuoso_system_graphs(
    virtuoso: RemoteStore, embedded: Store
) -> None:
    count = QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    graphs = QueryRequest("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert values(virtuoso.query(count, JSON)) == values(embedded.query(count, JSON))
    assert sorted(values(virtuoso.query(graphs, JSON))) == sorted(
        values(embedded.query(graphs, JSON))
    )


def test_describe_gives_the_concise_description_as_oxigraph_does(
    virtuoso: RemoteStore, embedded: Store
) -> None:
    """Virtuoso's default DESCRIBE adds incoming triples; the backend asks for CBD."""
    query = QueryRequest("DESCRIBE <https://w3id.org/officials-kg/id/region/china>")
    fmt = FORMATS_BY_NAME["ntriples"]
    got = Graph().parse(data=virtuoso.query(query, fmt), format="nt")
    assert len(got) > 0
    assert isomorphic(got, Graph().parse(data=embedded.query(query, fmt), format="nt"))


@pytest.mark.parametrize("path", RESOURCES)
def test_linked_data_pages_match_the_embedded_store(
    virtuoso: RemoteStore, embedded: Store, settings: Settings, path: str
) -> None:
    graphs = []
    for store in (virtuoso, embedded):
        client = create_app(settings, store=store).test_client()
        response = client.get(f"/{path}", headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, response.get_data(as_text=True)
        graphs.append(Graph().parse(data=response.get_data(as_text=True), format="nt"))
    assert len(graphs[0]) > 0 and isomorphic(*graphs)


@pytest.mark.parametrize("class_name", ["Region", "Official", "Product"])
def test_class_listings_match_the_embedded_store(
    virtuoso: RemoteStore, embedded: Store, class_name: str
) -> None:
    """The class pages' query orders by a sampled label: Virtuoso must accept its shape."""
    class_iri = str(OKG[class_name])
    for page in ({}, {"offset": 3, "limit": 4}):
        got = instances(virtuoso, class_iri, **page)
        assert got and got == instances(embedded, class_iri, **page)


def test_a_large_file_loads_through_the_digest_protected_graph_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A file of several MB through ``/sparql-graph-crud-auth`` (digest authentication).

    Virtuoso answers an unauthenticated upload with 401 before reading it and closes the
    connection (urllib failed there); the client learns the scheme with a bodyless request first,
    so the body goes out once, with its credentials: on a client's very first request (a bare
    PUT) and in ``kg load``.
    """
    server = started("virtuoso", tmp_path_factory.mktemp("virtuoso-large"))
    try:
        root = tmp_path_factory.mktemp("large-sources")
        (root / "ontology").mkdir()
        (root / "data").mkdir()
        lines = [
            f'<{ID}official/o{n}> <http://www.w3.org/2000/01/rdf-schema#label> "{n} {FILLER}"@en .'
            for n in range(LARGE_FILE_TRIPLES)
        ]
        body = ("\n".join(lines) + "\n").encode()
        assert len(body) > 8_000_000
        (root / "data" / "large.ttl").write_bytes(body)
        large = Settings(ontology_dir=root / "ontology", data_dir=root / "data")
        store = server.open_store(large)
        assert store.healthy()  # the query URL needs no credentials: nothing learnt there
        gsp = str(store.endpoints.gsp)
        assert gsp.endswith("/sparql-graph-crud-auth")

        first = HttpClient(**CREDENTIALS).send(
            "PUT", f"{gsp}?graph={GRAPH}bare-put", timeout=120, body=body,
            headers={"Content-Type": "text/turtle"},
        )  # fmt: skip
        assert first.status in (200, 201, 204), first
        report = server.load(large.replace(validate=False), replace=True)
        assert report.ok, report.render()
        assert store.graph_sizes() == {f"{GRAPH}data/large": LARGE_FILE_TRIPLES}
    finally:
        server.stop()
