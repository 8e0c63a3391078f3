"""``kg release``: stamped sources, dumps with checksums, byte-identical rebuilds from one tag."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import threading
from html import unescape
from pathlib import Path

import httpx
import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph
from werkzeug.serving import make_server

from kg.cli import main
from kg.config import PROJECT_ROOT, Settings
from kg.stores import Store
from kg.web import create_app

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


def release(repo: Path, version: str, *options: str) -> int:
    """``kg release VERSION`` of ``repo``, into its build/releases/."""
    out = str(repo / "build" / "releases")
    return main(["release", version, "--repo", str(repo), "--out", out, *options])


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project in its own git repository, released as 1.0.0 and tagged v1.0.0."""
    repo = tmp_path_factory.mktemp("repo")
    for folder in ("ontology", "data", "shapes", "sources"):
        shutil.copytree(PROJECT_ROOT / folder, repo / folder)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "sources")
    assert release(repo, "1.0.0", "--date", "2026-12-06") == 0
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
    assert release(repo, "1.1.0", "--date", "2026-12-07") == 0
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
    assert release(repo, "2.0.0") == 1
    assert "does not conform" in capsys.readouterr().err
    assert (repo / "ontology" / "okg.ttl").read_bytes() == before
    assert not (repo / "build" / "releases" / "2.0.0").exists()


def test_a_bad_version_is_refused(capsys: pytest.CaptureFixture[str], released: Path) -> None:
    assert release(released, "latest") == 2
    assert "'latest' is not a version like 1.0.0" in capsys.readouterr().err


# --- the releases over HTTP -----------------------------------------------------------------
@pytest.fixture(scope="module")
def two_releases(released: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The releases folder of ``released`` plus a 1.1.0 that renames Zhuhai."""
    repo = tmp_path_factory.mktemp("second") / "repo"
    shutil.copytree(released, repo)
    regions = repo / "data" / "regions.ttl"
    text = regions.read_text(encoding="utf-8").replace('"Zhuhai"@en', '"Zhuhai City"@en')
    regions.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "Rename")
    assert release(repo, "1.1.0", "--date", "2026-12-07") == 0
    return repo / "build" / "releases"


@pytest.fixture
def web(two_releases: Path, store: Store) -> FlaskClient:
    app = create_app(Settings(releases_dir=two_releases), store=store)
    app.config["TESTING"] = True
    return app.test_client()


HTML = {"Accept": "text/html"}


def test_releases_page_lists_dumps_checksums_and_changes(
    web: FlaskClient, two_releases: Path
) -> None:
    page = web.get("/releases/", headers=HTML)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("1.1.0") < html.index("1.0.0")
    digest = hashlib.sha256((two_releases / "1.0.0" / "officials-kg.ttl").read_bytes()).hexdigest()
    assert digest in html
    assert 'href="/releases/1.0.0/officials-kg.nq.gz"' in html
    assert "region:zhuhai" in html  # the 1.1.0 changelog


def test_releases_json_and_downloads(web: FlaskClient, two_releases: Path) -> None:
    listing = web.get("/releases/", headers={"Accept": "application/json"}).get_json()
    assert [r["version"] for r in listing] == ["1.1.0", "1.0.0"]
    files = {f["name"]: f for f in listing[1]["files"]}
    dump = two_releases / "1.0.0" / "officials-kg.nt"
    assert files["officials-kg.nt"]["size"] == dump.stat().st_size
    with web.get(files["officials-kg.nt"]["url"]) as response:
        assert response.status_code == 200 and response.data == dump.read_bytes()
    assert web.get("/releases/1.0.0/..%2F..%2Fsecret").status_code == 404
    assert web.get("/releases/9.9.9/officials-kg.nt").status_code == 404


def test_an_entity_as_in_a_release(web: FlaskClient) -> None:
    old = web.get("/id/region/zhuhai?release=1.0.0", headers={"Accept": "text/turtle"})
    new = web.get("/id/region/zhuhai?release=1.1.0", headers={"Accept": "text/turtle"})
    assert old.status_code == new.status_code == 200
    assert old.content_type.startswith("text/turtle")
    assert 'rdfs:label "Zhuhai"@en' in old.get_data(as_text=True)
    assert 'rdfs:label "Zhuhai City"@en' in new.get_data(as_text=True)
    graph = Graph().parse(data=new.get_data(as_text=True), format="turtle")
    assert len(graph) > 2
    page = web.get("/id/region/zhuhai?release=1.0.0", headers=HTML)
    assert page.status_code == 200 and "As in release 1.0.0" in page.get_data(as_text=True)


def test_unknown_release_or_entity_is_a_404(web: FlaskClient) -> None:
    response = web.get("/id/region/zhuhai?release=9.9.9")
    assert response.status_code == 404
    assert "No release '9.9.9' (releases: 1.1.0, 1.0.0)" in response.get_data(as_text=True)
    assert web.get("/id/region/atlantis?release=1.0.0").status_code == 404


def test_entity_page_has_a_history_section(web: FlaskClient) -> None:
    html = web.get("/id/region/zhuhai", headers=HTML).get_data(as_text=True)
    section = unescape(html[html.index('id="history"') :])
    assert 'href="?release=1.0.0">Release 1.0.0</a> (2026-12-06): added' in section
    assert 'href="?release=1.1.0">Release 1.1.0</a> (2026-12-07): changed' in section
    assert 'rdfs:label: "Zhuhai"@en → "Zhuhai City"@en' in section


def test_releases_over_real_http(two_releases: Path, store: Store) -> None:
    """The same answers through a real HTTP server on a free localhost port."""
    app = create_app(Settings(releases_dir=two_releases), store=store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            listing = client.get("/releases/", headers={"Accept": "application/json"})
            assert listing.status_code == 200
            assert [r["version"] for r in listing.json()] == ["1.1.0", "1.0.0"]
            old = client.get("/id/region/zhuhai", params={"release": "1.0.0"})
            assert old.status_code == 200 and old.headers["content-type"].startswith("text/turtle")
            assert '"Zhuhai"@en' in old.text
            dump = client.get("/releases/1.1.0/officials-kg.nt.gz")
            assert dump.content == (two_releases / "1.1.0" / "officials-kg.nt.gz").read_bytes()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
