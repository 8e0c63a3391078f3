"""``/sparql``: the SPARQL 1.1 Protocol, query operation (https://www.w3.org/TR/sparql11-protocol/).

Three request forms: GET ``?query=``, POST form-encoded, POST ``application/sparql-query``. Without
a query, GET answers the service description (or the query editor, for a browser).
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotAcceptable, UnsupportedMediaType

from kg import formats
from kg.formats import Format
from kg.service_description import describe_service
from kg.stores import QueryForm, QueryRefused, QueryRequest
from kg.stores.guard import READ_ONLY_MESSAGE
from kg.web import caching, get_settings, get_store
from kg.web.ui import editor_page

bp = Blueprint("sparql", __name__)

QUERY_MEDIA_TYPE = "application/sparql-query"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
UPDATE_MEDIA_TYPE = "application/sparql-update"
FORMAT_PARAMETERS = ("format", "output")  # ``output`` is what Fuseki and Virtuoso clients send
MACHINE_FORMATS = formats.RESULT_FORMATS + formats.RDF_FORMATS


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query, or describe the service when there is none."""
    query_request = protocol_request()
    if query_request is None:
        return service_description()
    store = get_store()
    form = store.query_form(query_request.query)
    fmt = result_format(form)
    etag = caching.etag_for(store.version, fmt.name)
    cached = caching.not_modified_response(etag)
    if cached is not None:
        return cached
    body = store.query(query_request, fmt, timeout=get_settings().timeout)
    return caching.make_cacheable(Response(body, content_type=fmt.content_type), etag)


def protocol_request() -> QueryRequest | None:
    """The query and dataset of the request; None for a GET without a query."""
    params, queries = _parameters()
    if "update" in params:
        raise QueryRefused(READ_ONLY_MESSAGE)
    if len(queries) > 1:
        raise BadRequest("exactly one 'query' parameter is allowed")
    if not queries:
        if request.method == "GET":
            return None
        raise BadRequest("missing 'query' parameter")
    return QueryRequest(
        queries[0],
        tuple(params.getlist("default-graph-uri")),
        tuple(params.getlist("named-graph-uri")),
    )


def _parameters() -> tuple[MultiDict[str, str], list[str]]:
    """The protocol parameters and the query text(s), per request form."""
    if request.method == "GET":
        return request.args, request.args.getlist("query")
    mimetype = request.mimetype
    if mimetype == QUERY_MEDIA_TYPE:
        return request.args, [request.get_data(as_text=True), *request.args.getlist("query")]
    if mimetype == FORM_MEDIA_TYPE:
        return request.form, request.form.getlist("query")
    if mimetype == UPDATE_MEDIA_TYPE:
        raise QueryRefused(READ_ONLY_MESSAGE)
    raise UnsupportedMediaType(
        f"POST a query as {QUERY_MEDIA_TYPE} or {FORM_MEDIA_TYPE}, not {mimetype or 'no type'}"
    )


def result_format(form: QueryForm) -> Format:
    """The format for a result of ``form``: the ``format`` parameter, else the ``Accept`` header."""
    offers = formats.RDF_FORMATS if form.returns_graph else formats.RESULT_FORMATS
    return _chosen_format(offers, f"a {form.value} result")


def _chosen_format(offers: tuple[Format, ...], what: str) -> Format:
    names = [request.values[key] for key in FORMAT_PARAMETERS if request.values.get(key)]
    if names:
        fmt = formats.by_name(names[0], offers)
    else:
        fmt = _negotiated(", ".join(request.headers.getlist("Accept")), offers)
    if fmt is None:
        available = ", ".join(offer.media_type for offer in offers)
        raise NotAcceptable(f"cannot write {what} in the requested format; available: {available}")
    return fmt


def _negotiated(accept: str, offers: tuple[Format, ...]) -> Format | None:
    """The best offer for ``accept``; the default offer when the client accepts only formats of
    the other kind (results for a CONSTRUCT, as rdflib's SPARQLStore asks), None (406) when it
    accepts nothing we write."""
    fmt = formats.negotiate(accept, offers)
    if fmt is None and formats.negotiate(accept, MACHINE_FORMATS) is not None:
        return offers[0]
    return fmt


def service_description() -> Response:
    """The editor for a browser, else the service description (Turtle by default)."""
    accept = ", ".join(request.headers.getlist("Accept"))
    if formats.prefers_html(accept):
        return editor_page()
    fmt = _chosen_format(formats.RDF_FORMATS, "the service description")
    store = get_store()
    etag = caching.etag_for(store.version, "sd", fmt.name, request.host)
    cached = caching.not_modified_response(etag)
    if cached is not None:
        return cached
    graph = describe_service(request.host_url + "sparql", store.graph_names(), get_settings())
    body = graph.serialize(format=fmt.rdflib_name or fmt.name, encoding="utf-8")
    return caching.make_cacheable(Response(body, content_type=fmt.content_type), etag)
