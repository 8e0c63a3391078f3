"""``kg load --to URL|FOLDER``: validate, load, count, report — the graph into a store.

The store does the loading (:meth:`kg.stores.Store.load`: one named graph per source file, each
replaced whole, so a rerun repairs a half-done load); this command orchestrates it: nothing
non-conforming is ever sent, every graph's triple count in the store is compared with its source,
and only a complete, counted load is stamped with the data version (a remote store's manifest, a
folder's version stamp). Credentials are the settings ``store_user`` / ``store_password``, from the
environment (docs/deployment.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.config import Settings
from kg.loading import GraphFile, display_path, fingerprint, graph_files, source_paths
from kg.stores import LoadFailed, Store, StoreUnavailable, open_for_loading
from kg.validation import ValidationReport, validate


class NotConforming(Exception):
    """The graph does not conform to the shapes: nothing was sent."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__("the graph does not conform to the shapes; nothing was loaded")


@dataclass
class LoadReport:
    """What a load did: graphs loaded, the one that failed, those not attempted, counts checked."""

    target: str
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
        lines = [f"loaded {len(self.loaded)} graph(s), {self.triples} triples, into {self.target}"]
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


def load_graph(
    settings: Settings,
    *,
    replace: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> LoadReport:
    """Validate (unless the ``validate`` setting is off), load the sources of ``settings`` into
    the store ``settings.store`` names, count, stamp a complete load; the report.

    Raises :class:`NotConforming` (nothing sent) or :class:`StoreUnavailable` (the store does not
    answer at all); a failure half-way is recorded in the report.
    """
    if settings.validate:
        validation = validate(settings)
        if not validation.conforms:
            raise NotConforming(validation)
    graphs = graph_files(settings)
    store = open_for_loading(settings)
    report = LoadReport(settings.store)
    try:
        _load(store, graphs, replace, report, progress)
        if report.ok:
            store.stamp(fingerprint(source_paths(settings)), [graph.iri for graph in graphs])
    except LoadFailed as failure:
        report.failed[failure.graph] = failure.reason
    finally:
        store.close()
    return report


def _load(
    store: Store,
    graphs: list[GraphFile],
    replace: bool,
    report: LoadReport,
    progress: Callable[[str], None],
) -> None:
    """Load ``graphs``, then compare the store's counts with theirs, into ``report``."""

    def loaded(graph: GraphFile) -> None:
        report.loaded.append(graph.iri)
        report.triples += len(graph.triples)
        progress(f"loaded {display_path(graph.path)} -> {graph.iri} ({len(graph.triples)} triples)")

    try:
        report.removed = store.load(graphs, replace=replace, progress=loaded)
    except LoadFailed as failure:
        report.not_attempted = failure.not_attempted
        raise
    stored = store.graph_sizes()
    for graph in graphs:
        if stored.get(graph.iri, 0) != len(graph.triples):
            report.mismatched[graph.iri] = (len(graph.triples), stored.get(graph.iri, 0))
    report.stale = sorted(set(stored) - {graph.iri for graph in graphs})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "load")
    parser.add_argument(
        "--to",
        required=True,
        metavar="URL|FOLDER",
        help="the store: a remote store's SPARQL query URL, or a folder for a persistent store",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="also delete graphs under our graph namespace that no source file produces",
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace) -> int:
    """Load and print what was done (:class:`ExitCode`: 1 not conforming, 3 store failed)."""
    if args.to == "memory":
        print("error: --to takes a store's http(s):// query URL or a folder", file=sys.stderr)
        return ExitCode.BAD_INPUT
    progress = (lambda message: None) if args.quiet else print
    try:
        report = load_graph(
            settings_from(args).replace(store=args.to), replace=args.replace, progress=progress
        )
    except NotConforming as error:
        sys.stderr.write(error.report.render("text"))
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    except StoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.STORE_FAILED
    (sys.stdout if report.ok else sys.stderr).write(report.render())
    return ExitCode.OK if report.ok else ExitCode.STORE_FAILED
