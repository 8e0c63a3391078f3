"""``/healthz``: whether the service and its store answer."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from kg.web import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with the data version when the store answers, 503 otherwise."""
    store = get_store()
    if store.healthy():
        return jsonify(status="ok", version=store.version), 200
    return jsonify(status="unavailable", message="the store does not answer"), 503
