"""``/sparql`` HTTP behaviour (Flask test client): errors, negotiation, caching, CORS, gzip, and
the service description."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from backends import backend_name
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from sparql_data import PREFIX, SELECT, write_dataset

from kg.formats import FORMATS
from kg.namespaces import SD
from kg.stores import Store
from kg.web import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SMALL = "ASK { ?s ?p ?o }"
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"


@pytest.fixture
def small_app(tmp_path: Path) -> Flask:
    """An app on the test dataset with tight limits: 2 rows, 200-character queries, 300 bytes."""
    settings = write_dataset(tmp_path).replace(max_rows=2, max_query_length=200, max_body_bytes=300)
    return create_app(settings)


# The parser's message for a query the guard lets through but no parser accepts: Oxigraph's
# (embedded, or Oxigraph server), else the remote store's own (Virtuoso's SPARQL compiler).
PARSER_MESSAGE = {"virtuoso": "SPARQL compiler"}.get(backend_name(), "error at 1:")

# (method, path, request options, status, text in the body)
ERROR_CASES = [
    ("GET", "/sparql", {"query_string": {"query": "SELECT * WHERE {"}}, 400, PARSER_MESSAGE),
    ("GET", "/sparql", {"query_string": [("query", SMALL), ("query", SMALL)]}, 400, "exactly one"),
    ("POST", "/sparql", {"data": {"default-graph-uri": "x"}}, 400, "missing 'query'"),
    ("GET", "/sparql", {"query_string": {"query": "hello"}}, 400, "error at 1:"),
    ("GET", "/no/such/route", {}, 404, "Not Found"),
    ("PUT", "/sparql", {"data": SMALL}, 405, "Method Not Allowed"),
    ("DELETE", "/sparql", {}, 405, "Method Not Allowed"),
    ("POST", "/sparql", {"data": SMALL, "content_type": "text/plain"}, 415, "application/sparql"),
    (
        "GET",
        "/sparql",
        {"query_string": {"query": SMALL}, "headers": {"Accept": "image/png"}},
        406,
        "application/sparql-results+json",
    ),
    (
        "GET",
        "/sparql",
        {"query_string": {"query": SMALL, "format": "turtle"}},
        406,
        "cannot write a ASK result",
    ),
]


@pytest.mark.parametrize(("method", "path", "options", "status", "text"), ERROR_CASES)
def test_client_mistakes_get_a_clear_4xx(
    client: FlaskClient, method: str, path: str, options: dict[str, object], status: int, text: str
) -> None:
    response = client.open(path, method=method, **options)  # type: ignore[arg-type]
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert text in body
    assert "Traceback" not in body and "/work/" not in body and ".py" not in body


def test_405_lists_the_allowed_methods(client: FlaskClient) -> None:
    allowed = client.put("/sparql").headers["Allow"]
    assert {"GET", "POST"} <= {method.strip() for method in allowed.split(",")}


def test_limits_give_413_and_503(small_app: Flask) -> None:
    client = small_app.test_client()
    long_query = "SELECT * WHERE { ?s ?p ?o }" + "#" * 200
    assert client.get("/sparql", query_string={"query": long_query}).status_code == 413
    big_body = "SELECT * WHERE { ?s ?p ?o }" + " " * 400
    response = client.post("/sparql", data=big_body, content_type="application/sparql-query")
    assert response.status_code == 413
    too_many = client.get("/sparql", query_string={"query": SELECT})
    assert too_many.status_code == 503
    assert "LIMIT" in too_many.get_data(as_text=True)
    limited = client.get("/sparql", query_string={"query": SELECT + " LIMIT 2"})
    assert limited.status_code == 200


def test_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": ALL_TRIPLES + " LIMIT 1", "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.content_type == "text/csv; charset=utf-8"
    output = client.get("/sparql", query_string={"query": SMALL, "output": "xml"})
    assert output.content_type == "application/sparql-results+xml; charset=utf-8"


# (Accept header, query, expected media type)
NEGOTIATION_CASES = [
    (None, SMALL, "application/sparql-results+json"),
    ("*/*", SMALL, "application/sparql-results+json"),
    ("application/xml", SMALL, "application/sparql-results+xml"),
    ("application/xml;q=0.9, */*;q=0.8", SMALL, "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values", SMALL, "text/tab-separated-values"),
    ("application/json", SMALL, "application/sparql-results+json"),
    ("text/*", ALL_TRIPLES, "text/csv"),
    (None, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
    ("application/json", "CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json"),
    ("application/n-triples;q=0.9, text/turtle;q=0.1", "DESCRIBE <x:y>", "application/n-triples"),
    ("application/trig, */*;q=0.1", "CONSTRUCT WHERE { ?s ?p ?o }", "application/trig"),
    # only formats of the other kind accepted (rdflib's SPARQLStore): the form's default
    ("application/sparql-results+json", "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
    ("text/turtle", SMALL, "application/sparql-results+json"),
]


@pytest.mark.parametrize(("accept", "query", "media_type"), NEGOTIATION_CASES)
def test_content_negotiation(
    client: FlaskClient, accept: str | None, query: str, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    assert response.mimetype_params == {"charset": "utf-8"}


def test_combined_accept_headers_are_all_read(client: FlaskClient) -> None:
    headers = [("Accept", "image/png"), ("Accept", "text/csv")]
    response = client.get("/sparql", query_string={"query": SMALL}, headers=headers)
    assert response.mimetype == "text/csv"


def test_etag_and_last_modified_revalidate_with_304(client: FlaskClient, store: Store) -> None:
    query = {"query": SMALL}
    first = client.get("/sparql", query_string=query)
    etag = first.headers["ETag"]
    assert store.version in etag and first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/sparql", query_string=query, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(
        "/sparql", query_string=query, headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    other_format = client.get(
        "/sparql", query_string=query, headers={"If-None-Match": etag, "Accept": "text/csv"}
    )
    assert other_format.status_code == 200


def test_cors_headers_and_preflight(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SMALL})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_large_responses_are_gzipped_for_clients_that_accept_it(client: FlaskClient) -> None:
    query = {"query": ALL_TRIPLES, "format": "json"}
    plain = client.get("/sparql", query_string=query)
    zipped = client.get("/sparql", query_string=query, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data)
    assert json.loads(gzip.decompress(zipped.data)) == json.loads(plain.data)
    small = client.get(
        "/sparql", query_string={"query": SMALL}, headers={"Accept-Encoding": "gzip"}
    )
    assert "Content-Encoding" not in small.headers


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [(None, "text/turtle"), ("*/*", "text/turtle"), ("application/ld+json", "application/ld+json")],
)
def test_service_description(
    client: FlaskClient, store: Store, accept: str | None, media_type: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.mimetype == media_type
    graph = Graph().parse(
        data=response.data, format="json-ld" if "json" in media_type else "turtle"
    )
    service = URIRef("http://localhost/sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    advertised = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert advertised == {fmt.w3c for fmt in FORMATS if fmt.w3c}
    assert {str(name) for name in graph.objects(None, SD.name)} == set(store.graph_names())


def test_a_browser_gets_the_query_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"


def test_a_browser_posting_a_query_gets_results_not_the_editor(client: FlaskClient) -> None:
    """Only a GET link opens the editor; a form POST from a browser is a protocol request."""
    response = client.post("/sparql", data={"query": SMALL}, headers={"Accept": BROWSER})
    assert response.mimetype == "application/sparql-results+xml"


def test_a_query_in_a_browser_still_gets_results(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": PREFIX + SMALL})
    assert json.loads(response.data)["boolean"] is True
