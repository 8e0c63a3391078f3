"""SPARQL 1.1 Protocol over real HTTP (``kg serve`` under gunicorn): request forms x formats.

Every response is read by a real parser (rdflib's result and RDF parsers, the csv module,
ElementTree) and compared with the answers the test dataset (tests/sparql_data.py) implies.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import BNode, Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.query import Result
from rdflib.term import Node
from serving import Reply, fetch
from sparql_data import (
    ASK_FALSE,
    ASK_TRUE,
    BNODE,
    CONSTRUCT,
    EXTRA_GRAPH,
    PEOPLE_GRAPH,
    PREFIX,
    SELECT,
    SELECT_ROWS,
    SELECT_VARS,
    expected_graph,
    write_dataset,
)

from kg.formats import RDF_FORMATS, RESULT_FORMATS, Format

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def endpoint(kg_server: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The ``/sparql`` URL of a server on the test dataset."""
    settings = write_dataset(tmp_path_factory.mktemp("sparql-data"))
    folders = ["--data", str(settings.data_dir), "--ontology", str(settings.ontology_dir)]
    return kg_server(*folders, "--no-validate", "--workers", "2") + "sparql"


def ask(endpoint: str, how: str, query: str, accept: str, **params: str) -> Reply:
    """Send ``query`` in one of the three request forms."""
    headers = {"Accept": accept}
    if how == "get":
        return fetch(f"{endpoint}?{urlencode({'query': query, **params})}", headers=headers)
    if how == "form":
        body = urlencode({"query": query, **params}).encode()
        return fetch(endpoint, method="POST", data=body, headers={**headers, "Content-Type": FORM})
    url = f"{endpoint}?{urlencode(params)}" if params else endpoint
    headers["Content-Type"] = DIRECT
    return fetch(url, method="POST", data=query.encode(), headers=headers)


REQUEST_FORMS = ("get", "form", "direct")


def normalised(value: Node | None) -> Node | str | None:
    return BNODE if isinstance(value, BNode) else value


def rows_of(result: Result) -> set[tuple[Node | str | None, ...]]:
    assert [str(var) for var in result.vars or []] == list(SELECT_VARS)
    return {
        tuple(normalised(binding.get(var)) for var in result.vars or [])
        for binding in result.bindings
    }


def parse_rdflib(name: str) -> Callable[[bytes], set[tuple[Node | str | None, ...]]]:
    return lambda body: rows_of(Result.parse(io.BytesIO(body), format=name))


def parse_csv(body: bytes) -> set[tuple[Node | str | None, ...]]:
    """CSV carries plain strings: compare with the expected rows' lexical forms."""
    header, *records = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    assert header == list(SELECT_VARS)
    return {tuple(BNODE if v.startswith("_:") else v for v in record) for record in records}


def csv_rows() -> set[tuple[Node | str | None, ...]]:
    return {
        tuple("" if v is None else v if v == BNODE else str(v) for v in row) for row in SELECT_ROWS
    }


SELECT_PARSERS: dict[str, Callable[[bytes], set[tuple[Node | str | None, ...]]]] = {
    "json": parse_rdflib("json"),
    "xml": parse_rdflib("xml"),
    "tsv": parse_rdflib("tsv"),
    "csv": parse_csv,
}


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("how", REQUEST_FORMS)
def test_select_in_every_result_format(endpoint: str, how: str, fmt: Format) -> None:
    reply = ask(endpoint, how, SELECT, fmt.media_type)
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == fmt.content_type
    expected = csv_rows() if fmt.name == "csv" else SELECT_ROWS
    assert SELECT_PARSERS[fmt.name](reply.body) == expected


def test_xml_results_are_in_the_results_namespace(endpoint: str) -> None:
    reply = ask(endpoint, "get", SELECT, "application/sparql-results+xml")
    root = ET.fromstring(reply.body)
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    assert root.tag == namespace + "sparql"
    assert len(root.findall(f"{namespace}results/{namespace}result")) == len(SELECT_ROWS)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("how", REQUEST_FORMS)
def test_ask_in_json_and_xml(endpoint: str, how: str, fmt: str) -> None:
    for query, answer in ((ASK_TRUE, True), (ASK_FALSE, False)):
        reply = ask(endpoint, how, query, f"application/sparql-results+{fmt}")
        assert reply.status == 200, reply.text
        assert Result.parse(io.BytesIO(reply.body), format=fmt).askAnswer is answer


def test_ask_defaults_to_json(endpoint: str) -> None:
    reply = ask(endpoint, "get", ASK_TRUE, "*/*")
    assert reply.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert json.loads(reply.body) == {"head": {}, "boolean": True}


def parse_graph(fmt: Format, body: bytes) -> Graph:
    """The triples of a response, whatever the format (datasets flattened)."""
    if fmt.datasets:
        dataset = Dataset()
        dataset.parse(data=body, format=fmt.rdflib_name)
        graph = Graph()
        for subject, predicate, obj, _ in dataset.quads():
            graph.add((subject, predicate, obj))
        return graph
    return Graph().parse(data=body, format=fmt.rdflib_name)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("how", REQUEST_FORMS)
