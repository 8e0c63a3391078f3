"""``/reconcile``: the W3C Reconciliation Service API 0.2 as OpenRefine speaks it.

Responses are validated against the JSON Schemas in ``tests/fixtures/reconciliation/`` (see its
README for the source); a table of 30 real names of the graph (English, Chinese, pinyin, misspelt)
gives the expected first candidate and whether it must be a sure ``match``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from referencing import Registry, Resource

from kg.config import Settings
from kg.stores import Store
from kg.web import create_app

SCHEMAS = Path(__file__).parent / "fixtures" / "reconciliation"
ID = "https://w3id.org/officials-kg/id/"
OKG = "https://w3id.org/officials-kg/ontology#"

# (what a spreadsheet cell says, type, property constraints, expected first id, sure match?)
NAMES: list[tuple[str, str | None, list[dict[str, Any]], str, bool]] = [
    ("Song Junhua", "okg:Official", [], "official/song-junhua", True),
    ("song junhua", None, [], "official/song-junhua", True),
    ("Song Junhau", "okg:Official", [], "official/song-junhua", False),  # misspelt
    ("Li Qiang", "okg:Official", [{"pid": "province", "v": "Hubei"}], "official/li-qiang", True),
    ("Ma Hongsheng", "okg:Official", [], "official/ma-hongsheng", True),
    ("Ma Hongshang", "okg:Official", [], "official/ma-hongsheng", False),  # misspelt
    ("Wu Zuyun", "okg:Official", [], "official/wu-zuyun", True),
    ("Yao Yingjiu", None, [], "official/yao-yingjiu", True),
    ("Qing Zhaokun", "okg:Official", [], "official/qing-zhaokun", True),
    (
        "Lu Fangzhou",
        "okg:Official",
        [{"pid": "region", "v": "嘉定区"}],
        "official/lu-fangzhou",
        True,
    ),
    ("Liu Meiying", "okg:Official", [], "official/liu-meiying", True),
    ("Ding Jianhau", "okg:Official", [], "official/ding-jianhua", False),  # misspelt
    ("秭归县", "okg:Region", [], "region/zigui-county", True),
    ("秭歸", "okg:Region", [], "region/zigui-county", True),  # Traditional, no suffix
    ("Zǐguī", "okg:Region", [], "region/zigui-county", True),  # pinyin with tones
    ("武汉", "okg:Region", [], "region/wuhan", True),
    ("Wuhan City", "okg:Region", [], "region/wuhan", True),
    ("湖北省", "okg:Region", [], "region/hubei", True),
    ("hubei sheng", "okg:Region", [], "region/hubei", True),  # pinyin of 湖北省
    ("Guangdong", "okg:Region", [], "region/guangdong", True),
    ("Huangpi", "okg:Region", [], "region/huangpi-district", True),
    ("Mentougou District", "okg:Region", [], "region/mentougou-district", True),
    ("Pinduoduo", "okg:Organization", [], "organization/pinduoduo", True),
    ("拼多多", None, [], "organization/pinduoduo", True),
    ("Pinduodou", "okg:Organization", [], "organization/pinduoduo", False),  # misspelt
    ("仟吉", "okg:Brand", [], "brand/qianji", True),
    ("潜江小龙虾", "okg:Product", [], "product/qianjiang-crayfish", True),
    ("秭歸臍橙", "okg:Product", [], "product/zigui-navel-oranges", True),
    ("nanxiang xiao long bao", "okg:Product", [], "product/nanxiang-xiaolongbao", True),
    ("卓尔航空", None, [], "organization/zall-aerospace", True),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8"))))
        for path in SCHEMAS.glob("*.schema.json")
    ]
    return Registry().with_resources(resources)


def validate(body: Any, schema: str, registry: Registry) -> None:
    contents = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(contents, registry=registry).validate(body)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reconcile-cache")


@pytest.fixture
def recon_app(settings: Settings, store: Store, cache: Path) -> Flask:
    application = create_app(settings.replace(cache_dir=cache), store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(recon_app: Flask) -> FlaskClient:
    return recon_app.test_client()


def reconcile(client: FlaskClient, queries: dict[str, Any], *, method: str = "post") -> Any:
    data = {"queries": json.dumps(queries, ensure_ascii=False)}
    if method == "post":
        response = client.post("/reconcile", data=data)
    else:
        response = client.get("/reconcile", query_string=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_manifest_validates(client: FlaskClient, registry: Registry) -> None:
    manifest = client.get("/reconcile").get_json()
    validate(manifest, "manifest.schema.json", registry)
    assert manifest["identifierSpace"] == ID
    assert manifest["suggest"]["entity"]["service_path"] == "/reconcile/suggest/entity"
    assert "{{id}}" in manifest["preview"]["url"] and "{{id}}" in manifest["view"]["url"]


def test_manifest_as_jsonp(client: FlaskClient) -> None:
    response = client.get("/reconcile?callback=jsonp123")
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/javascript"
    assert body.startswith("jsonp123(") and body.endswith(");")
    assert json.loads(body[len("jsonp123(") : -2])["name"]


def test_thirty_names_reconcile_in_one_batch(client: FlaskClient, registry: Registry) -> None:
    queries = {
        f"q{number}": {"query": text, **({"type": kind} if kind else {}), "properties": props}
        for number, (text, kind, props, _, _) in enumerate(NAMES)
    }
    answer = reconcile(client, queries)
    validate(answer, "result-batch.schema.json", registry)
    got = [
        (answer[f"q{n}"]["result"][0]["id"], answer[f"q{n}"]["result"][0]["match"])
        for n in range(len(NAMES))
    ]
    expected = [(ID + iri, sure) for _, _, _, iri, sure in NAMES]
    mismatches = [(NAMES[n][0], got[n]) for n in range(len(NAMES)) if got[n] != expected[n]]
    assert not mismatches
    assert len(NAMES) == 30


def test_get_batch_equals_post_batch(client: FlaskClient) -> None:
    queries = {"a": {"query": "秭歸", "limit": 3}, "b": {"query": "taobao"}}
    assert reconcile(client, queries, method="get") == reconcile(client, queries)


def test_a_single_query_as_text_or_json(client: FlaskClient, registry: Registry) -> None:
    as_text = client.get("/reconcile", query_string={"query": "秭歸"}).get_json()
    as_json = client.post(
        "/reconcile", data={"query": json.dumps({"query": "秭歸", "type": "okg:Region"})}
    ).get_json()
    validate({"q": as_text}, "result-batch.schema.json", registry)
    assert as_text["result"][0]["id"] == as_json["result"][0]["id"] == ID + "region/zigui-county"
    assert len(as_json["result"]) == 1


def test_namesakes_are_not_a_sure_match(client: FlaskClient) -> None:
    """仟吉 names a brand and a company: both come back, neither is a sure match."""
    result = reconcile(client, {"q": {"query": "仟吉"}})["q"]["result"]
    assert {c["id"] for c in result[:2]} == {ID + "brand/qianji", ID + "organization/qianji"}
    assert not any(candidate["match"] for candidate in result)


def test_property_constraint_lowers_a_candidate_that_fails_it(client: FlaskClient) -> None:
    """Li Qiang is an official in Hubei, not in Beijing (an official in a given province)."""
    hubei = {
        "query": "Li Qiang",
        "properties": [{"pid": "province", "v": {"id": ID + "region/hubei"}}],
    }
    beijing = {"query": "Li Qiang", "properties": [{"pid": "province", "v": "Beijing"}]}
    answer = reconcile(client, {"hubei": hubei, "beijing": beijing})
    best_hubei, best_beijing = answer["hubei"]["result"][0], answer["beijing"]["result"][0]
    assert best_hubei["id"] == best_beijing["id"] == ID + "official/li-qiang"
    assert best_hubei["match"] and not best_beijing["match"]
    assert best_beijing["score"] < best_hubei["score"]


def test_limit_and_type_are_honoured(client: FlaskClient) -> None:
    result = reconcile(client, {"q": {"query": "zigui", "limit": 2}})["q"]["result"]
    assert len(result) == 2
    typed = reconcile(client, {"q": {"query": "zigui", "type": [OKG + "Product"]}})["q"]
    assert [c["id"] for c in typed["result"]] == [ID + "product/zigui-navel-oranges"]
    assert typed["result"][0]["type"] == [{"id": OKG + "Product", "name": "product"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"queries": "{not json"}, "not valid JSON"),
        ({"queries": "[]"}, "non-empty JSON object"),
        ({"queries": json.dumps({"q": {"query": 5}})}, "'query' must be a string"),
        ({"queries": json.dumps({"q": {"query": "x", "limit": -1}})}, "'limit'"),
        ({"queries": json.dumps({"q": {"query": "x", "type": "NoSuchClass"}})}, "unknown type"),
        (
            {"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "nope", "v": 1}]}})},
            "unknown property",
        ),
        ({"extend": json.dumps({"ids": "x", "properties": []})}, "'ids'"),
        ({"extend": json.dumps({"ids": [], "properties": [{"name": 1}]})}, "'properties'"),
    ],
)
def test_bad_requests_are_400_with_a_message(
    client: FlaskClient, data: dict[str, str], message: str
) -> None:
    response = client.post("/reconcile", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_suggest_entity_type_property(client: FlaskClient, registry: Registry) -> None:
    entities = client.get("/reconcile/suggest/entity?prefix=zigu").get_json()
    validate(entities, "suggest-entities.schema.json", registry)
    assert entities["result"][0]["id"] == ID + "region/zigui-county"
    types = client.get("/reconcile/suggest/type?prefix=offici").get_json()
    validate(types, "suggest-types.schema.json", registry)
    assert OKG + "Official" in [t["id"] for t in types["result"]]
    props = client.get("/reconcile/suggest/property?prefix=platform").get_json()
    validate(props, "suggest-properties.schema.json", registry)
    assert OKG + "platform" in [p["id"] for p in props["result"]]


def test_suggest_cursor_pages(client: FlaskClient) -> None:
    first = client.get("/reconcile/suggest/entity?prefix=zigui").get_json()["result"]
    second = client.get("/reconcile/suggest/entity?prefix=zigui&cursor=1").get_json()["result"]
    assert second[0] == first[1]
    assert client.get("/reconcile/suggest/entity?prefix=x&cursor=-1").status_code == 400


def test_data_extension_fetches_offices_and_provinces(
    client: FlaskClient, registry: Registry
) -> None:
    ids = [ID + "official/song-junhua", ID + "official/lu-fangzhou", ID + "nothing/here"]
    request = {"ids": ids, "properties": [{"id": "province"}, {"id": "office"}]}
    response = client.post("/reconcile", data={"extend": json.dumps(request)})
    body = response.get_json()
    validate(body, "extension-response.schema.json", registry)
    assert [m["id"] for m in body["meta"]] == ["province", "office"]
    song = body["rows"][ID + "official/song-junhua"]
    assert song["province"] == [{"id": ID + "region/hubei", "name": "Hubei Province"}]
    assert song["office"][0]["id"] == ID + "office/deputy-head-of-zigui-county"
    assert body["rows"][ID + "official/lu-fangzhou"]["province"] == [
        {"id": ID + "region/shanghai", "name": "Shanghai"}
    ]
    assert body["rows"][ID + "nothing/here"] == {"province": [], "office": []}


def test_data_extension_of_literals_is_typed(client: FlaskClient, registry: Registry) -> None:
    request = {"ids": [ID + "broadcast/2020-03-15-zigui"], "properties": [{"id": "okg:date"}]}
    body = client.post("/reconcile", data={"extend": json.dumps(request)}).get_json()
    validate(body, "extension-response.schema.json", registry)
    assert body["rows"][ID + "broadcast/2020-03-15-zigui"]["okg:date"] == [
        {"date": "2020-03-15T00:00:00+00:00"}
    ]


def test_propose_properties_for_officials(client: FlaskClient) -> None:
    body = client.get("/reconcile/propose_properties?type=okg:Official").get_json()
    ids = [p["id"] for p in body["properties"]]
    assert {"office", "region", "province", OKG + "holdsOffice"} <= set(ids)
    assert client.get("/reconcile/propose_properties").status_code == 400
    assert client.get("/reconcile/propose_properties?type=Nope").status_code == 400


def test_preview_is_a_small_html_card(client: FlaskClient) -> None:
    response = client.get("/reconcile/preview", query_string={"id": ID + "region/zigui-county"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Zigui County" in body and "秭归县" in body and 'href="/id/region/zigui-county"' in body
    missing = client.get("/reconcile/preview", query_string={"id": ID + "nothing"})
    assert missing.status_code == 404


def test_view_redirects_to_the_resource_page(client: FlaskClient) -> None:
    response = client.get("/reconcile/view", query_string={"id": ID + "region/zigui-county"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/id/region/zigui-county"
