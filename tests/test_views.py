"""The views of broadcasts (``/view/{kind}``, ``/embed/{kind}``): their data on an inline graph
and on the repository's graph, the pages, embeds and the links to them from entity pages."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from kg.config import PROJECT_ROOT, Settings
from kg.stores import Store, open_store, select_rows
from kg.web import create_app

ID = "https://w3id.org/officials-kg/id/"
GRAPH = f"""\
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <{ID}> .

id:region\\/china a okg:Country ; rdfs:label "China"@en .
id:region\\/north a okg:Province ; rdfs:label "North"@en ; okg:locatedIn id:region\\/china ;
    okg:adminCode "420000" ; schema:latitude 30.5 ; schema:longitude 114.3 .
id:region\\/north-city a okg:City ; rdfs:label "North City"@en ; okg:locatedIn id:region\\/north ;
    schema:latitude 30.6 ; schema:longitude 114.2 .
id:region\\/south a okg:Province ; rdfs:label "South"@en ; okg:locatedIn id:region\\/china .
id:official\\/ann a okg:Official ; rdfs:label "Ann"@en .
id:industry\\/fruit a okg:Industry ; rdfs:label "fruit"@en .
id:product\\/pears a okg:Product ; rdfs:label "Pears"@en ; okg:inIndustry id:industry\\/fruit .

id:broadcast\\/b1 a okg:Broadcast ; rdfs:label "B1"@en ; okg:host id:official\\/ann ;
    okg:promotesRegion id:region\\/north-city ; okg:date "2020-04-08"^^xsd:date ;
    okg:features id:product\\/pears ; okg:reportedFigure id:figure\\/b1-sales .
id:figure\\/b1-sales a okg:ReportedFigure ; okg:measures okg:SalesAmount ; okg:unit okg:CNY ;
    okg:value 100.0 .
id:broadcast\\/b2 a okg:Broadcast ; rdfs:label "B2"@en ; okg:host id:official\\/ann ;
    okg:promotesRegion id:region\\/north ;
    okg:earliestDate "2020-05-11"^^xsd:date ; okg:latestDate "2020-05-20"^^xsd:date .
id:figure\\/b2-sales a okg:ReportedFigure ; okg:figureOf id:broadcast\\/b2 ;
    okg:measures okg:SalesAmount ; okg:unit okg:CNY ; okg:value 50.0 .
id:figure\\/b2-pear-sales a okg:ReportedFigure ; okg:figureOf id:broadcast\\/b2 ;
    okg:measures okg:SalesAmount ; okg:unit okg:CNY ; okg:value 30.0 ;
    okg:aboutProduct id:product\\/pears .
