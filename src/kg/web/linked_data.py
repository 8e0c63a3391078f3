"""Linked data: dereferenceable ``/id/…`` IRIs and the ontology at ``/ontology``.

Design (see docs/linked-data.md): direct content negotiation. ``GET /id/{kind}/{slug}`` answers
200 with the representation the ``Accept`` header asks for, ``Vary: Accept``, a
``Content-Location`` naming the format-specific document (``…/{slug}.ttl``) and ``Link`` headers
to every alternate; the suffixed documents answer without negotiation. The home page, class pages,
dumps and VoID live in nested blueprints (``pages``, ``dumps``).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect
from rdflib import Graph, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node
from werkzeug.exceptions import HTTPException

from kg import formats
from kg.describe import description, resource_iri
from kg.formats import Format
from kg.namespaces import BASE_IRI
from kg.ontology_docs import ontology_doc
from kg.terms import rdflib_graph
from kg.web.context import get_store
from kg.web.errors import error_response
from kg.web.negotiation import Choice, FormatNotAcceptable, choose_format
from kg.web.rendering import (
    PAGE_OFFERS,
    SUFFIXES,
    add_alternates,
    alternates,
    cached_ontology,
    cached_response,
    cached_term_labels,
    html_response,
    ontology_iri,
    rdf_response,
    split_suffix,
    triples_response,
)
from kg.web.structured import entity_jsonld, entity_view_links
from kg.web.summaries import resource_summary, shorten
from kg.web.views import Linker, Value, resource_view

bp = Blueprint("linked_data", __name__)

SAFE_PATH = "/-._~!$&'()*+,;=:@"  # RFC 3986 pchar and "/": left as they are in redirects


@bp.app_template_filter("term")
def term_value(node: Node) -> Value:
    """A node of the ontology as a labelled, local link (template filter ``term``)."""
    return Linker(cached_ontology(), BASE_IRI, cached_term_labels()).value(node)


def chosen_format(suffix_format: Format | None, path: str) -> Choice:
    """The format of a suffix, else the negotiated one; 406 with links to every alternate."""
    try:
        return choose_format(PAGE_OFFERS, "this resource", named=suffix_format)
    except FormatNotAcceptable as refusal:
        raise NotAcceptableResource(refusal, path) from None


class NotAcceptableResource(HTTPException):
    """406 for a resource, its response linking every representation on offer."""

    code = 406

    def __init__(self, refusal: FormatNotAcceptable, path: str):
        super().__init__(refusal.description, response=not_acceptable(refusal, path))


def not_acceptable(refusal: FormatNotAcceptable, path: str) -> Response:
    """406 listing the formats on offer, with a ``Link`` to each alternate."""
    response = error_response(406, "Not Acceptable", refusal.description or "")
    response.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{mt}"' for href, mt, _ in alternates(path)
    )
    response.vary.add("Accept")
    return response


def not_found(fmt: Format, iri: str) -> Response:
    """404 as an HTML page, or as an empty graph in the requested RDF format."""
    if fmt is formats.HTML:
        return html_response(
            "not_found.html", 404, iri=iri, description=f"officials-kg has no resource {iri}."
        )
    return rdf_response(Graph(), fmt, 404)


def sparql_link(iri: str) -> str:
    """A link to the query editor, opened on a query listing the resource's triples and its
    results (``/query``: a page for people; ``/sparql`` answers results to programs)."""
    query = f"SELECT ?property ?value WHERE {{\n  <{iri}> ?property ?value\n}}"
    return "/query?" + urlencode({"query": query})


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a C0 control character or DEL: no IRI of ours does, and such a
    character must never reach a response header (``Link``, ``Content-Location``)."""
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    """A resource's description, in the format of its suffix or of the ``Accept`` header."""
    if has_control_characters(rest):
        return error_response(404, "Not Found", "no resource has an IRI with control characters")
    if rest.endswith("/"):
        return redirect(quote("/id/" + rest.rstrip("/"), safe=SAFE_PATH), 301)  # type: ignore[return-value]
    stem, suffix_format = split_suffix(rest)
    path = "/id/" + stem
    choice = chosen_format(suffix_format, path)
    fmt, negotiated = choice.format, choice.negotiated
    response = cached_response(f"{path}.{fmt.extension}", lambda: representation(path, fmt))
    return add_alternates(response, path, fmt, negotiated=negotiated)


