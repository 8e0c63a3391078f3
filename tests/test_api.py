"""``/api/questions/{name}``, ``/api/openapi.json`` and ``/api``: the competency questions as REST
resources give the same answers as the same queries sent to ``/sparql``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.examples import Example, load_examples
from kg.questions import PARAMETERS, plain_value
from kg.stores import Store
from kg.web import create_app

ID = "https://w3id.org/officials-kg/id/"
EXAMPLES = load_examples(Settings().queries_dir)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api-cache")


@pytest.fixture
def api_app(settings: Settings, store: Store, cache: Path) -> Flask:
    application = create_app(settings.replace(cache_dir=cache), store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


def sparql_rows(client: FlaskClient, query: str) -> list[dict[str, Any]]:
    """The rows /sparql gives for ``query`` (JSON results), values made plain as the API does."""
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.get_json()
    return [
        {name: plain_value(term) for name, term in binding.items()}
        for binding in body["results"]["bindings"]
    ]


def answer(client: FlaskClient, name: str, **params: str) -> Any:
    response = client.get(f"/api/questions/{name}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def example(name: str) -> Example:
    return next(e for e in EXAMPLES if e.name == name)


@pytest.mark.parametrize("question", EXAMPLES, ids=lambda e: e.name)
def test_rest_answer_equals_the_sparql_answer(client: FlaskClient, question: Example) -> None:
    body = answer(client, question.name)
    assert body["rows"] == sparql_rows(client, question.query)
    assert body["question"] == {
        "name": question.name,
        "en": question.question_en,
        "zh": question.question_zh,
    }


@pytest.mark.parametrize("question", EXAMPLES, ids=lambda e: e.name)
def test_csv_answer_equals_the_sparql_csv(client: FlaskClient, question: Example) -> None:
    rest = client.get(f"/api/questions/{question.name}?format=csv")
    sparql = client.post("/sparql", data={"query": question.query, "format": "csv"})
    assert rest.status_code == 200 and rest.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(rest.get_data(as_text=True)))) == list(
        csv.reader(io.StringIO(sparql.get_data(as_text=True)))
    )


@pytest.mark.parametrize(
    "province", ["Hubei", "湖北省", "hubei sheng", "region/hubei", ID + "region/hubei"]
)
def test_a_province_parameter_keeps_that_province(client: FlaskClient, province: str) -> None:
    every = sparql_rows(client, example("cq03-sales-per-province").query)
    hubei = [row for row in every if row["province"] == ID + "region/hubei"]
    assert hubei
    assert answer(client, "cq03-sales-per-province", province=province)["rows"] == hubei


def test_a_province_without_sales_gives_no_row(client: FlaskClient) -> None:
    every = sparql_rows(client, example("cq03-sales-per-province").query)
    assert ID + "region/beijing" not in {row["province"] for row in every}
    assert answer(client, "cq03-sales-per-province", province="北京市")["rows"] == []


def test_a_platform_parameter_keeps_that_platform(client: FlaskClient) -> None:
    every = sparql_rows(client, example("cq10-broadcasts-per-platform").query)
    rows = answer(client, "cq10-broadcasts-per-platform", platform="淘宝")["rows"]
    assert rows == [row for row in every if row["platform"] == ID + "organization/taobao"]


def test_an_entity_parameter_keeps_a_strict_subset(client: FlaskClient) -> None:
    every = sparql_rows(client, example("cq01-officials-offices-regions").query)
    zigui = [row for row in every if row["region"] == ID + "region/zigui-county"]
    assert zigui and len(every) > len(zigui)
    assert answer(client, "cq01-officials-offices-regions", region="秭歸縣")["rows"] == zigui


def test_csv_with_a_parameter_keeps_the_same_rows(client: FlaskClient) -> None:
    query = example("cq01-officials-offices-regions").query
    sparql = client.post("/sparql", data={"query": query, "format": "csv"})
    header, *rows = list(csv.reader(io.StringIO(sparql.get_data(as_text=True))))
    column = header.index("region")
    zigui = [row for row in rows if row[column] == ID + "region/zigui-county"]
    rest = client.get(
        "/api/questions/cq01-officials-offices-regions",
        query_string={"region": "秭归县", "format": "csv"},
    )
    text = rest.get_data(as_text=True)
    assert list(csv.reader(io.StringIO(text))) == [header, *zigui] and zigui
    assert text.endswith("\r\n")  # SPARQL 1.1 CSV line ends


def test_the_month_parameter_moves_the_window(client: FlaskClient) -> None:
    question = "cq04-april-2020-broadcasts"
    april = answer(client, question, month="2020-04")["rows"]
    assert april == answer(client, question)["rows"] and april
    may = answer(client, question, month="2020-05")["rows"]
    assert may and all(row["date"].startswith("2020-05") for row in may)
    assert not {row["broadcast"] for row in may} & {row["broadcast"] for row in april}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("cq03-sales-per-province?province=Atlantis", "no Province named"),
        ("cq03-sales-per-province?colour=red", "unknown parameter"),
        ("cq03-sales-per-province?format=xml", "'format'"),
        ("cq04-april-2020-broadcasts?month=2020-13", "YYYY-MM"),
        ("cq04-april-2020-broadcasts?month=April", "YYYY-MM"),
        ("cq03-sales-per-province?province=", "cannot be empty"),
        ("cq03-sales-per-province?province=http://x/a b", "not a usable IRI"),
    ],
)
def test_bad_parameters_are_400(client: FlaskClient, path: str, message: str) -> None:
    response = client.get("/api/questions/" + path)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_unknown_question_is_404(client: FlaskClient) -> None:
    assert client.get("/api/questions/cq99-nothing").status_code == 404


def test_question_list_names_every_question_and_its_parameters(client: FlaskClient) -> None:
    listed = client.get("/api/questions").get_json()["questions"]
    assert [q["name"] for q in listed] == [e.name for e in EXAMPLES]
    cq03 = next(q for q in listed if q["name"] == "cq03-sales-per-province")
    assert [p["name"] for p in cq03["parameters"]] == ["province"]


def test_parameter_table_matches_the_queries() -> None:
    """Every declared parameter restricts a variable its query projects, or replaces text the
    query contains; every table entry names a query file."""
    names = {e.name for e in EXAMPLES}
    assert set(PARAMETERS) <= names
    for name, parameters in PARAMETERS.items():
        select = re.search(r"SELECT[^{]*", example(name).query)
        assert select is not None
        for parameter in parameters:
            if parameter.kind == "entity":
                assert f"?{parameter.variable} " in select.group(0) + " ", (name, parameter.name)
            else:
                assert all(text in example(name).query for text in parameter.replaces)


def test_openapi_document_describes_every_question(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for question in EXAMPLES:
        operation = document["paths"][f"/api/questions/{question.name}"]["get"]
        declared = {p["name"] for p in operation["parameters"]}
        assert declared == {p.name for p in PARAMETERS.get(question.name, ())} | {"format"}
    assert {"/api/search", "/reconcile", "/reconcile/suggest/entity", "/sparql"} <= set(
        document["paths"]
    )


def test_api_page_is_valid_offline_html(client: FlaskClient) -> None:
    response = client.get("/api")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    page = html5lib.HTMLParser(strict=True).parse(text)
    assert page.get("lang") == "en"
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert page.find(".//h:meta[@name='description']", ns) is not None
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', text)
    assert all(url.startswith("https://creativecommons.org/") for url in external), external
    assert "/api/questions/cq03-sales-per-province" in text
