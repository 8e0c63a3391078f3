"""The facet index (``kg.browse.index``): a page from the index is the page from the SPARQL, on
the repository's graph and on a graph with a property the code has never heard of; a new data
version builds a new index; while none is ready, pages run their SPARQL."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from flask import Flask
from test_browse import EXTRA_SHAPE, GRAPH

from kg.browse.facets import BROWSE_BY_NAME
from kg.browse.index import FacetIndex, build_index
from kg.browse.indexes import FacetIndexes
from kg.browse.page import browse
from kg.browse.query import PAGE_SIZE, BrowseSpec
from kg.browse.selection import Selection, compact
from kg.config import PROJECT_ROOT, Settings
from kg.formats import Format
from kg.namespaces import BASE_IRI
from kg.stores import QueryForm, QueryRequest, Store, open_store
from kg.web import create_app
from kg.web.browse import facet_indexes, query_cache, spec_for, warm

BASE = "https://w3id.org/officials-kg/"
MORE = """
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix id: <https://w3id.org/officials-kg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
id:broadcast\\/b5 a okg:Broadcast ; okg:platform id:organization\\/beta ;
    okg:date "2020-06-01"^^xsd:date .
"""


def specs(app: Flask) -> dict[str, BrowseSpec]:
    """The spec of every class, as the app derives it from the shapes and the ontology."""
    with app.app_context():
        return {name: spec_for(name) for name in BROWSE_BY_NAME}


def value_text(index: FacetIndex, name: str, node: object) -> str:
    """A counted value as a URL writes it."""
    return str(node) if index.spec.facet(name).literal else compact(str(node), BASE)


def selections(index: FacetIndex) -> list[Selection]:
    """Many selections of the index's class: every sort both ways, the first values of each
    facet, two values of one facet, pairs of facets, the last page, a value nothing has."""
    spec = index.spec
    found = [
        Selection(sort=name, order=order) for name in spec.sortable for order in ("asc", "desc")
    ]
    top = {
        facet.name: [value_text(index, facet.name, v) for v, _ in index.counts(facet, Selection())]
        for facet in spec.facets
    }
    named = [name for name, values in top.items() if values]
    for name in named:
        found += [Selection({name: (value,)}) for value in top[name][:2]]
        if len(top[name]) > 2:
            found.append(Selection({name: tuple(top[name][1:3])}, sort="label", order="desc"))
    for first, second in pairwise(named):
        found.append(Selection({first: top[first][:1], second: top[second][:1]}))
    last = -(-len(index) // PAGE_SIZE)
    found.append(Selection(sort=spec.sortable[-1], order="desc", page=last))
    found.append(Selection({named[0]: ("region/nowhere",)} if not spec.facet(named[0]).literal
                           else {named[0]: ("1999-01",)}))  # fmt: skip
    return found


def assert_same_pages(store: Store, index: FacetIndex) -> int:
    """Every selection's page from the index equals its page from the SPARQL; how many."""
    checked = selections(index)
    for selection in checked:
        from_index = browse(store, index.spec, selection, BASE, answers=index)
        assert from_index == browse(store, index.spec, selection, BASE), selection
    return len(checked)


# ---- the same answers as the SPARQL ----------------------------------------------------------


@pytest.fixture(scope="module")
def repository_specs(settings: Settings, store: Store) -> dict[str, BrowseSpec]:
    return specs(create_app(settings, store=store))


@pytest.mark.parametrize("name", sorted(BROWSE_BY_NAME))
def test_index_pages_equal_sparql_pages_on_the_repository_graph(
    store: Store, repository_specs: dict[str, BrowseSpec], name: str
) -> None:
    index = build_index(store, repository_specs[name], BASE)
    assert len(index) > 0
    assert assert_same_pages(store, index) > 2 * len(index.spec.sortable) + 10


