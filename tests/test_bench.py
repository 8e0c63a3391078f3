"""Smoke tests of the benchmark (bench/): the generator and the harnesses on a tiny graph.

No timings are asserted; these check that the generated data is right and that each harness runs
and measures something real (queries answered, requests served, processes found).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench import generate, inprocess, load, remote, report, run, servers
from bench.queries import Query, competency_queries, lookup_queries

PREFIXES = """\
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix id: <https://w3id.org/officials-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

TEMPLATE = {
    "ontology/okg.ttl": """
okg:Official a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label "Official"@en .
okg:locatedIn a <http://www.w3.org/2002/07/owl#TransitiveProperty> .
""",
    "data/regions.ttl": """
<https://w3id.org/officials-kg/id/region/china> a okg:Country ; rdfs:label "China"@en .
<https://w3id.org/officials-kg/id/region/hubei> a okg:Province ; rdfs:label "Hubei"@en ;
    okg:locatedIn <https://w3id.org/officials-kg/id/region/china> .
<https://w3id.org/officials-kg/id/region/wuhan> a okg:City ; rdfs:label "Wuhan"@en , "武汉"@zh ;
    okg:locatedIn <https://w3id.org/officials-kg/id/region/hubei> .
""",
    "data/organizations.ttl": """
<https://w3id.org/officials-kg/id/organization/taobao> a okg:Platform ; rdfs:label "Taobao"@en .
""",
    "data/officials.ttl": """
<https://w3id.org/officials-kg/id/official/li-qiang> a okg:Official ; rdfs:label "Li Qiang"@en ;
    okg:holdsOffice <https://w3id.org/officials-kg/id/office/deputy-mayor-of-wuhan> .
<https://w3id.org/officials-kg/id/office/deputy-mayor-of-wuhan> a okg:Office ;
    rdfs:label "Deputy Mayor of Wuhan"@en ;
    okg:officeOf <https://w3id.org/officials-kg/id/region/wuhan> .
""",
    "data/broadcasts.ttl": """
<https://w3id.org/officials-kg/id/broadcast/2020-04-08-wuhan> a okg:Broadcast ;
    okg:host <https://w3id.org/officials-kg/id/official/li-qiang> ;
    okg:platform <https://w3id.org/officials-kg/id/organization/taobao> ;
    okg:date "2020-04-08"^^xsd:date ;
    okg:promotesRegion <https://w3id.org/officials-kg/id/region/wuhan> ;
    okg:reportedFigure <https://w3id.org/officials-kg/id/figure/2020-04-08-wuhan-viewers> ;
    okg:note [ rdfs:label "a blank node"@en ] .
<https://w3id.org/officials-kg/id/figure/2020-04-08-wuhan-viewers> a okg:ReportedFigure ;
    okg:value 2520000.0 ; okg:unit okg:Viewer ; okg:qualifier okg:MoreThan ;
    okg:statedAs "exceeded 2.52 million"@en .
""",
}

