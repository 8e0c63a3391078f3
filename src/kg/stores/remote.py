"""The remote backend: any SPARQL 1.1 store over HTTP (Oxigraph server, Virtuoso, Fuseki …).

Queries are checked locally first (nothing refused is ever sent), run on the store with our
dataset named explicitly (the union of our named graphs, as in the embedded store), fetched in a
format we convert faithfully (SPARQL JSON/XML results, N-Triples) and re-serialised by pyoxigraph
in the format the client asked for. The time limit is ours: the HTTP call is abandoned at the
deadline, and stores that accept a per-query timeout get it too. Differences between stores live
in the :data:`DIALECTS` table; HTTP itself (pooled connections, credentials) in
:mod:`kg.stores.http`. Our graphs and the data version are read from the manifest ``kg load``
writes (:data:`MANIFEST`); ``load`` puts graphs with the Graph Store Protocol
(:mod:`kg.stores.graph_store`). Endpoints and credentials are settings: ``store`` (the SPARQL
query URL), ``store_gsp_url`` (when the Graph Store is not where the dialect says),
``store_user`` and ``store_password`` (HTTP basic or digest; environment only, never options).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL

from kg.config import Settings
from kg.formats import Format
from kg.loading import GraphFile
from kg.namespaces import BASE_IRI, GRAPH, PREFIXES
from kg.stores import (
    GRAPH_SIZES_QUERY,
    LoadFailed,
    QueryError,
    QueryForm,
    QueryRequest,
    QueryTimeout,
    StoreUnavailable,
    guard,
)
from kg.stores.graph_store import GraphStore, GraphStoreError
from kg.stores.http import HttpClient, Response
from kg.stores.results import too_large, write_rows, write_solutions, xml_carriage_returns

REMOTE_SCHEMES = ("http://", "https://")
HEALTH_TIMEOUT = 3.0  # seconds: /healthz must answer quickly even when the store hangs
CACHE_SECONDS = 10.0  # how long the list of our graphs (and the data version) is reused
BYTES_PER_ROW = 4096  # the response-size cap is max_rows rows of this size
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.5"
STATUS_MESSAGE_CHARS = 500


def open(settings: Settings) -> RemoteStore:  # the backend-table entry point
    """The remote store named by ``settings.store`` (see :data:`kg.stores.BACKENDS`)."""
    return RemoteStore.open(settings)


open_for_loading = open  # a remote store is loaded through the same connection


def is_remote(store_setting: str) -> bool:
    """Whether the ``store`` setting names a remote SPARQL store (an HTTP(S) URL)."""
    return store_setting.startswith(REMOTE_SCHEMES)


XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"


def _same(body: bytes) -> bytes:
    return body


def _same_term(term: Any) -> Any:
    return term


def virtuoso_results(body: bytes) -> bytes:
    """Virtuoso labels blank nodes ``nodeID://b1`` in SPARQL JSON: make them valid labels."""
    return re.sub(rb'"nodeID://(\w+)"', rb'"\1"', body)


def virtuoso_term(term: Any) -> Any:
    """Virtuoso returns an ``xsd:duration`` as its number of seconds: write it as ISO 8601 again."""
    if not isinstance(term, ox.Literal) or term.datatype.value != XSD_DURATION:
        return term
    try:
        seconds = Decimal(term.value)
    except InvalidOperation:
        return term
    return ox.Literal(seconds_to_duration(seconds), datatype=ox.NamedNode(XSD_DURATION))


def seconds_to_duration(seconds: Decimal) -> str:
    """``7200`` -> ``PT2H``; ``5400.5`` -> ``PT1H30M0.5S`` (days and up stay hours)."""
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "H"), (minutes, "M"), (secs.normalize(), "S")]
    text = "".join(f"{int(v) if v == int(v) else v}{unit}" for v, unit in parts if v)
    return f"{sign}PT{text or '0S'}"


