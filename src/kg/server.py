"""Run the app under gunicorn: validation (cached), preloaded store, per-query time limit.

Design (see docs/endpoint.md): the app and an in-memory store are built once in the master
(``preload_app``) and shared copy-on-write by N sync workers. Each worker answers one request at
a time and runs the query on a helper thread (pyoxigraph releases the GIL), waiting at most the
time limit. On time-out the client gets 503 and, once the response is sent, the worker kills
itself: that is the only way to stop a pyoxigraph evaluation, and gunicorn forks a fresh worker
from the preloaded master at once. The other workers keep serving meanwhile.

With a remote store a request mostly waits on the store, and a timed-out query is simply
abandoned (its HTTP call is dropped): each worker then runs ``threads`` threads (gunicorn's
``gthread`` worker, which also keeps client connections alive), and no worker ends itself.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from kg.config import PROJECT_ROOT, Settings
from kg.loading import fingerprint, turtle_files
from kg.stores.remote import is_remote
from kg.web import create_app
from kg.web.errors import AFTER_TIMEOUT

VALIDATION_CACHE = PROJECT_ROOT / "var" / "validated"
HEARTBEAT_MARGIN = 30  # gunicorn's own worker timeout = query limit + this (a backstop only)


def end_worker() -> None:
    """End this worker at once (SIGKILL): nothing else stops the abandoned query's thread."""
    os.kill(os.getpid(), signal.SIGKILL)


def validation_fingerprint(settings: Settings) -> str:
    """A fingerprint of everything validation reads: ontology, data and shapes."""
    folders = (settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    return fingerprint(turtle_files(*folders))


def validate_cached(settings: Settings, cache: Path = VALIDATION_CACHE) -> tuple[bool, str]:
    """Whether the graph conforms, and what to print; a conforming result is reused while the
    ontology, data and shapes are unchanged (one stamp file per fingerprint under ``cache``)."""
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


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """The gunicorn configuration for ``settings``: threaded workers for a remote store."""
    threaded = is_remote(settings.store)
    return {
        "bind": bind_address(settings.host, settings.port),
        "workers": settings.workers,
        "worker_class": "gthread" if threaded else "sync",
        "threads": settings.threads if threaded else 1,
        "preload_app": True,
        "timeout": int(settings.timeout) + HEARTBEAT_MARGIN,
        "graceful_timeout": 5,
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
    app = create_app(settings)
    if not is_remote(settings.store):  # a remote store's timed-out query leaves nothing running
        app.config[AFTER_TIMEOUT] = end_worker
    GunicornServer(app, gunicorn_options(settings)).run()
    sys.stdout.flush()
