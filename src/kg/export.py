"""Dumps of the whole dataset and RDF serialisation (with a readable JSON-LD ``@context``).

Graph formats (Turtle, N-Triples, JSON-LD, RDF/XML) carry the union of all named graphs, the
ontology included; dataset formats (TriG, N-Quads) carry each source file as its named graph.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.formats import Format
from kg.namespaces import PREFIXES, bind_prefixes
from kg.stores import Store, construct_triples
from kg.terms import rdflib_graph

DUMP_NAME = "officials-kg"
DUMP_FORMATS = ("turtle", "ntriples", "jsonld", "trig", "nquads")  # names in kg.formats
UNION_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
CONTEXT_PREFIXES = tuple(p for p in PREFIXES if p != "id")  # "id" is the alias of "@id"
WRITTEN_BY_OXIGRAPH = {"turtle", "trig", "ntriples"}

# Terms every context defines; language-tagged text becomes {"en": …, "zh": …}.
BASE_TERMS: dict[str, Any] = {
    "id": "@id",
    "type": "@type",
    "label": {"@id": str(RDFS.label), "@container": "@language"},
    "comment": {"@id": str(RDFS.comment), "@container": "@language"},
}
LANGUAGE_RANGES = {RDF.langString, RDF.PlainLiteral}
Statement = TypeVar("Statement", ox.Triple, ox.Quad)


def union_triples(store: Store) -> list[ox.Triple]:
    """Every triple the store serves (its default graph: the union of the named graphs)."""
    return construct_triples(store, UNION_QUERY)


def named_quads(store: Store) -> list[ox.Quad]:
    """Every named graph of the store as quads, each graph fetched with its own CONSTRUCT."""
    quads = []
    for name in store.graph_names():
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        graph = ox.NamedNode(name)
        quads += [
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in construct_triples(store, query)
        ]
    return quads


def _property_term(ontology: Graph, prop: URIRef) -> dict[str, Any]:
    """The context entry of one property: IRIs for object properties, typed or language values."""
    entry: dict[str, Any] = {"@id": str(prop)}
    ranges = set(ontology.objects(prop, RDFS.range))
    if (prop, RDF.type, OWL.ObjectProperty) in ontology:
        entry["@type"] = "@id"
    elif ranges & LANGUAGE_RANGES:
        entry["@container"] = "@language"
    elif len(ranges) == 1 and str(next(iter(ranges))).startswith(str(XSD)):
        entry["@type"] = str(next(iter(ranges)))
    return entry


def jsonld_context(ontology: Graph, vocabulary: str) -> dict[str, Any]:
    """A JSON-LD context: our prefixes, short names for the ontology's terms, typed values."""
    context: dict[str, Any] = {prefix: PREFIXES[prefix] for prefix in CONTEXT_PREFIXES}
    context["@vocab"] = vocabulary
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if isinstance(prop, URIRef) and prop.startswith(vocabulary):
                context[prop[len(vocabulary) :]] = _property_term(ontology, prop)
    context.update(BASE_TERMS)
    return context


def _by_oxigraph(graph: Graph | Dataset, fmt: Format) -> bytes:
    """``graph`` written by Oxigraph (see :func:`write_sorted`), from rdflib's exact lines."""
    exact = graph.serialize(format="nquads" if fmt.datasets else "nt", encoding="utf-8")
    return write_sorted(ox.parse(exact, format=_line_format(fmt)), fmt)


def write_sorted(statements: Iterable[Statement], fmt: Format) -> bytes:
    """Turtle / TriG / N-Triples written by Oxigraph, which keeps every literal's lexical form
    (rdflib writes ``"60000"^^xsd:decimal`` as ``60000.0``), with the prefixes the data uses;
    sorted, so that each subject's triples stand together (Oxigraph groups consecutive ones)."""
    ordered = sorted(statements, key=_statement_order)
    lines = ox.serialize(ordered, format=_line_format(fmt)) or b""
    if fmt.oxigraph == _line_format(fmt):
        return lines
    prefixes = {p: PREFIXES[p] for p in CONTEXT_PREFIXES if f"<{PREFIXES[p]}".encode() in lines}
    output = ox.serialize(ordered, format=fmt.oxigraph, prefixes=prefixes)  # type: ignore[arg-type]
    return output or b""


def _line_format(fmt: Format) -> ox.RdfFormat:
    return ox.RdfFormat.N_QUADS if fmt.datasets else ox.RdfFormat.N_TRIPLES


def _statement_order(statement: ox.Triple | ox.Quad) -> tuple[str, ...]:
    graph = (str(statement.graph_name),) if isinstance(statement, ox.Quad) else ()
    return (*graph, str(statement.subject), str(statement.predicate), str(statement.object))


def serialize(
    graph: Graph | Dataset, fmt: Format, *, context: dict[str, Any] | None = None
) -> bytes:
    """``graph`` in ``fmt`` as UTF-8 bytes; JSON-LD is compacted with ``context`` when given."""
    if fmt.name in WRITTEN_BY_OXIGRAPH:
        return _by_oxigraph(graph, fmt)
    options: dict[str, Any] = {}
    if fmt.name == "jsonld" and context:
        options = {"context": context, "auto_compact": True}
    if fmt.rdflib_name is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    bind_prefixes(graph)
    text = graph.serialize(format=fmt.rdflib_name, encoding="utf-8", **options)
    return text if isinstance(text, bytes) else text.encode("utf-8")


def serialize_triples(
    triples: Sequence[ox.Triple], fmt: Format, *, context: dict[str, Any] | None = None
) -> bytes:
    """``triples`` in a graph format ``fmt``: straight from their terms when Oxigraph writes it,
    else through an rdflib graph (as :func:`serialize`)."""
    if fmt.name in WRITTEN_BY_OXIGRAPH and not fmt.datasets:
        return write_sorted(triples, fmt)
    return serialize(rdflib_graph(triples), fmt, context=context)


def export(store: Store, fmt: Format, *, context: dict[str, Any] | None = None) -> bytes:
    """The whole dataset in ``fmt``: named graphs for dataset formats, else the union.

    The store's terms go straight to Oxigraph's writer (Turtle, N-Triples, TriG, N-Quads); only
    JSON-LD and RDF/XML pass through rdflib, which compacts JSON-LD with ``context``.
    """
    if fmt.datasets:
        return write_sorted(named_quads(store), fmt)
    return serialize_triples(union_triples(store), fmt, context=context)


def gzipped(data: bytes) -> bytes:
    """``data`` gzip-compressed, reproducibly (no timestamp in the header)."""
    return gzip.compress(data, mtime=0)


def dump_filename(fmt: Format, *, compressed: bool = False) -> str:
    """The file name of a dump: ``officials-kg.ttl`` or ``officials-kg.ttl.gz``."""
    return f"{DUMP_NAME}.{fmt.extension}" + (".gz" if compressed else "")
