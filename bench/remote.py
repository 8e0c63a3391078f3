"""Remote mode: ``kg serve --store URL`` on Virtuoso and on Oxigraph server, beside the stores'
own endpoints and the embedded ``kg serve``, on the same generated graph and query mix.

Each store gets a fresh database under the work folder, loaded by ``kg load --to URL --replace
--no-validate`` (the generated graph is synthetic: its SHACL validation is not what is measured);
Virtuoso is then checkpointed, so that no checkpoint falls into a timed phase. One server takes
load at a time (a store stays up, idle, while ``kg serve`` in front of it is measured). Every
server first answers each query once (the warm-up) and the answers' sizes are compared: the ratios
are only worth something if all servers give the same answers. Virtuoso's settings are
:data:`VIRTUOSO_SETTINGS`; they are printed with the results.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox

from bench import load, report, servers
from bench.queries import Query, returns_graph
from kg.stores.remote import GRAPH_SIZES_QUERY

if TYPE_CHECKING:
    from bench.run import Plan

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
STATE_MARKER = ".bench-store"  # a store folder this module made (and may empty)
MIX_PASSES = 2  # as bench/run.py: each query sent at least twice in a timed phase
LOAD_TIMEOUT = 1800  # seconds per Graph Store request of ``kg load`` (a whole file each)

# Virtuoso's ini for a graph of up to a few million triples on a small machine (see the report).
VIRTUOSO_SETTINGS: dict[str, dict[str, str]] = {
    "Parameters": {
        "NumberOfBuffers": "170000",  # 8 KiB pages: 1.3 GB, Virtuoso's figure for 2 GB of RAM
        "MaxDirtyBuffers": "130000",  # three quarters of them, as Virtuoso's own sizing table
        "ThreadsPerQuery": str(os.cpu_count() or 2),  # one per core, no more
        "MaxClientConnections": "16",
        "CheckpointInterval": "60",  # minutes; the bench checkpoints after the load itself
    },
    "HTTPServer": {"ServerThreads": "16", "MaxClientConnections": "16", "KeepAliveTimeout": "10"},
    "SPARQL": {
        "ResultSetMaxRows": "10000000",  # above kg serve's lifted --max-rows: no silent cut
        "MaxQueryExecutionTime": str(servers.QUERY_TIMEOUT),  # kg serve's --timeout
    },
}


@dataclass(frozen=True)
class StoreKind:
    """A store server of the remote mode: how to start it, and how it is measured directly."""

    key: str
    start: Callable[[Path, Path, float], servers.Server]  # (state folder, log, timeout)
    load_environ: Callable[[str, Path], Mapping[str, str]]  # (query URL, state): for kg load
    direct: tuple[tuple[str, bool], ...]  # (result key, send our dataset with each query)
    after_load: Callable[[Path], None] = lambda state: None


def fresh_state(state: Path) -> Path:
    """An empty folder for a store's database (only a folder this module made is emptied)."""
    if state.exists() and any(state.iterdir()):
        if not (state / STATE_MARKER).exists():
            raise FileExistsError(f"{state} exists and was not made by the bench")
        shutil.rmtree(state)
    state.mkdir(parents=True, exist_ok=True)
    (state / STATE_MARKER).touch()
    return state


def virtuoso_ini(state: Path, sql_port: int, http_port: int) -> str:
    """Virtuoso's ini: the CI script's layout (``.ci/stores/virtuoso``) and the bench's tuning."""
    sections: dict[str, dict[str, str]] = {
        "Database": {
            "DatabaseFile": f"{state}/virtuoso.db",
            "ErrorLogFile": f"{state}/virtuoso.log",
            "LockFile": f"{state}/virtuoso.lck",
            "TransactionFile": f"{state}/virtuoso.trx",
            "xa_persistent_file": f"{state}/virtuoso.pxa",
            "FileExtend": "200",
            "Striping": "0",
            "TempStorage": "TempDatabase",
        },
        "TempDatabase": {
            "DatabaseFile": f"{state}/virtuoso-temp.db",
            "TransactionFile": f"{state}/virtuoso-temp.trx",
            "Striping": "0",
        },
        "Parameters": {
            "ServerPort": f"{servers.HOST}:{sql_port}",
            "DisableUnixSocket": "1",
            "DirsAllowed": f"., {state}",
            "CaseMode": "2",
            **VIRTUOSO_SETTINGS["Parameters"],
        },
        "HTTPServer": {
            "ServerPort": f"{servers.HOST}:{http_port}",
            "ServerRoot": f"{state}/www",
            "EnabledDavVSP": "0",
            **VIRTUOSO_SETTINGS["HTTPServer"],
        },
        "SPARQL": {"DefaultQuery": "ASK {}", **VIRTUOSO_SETTINGS["SPARQL"]},
    }
    return "".join(
        f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items()) + "\n"
        for name, entries in sections.items()
    )


