"""Protocol corners (issue #10, finding 6) and the per-client budget (finding 9)."""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from kg.stores import Store
from kg.web import create_app

CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"

FORMAT_CASES = [  # (query, parameters, Accept, expected media type)
    (CONSTRUCT, {"format": "xml"}, "application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, {"output": "xml"}, "", "application/rdf+xml"),
    (CONSTRUCT, {"format": "json"}, "", "application/ld+json"),
    (SELECT, {"output": "xml"}, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SELECT, {"format": "xml"}, "", "application/sparql-results+xml"),
    (CONSTRUCT, {"format": "csv"}, "text/turtle", "text/turtle"),  # a usable Accept wins
    (SELECT, {"format": "turtle"}, "text/csv", "text/csv"),
    (SELECT, {}, "application/sparql-results+xml; charset=utf-8", "application/sparql-results+xml"),
    (SELECT, {}, "text/csv;charset=UTF-8;q=0.9, application/json;q=0.1", "text/csv"),
    (CONSTRUCT, {}, "application/n-triples; charset=utf-8", "application/n-triples"),
]


@pytest.mark.parametrize(("query", "params", "accept", "media_type"), FORMAT_CASES)
def test_format_names_are_read_per_query_form(
    client: FlaskClient, query: str, params: dict[str, str], accept: str, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql?" + urlencode({"query": query, **params}), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type


def test_a_format_the_form_cannot_take_without_a_usable_accept_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql?" + urlencode({"query": CONSTRUCT, "format": "csv"}))
    assert response.status_code == 406


def test_a_large_values_block_can_be_posted(client: FlaskClient) -> None:
    values = " ".join(f'"value number {n}"' for n in range(2500))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"
    assert len(query) > 37_000
    response = client.post(
        "/sparql", data=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    assert response.get_json()["results"]["bindings"][0]["n"]["value"] == "2500"


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/rdf+xml"])
def test_a_carriage_return_survives_xml(client: FlaskClient, accept: str) -> None:
    if accept == "application/rdf+xml":
        query = 'CONSTRUCT { <urn:x:s> <urn:x:p> ?v } WHERE { BIND("a\\rb" AS ?v) }'
    else:
        query = 'SELECT ?v WHERE { BIND("a\\rb" AS ?v) }'
    response = client.get("/sparql?" + urlencode({"query": query}), headers={"Accept": accept})
    assert response.status_code == 200
    assert b"&#13;" in response.data and b"\r" not in response.data
    if accept == "application/rdf+xml":
        (quad,) = ox.parse(response.data, ox.RdfFormat.RDF_XML)
        assert quad.object.value == "a\rb"
    else:
        solutions = ox.parse_query_results(response.data, ox.QueryResultsFormat.XML)
        assert [row["v"].value for row in solutions] == ["a\rb"]  # type: ignore[union-attr]


LONG_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
)


def test_a_client_past_its_budget_gets_429_with_retry_after(
    settings: Settings, store: Store
) -> None:
    app = create_app(
        settings.replace(client_budget=1.0, budget_window=600.0, timeout=1.2), store=store
    )
    client = app.test_client()
    first = client.get("/sparql?" + urlencode({"query": LONG_QUERY}))
    assert first.status_code == 503  # ran 1.2 s: more than the budget of 1 s
    refused = client.get("/sparql?" + urlencode({"query": "ASK {}"}))
    assert refused.status_code == 429
    assert "1 s of query time per 600 s" in refused.get_data(as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    other = client.get(
        "/sparql?" + urlencode({"query": "ASK {}"}), environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    assert other.status_code == 200  # another client is not affected


def test_the_budget_can_be_switched_off(tmp_path: object, store: Store, settings: Settings) -> None:
    app = create_app(settings.replace(client_budget=0.0, timeout=0.3), store=store)
    client = app.test_client()
    for _ in range(2):
        assert client.get("/sparql?" + urlencode({"query": LONG_QUERY})).status_code == 503
    assert client.get("/sparql?" + urlencode({"query": "ASK {}"})).status_code == 200
