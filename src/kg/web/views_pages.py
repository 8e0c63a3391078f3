"""The views of broadcasts: ``/view/{kind}`` (a page) and ``/embed/{kind}`` (just the view).

``kind`` is ``timeline``, ``map`` or ``network`` (:data:`kg.browse.views.VIEWS`); the query
string is the selection of ``/browse/broadcasts``, so a view's URL reproduces it exactly.
Scripts and styles are vendored (``static/views-vendor/``); no tile server, no outside origin.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response

from kg.browse.selection import Selection, SelectionError
from kg.browse.views import VIEWS, ViewData
from kg.namespaces import BASE_IRI
from kg.web.browse import parse_for, query_cache, spec_for
from kg.web.context import get_store
from kg.web.errors import error_response
from kg.web.rendering import html_response

bp = Blueprint("views", __name__)

# The views may load and contact only this origin; an embed may be framed by any site.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


@bp.get("/view/<kind>")
def view_page(kind: str) -> Response:
    """A view with its heading, links and the data as a table."""
    return answer(kind, embed=False)


@bp.get("/embed/<kind>")
def embed_page(kind: str) -> Response:
    """Only the view (for an ``<iframe>``)."""
    return answer(kind, embed=True)


def answer(kind: str, *, embed: bool) -> Response:
    """Parse, build and render one view; 404 for an unknown kind, 400 for a bad selection."""
    if kind not in VIEWS:
        return error_response(404, "Not Found", f"no view {kind!r}; try {', '.join(VIEWS)}")
    spec = spec_for("broadcasts")
    try:
        selection = parse_for(spec)
    except SelectionError as error:
        return error_response(400, "Bad Request", str(error))
    title, build = VIEWS[kind]
    data = build(get_store(), spec, selection, BASE_IRI, query_cache().select)
    response = render(kind, title, data, selection, embed=embed)
    frame = "frame-ancestors *" if embed else "frame-ancestors 'self'"
    response.headers["Content-Security-Policy"] = f"{POLICY}; {frame}"
    return response


def render(kind: str, title: str, data: ViewData, selection: Selection, *, embed: bool) -> Response:
    """The page (or the embed) of a view."""
    query = selection.query_string()
    links = {name: f"/view/{name}{query}" for name in VIEWS}
    return html_response(
        "view_embed.html" if embed else "view.html",
        kind=kind,
        title=title,
        data=data,
        payload=json.dumps({"kind": kind, "items": data.items}, ensure_ascii=False),
        links=links,
        embed_link=f"/embed/{kind}{query}",
        page_link=f"/view/{kind}{query}",
        browse_link=f"/browse/broadcasts{query}",
        sparql_link="/query?" + urlencode({"query": data.query}),
        description=f"{title} in officials-kg, drawn from the graph"
        + (f", narrowed by {', '.join(selection.values)}" if selection.values else "")
        + ".",
    )
