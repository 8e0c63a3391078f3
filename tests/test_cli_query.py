"""``kg query``: the same engine from the command line, on the test dataset."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from sparql_data import CONSTRUCT, PREFIX, SELECT, SELECT_ROWS, expected_graph, write_dataset

from kg.cli import ExitCode, main


@pytest.fixture
def folders(tmp_path: Path) -> list[str]:
    settings = write_dataset(tmp_path)
    return ["--data", str(settings.data_dir), "--ontology", str(settings.ontology_dir)]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_output(folders: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, SELECT, *folders)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["person", "name", "age"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "Alice@en" in out and "爱丽丝@zh" in out
    assert lines[-1] == f"({len(SELECT_ROWS)} rows)"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_formats(fmt: str, folders: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, SELECT, "--format", fmt, *folders)
    assert code == 0
    if fmt == "json":
        assert len(json.loads(out)["results"]["bindings"]) == len(SELECT_ROWS)
    else:
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert len([row for row in rows if row]) == len(SELECT_ROWS) + 1


def test_query_from_a_file(
    folders: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text(CONSTRUCT, encoding="utf-8")
    code, out, _ = run(capsys, "--file", str(query_file), *folders)
    assert code == 0
    assert isomorphic(Graph().parse(data=out, format="turtle"), expected_graph(CONSTRUCT))


def test_ask_prints_the_answer(folders: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, PREFIX + "ASK { ex:alice ex:knows ex:bob }", *folders)[:2] == (0, "true\n")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE { ?s ?p }", "error at 1:"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ],
)
def test_bad_queries_exit_2_with_a_message(
    query: str, message: str, folders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, query, *folders)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_a_results_format_for_a_graph_is_refused(
    folders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, CONSTRUCT, "--format", "csv", *folders)
    assert code == 2 and "--format csv" in err


def test_the_time_limit_ends_the_command_with_the_timeout_code() -> None:
    long_query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    kg = str(Path(sys.executable).with_name("kg"))
    result = subprocess.run(
        [kg, "query", long_query, "--timeout", "0.5"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == ExitCode.TIMEOUT
    assert "time limit of 0.5 s" in result.stderr
