"""Backend-independent safety checks on a SPARQL request, done before any store sees it.

Every backend (embedded Oxigraph, a remote SPARQL 1.1 store) calls :func:`inspect` first. Queries
are read by real parsers, never by pattern matching: Oxigraph's parser (on an empty store, which
evaluates nothing) checks the syntax and gives the form; rdflib's SPARQL parser is consulted only
when the text contains ``service``, ``from`` or ``describe`` — a cheap substring test that keeps the
hot path at one Oxigraph parse — to find ``SERVICE`` clauses, ``FROM`` graphs and DESCRIBE queries.

What it refuses, and why:

- SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, …): the service is read-only.
- ``SERVICE``: Oxigraph would send the sub-query over HTTP; the service makes no outbound requests.
  A query that mentions ``service`` but that rdflib cannot parse is refused too: it cannot be
  shown to be safe.
- ``FROM`` / ``FROM NAMED`` / ``default-graph-uri`` / ``named-graph-uri`` naming a graph that is
  not in the store: nothing is ever fetched, so such a dataset would silently be empty.
- a query longer than the limit.

rdflib's parser (pyparsing, with a process-wide packrat cache) is not thread-safe: a remote
store's threaded workers check queries concurrently, so rdflib parses one query at a time
(:data:`_RDFLIB_LOCK`); Oxigraph's parser needs no lock.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.formats import Format, Kind
from kg.stores import QueryError, QueryForm, QueryRefused, QueryRequest, QueryTooLong

READ_ONLY_MESSAGE = "this endpoint is read-only; SPARQL Update is not accepted"
SERVICE_MESSAGE = (
    "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests"
)

_EMPTY = ox.Store()  # parses queries; with no data, evaluating them costs nothing
_RDFLIB_LOCK = threading.Lock()  # rdflib's parser is not thread-safe
_RDFLIB_FORMS = {
    "SelectQuery": QueryForm.SELECT,
    "AskQuery": QueryForm.ASK,
    "ConstructQuery": QueryForm.CONSTRUCT,
    "DescribeQuery": QueryForm.DESCRIBE,
}


@dataclass(frozen=True)
class QueryInfo:
    """What the guard learnt about a query: its form and the graphs its dataset clauses name."""

    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def inspect(query: str, *, max_length: int) -> QueryInfo:
    """Check ``query`` and return its form and dataset; raise :class:`QueryError` if refused."""
    if len(query) > max_length:
        raise QueryTooLong(f"the query is {len(query)} characters long; the limit is {max_length}")
    return _analyse(query)


@lru_cache(maxsize=1024)
def _analyse(query: str) -> QueryInfo:
    """The parsers' findings on ``query``, cached per process: the same queries come back often
    (examples, dashboards), and an rdflib parse costs milliseconds. Refusals are not cached."""
    lowered = query.lower()
    parsed = _rdflib_parse(query) if _needs_full_parse(lowered) else None
    if "service" in lowered:
        _refuse_service(parsed)
    form = _oxigraph_form(query)  # after the SERVICE check: an ASK is evaluated at once
    if parsed is None:
        return QueryInfo(form)
    default, named = _dataset_clauses(parsed)
    return QueryInfo(_RDFLIB_FORMS.get(parsed[1].name, form), default, named)


def _needs_full_parse(lowered: str) -> bool:
    return any(word in lowered for word in ("service", "from", "describe"))


def _rdflib_parse(query: str) -> Any | None:
    """rdflib's parse of ``query`` with prefixes resolved, or None if rdflib cannot read it."""
    try:
        with _RDFLIB_LOCK:
            parsed = parseQuery(query)
            translateQuery(parsed)  # resolves prefixed names and relative IRIs in place
    except Exception:  # rdflib raises assorted types; Oxigraph gives the user's message
        return None
    return parsed


def _refuse_service(parsed: Any | None) -> None:
    if parsed is None:
        raise QueryRefused(SERVICE_MESSAGE + " (this query could not be checked for SERVICE)")
    found: list[CompValue] = []
    traverse(parsed[1], visitPre=lambda node: _collect_service(node, found))
    if found:
        raise QueryRefused(SERVICE_MESSAGE)


def _collect_service(node: Any, found: list[CompValue]) -> None:
    if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
        found.append(node)


def _oxigraph_form(query: str) -> QueryForm:
    """The form Oxigraph's parser finds; a syntax error or an update raises QueryError."""
    try:
        result = _EMPTY.query(query)
    except SyntaxError as error:
        if _is_update(query):
            raise QueryRefused(READ_ONLY_MESSAGE) from None
        raise QueryError(str(error)) from None
    if isinstance(result, ox.QuerySolutions):
        return QueryForm.SELECT
    if isinstance(result, ox.QueryBoolean):
        return QueryForm.ASK
    return QueryForm.CONSTRUCT


def _is_update(text: str) -> bool:
    try:
        with _RDFLIB_LOCK:
            parseUpdate(text)
    except (ParseException, Exception):
        return False
    return True


def _dataset_clauses(parsed: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graph IRIs of the ``FROM`` and ``FROM NAMED`` clauses of an rdflib parse."""
    # CompValue.get's second argument is not a default, hence the explicit test
    clauses = parsed[1]["datasetClause"] if "datasetClause" in parsed[1] else []  # noqa: SIM401
    default = tuple(str(clause["default"]) for clause in clauses if "default" in clause)
    named = tuple(str(clause["named"]) for clause in clauses if "named" in clause)
    return default, named


def check_dataset(request: QueryRequest, info: QueryInfo, graphs: Collection[str]) -> None:
    """Refuse a dataset (protocol parameters or FROM clauses) naming graphs the store lacks."""
    named = (
        *request.default_graph_uris,
        *request.named_graph_uris,
        *info.from_graphs,
        *info.from_named_graphs,
    )
    missing = sorted({iri for iri in named if iri not in graphs})
    if missing:
        listed = ", ".join(f"<{iri}>" for iri in missing)
        raise QueryError(
            f"unknown graph {listed}: this endpoint never fetches remote data; a dataset may only "
            "name the graphs of the store (listed in the service description at GET /sparql)"
        )


def check_format(fmt: Format, info: QueryInfo) -> None:
    """Refuse a result format that cannot carry the query's result (a graph vs. bindings)."""
    if (fmt.kind is Kind.RDF) != info.form.returns_graph:
        raise QueryError(f"{fmt.name} cannot carry the result of a {info.form.value} query")
