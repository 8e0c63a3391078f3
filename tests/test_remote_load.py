"""``kg load --to URL`` on a real Oxigraph server: validate, PUT per graph, check the counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import Server, started

from kg.cli import main
from kg.cli.load import NotConforming
from kg.config import Settings
from kg.loading import fingerprint, graph_files, graph_iri_for, source_paths
from kg.stores import StoreUnavailable
from kg.stores.remote import MANIFEST, MANIFEST_QUERY, RemoteStore

OKG = "https://w3id.org/officials-kg/ontology#"
ID = "https://w3id.org/officials-kg/id/"
PREFIXES = f"""@prefix okg: <{OKG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SOURCES = {
    "ontology/okg.ttl": 'okg:Official a rdfs:Class ; rdfs:label "Official"@en, "官员"@zh .',
    "data/officials.ttl": f"""
        <{ID}official/a> a okg:Official ; rdfs:label "A"@en ;
            okg:figure [ okg:value 17930000.0 ; okg:statedAs "over 17.93 million"@en ] .
        <{ID}official/b> a okg:Official ; rdfs:label "B"@en ; okg:duration "PT2H"^^xsd:duration .
    """,
    "data/regions.ttl": f'<{ID}region/china> rdfs:label "China"@en, "中国"@zh .',
    "shapes/officials.ttl": """
        okg:OfficialShape a sh:NodeShape ; sh:targetClass okg:Official ;
            sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
    """,
}


def write_sources(root: Path, sources: dict[str, str]) -> Settings:
    """Write ``sources`` (relative path -> Turtle body) under ``root``; settings reading them."""
    for relative, body in sources.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PREFIXES + body, encoding="utf-8")
    return Settings(
        ontology_dir=root / "ontology", data_dir=root / "data", shapes_dir=root / "shapes"
    )


@pytest.fixture
def sources(tmp_path: Path) -> Settings:
    return write_sources(tmp_path / "src", SOURCES)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A fresh, empty Oxigraph server of this module's own (tests here write to it)."""
    running = started("oxigraph", tmp_path_factory.mktemp("oxigraph-load"))
    yield running
    running.stop()


def expected_sizes(settings: Settings) -> dict[str, int]:
    return {graph.iri: len(graph.triples) for graph in graph_files(settings)}


def test_load_puts_one_named_graph_per_file_with_the_source_counts(
    server: Server, sources: Settings
) -> None:
    report = server.load(sources, replace=True)
    assert report.ok, report.render()
    store = server.open_store(sources)
    assert store.graph_sizes() == expected_sizes(sources)
    assert sorted(store.graph_names()) == sorted(expected_sizes(sources))
    regions = graph_iri_for(sources.data_dir / "regions.ttl", sources.data_dir)
    assert str(regions) == "https://w3id.org/officials-kg/graph/data/regions"
    assert store.graph_sizes()[str(regions)] == 2


def manifest(store: RemoteStore) -> tuple[set[str], set[str]]:
    """The graphs and versions the store's manifest names (empty sets without a manifest)."""
    rows = store.select(MANIFEST_QUERY)
    return {row["graph"].value for row in rows}, {row["version"].value for row in rows}


def test_a_complete_load_records_our_graphs_and_the_sources_version(
    server: Server, sources: Settings
) -> None:
    assert server.load(sources, replace=True).ok
    store = server.open_store(sources)
    version = fingerprint(source_paths(sources))
    assert manifest(store) == (set(expected_sizes(sources)), {version})
    assert store.version == version  # as the embedded store's version of the same sources
    assert sorted(store.graph_names()) == sorted(expected_sizes(sources))
    assert MANIFEST not in store.graph_names()


def test_rerunning_the_load_is_harmless(server: Server, sources: Settings) -> None:
    first = server.load(sources, replace=True)
    again = server.load(sources)
    assert first.ok and again.ok, again.render()
    assert again.triples == first.triples
    assert server.open_store(sources).graph_sizes() == expected_sizes(sources)


