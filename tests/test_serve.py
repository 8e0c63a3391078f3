"""``kg serve``: validation before serving (cached), the persistent store, gunicorn options."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pyoxigraph
import pytest
from serving import fetch
from sparql_data import PREFIX, write_dataset

from kg.config import Settings
from kg.formats import FORMATS_BY_NAME
from kg.loading import LoadError
from kg.stores import QueryRequest, embedded
from kg.stores.embedded import VERSION_STAMP, EmbeddedStore
from kg.web import server
from kg.web.server import (
    EMBEDDED_THREADS,
    RELEASE_AFTER_BYTES,
    REMOTE_THREADS,
    bind_address,
    gunicorn_options,
    release_memory,
    validate_cached,
)
from kg.web.server_worker import BufferingThreadWorker

KG = str(Path(sys.executable).with_name("kg"))
SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:NameShape a sh:NodeShape ; sh:targetSubjectsOf ex:name ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount {max} ] .
"""
NAMES = PREFIX + "SELECT ?name WHERE { ?s ex:name ?name }"


def with_shape(root: Path, max_names: int) -> Settings:
    settings = write_dataset(root)
    (settings.shapes_dir / "names.ttl").write_text(SHAPE.replace("{max}", str(max_names)))
    return settings


def test_a_conforming_result_is_cached_while_sources_are_unchanged(tmp_path: Path) -> None:
    settings = with_shape(tmp_path / "graph", max_names=2).replace(cache_dir=tmp_path / "cache")
    assert validate_cached(settings) == (True, "validation: conforms")
    assert validate_cached(settings)[1].endswith("(cached result, sources unchanged)")
    assert len(list((tmp_path / "cache" / "validated").iterdir())) == 1
    (settings.shapes_dir / "names.ttl").write_text(SHAPE.replace("{max}", "1"))
    conforms, report = validate_cached(settings)
    assert not conforms and "Violation" in report


