"""Dumps of the whole dataset and RDF serialisation (with a readable JSON-LD ``@context``).

Graph formats (Turtle, N-Triples, JSON-LD, RDF/XML) carry the union of all named graphs, the
ontology included; dataset formats (TriG, N-Quads) carry each source file as its named graph.
"""

from __future__ import annotations

import gzip
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.formats import Format
from kg.namespaces import PREFIXES, bind_prefixes
from kg.stores import Store, construct_graph

DUMP_NAME = "officials-kg"
DUMP_FORMATS = ("turtle", "ntriples", "jsonld", "trig", "nquads")  # names in kg.formats
UNION_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
CONTEXT_PREFIXES = tuple(p for p in PREFIXES if p != "id")  # "id" is the alias of "@id"
PRETTY_BY_OXIGRAPH = {"turtle", "trig"}

# Terms every context defines; language-tagged text becomes {"en": …, "zh": …}.
BASE_TERMS: dict[str, Any] = {
    "id": "@id",
    "type": "@type",
    "label": {"@id": str(RDFS.label), "@container": "@language"},
    "comment": {"@id": str(RDFS.comment), "@container": "@language"},
}
LANGUAGE_RANGES = {RDF.langString, RDF.PlainLiteral}


def union_graph(store: Store) -> Graph:
    """Every triple the store serves (its default graph: the union of the named graphs)."""
    return construct_graph(store, UNION_QUERY)


def named_graphs(store: Store) -> Dataset:
    """Every named graph of the store, each fetched with its own CONSTRUCT."""
    dataset = Dataset()
    bind_prefixes(dataset)
    for name in store.graph_names():
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        named = dataset.graph(URIRef(name))
        for triple in construct_graph(store, query):
            named.add(triple)
    return dataset


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


def _with_prefixes(graph: Graph | Dataset, fmt: Format) -> bytes:
    """Turtle / TriG written by Oxigraph, which keeps every literal's lexical form (rdflib writes
    ``"60000"^^xsd:decimal`` as ``60000.0``), with the prefixes the data uses."""
    exact = graph.serialize(format="nquads" if fmt.datasets else "nt", encoding="utf-8")
    line_format = ox.RdfFormat.N_QUADS if fmt.datasets else ox.RdfFormat.N_TRIPLES
    text = exact.decode("utf-8")
    prefixes = {p: PREFIXES[p] for p in CONTEXT_PREFIXES if f"<{PREFIXES[p]}" in text}
    # sorted, so that each subject's triples stand together (Oxigraph groups consecutive ones)
    quads = sorted(ox.parse(exact, format=line_format), key=_quad_order)
    output = ox.serialize(quads, format=fmt.oxigraph, prefixes=prefixes)  # type: ignore[arg-type]
    return output or b""


def _quad_order(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def serialize(
    graph: Graph | Dataset, fmt: Format, *, context: dict[str, Any] | None = None
) -> bytes:
    """``graph`` in ``fmt`` as UTF-8 bytes; JSON-LD is compacted with ``context`` when given."""
    if fmt.name in PRETTY_BY_OXIGRAPH:
        return _with_prefixes(graph, fmt)
    options: dict[str, Any] = {}
    if fmt.name == "jsonld" and context:
        options = {"context": context, "auto_compact": True}
    if fmt.rdflib_name is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    bind_prefixes(graph)
    text = graph.serialize(format=fmt.rdflib_name, encoding="utf-8", **options)
    return text if isinstance(text, bytes) else text.encode("utf-8")


def export(store: Store, fmt: Format, *, context: dict[str, Any] | None = None) -> bytes:
    """The whole dataset in ``fmt``: named graphs for dataset formats, else the union."""
    graph = named_graphs(store) if fmt.datasets else union_graph(store)
    return serialize(graph, fmt, context=context)


def gzipped(data: bytes) -> bytes:
    """``data`` gzip-compressed, reproducibly (no timestamp in the header)."""
    return gzip.compress(data, mtime=0)


def dump_filename(fmt: Format, *, compressed: bool = False) -> str:
    """The file name of a dump: ``officials-kg.ttl`` or ``officials-kg.ttl.gz``."""
    return f"{DUMP_NAME}.{fmt.extension}" + (".gz" if compressed else "")
