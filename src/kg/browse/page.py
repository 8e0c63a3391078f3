"""A browse page as plain data: the facets with their counts, the result table, the queries.

:func:`browse` runs the queries of :mod:`kg.browse.query` through the store and returns a
:class:`BrowsePage` that a template only loops over; links are query strings of the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.browse.facets import Facet
from kg.browse.query import (
    FACET_LIMIT,
    PAGE_SIZE,
    BrowseSpec,
    count_query,
    facet_query,
    labels_query,
    results_query,
)
from kg.browse.selection import Selection, SelectionError, compact, expand
from kg.describe import local_href, pick_label
from kg.stores import Store, select_rows

Select = Callable[[Store, str], list[dict[str, Node]]]

Labels = dict[str, str]


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its count under the other facets' choices, and a toggle link."""

    value: str
    label: str
    count: int
    selected: bool
    href: str


@dataclass(frozen=True)
class FacetView:
    """A facet as shown: its values, most frequent first, and the query that counted them."""

    name: str
    label: str
    values: list[FacetValue]
    more: bool
    query: str


@dataclass(frozen=True)
class Cell:
    """A table cell: text, with a link when it names a resource."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Header:
    """A column header with the link that sorts by it (and the current direction, if sorted)."""

    name: str
    label: str
    href: str
    sorted: str | None


@dataclass(frozen=True)
class BrowsePage:
    """Everything ``/browse/{class}`` shows."""

    spec: BrowseSpec
    selection: Selection
    total: int
    facets: list[FacetView]
    chosen: list[FacetValue]
    headers: list[Header]
    rows: list[list[Cell]]
    last: int
    results_query: str
    count_query: str


class Answers(Protocol):
    """Where a page's numbers come from: the SPARQL of :mod:`kg.browse.query` (:class:`Sparql`)
    or a :class:`~kg.browse.index.FacetIndex`, which gives the same answers from memory."""

    def total(self, selection: Selection) -> int:
        """How many items the selection holds (:func:`count_query`)."""
        ...

    def counts(self, facet: Facet, selection: Selection) -> list[tuple[Node, int]]:
        """The values of ``facet`` with their counts, most frequent first (:func:`facet_query`)."""
        ...

    def rows(self, selection: Selection) -> list[dict[str, Node]]:
        """The page of the result table (:func:`results_query`)."""
        ...

    def labels(self, iris: list[str]) -> Labels:
        """The English (else any) label of each IRI that has one."""
        ...


@dataclass(frozen=True)
class Sparql:
    """The answers of the page's queries, run on ``store`` with ``select``."""

    store: Store
    spec: BrowseSpec
    base_iri: str
    select: Select = select_rows

    def total(self, selection: Selection) -> int:
        rows = self.select(self.store, count_query(self.spec, selection, self.base_iri))
        count: int = int(rows[0]["count"])  # type: ignore[call-overload]
        return count

    def counts(self, facet: Facet, selection: Selection) -> list[tuple[Node, int]]:
        rows = self.select(self.store, facet_query(self.spec, facet, selection, self.base_iri))
        return [(r["value"], int(r["count"])) for r in rows if "value" in r]  # type: ignore[call-overload]

    def rows(self, selection: Selection) -> list[dict[str, Node]]:
        return self.select(self.store, results_query(self.spec, selection, self.base_iri))

    def labels(self, iris: list[str]) -> Labels:
        return fetch_labels(self.store, iris, self.select)


