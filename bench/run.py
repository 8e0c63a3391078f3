"""Benchmark entry point: generate graphs of each size, time both harnesses, write the report.

python bench/run.py                         # 10k, 100k and 1M triples (well under 30 min)
python bench/run.py --quick                 # a short run on 10k and 100k
python bench/run.py --sizes 10000,100000 --no-write
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import platform
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``kg`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import WORK_DIR, generate, inprocess, load, remote, report, servers
from bench.queries import Query, competency_queries, lookup_queries, returns_graph
from kg.config import PROJECT_ROOT
from kg.namespaces import BASE_IRI

JSON = "application/sparql-results+json"
HARNESSES = ("inprocess", "http", "remote")
MIX_PASSES = 2  # the mix phase lasts until each query was sent this many times (on average)
TURTLE = "text/turtle"


@dataclass(frozen=True)
class Plan:
    """How much of everything a run does."""

    repeats: int  # timed runs of each query in process (our store; rdflib stops at slow ones)
    rdflib_repeats: int
    budget: float  # seconds before an in-process run is killed (our store: all its runs)
    duration: float  # seconds of each HTTP load phase
    max_requests: int  # requests of each HTTP load phase at most
    clients: int
    phase_cap: float  # seconds a load phase may last to reach its minimum of requests
    workers: int  # kg serve worker processes
    start_timeout: float


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        help="target triple counts, comma-separated "
        "(default 10000,100000,1000000; with --quick 10000,100000)",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter load phases")
    parser.add_argument("--seed", type=int, default=20200408, help="seed of the generator")
    parser.add_argument(
        "--only",
        type=_harnesses,
        help=f"run only these harnesses, comma-separated: {', '.join(HARNESSES)}",
    )
    parser.add_argument(
        "--budget", type=float, help="seconds per in-process run before it is killed (default 30)"
    )
    parser.add_argument("--duration", type=float, help="seconds per HTTP load phase (default 10)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="kg serve worker processes")
    parser.add_argument("--template-data", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument("--template-ontology", type=Path, default=PROJECT_ROOT / "ontology")
    parser.add_argument("--queries", type=Path, default=PROJECT_ROOT / "queries")
    parser.add_argument(
        "--work",
        type=Path,
        default=WORK_DIR,
        help="folder of the generated graphs and logs (git-ignored)",
    )
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only, leave the docs alone")
    return parser


def _harnesses(text: str) -> tuple[str, ...]:
    """The harness names of ``--only``."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in HARNESSES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown harness {', '.join(unknown) or text!r}")
    return names


