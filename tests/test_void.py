"""The VoID description, robots.txt and the sitemap: counts equal the graph's real counts."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.cli import ExitCode, main
from kg.config import Settings
from kg.loading import graph_sources, union_graph
from kg.namespaces import BASE_IRI, VOID

BASE = BASE_IRI
DATASET = URIRef(BASE + "void#dataset")


@cache
def published() -> Graph:
    return union_graph(graph_sources(Settings()))


def void(client: FlaskClient) -> Graph:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


def count(graph: Graph, predicate: URIRef) -> int:
    value = graph.value(DATASET, predicate)
    assert isinstance(value, Literal), predicate
    return int(value)


def test_void_counts_are_the_real_counts(client: FlaskClient) -> None:
    graph, data = void(client), published()
    assert count(graph, VOID.triples) == len(data)
    assert count(graph, VOID.distinctSubjects) == len(set(data.subjects()))
    assert count(graph, VOID.properties) == len(set(data.predicates()))
    entities = {s for s in data.subjects() if isinstance(s, URIRef) and s.startswith(BASE + "id/")}
    assert count(graph, VOID.entities) == len(entities)


def test_class_partitions_count_instances(client: FlaskClient) -> None:
    graph, data = void(client), published()
    expected = Counter(o for _, o in set(data.subject_objects(RDF.type)))
    partitions = {
        graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))  # type: ignore[arg-type]
        for p in graph.objects(DATASET, VOID.classPartition)
    }
    assert partitions == dict(expected)


def test_void_links_resolve(client: FlaskClient) -> None:
    graph = void(client)
    root = "http://localhost/"
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef(root + "sparql")
    assert graph.value(DATASET, VOID.uriSpace) == Literal(BASE + "id/")
    assert URIRef(BASE + "ontology") in set(graph.objects(DATASET, VOID.vocabulary))
    dumps = list(graph.objects(DATASET, VOID.dataDump))
    assert len(dumps) == 5
    for url in dumps:
        assert client.get(str(url).removeprefix(root[:-1])).status_code == 200, url


def test_void_in_other_formats(client: FlaskClient) -> None:
    response = client.get("/void", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    assert (DATASET, RDF.type, VOID.Dataset) in Graph().parse(data=response.data, format="json-ld")
    assert client.get("/void", headers={"Accept": "image/png"}).status_code == 406


def test_robots_txt_points_to_the_sitemap(client: FlaskClient) -> None:
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /sparql" in text


def test_the_sitemap_lists_every_resource_page(client: FlaskClient) -> None:
    root = ElementTree.fromstring(client.get("/sitemap.xml").data)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {loc.text for loc in root.iter(namespace + "loc")}
    data = published()
    for subject in {s for s in data.subjects() if str(s).startswith(BASE + "id/")}:
        assert "http://localhost/" + subject[len(BASE) :] in urls, subject
    assert "http://localhost/ontology" in urls


def test_kg_stats_counts_as_void_does(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """One definition of the counts: ``kg stats`` prints what ``/void`` publishes."""
    assert main(["stats", "--format", "json"]) == ExitCode.OK
    stats, graph = json.loads(capsys.readouterr().out), void(client)
    assert stats["triples"] == count(graph, VOID.triples)
    assert stats["entities"] == count(graph, VOID.entities)
    assert stats["subjects"] == count(graph, VOID.distinctSubjects)
    assert stats["properties"] == count(graph, VOID.properties)
    partitions = {
        str(graph.value(p, VOID["class"])): int(graph.value(p, VOID.entities))  # type: ignore[arg-type]
        for p in graph.objects(DATASET, VOID.classPartition)
    }
    assert stats["classes"] == partitions
