"""Operations: Prometheus metrics, the JSON access log, the slow-query log and readiness.

The web layer calls the hooks re-exported here (each call site is marked ``# observability``);
``kg serve`` wraps gunicorn in :class:`kg.observability.server.ServerObservability`. See
docs/operations.md.
"""

from __future__ import annotations

from kg.observability.hooks import (
    init_app,
    note_error,
    note_query,
    query_finished,
    searching,
)
from kg.observability.readiness import Readiness, readiness

__all__ = [
    "Readiness",
    "init_app",
    "note_error",
    "note_query",
    "query_finished",
    "readiness",
    "searching",
]
