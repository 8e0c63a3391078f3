"""``/sparql``: the SPARQL 1.1 Protocol, query operation (https://www.w3.org/TR/sparql11-protocol/).

Three request forms: GET ``?query=``, POST form-encoded, POST ``application/sparql-query``. Without
a query, GET answers the service description (or the query editor, for a browser).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from kg import formats
from kg.formats import Format
from kg.query.budget import ClientBudget
from kg.service_description import describe_service
from kg.stores import QueryForm, QueryRefused, QueryRequest
from kg.stores.guard import READ_ONLY_MESSAGE
from kg.web import caching, observe
from kg.web.context import get_settings, get_store, settings_of
from kg.web.negotiation import FormatNotAcceptable, accept_header, choose_format
from kg.web.ui import editor_page

bp = Blueprint("sparql", __name__)

QUERY_MEDIA_TYPE = "application/sparql-query"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
UPDATE_MEDIA_TYPE = "application/sparql-update"
FORMAT_PARAMETERS = ("format", "output")  # ``output`` is what Fuseki and Virtuoso clients send
MACHINE_FORMATS = formats.RESULT_FORMATS + formats.RDF_FORMATS


BUDGET = "kg.budget"


@bp.record_once
def _init_budget(state: BlueprintSetupState) -> None:
    """The per-client budget, made with the app (before a server forks: shared by workers)."""
    settings = settings_of(state.app)
    state.app.extensions[BUDGET] = ClientBudget(settings.client_budget, settings.budget_window)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query, or describe the service when there is none."""
    query_request = protocol_request()
    if query_request is None:
        return service_description()
    if opened_by_a_browser():
        return editor_page()  # the page reads ?query= itself, shows it and runs it
    observe.note_query(query_request.query)  # observability: the access log's query hash
    store = get_store()
    form = store.query_form(query_request.query)
    fmt = result_format(form)
    etag = caching.etag_for(store.version, fmt.name)
    cached = caching.not_modified_response(etag)
    if cached is not None:
        return cached
    body = budgeted(lambda: store.query(query_request, fmt, timeout=get_settings().timeout), form)
    return caching.make_cacheable(Response(body, content_type=fmt.content_type), etag)


def opened_by_a_browser() -> bool:
    """A shared ``/sparql?query=…`` link followed by a person: a GET whose ``Accept`` ranks HTML
    above every result format, naming no ``format``/``output``. SPARQL clients never ask so."""
    if request.method != "GET" or {"format", "output"} & set(request.args):
        return False
    return formats.prefers_html(", ".join(request.headers.getlist("Accept")))


def budgeted(evaluate: Callable[[], bytes], form: QueryForm) -> bytes:
    """``evaluate()`` (a query of ``form``) charged to the client's budget (429 before running
    it once spent)."""
    budget: ClientBudget = current_app.extensions[BUDGET]
    client = request.remote_addr or "unknown"
    budget.check(client)
    started = time.monotonic()
    try:
        return evaluate()
    finally:
        seconds = time.monotonic() - started
        budget.charge(client, seconds)
        observe.query_finished(form, seconds)  # observability: query time, slow-query log


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


# format names that mean a different format per query form (what SPARQLWrapper and others send)
FORMAT_ALIASES: dict[str, tuple[str, str]] = {  # name -> (results format, graph format)
    "xml": ("xml", "rdfxml"),
    "json": ("json", "jsonld"),
    "rdf": ("xml", "rdfxml"),
}


def _chosen_format(offers: tuple[Format, ...], what: str) -> Format:
    """The ``format`` parameter's format if it names one of ``offers``, else the negotiated one
    (a usable ``Accept`` wins over a format name this result cannot be written in)."""
    names = [request.values[key] for key in FORMAT_PARAMETERS if request.values.get(key)]
    named = _named_format(names[0], offers) if names else None
    if names and named is None and not accept_header().strip():
        raise FormatNotAcceptable(what, offers)
    return choose_format(offers, what, named=named, fallback=MACHINE_FORMATS).format


def _named_format(name: str, offers: tuple[Format, ...]) -> Format | None:
    """The offer ``name`` stands for, read per query form (``xml`` is RDF/XML for a graph)."""
    aliases = FORMAT_ALIASES.get(name.strip().lower())
    if aliases is not None:
        name = aliases[1] if offers[0].kind is formats.Kind.RDF else aliases[0]
    return formats.by_name(name, offers)


def service_description() -> Response:
    """The editor for a browser, else the service description (Turtle by default)."""
    accept = ", ".join(request.headers.getlist("Accept"))
    if formats.prefers_html(accept):
        return editor_page()
    fmt = _chosen_format(formats.RDF_FORMATS, "the service description")
    store = get_store()
    host = hashlib.sha256(request.host.encode("utf-8", "replace")).hexdigest()[:16]
    etag = caching.etag_for(store.version, "sd", fmt.name, host)
    cached = caching.not_modified_response(etag)
    if cached is not None:
        return cached
    graph = describe_service(request.host_url + "sparql", store.graph_names(), get_settings())
    body = graph.serialize(format=fmt.rdflib_name or fmt.name, encoding="utf-8")
    return caching.make_cacheable(Response(body, content_type=fmt.content_type), etag)