@dataclass(frozen=True)
class Dialect:
    """What differs between stores: where the Graph Store Protocol lives, timeouts, DESCRIBE,
    and the repairs their answers need before pyoxigraph reads them faithfully."""

    name: str
    server_header: str  # prefix of the ``Server`` response header that identifies the store
    gsp_path: str  # GSP URL relative to the query URL
    timeout_param: str | None = None  # query parameter taking the time limit in milliseconds
    describe_prologue: str = ""  # text put before a DESCRIBE query
    timeout_states: tuple[str, ...] = ()  # ``X-SQL-State`` values meaning "ran out of time"
    repair_results: Callable[[bytes], bytes] = _same  # applied to a SPARQL JSON body
    repair_term: Callable[[Any], Any] = _same_term  # applied to every term read ...
    repair_marker: bytes = b""  # ... of an answer containing this (a term-by-term pass is slow)
    query_faults: tuple[str, ...] = ()  # in a 5xx answer's text: the query is at fault (400)

    def repairs_terms(self, body: bytes) -> bool:
        """Whether the terms of an answer with ``body`` need :attr:`repair_term`."""
        return self.repair_term is not _same_term and self.repair_marker in body


DIALECTS: tuple[Dialect, ...] = (
    # Oxigraph server answers 500 to a query calling a function it lacks (xsd:byte(…), <urn:f>(…))
    Dialect("oxigraph", "Oxigraph", "store", query_faults=("is not supported",)),
    # Virtuoso: its DESCRIBE adds incoming triples unless told to give the concise bounded
    # description; with a timeout it answers 200 with *partial* results ("anytime query") and
    # says so in X-SQL-State, which we turn into a timeout rather than a wrong answer.
    Dialect(
        "virtuoso",
        "Virtuoso",
        "sparql-graph-crud-auth",
        "timeout",
        'define sql:describe-mode "CBD"\n',
        ("S1TAT", "S1T00"),
        virtuoso_results,
        virtuoso_term,
        XSD_DURATION.encode(),
    ),
    Dialect("generic", "", "store"),
)
GENERIC = DIALECTS[-1]


def dialect_for(server_header: str) -> Dialect:
    """The dialect whose ``Server`` header prefix matches; the generic one otherwise."""
    return next(
        (d for d in DIALECTS if d.server_header and server_header.startswith(d.server_header)),
        GENERIC,
    )


@dataclass(frozen=True)
class Endpoints:
    """The store's URLs and credentials."""

    query: str
    gsp: str | None = None
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Endpoints:
        """The endpoints the ``store*`` settings name."""
        return cls(
            settings.store, settings.store_gsp_url, settings.store_user, settings.store_password
        )

    def resolved(self, dialect: Dialect) -> Endpoints:
        """These endpoints with the GSP URL filled in from ``dialect``."""
        return replace(self, gsp=self.gsp or urllib.parse.urljoin(self.query, dialect.gsp_path))


def _status_error(response: Response, dialect: Dialect) -> Exception | None:
    """The exception a store's error status stands for (None when it is a success)."""
    if response.headers.get("x-sql-state") in dialect.timeout_states:
        return QueryTimeout("the query ran past the time limit on the store")
    if 200 <= response.status < 300:
        return None
    message = response.body.decode("utf-8", "replace").strip()[:STATUS_MESSAGE_CHARS]
    if response.status == 400 or any(fault in message for fault in dialect.query_faults):
        return QueryError(f"the store rejected the query: {message}")
    if response.status in (401, 403):
        return StoreUnavailable("the store refused our credentials (KG_STORE_USER/PASSWORD)")
    if "timed out" in message.lower() or "timeout" in message.lower():
        return QueryTimeout("the query ran past the time limit on the store")
    return StoreUnavailable(f"the store failed (HTTP {response.status})")