def start_virtuoso(state: Path, log: Path, timeout: float) -> servers.Server:
    """Virtuoso 7 (``virtuoso-t -f``) on a fresh database in ``state``, on 127.0.0.1."""
    fresh_state(state)
    (state / "www").mkdir()
    sql_port = servers.free_port()
    http_port = next(port for port in iter(servers.free_port, None) if port != sql_port)
    (state / "virtuoso.ini").write_text(virtuoso_ini(state, sql_port, http_port))
    (state / "sql_port").write_text(str(sql_port))
    command = ["virtuoso-t", "-f", "-c", str(state / "virtuoso.ini")]
    ready = "/sparql?query=" + quote("ASK {}")
    return servers.start(
        "Virtuoso 7 /sparql", command, http_port, "/sparql", log, ready_path=ready, timeout=timeout
    )


def virtuoso_sql(state: Path, statement: str) -> None:
    """Run one SQL statement on the Virtuoso of ``state`` as dba (``isql-vt``)."""
    port = (state / "sql_port").read_text().strip()
    command = ["isql-vt", f"{servers.HOST}:{port}", "dba", "dba", f"exec={statement}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode or "Error" in done.stdout:
        raise servers.ServerError(f"Virtuoso: {statement} failed: {done.stdout}{done.stderr}")


def checkpoint_virtuoso(state: Path) -> None:
    """Write the loaded data to Virtuoso's database file now."""
    virtuoso_sql(state, "checkpoint;")


def virtuoso_load_environ(url: str, state: Path) -> dict[str, str]:
    """``kg load`` through Virtuoso's digest-protected GSP endpoint, as user ``dba`` (the
    default password of this throw-away database on 127.0.0.1)."""
    return {"KG_STORE_USER": "dba", "KG_STORE_PASSWORD": "dba"}


def start_oxigraph(state: Path, log: Path, timeout: float) -> servers.Server:
    """Oxigraph server (read-write, RocksDB) on a fresh folder, default graph = union."""
    fresh_state(state)
    port = servers.free_port()
    command = [
        str(servers.BIN / "oxigraph"),
        "serve",
        "--location",
        str(state / "data"),
        "--bind",
        f"{servers.HOST}:{port}",
        "--union-default-graph",
    ]
    ready = "/query?query=" + quote(servers.ASK_QUERY)
    return servers.start(
        "Oxigraph server /query", command, port, "/query", log, ready_path=ready, timeout=timeout
    )


STORES: tuple[StoreKind, ...] = (
    StoreKind(
        "virtuoso",
        start_virtuoso,
        virtuoso_load_environ,
        (("virtuoso", False), ("virtuoso-dataset", True)),
        checkpoint_virtuoso,
    ),
    StoreKind("oxigraph", start_oxigraph, lambda url, state: {}, (("oxigraph", False),)),
)
# Rows of the report, in order: result key -> what it is.
NAMES: dict[str, str] = {
    "virtuoso": "Virtuoso 7 /sparql (its default graph)",
    "virtuoso-dataset": "Virtuoso 7 /sparql (our dataset named, as kg sends it)",
    "kg-virtuoso": "kg serve --store Virtuoso",
    "oxigraph": "Oxigraph server /query (RocksDB)",
    "kg-oxigraph": "kg serve --store Oxigraph server",
    "kg": "kg serve (embedded, in memory)",
}


def run_remote(
    result: report.SizeResult, folder: Path, work: Path, logs: Path, plan: Plan, mix: list[Query]
) -> None:
    """Measure every store, ``kg serve`` in front of it, and the embedded ``kg serve``."""
    for kind in STORES:
        _measure_store(
            result, kind, folder, work / f"{kind.key}-{result.manifest.target}", logs, plan, mix
        )
    ontology, data = folder / "ontology", folder / "data"
    try:
        embedded = servers.start_kg(
            ontology,
            data,
            logs / "kg-embedded.log",
            workers=plan.workers,
            timeout=plan.start_timeout,
        )
    except servers.ServerError as error:
        result.notes.append(f"kg (remote mode): {error}")
        return
    try:
        _measure(result, "kg", embedded, _mix_requests(embedded.query_path, mix), plan)
    finally:
        embedded.stop()
    result.notes += answer_differences(result.remote_answers)


def _measure_store(
    result: report.SizeResult,
    kind: StoreKind,
    folder: Path,
    state: Path,
    logs: Path,
    plan: Plan,
    mix: list[Query],
) -> None:
    """Start the store, load it, measure it directly and through ``kg serve``, stop it."""
    try:
        store = kind.start(state, logs / f"{kind.key}.log", plan.start_timeout)
    except (servers.ServerError, OSError) as error:
        result.notes.append(f"{kind.key}: {_first_line(error)}")
        return
    try:
        url = f"http://{servers.HOST}:{store.port}{store.query_path}"
        environ = kind.load_environ(url, state)
        seconds = load_store(folder, url, environ, logs / f"{kind.key}-load.log")
        kind.after_load(state)
        graphs = our_graphs(store)
        for key, with_dataset in kind.direct:
            requests = _mix_requests(store.query_path, mix, graphs if with_dataset else ())
            _measure(result, key, store, requests, plan, load_seconds=seconds)
        _measure_front(result, f"kg-{kind.key}", url, folder, logs, plan, mix)
    except servers.ServerError as error:
        result.notes.append(f"{kind.key}: {_first_line(error)}")
    finally:
        store.stop()


def _measure_front(
    result: report.SizeResult,
    key: str,
    url: str,
    folder: Path,
    logs: Path,
    plan: Plan,
    mix: list[Query],
) -> None:
    """``kg serve --store url`` (with its usual workers) under the mix."""
    front = servers.start_kg(
        folder / "ontology",
        folder / "data",
        logs / f"{key}.log",
        workers=plan.workers,
        timeout=plan.start_timeout,
        store=url,
    )
    try:
        _measure(result, key, front, _mix_requests(front.query_path, mix), plan)
    finally:
        front.stop()


def load_store(folder: Path, url: str, environ: Mapping[str, str], log: Path) -> float:
    """``kg load --to url --replace --no-validate`` of the generated graph; its seconds."""
    command = [
        str(servers.BIN / "kg"),
        "load",
        "--to",
        url,
        "--replace",
        "--no-validate",
        "--quiet",
        "--timeout",
        str(LOAD_TIMEOUT),
        "--data",
        str(folder / "data"),
        "--ontology",
        str(folder / "ontology"),
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    with open(log, "wb") as handle:
        done = subprocess.run(
            command,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **environ},
            check=False,
        )
    if done.returncode:
        raise servers.ServerError(f"kg load failed ({done.returncode}): {servers.tail(log)}")
    return time.perf_counter() - began


def our_graphs(store: servers.Server) -> list[str]:
    """The names of our graphs in the store (what ``kg serve`` names as the dataset)."""
    status, body = fetch(store.port, load.sparql_request(store.query_path, GRAPH_SIZES_QUERY, JSON))
    if status != 200:
        raise servers.ServerError(f"{store.name} did not list its graphs: HTTP {status}")
    rows = json.loads(body)["results"]["bindings"]
    return sorted(row["g"]["value"] for row in rows)


def _mix_requests(path: str, mix: list[Query], graphs: Sequence[str] = ()) -> list[load.Request]:
    """The mix as GET requests, with ``graphs`` as default and named graphs when given."""
    dataset = "".join(
        f"&{part}={quote(graph, safe='')}"
        for part in ("default-graph-uri", "named-graph-uri")
        for graph in graphs
    )
    requests = []
    for query in mix:
        accept = TURTLE if returns_graph(query.text) else JSON
        request = load.sparql_request(path, query.text, accept, query.name)
        requests.append(load.Request(request.path + dataset, accept, query.name))
    return requests


def _measure(
    result: report.SizeResult,
    key: str,
    server: servers.Server,
    requests: list[load.Request],
    plan: Plan,
    *,
    load_seconds: float | None = None,
) -> None:
    """Each query once (its answer's size kept; the warm-up), the timed phase (as the HTTP
    harness's mix phase: at least MIX_PASSES passes over the mix), then the server's memory."""
    server.name = NAMES[key]
    result.remote_answers[key] = {
        request.name: answer_size(server.port, request) for request in requests
    }
    bounds = load.Bounds(
        plan.duration, plan.max_requests, MIX_PASSES * len(requests), plan.phase_cap
    )
    mix = load.run(server.port, requests, clients=plan.clients, bounds=bounds)
    measured = report.ServerResult(server.name, server.cold_start, load_seconds, mix=mix)
    measured.memory = servers.memory(server.process.pid)
    result.remote[key] = measured
    if mix.errors:
        result.notes.append(f"{server.name}: {mix.errors} errors, e.g. {mix.first_error}")
    _say(f"  {server.name}: mix {mix.throughput:.1f} req/s")


def fetch(port: int, request: load.Request) -> tuple[int, bytes]:
    """GET one request; its status and body (status 0 when nothing answered)."""
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=300)
    try:
        connection.request("GET", request.path, headers={"Accept": request.accept})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        connection.close()


