"""The validation core: the repository's graph conforms; reports render and read back; docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.config import PROJECT_ROOT, Settings
from kg.loading import SourceFile, display_path, parse_turtle
from kg.namespaces import SH
from kg.validation import (
    FORMATS,
    ShapesError,
    ValidationReport,
    render_path,
    shape_messages,
    shapes_graph,
    validate,
    validate_sources,
)

EX = "http://example.org/"
PREFIXES = f"""@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# A node shape with a node-level message (the pattern's) and a SPARQL constraint of its own.
SHAPES = (
    PREFIXES
    + """
ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:pattern "^http://example.org/thing-" ;
    sh:message "A thing's IRI starts with thing-." ;
    sh:property
        [ sh:path ex:size ; sh:datatype xsd:integer ; sh:message "ex:size is an integer." ] ,
        [ sh:path ex:colour ; sh:minCount 1 ; sh:severity sh:Warning ;
          sh:message "Give a colour." ] ;
    sh:sparql [
        sh:message "The thing {?value} points to itself." ;
        sh:select '''SELECT $this ?value WHERE {
            $this <http://example.org/next> ?value FILTER (?value = $this) }'''
    ] .
"""
)


def source(tmp_path: Path, name: str, text: str) -> SourceFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return SourceFile(path, URIRef(path.as_uri()), parse_turtle(path))


def check(tmp_path: Path, *files: tuple[str, str]) -> ValidationReport:
    shapes = source(tmp_path, "shapes.ttl", SHAPES).graph
    return validate_sources([source(tmp_path, name, text) for name, text in files], [], shapes)


@pytest.fixture(scope="module")
def repository_report() -> ValidationReport:
    return validate(Settings())


def test_the_repository_graph_conforms(repository_report: ValidationReport) -> None:
    violations = [r for r in repository_report.results if r.severity == "Violation"]
    assert violations == []
    assert repository_report.conforms


def test_every_result_names_the_file_of_its_focus_node(repository_report: ValidationReport) -> None:
    for result in repository_report.results:
        assert result.files, result
        assert all(Path(name).is_file() for name in result.files), result


def test_a_sparql_result_carries_its_own_message_not_the_shape_s(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        ("data.ttl", PREFIXES + "ex:thing-a a ex:Thing ; ex:colour 1 ; ex:next ex:thing-a ."),
    )
    assert [r.message for r in report.results] == [f"The thing {EX}thing-a points to itself."]
    assert report.results[0].constraint == "sh:SPARQLConstraintComponent"


def test_results_name_shape_path_value_and_files(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        ("a.ttl", PREFIXES + 'ex:thing-a a ex:Thing ; ex:colour 1 ; ex:size "big" .'),
        ("b.ttl", PREFIXES + "ex:other ex:likes ex:thing-a ."),
    )
    (result,) = report.results
    assert (result.severity, result.focus_node, result.path) == (
        "Violation",
        f"{EX}thing-a",
        f"{EX}size",
    )
    assert (result.value, result.message) == ('"big"', "ex:size is an integer.")
    assert (result.source_shape, result.constraint) == (
        f"{EX}ThingShape",
        "sh:DatatypeConstraintComponent",
    )
    assert result.files == (display_path(tmp_path / "a.ttl"), display_path(tmp_path / "b.ttl"))
    assert not report.conforms


def test_warnings_alone_conform(tmp_path: Path) -> None:
    report = check(tmp_path, ("data.ttl", PREFIXES + "ex:thing-a a ex:Thing ."))
    assert [(r.severity, r.message) for r in report.results] == [("Warning", "Give a colour.")]
    assert report.conforms
    assert report.counts() == {"Violation": 0, "Warning": 1, "Info": 0}


def test_the_text_report_groups_results_under_their_file(tmp_path: Path) -> None:
    report = check(tmp_path, ("bad.ttl", PREFIXES + "ex:wrong a ex:Thing ; ex:colour 1 ."))
    lines = report.render("text").splitlines()
    assert lines[0] == display_path(tmp_path / "bad.ttl")
    assert lines[1] == f"  Violation: {EX}wrong"
    assert lines[2] == "    A thing's IRI starts with thing-."
    assert lines[-1].startswith("DOES NOT CONFORM: 1 violation, 0 warnings, 0 infos (1 files")


def test_the_json_report_reads_back(tmp_path: Path) -> None:
    report = check(tmp_path, ("bad.ttl", PREFIXES + "ex:wrong a ex:Thing ."))
    document = json.loads(report.render("json"))
    assert document["conforms"] is False
    assert document["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    assert {r["focus_node"] for r in document["results"]} == {f"{EX}wrong"}
    assert {r["severity"] for r in document["results"]} == {"Violation", "Warning"}


def test_the_turtle_report_is_a_shacl_validation_report(tmp_path: Path) -> None:
    report = check(tmp_path, ("bad.ttl", PREFIXES + "ex:wrong a ex:Thing ."))
    graph = Graph().parse(data=report.render("turtle"), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    assert len(list(graph.objects(node, SH.result))) == len(report.results) == 2


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    report = check(tmp_path, ("ok.ttl", PREFIXES))
    assert set(FORMATS) == {"text", "json", "turtle"}
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        report.render("xml")


def test_shapes_pyshacl_cannot_use_are_a_shapes_error(tmp_path: Path) -> None:
    bad = (
        PREFIXES
        + "ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n"
        + '  sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .'
    )
    with pytest.raises(ShapesError, match="VALUES"):
        validate_sources(
            [source(tmp_path, "d.ttl", PREFIXES)], [], source(tmp_path, "s.ttl", bad).graph
        )


@pytest.mark.parametrize(
    ("path_turtle", "expected"),
    [
        ("okg:host", "okg:host"),
        ("[ sh:inversePath okg:holdsOffice ]", "^okg:holdsOffice"),
        ("( okg:host okg:holdsOffice )", "okg:host/okg:holdsOffice"),
        ("[ sh:alternativePath ( okg:date okg:latestDate ) ]", "(okg:date|okg:latestDate)"),
        ("[ sh:oneOrMorePath okg:locatedIn ]", "(okg:locatedIn)+"),
    ],
)
def test_property_paths_render_in_sparql_syntax(path_turtle: str, expected: str) -> None:
    graph = Graph().parse(
        data=PREFIXES
        + "@prefix okg: <https://w3id.org/officials-kg/ontology#> .\n"
        + f"ex:shape sh:path {path_turtle} .",
        format="turtle",
    )
    path = graph.value(URIRef(EX + "shape"), SH.path)
    assert path is not None
    assert render_path(graph, path) == expected


def test_every_rule_is_listed_in_the_docs() -> None:
    docs = (PROJECT_ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for shape, severity, message in shape_messages(shapes_graph(PROJECT_ROOT / "shapes")):
        assert message in docs, f"docs/validation.md lacks the {severity} of {shape}: {message}"
