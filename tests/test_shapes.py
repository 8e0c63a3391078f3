"""Every shape rejects its negative fixture with the expected message, and accepts the fixed one.

Each ``tests/shapes/*.ttl`` (except ``_context.ttl``) is a small bad graph with a header::

    # expect: <a substring of the expected sh:message>
    # focus: <the IRI of the focus node the result is about>
    # shape: <the node shape reporting it, e.g. okgsh:BroadcastShape>
    # severity: Violation | Warning | Info   (optional; Violation by default)

Its *good variant* is the same text with lines marked ``# bad`` removed and lines commented
``#good:`` uncommented. Both are validated together with ``_context.ttl`` (a graph that conforms)
and the real ontology, so classes resolve as they do for the published data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.config import PROJECT_ROOT
from kg.loading import SourceFile, display_path, parse_turtle, read_sources
from kg.namespaces import SH
from kg.validation import ValidationReport, render_term, shapes_graph, validate_sources

FIXTURES_DIR = PROJECT_ROOT / "tests" / "shapes"
CONTEXT = FIXTURES_DIR / "_context.ttl"
FIXTURE_PATHS = sorted(p for p in FIXTURES_DIR.glob("*.ttl") if not p.name.startswith("_"))
HEADER = re.compile(r"^# (expect|focus|shape|severity): (.+)$", re.MULTILINE)
GOOD_LINE = re.compile(r"^(\s*)#good: ?", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{\?\w+\}")
BAD_LINE = re.compile(r"^.*# bad\s*$\n?", re.MULTILINE)


@dataclass(frozen=True)
class Fixture:
    """A negative fixture: its text and what validating it must report."""

    path: Path
    expect: str
    focus: str
    shape: str
    severity: str

    @classmethod
    def read(cls, path: Path) -> Fixture:
        text = path.read_text(encoding="utf-8")
        header = dict(HEADER.findall(text))
        missing = {"expect", "focus", "shape"} - header.keys()
        assert not missing, f"{path.name}: header lacks {', '.join(sorted(missing))}"
        return cls(
            path,
            header["expect"],
            header["focus"],
            header["shape"],
            header.get("severity", "Violation"),
        )

    def good_text(self) -> str:
        """The fixed variant: ``# bad`` lines dropped, ``#good:`` lines uncommented."""
        text = BAD_LINE.sub("", self.path.read_text(encoding="utf-8"))
        return GOOD_LINE.sub(r"\1", text)


FIXTURES = [Fixture.read(path) for path in FIXTURE_PATHS]


@pytest.fixture(scope="module")
def ontology() -> list[SourceFile]:
    return read_sources([PROJECT_ROOT / "ontology"])


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph(PROJECT_ROOT / "shapes")


def source_file(path: Path) -> SourceFile:
    return SourceFile(path, URIRef(path.as_uri()), parse_turtle(path))


@pytest.fixture(scope="module")
def context() -> SourceFile:
    return source_file(CONTEXT)


def run(
    path: Path, context: SourceFile, ontology: list[SourceFile], shapes: Graph
) -> ValidationReport:
    return validate_sources([context, source_file(path)], ontology, shapes)


def describe(report: ValidationReport) -> str:
    return "\n".join(f"{r.severity} {r.focus_node} {r.message}" for r in report.results) or "none"


def test_context_conforms_without_any_result(
    context: SourceFile, ontology: list[SourceFile], shapes: Graph
) -> None:
    report = validate_sources([context], ontology, shapes)
    assert report.results == [], describe(report)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.path.stem)
def test_fixture_is_rejected_with_the_expected_result(
    fixture: Fixture, context: SourceFile, ontology: list[SourceFile], shapes: Graph
) -> None:
    report = run(fixture.path, context, ontology, shapes)
    found = [
        result
        for result in report.results
        if result.focus_node == fixture.focus and fixture.expect in result.message
    ]
    assert found, f"expected {fixture.expect!r} on {fixture.focus}; got:\n{describe(report)}"
    assert {(r.source_shape, r.severity) for r in found} == {(fixture.shape, fixture.severity)}
    assert report.conforms == (fixture.severity != "Violation")
    assert display_path(fixture.path) in found[0].files


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.path.stem)
def test_good_variant_passes(
    fixture: Fixture,
    context: SourceFile,
    ontology: list[SourceFile],
    shapes: Graph,
    tmp_path: Path,
) -> None:
    good = tmp_path / fixture.path.name
    good.write_text(fixture.good_text(), encoding="utf-8")
    assert good.read_text(encoding="utf-8") != fixture.path.read_text(encoding="utf-8")
    report = run(good, context, ontology, shapes)
    assert report.results == [], describe(report)


def test_every_node_shape_has_a_fixture(shapes: Graph) -> None:
    node_shapes = {render_term(shape) for shape in shapes.subjects(RDF.type, SH.NodeShape)}
    covered = {fixture.shape for fixture in FIXTURES}
    assert node_shapes - covered == set()
    assert covered - node_shapes == set(), "fixtures name shapes that do not exist"


def test_every_sparql_constraint_has_a_fixture(shapes: Graph) -> None:
    for shape, constraint in shapes.subject_objects(SH.sparql):
        message = str(shapes.value(constraint, SH.message))
        assert any(f.expect in message and f.shape == render_term(shape) for f in FIXTURES), (
            f"no fixture for the SPARQL constraint of {render_term(shape)}: {message}"
        )
