"""Property-based fuzz of every route (issue #10): queries, encodings, headers, methods, paths.

Whatever a client sends, the answer is never a 5xx but a 503 that states a limit, and no body
holds a traceback, a file path of ours or a file from outside the served tree. CI runs a
fixed-seed subset (``KG_FUZZ_EXAMPLES`` per test, default 1,000: well under a minute);
``make fuzz`` runs 2 x 5,000 cases with a random seed.
"""

from __future__ import annotations

import gzip
import os
from urllib.parse import quote, urlencode

import pytest
from backends import backend_name
from flask import Flask
from flask.testing import FlaskClient
from hostile import ORDER_BY_PANIC, VALUES_PRODUCT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import PROJECT_ROOT, Settings
from kg.stores import Store
from kg.web import create_app

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("KG_FUZZ_RANDOM") != "1",  # fixed seed unless asked otherwise
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
LIMIT_WORDS = ("limit", "LIMIT")
LEAKS = ("Traceback", str(PROJECT_ROOT), '.py"', ".py,", "site-packages", "root:x:0:0")

# ---- queries: SPARQL fragments, hostile ones included, glued and then mutated ----
FRAGMENTS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "?s",
    "?p",
    "?o",
    "?x",
    "*",
    "a",
    "<urn:x:a>",
    "<https://w3id.org/officials-kg/id/x>",
    '"text"',
    '"2020-05-29"^^xsd:date',
    '"s5"@en',
    "1",
    "2.5",
    "1e3",
    "true",
    "_:b",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "SILENT",
    "VALUES",
    "BIND",
    "AS",
    "EXISTS",
    "NOT",
    "ORDER BY",
    "GROUP BY",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "DISTINCT",
    "COUNT(*)",
    "STR(",
    "xsd:byte(",
    "<urn:x:f>(",
    "REGEX(",
    "LANG(",
    "IF(",
    "COALESCE(",
    "+",
    "-",
    "/",
    "=",
    "<",
    "&&",
    "||",
    "!",
    "FROM",
    "FROM NAMED",
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
    "BASE <http://127.0.0.1:9/>",
    "INSERT DATA",
    "LOAD",
    "\\u0053ERVICE",
    "#",
    "\n",
    "'''",
    "\x00",
    "\r",
    "\u202e",
    "中文",
    "\ud7ff",
]
# The ORDER BY abort is contained in our evaluators, but a remote Oxigraph *server* sent it dies
# of it (docs/endpoint.md): it is fuzzed on the embedded store only.
CONTAINED_HERE_ONLY = [] if backend_name() != "embedded" else [ORDER_BY_PANIC]
WHOLE = [
    *CONTAINED_HERE_ONLY,
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/officials-kg/id/person/chen-si>",
    VALUES_PRODUCT,
    "SELECT * WHERE " + "{" * 300 + "}" * 300,
    "SELECT * WHERE { BIND(" + "+".join(["1"] * 3000) + " AS ?x) }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few characters inserted, deleted or replaced."""
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(chars)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(st.characters(codec="utf-8"))
        if action == "insert" or not chars:
            chars.insert(position, char)
        elif action == "delete":
            del chars[min(position, len(chars) - 1)]
        else:
            chars[min(position, len(chars) - 1)] = char
    return "".join(chars)


QUERIES = st.one_of(
    st.sampled_from(WHOLE).flatmap(mutated),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join).flatmap(mutated),
    st.text(max_size=200),
)

# ---- headers, methods, paths ----
MEDIA = [
    "*/*",
    "text/html",
    "text/turtle",
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml; charset=utf-8",
    "text/csv;q=0.5",
    "image/png",
    "text/*",
    "application/rdf+xml",
    "application/ld+json",
    "",
    ";;;",
    "a/b; q=abc",
    "*/*;q=0",
    "text/turtle\r\nX-Injected: 1",
]
HEADER_VALUES = st.one_of(st.sampled_from(MEDIA), st.text(max_size=40))
METHODS = st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"])
PATHS = st.one_of(
    st.sampled_from(
        [
            "/",
            "/sparql",
            "/healthz",
            "/ontology",
            "/ontology.ttl",
            "/ontology.x",
            "/void",
            "/.well-known/void",
            "/robots.txt",
            "/sitemap.xml",
            "/query",
            "/query/examples.json",
            "/class/Official",
            "/dumps/officials-kg.ttl",
            "/dumps/../../etc/passwd",
            "/static/../../../etc/passwd",
            "/static/%2e%2e/%2e%2e/pyproject.toml",
            "/id/person/chen-si",
            "/id/person/chen-si.ttl",
            "/id/person/chen-si/",
            "/id/x%0d%0ay",
        ]
    ),
    st.text(max_size=30).map(lambda text: "/id/" + quote(text, safe="/")),
    st.text(max_size=30).map(lambda text: "/" + quote(text.lstrip("/"), safe="/.%")),
)


@pytest.fixture(scope="module")
def fuzz_app(store: Store) -> Flask:
    """The app with a short time limit, so that query bombs end quickly."""
    app = create_app(Settings(timeout=1.0, client_budget=0.0), store=store)
    return app


def assert_no_failure(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    data = response.get_data()  # type: ignore[attr-defined]
    if response.headers.get("Content-Encoding") == "gzip":  # type: ignore[attr-defined]
        data = gzip.decompress(data)
    body = data.decode("utf-8", "replace")
    if status >= 500:
        assert status == 503 and any(word in body for word in LIMIT_WORDS), (status, body[:300])
    for leak in LEAKS:
        assert leak not in body, (status, leak, body[:300])
    for value in response.headers.values():  # type: ignore[attr-defined]
        assert "\r" not in value and "\n" not in value


HOW = st.sampled_from(["get", "form", "direct"])
FORMAT_NAMES = st.one_of(st.none(), st.sampled_from(["xml", "json", "csv", "turtle", "x", ""]))


@FUZZ
@given(query=QUERIES, accept=HEADER_VALUES, how=HOW, fmt=FORMAT_NAMES)
def test_sparql_never_fails(
    fuzz_app: Flask, query: str, accept: str, how: str, fmt: str | None
) -> None:
    client: FlaskClient = fuzz_app.test_client()
    params = {"query": query, **({"format": fmt} if fmt is not None else {})}
    headers = {"Accept": accept.replace("\r", "").replace("\n", "")}
    if how == "get":
        response = client.get("/sparql?" + urlencode(params), headers=headers)
    elif how == "form":
        response = client.post("/sparql", data=params, headers=headers)
    else:
        headers["Content-Type"] = "application/sparql-query"
        response = client.post(
            "/sparql", data=query.encode("utf-8", "surrogatepass"), headers=headers
        )
    assert_no_failure(response)


@FUZZ
@given(method=METHODS, path=PATHS, accept=HEADER_VALUES, content_type=HEADER_VALUES,
       body=st.binary(max_size=200), etag=st.text(max_size=20))  # fmt: skip
def test_every_route_never_fails(
    fuzz_app: Flask, method: str, path: str, accept: str, content_type: str, body: bytes, etag: str
) -> None:
    client: FlaskClient = fuzz_app.test_client()
    headers = {
        "Accept": accept.replace("\r", "").replace("\n", ""),
        "Content-Type": content_type.replace("\r", "").replace("\n", ""),
        "If-None-Match": etag.replace("\r", "").replace("\n", ""),
        "Accept-Encoding": "gzip",
    }
    response = client.open(path, method=method, data=body, headers=headers)
    assert_no_failure(response)
