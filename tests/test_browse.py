"""Faceted browsing (``/browse/{class}``): facets from the shapes, live counts, filters as links,
sorting, paging, downloads and the SPARQL behind the page, on a small inline graph and on the
repository's graph."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Graph

from kg.browse.facets import BROWSE_BY_NAME, class_facets
from kg.config import PROJECT_ROOT, Settings
from kg.stores import Store, open_store
from kg.web import create_app

ID = "https://w3id.org/officials-kg/id/"
EX = "https://example.org/test#"
GRAPH = f"""\
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <{EX}> .
@prefix id: <{ID}> .

id:region\\/china a okg:Country ; rdfs:label "China"@en .
id:region\\/north a okg:Province ; rdfs:label "North Province"@en ;
    okg:locatedIn id:region\\/china .
id:region\\/south a okg:Province ; rdfs:label "South Province"@en ;
    okg:locatedIn id:region\\/china .
id:region\\/north-city a okg:City ; rdfs:label "North City"@en ; okg:locatedIn id:region\\/north .
id:region\\/north-county a okg:County ; rdfs:label "North County"@en ;
    okg:locatedIn id:region\\/north-city .
id:organization\\/alpha a okg:Platform ; rdfs:label "Alpha"@en .
id:organization\\/beta a okg:Platform ; rdfs:label "Beta"@en .
id:industry\\/farming a okg:Industry ; rdfs:label "farming"@en .
id:industry\\/fruit a okg:Industry ; rdfs:label "fruit"@en ; skos:broader id:industry\\/farming .
id:product\\/pears a okg:Product ; rdfs:label "Pears"@en ; okg:inIndustry id:industry\\/fruit .
id:source\\/one a okg:SourceDocument ; rdfs:label "Source one"@en .
id:source\\/two a okg:SourceDocument ; rdfs:label "Source two"@en .
id:office\\/county-head a okg:Office ; okg:officeOf id:region\\/north-county .
id:office\\/south-head a okg:Office ; okg:officeOf id:region\\/south .
id:official\\/ann a okg:Official ; rdfs:label "Ann"@en ; okg:holdsOffice id:office\\/county-head .
id:official\\/bo a okg:Official ; rdfs:label "Bo"@en ; okg:holdsOffice id:office\\/south-head .
ex:calm a ex:Mood ; rdfs:label "calm"@en .

id:broadcast\\/b1 a okg:Broadcast ; rdfs:label "B1"@en ; okg:host id:official\\/ann ;
    okg:promotesRegion id:region\\/north-county ; okg:platform id:organization\\/alpha ;
    okg:date "2020-04-08"^^xsd:date ; okg:features id:product\\/pears ;
    okg:evidence id:evidence\\/b1 ; ex:mood ex:calm .
id:broadcast\\/b2 a okg:Broadcast ; rdfs:label "B2"@en ; okg:host id:official\\/ann ;
    okg:promotesRegion id:region\\/north-city ; okg:platform id:organization\\/beta ;
    okg:earliestDate "2020-05-11"^^xsd:date ; okg:latestDate "2020-05-20"^^xsd:date ;
    okg:evidence id:evidence\\/b2 .
id:broadcast\\/b3 a okg:Broadcast ; rdfs:label "B3"@en ; okg:host id:official\\/bo ;
    okg:promotesRegion id:region\\/south ; okg:platform id:organization\\/alpha ;
    okg:date "2020-04-20"^^xsd:date ; okg:evidence id:evidence\\/b3 .
id:broadcast\\/b4 a okg:Broadcast ; rdfs:label "B4"@en ; okg:host id:official\\/bo ;
    okg:promotesRegion id:region\\/north ; okg:date "2020-03-01"^^xsd:date ;
    okg:evidence id:evidence\\/b4 .
id:evidence\\/b1 a okg:Evidence ; okg:source id:source\\/one .
id:evidence\\/b2 a okg:Evidence ; okg:source id:source\\/one .
id:evidence\\/b3 a okg:Evidence ; okg:source id:source\\/two .
id:evidence\\/b4 a okg:Evidence ; okg:source id:source\\/two .
"""
# A property the code has never heard of, given a shape: it must become a facet.
EXTRA_SHAPE = f"""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix ex: <{EX}> .
ex:MoodShape a sh:NodeShape ; sh:targetClass okg:Broadcast ;
    sh:property [ sh:path ex:mood ; sh:class ex:Mood ] .
