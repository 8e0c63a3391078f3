"""View models of the HTML pages: plain data built from description graphs (no Flask here).

A template only loops over these objects; every decision (which label, which link, how a figure
reads for humans) is made here, where it is tested without a server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from kg.describe import DEPENDENT_BACKLINKS, DEPENDENT_LINKS, graph_labels, local_href, pick_label
from kg.namespaces import OKG, bind_prefixes

TermLabels = dict[URIRef, dict[str, str]]


@dataclass(frozen=True)
class Value:
    """One value of a property: a link (``href``) or a literal (``lang``, ``note`` = datatype)."""

    text: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None
    iri: str | None = None


@dataclass(frozen=True)
class Row:
    """A property (as a link to its documentation) with its values."""

    prop: Value
    values: list[Value]


@dataclass(frozen=True)
class Quote:
    """A passage of evidence with the document it comes from.

    ``kind`` is ``quote`` (verbatim, from a held source) or ``paraphrase`` (our own words).
    """

    text: str
    lang: str | None
    sources: list[Value]
    kind: str = "quote"
    locator: str | None = None


@dataclass(frozen=True)
class Figure:
    """A reported figure rendered for humans ("over 60,000 jin") with its provenance."""

    link: Value
    measure: str
    reading: str
    stated_as: str | None
    as_of: str | None
    quotes: list[Quote]


@dataclass(frozen=True)
class ResourceView:
    """Everything the resource page shows."""

    iri: str
    label: str
    label_zh: str | None
    types: list[Value]
    rows: list[Row]
    incoming: list[Row]
    figures: list[Figure]
    quotes: list[Quote]
    alternates: list[tuple[str, str, str]] = field(default_factory=list)  # (href, type, name)


@dataclass(frozen=True)
class Linker:
    """Turns graph nodes into :class:`Value` objects: labels from the graph, links made local."""

    graph: Graph
    base_iri: str
    term_labels: TermLabels

    def label_of(self, node: Node) -> str:
        """A human label: the graph's, the ontology's, else a prefixed name or the IRI."""
        labels = graph_labels(self.graph, node)
        if isinstance(node, URIRef):
            labels = {**self.term_labels.get(node, {}), **labels}
        found = pick_label(labels)
        if found:
            return found
        if isinstance(node, URIRef):
            return _prefixed(node)
        return "(anonymous node)"

    def value(self, node: Node) -> Value:
        """A :class:`Value` for any node."""
        if isinstance(node, Literal):
            return Value(str(node), lang=node.language, note=_datatype_note(node))
        if isinstance(node, URIRef):
            iri = str(node)
            return Value(self.label_of(node), href=local_href(iri, self.base_iri), iri=iri)
        return Value(self.label_of(node))

    def rows(self, pairs: list[tuple[Node, Node]]) -> list[Row]:
        """(property, value) pairs grouped by property, sorted by property label then value."""
        grouped: dict[Node, list[Value]] = {}
        for prop, node in pairs:
            grouped.setdefault(prop, []).append(self.value(node))
        rows = [
            Row(self.value(prop), sorted(vals, key=_sort_key)) for prop, vals in grouped.items()
        ]
        return sorted(rows, key=lambda row: (row.prop.text.lower(), row.prop.iri or ""))


def _sort_key(value: Value) -> tuple[str, str]:
    return (value.text.lower(), value.iri or "")


@cache
def _our_prefixes() -> NamespaceManager:
    """Our prefix map over rdflib's defaults, bound once per process: binding costs more than a
    small page. It depends on no data, and naming an IRI never binds a prefix, so it is shared."""
    return bind_prefixes(Graph()).namespace_manager


def _prefixed(iri: URIRef) -> str:
    """``iri`` as a prefixed name of our prefix map (``xsd:date``), else the IRI itself."""
    try:
        return _our_prefixes().normalizeUri(iri).strip("<>")
    except Exception:  # rdflib raises on IRIs it cannot split
        return str(iri)


def _datatype_note(literal: Literal) -> str | None:
    if literal.datatype is None or literal.language:
        return None
    return _prefixed(literal.datatype)


def format_number(literal: Node) -> str:
    """A decimal with thousands separators: ``17930000`` -> ``17,930,000``."""
    try:
        number = Decimal(str(literal))
    except InvalidOperation:
        return str(literal)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def figure_reading(linker: Linker, figure: Node) -> str:
    """A figure for humans: qualifier, number, unit ("over 60,000 jin"); "exactly" is left out."""
    graph = linker.graph
    value = graph.value(figure, OKG.value)
    qualifier = graph.value(figure, OKG.qualifier)
    unit = graph.value(figure, OKG.unit)
    words = []
    if qualifier is not None and qualifier != OKG.Exactly:
        words.append(linker.label_of(qualifier))
    words.append(format_number(value) if value is not None else "?")
    if unit is not None:
        words.append(unit_reading(linker, unit, value))
    return " ".join(words)


def unit_reading(linker: Linker, unit: Node, value: Node | None) -> str:
    """The unit's plural label after a number other than one ("viewers"), else its label."""
    plurals = linker.graph.objects(unit, OKG.pluralLabel)
    plural = pick_label({p.language or "": str(p) for p in plurals if isinstance(p, Literal)})
    is_one = isinstance(value, Literal) and value.toPython() == 1
    return plural if plural and not is_one else linker.label_of(unit)


