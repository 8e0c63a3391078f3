"""``kg diff``: exactly the changed claims between two fixture revisions of a git repository."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.term import Node

from kg.cli import main

PREFIXES = """@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix broadcast: <https://w3id.org/officials-kg/id/broadcast/> .
@prefix figure: <https://w3id.org/officials-kg/id/figure/> .
"""
ONTOLOGY = (
    PREFIXES
    + """
okg:host a owl:ObjectProperty ; rdfs:range [ owl:unionOf ( okg:A okg:B ) ] .
"""
)
V1 = (
    PREFIXES
    + """
broadcast:a a okg:Broadcast ; rdfs:label "A"@en ; okg:date "2020-04-21"^^xsd:date .
figure:a-sales a okg:ReportedFigure ; okg:figureOf broadcast:a ; okg:value "100"^^xsd:decimal .
broadcast:gone a okg:Broadcast ; rdfs:label "Gone"@en .
"""
)
V2 = (
    PREFIXES
    + """
broadcast:a a okg:Broadcast ; rdfs:label "A"@en , "甲"@zh ; okg:date "2020-04-22"^^xsd:date .
figure:a-sales a okg:ReportedFigure ; okg:figureOf broadcast:a ; okg:value "120"^^xsd:decimal .
broadcast:b a okg:Broadcast ; rdfs:label "B"@en .
"""
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two revisions: v0.1.0 (V1) and HEAD (V2); the ontology unchanged."""
    (tmp_path / "data").mkdir()
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "okg.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (tmp_path / "data" / "broadcasts.ttl").write_text(V1, encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "v1")
    git(tmp_path, "tag", "v0.1.0")
    (tmp_path / "data" / "broadcasts.ttl").write_text(V2, encoding="utf-8")
    git(tmp_path, "commit", "-qam", "v2")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_exactly_the_changed_claims(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    code, out, _ = run(capsys, "v0.1.0", "HEAD", "--repo", str(repo), "--format", "json")
    assert code == 0
    diff = json.loads(out)
    assert (diff["added"], diff["removed"]) == (5, 4)
    entities = {e["iri"].rsplit("/", 1)[-1]: e for e in diff["entities"]}
    assert {name: e["status"] for name, e in entities.items()} == {
        "a": "changed",
        "a-sales": "changed",
        "b": "added",
        "gone": "removed",
    }
    changes = {p["predicate"].rsplit("#", 1)[-1]: p for p in entities["a"]["properties"]}
    assert changes["date"]["removed"] == ['"2020-04-21"^^<http://www.w3.org/2001/XMLSchema#date>']
    assert changes["date"]["added"] == ['"2020-04-22"^^<http://www.w3.org/2001/XMLSchema#date>']
    assert changes["label"] == {
        "predicate": "http://www.w3.org/2000/01/rdf-schema#label",
        "removed": [],
        "added": ['"甲"@zh'],
    }


def test_markdown_groups_by_kind_and_entity(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    code, out, _ = run(capsys, "v0.1.0", "HEAD", "--repo", str(repo))
    assert code == 0
    assert "5 triples added, 4 removed; entities: 1 added, 2 changed, 1 removed." in out
    assert "## okg:Broadcast" in out and "## okg:ReportedFigure" in out
    assert '  - okg:date: `"2020-04-21"^^xsd:date` → `"2020-04-22"^^xsd:date`' in out
    assert "- **broadcast:gone** (Gone): removed" in out
    assert "owl:unionOf" not in out  # the unchanged ontology's blank nodes compare equal


def test_rdf_patch_turns_the_old_version_into_the_new(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    code, out, _ = run(capsys, "v0.1.0", "HEAD", "--repo", str(repo), "--format", "patch")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "TX ." and lines[-1] == "TC ."
    old = set(Graph().parse(data=V1, format="turtle"))
    new = set(Graph().parse(data=V2, format="turtle"))
    deleted = {line[2:-2] for line in lines if line.startswith("D ")}
    added = {line[2:-2] for line in lines if line.startswith("A ")}
    assert deleted == {_nt(triple) for triple in old - new}
    assert added == {_nt(triple) for triple in new - old}


def _nt(triple: tuple[Node, Node, Node]) -> str:
    return " ".join(term.n3() for term in triple)


def test_default_is_last_release_against_the_working_tree(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    (repo / "data" / "broadcasts.ttl").write_text(V1, encoding="utf-8")  # back to the release
    code, out, _ = run(capsys, "--repo", str(repo), "--exit-code")
    assert code == 0
    assert out.startswith("# Changes from v0.1.0 to working tree")
    assert "No change." in out


def test_a_dump_file_compares_with_a_revision(
    capsys: pytest.CaptureFixture[str], repo: Path, tmp_path: Path
) -> None:
    graph = Graph().parse(data=V2, format="turtle").parse(data=ONTOLOGY, format="turtle")
    dump = tmp_path / "release.nt.gz"
    dump.write_bytes(gzip.compress(graph.serialize(format="nt").encode()))
    code, out, _ = run(capsys, str(dump), "HEAD", "--repo", str(repo), "--exit-code")
    assert code == 0, out
    code, _, _ = run(capsys, str(dump), "v0.1.0", "--repo", str(repo), "--exit-code")
    assert code == 1


def test_an_unknown_version_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    code, _, err = run(capsys, "no-such-tag", "HEAD", "--repo", str(repo))
    assert code == 2
    assert "'no-such-tag' is neither a file, a folder nor a git revision" in err


def test_no_release_yet_asks_for_the_old_version(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    git(repo, "tag", "-d", "v0.1.0")
    code, _, err = run(capsys, "--repo", str(repo))
    assert code == 2 and "no release tag" in err
