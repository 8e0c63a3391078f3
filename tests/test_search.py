"""The search index and ``/api/search`` / ``/search`` on the repository's graph (docs/search.md).

The spellings of the issue (Simplified, Traditional, pinyin with and without tones, English,
prefixes, light typos) must find their entity first; the index is built into a temporary cache.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.search import SearchIndex, SearchService, build_index, keys, variants
from kg.search.documents import read_documents
from kg.search.index import index_path
from kg.stores import Store, StoreUnavailable
from kg.web import create_app
from kg.web.search import warm

ID = "https://w3id.org/officials-kg/id/"
OKG = "https://w3id.org/officials-kg/ontology#"

# what a reader types -> the resource that must come first
FIRST: list[tuple[str, str]] = [
    ("秭归", ID + "region/zigui-county"),
    ("秭歸", ID + "region/zigui-county"),  # Traditional
    ("zigui", ID + "region/zigui-county"),
    ("Zǐguī", ID + "region/zigui-county"),  # tone marks
    ("zi3gui1", ID + "region/zigui-county"),  # tone numbers
    ("Zigui County", ID + "region/zigui-county"),
    ("秭归脐橙", ID + "product/zigui-navel-oranges"),
    ("秭歸臍橙", ID + "product/zigui-navel-oranges"),
    ("直播帶貨", OKG + "Broadcast"),  # Traditional input of the class label 直播带货
    ("淘宝", ID + "organization/taobao"),
    ("taobao", ID + "organization/taobao"),
    ("Song Junhua", ID + "official/song-junhua"),
    ("song jun", ID + "official/song-junhua"),  # prefixes
    ("Song Junhau", ID + "official/song-junhua"),  # light typos
    ("Sogn Junhua", ID + "official/song-junhua"),
    ("Wuhn", ID + "region/wuhan"),
    ("wuhan", ID + "region/wuhan"),
    ("武漢", ID + "region/wuhan"),
]
# two-character words inside longer labels: found through the bigrams
CONTAINS: list[tuple[str, str]] = [
    ("脐橙", ID + "product/zigui-navel-oranges"),
    ("县长", ID + "office/deputy-head-of-zigui-county"),
    ("直播", OKG + "Broadcast"),
    ("navel or", ID + "product/zigui-navel-oranges"),
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search-cache")


@pytest.fixture(scope="module")
def index(store: Store, settings: Settings, cache: Path) -> Iterator[SearchIndex]:
    built = build_index(store, settings.replace(cache_dir=cache))
    yield built
    built.close()


@pytest.fixture
def search_app(settings: Settings, store: Store, cache: Path) -> Flask:
    application = create_app(settings.replace(cache_dir=cache), store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def search_client(search_app: Flask) -> FlaskClient:
    return search_app.test_client()


@pytest.mark.parametrize(("query", "iri"), FIRST, ids=[q for q, _ in FIRST])
def test_spelling_finds_its_entity_first(index: SearchIndex, query: str, iri: str) -> None:
    hits = index.search(query, limit=5)
    assert hits and hits[0].iri == iri, [(h.iri, h.score) for h in hits]


@pytest.mark.parametrize(("query", "iri"), CONTAINS, ids=[q for q, _ in CONTAINS])
def test_words_inside_labels_are_found(index: SearchIndex, query: str, iri: str) -> None:
    assert iri in [hit.iri for hit in index.search(query, limit=20)]


def test_navel_orange_finds_the_navel_orange_products_first(index: SearchIndex) -> None:
    oranges = {
        ID + "product/zigui-navel-oranges",
        ID + "product/zhijiang-navel-oranges",
        ID + "product/gannan-navel-orange",
    }
    assert {hit.iri for hit in index.search("navel orange", limit=3)} == oranges


def test_exact_label_ranks_above_longer_names(index: SearchIndex) -> None:
    hits = index.search("秭归", limit=10)
    assert hits[0].matched == "exact" and hits[0].score == 100.0
    assert all(hit.score < 100.0 for hit in hits[1:])
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_type_filter_keeps_only_that_class_and_its_subclasses(index: SearchIndex) -> None:
    everything = {hit.iri for hit in index.search("zigui", limit=50)}
    regions = index.search("zigui", types=[OKG + "Region"], limit=50)
    assert [hit.iri for hit in regions] == [ID + "region/zigui-county"]  # a County is a Region
    assert len(everything) > 1
    products = index.search("zigui", types=[OKG + "Product"], limit=50)
    assert [hit.iri for hit in products] == [ID + "product/zigui-navel-oranges"]


def test_nothing_found_for_unrelated_text(index: SearchIndex) -> None:
    assert index.search("xylophone quartz", limit=5) == []


def test_label_in_requested_language(index: SearchIndex) -> None:
    def label(lang: str) -> str:
        return index.search("zigui county", limit=1, lang=lang)[0].label

    assert (label("en"), label("zh"), label("zh-Hant")) == ("Zigui County", "秭归县", "秭歸縣")
    assert label("zh-Latn") == "zǐ guī xiàn"


def test_index_file_is_in_the_cache_dir_and_keyed_by_version(
    index: SearchIndex, store: Store, cache: Path
) -> None:
    assert index.path == index_path(cache, store.version)
    assert index.path.parent == cache and index.version == store.version
    assert index_path(cache, store.version + "x") != index.path


def test_every_label_and_alt_label_is_indexed(index: SearchIndex, store: Store) -> None:
    documents = read_documents(store)
    connection = sqlite3.connect(index.path)
    stored = dict(connection.execute("SELECT iri, labels FROM docs").fetchall())
    connection.close()
    assert set(stored) == {document.iri for document in documents}
    named = [document for document in documents if document.names]
    assert len(named) > len(documents) / 2  # deprecated IRIs keep only a comment
    for document in named:
        found = {hit.iri for hit in index.search(document.names[0].value, limit=50)}
        assert document.iri in found, document.names[0]


def test_fast_keys_equal_the_variants_keys(store: Store) -> None:
    """keys.fold / keys.label_keys are faster forms of variants.fold / variants.name_keys."""
    texts = [t.value for d in read_documents(store) for t in d.names + d.descriptions]
    assert len(texts) > 300
    for text in texts:
        assert keys.fold(text) == variants.fold(text), text
        assert keys.label_keys(text) == variants.name_keys(text), text


def test_a_trigram_tokenizer_alone_misses_two_character_words(tmp_path: Path) -> None:
    """Why the index adds bigrams (docs/search.md): FTS5's trigram tokenizer cannot match 秭归."""
    connection = sqlite3.connect(tmp_path / "t.sqlite3")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    connection.execute("INSERT INTO t VALUES ('秭归县副县长')")
    found = connection.execute("SELECT count(*) FROM t WHERE t MATCH '\"秭归\"'").fetchone()[0]
    connection.close()
    assert found == 0


