"""Real SPARQL clients against ``kg serve``: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_data import ASK_TRUE, CONSTRUCT, EX, SELECT, SELECT_ROWS, expected_graph, write_dataset
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed


@pytest.fixture(scope="module")
def endpoint(kg_server: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> str:
    settings = write_dataset(tmp_path_factory.mktemp("clients-data"))
    folders = ["--data", str(settings.data_dir), "--ontology", str(settings.ontology_dir)]
    return kg_server(*folders, "--no-validate", "--workers", "1") + "sparql"


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(endpoint: str, method: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert len(bindings) == len(SELECT_ROWS)
    assert {row["name"]["value"] for row in bindings} == {str(row[1]) for row in SELECT_ROWS}


def test_sparqlwrapper_ask_xml_and_construct_turtle(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(ASK_TRUE)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    body = client.queryAndConvert()
    assert isomorphic(Graph().parse(data=body, format="turtle"), expected_graph(CONSTRUCT))


def test_sparqlwrapper_sees_a_syntax_error_as_bad_query(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.query()


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = Graph(SPARQLStore(endpoint, returnFormat="json"))
    assert len(list(graph.query(SELECT))) == len(SELECT_ROWS)
    assert (EX.alice, EX.knows, EX.bob) in graph
    assert graph.query(ASK_TRUE).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and isomorphic(constructed, expected_graph(CONSTRUCT))
