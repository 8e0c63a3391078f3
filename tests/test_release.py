"""``kg release``: stamped sources, dumps with checksums, byte-identical rebuilds from one tag."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.cli import main
from kg.config import PROJECT_ROOT

DUMPS = (
    "officials-kg.ttl",
    "officials-kg.nt",
    "officials-kg.jsonld",
    "officials-kg.trig",
    "officials-kg.nq",
)
PARSERS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project in its own git repository, released as 1.0.0 and tagged v1.0.0."""
    repo = tmp_path_factory.mktemp("repo")
    for folder in ("ontology", "data", "shapes", "sources"):
        shutil.copytree(PROJECT_ROOT / folder, repo / folder)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "sources")
    assert main(["release", "1.0.0", "--repo", str(repo), "--date", "2026-12-06"]) == 0
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Release 1.0.0")
    git(repo, "tag", "v1.0.0")
    return repo


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_release_writes_every_dump_with_its_checksum(released: Path) -> None:
    out = released / "build" / "releases" / "1.0.0"
    sums = dict(
        reversed(line.split("  ")) for line in (out / "SHA256SUMS").read_text().splitlines()
    )
    assert set(sums) == {*DUMPS, *(name + ".gz" for name in DUMPS)}
    for name, digest in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    void = Graph().parse(out / "void.ttl")
    sizes = {
        str(s).rsplit("/", 1)[-1]: int(o)
        for s, _, o in void.triples((None, None, None))
        if str(_).endswith("byteSize")
    }
    assert sizes == {name: (out / name).stat().st_size for name in sums}


def test_every_dump_holds_the_same_graph(released: Path) -> None:
    out = released / "build" / "releases" / "1.0.0"
    counts = set()
    for name in DUMPS:
        data = gzip.decompress((out / (name + ".gz")).read_bytes())
        assert data == (out / name).read_bytes()
        dataset = Dataset()
        dataset.parse(data=data, format=PARSERS[Path(name).suffix])
        counts.add(len(set((s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None)))))
    assert len(counts) == 1 and counts.pop() > 1000


def test_release_stamps_the_ontology_citation_and_changes(released: Path) -> None:
    ontology = (released / "ontology" / "okg.ttl").read_text(encoding="utf-8")
    assert "owl:versionIRI <https://w3id.org/officials-kg/ontology/1.0.0>" in ontology
    assert 'owl:versionInfo "1.0.0"' in ontology
    assert 'dcterms:modified "2026-12-06"^^xsd:date' in ontology
    citation = (released / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "1.0.0"' in citation and 'date-released: "2026-12-06"' in citation
    changes = (released / "CHANGES.md").read_text(encoding="utf-8")
    assert "## 1.0.0 (2026-12-06): first release" in changes


def test_building_one_tag_twice_gives_identical_bytes(released: Path, tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert (
            main(
                [
                    "release",
                    "1.0.0",
                    "--from",
                    "v1.0.0",
                    "--repo",
                    str(released),
                    "--out",
                    str(tmp_path / out),
                ]
            )
            == 0
        )
    first, second = folder_bytes(tmp_path / "a" / "1.0.0"), folder_bytes(tmp_path / "b" / "1.0.0")
    assert first == second
    original = folder_bytes(released / "build" / "releases" / "1.0.0")
    assert first == original  # the tag rebuilds what the release built


def test_a_second_release_lists_its_changes_first(released: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(released, repo)
    regions = repo / "data" / "regions.ttl"
    regions.write_text(
        regions.read_text(encoding="utf-8").replace('"Zhuhai"@en', '"Zhuhai City"@en'),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "Rename")
    assert main(["release", "1.1.0", "--repo", str(repo), "--date", "2026-12-07"]) == 0
    changes = (repo / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.index(
        "## 1.1.0 (2026-12-07): changes from v1.0.0 to working tree"
    ) < changes.index("## 1.0.0")
    assert "- **region:zhuhai** (Zhuhai City): changed" in changes
    assert '  - rdfs:label: `"Zhuhai"@en` → `"Zhuhai City"@en`' in changes
    assert (
        (repo / "build" / "releases" / "1.1.0" / "CHANGES.md")
        .read_text(encoding="utf-8")
        .startswith("## 1.1.0")
    )


def test_invalid_data_makes_no_release(
    tmp_path: Path, released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(released, repo)
    figures = repo / "data" / "broadcasts.ttl"
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("okg:unit okg:Jin ;", "", 1), encoding="utf-8"
    )
    before = (repo / "ontology" / "okg.ttl").read_bytes()
    assert main(["release", "2.0.0", "--repo", str(repo)]) == 1
    assert "does not conform" in capsys.readouterr().err
    assert (repo / "ontology" / "okg.ttl").read_bytes() == before
    assert not (repo / "build" / "releases" / "2.0.0").exists()


def test_a_bad_version_is_refused(capsys: pytest.CaptureFixture[str], released: Path) -> None:
    assert main(["release", "latest", "--repo", str(released)]) == 2
    assert "'latest' is not a version like 1.0.0" in capsys.readouterr().err
