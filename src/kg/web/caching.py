"""HTTP caching, CORS and compression helpers, applied app-wide (every read route gets them).

- ``init_app`` adds CORS headers (and answers preflights) and gzips large bodies for clients that
  accept it.
- Handlers that serve data call :func:`etag_for`, then :func:`not_modified_response` (304 before
  doing any work when the client's copy is current) and :func:`make_cacheable` on the response.
  Validators come from the data version, so they change exactly when the served data changes.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.http import http_date, quote_etag

from kg.config import Settings
from kg.loading import turtle_files
from kg.web.context import settings_of

MAX_AGE = 60  # seconds a client may reuse a response without revalidating
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 5
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Length",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def init_app(app: Flask) -> None:
    """Register CORS and compression on ``app`` and record when its data last changed."""
    modified = data_modified(settings_of(app))
    app.config["KG_LAST_MODIFIED"] = modified
    app.config["KG_LAST_MODIFIED_HEADER"] = None if modified is None else http_date(modified)
    app.after_request(add_cors)
    app.after_request(compress)


def data_modified(settings: Settings) -> datetime | None:
    """When the newest source file changed (whole seconds, as HTTP dates carry no fraction)."""
    try:
        paths = turtle_files(settings.ontology_dir, settings.data_dir)
    except Exception:  # a remote store may run without local sources
        return None
    newest = max((Path(path).stat().st_mtime for path in paths), default=None)
    return None if newest is None else datetime.fromtimestamp(int(newest), UTC)


def add_cors(response: Response) -> Response:
    """Allow any origin to read (the data is open); answer preflight requests."""
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response


def compress(response: Response) -> Response:
    """Gzip a large, uncompressed, buffered body when the client accepts gzip."""
    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or (response.content_length or 0) < GZIP_MIN_BYTES
        or not request.accept_encodings["gzip"]
    ):
        return response
    body = response.get_data()
    response.set_data(gzip.compress(body, GZIP_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def etag_for(*parts: str) -> str:
    """An entity tag from the data version and what selects the representation (format, …)."""
    return "-".join(parts)


def not_modified_response(etag: str) -> Response | None:
    """A 304 when the client's validators match (GET / HEAD only), else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    modified = current_app.config.get("KG_LAST_MODIFIED")
    if request.if_none_match:
        fresh = request.if_none_match.contains_weak(etag)
    else:
        since = request.if_modified_since
        fresh = bool(since and modified and modified <= since)
    return make_cacheable(Response(status=304), etag) if fresh else None


def make_cacheable(response: Response, etag: str) -> Response:
    """Add ``ETag`` (weak: gzip may change the bytes), ``Last-Modified`` and ``Cache-Control``.

    The headers are set as ready strings: this runs on every data response, and werkzeug's
    header objects cost more than the lookup they decorate.
    """
    headers = response.headers
    headers["ETag"] = quote_etag(etag, weak=True)
    modified = current_app.config.get("KG_LAST_MODIFIED_HEADER")
    if modified is not None:
        headers["Last-Modified"] = modified
    headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept")
    return response
