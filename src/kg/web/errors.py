"""Error responses: a clear message, never a traceback or a file path, never a 500 for a client."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.formats import prefers_html
from kg.stores import (
    QueryError,
    QueryRefused,
    QueryTimeout,
    QueryTooLong,
    ResultTooLarge,
    StoreUnavailable,
)

log = logging.getLogger(__name__)

# exception -> (status, title); Flask picks the most specific class, so order does not matter.
STATUS: dict[type[Exception], tuple[int, str]] = {
    QueryError: (400, "Bad Request"),
    QueryRefused: (400, "Bad Request"),
    QueryTooLong: (413, "Content Too Large"),
    QueryTimeout: (503, "Service Unavailable"),
    ResultTooLarge: (503, "Service Unavailable"),
    StoreUnavailable: (503, "Service Unavailable"),
}

# called (with no argument) once a timed-out query's 503 has been sent; the server sets it to end
# the worker process, which frees the CPU the abandoned query still uses.
AFTER_TIMEOUT = "KG_AFTER_TIMEOUT"


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(HTTPException, _http_error)
    for error_class in STATUS:
        app.register_error_handler(error_class, _store_error)
    app.register_error_handler(Exception, _unexpected_error)


def error_response(status: int, title: str, message: str) -> Response:
    """A plain-text (or minimal HTML, for browsers) error body with ``status``."""
    if prefers_html(request.headers.get("Accept")):
        body = f"<!DOCTYPE html><html lang=en><title>{status} {escape(title)}</title>"
        body += f"<h1>{status} {escape(title)}</h1><p>{escape(message)}</p></html>"
        return Response(body, status, content_type="text/html; charset=utf-8")
    return Response(
        f"{status} {title}: {message}\n", status, content_type="text/plain; charset=utf-8"
    )


def _store_error(error: Exception) -> Response:
    status, title = next(STATUS[cls] for cls in type(error).__mro__ if cls in STATUS)
    response = error_response(status, title, str(error))
    hook = current_app.config.get(AFTER_TIMEOUT)
    if isinstance(error, QueryTimeout) and hook is not None:
        response.call_on_close(hook)
    return response


def _http_error(error: HTTPException) -> Response:
    response = error_response(error.code or 500, error.name, error.description or "")
    original = error.get_response()
    for header in ("Allow", "Retry-After"):
        if original.headers.get(header):
            response.headers[header] = original.headers[header]
    return response


def _unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _http_error(InternalServerError("an internal error occurred; it has been logged"))