def plan_for(args: argparse.Namespace) -> Plan:
    quick = args.quick
    return Plan(
        repeats=3 if quick else 5,
        rdflib_repeats=2 if quick else 3,
        budget=args.budget or (10.0 if quick else 30.0),
        duration=args.duration or (3.0 if quick else 10.0),
        max_requests=2_000 if quick else 20_000,
        clients=args.clients,
        phase_cap=60.0 if quick else 150.0,
        workers=args.workers,
        start_timeout=120.0,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: servers get stopped
    plan = plan_for(args)
    default_sizes = "10000,100000" if args.quick else "10000,100000,1000000"
    sizes = [int(size.replace("_", "")) for size in (args.sizes or default_sizes).split(",")]
    mix = competency_queries(args.queries)
    if not mix:
        print(f"no cq*.rq queries in {args.queries}", file=sys.stderr)
        return 2
    began = time.perf_counter()
    results = [run_size(size, args, plan, mix) for size in sizes]
    section = report.render(
        results,
        header(args, plan, time.perf_counter() - began),
        plan.budget,
        extra=remote.render(results),
    )
    print(section)
    if not args.no_write:
        report.write(args.output, section)
        print(f"written to {args.output}", file=sys.stderr)
    return 0


def run_size(
    size: int, args: argparse.Namespace, plan: Plan, mix: list[Query]
) -> report.SizeResult:
    """Generate the graph of ``size`` triples and run the harnesses on it."""
    folder = args.work / f"graph-{size}"
    _say(f"[{size:,}] generating under {folder}")
    began = time.perf_counter()
    manifest = generate.generate(
        args.template_ontology, args.template_data, folder, target=size, seed=args.seed
    )
    result = report.SizeResult(manifest, time.perf_counter() - began)
    _say(f"[{size:,}] {manifest.triples:,} triples ({manifest.copies} copies)")
    harnesses = args.only or HARNESSES
    if "inprocess" in harnesses:
        run_inprocess(result, folder, plan, mix)
    if "http" in harnesses:
        run_http(result, folder, args.work / "logs" / str(size), plan, mix)
    if "remote" in harnesses:  # kg serve --store on Virtuoso and Oxigraph server
        remote.run_remote(
            result, folder, args.work / "stores", args.work / "logs" / str(size), plan, mix
        )
    return result


def run_inprocess(result: report.SizeResult, folder: Path, plan: Plan, mix: list[Query]) -> None:
    """Our store and rdflib on the same files, query by query."""
    ontology, data = folder / "ontology", folder / "data"
    store, result.ours_load = inprocess.open_ours(ontology, data)
    result.queries = [
        report.QueryResult(q.name, inprocess.run_ours(store, q, plan.repeats, plan.budget))
        for q in mix
    ]
    store.close()
    del store
    gc.collect()
    _say(f"  ours loaded in {result.ours_load:.1f} s; loading rdflib")
    dataset, result.rdflib_load = inprocess.open_rdflib(ontology, data)
    for query, row in zip(mix, result.queries, strict=True):
        row.rdflib = inprocess.run_rdflib(dataset, query, plan.rdflib_repeats, plan.budget)
        _say(
            f"  {query.name}: ours {report.timing_cell(row.ours)}, "
            f"rdflib {report.timing_cell(row.rdflib)}"
        )
    del dataset
    gc.collect()
    for row in result.queries:
        for engine, timing in (("ours", row.ours), ("rdflib", row.rdflib)):
            if timing and timing.error:
                result.notes.append(f"{row.name} failed on {engine}: {timing.error}")


def run_http(
    result: report.SizeResult, folder: Path, logs: Path, plan: Plan, mix: list[Query]
) -> None:
    """kg serve, Oxigraph server in memory (also as kg serve's remote store), then Oxigraph
    server on disk, on the same files; one server under load at a time."""
    ontology, data = folder / "ontology", folder / "data"
    timeout, workers = plan.start_timeout, plan.workers

    def kg(log: str, store: str = "memory") -> servers.Server:
        return servers.start_kg(
            ontology, data, logs / log, workers=workers, timeout=timeout, store=store
        )

    _measure_into(result, "kg", lambda: kg("kg.log"), plan, mix)
    with _oxigraph_memory(ontology, data, logs, timeout, result.notes) as remote:
        if remote is not None:
            _measure_into(result, "oxigraph-memory", lambda: remote, plan, mix, stop=False)
            url = f"http://{servers.HOST}:{remote.port}/query"
            _measure_into(result, "kg-remote", lambda: kg("kg-remote.log", url), plan, mix)
    db = folder / "oxigraph-db"
    load_seconds = servers.load_oxigraph(ontology, data, db, logs / "oxigraph-load.log")

    def on_disk() -> servers.Server:
        return servers.start_oxigraph(db, logs / "oxigraph.log", timeout=timeout)

    _measure_into(result, "oxigraph", on_disk, plan, mix)
    if "oxigraph" in result.servers:
        result.servers["oxigraph"].load_seconds = load_seconds
    result.notes += [
        f"{server.name}: {phase.errors} errors, e.g. {phase.first_error}"
        for server in result.servers.values()
        for phase in (server.mix, server.lookups, server.dereference)
        if phase and phase.errors
    ]


def _measure_into(
    result: report.SizeResult,
    key: str,
    start: Callable[[], servers.Server],
    plan: Plan,
    mix: list[Query],
    *,
    stop: bool = True,
) -> None:
    """Start a server, measure it into ``result.servers[key]``, stop it; failures become notes."""
    server = None
    try:
        server = start()
        dereference = key.startswith("kg")
        result.servers[key] = measure(
            server, plan, mix, result.manifest.samples, dereference=dereference
        )
    except servers.ServerError as error:
        result.notes.append(f"{key}: {_summary(error)}")
    finally:
        if server is not None and stop:
            server.stop()


@contextmanager
def _oxigraph_memory(
    ontology: Path, data: Path, logs: Path, timeout: float, notes: list[str]
) -> Iterator[servers.Server | None]:
    """Oxigraph server in memory while the block runs (None, and a note, if it did not start)."""
    try:
        server = servers.start_oxigraph_memory(
            ontology, data, logs / "oxigraph-memory.log", timeout=timeout
        )
    except servers.ServerError as error:
        notes.append(f"oxigraph-memory: {_summary(error)}")
        yield None
        return
    try:
        yield server
    finally:
        server.stop()


def measure(
    server: servers.Server, plan: Plan, mix: list[Query], samples: list[str], *, dereference: bool
) -> report.ServerResult:
    """Cold start, the mix, the lookups and (kg serve) ``/id/`` dereferencing, then memory."""
    measured = report.ServerResult(server.name, cold_start=server.cold_start)
    _say(f"  {server.name} ready in {server.cold_start:.1f} s")
    mix_requests = [load.sparql_request(server.query_path, q.text, _accept(q), q.name) for q in mix]
    once = len(mix_requests)
    _run_phase(server, mix_requests, plan, load.Bounds(0, once, once))  # warm-up: each query once
    measured.mix = _run_phase(server, mix_requests, plan, minimum=MIX_PASSES * once)
    lookups = [
        load.sparql_request(server.query_path, q.text, _accept(q)) for q in lookup_queries(samples)
    ]
    measured.lookups = _run_phase(server, lookups, plan)
    measured.dereference = _dereference(server, samples, plan, served=dereference)
    measured.memory = servers.memory(server.process.pid)
    if server.process.poll() is not None:
        raise servers.ServerError(f"{server.name} died under load: {servers.tail(server.log)}")
    _say(
        f"  {server.name}: mix {measured.mix.throughput:.1f} req/s, "
        f"lookups {measured.lookups.throughput:.1f} req/s, "
        f"RSS {measured.memory.rss / report.MB:,.0f} MB"
    )
    return measured


def _dereference(
    server: servers.Server, samples: list[str], plan: Plan, *, served: bool
) -> load.LoadResult | None:
    """``/id/…`` on kg serve (when it answers); the same resources by DESCRIBE on Oxigraph."""
    if not served:
        describes = [
            load.sparql_request(server.query_path, f"DESCRIBE <{iri}>", TURTLE) for iri in samples
        ]
        return _run_phase(server, describes, plan)
    paths = [load.Request("/" + iri.removeprefix(BASE_IRI), TURTLE) for iri in samples]
    if servers.status(server.port, paths[0].path, TURTLE) != 200:
        return None
    return _run_phase(server, paths, plan)


def _run_phase(
    server: servers.Server,
    requests: list[load.Request],
    plan: Plan,
    bounds: load.Bounds | None = None,
    *,
    minimum: int = 0,
) -> load.LoadResult:
    """One load phase: ``plan``'s duration and request limit unless ``bounds`` are given."""
    bounds = bounds or load.Bounds(plan.duration, plan.max_requests, minimum, plan.phase_cap)
    return load.run(server.port, requests, clients=plan.clients, bounds=bounds)


def _accept(query: Query) -> str:
    return TURTLE if returns_graph(query.text) else JSON


def header(args: argparse.Namespace, plan: Plan, seconds: float) -> list[str]:
    """Where and how the numbers were measured."""
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("pyoxigraph", "oxigraph", "rdflib", "flask", "gunicorn")
    )
    command = " ".join(["python bench/run.py", *(sys.argv[1:] if args else [])])
    return [
        "## Results",
        "",
        f"Measured by `{command}` in {seconds / 60:.1f} min: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {versions}. "
        f"{plan.repeats} timed runs per query in process after a warm-up (rdflib: up to "
        f"{plan.rdflib_repeats}); runs past {plan.budget:.0f} s are killed; HTTP phases of "
        f"{plan.duration:g} s (at most {plan.max_requests:,} requests; the mix phase until "
        f"each query was sent {MIX_PASSES} times on average, at most {plan.phase_cap:g} s) with "
        f"{plan.clients} clients after a warm-up pass; kg serve with {plan.workers} workers.",
    ]


def _summary(error: Exception) -> str:
    """The first line of a server error and the last line of its log."""
    lines = str(error).splitlines() or [type(error).__name__]
    return lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1].strip()}"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
