"""The browser query editor."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("ui", __name__)


def editor_page() -> Response:
    """The query editor page (``GET /sparql`` from a browser, ``GET /query``)."""
    return Response(
        "<!DOCTYPE html><html lang=en><title>SPARQL</title><h1>SPARQL query editor</h1></html>",
        content_type="text/html; charset=utf-8",
    )
