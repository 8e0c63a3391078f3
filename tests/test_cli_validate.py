"""``kg validate`` and ``kg stats`` run as a curator runs them: exit codes, reports, formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg.cli import main
from kg.config import PROJECT_ROOT
from kg.loading import display_path, parse_turtle
from kg.namespaces import OKG, SH

SHAPES_FIXTURES = PROJECT_ROOT / "tests" / "shapes"
FIGURE = "https://w3id.org/officials-kg/id/figure/test-sales"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def conforming_data(tmp_path: Path) -> Path:
    """A data folder holding only the shapes tests' context graph (which conforms)."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SHAPES_FIXTURES / "_context.ttl", folder / "context.ttl")
    return folder


@pytest.fixture
def violating_data(conforming_data: Path) -> Path:
    """The context plus a figure without unit."""
    shutil.copy(SHAPES_FIXTURES / "figure-without-unit.ttl", conforming_data / "figures.ttl")
    return conforming_data


def test_the_repository_data_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0, out
    assert out.splitlines()[-1].startswith("conforms: 0 violations")


def test_a_violation_exits_1_and_names_file_focus_and_message(
    capsys: pytest.CaptureFixture[str], violating_data: Path
) -> None:
    code, out, _ = run(capsys, "validate", "--data", str(violating_data))
    assert code == 1
    lines = out.splitlines()
    block = lines.index(f"  Violation: {FIGURE}  okg:unit")
    assert lines[block - 1] == display_path(violating_data / "figures.ttl")
    assert "A reported figure needs exactly one unit" in lines[block + 1]
    assert lines[-1].startswith("DOES NOT CONFORM: 1 violation")


def test_conforming_data_exits_0(capsys: pytest.CaptureFixture[str], conforming_data: Path) -> None:
    code, out, _ = run(capsys, "validate", "--data", str(conforming_data))
    assert (code, out.splitlines()) == (0, [out.splitlines()[-1]])


def test_broken_turtle_exits_2_with_file_line_and_column(
    capsys: pytest.CaptureFixture[str], conforming_data: Path
) -> None:
    broken = conforming_data / "broken.ttl"
    broken.write_text(
        "@prefix okg: <https://w3id.org/officials-kg/ontology#> .\n\n"
        "okg:a okg:b okg:c ;\n  okg:d ) .\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "validate", "--data", str(conforming_data))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {display_path(broken)}:4:9: Turtle syntax error")
    assert "Traceback" not in err


def test_unusable_shapes_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ;\n"
        '  sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "validate", "--shapes", str(tmp_path))
    assert code == 2
    assert err.startswith("error: the SHACL shapes cannot be used")


def test_json_format(capsys: pytest.CaptureFixture[str], violating_data: Path) -> None:
    code, out, _ = run(capsys, "validate", "--data", str(violating_data), "--format", "json")
    document = json.loads(out)
    assert (code, document["conforms"], document["counts"]["Violation"]) == (1, False, 1)
    (result,) = document["results"]
    assert (result["focus_node"], result["path"]) == (FIGURE, "okg:unit")
    assert result["files"] == [display_path(violating_data / "figures.ttl")]


def test_turtle_format(capsys: pytest.CaptureFixture[str], violating_data: Path) -> None:
    code, out, _ = run(capsys, "validate", "--data", str(violating_data), "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert (code, graph.value(report, SH.conforms)) == (1, Literal(False))
    (result,) = graph.objects(report, SH.result)
    assert str(graph.value(result, SH.focusNode)) == FIGURE


def test_validate_as_a_subprocess(violating_data: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "validate",
            "--data",
            str(violating_data),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 1, completed.stderr
    assert json.loads(completed.stdout)["results"][0]["focus_node"] == FIGURE


def test_stats_json_counts_files_and_classes(
    capsys: pytest.CaptureFixture[str], violating_data: Path
) -> None:
    code, out, _ = run(capsys, "stats", "--data", str(violating_data), "--format", "json")
    stats = json.loads(out)
    files = sorted(violating_data.glob("*.ttl")) + sorted((PROJECT_ROOT / "ontology").glob("*.ttl"))
    expected = {display_path(path): len(parse_turtle(path)) for path in files}
    assert code == 0
    assert {g["file"]: g["triples"] for g in stats["graphs"]} == expected
    union = Graph()
    for path in files:
        union += parse_turtle(path)
    assert stats["triples"] == len(union)
    figures = set(union.subjects(RDF.type, OKG.ReportedFigure))
    assert stats["classes"][str(OKG.ReportedFigure)] == len(figures) == 3


def test_stats_text(capsys: pytest.CaptureFixture[str], conforming_data: Path) -> None:
    code, out, _ = run(capsys, "stats", "--data", str(conforming_data))
    lines = out.splitlines()
    assert code == 0
    assert lines[0].endswith("triples in 2 named graphs")
    assert any(line.split() == ["1", "okg:Broadcast"] for line in lines)
    assert any(
        line.split()[1:]
        == [
            display_path(conforming_data / "context.ttl"),
            "https://w3id.org/officials-kg/graph/data/context",
        ]
        for line in lines
    )
