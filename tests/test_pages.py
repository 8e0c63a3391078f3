"""HTML pages: the home page, class pages, resource pages, and the views behind them."""

from __future__ import annotations

from xml.etree import ElementTree

import html5lib
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from kg.web import pages
from kg.web.views import Linker, figure_reading, format_number, resource_view

XHTML = "{http://www.w3.org/1999/xhtml}"
OKG = "https://w3id.org/officials-kg/ontology#"


def parse(body: bytes) -> ElementTree.Element:
    """A page parsed strictly (html5lib raises on any parse error)."""
    document: ElementTree.Element = html5lib.HTMLParser(strict=True).parse(body.decode("utf-8"))
    return document


def links(document: ElementTree.Element) -> list[str]:
    return [a.get("href", "") for a in document.iter(XHTML + "a")]


def test_home_page_links_everywhere_a_newcomer_needs(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    document = parse(response.data)
    hrefs = links(document)
    for target in ("/sparql", "/ontology", "/.well-known/void", "/dumps/officials-kg.ttl.gz"):
        assert target in hrefs, target
    assert any(href.startswith("/id/source/") for href in hrefs), "no link to the source article"
    assert any(href.startswith("/class/") for href in hrefs)
    assert document.find(f".//{XHTML}a[@class='skip']") is not None
    assert document.get("lang") == "en"


def test_home_page_counts_are_the_stores(client: FlaskClient, store: object) -> None:
    from kg.stores import select_rows

    rows = select_rows(
        store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    )  # type: ignore[arg-type]
    text = " ".join("".join(parse(client.get("/").data).itertext()).split())
    assert f"Triples{int(rows[0]['n']):,}" in text.replace("Triples ", "Triples")  # type: ignore[call-overload]


def click_path(client: FlaskClient, start: str, prefix: str) -> str:
    """The first link starting with ``prefix`` on the page at ``start``."""
    response = client.get(start, headers={"Accept": "text/html"})
    assert response.status_code == 200, start
    return next(href for href in links(parse(response.data)) if href.startswith(prefix))


@pytest.mark.parametrize("kind", ["Official", "Broadcast", "Product"])
def test_a_newcomer_clicks_from_home_to_turtle_to_the_ontology(
    client: FlaskClient, kind: str
) -> None:
    class_page = click_path(client, "/", f"/class/{kind}")
    resource = click_path(client, class_page, "/id/")
    turtle = click_path(client, resource, resource + ".ttl")
    assert Graph().parse(data=client.get(turtle).data, format="turtle")
    terms = [h for h in links(parse(client.get(resource).data)) if h.startswith("/ontology#")]
    ontology = parse(client.get("/ontology").data)
    anchors = {el.get("id") for el in ontology.iter() if el.get("id")}
    assert terms and {t.split("#")[1] for t in terms} <= anchors


def test_class_pages_paginate(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    first, second = client.get("/class/Region"), client.get("/class/Region?page=2")
    assert first.status_code == second.status_code == 200
    on_first = {h for h in links(parse(first.data)) if h.startswith("/id/")}
    on_second = {h for h in links(parse(second.data)) if h.startswith("/id/")}
    assert len(on_first) == len(on_second) == 2
    assert not on_first & on_second
    assert "/class/Region?page=3" in links(parse(second.data))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/class/Region?page=0", 400),
        ("/class/Region?page=x", 400),
        ("/class/Region?page=999", 404),
        ("/class/NoSuchClass", 404),
    ],
)
def test_class_page_errors(client: FlaskClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_static_css_is_local(client: FlaskClient) -> None:
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert b"http" not in response.data  # no external font, import or asset


FIXTURE = """
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/officials-kg/id/> .
id:b a okg:Broadcast ; rdfs:label "A broadcast"@en, "直播"@zh ; okg:reportedFigure id:f, id:g .
id:f okg:value "60000"^^xsd:decimal ; okg:unit okg:Jin ; okg:qualifier okg:MoreThan ;
  okg:measures okg:WeightSold ; okg:evidence id:e .
id:e okg:source id:source ; okg:locator "para 6" ; okg:quote "sales of over 60,000 catties"@en .
id:g okg:value "20.5"^^xsd:decimal ; okg:unit okg:Aircraft ; okg:qualifier okg:Exactly .
id:h okg:value "2520000"^^xsd:decimal ; okg:unit okg:Viewer ; okg:qualifier okg:MoreThan .
id:i okg:value "1"^^xsd:decimal ; okg:unit okg:Viewer ; okg:qualifier okg:Exactly .
okg:Viewer rdfs:label "viewer"@en ; okg:pluralLabel "viewers"@en .
okg:Jin rdfs:label "jin"@en . okg:MoreThan rdfs:label "over"@en .
okg:Aircraft rdfs:label "aircraft"@en .
id:source rdfs:label "The article"@en .
"""


@pytest.mark.parametrize(
    ("value", "text"), [("17930000", "17,930,000"), ("2520000.0", "2,520,000"), ("0.5", "0.5")]
)
def test_format_number(value: str, text: str) -> None:
    assert format_number(value) == text  # type: ignore[arg-type]


def test_figures_read_as_the_article_states_them() -> None:
    graph = Graph().parse(data=FIXTURE, format="turtle")
    linker = Linker(graph, "https://w3id.org/officials-kg/", {})
    figure = URIRef("https://w3id.org/officials-kg/id/f")
    assert figure_reading(linker, figure) == "over 60,000 jin"
    exact = URIRef("https://w3id.org/officials-kg/id/g")
    assert figure_reading(linker, exact) == "20.5 aircraft"


def test_a_unit_reads_in_the_plural_after_a_number_other_than_one() -> None:
    graph = Graph().parse(data=FIXTURE, format="turtle")
    linker = Linker(graph, "https://w3id.org/officials-kg/", {})
    many, one = (URIRef(f"https://w3id.org/officials-kg/id/{name}") for name in ("h", "i"))
    assert figure_reading(linker, many) == "over 2,520,000 viewers"
    assert figure_reading(linker, one) == "1 viewer"


def test_the_wuhan_page_reads_its_audience_as_the_article_does(client: FlaskClient) -> None:
    with client.get("/id/broadcast/2020-04-08-wuhan", headers={"Accept": "text/html"}) as response:
        page = response.get_data(as_text=True)
    assert "2,520,000 viewers" in page
    assert "17,930,000 yuan" in page


def test_resource_view_collects_labels_figures_and_quotes() -> None:
    graph = Graph().parse(data=FIXTURE, format="turtle")
    base = "https://w3id.org/officials-kg/"
    labels = {URIRef(OKG + "reportedFigure"): {"en": "reported figure"}}
    view = resource_view(graph, base + "id/b", base, labels)
    assert (view.label, view.label_zh) == ("A broadcast", "直播")
    assert [t.href for t in view.types] == ["/ontology#Broadcast"]
    assert [f.reading for f in view.figures] == ["over 60,000 jin", "20.5 aircraft"]
    quote = view.figures[0].quotes[0]
    assert quote.sources[0].href == "/id/source"
    assert (quote.text, quote.kind, quote.locator) == (
        "sales of over 60,000 catties",
        "quote",
        "para 6",
    )
    prop = next(row.prop for row in view.rows if row.prop.iri == OKG + "reportedFigure")
    assert (prop.text, prop.href) == ("reported figure", "/ontology#reportedFigure")


def test_the_wuhan_page_shows_the_evidence_of_the_broadcast_and_its_figures(
    client: FlaskClient,
) -> None:
    with client.get("/id/broadcast/2020-04-08-wuhan", headers={"Accept": "text/html"}) as response:
        page = response.get_data(as_text=True)
    evidence = page[page.index('id="evidence"') :]
    assert "Li Qiang and entrepreneurs and talents opened their first live show" in evidence
    figures = page[page.index('id="figures"') : page.index('id="evidence"')]
    assert figures.count("the total sales of brought goods reached 17.93 million yuan.") == 2
    assert "(para 6)" in figures
