"""``kg load --to FOLDER``: the embedded store loads itself through the same ``Store.load``."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_remote_load import SOURCES, expected_sizes, write_sources

from kg.cli import ExitCode, main
from kg.config import Settings
from kg.loading import fingerprint, source_paths
from kg.stores import open_store
from kg.stores.embedded import VERSION_STAMP


def load(settings: Settings, folder: Path, *options: str) -> int:
    sources = ["--ontology", str(settings.ontology_dir), "--data", str(settings.data_dir)]
    sources += ["--shapes", str(settings.shapes_dir)]
    return main(["load", "--to", str(folder), "--quiet", *sources, *options])


def test_a_folder_is_loaded_counted_and_stamped(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "src", SOURCES)
    folder = tmp_path / "store"
    assert load(sources, folder) == ExitCode.OK
    version = fingerprint(source_paths(sources))
    assert (folder / VERSION_STAMP).read_text().strip() == version
    store = open_store(sources.replace(store=str(folder)))  # reused: the stamp matches
    try:
        assert store.version == version
        assert store.graph_sizes() == expected_sizes(sources)
    finally:
        store.close()


def test_replace_drops_the_graphs_of_removed_files(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert load(write_sources(tmp_path / "all", SOURCES), folder) == ExitCode.OK
    fewer = write_sources(
        tmp_path / "fewer", {k: v for k, v in SOURCES.items() if k != "data/regions.ttl"}
    )
    assert load(fewer, folder, "--replace") == ExitCode.OK
    store = open_store(fewer.replace(store=str(folder)))
    try:
        assert store.graph_sizes() == expected_sizes(fewer)
    finally:
        store.close()


def test_a_folder_that_is_not_a_store_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "thesis.txt").write_text("not a store")
    assert load(write_sources(tmp_path / "src", SOURCES), folder) == ExitCode.BAD_INPUT
    assert "not an officials-kg store folder" in capsys.readouterr().err
    assert (folder / "thesis.txt").read_text() == "not a store"  # nothing lost
