"""What the search index holds, read from the graph through the :class:`~kg.stores.Store` interface.

One :class:`Document` per resource that has a label: its labels, alternative labels and
descriptions (every language) and its classes, asserted and inferred through ``rdfs:subClassOf``.
Only SPARQL SELECT queries are used, so every backend (embedded, Oxigraph server, Virtuoso)
yields the same documents. Results are read in pages of the store's row cap (``max_rows``) so no
query exceeds it; the pages are not ordered (an ``ORDER BY`` costs 4x on a million triples), which
relies on a store answering the same query over unchanged data in the same order, as Oxigraph and
Virtuoso do; a row met twice is harmless (texts and classes are sets).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from kg.formats import FORMATS_BY_NAME
from kg.stores import QueryRequest, Store

# predicate IRI -> field of Document it fills
LABEL_PREDICATES: dict[str, str] = {
    "http://www.w3.org/2000/01/rdf-schema#label": "labels",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "labels",
    "http://xmlns.com/foaf/0.1/name": "labels",
    "https://schema.org/name": "labels",
    "http://purl.org/dc/terms/title": "labels",
    "http://www.w3.org/2004/02/skos/core#altLabel": "alt_labels",
    "http://www.w3.org/2000/01/rdf-schema#comment": "descriptions",
    "http://www.w3.org/2004/02/skos/core#definition": "descriptions",
    "http://purl.org/dc/terms/description": "descriptions",
    "https://schema.org/description": "descriptions",
}
PAGE_SIZE = 50_000


class QueryBuilder(Protocol):
    """A function writing one page of a query (:func:`text_query`, :func:`type_query`)."""

    def __call__(self, *, limit: int, offset: int) -> str: ...


@dataclass(frozen=True)
class Text:
    """A literal: its lexical form and language tag ("" when it has none)."""

    value: str
    lang: str = ""


@dataclass
class Document:
    """One resource as the index sees it."""

    iri: str
    labels: list[Text] = field(default_factory=list)
    alt_labels: list[Text] = field(default_factory=list)
    descriptions: list[Text] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)  # asserted (rdf:type)
    types: set[str] = field(default_factory=set)  # asserted and their superclasses

    @property
    def names(self) -> list[Text]:
        """Labels, then alternative labels."""
        return self.labels + self.alt_labels


def text_query(*, limit: int, offset: int) -> str:
    """One page of (subject, predicate, literal) rows of the indexed predicates."""
    values = " ".join(f"<{iri}>" for iri in LABEL_PREDICATES)
    return (
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o . "
        f"FILTER (isIRI(?s) && isLiteral(?o)) }} LIMIT {limit} OFFSET {offset}"
    )


def type_query(*, limit: int, offset: int) -> str:
    """One page of (resource, class) rows."""
    return (
        "SELECT ?s ?o WHERE { ?s a ?o . FILTER (isIRI(?s) && isIRI(?o)) } "
        f"LIMIT {limit} OFFSET {offset}"
    )


# Direct subclass links only: the closure is computed here, as Virtuoso refuses a transitive path
# with neither end bound.
SUBCLASS_QUERY = (
    "SELECT DISTINCT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?o . "
    "FILTER (isIRI(?s) && isIRI(?o)) }"
)


def read_documents(store: Store, *, page_size: int = PAGE_SIZE) -> list[Document]:
    """Every labelled resource of ``store``, with its texts and classes, sorted by IRI."""
    documents: dict[str, Document] = {}
    for subject, predicate, literal in paged_rows(store, text_query, page_size):
        assert isinstance(literal, ox.Literal)
        document = documents.get(subject.value) or documents.setdefault(
            subject.value, Document(subject.value)
        )
        texts = getattr(document, LABEL_PREDICATES[predicate.value])
        text = Text(literal.value, literal.language or "")
        if text not in texts:
            texts.append(text)
    superclasses = superclass_map(store)
    for subject, class_ in paged_rows(store, type_query, page_size):
        document = documents.get(subject.value)
        if document is not None:
            document.classes.add(class_.value)
            document.types.add(class_.value)
            document.types.update(superclasses.get(class_.value, ()))
    return [documents[iri] for iri in sorted(documents)]


def superclass_map(store: Store) -> dict[str, set[str]]:
    """Class IRI -> every class it is a subclass of (transitively, itself excluded)."""
    parents: dict[str, set[str]] = {}
    for sub, sup in select(store, SUBCLASS_QUERY):
        parents.setdefault(sub.value, set()).add(sup.value)
    return {cls: ancestors(cls, parents) - {cls} for cls in parents}


def ancestors(cls: str, parents: dict[str, set[str]]) -> set[str]:
    """Every class reachable from ``cls`` through ``parents`` (cycles are harmless)."""
    seen: set[str] = set()
    todo = list(parents.get(cls, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return seen


def paged_rows(
    store: Store, query_for: QueryBuilder, page_size: int
) -> Iterator[tuple[ox.NamedNode, ...]]:
    """The rows of ``query_for(limit=, offset=)``, page after page until a short page."""
    offset = 0
    while True:
        rows = select(store, query_for(limit=page_size, offset=offset))
        yield from rows
        if len(rows) < page_size:
            return
        offset += page_size


def select(store: Store, query: str) -> list[tuple[ox.NamedNode, ...]]:
    """The rows of a SELECT as tuples of pyoxigraph terms, read from the store's TSV answer."""
    body = store.query(QueryRequest(query), FORMATS_BY_NAME["tsv"])
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(solution) for solution in solutions]
