"""Shared helpers of the linked-data pages: memo per data version, RDF and HTML responses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import Response, current_app, render_template
from rdflib import Graph, URIRef

from kg import formats
from kg.describe import graph_labels
from kg.export import jsonld_context, serialize, serialize_triples
from kg.formats import Format
from kg.namespaces import BASE_IRI, ONTOLOGY_IRI
from kg.ontology_docs import ontology_graph
from kg.web.caching import etag_for, make_cacheable, not_modified_response
from kg.web.context import get_store
from kg.web.memo import VersionedMemo

T = TypeVar("T")

# Formats a description or the ontology is offered in, best first: HTML is the default for
# browsers, for "*/*" and for requests without Accept; RDF clients name the type they want.
PAGE_OFFERS: tuple[Format, ...] = (formats.HTML, *formats.GRAPH_FORMATS)
SUFFIXES: dict[str, Format] = {fmt.extension: fmt for fmt in PAGE_OFFERS}


def memo(key: str, factory: Callable[[], T]) -> T:
    """``factory()`` computed once per app and data version (the store's ``version``), in the
    app's bounded :class:`VersionedMemo`."""
    values: VersionedMemo = current_app.extensions.setdefault("kg.memo", VersionedMemo())
    return values.get(get_store().version, key, factory)


def cached_response(key: str, build: Callable[[], Response]) -> Response:
    """``build()`` with validators from the data version and ``key``; 304 when the client has it.

    Only successful responses are marked cacheable; errors are never cached by clients.
    """
    etag = etag_for(get_store().version, key)
    fresh = not_modified_response(etag)
    if fresh is not None:
        return fresh
    response = build()
    return make_cacheable(response, etag) if response.status_code == 200 else response


def ontology_iri() -> str:
    return ONTOLOGY_IRI


def cached_ontology() -> Graph:
    """The ontology's triples, fetched once per data version."""
    return memo("ontology", lambda: ontology_graph(get_store()))


def cached_context() -> dict[str, Any]:
    """The JSON-LD ``@context`` built from the ontology."""
    return memo("context", lambda: jsonld_context(cached_ontology(), ontology_iri() + "#"))


def cached_term_labels() -> dict[URIRef, dict[str, str]]:
    """The labels of every IRI the ontology labels (properties, classes, units), per language."""

    def build() -> dict[URIRef, dict[str, str]]:
        graph = cached_ontology()
        subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
        return {s: labels for s in subjects if (labels := graph_labels(graph, s))}

    return memo("term_labels", build)


def context_for(fmt: Format) -> dict[str, Any] | None:
    """The JSON-LD ``@context`` when ``fmt`` is JSON-LD, else None."""
    return cached_context() if fmt.name == "jsonld" else None


def rdf_body(graph: Graph, fmt: Format) -> bytes:
    """``graph`` serialised in ``fmt`` (JSON-LD with our context)."""
    return serialize(graph, fmt, context=context_for(fmt))


def rdf_response(graph: Graph, fmt: Format, status: int = 200) -> Response:
    """A response carrying ``graph`` in ``fmt``."""
    return Response(rdf_body(graph, fmt), status, content_type=fmt.content_type)


def triples_response(triples: Sequence[ox.Triple], fmt: Format) -> Response:
    """A response carrying the store's ``triples`` in ``fmt`` (JSON-LD with our context)."""
    body = serialize_triples(triples, fmt, context=context_for(fmt))
    return Response(body, content_type=fmt.content_type)


def html_response(
    template: str, status: int = 200, *, description: str, **context: Any
) -> Response:
    """A rendered page; ``description`` is its one-sentence summary (meta and Open Graph)."""
    body = render_template(template, base_iri=BASE_IRI, description=description, **context)
    return Response(body, status, content_type=formats.HTML.content_type)


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, format name) of every representation of the document at ``path``."""
    return [(f"{path}.{fmt.extension}", fmt.media_type, fmt.name) for fmt in PAGE_OFFERS]


def add_alternates(response: Response, path: str, fmt: Format, *, negotiated: bool) -> Response:
    """``Link`` headers to the alternates; ``Vary`` and ``Content-Location`` when negotiated."""
    links = [f'<{href}>; rel="alternate"; type="{mt}"' for href, mt, _ in alternates(path)]
    response.headers["Link"] = ", ".join(links)
    if negotiated:
        response.vary.add("Accept")
    if negotiated and response.status_code == 200:
        response.headers["Content-Location"] = f"{path}.{fmt.extension}"
    return response


def split_suffix(path: str) -> tuple[str, Format | None]:
    """``x.ttl`` -> (``x``, Turtle); a path without a known suffix is returned whole."""
    stem, dot, extension = path.rpartition(".")
    if dot and extension in SUFFIXES and stem:
        return stem, SUFFIXES[extension]
    return path, None
