"""Loading Turtle files: one named graph per file, and errors that name file, line and column."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kg.config import Settings
from kg.loading import (
    LoadError,
    display_path,
    graph_iri_for,
    graph_sources,
    parse_turtle,
    read_sources,
)
from kg.namespaces import GRAPH

PREFIX = "@prefix ex: <http://example.org/> .\n"

# (name, Turtle text, expected line, expected column, a substring of the message)
SYNTAX_ERRORS = [
    ("unbound prefix", PREFIX + "ex:a ex:b ex:c ;\n     ex:d foo:bar .\n", 3, 11, 'Prefix "foo:"'),
    ("missing dot", PREFIX + "ex:a ex:b ex:c\nex:d ex:e ex:f .\n", 3, 1, "expected '.'"),
    ("newline in string", PREFIX + 'ex:a ex:b "open\nex:c ex:d ex:e .\n', 2, 16, "newline"),
    ("bad token", PREFIX + "\n\nex:a ex:b ex:c .\n  ex:a ex:b ) .\n", 5, 13, "syntax error"),
    ("space in IRI", PREFIX + "ex:a ex:b <http://example.org/a b> .\n", 2, 12, "invalid IRI"),
]


def write(tmp_path: Path, text: str, name: str = "bad.ttl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [case[1:] for case in SYNTAX_ERRORS],
    ids=[case[0] for case in SYNTAX_ERRORS],
)
def test_a_syntax_error_names_file_line_and_column(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LoadError) as caught:
        parse_turtle(path)
    error = caught.value
    assert (error.path, error.line, error.column) == (path, line, column)
    assert message in error.message
    assert str(error).startswith(f"{display_path(path)}:{line}:{column}: ")


def test_a_file_that_is_not_utf8_is_an_error_without_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes((PREFIX + 'ex:a ex:b "caf\xe9" .\n').encode("latin-1"))
    with pytest.raises(LoadError, match="cannot read file") as caught:
        parse_turtle(path)
    assert caught.value.line is None


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="folder not found"):
        read_sources([tmp_path / "nowhere"])


def test_an_ill_typed_literal_loads_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """rdflib would log a traceback; the shapes report the literal instead (sh:datatype)."""
    path = write(
        tmp_path, PREFIX + 'ex:a ex:date "mid-May"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
    )
    with caplog.at_level(logging.WARNING):
        graph = parse_turtle(path)
    assert len(graph) == 1
    assert caplog.records == []


def test_each_file_becomes_its_own_named_graph(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "more").mkdir(parents=True)
    write(folder, PREFIX + "ex:a ex:b ex:c .\n", "regions.ttl")
    write(folder / "more", PREFIX + "ex:a ex:b ex:d , ex:e .\n", "extra.ttl")
    sources = read_sources([folder])
    assert [(source.graph_iri, len(source.graph)) for source in sources] == [
        (GRAPH["data/more/extra"], 2),
        (GRAPH["data/regions"], 1),
    ]


def test_graph_iri_of_the_repository_files() -> None:
    root = Path("/somewhere/data")
    assert graph_iri_for(root / "regions.ttl", root) == GRAPH["data/regions"]


def test_the_repository_graph_parses(settings: Settings) -> None:
    sources = graph_sources(settings)
    names = {source.graph_iri for source in sources}
    assert GRAPH["ontology/okg"] in names
    assert all(len(source.graph) > 0 for source in sources)
