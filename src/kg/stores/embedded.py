"""The embedded store: pyoxigraph, in memory or in a folder, one named graph per source file.

In memory (``store = "memory"``) the graph is loaded once; a server loads it before forking its
workers, which share it copy-on-write. In a folder (``store = PATH``) a persistent RocksDB store is
built when the sources changed (a version stamp records their fingerprint) and otherwise reused;
each process opens it read-only on first use, so no open database is ever shared across ``fork``.
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import Settings
from kg.formats import FORMATS_BY_NAME, Format
from kg.loading import (
    GraphFile,
    LoadError,
    fingerprint,
    graph_files,
    source_paths,
    syntax_error,
)
from kg.namespaces import PREFIXES
from kg.query.evaluators import EvaluatorPool, Hatchery, Job
from kg.stores import (
    GRAPH_SIZES_QUERY,
    LoadFailed,
    QueryError,
    QueryForm,
    QueryRequest,
    ResultTooLarge,
    StoreUnavailable,
    guard,
)
from kg.stores.results import too_large, write_solutions, xml_carriage_returns

VERSION_STAMP = "kg-version"


def open(settings: Settings) -> EmbeddedStore:
    """The embedded store of ``settings`` (see :data:`kg.stores.BACKENDS`)."""
    return EmbeddedStore.open(settings)


def open_for_loading(settings: Settings) -> EmbeddedStore:
    """The persistent store in folder ``settings.store``, writable, for ``kg load``."""
    folder = Path(settings.store)
    if folder.exists() and any(folder.iterdir()) and not (folder / VERSION_STAMP).is_file():
        raise LoadError(folder, "not an officials-kg store folder (no version stamp); refusing")
    return EmbeddedStore(partial(ox.Store, str(folder)), "", frozenset(), settings, folder)


def load_into(store: ox.Store, graphs: Sequence[GraphFile]) -> None:
    """Bulk-load each of ``graphs`` from its Turtle file into its named graph of ``store``."""
    for graph in graphs:
        try:
            store.bulk_load(
                path=str(graph.path),
                format=ox.RdfFormat.TURTLE,
                base_iri=graph.path.resolve().as_uri(),
                to_graph=ox.NamedNode(graph.iri),
            )
        except SyntaxError as error:
            raise syntax_error(graph.path, error) from error


def build_persistent(folder: Path, settings: Settings, version: str) -> None:
    """(Re)build the RocksDB store in ``folder`` unless its stamp already says ``version``."""
    stamp = folder / VERSION_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == version:
        return
    writable = open_for_loading(settings.replace(store=str(folder)))
    if folder.exists():
        shutil.rmtree(folder)  # a rebuild from scratch leaves nothing stale behind
    graphs = graph_files(settings)
    load_into(writable.oxigraph(), graphs)
    writable.stamp(version, [graph.iri for graph in graphs])
    writable.close()


class EmbeddedStore:
    """An Oxigraph store in this process; the default graph is the union of the named graphs."""

    def __init__(
        self,
        opener: Callable[[], ox.Store],
        version: str,
        graphs: frozenset[str],
        settings: Settings,
        folder: Path | None = None,
    ):
        self._opener = opener
        self._folder = folder  # a persistent store's folder (its version stamp lives there)
        self._opened: tuple[int, ox.Store] | None = None
        self._opening = threading.Lock()  # a threaded worker's requests open the store once
        self._version = version
        self._graphs = graphs
        self._settings = settings
        self._hatchery = Hatchery(self._evaluate, settings.query_memory_mb)
        self._evaluators = EvaluatorPool(self._hatchery, settings.query_memory_mb)

    @classmethod
    def open(cls, settings: Settings) -> EmbeddedStore:
        """Load the graph of ``settings`` in memory, or build / reuse the persistent store.

        The evaluators' hatchery is forked right away, while the opener is most likely the only
        thread: forked later from a request thread of a threaded process, it could inherit a lock
        another thread held at that moment and wait for it forever.
        """
        version = fingerprint(source_paths(settings))
        files = graph_files(settings)
        graphs = frozenset(graph.iri for graph in files)
        if settings.store == "memory":
            memory = ox.Store()
            load_into(memory, files)
            store = cls(lambda: memory, version, graphs, settings)
        else:
            folder = Path(settings.store)
            build_persistent(folder, settings, version)
            store = cls(partial(ox.Store.read_only, str(folder)), version, graphs, settings)
        store.start_evaluators()
        return store

    @property
    def version(self) -> str:
        return self._version

    def oxigraph(self) -> ox.Store:
        """The open pyoxigraph store of this process (for our own reads and writes only)."""
        return self._store()

    def _store(self) -> ox.Store:
        """The open store of this process (opened on first use after a fork)."""
        opened = self._opened
        if opened is not None and opened[0] == os.getpid():
            return opened[1]
        with self._opening:
            if self._opened is None or self._opened[0] != os.getpid():
                try:
                    self._opened = (os.getpid(), self._opener())
                except OSError as error:
                    raise StoreUnavailable(f"the store cannot be opened: {error}") from error
        return self._opened[1]

    def inspect(self, query: str) -> guard.QueryInfo:
        """The guard's findings on ``query`` (nothing is evaluated)."""
        return guard.inspect_for(self._settings, query)

    def query_form(self, query: str) -> QueryForm:
        return self.inspect(query).form

    def start_evaluators(self) -> None:
        """Start the process that forks evaluators now (a server calls this before forking its
        workers, so that evaluators are forked from a process that holds nothing else)."""
        self._hatchery.address  # noqa: B018 - starts it

    def query(self, request: QueryRequest, fmt: Format, *, timeout: float | None = None) -> bytes:
        """Evaluate in an evaluator process under ``timeout`` (default: the ``timeout`` setting;
        internal readers are bounded too)."""
        timeout = self._settings.timeout if timeout is None else timeout
        info = self.inspect(request.query)
        guard.check_format(fmt, info)
        job: Job = {
            "query": request.query,
            "form": info.form.value,
            "format": fmt.name,
            "dataset": _dataset_options(request, info),
        }
        return self._evaluators.run(job, timeout)

    def _evaluate(self, job: Job) -> bytes:
        """Run and serialise one job, in an evaluator process (evaluation is lazy, so both
        belong inside the time limit); the engine's errors become the client's messages."""
        form, fmt = QueryForm(job["form"]), FORMATS_BY_NAME[job["format"]]
        try:
            result = self._store().query(job["query"], **_oxigraph_dataset(job["dataset"]))
            _check_form(result, form)
            return _WRITE[form](result, fmt, self._settings.max_rows)
        except ResultTooLarge:
            raise
        except SyntaxError as error:
            raise QueryError(str(error)) from None
        except RuntimeError as error:  # an unsupported function, a failed evaluation
            raise QueryError(f"the query cannot be evaluated: {error}") from None
        except OSError as error:
            raise StoreUnavailable(f"the store failed: {error}") from error

    def graph_names(self) -> list[str]:
        return sorted(self._graphs)

    def healthy(self) -> bool:
        try:
            self._store()
        except StoreUnavailable:
            return False
        return True

    def load(
        self,
        graphs: Sequence[GraphFile],
        *,
        replace: bool = False,
        progress: Callable[[GraphFile], None] = lambda graph: None,
    ) -> list[str]:
        store = self._store()
        self._version = ""
        self._forget_stamp()
        for position, graph in enumerate(graphs):
            try:
                store.remove_graph(ox.NamedNode(graph.iri))
                load_into(store, [graph])
            except (LoadError, OSError) as error:
                done = [g.iri for g in graphs[:position]]
                raise LoadFailed(
                    graph.iri, str(error), done, [g.iri for g in graphs[position + 1 :]]
                ) from error
            progress(graph)
        wanted = {graph.iri for graph in graphs}
        stale = sorted(set(self.graph_sizes()) - wanted) if replace else []
        for iri in stale:
            store.remove_graph(ox.NamedNode(iri))
        self._graphs = frozenset(wanted | (set(self._graphs) - set(stale)))
        store.flush()
        return stale

    def graph_sizes(self) -> dict[str, int]:
        rows = self._store().query(GRAPH_SIZES_QUERY)
        assert isinstance(rows, ox.QuerySolutions)
        return {row["g"].value: int(row["n"].value) for row in rows}

    def stamp(self, version: str, graphs: Sequence[str]) -> None:
        self._version = version
        self._graphs = frozenset(graphs)
        if self._folder is not None:
            (self._folder / VERSION_STAMP).write_text(version + "\n", encoding="utf-8")

    def _forget_stamp(self) -> None:
        if self._folder is not None:
            (self._folder / VERSION_STAMP).unlink(missing_ok=True)

    def close(self) -> None:
        self._evaluators.close()
        self._opened = None
        gc.collect()  # closes a RocksDB store before any fork


