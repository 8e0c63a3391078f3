"""``/healthz`` (liveness: the service and its store answer) and ``/readyz`` (readiness: a query
would be answered now; 503 while the store loads or does not answer)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from kg.observability.readiness import readiness
from kg.web.context import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with the data version when the store answers, 503 otherwise."""
    store = get_store()
    if store.healthy():
        return jsonify(status="ok", version=store.version), 200
    return jsonify(status="unavailable", message="the store does not answer"), 503


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """200 when a cheap query goes through, 503 with the reason otherwise."""
    store = get_store()
    found = readiness(store)
    if found.ready:
        return jsonify(status="ready", version=store.version), 200
    return jsonify(status="unavailable", message=found.message), 503
