"""A facet index of one browsable class for one data version: a page's answers from memory.

:func:`build_index` asks the store a handful of SPARQL queries, once per data version and class:
the items with their labels, for each facet which items reach which value (the facet's own
pattern from :mod:`kg.browse.facets`, so a property given a shape is indexed with no code
change), each table column's values in the store's own order, and the number of broadcasts of
each item. A page is then set intersections (the selection), counting (the facets) and a walk
down a sorted list (the table); the only query left is for labels not yet seen. The answers are
those of the queries of :mod:`kg.browse.query`, which the page still shows
(``tests/test_browse_index.py`` checks that both agree).
"""

from __future__ import annotations

import heapq
import json
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.results.jsonresults import parseJsonTerm
from rdflib.term import Node

from kg.browse.facets import Facet
from kg.browse.page import Labels, fetch_labels
from kg.browse.query import FACET_LIMIT, LABEL_EN, PAGE_SIZE, PROLOGUE, BrowseSpec
from kg.browse.selection import Selection, expand
from kg.formats import FORMATS_BY_NAME
from kg.stores import QueryRequest, Store

BUILD_TIMEOUT = 300.0  # seconds one building query may take (a page's queries get the default)

Rows = list[dict[str, Node]]
Select = Callable[[Store, str], Rows]
NO_ITEMS: array[int] = array("I")


class Terms:
    """The rdflib term of each SPARQL JSON term, made once per distinct term: the index's many
    rows share their values (memory), and rdflib's checks run once per term (time)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, ...], Node] = {}

    def __call__(self, term: dict[str, str]) -> Node:
        key = (term["type"], term["value"], term.get("datatype", ""), term.get("xml:lang", ""))
        node = self._made.get(key)
        if node is None:
            node = self._made[key] = parseJsonTerm(term)
        return node


def select_for_build(store: Store, query: str, terms: Terms) -> Rows:
    """The rows of a building query, as :func:`kg.stores.select_rows` gives them (terms made
    by rdflib's own parser), with a longer time limit."""
    body = store.query(QueryRequest(query), FORMATS_BY_NAME["json"], timeout=BUILD_TIMEOUT)
    bindings: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    return [{name: terms(term) for name, term in row.items()} for row in bindings]


@dataclass(frozen=True)
class FacetTable:
    """One facet: the items that reach each value (for filtering: any value), and the values
    each item is counted under (those the facet lists: provinces for the province facet)."""

    holders: dict[Node, array[int]]
    listed: tuple[tuple[Node, ...], ...]  # equal tuples are one object


@dataclass(eq=False)
class FacetIndex:
    """The items of one class (numbered in IRI order), their facet values, table rows and sort
    orders, for the store's data ``version``; it answers as :class:`kg.browse.page.Sparql` does."""

    spec: BrowseSpec
    version: str
    store: Store
    base_iri: str
    table: list[dict[str, Node]]  # item number -> its row of the result table
    facets: dict[str, FacetTable]
    orders: dict[tuple[str, str], array[int]]  # (sort, order) -> item numbers in that order
    _labels: dict[str, str | None] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self) -> int:
        return len(self.table)

    def chosen(self, selection: Selection, *, skip: str | None = None) -> set[int] | None:
        """The numbers of the selected items, leaving out facet ``skip`` (None: every item)."""
        found: set[int] | None = None
        for name, values in selection.values.items():
            if name == skip:
                continue
            facet, holders = self.spec.facet(name), self.facets[name].holders
            terms = (node for value in values for node in nodes_of(value, facet, self.base_iri))
            having = set().union(*(holders.get(node, NO_ITEMS) for node in terms))
            found = having if found is None else found & having
        return found

    def total(self, selection: Selection) -> int:
        chosen = self.chosen(selection)
        return len(self.table) if chosen is None else len(chosen)

    def counts(self, facet: Facet, selection: Selection) -> list[tuple[Node, int]]:
        """The most frequent values of ``facet`` (one more than are shown), as the facet query
        orders them: by count, then by value."""
        chosen = self.chosen(selection, skip=facet.name)
        listed = self.facets[facet.name].listed
        items: Iterable[int] = range(len(listed)) if chosen is None else chosen
        counter = Counter(chain.from_iterable(listed[item] for item in items))
        return heapq.nsmallest(
            FACET_LIMIT + 1, counter.items(), key=lambda pair: (-pair[1], term_order(pair[0]))
        )

    def rows(self, selection: Selection) -> list[dict[str, Node]]:
        """The rows of the selection's page of the table."""
        chosen = self.chosen(selection)
        order = self.orders[(selection.sort, selection.order)]
        ranked = order if chosen is None else (item for item in order if item in chosen)
        start = (selection.page - 1) * PAGE_SIZE
        return [self.table[item] for item in islice(ranked, start, start + PAGE_SIZE)]

    def labels(self, iris: list[str]) -> Labels:
        """The labels of ``iris``: remembered for this data version, the new ones asked for."""
        with self._lock:
            missing = [iri for iri in iris if iri not in self._labels]
        if missing:
            found = fetch_labels(self.store, missing)
            with self._lock:
                self._labels.update({iri: found.get(iri) for iri in missing})
        with self._lock:
            known = {iri: self._labels.get(iri) for iri in iris}
        return {iri: label for iri, label in known.items() if label is not None}

    def forget_labels(self) -> None:
        """Forget the labels asked for so far (the benchmark's cold pages)."""
        with self._lock:
            self._labels.clear()