def answer_size(port: int, request: load.Request) -> int | None:
    """Rows of a SELECT answer, distinct triples of a graph answer; None for ASK or a failure."""
    status, body = fetch(port, request)
    if status != 200:
        return None
    try:
        if request.accept == TURTLE:
            return len(
                {(q.subject, q.predicate, q.object) for q in ox.parse(body, ox.RdfFormat.TURTLE)}
            )
        bindings = json.loads(body).get("results", {}).get("bindings")
    except (SyntaxError, ValueError):
        return None
    return None if bindings is None else len(bindings)


def answer_differences(answers: Mapping[str, Mapping[str, int | None]]) -> list[str]:
    """Notes naming each query whose answer size is not the same on every server."""
    queries = dict.fromkeys(name for sizes in answers.values() for name in sizes)
    notes = []
    for query in queries:
        sizes = {key: answers[key].get(query) for key in answers}
        if len(set(sizes.values())) > 1:
            listed = ", ".join(
                f"{key} {size if size is not None else 'failed'}" for key, size in sizes.items()
            )
            notes.append(f"{query}: the servers' answers differ in size ({listed})")
    return notes


def ratio(result: report.SizeResult, ours: str, theirs: str) -> float | None:
    """Mix throughput of server ``ours`` / server ``theirs`` (None unless both were measured)."""
    a, b = result.remote.get(ours), result.remote.get(theirs)
    if a is None or b is None or a.mix is None or b.mix is None or not b.mix.throughput:
        return None
    return a.mix.throughput / b.mix.throughput


