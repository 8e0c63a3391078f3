"""``kg load``: push the validated graph into a remote SPARQL store, one named graph per file.

Nothing non-conforming is ever pushed: the SHACL validation runs first. Each source file is sent
as N-Triples with a Graph Store Protocol ``PUT`` (which replaces that graph whole, so a rerun is
harmless and repairs a half-done load), then the triple count of every graph in the store is
compared with the source. ``replace=True`` also deletes graphs under our graph namespace that no
source file produces any more (a renamed or removed file), so the store holds exactly our dataset.
The manifest (:data:`kg.stores.remote.MANIFEST`: our graphs and the data version) is deleted
before the first ``PUT`` and written only once everything is in place and counted; ``kg serve``
reads the version from it cheaply, and falls back to counting the graphs while it is absent.
"""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.loading import (
    LoadError,
    display_path,
    fingerprint,
    graph_iri_for,
    source_paths,
    turtle_files,
)
from kg.stores import QueryTimeout, StoreUnavailable
from kg.stores.remote import MANIFEST, Endpoints, RemoteStore, manifest_ntriples
from kg.validation import ValidationReport, validate

GSP_CONTENT_TYPE = "text/turtle; charset=utf-8"  # N-Triples is Turtle; every store reads Turtle
GSP_SUCCESS = frozenset({200, 201, 204})