class RemoteStore:
    """A SPARQL 1.1 store over HTTP behind the store protocol."""

    def __init__(
        self, settings: Settings, endpoints: Endpoints, *, client: HttpClient | None = None
    ):
        self._settings = settings
        self._endpoints = endpoints
        self._client = client or HttpClient(endpoints.user, endpoints.password)
        self._dialect: Dialect | None = None
        self._graphs: tuple[str, ...] = ()
        self._version = "unknown"
        self._checked_at = float("-inf")

    @classmethod
    def open(cls, settings: Settings) -> RemoteStore:
        """The store at ``settings.store``; it need not answer yet (``/healthz`` tells)."""
        return cls(settings, Endpoints.from_settings(settings))

    @property
    def endpoints(self) -> Endpoints:
        """The store's URLs, update and GSP filled in once the store has answered."""
        return self._endpoints.resolved(self._dialect or GENERIC)

    @property
    def dialect(self) -> Dialect:
        """The dialect of the store, learnt from its ``Server`` header on first contact."""
        return self._dialect or GENERIC

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def client(self) -> HttpClient:
        return self._client

    @property
    def version(self) -> str:
        with contextlib.suppress(StoreUnavailable, QueryTimeout):
            self._refresh(self._health_timeout)
        return self._version

    def inspect(self, query: str) -> guard.QueryInfo:
        """The guard's findings on ``query`` (nothing refused is sent; the store checks syntax)."""
        return guard.inspect_for(self._settings, query)

    def query_form(self, query: str) -> QueryForm:
        return self.inspect(query).form

    def query(self, request: QueryRequest, fmt: Format, *, timeout: float | None = None) -> bytes:
        info = self.inspect(request.query)
        guard.check_format(fmt, info)
        limit = self._settings.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit  # one limit for all the calls this query makes
        self._refresh(limit)
        remaining = deadline - time.monotonic()
        try:
            response = self._send(request.query, self._dataset(request, info), remaining, info.form)
        except QueryTimeout as error:  # the same words as the embedded store's
            raise QueryTimeout(
                f"the query ran past the time limit of {limit:g} s ({error})"
            ) from None
        return convert(response, fmt, info.form, self._settings.max_rows, self.dialect)

    def graph_names(self) -> list[str]:
        self._refresh(self._settings.timeout)
        return list(self._graphs)

    @property
    def _health_timeout(self) -> float:
        return min(HEALTH_TIMEOUT, self._settings.timeout)

    def healthy(self) -> bool:
        try:
            self._probe(self._health_timeout)
        except (StoreUnavailable, QueryTimeout):
            return False
        return True

    def close(self) -> None:
        self._client.close()

    def load(
        self,
        graphs: Sequence[GraphFile],
        *,
        replace: bool = False,
        progress: Callable[[GraphFile], None] = lambda graph: None,
    ) -> list[str]:
        """PUT each graph (replacing it whole, so a rerun repairs a half-done load), after
        removing the manifest: until :meth:`stamp`, the store carries no data version."""
        if not self.healthy():
            raise StoreUnavailable(
                f"the store at {self._endpoints.query} does not answer; nothing was loaded"
            )
        store = self._graph_store()
        all_iris = [graph.iri for graph in graphs]
        try:
            store.delete(MANIFEST, missing_ok=True)
        except GraphStoreError as error:
            reason = f"could not remove the manifest: {error}"
            raise LoadFailed(MANIFEST, reason, [], all_iris) from error
        for position, graph in enumerate(graphs):
            try:
                store.put(graph.iri, graph.ntriples)
            except GraphStoreError as error:
                raise LoadFailed(
                    graph.iri, str(error), all_iris[:position], all_iris[position + 1 :]
                ) from error
            progress(graph)
        self._checked_at = float("-inf")  # our graphs and version are read again
        stale = sorted(set(self.graph_sizes()) - set(all_iris)) if replace else []
        for position, iri in enumerate(stale):
            try:
                store.delete(iri)
            except GraphStoreError as error:
                reason = f"could not remove stale graph: {error}"
                raise LoadFailed(iri, reason, all_iris, stale[position + 1 :]) from error
        return stale

    def graph_sizes(self) -> dict[str, int]:
        rows = self.select(GRAPH_SIZES_QUERY, timeout=self._settings.load_timeout)
        return {row["g"].value: int(row["n"].value) for row in rows}

    def stamp(self, version: str, graphs: Sequence[str]) -> None:
        """Write the manifest naming ``graphs`` and ``version``."""
        try:
            self._graph_store().put(MANIFEST, manifest_ntriples(version, graphs))
        except GraphStoreError as error:
            reason = f"could not write the manifest: {error}"
            raise LoadFailed(MANIFEST, reason, graphs, []) from error
        self._checked_at = float("-inf")

    def _graph_store(self) -> GraphStore:
        gsp = self.endpoints.gsp
        assert gsp is not None  # resolved from the dialect
        return GraphStore(self._client, gsp, self._settings.load_timeout)

    def select(self, query: str, *, timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a SELECT of our own (no dataset added) and return rows of pyoxigraph terms."""
        response = self._send(query, (), timeout or self._settings.timeout, QueryForm.SELECT)
        try:
            solutions = _parse_results(response, self.dialect)
            assert isinstance(solutions, ox.QuerySolutions)
            names = [variable.value for variable in solutions.variables]
            return [{n: row[n] for n in names if row[n] is not None} for row in solutions]
        except SyntaxError as error:
            raise StoreUnavailable(f"the store's answer could not be read: {error}") from error

    def _probe(self, timeout: float) -> None:
        """Ask the store ``ASK {}``; learn its dialect; raise if it does not answer."""
        self._send("ASK {}", (), timeout, QueryForm.ASK)

    def _refresh(self, timeout: float) -> None:
        """Re-read our graphs and the data version when the cache has expired.

        Both come from the manifest ``kg load`` writes (one small query); without one, from the
        sizes of the graphs in our namespace (a count over the whole store). If the store does
        not answer, the last list known is kept for another period; without one the error is
        raised (the caller answers 503).
        """
        if time.monotonic() - self._checked_at < CACHE_SECONDS:
            return
        try:
            self._graphs, self._version = self._manifest(timeout) or self._counted(timeout)
        except (StoreUnavailable, QueryTimeout):
            if not self._graphs:
                raise
        self._checked_at = time.monotonic()

    def _manifest(self, timeout: float) -> tuple[tuple[str, ...], str] | None:
        """Our graphs and the data version as the last complete ``kg load`` recorded them."""
        rows = self.select(MANIFEST_QUERY, timeout=timeout)
        if not rows:
            return None
        return tuple(sorted({row["graph"].value for row in rows})), rows[0]["version"].value

    def _counted(self, timeout: float) -> tuple[tuple[str, ...], str]:
        """Our graphs, and a version that changes with their sizes."""
        rows = self.select(GRAPH_SIZES_QUERY, timeout=timeout)
        sizes = sorted((str(row["g"].value), str(row["n"].value)) for row in rows)
        version = hashlib.sha256(repr(sizes).encode()).hexdigest()[:16]
        return tuple(name for name, _ in sizes), version

    def _dataset(self, request: QueryRequest, info: guard.QueryInfo) -> list[tuple[str, str]]:
        """The protocol dataset to send: the client's, else the query's FROM, else all ours.

        The dataset is always named explicitly, so every store sees the same one: our graphs'
        union as default graph (Virtuoso's implicit default graph also holds its system graphs,
        Fuseki's none), and FROM honoured (Oxigraph server ignores it under
        ``--union-default-graph``). An empty part, or a graph the store lacks, is named by a
        graph that never holds data.
        """
        if request.default_graph_uris or request.named_graph_uris or info.has_dataset:
            default, named = guard.dataset_request(request, info)
            # a graph the store lacks is an empty graph: never named to the store (no fetch)
            default = guard.known_graphs(default, self._graphs, EMPTY_GRAPH)
            named = guard.known_graphs(named, self._graphs, EMPTY_GRAPH)
        else:
            default = named = self._graphs
        return [
            *(("default-graph-uri", iri) for iri in default or (EMPTY_GRAPH,)),
            *(("named-graph-uri", iri) for iri in named or (EMPTY_GRAPH,)),
        ]

    def _send(
        self, query: str, params: Sequence[tuple[str, str]], limit: float, form: QueryForm
    ) -> Response:
        """POST ``query`` (form-encoded) to the query URL and check the answer's status."""
        dialect = self._dialect or GENERIC
        if form is QueryForm.DESCRIBE:
            query = dialect.describe_prologue + query
        fields = [("query", query), *params]
        if dialect.timeout_param:
            fields.append((dialect.timeout_param, str(max(1, round(limit * 1000)))))
        response = self._client.send(
            "POST",
            self._endpoints.query,
            timeout=limit,
            max_bytes=self._settings.max_rows * BYTES_PER_ROW,
            body=urllib.parse.urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": GRAPH_ACCEPT if form.returns_graph else RESULTS_ACCEPT,
            },
        )
        if self._dialect is None and 200 <= response.status < 300:
            self._dialect = dialect_for(response.headers.get("server", ""))
        error = _status_error(response, dialect)
        if error is not None:
            raise error
        return response