"""


@pytest.fixture(scope="module")
def small_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("browse")
    (root / "data").mkdir()
    (root / "data" / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    shutil.copytree(PROJECT_ROOT / "shapes", root / "shapes")
    (root / "shapes" / "mood.ttl").write_text(EXTRA_SHAPE, encoding="utf-8")
    return Settings(data_dir=root / "data", shapes_dir=root / "shapes", validate=False)


@pytest.fixture(scope="module")
def small_store(small_settings: Settings) -> Iterator[Store]:
    store = open_store(small_settings)
    yield store
    store.close()


@pytest.fixture
def small(small_settings: Settings, small_store: Store) -> FlaskClient:
    app = create_app(small_settings, store=small_store)
    app.config["TESTING"] = True
    return app.test_client()


def page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


def total(html: str) -> int:
    found = re.search(r'data-total="(\d+)"', html)
    assert found
    return int(found.group(1))


def counts(html: str, facet: str) -> dict[str, int]:
    """The values of ``facet`` on the page and their counts."""
    section = re.search(rf'data-facet="{facet}".*?</section>', html, re.S)
    if section is None:
        return {}
    pairs = re.findall(r'data-value="([^"]+)".*?data-count="(\d+)"', section.group(0), re.S)
    return {value: int(count) for value, count in pairs}


def facet_link(html: str, facet: str, value: str) -> str:
    """The href of ``value`` in ``facet``."""
    section = re.search(rf'data-facet="{facet}".*?</section>', html, re.S)
    assert section
    found = re.search(rf'href="([^"]*)"[^>]*data-value="{re.escape(value)}"', section.group(0))
    assert found, f"{value} not in facet {facet}"
    return unescape(found.group(1))


def table_items(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r'<th scope="row"><a href="/id/([^"]+)"', body.group(1)) if body else []


# ---- facets come from the shapes -------------------------------------------------------------


def test_a_shape_property_with_iri_values_is_a_facet() -> None:
    shapes = Graph().parse(data=EXTRA_SHAPE, format="turtle")
    facets = class_facets(BROWSE_BY_NAME["broadcasts"], shapes, Graph(), {})
    mood = next(facet for facet in facets if facet.name == "mood")
    assert mood.property_iri == EX + "mood"
    assert mood.source == "shape"


def test_an_enumeration_of_iris_is_a_facet_and_of_literals_is_not() -> None:
    iris = EXTRA_SHAPE.replace("sh:class ex:Mood", "sh:in ( ex:calm ex:wild )")
    literals = EXTRA_SHAPE.replace("sh:class ex:Mood", 'sh:in ( "calm" "wild" )')
    for text, expected in ((iris, True), (literals, False)):
        shapes = Graph().parse(data=text, format="turtle")
        names = {f.name for f in class_facets(BROWSE_BY_NAME["broadcasts"], shapes, Graph(), {})}
        assert ("mood" in names) is expected


def test_a_literal_property_is_not_a_facet() -> None:
    shapes = Graph().parse(
        data=EXTRA_SHAPE.replace("sh:class ex:Mood", "sh:datatype <urn:x>"), format="turtle"
    )
    names = [
        facet.name for facet in class_facets(BROWSE_BY_NAME["broadcasts"], shapes, Graph(), {})
    ]
    assert "mood" not in names
    assert {"province", "month", "platform", "industry", "level", "source"} <= set(names)


def test_the_new_shape_facet_is_on_the_page_with_its_counts(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts")
    assert counts(html, "mood") == {EX + "calm": 1}
    narrowed = page_text(small, "/browse/broadcasts" + facet_link(html, "mood", EX + "calm"))
    assert table_items(narrowed) == ["broadcast/b1"]


# ---- counts and filters ----------------------------------------------------------------------


def test_province_counts_include_every_region_inside(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts")
    assert total(html) == 4
    assert counts(html, "province") == {"region/north": 3, "region/south": 1}


def test_any_region_level_filters_transitively(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts?province=region/north-city")
    assert sorted(table_items(html)) == ["broadcast/b1", "broadcast/b2"]


def test_narrowing_by_province_changes_the_platform_counts(small: FlaskClient) -> None:
    before = page_text(small, "/browse/broadcasts")
    assert counts(before, "platform") == {"organization/alpha": 2, "organization/beta": 1}
    link = facet_link(before, "province", "region/north")
    after = page_text(small, "/browse/broadcasts" + link)
    assert total(after) == 3
    assert counts(after, "platform") == {"organization/alpha": 1, "organization/beta": 1}
    both = page_text(
        small, "/browse/broadcasts" + facet_link(after, "platform", "organization/alpha")
    )
    assert table_items(both) == ["broadcast/b1"]
    assert parse_qs(urlsplit(facet_link(after, "platform", "organization/alpha")).query) == {
        "province": ["region/north"],
        "platform": ["organization/alpha"],
    }


def test_values_of_one_facet_are_alternatives(small: FlaskClient) -> None:
    html = page_text(
        small, "/browse/broadcasts?platform=organization/alpha&platform=organization/beta"
    )
    assert total(html) == 3
    # the platform facet still offers both, counted without its own choice
    assert counts(html, "platform") == {"organization/alpha": 2, "organization/beta": 1}


def test_month_comes_from_the_date_or_the_earliest_date(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts")
    assert counts(html, "month") == {"2020-04": 2, "2020-05": 1, "2020-03": 1}
    assert table_items(page_text(small, "/browse/broadcasts?month=2020-05")) == ["broadcast/b2"]


def test_industry_counts_broader_industries(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts")
    assert counts(html, "industry") == {"industry/farming": 1, "industry/fruit": 1}


def test_office_level_is_the_level_of_the_hosts_region(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts")
    assert counts(html, "level") == {"okg:County": 2, "okg:Province": 2}
    officials = page_text(small, "/browse/officials?level=okg:County")
    assert table_items(officials) == ["official/ann"]


def test_officials_are_counted_by_their_own_office_region(small: FlaskClient) -> None:
    html = page_text(small, "/browse/officials")
    assert counts(html, "province") == {"region/north": 1, "region/south": 1}
    assert counts(html, "platform") == {"organization/alpha": 2, "organization/beta": 1}


def test_source_facet(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts")
    assert counts(html, "source") == {"source/one": 2, "source/two": 2}


# ---- table: sorting, paging ------------------------------------------------------------------


def test_sorting_by_a_column_and_back(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts?sort=date&order=desc")
    assert table_items(html)[:3] == ["broadcast/b3", "broadcast/b1", "broadcast/b4"]
    assert 'aria-sort="descending"' in html
    ascending = page_text(small, "/browse/broadcasts?sort=date")
    assert table_items(ascending)[-3:] == ["broadcast/b4", "broadcast/b1", "broadcast/b3"]


def test_officials_sort_by_number_of_broadcasts(small: FlaskClient) -> None:
    html = page_text(small, "/browse/officials?sort=broadcasts&order=desc")
    assert table_items(html) == ["official/ann", "official/bo"]


def test_a_page_past_the_last_is_a_bad_request(small: FlaskClient) -> None:
    response = small.get("/browse/broadcasts?page=2")
    assert response.status_code == 400
    assert b"past the last page (1)" in response.data


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour=red", "unknown parameter 'colour'"),
        ("month=2020-13", "'month' must look like 2020-04"),
        ("month=April", "'month' must look like 2020-04"),
        ("platform=a%20b", "'platform' must name a resource"),
        ("platform=", "'platform' must name a resource"),
        ("sort=colour", "'sort' must be one of"),
        ("order=up", "'order' must be asc or desc"),
        ("page=0", "'page' must be a positive integer"),
        ("page=x", "'page' must be a positive integer"),
        ("sort=date&sort=label", "'sort' is given more than once"),
    ],
)
def test_bad_parameters_are_bad_requests(small: FlaskClient, query: str, message: str) -> None:
    response = small.get("/browse/broadcasts?" + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/browse/regions", "/browse/broadcasts.xml"])
def test_unknown_classes_and_formats_are_not_found(small: FlaskClient, path: str) -> None:
    response = small.get(path)
    assert response.status_code == 404
    assert "/browse/broadcasts" in response.get_data(as_text=True)


# ---- downloads and the SPARQL ----------------------------------------------------------------


def test_csv_download_is_the_whole_selection(small: FlaskClient) -> None:
    response = small.get("/browse/broadcasts.csv?province=region/north&sort=date")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["item"] for row in rows] == [
        ID + "broadcast/b2",
        ID + "broadcast/b4",
        ID + "broadcast/b1",
    ]
    assert rows[2]["date"] == "2020-04-08"


def test_json_download_is_sparql_results(small: FlaskClient) -> None:
    response = small.get("/browse/officials.json?province=region/south")
    document = json.loads(response.data)
    bindings = document["results"]["bindings"]
    assert [b["item"]["value"] for b in bindings] == [ID + "official/bo"]
    assert bindings[0]["broadcasts"]["value"] == "2"


def test_show_the_sparql_runs_the_query_of_the_table(small: FlaskClient) -> None:
    html = page_text(small, "/browse/broadcasts?platform=organization/alpha&sort=date")
    href = unescape(re.search(r'href="([^"]+)"[^>]*id="show-sparql"', html).group(1))  # type: ignore[union-attr]
    assert href.startswith("/query?query=")
    query = parse_qs(urlsplit(href).query)["query"][0]
    answer = small.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    items = [row["item"] for row in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))]
    assert items == [ID + item for item in table_items(html)]


# ---- the repository's graph ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BROWSE_BY_NAME))
def test_every_class_browses_on_the_repository_graph(client: FlaskClient, name: str) -> None:
    html = page_text(client, f"/browse/{name}")
    assert total(html) > 0
    assert table_items(html)


@pytest.mark.parametrize(
    ("name", "facet"),
    [
        ("broadcasts", "province"),
        ("broadcasts", "level"),
        ("broadcasts", "industry"),
        ("broadcasts", "month"),
        ("officials", "province"),
        ("officials", "level"),
        ("products", "province"),
    ],
)
def test_every_facet_link_narrows_to_its_count(client: FlaskClient, name: str, facet: str) -> None:
    html = page_text(client, f"/browse/{name}")
    values = counts(html, facet)
    assert values
    for value, count in values.items():
        narrowed = page_text(client, f"/browse/{name}" + facet_link(html, facet, value))
        assert total(narrowed) == count, value


def test_the_browse_index_links_every_class(client: FlaskClient) -> None:
    html = page_text(client, "/browse")
    for name in BROWSE_BY_NAME:
        assert f'href="/browse/{name}"' in html
