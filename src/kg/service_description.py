"""The SPARQL 1.1 Service Description of the endpoint, generated from what it really supports.

https://www.w3.org/TR/sparql11-service-description/ : result formats come from the format table,
the named graphs from the store, the limits from the settings. The limits have no standard
vocabulary, so they use a small one of ours (:data:`SERVICE`).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.config import Settings
from kg.formats import FORMATS
from kg.namespaces import BASE_IRI, SD, bind_prefixes

SERVICE = Namespace(BASE_IRI + "service#")


def describe_service(endpoint: str, graphs: Iterable[str], settings: Settings) -> Graph:
    """The description of the endpoint at ``endpoint`` serving ``graphs``."""
    graph = bind_prefixes(Graph())
    graph.bind("kgs", SERVICE)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in FORMATS:
        if fmt.w3c:
            graph.add((service, SD.resultFormat, URIRef(fmt.w3c)))
    graph.add((service, SD.defaultDataset, _dataset(graph, graphs)))
    _add_limits(graph, service, settings)
    return graph


def _dataset(graph: Graph, graphs: Iterable[str]) -> BNode:
    """The default dataset: a union default graph and one named graph per source file."""
    dataset, default = BNode(), BNode()
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    for name in graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return dataset


def _add_limits(graph: Graph, service: URIRef, settings: Settings) -> None:
    """The limits a client meets: time, rows, query length, body size, nesting, memory, budget;
    and what is refused."""
    graph.add(
        (service, SERVICE.queryTimeout, Literal(f"PT{settings.timeout:g}S", datatype=XSD.duration))
    )
    graph.add((service, SERVICE.maxResultRows, Literal(settings.max_rows)))
    graph.add((service, SERVICE.maxQueryLength, Literal(settings.max_query_length)))
    graph.add((service, SERVICE.maxRequestBytes, Literal(settings.max_body_bytes)))
    graph.add((service, SERVICE.maxNesting, Literal(settings.max_nesting)))
    graph.add((service, SERVICE.maxOperators, Literal(settings.max_operators)))
    graph.add((service, SERVICE.queryMemoryMegabytes, Literal(settings.query_memory_mb)))
    budget = f"PT{settings.client_budget:g}S"
    graph.add((service, SERVICE.clientBudget, Literal(budget, datatype=XSD.duration)))
    window = f"PT{settings.budget_window:g}S"
    graph.add((service, SERVICE.clientBudgetWindow, Literal(window, datatype=XSD.duration)))
    note = (
        "Read-only: SPARQL Update is refused. SERVICE is refused (no outbound requests). "
        "FROM / FROM NAMED / default-graph-uri / named-graph-uri name graphs of this store only: "
        "a graph not listed here is an empty graph, never fetched. Brackets may nest "
        f"{settings.max_nesting} deep, and {settings.max_operators} operators may follow each "
        "other in one expression. Each client may use {settings.client_budget:g} s of "
        f"query evaluation per {settings.budget_window:g} s (429 with Retry-After past it)."
    )
    graph.add((service, RDFS.comment, Literal(note, lang="en")))
