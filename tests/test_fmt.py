"""``kg fmt``: one canonical Turtle layout; the graph unchanged, comments kept, idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import main
from kg.config import PROJECT_ROOT
from kg.curation.turtle import DATA_PREFIXES, format_turtle

MESSY = """# Header comment: what this file holds.

@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix region: <https://w3id.org/officials-kg/id/region/> .
@prefix ex: <https://example.org/> .

# --- Hubei -----------------------------------------------------------
# Wuhan: the capital.
region:wuhan okg:locatedIn region:hubei ; a okg:City ;
    # The Chinese name as written locally.
    rdfs:label "武汉市"@zh , "Wuhan"@en .

region:hubei rdfs:label "Hubei Province"@en ; a okg:Province ; okg:locatedIn region:china .

# --- Elsewhere --------------------------------------------------------
region:beijing a okg:Municipality ; ex:note "says \\"hi\\"" .
"""


def graph_of(text: str) -> set[tuple[object, ...]]:
    return set(Graph().parse(data=text, format="turtle"))


def test_canonical_form_keeps_the_graph_and_is_idempotent() -> None:
    canonical = format_turtle(MESSY)
    assert graph_of(canonical) == graph_of(MESSY)
    assert format_turtle(canonical) == canonical


def test_layout_prefixes_sections_subject_and_predicate_order() -> None:
    canonical = format_turtle(MESSY)
    lines = canonical.splitlines()
    assert lines[0] == "# Header comment: what this file holds."
    prefixes = [line for line in lines if line.startswith("@prefix")]
    assert prefixes[: len(DATA_PREFIXES)] == [f"@prefix {p}: <{i}> ." for p, i in DATA_PREFIXES]
    assert prefixes[-1] == "@prefix ex: <https://example.org/> ."
    body = canonical[canonical.index("# --- Hubei") :]
    assert body.index("region:hubei a okg:Province") < body.index("# Wuhan: the capital.")
    assert body.index("# Wuhan: the capital.\nregion:wuhan a okg:City ;") > 0
    assert (
        '    # The Chinese name as written locally.\n    rdfs:label "Wuhan"@en , "武汉市"@zh ;'
        in body
    )
    assert body.index("# --- Elsewhere") < body.index("region:beijing a okg:Municipality")
    assert 'ex:note """says "hi\\"""" .' in body


def test_blank_nodes_are_refused_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(
        "@prefix ex: <https://example.org/> .\nex:a ex:p [ ex:q 1 ] .\n", encoding="utf-8"
    )
    assert main(["fmt", str(path)]) == 2
    assert "blank nodes are not allowed" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(p.name for p in (PROJECT_ROOT / "data").glob("*.ttl")))
def test_every_data_file_keeps_its_triples_and_comments(name: str) -> None:
    text = (PROJECT_ROOT / "data" / name).read_text(encoding="utf-8")
    canonical = format_turtle(text)
    assert graph_of(canonical) == graph_of(text)
    assert format_turtle(canonical) == canonical
    comments = sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))
    kept = sorted(line.strip() for line in canonical.splitlines() if line.strip().startswith("#"))
    assert kept == comments


def test_check_reports_then_fmt_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "regions.ttl").write_text(MESSY, encoding="utf-8")
    assert main(["fmt", "--check", "--data", str(data)]) == 1
    assert (data / "regions.ttl").read_text(encoding="utf-8") == MESSY
    assert "would reformat" in capsys.readouterr().out
    assert main(["fmt", "--data", str(data)]) == 0
    assert main(["fmt", "--check", "--data", str(data)]) == 0


def test_the_repository_data_is_canonical(tmp_path: Path) -> None:
    """What CI checks with ``kg fmt --check``: a copy, so a failure changes nothing."""
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    assert main(["fmt", "--check", "--data", str(tmp_path / "data")]) == 0
