"""Statistics of the published graph: triples in all and per named graph, instances per class."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDF

from kg.config import Settings
from kg.loading import SourceFile, display_path, graph_sources, union_graph
from kg.validation import render_term


@dataclass(frozen=True)
class GraphCount:
    """The triples of one named graph, and the file it is read from."""

    graph: str
    file: str
    triples: int


@dataclass(frozen=True)
class GraphStats:
    """Counts of the union graph (``triples``, ``classes``) and of each named graph."""

    triples: int
    graphs: tuple[GraphCount, ...]
    classes: dict[str, int]

    def render(self, fmt: str) -> str:
        """The statistics as ``text`` (aligned columns) or ``json``."""
        try:
            renderer = RENDERERS[fmt]
        except KeyError:
            raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}") from None
        return renderer(self)


def graph_stats(settings: Settings) -> GraphStats:
    """Count the ontology and data files named by ``settings``."""
    return count_sources(graph_sources(settings))


def count_sources(sources: Sequence[SourceFile]) -> GraphStats:
    """Triples of the union and of each source; direct ``rdf:type`` instances per class."""
    union = union_graph(sources)
    graphs = tuple(
        GraphCount(str(source.graph_iri), display_path(source.path), len(source.graph))
        for source in sources
    )
    # one rdf:type triple per (instance, class) pair in the union: a count of direct instances
    classes = Counter(str(cls) for cls in union.objects(None, RDF.type) if isinstance(cls, URIRef))
    return GraphStats(len(union), graphs, dict(sorted(classes.items())))


def render_text(stats: GraphStats) -> str:
    """Two aligned tables: triples per named graph, instances per class."""
    lines = [f"{stats.triples} triples in {len(stats.graphs)} named graphs", ""]
    lines += _table(("triples", "file", "named graph"), _graph_rows(stats))
    lines += ["", *_table(("instances", "class"), _class_rows(stats))]
    return "\n".join(lines) + "\n"


def _graph_rows(stats: GraphStats) -> list[tuple[str, ...]]:
    return [(str(count.triples), count.file, count.graph) for count in stats.graphs]


def _class_rows(stats: GraphStats) -> list[tuple[str, ...]]:
    return [(str(n), render_term(URIRef(cls))) for cls, n in stats.classes.items()]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Rows under ``header``: the first column right-aligned, the others left-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(
            [
                row[0].rjust(widths[0]),
                *(c.ljust(w) for c, w in zip(row[1:], widths[1:], strict=True)),
            ]
        ).rstrip()
        for row in [header, *rows]
    ]


def render_json(stats: GraphStats) -> str:
    document = {
        "triples": stats.triples,
        "graphs": [count.__dict__ for count in stats.graphs],
        "classes": stats.classes,
    }
    return json.dumps(document, indent=2) + "\n"


RENDERERS: dict[str, Callable[[GraphStats], str]] = {"text": render_text, "json": render_json}
FORMATS: tuple[str, ...] = tuple(RENDERERS)