id:broadcast\\/b3 a okg:Broadcast ; rdfs:label "B3"@en ; okg:promotesRegion id:region\\/south .
"""


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("views")
    (root / "data").mkdir()
    (root / "data" / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    store = open_store(Settings(data_dir=root / "data", validate=False))
    yield store
    store.close()


@pytest.fixture
def small(small_store: Store) -> FlaskClient:
    app = create_app(Settings(validate=False), store=small_store)
    app.config["TESTING"] = True
    return app.test_client()


def view_data(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.data
    found = re.search(
        r'<script id="view-data" type="application/json">(.*?)</script>',
        response.get_data(as_text=True),
        re.S,
    )
    assert found
    return json.loads(found.group(1))


def test_timeline_has_points_for_days_and_bars_for_periods(small: FlaskClient) -> None:
    data = view_data(small, "/view/timeline")
    assert data["kind"] == "timeline"
    items = {item["id"].removeprefix(ID): item for item in data["items"]}
    assert items["broadcast/b1"]["type"] == "point"
    assert items["broadcast/b1"]["start"] == "2020-04-08"
    assert (
        items["broadcast/b2"] | {"type": "range", "start": "2020-05-11", "end": "2020-05-20"}
        == (items["broadcast/b2"])
    )
    assert "broadcast/b3" not in items  # no date: counted in the note, not drawn


def test_map_counts_broadcasts_inside_a_region_and_their_sales(small: FlaskClient) -> None:
    data = view_data(small, "/view/map")
    regions = {item["id"].removeprefix(ID): item for item in data["items"]}
    # North holds b1 (in its city) and b2; the product-specific figure is not added again
    assert regions["region/north"]["broadcasts"] == 2
    assert regions["region/north"]["sales"] == 150.0
    assert regions["region/north"]["code"] == "420000"
    assert regions["region/north-city"]["broadcasts"] == 1
    assert "region/south" not in regions  # no coordinates


def test_the_map_follows_the_selection(small: FlaskClient) -> None:
    data = view_data(small, "/view/map?month=2020-04")
    regions = {item["id"].removeprefix(ID): item["broadcasts"] for item in data["items"]}
    assert regions == {"region/north": 1, "region/north-city": 1}


def test_network_links_official_broadcast_product_industry(small: FlaskClient) -> None:
    data = view_data(small, "/view/network")["items"][0]
    groups = {node["id"].removeprefix(ID): node["group"] for node in data["nodes"]}
    assert groups["official/ann"] == "official"
    assert groups["industry/fruit"] == "industry"
    edges = {(e["from"].removeprefix(ID), e["to"].removeprefix(ID)) for e in data["edges"]}
    assert {
        ("official/ann", "broadcast/b1"),
        ("broadcast/b1", "product/pears"),
        ("product/pears", "industry/fruit"),
    } <= edges


@pytest.mark.parametrize("kind", ["timeline", "map", "network"])
def test_embed_is_only_the_view_and_may_be_framed(small: FlaskClient, kind: str) -> None:
    response = small.get(f"/embed/{kind}?host=official/ann")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="site"' not in html  # no site header or footer
    assert 'id="view"' in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    page = small.get(f"/view/{kind}?host=official/ann")
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert f'href="/embed/{kind}?host=official%2Fann"' in page.get_data(as_text=True)


def test_a_view_links_the_sparql_that_drew_it(small: FlaskClient) -> None:
    html = small.get("/view/map").get_data(as_text=True)
    href = unescape(re.search(r'href="([^"]+)"[^>]*id="show-sparql"', html).group(1))  # type: ignore[union-attr]
    assert href.startswith("/query?query=")
    assert "schema%3Alatitude" in href


@pytest.mark.parametrize(
    ("url", "status"),
    [("/view/globe", 404), ("/embed/globe", 404), ("/view/map?month=May", 400)],
)
def test_bad_view_requests(small: FlaskClient, url: str, status: int) -> None:
    assert small.get(url).status_code == status


# ---- the repository's graph ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("/id/official/li-qiang", "/view/timeline?host=official%2Fli-qiang"),
        ("/id/region/hubei", "/view/map?province=region%2Fhubei"),
        ("/id/organization/taobao", "/view/timeline?platform=organization%2Ftaobao"),
        ("/id/industry/agriculture", "/browse/broadcasts?industry=industry%2Fagriculture"),
    ],
)
def test_entity_pages_link_to_their_views(client: FlaskClient, page: str, link: str) -> None:
    html = client.get(page).get_data(as_text=True)
    assert f'href="{link}"' in html
    assert client.get(unescape(link)).status_code == 200


def test_the_map_of_a_province_counts_what_browse_counts(client: FlaskClient) -> None:
    data = view_data(client, "/view/map?province=region/hubei")
    hubei = next(i for i in data["items"] if i["id"] == ID + "region/hubei")
    browse = client.get("/browse/broadcasts?province=region/hubei").get_data(as_text=True)
    total = re.search(r'data-total="(\d+)"', browse)
    assert total and hubei["broadcasts"] == int(total.group(1))
    assert hubei["sales"] > 0


def test_every_dated_broadcast_is_on_the_timeline(client: FlaskClient, store: Store) -> None:
    data = view_data(client, "/view/timeline")
    dated = select_rows(
        store,
        """PREFIX okg: <https://w3id.org/officials-kg/ontology#>
        SELECT DISTINCT ?b WHERE { ?b a okg:Broadcast ; okg:date|okg:earliestDate ?d }""",
    )
    assert sorted(item["id"] for item in data["items"]) == sorted(str(r["b"]) for r in dated)
    assert {item["type"] for item in data["items"]} == {"point", "range"}


def test_view_scripts_and_libraries_are_served(client: FlaskClient) -> None:
    manifest = json.loads(
        (PROJECT_ROOT / "src/kg/web/static/views-vendor/MANIFEST.json").read_text(encoding="utf-8")
    )
    for path in ["views/draw.js", "views/view.js", "views/editor-views.js"]:
        response = client.get("/static/" + path)
        assert response.status_code == 200, path
        response.close()
    for entry in manifest["files"]:
        response = client.get("/static/views-vendor/" + entry["path"])
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"], entry["path"]
        response.close()
    assert {entry["package"] for entry in manifest["files"]} == {
        "leaflet",
        "vis-network",
        "vis-timeline",
    }
