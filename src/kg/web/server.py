"""Run the app under gunicorn: validation (cached), preloaded store, per-query time limit.

Design (see docs/endpoint.md): the app and an in-memory store are built once in the master
(``preload_app``) and shared copy-on-write by N workers. Each worker is gunicorn's ``gthread``
worker: it keeps client connections alive and answers up to ``threads`` requests at once. The
embedded store evaluates every query in a disposable evaluator process
(:mod:`kg.query.evaluators`), forked from a hatchery the master starts before its workers: at the
time limit the evaluator is killed and replaced, and an engine crash ends only the evaluator, so
a web worker never has to stop. With a remote store a timed-out query is simply abandoned (its
HTTP call is dropped).
"""

from __future__ import annotations

import ctypes
import math
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from kg.config import Settings
from kg.loading import fingerprint, turtle_files
from kg.observability.server import ServerObservability
from kg.stores.remote import is_remote
from kg.web import browse, create_app, observe, search
from kg.web.context import store_of
from kg.web.server_worker import BufferingThreadWorker

EMBEDDED_THREADS = 2  # per worker: more only adds contention for the GIL (docs/benchmarks.md)
REMOTE_THREADS = 8  # per worker: requests to a remote store mostly wait on it
MAX_REQUEST_LINE = 8190  # gunicorn's largest: a shared /sparql?query=… link of a long query fits
HEARTBEAT_MARGIN = 30  # gunicorn's own worker timeout = query limit + this (a backstop only)
RELEASE_AFTER_BYTES = 256 * 1024  # a response this large: give the memory it freed back to the OS
DRAIN_MARGIN = 2  # a stopping worker's grace: the query limit (its other requests) + this


def validation_fingerprint(settings: Settings) -> str:
    """A fingerprint of everything validation reads: ontology, data and shapes."""
    folders = (settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    return fingerprint(turtle_files(*folders))


def validate_cached(settings: Settings) -> tuple[bool, str]:
    """Whether the graph conforms, and what to print; a conforming result is reused while the
    ontology, data and shapes are unchanged (one stamp file per fingerprint under
    ``cache_dir/validated``)."""
    cache = settings.cache_dir / "validated"
    stamp = cache / validation_fingerprint(settings)
    if stamp.is_file():
        return True, "validation: conforms (cached result, sources unchanged)"
    from kg.validation import validate

    report = validate(settings)
    if not report.conforms:
        return False, report.render("text")
    cache.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    return True, "validation: conforms"


def bind_address(host: str, port: int) -> str:
    """A gunicorn bind string (IPv6 addresses in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None on another C library."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _malloc_trim()


def release_memory(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """gunicorn's ``post_request`` hook: after a large response, return the memory its query
    freed to the OS. glibc keeps freed memory for reuse, so each worker's resident memory grows
    towards its largest queries' peak (by 150-350 MB per worker at 1M triples), while the store
    the workers share stays where it is."""
    if MALLOC_TRIM is not None and resp.sent >= RELEASE_AFTER_BYTES:
        MALLOC_TRIM(0)


def drain_seconds(settings: Settings) -> int:
    """How long a stopping worker may take to answer the requests it holds (whole seconds)."""
    return math.ceil(settings.timeout) + DRAIN_MARGIN


def worker_threads(settings: Settings) -> int:
    """The threads per worker: the setting, or by default what suits the store."""
    if settings.threads > 0:
        return settings.threads
    return REMOTE_THREADS if is_remote(settings.store) else EMBEDDED_THREADS


def worker_class(settings: Settings) -> type[BufferingThreadWorker]:
    """gunicorn's threaded worker, reading each request whole before a thread takes it, with
    the limits of ``settings`` (see :mod:`kg.web.server_worker`)."""
    limits = {"read_timeout": settings.read_timeout, "max_body_bytes": settings.max_body_bytes}
    return type("KgWorker", (BufferingThreadWorker,), limits)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """The gunicorn configuration for ``settings``: preloaded app, threaded keep-alive workers."""
    return {
        "bind": bind_address(settings.host, settings.port),
        "workers": settings.workers,
        "worker_class": worker_class(settings),
        "threads": worker_threads(settings),
        "preload_app": True,
        "timeout": int(settings.timeout) + HEARTBEAT_MARGIN,
        "limit_request_line": MAX_REQUEST_LINE,
        "graceful_timeout": drain_seconds(settings),
        "post_request": release_memory,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "kg-serve",
        "when_ready": _announce,
    }


def _announce(server: Any) -> None:
    """Print the URL once the socket listens (the real port, also when 0 was asked for)."""
    host, port = server.LISTENERS[0].sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving officials-kg on http://{shown}:{port}/ (SPARQL: /sparql)", flush=True)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running an already-built WSGI app with options from a dict."""

    def __init__(self, app: Any, options: dict[str, Any]):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def serve(settings: Settings) -> None:
    """Build the app (loading the store once, before forking) and serve it until stopped."""
    operations = ServerObservability(settings)  # observability: before the app is built
    try:
        app = create_app(settings)
        start_evaluators = getattr(store_of(app), "start_evaluators", None)
        if start_evaluators is not None:  # forked from this process before it holds any thread
            start_evaluators()
        search.warm(app)  # the search index of the loaded store, built once before forking
        browse.warm(app)  # the facet indexes, likewise: the workers share them
        hooks = operations.gunicorn_hooks(observe.observer_of(app))  # observability
        GunicornServer(app, gunicorn_options(settings) | hooks).run()
        sys.stdout.flush()
    finally:
        operations.close()  # observability: metrics listener and folder (master only)
