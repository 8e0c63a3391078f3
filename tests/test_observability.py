"""Operations (issue #16): Prometheus metrics, the JSON access log, the slow-query log and
readiness, on the real app and on a real ``kg serve`` (gunicorn, several workers)."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from serving import fetch, running_server

from kg.config import Settings
from kg.observability.metrics import remove_orphans
from kg.observability.slow_queries import SlowQueryLog, normalise, query_hash
from kg.stores import Store
from kg.web import create_app

KG = str(Path(sys.executable).with_name("kg"))
ASK = "ASK { ?s ?p ?o }"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
NESTED = "SELECT * WHERE " + "{ " * 150 + "?s ?p ?o" + " }" * 150  # the limit is 100
TOO_LONG = "ASK {}" + " " * 1_000_000  # the limit is 1,000,000 characters
LONG_QUERY = (  # runs for seconds: stopped at the time limit
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(exposition: str) -> Samples:
    """Every sample of a Prometheus text exposition: (name, labels) -> value."""
    found: Samples = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series has not appeared (nothing counted yet)."""
    return found.get((name, frozenset(labels.items())), 0.0)


def sparql(client: FlaskClient, query: str, **environ: str) -> int:
    response = client.get(
        "/sparql?" + urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
        environ_base=environ,
    )
    return response.status_code


@pytest.fixture
def ops_settings(settings: Settings, tmp_path: Path) -> Settings:
    """Metrics on the service's port; logs in this test's own folder; a short time limit; a
    body limit above the query length limit (the store's: from the session's settings)."""
    return settings.replace(metrics="on", cache_dir=tmp_path, timeout=0.3, max_body_bytes=2**21)


@pytest.fixture
def ops_app(ops_settings: Settings, store: Store) -> Flask:
    return create_app(ops_settings, store=store)


# ---- metrics -------------------------------------------------------------------------------


def test_metrics_are_off_by_default(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_a_scrape_counts_requests_queries_and_refusals(ops_app: Flask, store: Store) -> None:
    client = ops_app.test_client()
    assert [sparql(client, ASK) for _ in range(3)] == [200, 200, 200]
    assert sparql(client, SELECT) == 200
    assert client.get("/no/such/page").status_code == 404
    assert sparql(client, SERVICE) == 400
    assert sparql(client, NESTED) == 400
    posted = client.post("/sparql", data=TOO_LONG, content_type="application/sparql-query")
    assert posted.status_code == 413
    huge = client.post("/sparql", data=b"x" * (2**21 + 1), content_type="application/sparql-query")
    assert huge.status_code == 413  # over max_body_bytes: refused before any query is read
    assert sparql(client, "SELEKT nothing") == 400
    assert client.get("/api/search", query_string={"q": "Li"}).status_code == 200

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    found = samples(response.get_data(as_text=True))

    requests = "kg_http_requests_total"
    assert value(found, requests, route="/sparql", method="GET", status="200") == 4
    assert value(found, requests, route="/sparql", method="GET", status="400") == 3
    assert value(found, requests, route="/sparql", method="POST", status="413") == 2
    assert value(found, requests, route="unmatched", method="GET", status="404") == 1
    assert value(found, requests, route="/api/search", method="GET", status="200") == 1
    assert not any("/no/such/page" in dict(labels).values() for _, labels in found)
    assert value(found, "kg_http_request_duration_seconds_count", route="/sparql") == 9
    assert value(found, "kg_query_duration_seconds_count", form="ASK") == 3
    assert value(found, "kg_query_duration_seconds_count", form="SELECT") == 1
    for reason in ("service", "too_nested", "too_long", "invalid", "body_too_large"):
        assert value(found, "kg_query_refusals_total", reason=reason) == 1, reason
    assert value(found, "kg_search_duration_seconds_count") == 1
    assert value(found, "kg_data_version_info", version=store.version) == 1


def test_time_limit_hits_and_budget_refusals_are_counted(
    ops_settings: Settings, store: Store
) -> None:
    app = create_app(ops_settings.replace(client_budget=0.2, budget_window=600), store=store)
    client = app.test_client()
    assert sparql(client, LONG_QUERY, REMOTE_ADDR="10.9.9.9") == 503  # past 0.3 s
    assert sparql(client, ASK, REMOTE_ADDR="10.9.9.9") == 429  # its budget is spent
    found = samples(client.get("/metrics").get_data(as_text=True))
    assert value(found, "kg_query_time_limit_hits_total") == 1
    assert value(found, "kg_query_refusals_total", reason="budget") == 1
    assert value(found, "kg_query_duration_seconds_count", form="SELECT") == 1


def test_the_store_load_time_is_reported_when_the_app_loads_the_store(
    ops_settings: Settings,
) -> None:
    app = create_app(ops_settings)
    found = samples(app.test_client().get("/metrics").get_data(as_text=True))
    assert 0 < value(found, "kg_store_load_seconds") < 120


def test_a_bad_metrics_setting_is_refused_with_a_message(settings: Settings, store: Store) -> None:
    with pytest.raises(ValueError, match="'off', 'on' or a port number"):
        create_app(settings.replace(metrics="yes please"), store=store)


# ---- access log ----------------------------------------------------------------------------


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "kg.access"]