EMPTY_GRAPH = str(GRAPH["none"])  # names an empty part of a dataset (no file is called that)
# The manifest: a small graph outside our graph namespace that ``kg load`` writes last, once every
# graph is in place and counted, naming our graphs and the data version (the sources'
# fingerprint, as the embedded store's). It is removed first when a load begins.
MANIFEST = BASE_IRI + "load-manifest"
MANIFEST_QUERY = f"""
SELECT ?version ?graph WHERE {{
  GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{OWL.versionInfo}> ?version ; <{DCTERMS.hasPart}> ?graph }}
}}
"""


def manifest_ntriples(version: str, graphs: Sequence[str]) -> bytes:
    """The manifest graph naming ``graphs`` and the data ``version``, as N-Triples."""
    subject = ox.NamedNode(MANIFEST)
    triples = [ox.Triple(subject, ox.NamedNode(str(OWL.versionInfo)), ox.Literal(version))]
    part = ox.NamedNode(str(DCTERMS.hasPart))
    triples += [ox.Triple(subject, part, ox.NamedNode(graph)) for graph in graphs]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _parse_results(response: Response, dialect: Dialect) -> ox.QuerySolutions | ox.QueryBoolean:
    """The store's SELECT/ASK answer, parsed whatever supported format it chose."""
    fmt = ox.QueryResultsFormat.from_media_type(response.media_type)
    if fmt is None:
        raise StoreUnavailable(
            f"the store answered in an unexpected format ({response.media_type})"
        )
    body = (
        dialect.repair_results(response.body)
        if fmt == ox.QueryResultsFormat.JSON
        else response.body
    )
    return ox.parse_query_results(body, fmt)


