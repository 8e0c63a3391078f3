"""Dumps of the whole dataset over HTTP: every format parses to exactly the published graph."""

from __future__ import annotations

import gzip
import json
from functools import cache

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.export import DUMP_FORMATS, dump_filename
from kg.formats import FORMATS_BY_NAME, Format
from kg.loading import graph_sources, union_graph
from kg.namespaces import ONTOLOGY_IRI

DUMPS = [FORMATS_BY_NAME[name] for name in DUMP_FORMATS]


@cache
def sources() -> tuple[Graph, dict[str, Graph]]:
    """The union and the per-file graphs, read by rdflib from the source files."""
    files = graph_sources(Settings())
    return union_graph(files), {str(f.graph_iri): f.graph for f in files}


def parsed(data: bytes, fmt: Format) -> Graph | Dataset:
    if fmt.datasets:
        return Dataset().parse(data=data, format=fmt.rdflib_name)
    return Graph().parse(data=data, format=fmt.rdflib_name)


@pytest.mark.parametrize("fmt", DUMPS, ids=lambda f: f.name)
def test_each_dump_is_the_published_graph(client: FlaskClient, fmt: Format) -> None:
    response = client.get("/dumps/" + dump_filename(fmt))
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    graph = parsed(response.data, fmt)
    union, named = sources()
    if not fmt.datasets:
        assert isomorphic(graph, union)
        return
    assert isinstance(graph, Dataset)
    served = {str(g.identifier): g for g in graph.graphs() if len(g)}
    assert set(served) == set(named)
    for name, expected in named.items():
        assert isomorphic(served[name], expected), name


@pytest.mark.parametrize("fmt", DUMPS, ids=lambda f: f.name)
def test_compressed_dumps_hold_the_same_bytes(client: FlaskClient, fmt: Format) -> None:
    plain = client.get("/dumps/" + dump_filename(fmt)).data
    response = client.get("/dumps/" + dump_filename(fmt, compressed=True))
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert gzip.decompress(response.data) == plain


def test_the_ontology_is_inside_the_dumps(client: FlaskClient) -> None:
    graph = Graph().parse(data=client.get("/dumps/officials-kg.nt").data, format="nt")
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, None, None) in graph


def test_the_jsonld_dump_uses_the_readable_context(client: FlaskClient) -> None:
    document = json.loads(client.get("/dumps/officials-kg.jsonld").data)
    assert document["@context"]["label"]["@container"] == "@language"
    assert any(node.get("type") == "Official" for node in document["@graph"])


@pytest.mark.parametrize("name", ["officials-kg.xml", "other.ttl", "officials-kg.ttl.zip"])
def test_unknown_dumps_are_404(client: FlaskClient, name: str) -> None:
    assert client.get("/dumps/" + name).status_code == 404
