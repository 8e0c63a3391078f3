"""Dereferencing ``/id/…`` and ``/ontology``: content negotiation, suffixes, headers, errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from functools import cache
from xml.etree import ElementTree

import html5lib
import pytest
from flask.testing import FlaskClient
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.config import Settings
from kg.formats import GRAPH_FORMATS, HTML, Format
from kg.loading import graph_sources, read_sources, union_graph
from kg.namespaces import BASE_IRI

BASE = BASE_IRI
ID_SPACE = BASE + "id/"
ONTOLOGY = BASE + "ontology"


@cache
def source_graph() -> Graph:
    """The published graph as rdflib reads it from the source files (independent of the store)."""
    return union_graph(graph_sources(Settings()))


@cache
def ontology_source() -> Graph:
    return union_graph(read_sources([Settings().ontology_dir]))


def subjects() -> list[URIRef]:
    """Every subject IRI of the graph in our ``/id/`` space."""
    graph = source_graph()
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(ID_SPACE)})


def path_of(iri: str) -> str:
    return "/" + iri[len(BASE) :]


def own_triples(iri: URIRef) -> list[tuple[URIRef, URIRef, object]]:
    """The triples of ``iri`` whose object is not a blank node (those compare by structure)."""
    return [
        (iri, p, o) for p, o in source_graph().predicate_objects(iri) if not isinstance(o, BNode)
    ]


def parse_html(body: bytes) -> ElementTree.Element:
    """Parse a page strictly (html5lib raises on any parse error)."""
    document: ElementTree.Element = html5lib.HTMLParser(strict=True).parse(body.decode("utf-8"))
    return document


def page_text(body: bytes) -> str:
    return " ".join("".join(parse_html(body).itertext()).split())


def an_official() -> URIRef:
    officials = sorted(source_graph().subjects(RDF.type, URIRef(ONTOLOGY + "#Official")))
    assert officials, "the graph has no official"
    return officials[0]  # type: ignore[return-value]


def test_the_graph_has_resources_to_dereference() -> None:
    assert len(subjects()) >= 10


def test_every_resource_dereferences_in_every_rdf_format(client: FlaskClient) -> None:
    for iri in subjects():
        expected = own_triples(iri)
        for fmt in GRAPH_FORMATS:
            response = client.get(f"{path_of(iri)}.{fmt.extension}")
            assert response.status_code == 200, (iri, fmt.name)
            assert response.mimetype == fmt.media_type
            graph = Graph().parse(data=response.data, format=fmt.rdflib_name)
            missing = [t for t in expected if t not in graph]
            assert not missing, (iri, fmt.name, missing[:3])


def test_every_resource_has_an_html_page_with_its_labels(client: FlaskClient) -> None:
    for iri in subjects():
        response = client.get(path_of(iri), headers={"Accept": "text/html"})
        assert response.status_code == 200, iri
        text = page_text(response.data)
        for label in source_graph().objects(iri, RDFS.label):
            assert " ".join(str(label).split()) in text, (iri, label)


# Accept header -> media type served by /id/…; HTML is the default (no header, */*).
NEGOTIATION = [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/html", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/x-turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("text/html;q=0.1, text/turtle", "text/turtle"),
    ("image/png, */*;q=0.1", "text/html"),
]


@pytest.mark.parametrize(("accept", "media_type"), NEGOTIATION)
def test_content_negotiation(client: FlaskClient, accept: str | None, media_type: str) -> None:
    path = path_of(an_official())
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    extension = {fmt.media_type: fmt.extension for fmt in (HTML, *GRAPH_FORMATS)}[media_type]
    assert response.headers["Content-Location"] == f"{path}.{extension}"


def test_link_headers_name_every_alternate(client: FlaskClient) -> None:
    path = path_of(an_official())
    links = client.get(path).headers["Link"]
    for fmt in (HTML, *GRAPH_FORMATS):
        assert f'<{path}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"' in links
        assert client.get(f"{path}.{fmt.extension}").status_code == 200


def test_suffixed_documents_are_not_negotiated(client: FlaskClient) -> None:
    response = client.get(path_of(an_official()) + ".ttl", headers={"Accept": "text/html"})
    assert response.mimetype == "text/turtle"
    assert "Content-Location" not in response.headers


@pytest.mark.parametrize(
    "accept", ["image/png", "application/sparql-results+json", "text/html;q=0"]
)
def test_unacceptable_accept_gets_406(client: FlaskClient, accept: str) -> None:
    response = client.get(path_of(an_official()), headers={"Accept": accept})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]  # where to go instead
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/id/official/no-such-person",
        "/id/nothing",
        "/id/official/ma-hongsheng.xyz",
        "/id/official/%3E%20DROP",
        "/id/region/%E7%8F%A0%E6%B5%B7",
        "/ontology.xyz",
    ],
)
def test_unknown_iris_are_404_in_html(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    parse_html(response.data)


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_unknown_iris_are_404_in_rdf(client: FlaskClient, fmt: Format) -> None:
    response = client.get("/id/official/no-such-person", headers={"Accept": fmt.media_type})
    assert response.status_code == 404
    assert response.mimetype == fmt.media_type
    assert len(Graph().parse(data=response.data, format=fmt.rdflib_name)) == 0
    by_suffix = client.get(f"/id/official/no-such-person.{fmt.extension}")
    assert (by_suffix.status_code, by_suffix.mimetype) == (404, fmt.media_type)


def test_head_has_the_headers_of_get_and_no_body(client: FlaskClient) -> None:
    path = path_of(an_official())
    get = client.get(path, headers={"Accept": "text/turtle"})
    head = client.head(path, headers={"Accept": "text/turtle"})
    assert head.status_code == 200
    assert head.data == b""
    for header in ("Content-Type", "Content-Location", "Link", "Vary", "ETag"):
        assert head.headers[header] == get.headers[header]
    assert client.head("/id/official/no-such-person").status_code == 404


def test_trailing_slash_redirects_to_the_resource(client: FlaskClient) -> None:
    path = path_of(an_official())
    response = client.get(path + "/")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(path)
    assert client.get(path + "/", follow_redirects=True).status_code == 200


def test_percent_encoded_unreserved_characters_name_the_same_resource(client: FlaskClient) -> None:
    path = path_of(an_official())
    encoded = path.replace("-", "%2D").replace("o", "%6F")
    plain = client.get(path + ".nt").data
    assert encoded != path
    assert client.get(encoded + ".nt").data == plain


def test_a_description_has_labels_of_neighbours_and_incoming_links(client: FlaskClient) -> None:
    iri = an_official()
    graph = Graph().parse(data=client.get(path_of(iri) + ".ttl").data, format="turtle")
    for neighbour in source_graph().objects(iri, None):
        if isinstance(neighbour, URIRef):
            for label in source_graph().objects(neighbour, RDFS.label):
                assert (neighbour, RDFS.label, label) in graph
    for subject, prop in source_graph().subject_predicates(iri):
        assert (subject, prop, iri) in graph


def test_jsonld_reads_as_plain_json(client: FlaskClient) -> None:
    iri = an_official()
    document = json.loads(client.get(path_of(iri) + ".jsonld").data)
    context = document["@context"]
    assert context["id"] == "@id"
    assert context["type"] == "@type"
    nodes = {node["id"]: node for node in document["@graph"]}
    official = nodes[str(iri)]
    assert official["type"] == "Official"
    assert isinstance(official["label"], dict) and "en" in official["label"]
    assert all(isinstance(office, str) for office in _as_list(official.get("holdsOffice")))


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_unchanged_descriptions_answer_304(client: FlaskClient) -> None:
    path = path_of(an_official()) + ".ttl"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


# ---- the ontology ----------------------------------------------------------------------------


def ontology_terms() -> list[URIRef]:
    graph = ontology_source()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {t for k in kinds for t in graph.subjects(RDF.type, k) if str(t).startswith(ONTOLOGY + "#")}
    )  # type: ignore[type-var]


def test_the_ontology_page_documents_every_class_and_property(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    document = parse_html(response.data)
    ids = {el.get("id") for el in document.iter() if el.get("id")}
    text = page_text(response.data)
    terms = ontology_terms()
    assert terms
    for term in terms:
        assert term.removeprefix(ONTOLOGY + "#") in ids, term
        for label in ontology_source().objects(term, RDFS.label):
            assert " ".join(str(label).split()) in text, (term, label)


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_the_ontology_in_every_rdf_format(client: FlaskClient, fmt: Format) -> None:
    by_suffix = client.get(f"/ontology.{fmt.extension}")
    by_accept = client.get("/ontology", headers={"Accept": fmt.media_type})
    assert by_suffix.status_code == by_accept.status_code == 200
    assert by_accept.headers["Content-Location"] == f"/ontology.{fmt.extension}"
    graph = Graph().parse(data=by_suffix.data, format=fmt.rdflib_name)
    assert graph.isomorphic(ontology_source())


def test_every_property_on_a_page_links_to_its_documentation(client: FlaskClient) -> None:
    ontology_ids = {
        el.get("id") for el in parse_html(client.get("/ontology.html").data).iter() if el.get("id")
    }
    page = parse_html(client.get(path_of(an_official()) + ".html").data)
    namespace = "{http://www.w3.org/1999/xhtml}"
    hrefs = [a.get("href") for a in page.iter(namespace + "a")]
    anchors = [href.split("#", 1)[1] for href in hrefs if href.startswith("/ontology#")]
    assert anchors
    assert set(anchors) <= ontology_ids


# ---- over real HTTP --------------------------------------------------------------------------


def fetch(url: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_dereferencing_over_http(live_url: str) -> None:
    iri = an_official()
    url = live_url.rstrip("/") + path_of(iri)
    status, headers, body = fetch(url, "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert (iri, RDF.type, URIRef(ONTOLOGY + "#Official")) in Graph().parse(data=body, format="ttl")
    status, headers, body = fetch(url, "text/html")
    assert status == 200 and b"<h1>" in body
    assert fetch(live_url + "id/official/no-such-person", "text/turtle")[0] == 404
    assert fetch(url, "image/png")[0] == 406


def test_rdflib_can_load_an_iri_from_the_server(live_url: str) -> None:
    iri = an_official()
    graph = Graph().parse(live_url.rstrip("/") + path_of(iri), format="turtle")
    assert (iri, RDF.type, URIRef(ONTOLOGY + "#Official")) in graph