def _parse_triples(response: Response, dialect: Dialect) -> list[ox.Triple]:
    """The store's CONSTRUCT/DESCRIBE answer as a list of triples."""
    fmt = ox.RdfFormat.from_media_type(response.media_type)
    if fmt is None:
        raise StoreUnavailable(
            f"the store answered in an unexpected format ({response.media_type})"
        )
    quads = ox.parse(response.body, fmt)
    if not dialect.repairs_terms(response.body):
        return [quad.triple for quad in quads]
    fix = dialect.repair_term
    return [ox.Triple(q.subject, q.predicate, fix(q.object)) for q in quads]


def convert(
    response: Response, fmt: Format, form: QueryForm, max_rows: int, dialect: Dialect = GENERIC
) -> bytes:
    """Re-serialise the store's answer in ``fmt``, as the embedded store writes it; cap rows."""
    try:
        if form.returns_graph:
            return _write_triples(_parse_triples(response, dialect), fmt, max_rows)
        results = _parse_results(response, dialect)
        if isinstance(results, ox.QueryBoolean):
            return results.serialize(format=fmt.oxigraph) or b""  # type: ignore[arg-type]
        if not dialect.repairs_terms(response.body):
            return write_solutions(results, fmt, max_rows)  # all in pyoxigraph
        return _write_repaired(results, fmt, max_rows, dialect)
    except SyntaxError as error:
        raise StoreUnavailable(f"the store's answer could not be read: {error}") from error


def _write_triples(triples: list[ox.Triple], fmt: Format, max_rows: int) -> bytes:
    _check_size(len(triples), max_rows)
    items: list[ox.Triple] | list[ox.Quad] = triples
    if fmt.datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    body = ox.serialize(items, format=fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]
    return xml_carriage_returns(body or b"", fmt)


def _write_repaired(
    results: ox.QuerySolutions, fmt: Format, max_rows: int, dialect: Dialect
) -> bytes:
    """``results`` with every term repaired by ``dialect``, in ``fmt`` (rows held in Python)."""
    variables = [variable.value for variable in results.variables]
    fix = dialect.repair_term
    rows = [tuple(fix(term) for term in solution) for solution in results]
    _check_size(len(rows), max_rows)
    return write_rows(variables, rows, fmt)


def _check_size(rows: int, max_rows: int) -> None:
    if rows > max_rows:
        raise too_large(max_rows)
