"""The access log: one JSON object per request, on the ``kg.access`` logger.

Fields: ``time`` (UTC, ISO 8601, milliseconds), ``route`` (the URL rule, as the metrics label
it), ``path``, ``method``, ``status``, ``duration_ms``, ``bytes`` (the body's length; null when
streamed), ``client`` (the peer address) and, for a SPARQL query, ``query_hash`` (the slow-query
log's hash of its normalised text). Operators route the logger like any other (``logging``
configuration); ``kg serve`` writes it to standard output when nothing else was configured.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

LOGGER_NAME = "kg.access"
log = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True)
class AccessRecord:
    """One answered request."""

    time: str
    route: str
    path: str
    method: str
    status: int
    duration_ms: float
    bytes: int | None
    client: str | None
    query_hash: str | None = None

    def line(self) -> str:
        """The record as one line of JSON (keys in field order, non-ASCII kept)."""
        return json.dumps(vars(self), ensure_ascii=False, separators=(",", ":"))


def timestamp(epoch_seconds: float) -> str:
    """``epoch_seconds`` as UTC ISO 8601 with milliseconds, e.g. 2026-12-06T11:45:03.120Z."""
    moment = datetime.fromtimestamp(epoch_seconds, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def enabled() -> bool:
    """Whether the logger would write a record (else none is made)."""
    return log.isEnabledFor(logging.INFO)


def write(record: AccessRecord) -> None:
    """Log ``record`` at INFO."""
    log.info(record.line())


def to_standard_output() -> None:
    """Send the access log to standard output, one bare line per record, unless the logger
    already has a handler (an operator's logging configuration wins)."""
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
