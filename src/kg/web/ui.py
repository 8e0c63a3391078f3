"""The browser query editor: YASGUI's editor (Yasqe) and results view (Yasr), served offline.

``GET /query`` (and ``GET /sparql`` from a browser, without a query) answers the editor page; the
competency queries of ``queries/*.rq`` are its examples, also served as ``/query/examples.json``.
Every asset comes from this app, and the page's Content-Security-Policy lets the browser talk to
nothing else.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from flask import Blueprint, Response, render_template, request

from kg.examples import Example, load_examples
from kg.namespaces import BASE_IRI, PREFIXES
from kg.web.context import get_settings

bp = Blueprint("ui", __name__)

# The editor page may load and contact only this origin (no CDN, no font service, no call home).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # CodeMirror and DataTables set inline styles
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)


@bp.get("/query")
def query_page() -> Response:
    """The query editor; ``?query=…`` (a permalink) opens and runs that query."""
    return editor_page()


@bp.get("/query/examples.json")
def examples_json() -> Response:
    """The competency queries as JSON: name, questions (English, Chinese) and query text."""
    examples = [example_json(example) for example in current_examples()]
    body = json.dumps({"examples": examples}, ensure_ascii=False, indent=2)
    return Response(body, content_type="application/json; charset=utf-8")


def editor_page() -> Response:
    """The query editor page (``GET /sparql`` from a browser, ``GET /query``)."""
    html = render_template("editor.html", config=editor_config())
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Vary"] = "Accept"
    return response


def editor_config() -> dict[str, Any]:
    """What the page's script needs: endpoint, prefixes, IRI mapping and examples."""
    root = request.script_root + "/"
    return {
        "endpoint": root + "sparql",
        "editor": root + "query",
        "home": root,
        "baseIri": BASE_IRI,
        "localBase": root,
        "prefixes": PREFIXES,
        "examples": [example_json(example) for example in current_examples()],
    }


def current_examples() -> list[Example]:
    """The examples read from the configured queries folder (small files, read per request)."""
    return load_examples(get_settings().queries_dir)


def example_json(example: Example) -> dict[str, str]:
    """One example as a JSON object, with its display title."""
    return {**dataclasses.asdict(example), "title": example.title}