@pytest.fixture(scope="module")
def small_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inline graph of tests/test_browse.py, with the shape of a property no code knows."""
    root = tmp_path_factory.mktemp("browse-index")
    (root / "data").mkdir()
    (root / "data" / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    shutil.copytree(PROJECT_ROOT / "shapes", root / "shapes")
    (root / "shapes" / "mood.ttl").write_text(EXTRA_SHAPE, encoding="utf-8")
    return root


def small_settings(root: Path, *, more: bool = False) -> Settings:
    if more:
        (root / "more").mkdir(exist_ok=True)
        shutil.copy(root / "data" / "graph.ttl", root / "more" / "graph.ttl")
        (root / "more" / "more.ttl").write_text(MORE, encoding="utf-8")
    data = root / ("more" if more else "data")
    return Settings(data_dir=data, shapes_dir=root / "shapes", validate=False)


@pytest.fixture(scope="module")
def small_store(small_root: Path) -> Iterator[Store]:
    store = open_store(small_settings(small_root))
    yield store
    store.close()


@pytest.fixture(scope="module")
def small_specs(small_root: Path, small_store: Store) -> dict[str, BrowseSpec]:
    return specs(create_app(small_settings(small_root), store=small_store))


@pytest.mark.parametrize("name", ["broadcasts", "officials", "products"])
def test_index_pages_equal_sparql_pages_with_a_new_shaped_property(
    small_store: Store, small_specs: dict[str, BrowseSpec], name: str
) -> None:
    index = build_index(small_store, small_specs[name], BASE)
    assert_same_pages(small_store, index)


def test_the_new_property_is_counted_and_filtered_by_the_index(
    small_store: Store, small_specs: dict[str, BrowseSpec]
) -> None:
    index = build_index(small_store, small_specs["broadcasts"], BASE)
    mood = index.spec.facet("mood")
    assert [(str(v), n) for v, n in index.counts(mood, Selection())] == [
        ("https://example.org/test#calm", 1)
    ]
    calm = Selection({"mood": ("https://example.org/test#calm",)})
    assert [str(row["item"]) for row in index.rows(calm)] == [BASE + "id/broadcast/b1"]


# ---- one index per class and data version ----------------------------------------------------


class SwitchingStore:
    """A store whose data can be replaced by another store's (a new data version)."""

    def __init__(self, store: Store):
        self.current = store

    @property
    def version(self) -> str:
        return self.current.version

    def query_form(self, query: str) -> QueryForm:
        return self.current.query_form(query)

    def query(self, request: QueryRequest, fmt: Format, *, timeout: float | None = None) -> bytes:
        return self.current.query(request, fmt, timeout=timeout)

    def graph_names(self) -> list[str]:
        return self.current.graph_names()

    def healthy(self) -> bool:
        return self.current.healthy()

    def close(self) -> None:
        """The stores are closed by their fixtures."""


@pytest.fixture(scope="module")
def grown_store(small_root: Path) -> Iterator[Store]:
    """The small graph with one broadcast more: another data version."""
    store = open_store(small_settings(small_root, more=True))
    yield store
    store.close()


def test_a_new_data_version_builds_a_new_index(
    small_store: Store, grown_store: Store, small_specs: dict[str, BrowseSpec]
) -> None:
    store, spec = SwitchingStore(small_store), small_specs["broadcasts"]
    assert small_store.version != grown_store.version
    indexes = FacetIndexes()
    first = indexes.get(store, spec, BASE, wait=60)
    assert first is not None and first.total(Selection()) == 4
    assert indexes.get(store, spec, BASE) is first  # kept for its data version
    store.current = grown_store
    assert indexes.get(store, spec, BASE) is None  # building; the page runs its SPARQL
    assert indexes.ready() == []  # the old version's index is dropped at once
    second = indexes.get(store, spec, BASE, wait=60)
    assert second is not None and second.version == grown_store.version
    assert second.total(Selection()) == 5
    assert second.total(Selection({"month": ("2020-06",)})) == 1
    assert_same_pages(store, second)