def representation(path: str, fmt: Format) -> Response:
    """The description of the resource at ``path`` in ``fmt``, or 404."""
    iri = resource_iri(BASE_IRI, path)
    triples = description(get_store(), iri)
    if not triples:
        return not_found(fmt, iri)
    if fmt is formats.HTML:
        return resource_page(rdflib_graph(triples), iri, path)
    return triples_response(triples, fmt)


def resource_page(graph: Graph, iri: str, path: str) -> Response:
    """The HTML page of one resource."""
    view = resource_view(graph, iri, BASE_IRI, cached_term_labels())
    return html_response(
        "resource.html",
        view=view,
        jsonld=entity_jsonld(graph, iri),
        view_links=entity_view_links(graph, iri),
        alternates=alternates(path),
        sparql=sparql_link(iri),
        description=resource_summary(view),
    )


@bp.get("/ontology")
@bp.get("/ontology.<extension>")
def ontology(extension: str | None = None) -> Response:
    """The ontology: HTML documentation of every term, or the OWL file in an RDF format."""
    if extension is not None and extension not in SUFFIXES:
        return not_found(formats.HTML, ontology_iri() + "." + extension)
    choice = chosen_format(SUFFIXES[extension] if extension else None, "/ontology")
    fmt, negotiated = choice.format, choice.negotiated
    response = cached_response(f"/ontology.{fmt.extension}", lambda: ontology_representation(fmt))
    return add_alternates(response, "/ontology", fmt, negotiated=negotiated)


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """A version IRI: the ontology as of that version.

    The current version (``owl:versionIRI``) answers as ``/ontology`` does, with
    ``Content-Location`` naming it. A prior version (``owl:priorVersion``) is not served: it
    answers 303 See Other to ``/ontology``, stating the version it stands for and the current one
    (its triples are in that release's dumps). Any other version is 404 naming the current one.
    """
    stem, suffix_format = split_suffix(version)
    current = current_version()
    if stem in prior_versions():
        return superseded(stem, current)
    if stem != current:
        return error_response(
            404, "Not Found", f"ontology version {stem!r} is not served; the current is {current}"
        )
    fmt = chosen_format(suffix_format, f"/ontology/{current}").format
    response = cached_response(f"/ontology.{fmt.extension}", lambda: ontology_representation(fmt))
    response = add_alternates(response, "/ontology", fmt, negotiated=True)
    response.headers["Content-Location"] = f"/ontology.{fmt.extension}"
    response.headers["Link"] += ', </ontology>; rel="latest-version"'
    return response


def prior_versions() -> set[str]:
    """The version numbers of the ontology's ``owl:priorVersion`` IRIs."""
    graph, prefix = cached_ontology(), ontology_iri() + "/"
    return {
        str(iri).removeprefix(prefix)
        for iri in graph.objects(URIRef(ontology_iri()), OWL.priorVersion)
        if str(iri).startswith(prefix)
    }


def superseded(version: str, current: str) -> Response:
    """303 to the current ontology, saying which version was asked for and which is served."""
    message = f"ontology version {version} is superseded by {current}, served at /ontology"
    response = Response(message + "\n", 303, content_type="text/plain; charset=utf-8")
    response.headers["Location"] = "/ontology"
    response.headers["Link"] = '</ontology>; rel="latest-version"'
    return response


def current_version() -> str:
    """The ontology's ``owl:versionInfo``."""
    info = cached_ontology().value(URIRef(ontology_iri()), OWL.versionInfo)
    return str(info) if info is not None else ""


def ontology_representation(fmt: Format) -> Response:
    """The ontology's documentation page or its triples in ``fmt``."""
    graph = cached_ontology()
    if fmt is not formats.HTML:
        return rdf_response(graph, fmt)
    doc = ontology_doc(graph, ontology_iri())
    return html_response(
        "ontology.html",
        doc=doc,
        alternates=alternates("/ontology"),
        description=shorten(f"{doc.title}: {doc.description}" if doc.description else doc.title),
    )
