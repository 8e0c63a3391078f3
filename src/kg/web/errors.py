"""Error responses: a clear message, never a traceback or a file path, never a 500 for a client."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.formats import prefers_html


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def error_response(status: int, title: str, message: str) -> Response:
    """A plain-text (or minimal HTML, for browsers) error body with ``status``."""
    if prefers_html(request.headers.get("Accept")):
        from markupsafe import escape

        body = f"<!DOCTYPE html><html lang=en><title>{status} {escape(title)}</title>"
        body += f"<h1>{status} {escape(title)}</h1><p>{escape(message)}</p></html>"
        return Response(body, status, content_type="text/html; charset=utf-8")
    return Response(f"{status} {title}: {message}\n", status, content_type="text/plain; charset=utf-8")


def _http_error(error: HTTPException) -> Response:
    response = error_response(error.code or 500, error.name, error.description or "")
    for header in ("Allow", "Retry-After"):
        if error.get_response().headers.get(header):
            response.headers[header] = error.get_response().headers[header]
    return response


def _unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    return _http_error(InternalServerError("an internal error occurred; it has been logged"))