def test_one_json_access_line_per_request(ops_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = ops_app.test_client()
    caplog.set_level(logging.INFO, logger="kg.access")
    before = time.time()
    assert sparql(client, ASK, REMOTE_ADDR="10.1.2.3") == 200
    assert sparql(client, "ASK  {\n ?s ?p   ?o }", REMOTE_ADDR="10.1.2.3") == 200
    assert client.get("/healthz").status_code == 200
    lines = access_lines(caplog)
    assert len(lines) == 3
    first, second, health = lines
    assert first["route"] == "/sparql" and first["method"] == "GET" and first["status"] == 200
    assert first["client"] == "10.1.2.3"
    assert isinstance(first["bytes"], int) and first["bytes"] > 0
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] > 0
    stamp = str(first["time"])
    assert stamp.endswith("Z")
    parsed = time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")
    assert abs(time.mktime(parsed) - time.timezone - before) < 60
    assert first["query_hash"] == query_hash(ASK) == second["query_hash"]  # same once normalised
    assert health["route"] == "/healthz" and health["query_hash"] is None


def test_the_access_log_can_be_switched_off(
    ops_settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_app(ops_settings.replace(access_log=False), store=store).test_client()
    caplog.set_level(logging.INFO, logger="kg.access")
    assert sparql(client, ASK) == 200
    assert access_lines(caplog) == []


# ---- slow-query log ------------------------------------------------------------------------


def test_the_slow_query_log_keeps_count_max_and_last(tmp_path: Path) -> None:
    log = SlowQueryLog.in_folder(tmp_path, threshold=1.0)
    assert not log.record(ASK, 0.5)  # under the threshold
    assert log.record(ASK, 2.0, now=100.0)
    assert log.record("ASK {\n  ?s ?p ?o\n}", 1.5, now=200.0)
    assert log.record(SELECT, 1.2, now=150.0)
    first, second = log.entries()
    assert (first.query, first.count, first.max_seconds, first.last_seconds) == (
        normalise(ASK),
        2,
        2.0,
        1.5,
    )
    assert first.last_seen == 200.0 and first.hash == query_hash(ASK)
    assert (second.query, second.count) == (SELECT, 1)


def test_slow_queries_of_the_app_are_listed_by_the_command(
    ops_settings: Settings, store: Store, tmp_path: Path
) -> None:
    app = create_app(ops_settings.replace(slow_query_seconds=1e-9), store=store)  # all are slow
    client = app.test_client()
    for query in (ASK, "ASK {?s ?p ?o}  ", " ASK { ?s ?p ?o }", SELECT):
        assert sparql(client, query) == 200
    assert sparql(client, LONG_QUERY) == 503  # stopped at the limit: slow, and logged

    listed = subprocess.run(
        [KG, "slow-queries", "--cache-dir", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {row["query"]: row for row in json.loads(listed.stdout)}
    assert set(rows) == {normalise(ASK), "ASK {?s ?p ?o}", SELECT, LONG_QUERY}
    assert rows[normalise(ASK)]["count"] == 2
    assert rows[LONG_QUERY]["max_seconds"] >= 0.3
    assert next(iter(rows)) == LONG_QUERY  # slowest first

    table = subprocess.run(
        [KG, "slow-queries", "--cache-dir", str(tmp_path), "--clear"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert query_hash(LONG_QUERY) in table and "count" in table.splitlines()[0]
    assert SlowQueryLog.in_folder(tmp_path).entries() == []  # --clear emptied it


def test_the_slow_query_log_is_off_at_zero(ops_settings: Settings, store: Store) -> None:
    app = create_app(ops_settings.replace(slow_query_seconds=0.0), store=store)
    assert sparql(app.test_client(), ASK) == 200
    assert SlowQueryLog.in_folder(ops_settings.cache_dir).entries() == []


# ---- readiness -----------------------------------------------------------------------------


def closed_port() -> int:
    """A localhost port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_readiness_on_the_embedded_store(client: FlaskClient, store: Store) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "version": store.version}


class LoadingStore:
    """The real store, saying it is (re)loading: a store may expose ``loading``."""

    loading = True

    def __init__(self, store: Store):
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def test_not_ready_while_the_store_loads(settings: Settings, store: Store) -> None:
    client = create_app(settings, store=LoadingStore(store)).test_client()  # type: ignore[arg-type]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "message": "the store is loading"}
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_readiness_fails_fast_when_the_remote_store_is_down(settings: Settings) -> None:
    down = settings.replace(store=f"http://127.0.0.1:{closed_port()}/sparql")
    client = create_app(down).test_client()
    began = time.monotonic()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "cannot be reached" in response.get_json()["message"]
    assert time.monotonic() - began < 5


# ---- a real server: gunicorn workers share their metrics -----------------------------------


@pytest.fixture
def metrics_server(tmp_path: Path) -> Iterator[str]:
    environ = {"KG_METRICS": "on", "KG_CACHE_DIR": str(tmp_path)}
    args = ("--no-validate", "--workers", "2")
    with running_server(*args, log=tmp_path / "serve.log", environ=environ) as (url, _):
        yield url


def test_a_scrape_adds_up_every_worker(metrics_server: str) -> None:
    query = metrics_server + "sparql?" + urlencode({"query": ASK})
    for _ in range(12):  # new connections: both workers take some
        assert fetch(query, headers={"Accept": "application/sparql-results+json"}).status == 200
    assert fetch(metrics_server + "sparql?" + urlencode({"query": SERVICE})).status == 400
    scrape = fetch(metrics_server + "metrics")
    assert scrape.status == 200
    found = samples(scrape.text)
    assert value(found, "kg_http_requests_total", route="/sparql", method="GET", status="200") == 12
    assert value(found, "kg_query_duration_seconds_count", form="ASK") == 12
    assert value(found, "kg_query_refusals_total", reason="service") == 1
    assert value(found, "kg_store_load_seconds") > 0
    assert fetch(metrics_server + "readyz").status == 200


def metrics_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("kg-metrics-*"))


def test_metrics_on_a_port_of_their_own_survive_a_retired_worker(tmp_path: Path) -> None:
    port, folders_before = closed_port(), metrics_folders()
    environ = {"KG_METRICS": str(port), "KG_CACHE_DIR": str(tmp_path)}
    args = ("--no-validate", "--workers", "2")
    with running_server(*args, log=tmp_path / "serve.log", environ=environ) as (url, server):
        (folder,) = metrics_folders() - folders_before  # private, made by kg serve
        assert folder.stat().st_mode & 0o077 == 0
        for _ in range(6):
            assert fetch(url + "sparql?" + urlencode({"query": ASK})).status == 200
        assert fetch(url + "metrics").status == 404  # never on the public port
        server.send_signal(signal.SIGTTOU)  # gunicorn: one worker fewer (it exits)
        scraped = f"http://127.0.0.1:{port}/metrics"
        deadline = time.monotonic() + 20
        while value(found := samples(fetch(scraped).text), "kg_worker_retirements_total") < 1:
            assert time.monotonic() < deadline, "the worker's exit was never counted"
            time.sleep(0.2)
        assert value(found, "kg_worker_retirements_total") == 1
        sparql_ok = {"route": "/sparql", "method": "GET", "status": "200"}
        assert value(found, "kg_http_requests_total", **sparql_ok) == 6  # the retired one's too
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)  # a clean stop (killed, it leaves the folder to the next start)
    assert not folder.exists()  # removed when the server stopped


def test_a_metrics_folder_left_by_a_killed_server_is_removed(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    orphan = tmp_path / f"kg-metrics-{gone.pid}-x1"  # its process has exited
    alive = tmp_path / f"kg-metrics-{os.getpid()}-x2"
    for folder in (orphan, alive):
        folder.mkdir()
        (folder / "counter_1.db").write_bytes(b"")
    remove_orphans(tmp_path)
    assert not orphan.exists() and alive.exists()


def test_kg_serve_refuses_a_bad_metrics_setting_or_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        for setting, message in (
            ("sometimes", "'off', 'on' or a port number, not 'sometimes'"),
            (str(busy.getsockname()[1]), "cannot be opened"),
        ):
            done = subprocess.run(
                [KG, "serve", "--no-validate", "--port", "0"],
                env={**os.environ, "KG_METRICS": setting, "KG_CACHE_DIR": str(tmp_path)},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 2 and message in done.stderr
            assert "Traceback" not in done.stderr
