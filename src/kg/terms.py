"""pyoxigraph terms as rdflib terms: the bridge from the store's triples to rdflib's graphs.

Each term is made exactly as rdflib's N-Triples parser would make it from the store's N-Triples
(so rdflib's literal handling is unchanged), without writing and re-reading the text.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

PLAIN_DATATYPE = str(XSD.string)  # N-Triples writes such literals without a datatype
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def rdflib_term(term: Term, blanks: dict[str, BNode]) -> Node:
    """``term`` as an rdflib term; ``blanks`` maps blank node ids to their rdflib nodes."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, BNode())
    if isinstance(term, ox.Literal):
        return _literal(term)
    raise TypeError(f"rdflib cannot hold the term {term}")


def _literal(literal: ox.Literal) -> Literal:
    if literal.language:
        return Literal(literal.value, lang=literal.language)
    datatype = literal.datatype.value
    return Literal(literal.value, datatype=None if datatype == PLAIN_DATATYPE else URIRef(datatype))


def rdflib_graph(triples: Iterable[ox.Triple]) -> Graph:
    """A new rdflib graph (no prefixes bound) holding ``triples``.

    Its store is rdflib's ``SimpleMemory``: a plain graph needs no contexts, and without them
    adding and matching triples costs about a third less than in the default ``Memory``.
    """
    graph = Graph(store="SimpleMemory")
    blanks: dict[str, BNode] = {}
    graph.addN(
        (
            rdflib_term(t.subject, blanks),
            rdflib_term(t.predicate, blanks),
            rdflib_term(t.object, blanks),
            graph,
        )
        for t in triples
    )
    return graph