class NotConforming(Exception):
    """The graph does not conform to the shapes: nothing was sent."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__("the graph does not conform to the shapes; nothing was loaded")


@dataclass(frozen=True)
class GraphFile:
    """One source file as the named graph it becomes: its IRI, N-Triples and triple count."""

    iri: str
    path: Path
    ntriples: bytes
    triples: int


@dataclass
class LoadReport:
    """What a load did: graphs loaded, the one that failed, those not attempted, counts checked."""

    url: str
    loaded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    not_attempted: list[str] = field(default_factory=list)
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)  # iri -> (source, store)
    stale: list[str] = field(default_factory=list)  # our-namespace graphs with no source file
    removed: list[str] = field(default_factory=list)
    triples: int = 0

    @property
    def ok(self) -> bool:
        """True when every graph was loaded and holds as many triples as its source."""
        return not (self.failed or self.not_attempted or self.mismatched)

    def render(self) -> str:
        """A short human-readable account, naming every graph that is not as it should be."""
        lines = [f"loaded {len(self.loaded)} graph(s), {self.triples} triples, into {self.url}"]
        lines += [f"FAILED {iri}: {why}" for iri, why in self.failed.items()]
        lines += [f"not loaded {iri}" for iri in self.not_attempted]
        lines += [
            f"COUNT MISMATCH {iri}: source {want} triples, store {got}"
            for iri, (want, got) in self.mismatched.items()
        ]
        lines += [f"removed stale graph {iri}" for iri in self.removed]
        lines += [f"stale graph left in place (use --replace) {iri}" for iri in self.stale]
        if not self.ok:
            lines.append("the store is incomplete: run `kg load` again to repair it")
        return "\n".join(lines) + "\n"


def graph_files(settings: Settings) -> list[GraphFile]:
    """The ontology and data files of ``settings`` as named graphs ready to send."""
    files = []
    for folder in (settings.ontology_dir, settings.data_dir):
        for path in turtle_files(folder):
            triples = _read_triples(path)
            output = io.BytesIO()
            ox.serialize(sorted(triples, key=str), output, ox.RdfFormat.N_TRIPLES)
            iri = str(graph_iri_for(path, folder))
            files.append(GraphFile(iri, path, output.getvalue(), len(triples)))
    return files


def _read_triples(path: Path) -> set[ox.Triple]:
    """The distinct triples of one Turtle file (parsed as by ``kg.loading``: same base IRI)."""
    try:
        quads = ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    except (SyntaxError, OSError) as error:
        raise LoadError(path, f"cannot read file: {error}") from error


def load_to_store(
    settings: Settings,
    url: str,
    *,
    replace: bool = False,
    timeout: float = 120.0,
    environ: Mapping[str, str] | None = None,
    progress: Callable[[str], None] = lambda message: None,
    validate_first: bool = True,
) -> LoadReport:
    """Validate (unless ``validate_first`` is False), then PUT every source graph into the store
    at ``url``, then check the counts.

    Raises :class:`NotConforming` (nothing sent) or :class:`StoreUnavailable` when the store does
    not answer at all; a failure half-way is recorded in the returned report.
    """
    if validate_first:
        validation = validate(settings)
        if not validation.conforms:
            raise NotConforming(validation)
    files = graph_files(settings)
    store = RemoteStore(
        settings.replace(store=url), Endpoints.from_settings(settings.replace(store=url), environ)
    )
    try:
        if not store.healthy():
            raise StoreUnavailable(f"the store at {url} does not answer; nothing was loaded")
        report = LoadReport(url)
        _remove_manifest(store, files, report, timeout)
        if not report.failed:
            _put_all(store, files, report, timeout, progress)
        if not report.failed:
            _check_counts(store, files, report, replace, timeout)
        if report.ok:
            _write_manifest(store, settings, files, report, timeout)
        return report
    finally:
        store.close()


def _put_all(
    store: RemoteStore,
    files: list[GraphFile],
    report: LoadReport,
    timeout: float,
    progress: Callable[[str], None],
) -> None:
    """PUT the graphs in order; stop at the first failure, noting those not attempted."""
    for position, graph in enumerate(files):
        error = _put(store, graph.iri, graph.ntriples, timeout)
        if error is not None:
            report.failed[graph.iri] = error
            report.not_attempted = [later.iri for later in files[position + 1 :]]
            return
        report.loaded.append(graph.iri)
        report.triples += graph.triples
        progress(f"loaded {display_path(graph.path)} -> {graph.iri} ({graph.triples} triples)")


def _remove_manifest(
    store: RemoteStore, files: list[GraphFile], report: LoadReport, timeout: float
) -> None:
    """Delete the manifest before anything changes: a half-done load never carries a version."""
    error = _gsp(store, "DELETE", MANIFEST, timeout)
    if error is not None and not error.startswith("HTTP 404"):
        report.failed[MANIFEST] = f"could not remove the manifest: {error}"
        report.not_attempted = [graph.iri for graph in files]


def _write_manifest(
    store: RemoteStore,
    settings: Settings,
    files: list[GraphFile],
    report: LoadReport,
    timeout: float,
) -> None:
    """Record our graphs and the data version (the sources' fingerprint) in the manifest."""
    version = fingerprint(source_paths(settings))
    body = manifest_ntriples(version, [graph.iri for graph in files])
    error = _put(store, MANIFEST, body, timeout)
    if error is not None:
        report.failed[MANIFEST] = f"could not write the manifest: {error}"


def _put(store: RemoteStore, iri: str, body: bytes, timeout: float) -> str | None:
    """Replace graph ``iri`` with ``body``; the reason it failed, or None."""
    return _gsp(store, "PUT", iri, timeout, body)


def _gsp(
    store: RemoteStore, method: str, iri: str, timeout: float, body: bytes | None = None
) -> str | None:
    """One Graph Store Protocol request on graph ``iri``; the reason it failed, or None."""
    gsp = store.endpoints.gsp
    assert gsp is not None
    url = f"{gsp}{'&' if '?' in gsp else '?'}{urllib.parse.urlencode({'graph': iri})}"
    headers = {"Content-Type": GSP_CONTENT_TYPE} if body is not None else {}
    try:
        response = store.client.send(method, url, timeout=timeout, body=body, headers=headers)
    except (StoreUnavailable, QueryTimeout) as error:
        return str(error)
    if response.status in GSP_SUCCESS:
        return None
    message = response.body.decode("utf-8", "replace").strip().splitlines()[:1]
    return f"HTTP {response.status} {' '.join(message)}".strip()


def _check_counts(
    store: RemoteStore, files: list[GraphFile], report: LoadReport, replace: bool, timeout: float
) -> None:
    """Compare the store's per-graph counts with the sources; find (and remove) stale graphs."""
    stored = store_sizes(store, timeout)
    for graph in files:
        if stored.get(graph.iri, 0) != graph.triples:
            report.mismatched[graph.iri] = (graph.triples, stored.get(graph.iri, 0))
    ours = {graph.iri for graph in files}
    stale = sorted(set(stored) - ours)
    if not replace:
        report.stale = stale
        return
    for iri in stale:
        error = _gsp(store, "DELETE", iri, timeout)
        if error is None:
            report.removed.append(iri)
        else:
            report.failed[iri] = f"could not remove stale graph: {error}"


def store_sizes(store: RemoteStore, timeout: float = 30.0) -> dict[str, int]:
    """The number of triples in each of our named graphs in the store."""
    from kg.stores.remote import GRAPH_SIZES_QUERY

    rows = store.select(GRAPH_SIZES_QUERY, timeout=timeout)
    return {row["g"].value: int(row["n"].value) for row in rows}