def _dataset_options(request: QueryRequest, info: guard.QueryInfo) -> dict[str, Any]:
    """The dataset to evaluate on: protocol parameters, else FROM clauses, else the union.

    Oxigraph ignores FROM when asked for the union default graph, so the union is only asked
    for when neither the protocol nor the query names a dataset. A graph the store lacks is
    simply empty (Oxigraph never fetches it).
    """
    if request.default_graph_uris or request.named_graph_uris:
        return {"default": request.default_graph_uris, "named": request.named_graph_uris}
    return {"union": not info.has_dataset}


def _oxigraph_dataset(dataset: dict[str, Any]) -> dict[str, Any]:
    """pyoxigraph's dataset options for a job's ``dataset``."""
    if "union" in dataset:
        return {"use_default_graph_as_union": dataset["union"]}
    return {
        "default_graph": [ox.NamedNode(iri) for iri in dataset["default"]],
        "named_graphs": [ox.NamedNode(iri) for iri in dataset["named"]],
    }


_RESULT_FORMS: dict[type, tuple[QueryForm, ...]] = {
    ox.QuerySolutions: (QueryForm.SELECT,),
    ox.QueryBoolean: (QueryForm.ASK,),
    ox.QueryTriples: (QueryForm.CONSTRUCT, QueryForm.DESCRIBE),
}


def _check_form(result: Any, form: QueryForm) -> None:
    """The engine's result must be of the form read from the query's prologue."""
    if form not in _RESULT_FORMS.get(type(result), ()):
        raise QueryError(f"the query is not a {form.value} query")


def _capped(items: Iterator[Any], max_rows: int) -> list[Any]:
    """At most ``max_rows`` items; :class:`ResultTooLarge` when there are more."""
    taken = list(islice(items, max_rows + 1))
    if len(taken) > max_rows:
        raise too_large(max_rows)
    return taken


def _write_boolean(result: Any, fmt: Format, max_rows: int) -> bytes:
    body: bytes = result.serialize(format=fmt.oxigraph)
    return body


def _write_triples(result: Any, fmt: Format, max_rows: int) -> bytes:
    triples = _capped(result, max_rows)
    if fmt.datasets:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]
    return xml_carriage_returns(body or b"", fmt)


_WRITE: dict[QueryForm, Callable[[Any, Format, int], bytes]] = {
    QueryForm.SELECT: write_solutions,
    QueryForm.ASK: _write_boolean,
    QueryForm.CONSTRUCT: _write_triples,
    QueryForm.DESCRIBE: _write_triples,
}