# ---- HTTP ----


def test_api_search_answers_json(search_client: FlaskClient) -> None:
    response = search_client.get("/api/search", query_string={"q": "秭歸", "limit": 3})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    first = body["results"][0]
    assert first["iri"] == ID + "region/zigui-county"
    assert first["href"] == "/id/region/zigui-county"
    assert first["types"] == [OKG + "County"]
    assert set(first) == {"iri", "href", "label", "lang", "types", "snippet", "score", "matched"}
    assert len(body["results"]) <= 3


def test_api_search_type_filter_by_curie_and_name(search_client: FlaskClient) -> None:
    for name in ("okg:Product", "Product", OKG + "Product"):
        body = search_client.get("/api/search", query_string={"q": "zigui", "type": name}).json
        assert body is not None
        assert [hit["iri"] for hit in body["results"]] == [ID + "product/zigui-navel-oranges"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "missing 'q'"),
        ("q=", "missing 'q'"),
        ("q=a&limit=0", "'limit'"),
        ("q=a&limit=abc", "'limit'"),
        ("q=a&limit=101", "'limit'"),
        ("q=a&lang=fr", "'lang'"),
        ("q=a&type=NoSuchClass", "unknown type"),
        ("q=" + "x" * 201, "longer than"),
    ],
)
def test_bad_parameters_are_400_with_a_message(
    search_client: FlaskClient, query: str, message: str
) -> None:
    response = search_client.get("/api/search?" + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ['"', "*", "AND", "NEAR(", "^x", "a:b", "()", "秭*"])
def test_fts_syntax_in_the_query_is_text_not_an_error(
    search_client: FlaskClient, query: str
) -> None:
    assert search_client.get("/api/search", query_string={"q": query}).status_code == 200


def test_search_page_is_valid_html_with_results(search_client: FlaskClient) -> None:
    response = search_client.get("/search", query_string={"q": "navel orange"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = html5lib.HTMLParser(strict=True).parse(response.get_data(as_text=True))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert page.get("lang") == "en"
    assert page.find(".//h:title", ns) is not None
    assert page.find(".//h:meta[@name='description']", ns) is not None
    links = [a.get("href") for a in page.findall(".//h:ol[@class='search-results']//h:a", ns)]
    assert set(links[:3]) == {
        "/id/product/zhijiang-navel-oranges",
        "/id/product/zigui-navel-oranges",
        "/id/product/gannan-navel-orange",
    }


def test_search_page_filters_by_class(search_client: FlaskClient) -> None:
    response = search_client.get("/search", query_string={"q": "zigui", "type": OKG + "Product"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<option value="{OKG}Product" selected>' in body
    assert "/id/product/zigui-navel-oranges" in body and "/id/region/zigui-county" not in body


def test_search_page_without_query_is_a_form(search_client: FlaskClient) -> None:
    response = search_client.get("/search")
    assert response.status_code == 200 and b'name="q"' in response.data


@pytest.mark.parametrize("path", ["/", "/search", "/ontology", "/id/region/zigui-county"])
def test_every_page_has_the_header_search_box(search_client: FlaskClient, path: str) -> None:
    body = search_client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'role="combobox"' in body and "/static/ui/search-box.js" in body


def test_query_editor_has_an_inserting_search_box(search_client: FlaskClient) -> None:
    body = search_client.get("/query").get_data(as_text=True)
    assert "data-insert" in body and "search-box.js" in body


class Reloaded:
    """A store whose data version can be changed, as a remote store's is by ``kg load``."""

    def __init__(self, store: Store, version: str) -> None:
        self.inner, self.version = store, version

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_index_is_rebuilt_when_the_data_version_changes(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    reloaded = Reloaded(store, "v1")
    service = SearchService(reloaded, settings.replace(cache_dir=tmp_path))  # type: ignore[arg-type]
    first = service.index()
    assert service.index() is first and first.version == "v1"
    reloaded.version = "v2"
    second = service.index()
    assert second is not first and second.version == "v2" and second.path != first.path
    assert second.search("秭歸", limit=1)[0].iri == ID + "region/zigui-county"


def test_warm_builds_the_index_and_survives_an_unreachable_store(
    search_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    warm(search_app)
    service = search_app.extensions["kg.search"]
    assert service.index().version == service.store.version

    class Broken:
        version = "broken"

        def query(self, *args: object, **kwargs: object) -> bytes:
            raise StoreUnavailable("the store cannot be reached")

    search_app.extensions["kg.search"] = SearchService(Broken(), service.settings)  # type: ignore[arg-type]
    warm(search_app)  # logged, not raised: the first search will try again
    assert "search index not built" in caplog.text
