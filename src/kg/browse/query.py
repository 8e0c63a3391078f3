"""The SPARQL of a browse page: the selection, the counts of each facet, the result table.

Every query is plain SPARQL 1.1 sent through the :class:`~kg.stores.Store`, so the embedded store
and a remote endpoint answer the same page; the page links each query to the editor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.browse.facets import (
    BrowseClass,
    Column,
    Facet,
    class_columns,
    class_facets,
    expand_subclasses,
)
from kg.browse.selection import Selection, expand

PREFIXES = {
    "okg": "https://w3id.org/officials-kg/ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
}
PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
PAGE_SIZE = 50
FACET_LIMIT = 20  # values listed per facet, most frequent first


@dataclass(frozen=True)
class BrowseSpec:
    """A browsable class with its facets and table columns (from the shapes)."""

    cls: BrowseClass
    facets: list[Facet]
    columns: list[Column]
    classes: tuple[str, ...] = ()  # the class and its subclasses (from the ontology)

    def type_pattern(self) -> str:
        """``?item`` is an instance of the class or of a subclass (a VALUES list, faster than a
        property path from an unbound subject)."""
        classes = self.classes or (str(self.cls.iri),)
        if len(classes) == 1:
            return f"?item a <{classes[0]}> ."
        return f"VALUES ?type {{ {' '.join(f'<{c}>' for c in classes)} }} ?item a ?type ."

    @property
    def counts_broadcasts(self) -> bool:
        """Whether the table has a "broadcasts" column (every class but broadcasts)."""
        return bool(self.cls.to_broadcast)

    @property
    def sortable(self) -> list[str]:
        extra = ["broadcasts"] if self.counts_broadcasts else []
        return ["label", *extra, *(column.name for column in self.columns)]

    def facet(self, name: str) -> Facet:
        return next(facet for facet in self.facets if facet.name == name)


def browse_spec(
    cls: BrowseClass, shapes: Graph, ontology: Graph, labels: dict[URIRef, str]
) -> BrowseSpec:
    """The :class:`BrowseSpec` of ``cls`` from the shapes and the ontology's labels."""
    subclasses = {str(c) for c in ontology.transitive_subjects(RDFS.subClassOf, cls.iri)}
    facets = [
        replace(
            facet,
            pattern=expand_subclasses(facet.pattern, ontology),
            listing=expand_subclasses(facet.listing, ontology),
        )
        for facet in class_facets(cls, shapes, ontology, labels)
    ]
    return BrowseSpec(
        cls,
        facets,
        class_columns(cls, shapes, ontology, labels),
        tuple(sorted(subclasses | {str(cls.iri)})),
    )


def term(value: str, facet: Facet, base_iri: str) -> str:
    """A chosen value as a SPARQL term: an IRI, or a string literal for literal facets."""
    if facet.literal:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"<{expand(value, base_iri)}>"


def selection_where(
    spec: BrowseSpec, selection: Selection, base_iri: str, *, skip: str | None = None
) -> str:
    """The graph pattern of the selected items (``?item``), leaving out facet ``skip``."""
    lines = [f"{spec.type_pattern()} FILTER(isIRI(?item))"]
    for number, (name, chosen) in enumerate(selection.values.items()):
        if name == skip:
            continue
        facet = spec.facet(name)
        terms = " ".join(term(value, facet, base_iri) for value in chosen)
        pattern = facet.bind("?item", f"?f{number}", f"?t{number}")
        lines.append(
            f"{{ SELECT DISTINCT ?item WHERE {{ {pattern} VALUES ?f{number} {{ {terms} }} }} }}"
        )
    return "\n  ".join(lines)


def count_query(spec: BrowseSpec, selection: Selection, base_iri: str) -> str:
    """How many items the selection holds."""
    where = selection_where(spec, selection, base_iri)
    return f"{PROLOGUE}SELECT (COUNT(DISTINCT ?item) AS ?count) WHERE {{\n  {where}\n}}"


def facet_query(spec: BrowseSpec, facet: Facet, selection: Selection, base_iri: str) -> str:
    """The values of ``facet`` with their counts, under every other facet's choice.

    The facet's own choice is left out, so its other values stay visible as alternatives. The
    counts are ordered outside their sub-select: Virtuoso rejects ordering by an aggregate's
    alias in the same query.
    """
    where = selection_where(spec, selection, base_iri, skip=facet.name)
    pattern = facet.bind("?item", "?value", "?v", listing=True)
    return (
        f"{PROLOGUE}SELECT ?value ?count WHERE {{\n"
        f"  {{ SELECT ?value (COUNT(DISTINCT ?item) AS ?count) WHERE {{\n  {where}\n"
        f"  {pattern}\n  }} GROUP BY ?value }}\n}}\nORDER BY DESC(?count) ?value\n"
        f"LIMIT {FACET_LIMIT + 1}"
    )


LABEL_EN = 'FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "")'


def results_query(
    spec: BrowseSpec, selection: Selection, base_iri: str, *, paged: bool = True
) -> str:
    """The rows of the result table (one page, or all of them for downloads)."""
    where = selection_where(spec, selection, base_iri)
    samples = ["(SAMPLE(?l) AS ?label)"]
    optionals = [f"OPTIONAL {{ ?item rdfs:label ?l {LABEL_EN} }}"]
    for column in spec.columns:
        samples.append(f"(SAMPLE(?c_{column.name}) AS ?{column.name})")
        optionals.append(f"OPTIONAL {{ ?item <{column.property_iri}> ?c_{column.name} }}")
    if spec.counts_broadcasts:
        samples.append("(COUNT(DISTINCT ?b) AS ?broadcasts)")
        optionals.append(f"OPTIONAL {{ {spec.cls.broadcast_pattern('?item', '?b')} }}")
    names = " ".join(f"?{name}" for name in ["item", *spec.sortable])
    inner = "\n    ".join([where, *optionals])
    limit = f"\nLIMIT {PAGE_SIZE} OFFSET {(selection.page - 1) * PAGE_SIZE}" if paged else ""
    return (
        f"{PROLOGUE}SELECT {names} WHERE {{\n"
        f"  {{ SELECT ?item {' '.join(samples)} WHERE {{\n    {inner}\n  }} GROUP BY ?item }}\n"
        f"}}\nORDER BY {order_by(selection)}{limit}"
    )


def order_by(selection: Selection) -> str:
    """The ORDER BY clause: the sort column, then the item IRI (a stable order for paging)."""
    key = (
        "LCASE(STR(COALESCE(?label, ?item)))" if selection.sort == "label" else f"?{selection.sort}"
    )
    key = f"DESC({key})" if selection.order == "desc" else key
    return f"{key} ?item"


def labels_query(iris: list[str]) -> str:
    """The labels (every language) of ``iris``."""
    values = " ".join(f"<{iri}>" for iri in iris)
    return (
        f"{PROLOGUE}PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
        "?x rdfs:label|skos:prefLabel|dcterms:title ?l }"
    )
