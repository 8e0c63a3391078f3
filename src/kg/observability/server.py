"""Observability of ``kg serve`` (gunicorn): shared metrics, worker exits, a metrics listener.

Before the app is built, :class:`ServerObservability` switches the metrics to prometheus-client's
multi-process mode in a private temporary folder (removed when the server stops) and points the
access log at standard output. Once the app is built it gives gunicorn a ``child_exit`` hook
(count the worker's exit, drop its live values) and, when the ``metrics`` setting is a port,
forks a small process that serves ``/metrics`` on ``127.0.0.1:PORT`` only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from kg.config import SettingError, Settings
from kg.observability import access_log
from kg.observability.metrics import Metrics, forget_process, use_multiprocess_dir
from kg.observability.observer import Observer, metrics_enabled, metrics_port

PR_SET_PDEATHSIG = 1  # linux/prctl.h
LOOPBACK = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not logged (every 15 s or so, forever)."""


class ServerObservability:
    """What ``kg serve`` sets up around gunicorn for metrics and logs (see the module)."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._owner = os.getpid()  # gunicorn's workers unwind through the caller: only we clean
        self._clean_up: Callable[[], None] = lambda: None
        self._exporter = 0
        if metrics_enabled(settings):
            self._clean_up = use_multiprocess_dir()
        if settings.access_log:
            access_log.to_standard_output()

    def gunicorn_hooks(self, observer: Observer) -> dict[str, Any]:
        """Start the metrics listener if asked for; the gunicorn options to add for the app
        ``observer`` observes."""
        metrics = observer.metrics
        if metrics is None:
            return {}
        port = metrics_port(self._settings)
        if port is not None:
            self._exporter = start_exporter(metrics, port)
        return {"child_exit": worker_exit_hook(metrics)}

    def close(self) -> None:
        """Stop the metrics listener and remove the metrics folder (in the master only)."""
        if os.getpid() != self._owner:
            return
        if self._exporter:
            with contextlib.suppress(OSError):
                os.kill(self._exporter, signal.SIGTERM)
                os.waitpid(self._exporter, 0)
            self._exporter = 0
        self._clean_up()


def worker_exit_hook(metrics: Metrics) -> Callable[[Any, Any], None]:
    """gunicorn's ``child_exit`` hook (run in the master): count the exit, forget the worker."""

    def child_exit(server: Any, worker: Any) -> None:
        metrics.worker_retirements.inc()
        forget_process(worker.pid)

    return child_exit


def start_exporter(metrics: Metrics, port: int) -> int:
    """Serve ``metrics`` on ``127.0.0.1:port`` from a forked process (0: a free port); its pid.
    The socket is bound here, so a port in use fails the start, not the child."""
    scrapes = make_wsgi_app(metrics.exposed)
    try:
        server = make_server(LOOPBACK, port, scrapes, handler_class=_QuietHandler)
    except OSError as error:
        raise SettingError(f"the metrics port {port} cannot be opened: {error}") from None
    bound = server.server_address[1]
    pid = os.fork()
    if pid == 0:
        _serve_until_parent_dies(server)
    server.server_close()
    print(f"metrics: http://{LOOPBACK}:{bound}/metrics", file=sys.stderr, flush=True)
    return pid


def _serve_until_parent_dies(server: WSGIServer) -> None:
    """In the forked child: serve scrapes until stopped; never return into the parent's code."""
    code = 0
    try:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # stopped by the master, not Ctrl-C
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        server.serve_forever()
    except BaseException:
        code = 1
    finally:
        os._exit(code)
