"""What crash containment costs per request: evaluator processes vs in-thread evaluation.

Starts ``kg serve`` on a generated graph with the code of this tree (queries evaluated in
evaluator processes, :mod:`kg.query.evaluators`) and with the code of an earlier tree given by
``--before`` (queries evaluated on a thread of the web worker), alternately, and measures the
single-resource lookups, ``/id/`` dereferencing and the competency mix under the same load.

    git archive 5dab6ea | tar -x -C /tmp/before     # the tree before the evaluators
    python bench/containment.py --before /tmp/before/src --size 100000 --seconds 8 --rounds 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``kg`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import WORK_DIR, generate, load, servers
from bench.queries import competency_queries, lookup_queries, returns_graph
from kg.config import PROJECT_ROOT
from kg.namespaces import BASE_IRI

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


def phases(samples: list[str], queries: Path) -> dict[str, list[load.Request]]:
    """The requests of each measured phase."""
    lookups = [
        load.sparql_request("/sparql", q.text, TURTLE if returns_graph(q.text) else JSON)
        for q in lookup_queries(samples)
    ]
    pages = [load.Request("/" + iri.removeprefix(BASE_IRI), TURTLE) for iri in samples]
    mix = [
        load.sparql_request("/sparql", q.text, TURTLE if returns_graph(q.text) else JSON, q.name)
        for q in competency_queries(queries)
    ]
    return {"lookups": lookups, "/id/ pages": pages, "mix": mix}


def measure(
    folder: Path,
    source: str | None,
    requests: dict[str, list[load.Request]],
    args: argparse.Namespace,
) -> dict[str, load.LoadResult]:
    """One server (this tree, or the tree at ``source``), every phase under load."""
    env = dict(servers.KG_ENV)
    if source is not None:
        env["PYTHONPATH"] = source
    server = _start(folder, env, args)
    try:
        results = {}
        for name, batch in requests.items():
            load.run(server.port, batch, clients=args.clients, duration=1.0)  # warm-up
            results[name] = load.run(
                server.port, batch, clients=args.clients, duration=args.seconds
            )
        return results
    finally:
        server.stop()


def _start(folder: Path, env: dict[str, str], args: argparse.Namespace) -> servers.Server:
    port = servers.free_port()
    command = [
        str(servers.BIN / "kg"), "serve", "--host", servers.HOST, "--port", str(port),
        "--data", str(folder / "data"), "--ontology", str(folder / "ontology"),
        "--no-validate", "--workers", str(args.workers),
    ]  # fmt: skip
    log = args.work / "containment.log"
    return servers.start(
        "kg serve", command, port, "/sparql", log, ready_path="/healthz", timeout=120, env=env
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the src/ folder of the earlier tree")
    parser.add_argument("--size", type=int, default=100_000, help="triples of the graph")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of each phase")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two servers")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=WORK_DIR)
    args = parser.parse_args(argv)
    folder = args.work / str(args.size)
    manifest = generate.generate(
        PROJECT_ROOT / "ontology", PROJECT_ROOT / "data", folder, target=args.size, seed=20200408
    )
    requests = phases(manifest.samples, PROJECT_ROOT / "queries")
    table: dict[tuple[str, str], list[load.LoadResult]] = {}
    for _ in range(args.rounds):
        for label, source in (("in-thread (before)", args.before), ("evaluators (now)", None)):
            for phase, result in measure(folder, source, requests, args).items():
                table.setdefault((label, phase), []).append(result)
    print(f"{manifest.triples:,} triples, {args.clients} clients, {args.workers} workers, "
          f"{args.seconds:g} s per phase, {args.rounds} rounds (alternating)")  # fmt: skip
    print("| server | phase | req/s (each round) | median latency (ms) | errors |")
    print("|---|---|---|---|---|")
    for (label, phase), results in table.items():
        rates = ", ".join(f"{r.throughput:,.0f}" for r in results)
        medians = [r.median_latency * 1000 for r in results if r.median_latency is not None]
        median = f"{statistics.median(medians):.2f}" if medians else "-"
        errors = sum(r.errors for r in results)
        print(f"| {label} | {phase} | {rates} | {median} | {errors} |")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
