"""Read the ontology, shapes and data files: one named graph per file, with precise parse errors."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.config import Settings
from kg.namespaces import GRAPH, bind_prefixes

TURTLE_SUFFIX = ".ttl"


class LoadError(Exception):
    """A source file cannot be read or parsed; names the file, line and column."""

    def __init__(
        self, path: Path, message: str, line: int | None = None, column: int | None = None
    ):
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (``data/x.ttl``)."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class SourceFile:
    """One parsed Turtle file and the named graph it becomes in the store."""

    path: Path
    graph_iri: URIRef
    graph: Graph


def turtle_files(*folders: Path) -> list[Path]:
    """The Turtle files of ``folders``, sorted, recursively; a missing folder is an error."""
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise LoadError(folder, "folder not found")
        files.extend(sorted(folder.rglob(f"*{TURTLE_SUFFIX}")))
    return files


def graph_iri_for(path: Path, root: Path) -> URIRef:
    """The named-graph IRI of a source file: ``…/graph/{folder}/{path below it, no suffix}``.

    ``data/regions.ttl`` becomes ``…/graph/data/regions``,
    ``ontology/okg.ttl`` ``…/graph/ontology/okg``.
    """
    relative = path.relative_to(root).with_suffix("").as_posix()
    return GRAPH[f"{root.name}/{relative}"]


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file; a syntax error becomes a :class:`LoadError` with line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError(path, f"cannot read file: {error}") from error
    graph = bind_prefixes(Graph())
    try:
        with _quiet(RDFLIB_TERM_LOGGER):
            graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        line, column = _position(text, _skip_blanks(text, error._i))
        raise LoadError(path, f"Turtle syntax error: {error._why}", line, column) from error
    except Exception as error:  # rdflib raises assorted types for bad IRIs, prefixes, literals
        raise LoadError(path, f"Turtle error: {error}") from error
    _check_iris(path, text, graph)
    return graph


# rdflib logs (with a traceback) each ill-typed literal and suspicious IRI it accepts; ill-typed
# literals are reported by the shapes (sh:datatype) with file and focus node, bad IRIs below.
RDFLIB_TERM_LOGGER = "rdflib.term"
IRI_FORBIDDEN = frozenset(' <>"{}|^`\\')


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Drop the records of ``logger_name`` while the block runs."""
    logger = logging.getLogger(logger_name)
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _check_iris(path: Path, text: str, graph: Graph) -> None:
    """Reject IRIs with characters Turtle forbids (a space, ``<``, ``"`` …) that rdflib let pass."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and IRI_FORBIDDEN.intersection(term):
                offset = text.find(str(term))
                line, column = _position(text, offset) if offset >= 0 else (None, None)
                raise LoadError(path, f"Turtle error: invalid IRI <{term}>", line, column)


def _skip_blanks(text: str, offset: int) -> int:
    """The offset of the next character that is not a space or tab (the parser stops before)."""
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    return offset


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset`` in ``text``."""
    offset = min(offset, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def read_sources(folders: Iterable[Path]) -> list[SourceFile]:
    """Parse every Turtle file under ``folders`` into its own named graph."""
    sources = []
    for folder in folders:
        for path in turtle_files(folder):
            sources.append(SourceFile(path, graph_iri_for(path, folder), parse_turtle(path)))
    return sources


def graph_sources(settings: Settings) -> list[SourceFile]:
    """The ontology and data files of the graph we publish (shapes are not part of it)."""
    return read_sources([settings.ontology_dir, settings.data_dir])


def union_graph(sources: Iterable[SourceFile]) -> Graph:
    """All triples of ``sources`` in one graph (the default graph of the dataset)."""
    union = bind_prefixes(Graph())
    for source in sources:
        union += source.graph
    return union


def fingerprint(paths: Iterable[Path]) -> str:
    """A short hash of the files' names and contents: the data version (ETags, store reuse)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def source_paths(settings: Settings) -> Iterator[Path]:
    """Every file the published graph is built from (ontology and data)."""
    yield from turtle_files(settings.ontology_dir, settings.data_dir)


@dataclass(frozen=True)
class GraphFile:
    """One source file as the named graph it becomes in a store."""

    iri: str
    path: Path

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The file's distinct triples, sorted (parsed as the embedded store parses it)."""
        try:
            quads = ox.parse(
                path=self.path, format=ox.RdfFormat.TURTLE, base_iri=self.path.resolve().as_uri()
            )
            return sorted({quad.triple for quad in quads}, key=str)
        except SyntaxError as error:
            raise syntax_error(self.path, error) from error
        except OSError as error:
            raise LoadError(self.path, f"cannot read file: {error}") from error

    @cached_property
    def ntriples(self) -> bytes:
        """The triples as N-Triples (what a store is sent)."""
        return ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES) or b""


def syntax_error(path: Path, error: SyntaxError) -> LoadError:
    """A pyoxigraph parse error as a :class:`LoadError` with line and column."""
    found = re.search(r"(\d+):(\d+)", str(error))
    line, column = (int(found[1]), int(found[2])) if found else (None, None)
    return LoadError(path, f"Turtle syntax error: {error}", line, column)


def graph_files(settings: Settings) -> list[GraphFile]:
    """The ontology and data files of ``settings`` as the named graphs they become."""
    return [
        GraphFile(str(graph_iri_for(path, folder)), path)
        for folder in (settings.ontology_dir, settings.data_dir)
        for path in turtle_files(folder)
    ]
