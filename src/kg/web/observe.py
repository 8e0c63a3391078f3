"""The web layer's side of :mod:`kg.observability`: request hooks, query and error notes,
``/metrics``.

:func:`init_app` is called once per app; :func:`note_query` when a request carries a SPARQL
query, :func:`query_finished` after evaluating one, :func:`note_error` when an error is answered
and :func:`searching` around a name search (each call site is marked ``# observability``).
Everything else happens in the request hooks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g, request

from kg.observability import access_log
from kg.observability.access_log import AccessRecord
from kg.observability.metrics import CONTENT_TYPE
from kg.observability.observer import Observer
from kg.observability.outcomes import TIME_LIMIT, outcome_of
from kg.observability.slow_queries import query_hash
from kg.stores import QueryForm
from kg.web.context import settings_of, store_of

KEY = "kg.observability"
UNMATCHED = "unmatched"  # the route label of a request no URL rule matched (404)


def init_app(app: Flask, *, store_load_seconds: float | None = None) -> Observer:
    """Give ``app`` its observer and request hooks (and ``/metrics`` if the setting says on).
    Register this before any ``after_request`` hook that changes the body (compression): hooks
    run in reverse order, so the access log then sees the bytes sent."""
    settings, store = settings_of(app), store_of(app)
    observer = Observer.for_settings(settings, lambda: store.version, store_load_seconds)
    app.extensions[KEY] = observer
    app.before_request(_started)
    app.after_request(_finished)
    if observer.metrics_route:
        app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
    return observer


def observer_of(app: Flask) -> Observer:
    """The observer of ``app``."""
    found: Observer = app.extensions[KEY]
    return found


def metrics_view() -> Response:
    """``/metrics``: the Prometheus text format, never cached."""
    metrics = observer_of(current_app).metrics
    assert metrics is not None  # the route exists only with metrics
    response = Response(metrics.exposition(), content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def _started() -> None:
    g.kg_started = time.perf_counter()
    g.kg_started_at = time.time()


def _finished(response: Response) -> Response:
    """Count the request and write its access-log line."""
    seen = observer_of(current_app)
    seconds = time.perf_counter() - g.get("kg_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    if seen.metrics is not None:
        seen.metrics.observe_request(route, request.method, response.status_code, seconds)
    if seen.access_log and access_log.enabled():
        access_log.write(_record(route, response, seconds))
    return response


def _record(route: str, response: Response, seconds: float) -> AccessRecord:
    query: str | None = g.get("kg_query")
    return AccessRecord(
        time=access_log.timestamp(g.get("kg_started_at", time.time())),
        route=route,
        path=request.path,
        method=request.method,
        status=response.status_code,
        duration_ms=round(seconds * 1000, 3),
        bytes=response.content_length,
        client=request.remote_addr,
        query_hash=None if query is None else query_hash(query),
    )


def note_query(query: str) -> None:
    """This request carries ``query`` (its hash goes to the access log)."""
    g.kg_query = query


def query_finished(form: QueryForm, seconds: float) -> None:
    """A query of ``form`` took ``seconds`` (answered or not): time it, log it if slow."""
    seen = observer_of(current_app)
    if seen.metrics is not None:
        seen.metrics.query_seconds.labels(form.value).observe(seconds)
    query: str | None = g.get("kg_query")
    if query is not None:
        seen.slow_queries.record(query, seconds)


def note_error(error: BaseException) -> None:
    """An error is being answered: count refusals, time-limit hits and failures."""
    metrics = observer_of(current_app).metrics
    outcome = outcome_of(error)
    if metrics is None or outcome is None:
        return
    if outcome.kind == TIME_LIMIT:
        metrics.time_limit_hits.inc()
    elif outcome.kind == "refusal":
        metrics.refusals.labels(outcome.reason).inc()
    else:
        metrics.failures.labels(outcome.reason).inc()


@contextmanager
def searching() -> Iterator[None]:
    """Time a name search (the search latency histogram)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        metrics = observer_of(current_app).metrics
        if metrics is not None:
            metrics.search_seconds.observe(time.perf_counter() - started)
