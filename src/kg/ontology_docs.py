"""The ontology served at ``/ontology``: its triples (from the store) and its documentation model.

The ontology is whatever the store holds in the named graphs loaded from ``ontology/``
(``…/graph/ontology/…``), so the served file and the documentation never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.describe import graph_labels, pick_label
from kg.namespaces import GRAPH
from kg.stores import Store, construct_graph

ONTOLOGY_GRAPHS = str(GRAPH) + "ontology/"

# (rdf:type of a term, the section it is documented in), in page order.
SECTIONS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
)
OTHER_SECTION = "Individuals"  # every other term of the namespace (units, qualifiers, measures)

# (predicate, label of the row) shown for every term that has it, in order.
TERM_FIELDS: tuple[tuple[URIRef, str], ...] = (
    (RDFS.subClassOf, "Subclass of"),
    (OWL.equivalentClass, "Equivalent to"),
    (RDFS.subPropertyOf, "Subproperty of"),
    (OWL.equivalentProperty, "Equivalent to"),
    (OWL.inverseOf, "Inverse of"),
    (RDFS.domain, "Domain"),
    (RDFS.range, "Range"),
    (RDF.type, "Type"),
    (SKOS.broader, "Broader"),
    (RDFS.seeAlso, "See also"),
)


def ontology_graph(store: Store) -> Graph:
    """The triples of the ontology's named graphs."""
    query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{ONTOLOGY_GRAPHS}")) }}"""
    return construct_graph(store, query)


@dataclass(frozen=True)
class TermDoc:
    """The documentation of one term: anchor, labels, definition and related terms."""

    iri: str
    anchor: str
    labels: dict[str, str]
    definition: str | None
    comment: str | None
    fields: list[tuple[str, list[Node]]]
    extra: list[tuple[Node, Node]]
    deprecated: bool = False

    @property
    def label(self) -> str:
        return pick_label(self.labels) or self.anchor


@dataclass(frozen=True)
class OntologyDoc:
    """The documentation page: header metadata and one list of terms per section."""

    iri: str
    title: str
    description: str | None
    metadata: list[tuple[Node, Node]]
    sections: list[tuple[str, list[TermDoc]]] = field(default_factory=list)

    def terms(self) -> list[TermDoc]:
        return [term for _, terms in self.sections for term in terms]


def _text(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    values = {
        v.language or "": str(v) for v in graph.objects(node, predicate) if isinstance(v, Literal)
    }
    return pick_label(values)


def expand(graph: Graph, node: Node) -> list[Node]:
    """A class expression as the list of its members (``owl:unionOf``), else ``[node]``."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return list(Collection(graph, union))
    return [node]


def term_doc(graph: Graph, term: URIRef, namespace: str) -> TermDoc:
    """The :class:`TermDoc` of ``term``."""
    fields = []
    for predicate, title in TERM_FIELDS:
        values = [m for v in graph.objects(term, predicate) for m in expand(graph, v)]
        if predicate == RDF.type:
            values = [v for v in values if v not in dict(SECTIONS) and v != OWL.NamedIndividual]
        if values:
            fields.append((title, sorted(values, key=str)))
    known = {p for p, _ in TERM_FIELDS} | {
        RDFS.label,
        SKOS.definition,
        RDFS.comment,
        RDFS.isDefinedBy,
    }
    extra = sorted(((p, o) for p, o in graph.predicate_objects(term) if p not in known), key=str)
    return TermDoc(
        iri=str(term),
        anchor=str(term)[len(namespace) :],
        labels=graph_labels(graph, term),
        definition=_text(graph, term, SKOS.definition),
        comment=_text(graph, term, RDFS.comment),
        fields=fields,
        extra=extra,
        deprecated=(term, OWL.deprecated, Literal(True)) in graph,
    )


def ontology_doc(graph: Graph, ontology_iri: str) -> OntologyDoc:
    """The documentation model of the ontology ``ontology_iri`` held in ``graph``."""
    namespace = ontology_iri + "#"
    node = URIRef(ontology_iri)
    remaining = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(namespace)}
    sections = []
    for kind, title in SECTIONS:
        terms = sorted(t for t in remaining if (t, RDF.type, kind) in graph)
        remaining.difference_update(terms)
        sections.append((title, [term_doc(graph, t, namespace) for t in terms]))
    sections.append((OTHER_SECTION, [term_doc(graph, t, namespace) for t in sorted(remaining)]))
    metadata = sorted(((p, o) for p, o in graph.predicate_objects(node) if p != RDF.type), key=str)
    title = _text(graph, node, DCTERMS.title) or _text(graph, node, RDFS.label) or ontology_iri
    description = _text(graph, node, DCTERMS.description) or _text(graph, node, RDFS.comment)
    return OntologyDoc(ontology_iri, title, description, metadata, sections)
