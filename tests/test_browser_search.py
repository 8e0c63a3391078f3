"""The header search box and the query editor's entity box in a real headless Chromium.

Same Playwright setup as ``tests/test_browser.py`` (Debian's ``chromium``; any script error,
console error or request to another host fails the test); the app serves the repository's graph
with a fresh search cache on a random localhost port.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from test_browser import screenshot, watched_page
from werkzeug.serving import make_server

from kg.config import Settings
from kg.stores import Store
from kg.web import create_app

ID = "https://w3id.org/officials-kg/id/"


@pytest.fixture(scope="module")
def search_url(
    settings: Settings, store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    cache: Path = tmp_path_factory.mktemp("browser-search-cache")
    server = make_server(
        "127.0.0.1", 0, create_app(settings.replace(cache_dir=cache), store=store), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def chromium(browser: Browser) -> Browser:
    return browser


@pytest.fixture
def page(chromium: Browser, search_url: str) -> Iterator[Page]:
    problems: list[str] = []
    with watched_page(chromium, search_url, problems) as opened:
        yield opened
        # the site's pages name no icon, so a browser asks for /favicon.ico (404): not ours
        problems[:] = [problem for problem in problems if not problem.endswith("/favicon.ico")]


@pytest.mark.parametrize("typed", ["秭歸", "zigui", "Zǐguī"])
def test_type_in_the_header_box_and_follow_a_suggestion(page: Page, typed: str) -> None:
    page.goto("/")
    box = page.locator("header.site input[role=combobox]")
    box.click()
    box.press_sequentially(typed, delay=40)
    suggestion = page.locator("header.site [role=option] a").get_by_text("Zigui County", exact=True)
    expect(suggestion).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    screenshot(page, "search-suggestions")
    with page.expect_navigation(url="**/id/region/zigui-county"):
        suggestion.click()
    assert urlsplit(page.url).path == "/id/region/zigui-county"
    assert "Zigui County" in page.locator("h1").inner_text()


def test_keyboard_picks_a_suggestion(page: Page) -> None:
    page.goto("/ontology")
    box = page.locator("header.site input[role=combobox]")
    box.click()
    box.press_sequentially("navel orange", delay=30)
    first = page.locator("header.site [role=option]").first
    expect(first).to_contain_text("navel orange")
    href = first.locator("a").get_attribute("href")
    assert href in (
        "/id/product/zhijiang-navel-oranges",
        "/id/product/zigui-navel-oranges",
        "/id/product/gannan-navel-orange",
    )
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    with page.expect_navigation(url="**" + href):
        box.press("Enter")


def test_submitting_the_header_box_opens_the_search_page(page: Page) -> None:
    page.goto("/")
    box = page.locator("header.site input[role=combobox]")
    box.fill("直播帶貨")
    with page.expect_navigation(url="**/search?q=*"):
        box.press("Enter")
    expect(page.locator("ol.search-results li a").first).to_have_text("live-commerce broadcast")


def test_editor_box_inserts_the_entity_iri(page: Page) -> None:
    page.goto("/query")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.okgEditor.yasqe.setValue('SELECT * WHERE { ?s ?p  }')")
    page.evaluate("window.okgEditor.yasqe.setCursor({line: 0, ch: 23})")
    box = page.locator("form[data-insert] input[role=combobox]")
    box.click()
    box.press_sequentially("秭归县", delay=40)
    option = page.locator("form[data-insert] [role=option] a").get_by_text(
        "Zigui County", exact=True
    )
    option.click()
    expected = f"SELECT * WHERE {{ ?s ?p <{ID}region/zigui-county> }}"
    page.wait_for_function("v => window.okgEditor.yasqe.getValue() === v", arg=expected)
    assert page.url.endswith("/query")  # the page stayed: the IRI went into the query
