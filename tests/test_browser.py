"""The query editor in a real headless Chromium (Debian's ``chromium``), driven by Playwright.

The app serves a small graph and two example queries written below, on a random localhost port;
the expected rows come from running the same queries through the store. Screenshots are saved
under ``tests/artifacts/``. A missing browser is a failure, not a skip: ``.ci/install-browser``
installs it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    expect,
)
from rdflib.term import Node, URIRef
from werkzeug.serving import make_server

from kg.config import PROJECT_ROOT, Settings
from kg.examples import load_examples
from kg.stores import Store, open_store, select_rows
from kg.web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
TIMEOUT_MS = 15_000
ID = "https://w3id.org/officials-kg/id/"

LABELS = {"platform/alpha-live": "Alpha Live", "platform/beta-video": "Beta Video"}
GRAPH = f"""\
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ID}platform/alpha-live> a okg:Platform ; rdfs:label "Alpha Live"@en , "阿尔法直播"@zh .
<{ID}platform/beta-video> a okg:Platform ; rdfs:label "Beta Video"@en .
<{ID}broadcast/test-1> a okg:Broadcast ; okg:platform <{ID}platform/alpha-live> ;
    okg:participants 1200 .
<{ID}broadcast/test-2> a okg:Broadcast ; okg:platform <{ID}platform/alpha-live> ;
    okg:participants 300 .
<{ID}broadcast/test-3> a okg:Broadcast ; okg:platform <{ID}platform/beta-video> ;
    okg:participants 4500 .
"""
QUERIES = {
    "01-platforms": """\
# Question: Which platforms hosted broadcasts, and how many each?
# 问题: 哪些平台举办了直播各有多少场
PREFIX okg: <https://w3id.org/officials-kg/ontology#>
SELECT ?platform (COUNT(?broadcast) AS ?broadcasts) WHERE {
  ?broadcast a okg:Broadcast ; okg:platform ?platform .
}
GROUP BY ?platform
ORDER BY DESC(?broadcasts)
""",
    "02-audience": """\
# Question: Which broadcasts reported an audience, largest first?
# 问题: 哪些直播报告了观众人数
PREFIX okg: <https://w3id.org/officials-kg/ontology#>
SELECT ?broadcast ?participants WHERE { ?broadcast okg:participants ?participants . }
ORDER BY DESC(?participants)
""",
}


@pytest.fixture(scope="module")
def browser_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("browser")
    (root / "data").mkdir()
    (root / "data" / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    (root / "queries").mkdir()
    for name, text in QUERIES.items():
        (root / "queries" / f"{name}.rq").write_text(text, encoding="utf-8")
    return Settings(data_dir=root / "data", queries_dir=root / "queries", validate=False)


@pytest.fixture(scope="module")
def browser_store(browser_settings: Settings) -> Iterator[Store]:
    store = open_store(browser_settings)
    yield store
    store.close()


@pytest.fixture(scope="module")
def base_url(browser_settings: Settings, browser_store: Store) -> Iterator[str]:
    """The app on a random localhost port, served from a thread."""
    server = make_server(
        "127.0.0.1", 0, create_app(browser_settings, store=browser_store), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def problems() -> list[str]:
    """What went wrong in the page: script errors, console errors, requests to other hosts."""
    return []


@pytest.fixture
def page(browser: Browser, base_url: str, problems: list[str]) -> Iterator[Page]:
    """A page on the fixture graph's server; fails the test on script errors, outside requests."""
    with watched_page(browser, base_url, problems) as opened:
        yield opened


@pytest.fixture
def live_page(browser: Browser, live_url: str, problems: list[str]) -> Iterator[Page]:
    """A page on ``kg serve`` with the repository's graph."""
    with watched_page(browser, live_url.rstrip("/"), problems) as opened:
        yield opened


@contextlib.contextmanager
def watched_page(browser: Browser, base_url: str, problems: list[str]) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1360, "height": 900}, accept_downloads=True, base_url=base_url
    )
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on("console", lambda message: _check_console(message, problems))
    opened.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    opened.on("request", lambda request: _check_local(request, base_url, problems))
    yield opened
    context.close()
    assert not problems, problems


def _check_console(message: ConsoleMessage, problems: list[str]) -> None:
    # a failed load is reported with its URL by the "response" handler
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console: {message.text}")