RATIOS: tuple[tuple[str, str, str], ...] = (
    ("kg-virtuoso", "virtuoso-dataset", "kg→Virtuoso / Virtuoso (same dataset)"),
    ("kg-virtuoso", "virtuoso", "kg→Virtuoso / Virtuoso (its default graph)"),
    ("kg-virtuoso", "oxigraph", "kg→Virtuoso / Oxigraph server"),
    ("kg-oxigraph", "oxigraph", "kg→Oxigraph / Oxigraph server"),
    ("kg", "virtuoso-dataset", "kg embedded / Virtuoso (same dataset)"),
)
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    (
        "kg-virtuoso",
        "virtuoso-dataset",
        0.8,
        "kg serve on Virtuoso ≥ 0.8 times Virtuoso's own mix throughput (our dataset named)",
    ),
    (
        "kg-virtuoso",
        "virtuoso",
        0.8,
        "kg serve on Virtuoso ≥ 0.8 times Virtuoso's own mix throughput (its default graph)",
    ),
    (
        "kg-virtuoso",
        "oxigraph",
        5.0,
        "kg serve on Virtuoso ≥ 5 times Oxigraph server's mix throughput",
    ),
)


def render(results: list[report.SizeResult]) -> list[str]:
    """The report's remote-store section (empty when the remote mode did not run)."""
    measured = [r for r in results if r.remote]
    if not measured:
        return []
    largest = max(measured, key=lambda r: r.manifest.triples)
    lines = [*_servers_table(measured), "", *_ratio_table(measured), "", *_query_table(largest)]
    return [*lines, "", *_targets(largest), "", *_settings_lines(), ""]


