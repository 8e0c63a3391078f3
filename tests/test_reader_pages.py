"""Pages for readers and crawlers: version IRIs, the sitemap, robots.txt, summaries, "query it"."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.namespace import OWL

from kg.describe import resources
from kg.stores import Store
from kg.web.summaries import resource_summary, shorten
from kg.web.views import resource_view

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ID = "https://w3id.org/officials-kg/id/"


class Meta(HTMLParser):
    """The ``<meta>`` contents and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "meta" and (named.get("name") or named.get("property")):
            self.meta[named.get("name") or named["property"]] = named.get("content", "")
        if tag == "a" and "href" in named:
            self.links.append(named["href"])


def parsed(body: bytes) -> Meta:
    page = Meta()
    page.feed(body.decode("utf-8"))
    return page


def test_the_ontology_version_iri_dereferences(client: FlaskClient) -> None:
    ontology = client.get("/ontology", headers={"Accept": "text/html"})
    version_links = [h for h in parsed(ontology.data).links if h.startswith("/ontology/")]
    assert version_links, "the ontology page links its version IRI"
    for link in version_links:
        page = client.get(link, headers={"Accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 200, link
        assert page.request.path == "/ontology" or 'rel="latest-version"' in page.headers["Link"]
        turtle = client.get(link, headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert turtle.status_code == 200
        assert len(Graph().parse(data=turtle.data, format="turtle")) > 100


def test_a_prior_version_redirects_stating_both_versions(client: FlaskClient) -> None:
    ontology = Graph().parse(data=client.get("/ontology.ttl").data, format="turtle")
    prior = [str(o) for o in ontology.objects(None, OWL.priorVersion)]
    assert prior, "the ontology names its prior version"
    response = client.get(urlsplit(prior[0]).path.removeprefix("/officials-kg"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/ontology"
    assert "superseded by" in response.get_data(as_text=True)


def test_an_unknown_ontology_version_is_404_naming_the_current(client: FlaskClient) -> None:
    response = client.get("/ontology/9.9.9", headers={"Accept": "text/plain"})
    assert response.status_code == 404
    assert b"the current is" in response.data


def test_the_sitemap_lists_every_entity_page(client: FlaskClient, store: Store) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        urlsplit(loc.text or "").path
        for loc in ElementTree.fromstring(response.data).iter(SITEMAP + "loc")
    }
    entities = {"/id/" + iri.removeprefix(ID) for iri in resources(store, ID)}
    assert entities and entities <= locations
    assert {"/", "/query", "/ontology"} <= locations


def test_robots_txt_points_to_the_sitemap(client: FlaskClient) -> None:
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in body
    assert "Disallow: /sparql" in body


def test_query_it_links_open_the_editor(client: FlaskClient) -> None:
    page = parsed(client.get("/id/official/song-junhua", headers={"Accept": "text/html"}).data)
    query_links = [h for h in page.links if "query=" in h]
    assert query_links and all(h.startswith("/query?") for h in query_links)
    query = parse_qs(urlsplit(query_links[0]).query)["query"][0]
    assert "<https://w3id.org/officials-kg/id/official/song-junhua>" in query


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/id/official/song-junhua", ["Song Junhua", "Deputy Head of Zigui County", "hosted 1"]),
        ("/id/broadcast/2020-03-15-zigui", ["hosted by Song Junhua", "2020-03-15"]),
    ],
)
def test_entity_pages_are_summarised_from_their_data(
    client: FlaskClient, path: str, expected: list[str]
) -> None:
    page = parsed(client.get(path, headers={"Accept": "text/html"}).data)
    for text in expected:
        assert text in page.meta["description"]
    assert page.meta["og:description"] == page.meta["description"]


def test_a_summary_names_an_unknown_kind_by_its_first_properties() -> None:
    graph = Graph().parse(
        data=f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{ID}thing/x> a <urn:x:Kind> ; rdfs:label "Thing X"@en ;
            rdfs:comment "A test thing."@en .""",
        format="turtle",
    )
    summary = resource_summary(resource_view(graph, f"{ID}thing/x", ID, {}))
    assert summary.startswith("Thing X:") and "A test thing." in summary


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("alpha beta gamma", 12) == "alpha beta…"
    assert shorten("  a  b ") == "a b"


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_following_a_sparql_link_gets_the_editor(client: FlaskClient) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/officials-kg/ontology#Official> }"
    page = client.get("/sparql", query_string={"query": query}, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Accept" in page.headers["Vary"]
    assert b'id="editor"' in page.data


@pytest.mark.parametrize(
    ("accept", "params", "media_type"),
    [
        ("application/sparql-results+json", {}, "application/sparql-results+json"),
        (BROWSER_ACCEPT, {"format": "json"}, "application/sparql-results+json"),
        ("*/*", {}, "application/sparql-results+json"),
        (None, {}, "application/sparql-results+json"),
    ],
)
def test_sparql_clients_still_get_results(
    client: FlaskClient, accept: str | None, params: dict[str, str], media_type: str
) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/officials-kg/ontology#Official> } LIMIT 1"
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    assert response.status_code == 200 and response.mimetype == media_type
