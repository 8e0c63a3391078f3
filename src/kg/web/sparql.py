"""``/sparql``: the SPARQL 1.1 Protocol (query only)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from kg import formats
from kg.stores import QueryError, QueryRequest
from kg.web import get_store
from kg.web.errors import error_response

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query (minimal first version; the endpoint issue completes it)."""
    query = request.values.get("query")
    if not query:
        return error_response(400, "Bad Request", "missing 'query' parameter")
    store = get_store()
    try:
        form = store.query_form(query)
    except QueryError as error:
        return error_response(400, "Bad Request", str(error))
    offers = formats.RDF_FORMATS if form.returns_graph else formats.RESULT_FORMATS
    fmt = formats.negotiate(request.headers.get("Accept"), offers)
    if fmt is None:
        return error_response(406, "Not Acceptable", "no acceptable result format")
    body = store.query(QueryRequest(query), fmt)
    return Response(body, content_type=fmt.content_type)