def quotes_of(linker: Linker, node: Node) -> list[Quote]:
    """The passages of the evidence of ``node``, each with its source and locator."""
    graph = linker.graph
    quotes = []
    for evidence in sorted(graph.objects(node, OKG.evidence), key=str):
        sources = sorted(
            (linker.value(src) for src in graph.objects(evidence, OKG.source)), key=_sort_key
        )
        locator = graph.value(evidence, OKG.locator)
        where = str(locator) if locator is not None else None
        for predicate, kind in ((OKG.quote, "quote"), (OKG.paraphrase, "paraphrase")):
            for text in sorted(graph.objects(evidence, predicate), key=str):
                language = getattr(text, "language", None)
                quotes.append(
                    Quote(str(text), language, sorted(sources, key=_sort_key), kind, where)
                )
    return quotes


def figure_of(linker: Linker, figure: Node) -> Figure:
    """The :class:`Figure` view of one reported figure."""
    graph = linker.graph
    measure = graph.value(figure, OKG.measures)
    stated = graph.value(figure, OKG.statedAs)
    as_of = graph.value(figure, OKG.asOf)
    return Figure(
        link=linker.value(figure),
        measure=linker.label_of(measure) if measure is not None else "",
        reading=figure_reading(linker, figure),
        stated_as=str(stated) if stated is not None else None,
        as_of=str(as_of) if as_of is not None else None,
        quotes=quotes_of(linker, figure),
    )


def figures_of(graph: Graph, node: URIRef) -> list[Node]:
    """The dependent figures of ``node`` (linked either way), sorted by IRI."""
    found: set[Node] = set()
    for link in DEPENDENT_LINKS:
        found.update(graph.objects(node, link))
    for back in DEPENDENT_BACKLINKS:
        found.update(graph.subjects(back, node))
    return sorted(found, key=str)


def resource_view(graph: Graph, iri: str, base_iri: str, term_labels: TermLabels) -> ResourceView:
    """The page of resource ``iri`` from its description ``graph``."""
    node = URIRef(iri)
    linker = Linker(graph, base_iri, term_labels)
    labels = graph_labels(graph, node)
    outgoing = [(p, o) for p, o in graph.predicate_objects(node) if p != RDF.type]
    incoming = [(p, s) for s, p in graph.subject_predicates(node) if not isinstance(s, BNode)]
    return ResourceView(
        iri=iri,
        label=pick_label(labels) or linker.label_of(node),
        label_zh=labels.get("zh"),
        types=sorted((linker.value(t) for t in graph.objects(node, RDF.type)), key=_sort_key),
        rows=linker.rows(outgoing),
        incoming=linker.rows(incoming),
        figures=[figure_of(linker, f) for f in figures_of(graph, node)],
        quotes=quotes_of(linker, node),
    )