def browse(
    store: Store,
    spec: BrowseSpec,
    selection: Selection,
    base_iri: str,
    *,
    select: Select = select_rows,
    answers: Answers | None = None,
) -> BrowsePage:
    """The page of ``selection``: its numbers from ``answers`` (a facet index), else from its
    queries run on ``store`` with ``select`` (e.g. a :class:`QueryCache`'s); the queries are
    shown either way. :class:`SelectionError` for a page past the last."""
    source = answers or Sparql(store, spec, base_iri, select)
    total = source.total(selection)
    last = max(1, -(-total // PAGE_SIZE))
    if selection.page > last:
        raise SelectionError(f"page {selection.page} is past the last page ({last})")
    counted = {
        f.name: Counted(facet_query(spec, f, selection, base_iri), source.counts(f, selection))
        for f in spec.facets
    }
    rows = source.rows(selection)
    labels = source.labels(wanted_labels(counted, rows, selection, spec, base_iri))
    facets = [
        facet_view(spec, name, found, selection, labels, base_iri)
        for name, found in counted.items()
    ]
    return BrowsePage(
        spec=spec,
        selection=selection,
        total=total,
        facets=[f for f in facets if f.values],
        chosen=chosen_values(spec, selection, labels, base_iri),
        headers=headers(spec, selection),
        rows=[table_row(spec, row, labels, base_iri) for row in rows],
        last=last,
        results_query=results_query(spec, selection, base_iri),
        count_query=count_query(spec, selection, base_iri),
    )


@dataclass(frozen=True)
class Counted:
    """The raw counts of one facet and its query."""

    query: str
    rows: list[tuple[Node, int]]


def wanted_labels(
    counted: dict[str, Counted],
    rows: list[dict[str, Node]],
    selection: Selection,
    spec: BrowseSpec,
    base_iri: str,
) -> list[str]:
    """Every IRI the page names: facet values, chosen values, table cells."""
    iris = {str(v) for c in counted.values() for v, _ in c.rows if isinstance(v, URIRef)}
    iris |= {str(v) for row in rows for v in row.values() if isinstance(v, URIRef)}
    for name, chosen in selection.values.items():
        if not spec.facet(name).literal:
            iris |= {expand(value, base_iri) for value in chosen}
    return sorted(iris)


def fetch_labels(store: Store, iris: list[str], select: Select = select_rows) -> Labels:
    """The English (else any) label of each IRI that has one."""
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(iris), 500):
        for row in select(store, labels_query(iris[start : start + 500])):
            node = row["l"]
            language = node.language if isinstance(node, Literal) else None
            found.setdefault(str(row["x"]), {}).setdefault(language or "", str(node))
    picked = {iri: pick_label(labels) for iri, labels in found.items()}
    return {iri: label for iri, label in picked.items() if label}


def display(value: Node | str, labels: Labels, base_iri: str) -> Cell:
    """A cell for a term: a labelled local link for an IRI, the text of a literal."""
    if isinstance(value, URIRef):
        iri = str(value)
        return Cell(labels.get(iri, compact(iri, base_iri)), local_href(iri, base_iri))
    return Cell(str(value))


def facet_view(
    spec: BrowseSpec,
    name: str,
    counted: Counted,
    selection: Selection,
    labels: Labels,
    base_iri: str,
) -> FacetView:
    """The view of one facet's counts."""
    facet = spec.facet(name)
    chosen = selection.values.get(name, ())
    values = []
    for node, count in counted.rows[:FACET_LIMIT]:
        value = str(node) if facet.literal else compact(str(node), base_iri)
        label = str(node) if facet.literal else display(node, labels, base_iri).text
        href = selection.toggled(name, value).query_string() or "?"
        values.append(FacetValue(value, label, count, value in chosen, href))
    return FacetView(name, facet.label, values, len(counted.rows) > FACET_LIMIT, counted.query)


def chosen_values(
    spec: BrowseSpec, selection: Selection, labels: Labels, base_iri: str
) -> list[FacetValue]:
    """The chosen values (every facet), each with the link that removes it."""
    found = []
    for name, chosen in selection.values.items():
        facet = spec.facet(name)
        for value in chosen:
            label = value if facet.literal else labels.get(expand(value, base_iri), value)
            href = selection.toggled(name, value).query_string() or "?"
            found.append(FacetValue(value, f"{facet.label}: {label}", 0, True, href))
    return found


def headers(spec: BrowseSpec, selection: Selection) -> list[Header]:
    """The table's headers, each linking to the table sorted by it (again: the other way)."""
    labels = {"label": spec.cls.label[:-1] if spec.cls.label.endswith("s") else "Name"}
    labels["broadcasts"] = "Broadcasts"
    labels |= {column.name: column.label for column in spec.columns}
    found = []
    for name in spec.sortable:
        current = selection.order if selection.sort == name else None
        order = "desc" if current == "asc" else "asc"
        href = selection.query_string(sort=name, order=order, page=1) or "?"
        direction = {"asc": "ascending", "desc": "descending"}.get(current or "")
        found.append(Header(name, labels[name], href, direction))
    return found


def table_row(spec: BrowseSpec, row: dict[str, Node], labels: Labels, base_iri: str) -> list[Cell]:
    """One row of the table: the item (by label), then one cell per sortable column."""
    item = row["item"]
    name = str(row["label"]) if "label" in row else display(item, labels, base_iri).text
    cells = [Cell(name, local_href(str(item), base_iri))]
    for column in spec.sortable[1:]:
        cells.append(display(row[column], labels, base_iri) if column in row else Cell(""))
    return cells