QUERIES = {
    "cq1.rq": """SELECT ?official ?office ?region WHERE {
  ?official a okg:Official ; okg:holdsOffice ?office . ?office okg:officeOf ?region }""",
    "cq2.rq": """PREFIX okg: <https://w3id.org/officials-kg/ontology#>
SELECT ?region WHERE { ?region okg:locatedIn+ <https://w3id.org/officials-kg/id/region/hubei> }""",
    "cq10.rq": """SELECT ?platform (COUNT(?b) AS ?n) WHERE { ?b okg:platform ?platform }
GROUP BY ?platform""",
    "cq11.rq": """CONSTRUCT { ?b okg:host ?o } WHERE { ?b okg:host ?o }""",
}
ID = "https://w3id.org/officials-kg/id/"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny graph shaped like the real one, and competency queries over it."""
    root = tmp_path_factory.mktemp("template")
    for relative, body in TEMPLATE.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(PREFIXES + body, encoding="utf-8")
    (root / "queries").mkdir()
    for name, body in QUERIES.items():
        (root / "queries" / name).write_text(body, encoding="utf-8")
    return root


def _generate(template: Path, out: Path, target: int, seed: int = 7) -> generate.Manifest:
    return generate.generate(
        template / "ontology", template / "data", out, target=target, seed=seed
    )


def _load(folder: Path) -> ox.Store:
    store = ox.Store()
    for path in sorted(folder.rglob("*.ttl")):
        store.bulk_load(
            path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ID + path.stem)
        )
    return store


def _count(store: ox.Store, where: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {where} }} }}"
    solution = next(iter(store.query(query)))  # type: ignore[call-overload]
    return int(solution["n"].value)


@pytest.fixture(scope="module")
def graph(
    template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, generate.Manifest]:
    out = tmp_path_factory.mktemp("generated")
    return out, _generate(template, out, 1_500)


def test_generator_reaches_the_target_and_counts_what_it_wrote(
    graph: tuple[Path, generate.Manifest],
):
    out, manifest = graph
    store = _load(out)
    assert len(store) == manifest.triples
    assert 0.9 * manifest.target <= manifest.triples <= manifest.target
    assert manifest.copies > 10 and manifest.label_resources > 5


def test_copies_replicate_resources_but_share_regions_and_platforms(
    graph: tuple[Path, generate.Manifest],
):
    out, manifest = graph
    store = _load(out)
    copies = manifest.copies + 1
    assert _count(store, "?o a <https://w3id.org/officials-kg/ontology#Official>") == copies
    assert _count(store, "?b <https://w3id.org/officials-kg/ontology#platform> ?p") == copies
    assert _count(store, "?p a <https://w3id.org/officials-kg/ontology#Platform>") == 1
    assert _count(store, "?r a <https://w3id.org/officials-kg/ontology#City>") == 1
    counties = _count(store, "?r a <https://w3id.org/officials-kg/ontology#County>")
    assert counties == manifest.label_resources
    labels = {
        str(row["l"].value)
        for row in store.query(  # type: ignore[union-attr]
            f"SELECT ?l WHERE {{ GRAPH ?g {{ <{ID}official/li-qiang-x3> ?p ?l "
            "FILTER isLiteral(?l) } }"
        )
    }
    assert labels == {"Li Qiang #3"}
    assert _count(store, "?b <https://w3id.org/officials-kg/ontology#note> ?n") == copies


def test_generator_is_reproducible_and_reuses_its_output(template: Path, tmp_path: Path):
    first = _generate(template, tmp_path / "a", 1_000)
    second = _generate(template, tmp_path / "b", 1_000)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.ttl"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.ttl"))
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    assert first == second
    (tmp_path / "a" / "data" / "regions.ttl").write_text("stale", encoding="utf-8")
    assert _generate(template, tmp_path / "a", 1_000) == first  # same parameters: reused as is
    assert _generate(template, tmp_path / "a", 1_200).triples > first.triples  # regenerated


def test_samples_name_resources_that_exist(graph: tuple[Path, generate.Manifest]):
    out, manifest = graph
    store = _load(out)
    assert len(manifest.samples) == generate.SAMPLE_COUNT
    for iri in manifest.samples[:20]:
        assert _count(store, f"<{iri}> ?p ?o") > 0, iri


def test_queries_get_the_prefixes_they_use_without_declaring(template: Path):
    mix = competency_queries(template / "queries")
    assert [q.name for q in mix] == ["cq1", "cq2", "cq10", "cq11"]
    assert mix[1].text.count("PREFIX okg:") == 1
    assert "PREFIX okg:" in mix[0].text
    assert "PREFIX sd:" not in mix[0].text and "PREFIX rdf:" not in mix[0].text  # unused
    assert len(lookup_queries(["http://example.org/a"])) == 2


def test_inprocess_engines_agree_and_results_grow(template: Path, tmp_path: Path):
    sizes = {}
    for target in (600, 1_500):
        out = tmp_path / str(target)
        _generate(template, out, target)
        store, _ = inprocess.open_ours(out / "ontology", out / "data")
        dataset, _ = inprocess.open_rdflib(out / "ontology", out / "data")
        for query in competency_queries(template / "queries"):
            ours = inprocess.run_ours(store, query, repeats=1, budget=30)
            theirs = inprocess.run_rdflib(dataset, query, repeats=1, budget=30)
            assert ours.size == theirs.size, query.name
            assert ours.median is not None and theirs.median is not None
            sizes[target, query.name] = ours.size
    assert sizes[1_500, "cq1"] > sizes[600, "cq1"] > 1
    assert sizes[1_500, "cq2"] > sizes[600, "cq2"]  # the synthetic counties
    assert sizes[1_500, "cq11"] > sizes[600, "cq11"]


def test_runs_past_the_budget_are_killed_on_both_engines(graph: tuple[Path, generate.Manifest]):
    out, _ = graph
    store, _ = inprocess.open_ours(out / "ontology", out / "data")
    dataset, _ = inprocess.open_rdflib(out / "ontology", out / "data")
    explosion = Query("cross", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    for timing in (
        inprocess.run_ours(store, explosion, repeats=2, budget=0.5),
        inprocess.run_rdflib(dataset, explosion, repeats=2, budget=0.5),
    ):
        assert timing.seconds == [] and timing.timed_out_after == 0.5
        assert "killed" in report.timing_cell(timing)
    answered = inprocess.run_ours(store, Query("ask", "ASK { ?s ?p ?o }"), repeats=2, budget=30)
    assert len(answered.seconds) == 2 and answered.size is None  # the store still answers


def test_load_client_and_memory_on_a_real_oxigraph_server(
    graph: tuple[Path, generate.Manifest], tmp_path: Path
):
    out, manifest = graph
    db = tmp_path / "db"
    servers.load_oxigraph(out / "ontology", out / "data", db, tmp_path / "load.log")
    server = servers.start_oxigraph(db, tmp_path / "server.log", timeout=60)
    try:
        requests = [
            load.sparql_request("/query", q.text, run._accept(q))
            for q in lookup_queries(manifest.samples[:4])
        ]
        requests.append(load.Request("/query?query=NOT+SPARQL", "application/sparql-results+json"))
        result = load.run(server.port, requests, clients=2, duration=5, limit=40)
        one_pass = load.run(server.port, requests, clients=3, bounds=load.Bounds(0, 99, 9))
        memory = servers.memory(server.process.pid)
    finally:
        server.stop()
    assert result.requests == 40
    assert 1 <= result.errors < 40 and "NOT+SPARQL: HTTP 400" in result.first_error
    assert len(result.latencies) == 40 - result.errors
    assert one_pass.requests == 9 and len(one_pass.latencies) + one_pass.errors == 9
    assert memory.rss > 1_000_000 and memory.processes >= 1
    assert server.process.poll() is not None


def test_a_whole_run_on_a_tiny_graph_writes_the_report(template: Path, tmp_path: Path):
    output = tmp_path / "benchmarks.md"
    output.write_text(f"# Benchmarks\n\nHand-written method.\n\n{report.MARKER}\n\nold results\n")
    arguments = ["--quick", "--sizes", "800", "--duration", "0.3", "--budget", "20"]
    arguments += ["--only", "inprocess,http"]  # the remote harness has its own test
    arguments += ["--template-data", str(template / "data")]
    arguments += ["--template-ontology", str(template / "ontology")]
    arguments += ["--queries", str(template / "queries"), "--work", str(tmp_path / "work")]
    assert run.main([*arguments, "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nHand-written method.") and "old results" not in text
    assert text.count(report.MARKER) == 1
    for server in ("kg serve", "Oxigraph server (memory)", "Oxigraph server (RocksDB)"):
        row = next(line for line in text.splitlines() if f"| {server} |" in line)
        assert f"| {report.DASH} |" not in row.split("MB", 2)[-1], row  # all throughputs measured
    assert "### Notes from the run" not in text  # no errors, every server started
    assert "| cq11 |" in text and "(killed)" not in text


def test_generator_never_clears_a_folder_it_did_not_make(template: Path, tmp_path: Path):
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        _generate(template, tmp_path, 1_000)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_remote_mode_measures_both_stores_and_kg_serve_in_front_of_them(
    template: Path, tmp_path: Path
):
    output = tmp_path / "benchmarks.md"
    arguments = ["--quick", "--only", "remote", "--sizes", "800", "--duration", "0.3"]
    arguments += ["--template-data", str(template / "data")]
    arguments += ["--template-ontology", str(template / "ontology")]
    arguments += ["--queries", str(template / "queries"), "--work", str(tmp_path / "work")]
    assert run.main([*arguments, "--output", str(output)]) == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    for key, name in remote.NAMES.items():
        cells = next(line for line in lines if f"| {name} |" in line).split("|")
        assert float(cells[6]) > 0, name  # mix throughput measured
        loaded = key in ("virtuoso", "virtuoso-dataset", "oxigraph")
        assert (cells[3].strip() != report.DASH) == loaded, name  # kg load timed for the stores
    header = next(i for i, line in enumerate(lines) if line.startswith("| triples | kg→"))
    assert report.DASH not in lines[header + 2]  # every ratio computed
    assert "### Notes from the run" not in lines  # no errors, same answers everywhere
    assert not any("Oxigraph server (memory)" in line for line in lines)  # --only remote
    query_row = next(line for line in lines if line.startswith("| cq11 |"))
    assert query_row.count("(") == len(remote.NAMES)  # every server answered cq11, sizes shown


def test_answers_of_different_sizes_are_named_in_the_notes():
    answers = {"a": {"cq1": 3, "cq2": None}, "b": {"cq1": 3, "cq2": 5}, "c": {"cq1": 4, "cq2": 5}}
    notes = remote.answer_differences(answers)
    assert len(notes) == 2
    assert notes[0].startswith("cq1:") and "c 4" in notes[0]
    assert notes[1].startswith("cq2:") and "a failed" in notes[1]
    assert remote.answer_differences({"a": {"cq1": 3}, "b": {"cq1": 3}}) == []
