"""WCAG 2.1 A and AA in a real Chromium: axe-core on one page of every route family, and the
query editor used from the keyboard alone.

axe-core comes from npm (``tests/checkers``, installed by ``.ci/install-checkers``); it is injected
into each page (the context bypasses the pages' Content-Security-Policy only for that script) and
run with the WCAG 2.0/2.1 A and AA rules. A critical or serious violation fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from crawling import fetch, page_links
from playwright.sync_api import Browser, Page, expect
from test_browser import TIMEOUT_MS

from kg.config import PROJECT_ROOT

AXE = PROJECT_ROOT / "tests" / "checkers" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
# browsing and views: an index, a class with and without a selection, each view and an embed
BROWSE_FAMILIES = [
    "/browse",
    "/browse/broadcasts",
    "/browse/broadcasts?province=region/hubei&sort=date&order=desc",
    "/browse/officials",
    "/view/timeline",
    "/view/map?province=region/guangdong",
    "/view/network",
    "/embed/timeline",
]
RESULTS_QUERY = """PREFIX okg: <https://w3id.org/officials-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?official ?label WHERE { ?official a okg:Official ; rdfs:label ?label } ORDER BY ?label"""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    assert AXE.is_file(), "axe-core is missing: .ci/install-checkers installs it"
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def route_families(base: str) -> list[str]:
    """One path per route family: home, editor (empty, with results), ontology, class pages,
    one entity page of every class, search and sitemap-listed pages."""
    paths = ["/", "/query", "/query?" + urlencode({"query": RESULTS_QUERY}), "/ontology"]
    paths += ["/search", "/search?q=zigui", "/api"]
    paths += BROWSE_FAMILIES
    class_pages = [link for link in page_links(base, "/") if link.startswith("/class/")]
    paths += class_pages[:1]
    for class_page in class_pages:
        entity = next(
            (link for link in page_links(base, class_page) if link.startswith("/id/")), None
        )
        if entity is not None and entity not in paths:
            paths.append(entity)
    return paths


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The critical and serious violations axe finds on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
             .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                   target: v.nodes[0].target.join(" ")}))""",
        WCAG_TAGS,
    )
    return [v for v in found if v["impact"] in BLOCKING]


def open_ready(page: Page, url: str) -> None:
    """Open ``url``; on the editor, wait until its script is ready (and results are shown)."""
    page.goto(url)
    if "/query" in url:
        page.wait_for_selector("body[data-ready=true]")
    if "query=" in url:
        page.wait_for_selector("#results table.dataTable tbody tr")
    if url.startswith(("/view/", "/embed/")):
        page.wait_for_selector("body[data-view-ready=true]")


def test_every_route_family_meets_wcag_aa(page: Page, live_url: str) -> None:
    paths = route_families(live_url)
    assert len(paths) >= 10, paths
    failures = []
    for path in paths:
        open_ready(page, live_url + path.lstrip("/"))
        failures += [
            f"{path}: {v['id']} ({v['impact']}, {v['nodes']} nodes, e.g. {v['target']})"
            for v in axe_violations(page)
        ]
    assert not failures, "\n".join(failures)


def test_the_editor_is_usable_from_the_keyboard(page: Page, live_url: str) -> None:
    open_ready(page, live_url + "query")
    first_example = page.locator("button.example").first
    for _ in range(40):  # tab from the top until the first example has focus
        page.keyboard.press("Tab")
        if first_example.evaluate("button => button === document.activeElement"):
            break
    assert first_example.evaluate("button => button === document.activeElement")
    assert visible_focus(page), "the focused example shows no focus indicator"
    page.keyboard.press("Enter")  # runs the example
    expect(page.locator("#results table.dataTable tbody tr").first).to_be_visible()
    editor = page.get_by_role("textbox", name="SPARQL query")
    for _ in range(80):  # on to the query text, then to the result table's controls
        page.keyboard.press("Tab")
        if editor.evaluate("area => area === document.activeElement"):
            break
    assert editor.evaluate("area => area === document.activeElement")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# typed from the keyboard")
    assert "typed from the keyboard" in page.evaluate("okgEditor.yasqe.getValue()")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("rows")


def visible_focus(page: Page) -> bool:
    """Whether the focused element draws an outline or a box shadow."""
    return bool(
        page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
                              || s.boxShadow !== "none"; }"""
        )
    )


def test_query_it_links_open_the_editor_with_results(page: Page, live_url: str) -> None:
    entity = next(p for p in route_families(live_url) if p.startswith("/id/"))
    page.goto(live_url + entity.lstrip("/"))
    with page.expect_navigation():
        page.get_by_role("link", name="query it in SPARQL").click()
    page.wait_for_selector("#results table.dataTable tbody tr")
    assert "/query?" in page.url
    status, content_type, _ = fetch(page.url)
    assert status == 200 and content_type.startswith("text/html")
