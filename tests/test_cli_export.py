"""``kg export``: every format parses to the published graph; files, gzip and stdout."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.cli import main
from kg.cli.export import CHOICES
from kg.config import Settings
from kg.loading import graph_sources, union_graph


@pytest.mark.parametrize("extension", sorted(CHOICES))
def test_export_writes_the_published_graph(tmp_path: Path, extension: str) -> None:
    fmt = CHOICES[extension]
    output = tmp_path / f"dump.{extension}"
    assert main(["export", "--format", extension, "-o", str(output)]) == 0
    sources = graph_sources(Settings())
    if fmt.datasets:
        dataset = Dataset().parse(output, format=fmt.rdflib_name)
        named = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        assert set(named) == {str(s.graph_iri) for s in sources}
        for source in sources:
            assert isomorphic(named[str(source.graph_iri)], source.graph), source.path
    else:
        assert isomorphic(Graph().parse(output, format=fmt.rdflib_name), union_graph(sources))


def test_export_gzips_a_gz_file(tmp_path: Path) -> None:
    assert main(["export", "--format", "nt", "-o", str(tmp_path / "d.nt.gz")]) == 0
    text = gzip.decompress((tmp_path / "d.nt.gz").read_bytes())
    assert len(Graph().parse(data=text, format="nt")) == len(union_graph(graph_sources(Settings())))


def test_export_to_stdout_with_the_console_script() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("kg")), "export", "--format", "ttl"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 0


def test_export_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--format", "xls"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_export_reports_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "-o", str(tmp_path / "missing" / "d.ttl")]) == 2
    assert "cannot write" in capsys.readouterr().err