def test_serve_refuses_a_non_conforming_graph(tmp_path: Path) -> None:
    settings = with_shape(tmp_path, max_names=1)
    folders = ["--data", settings.data_dir, "--ontology", settings.ontology_dir]
    result = subprocess.run(
        [KG, "serve", "--port", "0", *map(str, folders), "--shapes", str(settings.shapes_dir)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Violation" in result.stderr and "--no-validate" in result.stderr
    assert "Serving" not in result.stdout


def names(store: EmbeddedStore) -> set[str]:
    body = store.query(QueryRequest(NAMES), FORMATS_BY_NAME["json"])
    return {row["name"]["value"] for row in json.loads(body)["results"]["bindings"]}


def test_the_persistent_store_is_reused_and_rebuilt_when_sources_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = write_dataset(tmp_path / "graph").replace(store=str(tmp_path / "db"))
    loads: list[Settings] = []  # never keep the store itself: it holds the RocksDB lock
    real_load = embedded.load_into

    def counting_load(store: object, settings: Settings) -> None:
        loads.append(settings)
        real_load(store, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(embedded, "load_into", counting_load)
    first = EmbeddedStore.open(settings)
    assert "Carol\nline two" in names(first)
    second = EmbeddedStore.open(settings)
    assert (len(loads), second.version) == (1, first.version)
    first.close()
    second.close()
    del first, second
    extra = settings.data_dir / "extra.ttl"
    extra.write_text('<http://example.org/dan> <http://example.org/name> "Dan" .')
    third = EmbeddedStore.open(settings)
    assert len(loads) == 2
    assert (tmp_path / "db" / VERSION_STAMP).read_text().strip() == third.version
    assert "Dan" in names(third) and "Carol\nline two" not in names(third)


def test_the_persistent_store_is_opened_by_the_evaluators_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queries from four threads at once are answered by evaluator processes, each opening the
    read-only store itself: the process that serves requests never opens it for a query."""
    settings = write_dataset(tmp_path / "graph").replace(store=str(tmp_path / "db"))
    opened: list[str] = []
    real_open = pyoxigraph.Store.read_only

    def counting_open(path: str) -> pyoxigraph.Store:
        opened.append(path)  # in this process only: an evaluator's list is its own copy
        return real_open(path)

    monkeypatch.setattr(pyoxigraph.Store, "read_only", counting_open)
    store = EmbeddedStore.open(settings)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: names(store), range(4)))
    assert opened == []
    assert all("Carol\nline two" in answer for answer in answers)
    store.close()


def test_a_folder_that_is_not_a_store_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    settings = write_dataset(tmp_path / "graph").replace(store=str(tmp_path / "precious"))
    with pytest.raises(LoadError, match="refusing"):
        EmbeddedStore.open(settings)
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"


def test_serving_a_persistent_store(
    kg_server: Callable[..., str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("persistent")
    settings = write_dataset(root / "graph")
    folders = ["--data", str(settings.data_dir), "--ontology", str(settings.ontology_dir)]
    url = kg_server(*folders, "--store", str(root / "db"), "--no-validate", "--workers", "2")
    for _ in range(4):  # several requests: both workers open the store read-only
        reply = fetch(f"{url}sparql?{urlencode({'query': NAMES})}")
        assert reply.status == 200
        assert len(json.loads(reply.body)["results"]["bindings"]) == 5


@pytest.mark.parametrize(("host", "bind"), [("127.0.0.1", "127.0.0.1:8000"), ("::1", "[::1]:8000")])
def test_bind_address(host: str, bind: str) -> None:
    assert bind_address(host, 8000) == bind


def test_gunicorn_options_follow_the_settings() -> None:
    options = gunicorn_options(Settings(workers=3, timeout=5, port=9999))
    assert options["workers"] == 3 and options["bind"] == "127.0.0.1:9999"
    assert options["preload_app"] is True
    assert issubclass(options["worker_class"], BufferingThreadWorker)
    assert options["timeout"] > 5  # gunicorn's heartbeat is only a backstop behind the query limit
    assert options["graceful_timeout"] > 5  # a stopping worker answers the queries it holds


def test_threads_per_worker_suit_the_store_unless_set() -> None:
    """Requests to a remote store wait on the network: more threads per worker by default."""
    remote = "http://127.0.0.1:7878/query"
    assert gunicorn_options(Settings(store=remote))["threads"] == REMOTE_THREADS
    assert gunicorn_options(Settings())["threads"] == EMBEDDED_THREADS < REMOTE_THREADS
    assert gunicorn_options(Settings(store=remote, threads=6))["threads"] == 6
    assert gunicorn_options(Settings(threads=6))["threads"] == 6


def test_large_responses_give_their_memory_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a large response a worker trims its heap (glibc), after a small one it does not."""
    assert gunicorn_options(Settings())["post_request"] is release_memory
    trims: list[int] = []
    monkeypatch.setattr(server, "MALLOC_TRIM", trims.append)
    for sent in (100, RELEASE_AFTER_BYTES - 1, RELEASE_AFTER_BYTES, 50 * RELEASE_AFTER_BYTES):
        release_memory(None, None, {}, SimpleNamespace(sent=sent))
    assert trims == [0, 0]


def test_malloc_trim_is_found_on_glibc() -> None:
    """This machine runs glibc, so the hook really trims (elsewhere it does nothing)."""
    assert server.MALLOC_TRIM is not None
    assert server.MALLOC_TRIM(0) in (0, 1)


def test_a_shared_link_of_the_longest_question_is_answered(live_url: str) -> None:
    """Every competency question fits in a GET link (``/sparql?query=…``); a longer request line
    is refused with 414, never a 5xx."""
    longest = max(
        (path.read_text(encoding="utf-8") for path in Settings().queries_dir.glob("cq*.rq")),
        key=lambda text: len(urlencode({"query": text})),
    )
    url = f"{live_url}sparql?{urlencode({'query': longest})}"
    assert len(url) > 4094  # gunicorn's default limit would have refused it
    reply = fetch(url, headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.body[:200]
    assert "results" in json.loads(reply.body)
    too_long = f"{live_url}sparql?{urlencode({'query': longest + '#' * 9000})}"
    assert fetch(too_long).status == 414