def nodes_of(value: str, facet: Facet, base_iri: str) -> tuple[Node, ...]:
    """The terms a chosen value names (the term :func:`kg.browse.query.term` writes; a string is
    the same term with or without ``xsd:string``, which rdflib tells apart)."""
    if facet.literal:
        return Literal(value), Literal(value, datatype=XSD.string)
    return (URIRef(expand(value, base_iri)),)


def term_order(node: Node) -> tuple[int, str]:
    """SPARQL's order of facet values (IRIs or plain literals): blank nodes, then IRIs, then
    literals, each by their text."""
    kind = 0 if isinstance(node, BNode) else 1 if isinstance(node, URIRef) else 2
    return kind, str(node)


# ---- building ---------------------------------------------------------------------------------


def build_index(store: Store, spec: BrowseSpec, base_iri: str) -> FacetIndex:
    """The facet index of ``spec``'s class on ``store`` as its data is now."""
    version = store.version
    terms = Terms()

    def select(store: Store, query: str) -> Rows:
        return select_for_build(store, query, terms)

    where = f"{spec.type_pattern()} FILTER(isIRI(?item))"
    table = item_rows(select(store, items_query(where)))
    number = {row["item"]: n for n, row in enumerate(table)}
    keys: dict[str, Sequence[Any]] = {
        "label": [str(row.get("label", row["item"])).lower() for row in table]
    }
    if spec.counts_broadcasts:
        keys["broadcasts"] = add_broadcasts(table, number, select(store, broadcasts_query(spec)))
    for column in spec.columns:
        ordered = select(store, column_query(where, column.property_iri))
        keys[column.name] = add_column(table, number, column.name, ordered)
    facets = {facet.name: facet_table(store, select, where, facet, number) for facet in spec.facets}
    return FacetIndex(spec, version, store, base_iri, table, facets, sort_orders(keys))


def items_query(where: str) -> str:
    """The items with their English (or untagged) labels."""
    label = f"OPTIONAL {{ ?item rdfs:label ?l {LABEL_EN} }}"
    return f"{PROLOGUE}SELECT ?item ?l WHERE {{ {where} {label} }}"


def item_rows(rows: Rows) -> list[dict[str, Node]]:
    """One table row per item, in IRI order (the table's last sort key), with its first label."""
    found: dict[Node, dict[str, Node]] = {}
    for row in rows:
        entry = found.setdefault(row["item"], {"item": row["item"]})
        if "l" in row:
            entry.setdefault("label", row["l"])
    return [found[item] for item in sorted(found, key=str)]


def broadcasts_query(spec: BrowseSpec) -> str:
    """How many broadcasts each item has (those with any)."""
    where = f"{spec.type_pattern()} FILTER(isIRI(?item))"
    path = spec.cls.broadcast_pattern("?item", "?b")
    count = "(COUNT(DISTINCT ?b) AS ?n)"
    return f"{PROLOGUE}SELECT ?item {count} WHERE {{ {where} {path} }} GROUP BY ?item"