def test_construct_in_every_rdf_format(endpoint: str, how: str, fmt: Format) -> None:
    reply = ask(endpoint, how, CONSTRUCT, fmt.media_type)
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == fmt.content_type
    assert isomorphic(parse_graph(fmt, reply.body), expected_graph(CONSTRUCT))


def test_describe_defaults_to_turtle(endpoint: str) -> None:
    reply = ask(endpoint, "get", PREFIX + "DESCRIBE ex:carol", "")
    assert reply.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert len(Graph().parse(data=reply.body, format="turtle")) == 1


NAMES = PREFIX + "SELECT ?name WHERE { ?s ex:name ?name }"
GRAPH_NAMES = PREFIX + "SELECT ?g ?name WHERE { GRAPH ?g { ?s ex:name ?name } }"


def names(reply: Reply) -> set[str]:
    assert reply.status == 200, reply.text
    bindings = json.loads(reply.body)["results"]["bindings"]
    return {row["name"]["value"] for row in bindings}


@pytest.mark.parametrize("how", REQUEST_FORMS)
def test_default_graph_uri_restricts_the_default_graph(endpoint: str, how: str) -> None:
    reply = ask(endpoint, how, NAMES, "application/json", **{"default-graph-uri": EXTRA_GRAPH})
    assert names(reply) == {"Carol\nline two"}


@pytest.mark.parametrize("how", REQUEST_FORMS)
def test_named_graph_uri_restricts_the_named_graphs(endpoint: str, how: str) -> None:
    reply = ask(endpoint, how, GRAPH_NAMES, "application/json", **{"named-graph-uri": EXTRA_GRAPH})
    assert names(reply) == {"Carol\nline two"}
    only_named = ask(endpoint, how, NAMES, "application/json", **{"named-graph-uri": EXTRA_GRAPH})
    assert names(only_named) == set()  # the default graph is then empty (Protocol §2.1.4)


def test_from_clauses_choose_the_dataset(endpoint: str) -> None:
    query = PREFIX + f"SELECT ?name FROM <{EXTRA_GRAPH}> WHERE {{ ?s ex:name ?name }}"
    assert names(ask(endpoint, "get", query, "application/json")) == {"Carol\nline two"}
    query = PREFIX + f"SELECT ?name FROM NAMED <{PEOPLE_GRAPH}> WHERE {{ ?s ex:name ?name }}"
    assert names(ask(endpoint, "get", query, "application/json")) == set()


OUTSIDE = [  # {remote} is a listening localhost socket that must never see a connection
    {"query": PREFIX + "SELECT ?name FROM <{remote}> WHERE { ?s ex:name ?name }"},
    {"query": NAMES, "default-graph-uri": "{remote}"},
    {"query": NAMES, "named-graph-uri": "http://example.org/not-a-graph"},
    {
        "query": PREFIX
        + "SELECT ?name FROM NAMED <{remote}> WHERE { GRAPH ?g { ?s ex:name ?name } }"
    },
]


@pytest.mark.parametrize("params", OUTSIDE)
def test_graphs_outside_the_store_are_empty_and_never_fetched(
    endpoint: str, params: dict[str, str]
) -> None:
    """The W3C protocol tests treat a dataset naming a graph the store lacks as an empty graph."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        remote = f"http://127.0.0.1:{listener.getsockname()[1]}/remote.ttl"
        sent = {key: value.replace("{remote}", remote) for key, value in params.items()}
        reply = fetch(f"{endpoint}?{urlencode(sent)}", headers={"Accept": "application/json"})
        assert names(reply) == set()
        with pytest.raises(TimeoutError):
            listener.accept()[0].close()


def test_unbound_variables_and_blank_nodes_in_json(endpoint: str) -> None:
    reply = ask(endpoint, "get", SELECT, "application/sparql-results+json")
    bindings = json.loads(reply.body)["results"]["bindings"]
    anon = next(row for row in bindings if row["name"]["value"] == "Anon")
    assert set(anon) == {"person", "name"}  # ?age unbound: left out
    assert anon["person"]["type"] == "bnode"


def test_the_real_graph_answers_a_competency_style_query(live_url: str) -> None:
    query = (
        "PREFIX okg: <https://w3id.org/officials-kg/ontology#>\n"
        "SELECT (COUNT(?class) AS ?n) WHERE { ?class a <http://www.w3.org/2002/07/owl#Class> "
        "FILTER(STRSTARTS(STR(?class), STR(okg:))) }"
    )
    reply = fetch(f"{live_url}sparql?{urlencode({'query': query})}")
    assert reply.status == 200
    count = int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])
    ontology = Graph().parse(Path(__file__).parents[1] / "ontology" / "okg.ttl")
    owl_class = "http://www.w3.org/2002/07/owl#Class"
    okg = "https://w3id.org/officials-kg/ontology#"
    expected = {
        s for s, p, o in ontology if (str(p), str(o)) == (RDF_TYPE, owl_class) and s.startswith(okg)
    }
    assert count == len(expected) > 0