def _check_local(request: Request, base_url: str, problems: list[str]) -> None:
    if request.url.startswith(("data:", "blob:")):
        return
    if urlsplit(request.url).netloc != urlsplit(base_url).netloc:
        problems.append(f"request outside this server: {request.url}")


def open_editor(page: Page, path: str = "/query") -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def result_rows(page: Page) -> list[list[str]]:
    """The cells (text) of the result table, row number column left out."""
    page.wait_for_selector("#results table.dataTable tbody tr")
    rows = page.locator("#results table.dataTable tbody tr")
    return [row.locator("td").all_inner_texts()[1:] for row in rows.all()]


def shown(term: Node) -> str:
    """How the table shows ``term``: an IRI by its label, else as ``id:…``; a literal as is."""
    if isinstance(term, URIRef):
        return LABELS.get(term.removeprefix(ID)) or "id:" + term.removeprefix(ID)
    return str(term)


def expected_rows(store: Store, query: str) -> list[list[str]]:
    """The rows the store gives for ``query``, as the table should show them."""
    return [[shown(term) for term in row.values()] for row in select_rows(store, query)]


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_example_loads_runs_and_shows_labelled_rows(page: Page, browser_store: Store) -> None:
    open_editor(page)
    page.get_by_role("button", name="Which platforms hosted broadcasts").click()
    assert page.locator(".CodeMirror").inner_text().count("okg:platform") == 1
    rows = result_rows(page)
    assert rows == expected_rows(browser_store, QUERIES["01-platforms"])
    link = page.locator("#results a.iri", has_text="Alpha Live")
    assert link.get_attribute("href") == "/id/platform/alpha-live"
    assert link.get_attribute("title") == ID + "platform/alpha-live"
    screenshot(page, "editor-example")


def test_table_sorts_by_a_column(page: Page, browser_store: Store) -> None:
    open_editor(page)
    page.locator("button.example").nth(1).click()
    descending = [row[1] for row in result_rows(page)]
    page.locator("#results th", has_text="participants").click()
    participants = page.locator("#results table.dataTable tbody tr td:nth-child(3)")
    expect(participants).to_have_text(sorted(descending, key=int))  # waits for the redraw
    ascending = [row[1] for row in result_rows(page)]
    assert ascending == sorted(descending, key=int) != descending