def _servers_table(results: list[report.SizeResult]) -> list[str]:
    lines = [
        "### Remote stores: the query mix over HTTP (clients and phases as above)",
        "",
        "| triples | server | load (`kg load`) | cold start | RSS | mix req/s "
        "| mix median latency |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for key in (key for key in NAMES if key in r.remote):
            s = r.remote[key]
            rss = f"{s.memory.rss / report.MB:,.0f} MB" if s.memory else report.DASH
            latency = report.ms(s.mix.median_latency if s.mix else None)
            rate = f"{s.mix.throughput:.1f}" if s.mix else report.DASH
            lines.append(
                f"| {r.manifest.triples:,} | {s.name} | {_seconds(s.load_seconds)} "
                f"| {_seconds(s.cold_start)} | {rss} | {rate} | {latency} ms |"
            )
    return lines


def _seconds(value: float | None) -> str:
    return report.DASH if value is None else f"{value:.1f} s"


def _ratio_table(results: list[report.SizeResult]) -> list[str]:
    lines = [
        "### Remote stores: mix throughput ratios",
        "",
        "| triples | " + " | ".join(label for _, _, label in RATIOS) + " |",
        "|---:|" + "---:|" * len(RATIOS),
    ]
    for r in results:
        cells = [report.times(ratio(r, ours, theirs)) for ours, theirs, _ in RATIOS]
        lines.append(f"| {r.manifest.triples:,} | " + " | ".join(cells) + " |")
    return lines


def _query_table(result: report.SizeResult) -> list[str]:
    keys = [key for key in NAMES if key in result.remote]
    lines = [
        f"#### {result.manifest.triples:,} triples: median latency per query under load, ms "
        "(answer size: rows or triples)",
        "",
        "| query | " + " | ".join(NAMES[key] for key in keys) + " |",
        "|---|" + "---:|" * len(keys),
    ]
    queries = dict.fromkeys(name for key in keys for name in result.remote_answers.get(key, {}))
    for query in queries:
        cells = []
        for key in keys:
            mix = result.remote[key].mix
            runs = mix.by_name.get(query, []) if mix else []
            size = result.remote_answers.get(key, {}).get(query)
            median = report.ms(statistics.median(runs)) if runs else report.DASH
            cells.append(f"{median} ({report.DASH if size is None else f'{size:,}'})")
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    return lines


def _targets(result: report.SizeResult) -> list[str]:
    marks = {True: "met", False: "**not met**", None: "not measured"}
    lines = [
        f"### Remote-store targets, checked on the largest graph ({result.manifest.triples:,} "
        "triples)",
        "",
        "| target | measured | |",
        "|---|---:|---|",
    ]
    for ours, theirs, minimum, label in TARGETS:
        value = ratio(result, ours, theirs)
        met = None if value is None else value >= minimum
        lines.append(f"| {label} | {report.times(value)} | {marks[met]} |")
    return lines


def _settings_lines() -> list[str]:
    settings = "; ".join(
        f"`[{section}]` " + ", ".join(f"{key} = {value}" for key, value in entries.items())
        for section, entries in VIRTUOSO_SETTINGS.items()
    )
    return [f"Virtuoso's settings (`bench/remote.py`): {settings}."]


def _first_line(error: Exception) -> str:
    lines = str(error).splitlines() or [type(error).__name__]
    return lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1].strip()}"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