def test_a_non_conforming_graph_is_never_pushed(
    server: Server, sources: Settings, tmp_path: Path
) -> None:
    server.load(sources, replace=True)
    broken = write_sources(
        tmp_path / "broken",
        {**SOURCES, "data/officials.ttl": f"<{ID}official/nameless> a okg:Official ."},
    )
    with pytest.raises(NotConforming):
        server.load(broken)
    assert server.open_store(sources).graph_sizes() == expected_sizes(sources)


def test_replace_removes_graphs_of_files_that_no_longer_exist(
    server: Server, sources: Settings, tmp_path: Path
) -> None:
    server.load(sources, replace=True)
    fewer = {k: v for k, v in SOURCES.items() if k != "data/regions.ttl"}
    smaller = write_sources(tmp_path / "fewer", fewer)
    kept = server.load(smaller)
    assert kept.ok and kept.stale == ["https://w3id.org/officials-kg/graph/data/regions"]
    replaced = server.load(smaller, replace=True)
    assert replaced.ok and replaced.removed == kept.stale
    assert server.open_store(smaller).graph_sizes() == expected_sizes(smaller)


def test_a_failure_half_way_is_reported_and_a_rerun_repairs_it(
    server: Server, sources: Settings, tmp_path: Path
) -> None:
    """The server dies after the first graph: the report names what is and is not loaded."""
    server.load(sources, replace=True)
    one_label = f'<{ID}region/china> rdfs:label "China"@en .'
    changed = write_sources(tmp_path / "changed", {**SOURCES, "data/regions.ttl": one_label})
    files = graph_files(changed)

    def stop_after_first(message: str) -> None:
        server.stop()

    report = server.load(changed, progress=stop_after_first)
    assert not report.ok
    assert report.loaded == [files[0].iri]
    assert list(report.failed) == [files[1].iri]
    assert report.not_attempted == [graph.iri for graph in files[2:]]
    assert "run `kg load` again" in report.render()
    server.start()
    half_done = server.open_store(changed)
    assert manifest(half_done) == (set(), set())  # removed before the first PUT, not rewritten
    assert half_done.version != fingerprint(source_paths(changed))  # counted from the graphs
    repaired = server.load(changed, replace=True)
    assert repaired.ok, repaired.render()
    assert server.open_store(changed).graph_sizes() == expected_sizes(changed)
    assert server.open_store(changed).version == fingerprint(source_paths(changed))


def test_a_store_that_does_not_answer_is_an_error_before_anything_is_sent(
    sources: Settings, tmp_path: Path
) -> None:
    silent = Server("oxigraph", tmp_path / "never-started")
    silent.url = "http://127.0.0.1:9/query"  # discard port: nothing listens
    with pytest.raises(StoreUnavailable, match="does not answer"):
        silent.load(sources)


def test_load_command_exit_codes_and_messages(
    server: Server, sources: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--ontology", str(sources.ontology_dir), "--data", str(sources.data_dir)]
    options += ["--shapes", str(sources.shapes_dir)]
    assert main(["load", "--to", server.url, "--replace", *options]) == 0
    assert "loaded 3 graph(s)" in capsys.readouterr().out
    assert main(["load", "--to", "memory", *options]) == 2
    assert "http" in capsys.readouterr().err
    assert main(["load", "--to", "http://127.0.0.1:9/query", *options]) == 3
    assert "does not answer" in capsys.readouterr().err


def test_no_validate_loads_a_non_conforming_graph_as_it_is(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nameless = {**SOURCES, "data/officials.ttl": f"<{ID}official/nameless> a okg:Official ."}
    broken = write_sources(tmp_path / "broken", nameless)
    options = ["--to", server.url, "--replace", "--ontology", str(broken.ontology_dir)]
    options += ["--data", str(broken.data_dir), "--shapes", str(broken.shapes_dir)]
    assert main(["load", *options]) == 1
    assert "does not conform" in capsys.readouterr().err
    assert main(["load", *options, "--no-validate"]) == 0  # e.g. the bench's generated graphs
    assert server.open_store(broken).graph_sizes() == expected_sizes(broken)