def add_broadcasts(table: list[dict[str, Node]], number: dict[Node, int], rows: Rows) -> list[int]:
    """Put each item's number of broadcasts in its row (0 when none); the counts."""
    counts = [0] * len(table)
    for row in rows:
        if row.get("item") in number:
            counts[number[row["item"]]] = int(row["n"])  # type: ignore[call-overload]
    literals = {n: Literal(str(n), datatype=XSD.integer) for n in set(counts)}
    for entry, count in zip(table, counts, strict=True):
        entry["broadcasts"] = literals[count]
    return counts


def column_query(where: str, property_iri: str) -> str:
    """The values of one column in the store's order (the table sorts by the store's order)."""
    return (
        f"{PROLOGUE}SELECT ?item ?v WHERE {{ {where} ?item <{property_iri}> ?v }} ORDER BY ?v ?item"
    )


def add_column(
    table: list[dict[str, Node]], number: dict[Node, int], name: str, ordered: Rows
) -> list[tuple[int, int]]:
    """Put each item's value of column ``name`` in its row; the sort keys: unbound first, then
    the rank of the value in the store's order (values equal in SPARQL share a rank)."""
    keys = [(0, 0)] * len(table)
    rank, previous = 0, None
    for row in ordered:
        item, value = row.get("item"), row["v"]
        if previous is not None and not same_value(previous, value):
            rank += 1
        previous = value
        if item in number and name not in table[number[item]]:
            table[number[item]][name] = value
            keys[number[item]] = (1, rank)
    return keys


def same_value(first: Node, second: Node) -> bool:
    """Whether SPARQL's ``=`` holds (so ORDER BY ties the two and falls back to the item)."""
    if first == second:
        return True
    if isinstance(first, Literal) and isinstance(second, Literal):
        try:
            return bool(first.eq(second))
        except (TypeError, ValueError):
            return False
    return False


def sort_orders(keys: dict[str, Sequence[Any]]) -> dict[tuple[str, str], array[int]]:
    """Both orders of every sortable column, ties in IRI order (the items' numbering)."""
    orders: dict[tuple[str, str], array[int]] = {}
    for name, key in keys.items():
        numbers = range(len(key))
        orders[(name, "asc")] = array("I", sorted(numbers, key=key.__getitem__))
        stable = sorted(numbers, key=key.__getitem__, reverse=True)  # ties keep IRI order
        orders[(name, "desc")] = array("I", stable)
    return orders


def facet_table(
    store: Store, select: Select, where: str, facet: Facet, number: dict[Node, int]
) -> FacetTable:
    """Which items reach which value of ``facet``, and the values each is counted under."""
    pattern = facet.bind("?item", "?value", "?v")
    pairs = select(store, f"{PROLOGUE}SELECT DISTINCT ?item ?value WHERE {{ {where} {pattern} }}")
    holders: dict[Node, list[int]] = {}
    values: list[list[Node]] = [[] for _ in number]
    for row in pairs:
        if row.get("item") in number and "value" in row:
            holders.setdefault(row["value"], []).append(number[row["item"]])
            values[number[row["item"]]].append(row["value"])
    listable = listed_values(store, select, where, facet) if facet.listing else None
    shared: dict[tuple[Node, ...], tuple[Node, ...]] = {}
    listed = (tuple(v for v in found if listable is None or v in listable) for found in values)
    return FacetTable(
        {value: array("I", items) for value, items in holders.items()},
        tuple(shared.setdefault(found, found) for found in listed),
    )


def listed_values(store: Store, select: Select, where: str, facet: Facet) -> set[Node]:
    """The values the facet lists (those meeting its listing constraint)."""
    pattern = facet.bind("?item", "?value", "?v")
    query = (
        f"{PROLOGUE}SELECT DISTINCT ?value WHERE {{ "
        f"{{ SELECT DISTINCT ?value WHERE {{ {where} {pattern} }} }} "
        f"{facet.constraint('?value', '?w')} }}"
    )
    return {row["value"] for row in select(store, query) if "value" in row}
