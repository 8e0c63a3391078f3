"""The query editor page, its examples and its assets, through the Flask test client."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from flask.testing import FlaskClient

from kg.config import PROJECT_ROOT, Settings
from kg.examples import header_fields, load_examples
from kg.namespaces import BASE_IRI, PREFIXES
from kg.stores import Store
from kg.web import create_app

WEB = PROJECT_ROOT / "src" / "kg" / "web"
VENDOR = WEB / "static" / "vendor"
UI_SOURCES = [*sorted((WEB / "static" / "ui").iterdir()), WEB / "templates" / "editor.html"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
XHTML = "{http://www.w3.org/1999/xhtml}"

# Namespace IRIs our own UI code may spell out: identifiers, never fetched.
NAMESPACE_IRIS = {"http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2000/svg"}

EXAMPLE_FILES = {
    "01-platforms.rq": "# Question: Which platforms hosted broadcasts?\n"
    "# 问题: 哪些平台举办了直播\n"
    "SELECT ?platform WHERE { ?broadcast <https://w3id.org/officials-kg/ontology#platform> "
    "?platform }\n",
    "02-no-header.rq": "SELECT * WHERE { ?s ?p ?o } LIMIT 1\n",
}

HEADER_CASES = [
    ("# Question: Who?\n# 问题: 谁\nSELECT", {"question_en": "Who?", "question_zh": "谁"}),
    (
        "# 问题\uff1a全角冒号\n# Question:   Spaces  \nASK {}",
        {"question_zh": "全角冒号", "question_en": "Spaces"},
    ),
    ("#Question:No space\nSELECT", {"question_en": "No space"}),
    ("SELECT * {}\n# Question: after the header\n", {}),
    ("# Question: first\n# Question: second\nSELECT", {"question_en": "first"}),
    (
        "# Author: someone\n# Question: Known key after an unknown one\n",
        {"question_en": "Known key after an unknown one"},
    ),
]


@pytest.fixture
def queries_dir(tmp_path: Path) -> Path:
    for name, text in EXAMPLE_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("# Question: not a query file\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def example_client(settings: Settings, store: Store, queries_dir: Path) -> FlaskClient:
    app = create_app(settings.replace(queries_dir=queries_dir), store=store)
    app.config["TESTING"] = True
    return app.test_client()


def parse_html(body: bytes) -> object:
    return html5lib.parse(body, treebuilder="etree", namespaceHTMLElements=True)


def editor_config(body: bytes) -> dict[str, object]:
    tree = parse_html(body)
    script = tree.find(f".//{XHTML}script[@id='editor-config']")  # type: ignore[attr-defined]
    assert script is not None, "the page carries no editor configuration"
    config: dict[str, object] = json.loads(script.text)
    return config


def asset_urls(body: bytes) -> list[str]:
    tree = parse_html(body)
    scripts = [el.get("src") for el in tree.iter(f"{XHTML}script") if el.get("src")]  # type: ignore[attr-defined]
    links = [el.get("href") for el in tree.iter(f"{XHTML}link")]  # type: ignore[attr-defined]
    return [url for url in scripts + links if url and not url.startswith("data:")]


@pytest.mark.parametrize(("text", "expected"), HEADER_CASES)
def test_header_fields_reads_the_opening_comment_block(text: str, expected: dict[str, str]) -> None:
    assert header_fields(text) == expected


def test_load_examples_reads_every_rq_file_in_name_order(queries_dir: Path) -> None:
    examples = load_examples(queries_dir)
    assert [example.name for example in examples] == ["01-platforms", "02-no-header"]
    assert examples[0].query == EXAMPLE_FILES["01-platforms.rq"]
    assert examples[1].title == "02-no-header"  # no header: the file name stands in


def test_load_examples_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert load_examples(tmp_path / "absent") == []


def test_examples_json_lists_the_query_files(example_client: FlaskClient) -> None:
    response = example_client.get("/query/examples.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    examples = response.get_json()["examples"]
    assert [e["name"] for e in examples] == ["01-platforms", "02-no-header"]
    assert examples[0]["question_en"] == "Which platforms hosted broadcasts?"
    assert examples[0]["question_zh"] == "哪些平台举办了直播"
    assert examples[0]["query"] == EXAMPLE_FILES["01-platforms.rq"]


def test_editor_page_lists_each_example_with_both_questions(example_client: FlaskClient) -> None:
    response = example_client.get("/query")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    tree = parse_html(response.data)
    buttons = [b for b in tree.iter(f"{XHTML}button") if b.get("data-example")]  # type: ignore[attr-defined]
    assert [b.get("data-example") for b in buttons] == ["01-platforms", "02-no-header"]
    first = "".join(buttons[0].itertext())
    assert "Which platforms hosted broadcasts?" in first and "哪些平台举办了直播" in first
    config = editor_config(response.data)
    assert [e["name"] for e in config["examples"]] == ["01-platforms", "02-no-header"]  # type: ignore[attr-defined]


def test_editor_config_has_our_prefixes_endpoint_and_base(
    client: FlaskClient, settings: Settings
) -> None:
    config = editor_config(client.get("/query").data)
    assert config["prefixes"] == PREFIXES
    assert config["endpoint"] == "/sparql"
    assert config["baseIri"] == BASE_IRI
    assert config["localBase"] == "/"


def test_editor_page_allows_only_its_own_origin(client: FlaskClient) -> None:
    policy = client.get("/query").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    for directive in ("default-src", "script-src", "connect-src"):
        assert directives[directive] == "'self'"
    assert directives["font-src"] == "'self' data:"


def test_every_asset_of_the_page_is_local_and_served(client: FlaskClient) -> None:
    urls = asset_urls(client.get("/query").data)
    assert len(urls) >= 6  # 3 stylesheets, 3 scripts
    for url in urls:
        assert not urlsplit(url).netloc, f"{url} is not served by this app"
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype in {"text/css", "text/javascript", "application/javascript"}
        response.close()


@pytest.mark.parametrize("module", ["editor.js", "chart.js", "links.js"])
def test_ui_modules_are_served_as_javascript(client: FlaskClient, module: str) -> None:
    response = client.get(f"/static/ui/{module}")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    response.close()


def test_vendored_files_match_their_manifest(client: FlaskClient) -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    assert {entry["package"] for entry in manifest["files"]} == {"@zazuko/yasqe", "@zazuko/yasr"}
    for entry in manifest["files"]:
        response = client.get(f"/static/vendor/{entry['path']}")
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"], entry["path"]
        assert entry["license"] == "MIT"
        response.close()


def test_vendored_licences_are_recorded() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert f"{entry['package']}` {entry['version']}" in readme
    licences = (VENDOR / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    assert "codemirror@" in licences and "datatables.net@" in licences
    assert (VENDOR / "LICENSE-yasgui.txt").read_text(encoding="utf-8").startswith("MIT License")


def test_frontend_dependencies_are_pinned() -> None:
    package = json.loads((PROJECT_ROOT / "frontend" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((PROJECT_ROOT / "frontend" / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: p.name)
def test_our_ui_code_names_no_outside_url(path: Path) -> None:
    urls = set(re.findall(r"https?://[^\s\"'`<>)]+", path.read_text(encoding="utf-8")))
    assert urls <= NAMESPACE_IRIS, f"{path.name} refers to {urls - NAMESPACE_IRIS}"


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html"])
def test_sparql_without_query_from_a_browser_is_the_editor(
    client: FlaskClient, accept: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert editor_config(response.data)["endpoint"] == "/sparql"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_the_editor_never_replaces_a_query_answer(
    client: FlaskClient, accept: str, media_type: str
) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type


def test_machine_client_without_query_gets_the_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"


def test_repository_examples_are_the_query_files(client: FlaskClient, settings: Settings) -> None:
    files = sorted(path.stem for path in settings.queries_dir.glob("*.rq"))
    examples = client.get("/query/examples.json").get_json()["examples"]
    assert [example["name"] for example in examples] == files
    for example in examples:
        assert example["question_en"] and example["question_zh"], f"{example['name']}.rq header"