def test_ctrl_enter_runs_a_typed_query_and_prefixes_complete(page: Page) -> None:
    open_editor(page)
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?b WHERE { ?b okg:platform ?p ")
    page.wait_for_function("window.okgEditor.yasqe.getValue().includes('PREFIX okg:')")
    page.keyboard.press("Escape")  # close the completion list, if any
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("}")
    page.keyboard.press("Control+Enter")
    assert len(result_rows(page)) == 3
    assert "PREFIX okg: <https://w3id.org/officials-kg/ontology#>" in page.evaluate(
        "window.okgEditor.yasqe.getValue()"
    )


def test_permalink_reopens_and_runs_the_query(page: Page, browser_store: Store) -> None:
    query = QUERIES["02-audience"]
    open_editor(page, "/query?query=" + quote(query))
    assert result_rows(page) == expected_rows(browser_store, query)
    assert page.evaluate("window.okgEditor.yasqe.getValue()") == query
    screenshot(page, "permalink")


def test_example_permalink_opens_the_example_by_file_name(page: Page, browser_store: Store) -> None:
    open_editor(page, "/query?example=02-audience")
    assert result_rows(page) == expected_rows(browser_store, QUERIES["02-audience"])


def test_running_puts_the_permalink_in_the_address_bar(page: Page, browser: Browser) -> None:
    open_editor(page)
    page.get_by_role("button", name="Which platforms hosted broadcasts").click()
    rows = result_rows(page)
    link = page.url
    assert urlsplit(link).path == "/query" and "query=" in link
    page.goto(link)
    page.wait_for_selector("body[data-ready=true]")
    assert result_rows(page) == rows


def test_result_iri_opens_its_resource_page(page: Page) -> None:
    open_editor(page, "/query?query=" + quote(QUERIES["01-platforms"]))
    link = page.locator("#results a.iri", has_text="Beta Video")
    link.wait_for()  # the permalink's history.replaceState is a navigation too: let it pass first
    with page.expect_navigation(url="**/id/platform/beta-video") as navigation:
        link.click()
    response = navigation.value
    assert response is not None and response.status == 200
    assert urlsplit(page.url).path == "/id/platform/beta-video"
    assert "Beta Video" in page.locator("body").inner_text()
    screenshot(page, "resource-page")


def test_chart_draws_one_bar_per_row(page: Page, browser_store: Store) -> None:
    query = QUERIES["02-audience"]
    open_editor(page, "/query?query=" + quote(query))
    result_rows(page)
    page.locator(".yasr .select_chart").click()
    bars = page.locator("svg.bar-chart g.bar")
    bars.first.wait_for()
    values = [float(v) for v in bars.evaluate_all("gs => gs.map(g => g.dataset.value)")]
    assert values == [float(row["participants"]) for row in select_rows(browser_store, query)]
    widths = bars.locator("rect").evaluate_all("rs => rs.map(r => r.getBBox().width)")
    assert widths == sorted(widths, reverse=True) and widths[0] > 2 * widths[-1]
    screenshot(page, "chart")


@pytest.mark.parametrize(("button", "suffix"), [("CSV", "csv"), ("JSON", "json")])
def test_download_saves_the_endpoint_answer(
    page: Page, browser_store: Store, tmp_path: Path, button: str, suffix: str
) -> None:
    query = QUERIES["01-platforms"]
    open_editor(page, "/query?query=" + quote(query))
    result_rows(page)
    with page.expect_download() as download_info:
        page.locator("#downloads button", has_text=button).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == "." + suffix
    text = saved.read_text(encoding="utf-8")
    expected = [[str(v) for v in row.values()] for row in select_rows(browser_store, query)]
    if suffix == "csv":
        assert list(csv.reader(io.StringIO(text)))[1:] == expected
    else:
        bindings = json.loads(text)["results"]["bindings"]
        assert [[b[v]["value"] for v in b] for b in bindings] == expected


def test_a_bad_query_shows_the_parser_message(page: Page, problems: list[str]) -> None:
    open_editor(page, "/query?query=" + quote("SELECT ?x WHERE { ?x"))
    page.wait_for_selector("#status[data-kind=error]")
    assert "400" in page.locator("#results").inner_text()
    screenshot(page, "error")
    expected = [p for p in problems if p.startswith("400 ") and p.endswith("/sparql")]
    assert len(expected) == 1  # the browser logs the endpoint's 400
    problems.remove(expected[0])


def test_sparql_from_a_browser_opens_the_editor(page: Page) -> None:
    open_editor(page, "/sparql")
    assert page.locator("button.example").count() == len(QUERIES)


def test_every_repository_example_runs_in_the_browser(
    live_page: Page, store: Store, settings: Settings
) -> None:
    """Each competency query of queries/*.rq, one click each, gives the rows the store gives."""
    examples = load_examples(settings.queries_dir)
    assert examples, "no competency queries in queries/"
    open_editor(live_page)
    for index, example in enumerate(examples):
        live_page.locator("button.example").nth(index).click()  # status turns "busy" at once
        assert live_page.evaluate("window.okgEditor.yasqe.getValue()") == example.query
        expected = len(select_rows(store, example.query))
        live_page.wait_for_function(
            "n => window.okgEditor.yasr.results?.getBindings()?.length === n"
            " && document.querySelector('#status').dataset.kind === 'ok'",
            arg=expected,
        )
        assert live_page.locator("#status").inner_text().startswith(f"{expected} row"), example.name
        assert live_page.locator("button.example.current").count() == 1


@pytest.mark.parametrize("question", ["per province", "how many each"])
def test_repository_aggregates_chart(
    live_page: Page, store: Store, settings: Settings, question: str
) -> None:
    example = next(e for e in load_examples(settings.queries_dir) if question in e.title)
    open_editor(live_page, "/query?query=" + quote(example.query))
    result_rows(live_page)
    live_page.locator(".yasr .select_chart").click()
    bars = live_page.locator("svg.bar-chart g.bar")
    bars.first.wait_for()
    assert bars.count() == len(select_rows(store, example.query))
    screenshot(live_page, f"chart-{example.name}")
