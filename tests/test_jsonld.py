"""Pages that machines read: every entity page's schema.org JSON-LD parses back into RDF with the
right types; the home page describes the dataset (schema.org Dataset and DCAT)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.browse.jsonld import entity, script
from kg.namespaces import DCAT, ID, OKG, SCHEMA

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# the class of an entity (by its IRI's kind) -> the schema.org type its page must declare
EXPECTED = {
    "official": SCHEMA.Person,
    "broadcast": SCHEMA.Event,
    "product": SCHEMA.Product,
    "region": SCHEMA.Place,
    "brand": SCHEMA.Brand,
    "source": SCHEMA.CreativeWork,
    "figure": SCHEMA.QuantitativeValue,
}


def jsonld_of(client: FlaskClient, path: str) -> Graph:
    """The JSON-LD of the page at ``path``, parsed by rdflib (one script per page)."""
    html = client.get(path).get_data(as_text=True)
    scripts = SCRIPT.findall(html)
    assert len(scripts) == 1, path
    return Graph().parse(data=scripts[0], format="json-ld")


def entity_paths(client: FlaskClient) -> list[str]:
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    urls = [unescape(u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    return [re.sub(r"^https?://[^/]+", "", u) for u in urls if "/id/" in u]


def test_every_entity_page_carries_typed_jsonld(client: FlaskClient) -> None:
    paths = entity_paths(client)
    assert len(paths) > 100
    checked: dict[str, int] = {}
    for path in paths:
        graph = jsonld_of(client, path)
        subject = URIRef(str(ID) + path.removeprefix("/id/"))
        types = set(graph.objects(subject, RDF.type))
        if types == {SCHEMA.Thing} and is_deprecated(client, path):
            continue  # a deprecated IRI keeps only a pointer to its replacement
        assert types and all(str(t).startswith(str(SCHEMA)) for t in types), path
        kind = path.split("/")[2]
        if kind in EXPECTED:
            assert EXPECTED[kind] in types, (path, types)
            checked[kind] = checked.get(kind, 0) + 1
    assert set(checked) == set(EXPECTED)


def is_deprecated(client: FlaskClient, path: str) -> bool:
    """Whether the resource at ``path`` is an ``owl:deprecated`` IRI."""
    turtle = client.get(path, headers={"Accept": "text/turtle"}).data
    graph = Graph().parse(data=turtle, format="turtle")
    return (URIRef(str(ID) + path.removeprefix("/id/")), OWL.deprecated, None) in graph


def test_broadcast_jsonld_names_its_performer_place_and_start(client: FlaskClient) -> None:
    graph = jsonld_of(client, "/id/broadcast/2020-04-08-wuhan")
    broadcast = ID["broadcast/2020-04-08-wuhan"]
    assert (broadcast, SCHEMA.startDate, Literal("2020-04-08")) in graph
    assert (broadcast, SCHEMA.performer, ID["official/li-qiang"]) in graph
    assert (ID["official/li-qiang"], RDF.type, SCHEMA.Person) in graph
    assert (broadcast, SCHEMA.about, ID["product/qianji-cakes"]) in graph


def test_region_jsonld_has_its_code_and_coordinates(client: FlaskClient) -> None:
    graph = jsonld_of(client, "/id/region/hubei")
    hubei = ID["region/hubei"]
    assert (hubei, SCHEMA.identifier, Literal("420000")) in graph
    assert graph.value(hubei, SCHEMA.latitude) is not None
    assert (hubei, SCHEMA.containedInPlace, ID["region/china"]) in graph


def test_home_page_describes_the_dataset(client: FlaskClient) -> None:
    graph = jsonld_of(client, "/")
    dataset = next(graph.subjects(RDF.type, SCHEMA.Dataset))
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert graph.value(dataset, SCHEMA.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(dataset, SCHEMA.version) is not None
    downloads = list(graph.objects(dataset, DCAT.distribution))
    assert downloads and set(downloads) == set(graph.objects(dataset, SCHEMA.distribution))
    for download in downloads:
        url = str(graph.value(download, DCAT.downloadURL))
        response = client.get(re.sub(r"^https?://[^/]+", "", url))
        assert response.status_code == 200, url
        response.close()


def test_same_as_and_a_closing_tag_in_a_label() -> None:
    iri = ID["official/x"]
    graph = Graph()
    graph.add((iri, RDF.type, OKG.Official))
    graph.add((iri, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("</script>x")))
    graph.add(
        (
            iri,
            URIRef("http://www.w3.org/2002/07/owl#sameAs"),
            URIRef("http://www.wikidata.org/entity/Q1"),
        )
    )
    ontology = Graph()
    ontology.add((OKG.Official, RDFS.subClassOf, SCHEMA.Person))
    text = script(
        entity(graph, ontology, str(iri), site="https://example.org/", base_iri=str(ID)[:-3])
    )
    assert "</script>" not in text
    parsed = Graph().parse(data=text, format="json-ld")
    assert (iri, SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q1")) in parsed
    assert (iri, RDF.type, SCHEMA.Person) in parsed
    assert (iri, SCHEMA.url, URIRef("https://example.org/id/official/x")) in parsed


@pytest.mark.parametrize("path", ["/browse/broadcasts", "/view/map"])
def test_browse_and_view_pages_have_no_entity_jsonld(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    assert not SCRIPT.search(html)
