"""Browsing and the views in a real headless Chromium, on the repository's graph: narrowing
broadcasts by province then platform with the counts changing, the timeline, map and network
drawn from real data, a shared view URL and its embed, and the query editor opening a map.
Screenshots go to ``tests/artifacts/``; any script error or request to another host fails."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page
from test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    problems,
    watched_page,
)
from werkzeug.serving import make_server

from kg.config import Settings
from kg.stores import Store, select_rows
from kg.web import create_app

MAP_QUERY = """#defaultView:Map
PREFIX okg: <https://w3id.org/officials-kg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?region ?lat ?long (COUNT(DISTINCT ?b) AS ?broadcasts) WHERE {
  ?b okg:promotesRegion/okg:locatedIn* ?region .
  ?region schema:latitude ?lat ; schema:longitude ?long .
} GROUP BY ?region ?lat ?long"""


@pytest.fixture(scope="module")
def repo_url(settings: Settings, store: Store) -> Iterator[str]:
    """The app on the repository's graph, on a random localhost port."""
    server = make_server("127.0.0.1", 0, create_app(settings, store=store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser: Browser, repo_url: str, problems: list[str]) -> Iterator[Page]:  # noqa: F811
    with watched_page(browser, repo_url, problems) as opened:
        yield opened


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def facet_counts(page: Page, facet: str) -> dict[str, int]:
    links = page.locator(f'section[data-facet="{facet}"] li')
    found = {}
    for item in links.all():
        value = item.locator("a").get_attribute("data-value")
        count = item.locator(".count").get_attribute("data-count")
        assert value and count
        found[value] = int(count)
    return found


def total(page: Page) -> int:
    return int(page.locator("[data-total]").get_attribute("data-total") or "-1")


def province_with_platforms(client: FlaskClient) -> str:
    """A province whose broadcasts name a platform (chosen from the data, not hard-coded)."""
    html = client.get("/browse/broadcasts").get_data(as_text=True)
    section = re.search(r'data-facet="province".*?</section>', html, re.S)
    assert section
    for value in re.findall(r'data-value="([^"]+)"', section.group(0)):
        narrowed = client.get("/browse/broadcasts", query_string={"province": value})
        if 'data-facet="platform"' in narrowed.get_data(as_text=True):
            return value
    raise AssertionError("no province has a broadcast with a platform")


def test_narrowing_by_province_and_platform_changes_the_counts(
    page: Page, client: FlaskClient
) -> None:
    province = province_with_platforms(client)
    page.goto("/browse/broadcasts")
    everything = total(page)
    months_before = facet_counts(page, "month")
    shot(page, "browse-1-all")
    page.locator(f'section[data-facet="province"] a[data-value="{province}"]').click()
    page.wait_for_url(re.compile(r"province="))
    narrowed = total(page)
    assert 0 < narrowed < everything
    assert facet_counts(page, "province")[province] == narrowed
    assert facet_counts(page, "month") != months_before
    platforms = facet_counts(page, "platform")
    shot(page, "browse-2-province")
    platform, count = max(platforms.items(), key=lambda pair: pair[1])
    page.locator(f'section[data-facet="platform"] a[data-value="{platform}"]').click()
    page.wait_for_url(re.compile(r"platform="))
    assert total(page) == count
    rows = page.locator("#results tbody tr")
    assert rows.count() == min(count, 50)
    shot(page, "browse-3-province-platform")
    page.locator("#results thead a[data-sort=date]").click()
    page.wait_for_url(re.compile(r"sort=date"))
    assert page.locator('th[aria-sort="ascending"]').count() == 1


def view_items(page: Page) -> int:
    page.wait_for_selector("body[data-view-ready=true]")
    return int(page.locator("#view").get_attribute("data-drawn") or "-1")


def test_timeline_draws_every_dated_broadcast(page: Page) -> None:
    page.goto("/view/timeline")
    drawn = view_items(page)
    assert drawn > 0
    page.wait_for_selector(".vis-item")
    assert page.locator("#view .vis-item-content").count() == drawn
    assert page.locator("#view .vis-item.vis-range").count() > 0  # periods as bars
    shot(page, "view-timeline")


def test_map_draws_a_circle_per_region_with_a_popup(page: Page) -> None:
    page.goto("/view/map")
    drawn = view_items(page)
    circles = page.locator("#view path.leaflet-interactive")
    assert drawn > 0 and circles.count() == drawn
    assert page.locator(".leaflet-tile").count() == 0  # no tiles, no outside server
    circles.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "broadcast" in popup.inner_text()
    shot(page, "view-map")


def test_network_draws_officials_broadcasts_products_industries(page: Page) -> None:
    page.goto("/view/network")
    drawn = view_items(page)
    assert drawn > 10
    assert page.locator("#view canvas").count() == 1
    page.wait_for_timeout(1500)  # let the layout settle for the screenshot
    shot(page, "view-network")


def test_a_shared_view_url_and_its_embed_reproduce_the_view(
    page: Page, client: FlaskClient
) -> None:
    url = "/view/map?province=region/hubei"
    page.goto(url)
    drawn = view_items(page)
    expected = client.get(url).get_data(as_text=True).count('<tr><th scope="row">')
    assert drawn == expected > 0
    embed = page.locator("#embed-link").get_attribute("href")
    assert embed == "/embed/map?province=region%2Fhubei"
    page.goto(embed)
    assert view_items(page) == drawn
    assert page.locator("header.site").count() == 0
    shot(page, "view-map-embed-hubei")


def test_an_official_page_opens_their_timeline(page: Page, store: Store) -> None:
    hosted = select_rows(
        store,
        "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b "
        "<https://w3id.org/officials-kg/ontology#host> "
        "<https://w3id.org/officials-kg/id/official/li-qiang> }",
    )[0]["n"]
    page.goto("/id/official/li-qiang")
    page.get_by_role("link", name="its broadcasts on the timeline").click()
    page.wait_for_url(re.compile(r"/view/timeline\?host="))
    assert view_items(page) == int(hosted) >= 1
    shot(page, "view-timeline-official")


def test_the_editor_shows_a_map_view_chosen_by_the_query(page: Page) -> None:
    page.goto("/query?query=" + quote(MAP_QUERY))
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector(".result-map path.leaflet-interactive")
    drawn = int(page.locator(".result-map").get_attribute("data-drawn") or "-1")
    assert drawn > 0
    assert page.locator(".result-map path.leaflet-interactive").count() == drawn
    shot(page, "editor-map-view")
