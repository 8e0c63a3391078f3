"""Readiness: whether the service can answer queries now (``/readyz``).

Liveness (``/healthz``) says the process answers; readiness says a query would: the store is not
loading, and a cheap ``ASK {}`` goes through the same path as a client's query (the evaluator
processes of the embedded store; the network, the store and its graph list for a remote one)
within :data:`READY_TIMEOUT` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.formats import FORMATS_BY_NAME
from kg.stores import QueryAborted, QueryRequest, QueryTimeout, Store, StoreUnavailable

READY_TIMEOUT = 3.0  # seconds: a probe must answer quickly even when the store hangs
PROBE = QueryRequest("ASK {}")


@dataclass(frozen=True)
class Readiness:
    """Whether the service is ready, and why not."""

    ready: bool
    message: str = ""


def readiness(store: Store, timeout: float = READY_TIMEOUT) -> Readiness:
    """Probe ``store``: not ready while it loads, or when a cheap query fails or hangs."""
    if getattr(store, "loading", False):
        return Readiness(False, "the store is loading")
    try:
        store.query(PROBE, FORMATS_BY_NAME["json"], timeout=timeout)
    except QueryTimeout:
        return Readiness(False, f"the store did not answer within {timeout:g} s")
    except (StoreUnavailable, QueryAborted) as error:
        return Readiness(False, str(error))
    return Readiness(True)
