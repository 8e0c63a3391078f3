"""The store interface the web layer and CLI talk to, and the table of backends.

A backend answers SPARQL queries already serialised in the requested format; everything above it
(protocol, negotiation, linked data, UI) is backend-agnostic. ``open_store`` picks the backend from
the ``store`` setting (:data:`BACKENDS`): ``memory``, a folder path (persistent embedded store)
or an ``http(s)://`` URL.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from types import ModuleType
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from kg.config import Settings
from kg.formats import Format
from kg.loading import GraphFile
from kg.namespaces import GRAPH, bind_prefixes
from kg.terms import rdflib_graph


class QueryForm(Enum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


class QueryError(Exception):
    """A client's mistake in a query (HTTP 400): the message is the parser's, safe to show."""


class QueryRefused(QueryError):
    """A well-formed request this read-only, no-outbound service will not run (updates, SERVICE)."""


class QueryTooLong(QueryRefused):
    """The query is longer than the ``max_query_length`` setting (HTTP 413)."""


class QueryTimeout(Exception):
    """The query ran past the time limit and was stopped (HTTP 503)."""


class QueryAborted(Exception):
    """The engine stopped on the query (memory ceiling, engine fault); nothing else hurt (503)."""


class OverBudget(Exception):
    """The client used up its share of query time for now (HTTP 429 with ``Retry-After``)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class ResultTooLarge(Exception):
    """The result exceeds the row cap (HTTP 503 with a hint to add LIMIT)."""


class StoreUnavailable(Exception):
    """The store cannot be reached or failed (HTTP 503)."""


class LoadFailed(Exception):
    """Loading stopped at one graph: which, why, and what was loaded before it."""

    def __init__(
        self, graph: str, reason: str, loaded: Sequence[str], not_attempted: Sequence[str]
    ):
        super().__init__(f"{graph}: {reason}")
        self.graph = graph
        self.reason = reason
        self.loaded = list(loaded)
        self.not_attempted = list(not_attempted)


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query with its protocol dataset (``default-graph-uri`` / ``named-graph-uri``)."""

    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()


class Store(Protocol):
    """What every backend provides."""

    @property
    def version(self) -> str:
        """The data version: changes whenever the served data changes (ETags, caches)."""
        ...

    def query_form(self, query: str) -> QueryForm:
        """Parse ``query`` without running it; raise :class:`QueryError` if it is not acceptable."""
        ...

    def query(self, request: QueryRequest, fmt: Format, *, timeout: float | None = None) -> bytes:
        """Run the query and return its result serialised in ``fmt``."""
        ...

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs (one per source file)."""
        ...

    def healthy(self) -> bool:
        """Whether the store answers right now."""
        ...

    def load(
        self,
        graphs: Sequence[GraphFile],
        *,
        replace: bool = False,
        progress: Callable[[GraphFile], None] = lambda graph: None,
    ) -> list[str]:
        """Put each of ``graphs`` in the store, replacing its namesake; with ``replace``, also
        drop our other graphs (their IRIs are returned). The store holds no data version until
        :meth:`stamp`. Raises :class:`LoadFailed` (or :class:`StoreUnavailable`)."""
        ...

    def graph_sizes(self) -> dict[str, int]:
        """The number of triples in each of our named graphs."""
        ...

    def stamp(self, version: str, graphs: Sequence[str]) -> None:
        """Record the data version of a complete, checked load of ``graphs``."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


GRAPH_SIZES_QUERY = f"""
SELECT ?g (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?g), "{GRAPH}"))
}} GROUP BY ?g
"""

# URL scheme of the ``store`` setting -> module whose ``open(settings)`` builds the backend;
# anything else (``memory`` or a folder) is the embedded store.
BACKENDS: dict[str, str] = {"http": "kg.stores.remote", "https": "kg.stores.remote"}


def _backend(settings: Settings) -> ModuleType:
    scheme = settings.store.partition("://")[0].lower() if "://" in settings.store else ""
    return importlib.import_module(BACKENDS.get(scheme, "kg.stores.embedded"))


def open_store(settings: Settings) -> Store:
    """The backend named by ``settings.store``, loaded and ready to answer."""
    store: Store = _backend(settings).open(settings)
    return store


def open_for_loading(settings: Settings) -> Store:
    """The store named by ``settings.store`` (a URL or a folder), opened to be loaded."""
    store: Store = _backend(settings).open_for_loading(settings)
    return store


def select_rows(store: Store, query: str) -> list[dict[str, Node]]:
    """Run a SELECT on ``store``; each row maps variable name to rdflib term (unbound left out)."""
    from kg.formats import FORMATS_BY_NAME

    body = store.query(QueryRequest(query), FORMATS_BY_NAME["json"])
    result = Result.parse(io.BytesIO(body), format="json")
    return [
        {str(var): value for var, value in row.asdict().items() if value is not None}
        for row in result
        if isinstance(row, ResultRow)
    ]


def construct_triples(store: Store, query: str) -> list[ox.Triple]:
    """Run a CONSTRUCT or DESCRIBE on ``store``; its distinct triples, as pyoxigraph terms."""
    from kg.formats import FORMATS_BY_NAME

    body = store.query(QueryRequest(query), FORMATS_BY_NAME["ntriples"])
    quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return list(dict.fromkeys(quad.triple for quad in quads))


def construct_graph(store: Store, query: str) -> Graph:
    """Run a CONSTRUCT or DESCRIBE on ``store`` and return the triples as an rdflib graph."""
    return bind_prefixes(rdflib_graph(construct_triples(store, query)))
