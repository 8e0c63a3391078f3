"""SERVICE is refused however it is written, before anything is evaluated: a listener on
127.0.0.1 named as the endpoint must receive no connection (issue #10, finding 2)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from hostile import connections_received, get, listening_socket

# {url} is the listener's endpoint URL, {base} its base (http://127.0.0.1:PORT/)
PATTERN = "{{ ?s ?p ?o }}"
SPELLINGS = {
    "plain": "SELECT * WHERE { SERVICE <{url}> " + PATTERN + " }",
    "lower case": "select * where { service <{url}> " + PATTERN + " }",
    "mixed case": "SELECT * WHERE { SeRvIcE <{url}> " + PATTERN + " }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> " + PATTERN + " }",
    "variable": "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e " + PATTERN + " }",
    "silent variable": "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE SILENT ?e " + PATTERN + " }",
    "prefixed name": "PREFIX ep: <{base}> SELECT * WHERE { SERVICE ep:sparql " + PATTERN + " }",
    "base": "BASE <{base}> SELECT * WHERE { SERVICE <sparql> " + PATTERN + " }",
    "escaped keyword": "SELECT * WHERE { \\u0053ERVICE <{url}> " + PATTERN + " }",
    "escaped long": "SELECT * WHERE { SERVI\\U00000043E <{url}> " + PATTERN + " }",
    "comment inside": "SELECT * WHERE { SERVICE # here\n <{url}> " + PATTERN + " }",
    "optional": "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <{url}> " + PATTERN + " } }",
    "minus": "SELECT * WHERE { ?x ?y ?z MINUS { SERVICE <{url}> " + PATTERN + " } }",
    "union": "SELECT * WHERE { { ?x ?y ?z } UNION { SERVICE <{url}> " + PATTERN + " } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <{url}> " + PATTERN + " } }",
    "sub-select": "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}> " + PATTERN + " } } }",
    "filter exists": "SELECT * WHERE { FILTER EXISTS { SERVICE <{url}> " + PATTERN + " } }",
    "filter not exists": "SELECT * WHERE { FILTER NOT EXISTS { SERVICE <{url}> " + PATTERN + " } }",
    "ask filter exists": "ASK { FILTER EXISTS { SERVICE <{url}> " + PATTERN + " } }",
    "ask filter not exists": "ASK { FILTER NOT EXISTS { SERVICE SILENT <{url}> " + PATTERN + " } }",
    "bind exists": "SELECT * WHERE { BIND(EXISTS { SERVICE <{url}> " + PATTERN + " } AS ?b) }",
    "projected exists": "SELECT (EXISTS { SERVICE <{url}> " + PATTERN + " } AS ?b) WHERE {}",
    "if exists": "SELECT * WHERE { BIND(IF(EXISTS { SERVICE <{url}> "
    + PATTERN
    + " }, 1, 0) AS ?b) }",
    "coalesce not exists": "SELECT * WHERE { BIND(COALESCE(NOT EXISTS { SERVICE <{url}> "
    + PATTERN
    + " }) AS ?b) }",
    "order by exists": "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <{url}> "
    + PATTERN
    + " })",
    "having exists": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s "
    "HAVING (EXISTS { SERVICE <{url}> " + PATTERN + " })",
    "nested exists": "SELECT * WHERE { OPTIONAL { { FILTER(!EXISTS { ?a ?b ?c FILTER NOT EXISTS "
    "{ SERVICE <{url}> " + PATTERN + " } }) } } }",
    "exists in a sub-select": "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o FILTER EXISTS "
    "{ SERVICE <{url}> " + PATTERN + " } } } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> " + PATTERN + " }",
    "describe": "DESCRIBE ?s WHERE { SERVICE <{url}> " + PATTERN + " }",
    "describe exists": "DESCRIBE ?s WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{url}> "
    + PATTERN
    + " } }",
    "ask": "ASK { SERVICE <{url}> " + PATTERN + " }",
    "values after": "SELECT * WHERE { SERVICE <{url}> " + PATTERN + " } VALUES ?s { <urn:x> }",
}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with listening_socket() as sock:
        yield sock


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_service_is_refused_and_makes_no_request(
    live_url: str, listener: socket.socket, spelling: str
) -> None:
    base = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    query = spelling.replace("{url}", base + "sparql").replace("{base}", base)
    query = query.replace("{{", "{").replace("}}", "}")
    reply = get(live_url, query)
    assert reply.status == 400, reply.text
    assert "SERVICE" in reply.text and "no outbound requests" in reply.text
    assert connections_received(listener) == 0
