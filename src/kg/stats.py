"""Statistics of the served graph, with one definition for ``kg stats``, the home page and VoID.

Counted with SPARQL on the store: distinct triples of the union, entities (subjects in the
resource space), subjects, properties, distinct instances per class; and the triples of each
named graph (one per source file).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.stores import Store, select_rows
from kg.validation import render_term


@dataclass(frozen=True)
class Stats:
    """Counts of the served graph."""

    triples: int
    entities: int  # distinct subjects in the resource space (…/id/)
    subjects: int
    properties: int
    classes: dict[str, int]  # class IRI -> number of distinct instances
    graphs: dict[str, int] = field(default_factory=dict)  # named graph -> triples

    @property
    def class_count(self) -> int:
        return len(self.classes)

    def render(self, fmt: str, files: dict[str, str] | None = None) -> str:
        """The statistics as ``text`` (aligned columns) or ``json``; ``files`` names the source
        file of each named graph."""
        try:
            renderer = RENDERERS[fmt]
        except KeyError:
            raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}") from None
        return renderer(self, files or {})


def _count(store: Store, where: str, expression: str = "*") -> int:
    rows = select_rows(store, f"SELECT (COUNT({expression}) AS ?n) WHERE {{ {where} }}")
    return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]


def dataset_stats(store: Store, uri_space: str) -> Stats:
    """Distinct triples, entities, subjects, properties, instances per class, graph sizes."""
    rows = select_rows(
        store,
        "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class",
    )
    return Stats(
        triples=_count(store, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"),
        entities=_count(
            store, f'?s ?p ?o FILTER(STRSTARTS(STR(?s), "{uri_space}"))', "DISTINCT ?s"
        ),
        subjects=_count(store, "?s ?p ?o", "DISTINCT ?s"),
        properties=_count(store, "?s ?p ?o", "DISTINCT ?p"),
        classes=dict(sorted((str(row["class"]), int(row["n"])) for row in rows)),  # type: ignore[call-overload]
        graphs=dict(sorted(store.graph_sizes().items())),
    )


def render_text(stats: Stats, files: dict[str, str]) -> str:
    """Two aligned tables: triples per named graph, instances per class."""
    lines = [f"{stats.triples} triples in {len(stats.graphs)} named graphs", ""]
    graph_rows = [(str(n), files.get(iri, ""), iri) for iri, n in stats.graphs.items()]
    lines += _table(("triples", "file", "named graph"), graph_rows)
    class_rows = [(str(n), render_term(URIRef(cls))) for cls, n in stats.classes.items()]
    lines += ["", *_table(("instances", "class"), class_rows)]
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
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


def render_json(stats: Stats, files: dict[str, str]) -> str:
    document = {
        "triples": stats.triples,
        "entities": stats.entities,
        "subjects": stats.subjects,
        "properties": stats.properties,
        "graphs": [
            {"graph": iri, "file": files.get(iri, ""), "triples": n}
            for iri, n in stats.graphs.items()
        ],
        "classes": stats.classes,
    }
    return json.dumps(document, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Stats, dict[str, str]], str]] = {
    "text": render_text,
    "json": render_json,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)