def test_an_index_built_while_the_data_changed_is_not_kept(
    small_store: Store, grown_store: Store, small_specs: dict[str, BrowseSpec]
) -> None:
    store = SwitchingStore(small_store)

    def build_then_change(store_: Store, spec: BrowseSpec, base: str) -> FacetIndex:
        index = build_index(store_, spec, base)
        store.current = grown_store
        return index

    indexes = FacetIndexes(build_then_change)
    built = indexes.build(store, small_specs["broadcasts"], BASE)
    assert built.version == small_store.version
    assert indexes.ready() == []


def test_a_failed_build_is_logged_and_tried_again_later(
    small_store: Store, small_specs: dict[str, BrowseSpec], caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def failing(store: Store, spec: BrowseSpec, base: str) -> FacetIndex:
        calls.append(spec.cls.name)
        raise TimeoutError("the store is slow")

    spec = small_specs["officials"]
    indexes = FacetIndexes(failing, retry_after=3600)
    with caplog.at_level(logging.WARNING, logger="kg.browse.indexes"):
        assert indexes.get(small_store, spec, BASE, wait=60) is None
    assert "facet index of officials not built" in caplog.text
    assert indexes.get(small_store, spec, BASE, wait=60) is None
    assert calls == ["officials"]  # not again for the same data version so soon
    indexes.retry_after = 0
    indexes.get(small_store, spec, BASE, wait=60)
    assert calls == ["officials", "officials"]


# ---- the web layer ---------------------------------------------------------------------------

PAGES = (
    "/browse/broadcasts?province=region/north&sort=date&order=desc",
    "/browse/officials?platform=organization/alpha",
    "/browse/broadcasts?mood=https://example.org/test%23calm",
)


def test_warmed_pages_come_from_the_index_and_equal_the_sparql_pages(
    small_root: Path, small_store: Store
) -> None:
    app = create_app(small_settings(small_root), store=small_store)
    app.config["TESTING"] = True
    warm(app)
    client = app.test_client()
    with app.app_context():
        assert len(facet_indexes().ready()) == len(BROWSE_BY_NAME)
        cache = query_cache()
    from_index = [client.get(path) for path in PAGES]
    assert [r.status_code for r in from_index] == [200] * len(PAGES)
    assert cache.misses == 0  # no query of the page ran (labels are the index's)
    with app.app_context():
        facet_indexes().enabled = False
    from_sparql = [client.get(path).get_data(as_text=True) for path in PAGES]
    assert cache.misses > 0
    assert [r.get_data(as_text=True) for r in from_index] == from_sparql


def test_pages_run_their_sparql_while_the_index_is_built(
    small_root: Path, small_store: Store
) -> None:
    release = threading.Event()

    def slow(store: Store, spec: BrowseSpec, base: str) -> FacetIndex:
        release.wait(60)
        return build_index(store, spec, base)

    app = create_app(small_settings(small_root), store=small_store)
    app.config["TESTING"] = True
    indexes = app.extensions["kg.browse.indexes"] = FacetIndexes(slow)
    client = app.test_client()
    response = client.get(PAGES[0])
    assert response.status_code == 200
    assert 'data-total="3"' in response.get_data(as_text=True)
    with app.app_context():
        assert query_cache().misses > 0
        spec, base = spec_for("broadcasts"), BASE_IRI
    release.set()
    assert indexes.get(small_store, spec, base, wait=60) is not None


def test_warming_in_the_background_builds_every_class(small_root: Path, small_store: Store) -> None:
    app = create_app(small_settings(small_root), store=small_store)
    warm(app, background=True)
    with app.app_context():
        indexes = facet_indexes()
    deadline = time.monotonic() + 60
    while len(indexes.ready()) < len(BROWSE_BY_NAME) and time.monotonic() < deadline:
        time.sleep(0.05)  # no page asked: the builds are warm()'s
    assert sorted(index.spec.cls.name for index in indexes.ready()) == sorted(BROWSE_BY_NAME)
