"""Backend-independent safety checks on a SPARQL request, done before any store sees it.

Every backend (embedded Oxigraph, a remote SPARQL 1.1 store) calls :func:`inspect` first, and
nothing a client sends is evaluated here: the query's text is read by the SPARQL lexical grammar
(:mod:`kg.query.text`: escapes undone, nesting depth, form from the prologue), and rdflib's SPARQL
parser reads the whole query when its text contains ``service`` or ``from`` (after undoing
escapes: the keywords cannot be spelt without those letters) to find ``SERVICE`` anywhere in it —
inside ``FILTER EXISTS``, sub-selects, every expression — and the ``FROM`` graphs. Everything else
(the full syntax check and its message) is the engine's, under the deadline.

What it refuses, and why:

- SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, …): the service is read-only.
- ``SERVICE``: Oxigraph would send the sub-query over HTTP; the service makes no outbound requests.
  A query that mentions ``service`` but that rdflib cannot parse is refused too: it cannot be
  shown to be safe.
- a query longer than the length limit, nested deeper than the nesting limit, or chaining more
  operators in one expression than the operator limit (a parser's or evaluator's recursion on it
  could overflow the stack: ours is contained, a remote store's is not).

A dataset (``FROM``, ``default-graph-uri`` …) naming a graph the store lacks is an empty graph,
as the W3C protocol tests expect: nothing is ever fetched.

rdflib's parser (pyparsing, with a process-wide packrat cache) is not thread-safe, so rdflib
parses one query at a time (:data:`_RDFLIB_LOCK`).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.config import Settings
from kg.formats import Format, Kind
from kg.query.text import READ_ONLY_MESSAGE, check_shape, query_form, unescape
from kg.stores import QueryError, QueryForm, QueryRefused, QueryRequest, QueryTooLong

__all__ = ["READ_ONLY_MESSAGE", "SERVICE_MESSAGE", "QueryInfo", "inspect"]

SERVICE_MESSAGE = (
    "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests"
)
DEFAULT_MAX_NESTING = 100
DEFAULT_MAX_OPERATORS = 500

_RDFLIB_LOCK = threading.Lock()  # rdflib's parser is not thread-safe


@dataclass(frozen=True)
class QueryInfo:
    """What the guard learnt about a query: its form and the graphs its dataset clauses name."""

    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def inspect(
    query: str,
    *,
    max_length: int,
    max_nesting: int = DEFAULT_MAX_NESTING,
    max_operators: int = DEFAULT_MAX_OPERATORS,
) -> QueryInfo:
    """Check ``query`` and return its form and dataset; raise :class:`QueryError` if refused."""
    if len(query) > max_length:
        raise QueryTooLong(f"the query is {len(query)} characters long; the limit is {max_length}")
    return _analyse(query, max_nesting, max_operators)


def inspect_for(settings: Settings, query: str) -> QueryInfo:
    """:func:`inspect` with the limits of ``settings``."""
    return inspect(
        query,
        max_length=settings.max_query_length,
        max_nesting=settings.max_nesting,
        max_operators=settings.max_operators,
    )


@lru_cache(maxsize=1024)
def _analyse(query: str, max_nesting: int, max_operators: int) -> QueryInfo:
    """The findings on ``query``, cached per process: the same queries come back often
    (examples, dashboards), and an rdflib parse costs milliseconds. Refusals are not cached."""
    text = unescape(query)
    check_shape(text, max_nesting, max_operators)
    form = query_form(text)
    lowered = text.lower()
    if "service" not in lowered and "from" not in lowered:
        return QueryInfo(form)
    parsed = _rdflib_parse(text)
    if "service" in lowered:
        _refuse_service(parsed)  # on the parse itself: translating moves FILTERs out of it
    if parsed is None or not _resolved(parsed):  # the engine reads it and gives any error
        return QueryInfo(form)
    default, named = _dataset_clauses(parsed)
    return QueryInfo(form, default, named)


def _rdflib_parse(query: str) -> Any | None:
    """rdflib's parse of ``query``, or None if rdflib cannot read it."""
    try:
        with _RDFLIB_LOCK:
            return parseQuery(query)
    except Exception:  # rdflib raises assorted types (RecursionError included)
        return None


def _resolved(parsed: Any) -> bool:
    """Resolve prefixed names and relative IRIs in ``parsed`` (in place); False if rdflib
    cannot."""
    try:
        with _RDFLIB_LOCK:
            translateQuery(parsed)
    except Exception:  # rdflib raises assorted types
        return False
    return True


def _refuse_service(parsed: Any | None) -> None:
    if parsed is None:
        raise QueryRefused(SERVICE_MESSAGE + " (this query could not be checked for SERVICE)")
    if any(node.name == "ServiceGraphPattern" for node in _nodes(parsed)):
        raise QueryRefused(SERVICE_MESSAGE)


def _nodes(tree: Any) -> Iterator[CompValue]:
    """Every :class:`CompValue` anywhere in an rdflib parse: patterns, expressions (``EXISTS``
    graphs included), modifiers — a walk over all values, not the algebra's own traversal."""
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _dataset_clauses(parsed: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graph IRIs of the ``FROM`` and ``FROM NAMED`` clauses of an rdflib parse."""
    # CompValue.get's second argument is not a default, hence the explicit test
    clauses = parsed[1]["datasetClause"] if "datasetClause" in parsed[1] else []  # noqa: SIM401
    default = tuple(str(clause["default"]) for clause in clauses if "default" in clause)
    named = tuple(str(clause["named"]) for clause in clauses if "named" in clause)
    return default, named


def known_graphs(iris: tuple[str, ...], graphs: Collection[str], empty: str) -> tuple[str, ...]:
    """``iris`` with every graph the store lacks replaced by ``empty`` (a graph that is always
    empty): an unknown graph in a dataset is an empty graph, never a fetch."""
    return tuple(iri if iri in graphs else empty for iri in iris)


def dataset_request(request: QueryRequest, info: QueryInfo) -> tuple[tuple[str, ...], ...]:
    """The dataset in force: the protocol's parameters, else the query's FROM clauses."""
    if request.default_graph_uris or request.named_graph_uris:
        return request.default_graph_uris, request.named_graph_uris
    return info.from_graphs, info.from_named_graphs


def check_format(fmt: Format, info: QueryInfo) -> None:
    """Refuse a result format that cannot carry the query's result (a graph vs. bindings)."""
    if (fmt.kind is Kind.RDF) != info.form.returns_graph:
        raise QueryError(f"{fmt.name} cannot carry the result of a {info.form.value} query")
