"""Error responses: a clear message, never a traceback or a file path, never a 500 for a client."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from markupsafe import escape
from werkzeug.exceptions import BadRequest, ClientDisconnected, HTTPException, InternalServerError

from kg.formats import prefers_html
from kg.query.text import QueryTooDeep
from kg.stores import (
    OverBudget,
    QueryAborted,
    QueryError,
    QueryRefused,
    QueryTimeout,
    QueryTooLong,
    ResultTooLarge,
    StoreUnavailable,
)
from kg.web import observe

log = logging.getLogger(__name__)

# exception -> (status, title); Flask picks the most specific class, so order does not matter.
STATUS: dict[type[Exception], tuple[int, str]] = {
    QueryError: (400, "Bad Request"),
    QueryRefused: (400, "Bad Request"),
    QueryTooLong: (413, "Content Too Large"),
    QueryTooDeep: (400, "Bad Request"),
    OverBudget: (429, "Too Many Requests"),
    QueryAborted: (503, "Service Unavailable"),
    QueryTimeout: (503, "Service Unavailable"),
    ResultTooLarge: (503, "Service Unavailable"),
    StoreUnavailable: (503, "Service Unavailable"),
}


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
    observe.note_error(error)  # observability: refusals, time-limit hits, failures
    status, title = next(STATUS[cls] for cls in type(error).__mro__ if cls in STATUS)
    response = error_response(status, title, str(error))
    if isinstance(error, OverBudget):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def is_framing_error(error: BaseException) -> bool:
    """Whether ``error`` is the server's complaint about a malformed request body (a bad chunk,
    a body cut short), raised while the app reads it: the client's mistake, not ours."""
    return type(error).__module__.startswith("gunicorn.http") or isinstance(
        error, ClientDisconnected
    )


def _http_error(error: HTTPException) -> Response:
    observe.note_error(error)  # observability: refusals (body too large, read timeout)
    response = error_response(error.code or 500, error.name, error.description or "")
    original = error.get_response()
    for header in ("Allow", "Retry-After", "Link", "Vary"):
        if original.headers.get(header):
            response.headers[header] = original.headers[header]
    return response


def _unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    if is_framing_error(error):
        return _http_error(
            BadRequest("the request is malformed: its body does not match its framing")
        )
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _http_error(InternalServerError("an internal error occurred; it has been logged"))
