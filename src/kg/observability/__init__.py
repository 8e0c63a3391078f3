"""Operations: Prometheus metrics, the JSON access log, the slow-query log and readiness.

This package knows nothing of Flask: the web layer's hooks are in :mod:`kg.web.observe` (each
call site marked ``# observability``), and ``kg serve`` wraps gunicorn in
:class:`kg.observability.server.ServerObservability`. See docs/operations.md.
"""

from __future__ import annotations
