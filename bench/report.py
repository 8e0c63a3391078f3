"""The results of a run and their rendering: a Markdown report, written below the hand-written
method section of ``docs/benchmarks.md``."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import Manifest
from bench.inprocess import Timing
from bench.load import LoadResult
from bench.servers import Memory

MARKER = "<!-- Everything below this line is written by bench/run.py. -->"
MB = 1024 * 1024
DASH = "\N{EN DASH}"  # an empty cell
X = "\N{MULTIPLICATION SIGN}"


@dataclass
class QueryResult:
    """One query of the mix on both in-process engines."""

    name: str
    ours: Timing
    rdflib: Timing | None = None

    @property
    def ratio(self) -> float | None:
        """rdflib time / our time (a lower bound when rdflib ran out of budget)."""
        ours = self.ours.median
        if not ours or self.rdflib is None:
            return None
        theirs = self.rdflib.median or self.rdflib.timed_out_after
        return theirs / ours if theirs else None


@dataclass
class ServerResult:
    """One server under HTTP load."""

    name: str
    cold_start: float | None = None
    load_seconds: float | None = None
    memory: Memory | None = None
    mix: LoadResult | None = None
    lookups: LoadResult | None = None
    dereference: LoadResult | None = None


@dataclass
class SizeResult:
    """Everything measured on one generated graph."""

    manifest: Manifest
    generate_seconds: float
    ours_load: float | None = None
    rdflib_load: float | None = None
    queries: list[QueryResult] = field(default_factory=list)
    servers: dict[str, ServerResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    remote: dict[str, ServerResult] = field(default_factory=dict)  # bench/remote.py's servers
    remote_answers: dict[str, dict[str, int | None]] = field(default_factory=dict)


def ms(seconds: float | None) -> str:
    return DASH if seconds is None else f"{seconds * 1000:.1f}"


def times(ratio: float | None, *, lower_bound: bool = False) -> str:
    return DASH if ratio is None else f"{'≥ ' if lower_bound else ''}{ratio:.1f}{X}"


def timing_cell(timing: Timing | None) -> str:
    if timing is None:
        return "not run"
    if timing.error:
        return "error"
    if timing.timed_out_after is not None and not timing.seconds:
        return f"> {timing.timed_out_after:.0f} s (killed)"
    return f"{ms(timing.median)} ms"


def completed(result: SizeResult) -> list[QueryResult]:
    """The queries that our store answered within budget (the summaries are over these)."""
    return [q for q in result.queries if q.ours.median is not None]


def mix_summary(result: SizeResult) -> tuple[float | None, float | None, bool]:
    """Median of the per-query ratios, ratio of total times, and whether rdflib hit its budget,
    over the queries our store completed."""
    queries = completed(result)
    ratios = [q.ratio for q in queries if q.ratio is not None]
    ours = sum(q.ours.median or 0 for q in queries)
    theirs = sum((q.rdflib.median or q.rdflib.timed_out_after or 0) for q in queries if q.rdflib)
    capped = any(q.rdflib and not q.rdflib.seconds for q in queries)
    total = theirs / ours if ours and theirs else None
    return (statistics.median(ratios) if ratios else None), total, capped


def render(
    results: list[SizeResult], header: list[str], budget: float, extra: Sequence[str] = ()
) -> str:
    """The Markdown results section (``extra``: more lines, before the notes)."""
    lines = [*header, "", *_sizes_table(results), "", *_inprocess_summary(results), ""]
    for result in results:
        if result.queries:
            lines += [*_inprocess_table(result, budget), ""]
    lines += [*_http_table(results), "", *_ratio_table(results), ""]
    for result in results:
        if len(result.servers) >= 2:
            lines += [*_http_query_table(result), ""]
    if results:
        lines += [*render_targets(max(results, key=lambda r: r.manifest.triples)), ""]
    lines += extra
    notes = [f"- {result.manifest.target:,}: {note}" for result in results for note in result.notes]
    if notes:
        lines += ["### Notes from the run", "", *notes, ""]
    return "\n".join(lines)


def _sizes_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "### Generated graphs",
        "",
        "| target | triples | copies of the real graph | label-heavy counties | generated in |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r.manifest
        lines.append(
            f"| {m.target:,} | {m.triples:,} | {m.copies:,} | {m.label_resources:,} "
            f"| {r.generate_seconds:.1f} s |"
        )
    return lines


def _inprocess_summary(results: list[SizeResult]) -> list[str]:
    lines = [
        "### In-process: our store vs rdflib on the competency-question mix",
        "",
        "| triples | load: ours | load: rdflib | queries compared | mix total: ours "
        "| mix total: rdflib | rdflib / ours (total) | rdflib / ours (median of queries) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in (r for r in results if r.queries):
        median, total, capped = mix_summary(r)
        queries = completed(r)
        ours = sum(q.ours.median or 0 for q in queries)
        theirs = sum(
            (q.rdflib.median or q.rdflib.timed_out_after or 0) for q in queries if q.rdflib
        )
        lines.append(
            f"| {r.manifest.triples:,} | {_s(r.ours_load)} | {_s(r.rdflib_load)} "
            f"| {len(queries)} of {len(r.queries)} | {ms(ours)} ms "
            f"| {'≥ ' if capped else ''}{ms(theirs)} ms | {times(total, lower_bound=capped)} "
            f"| {times(median, lower_bound=capped)} |"
        )
    return lines


def _inprocess_table(result: SizeResult, budget: float) -> list[str]:
    lines = [
        f"#### {result.manifest.triples:,} triples: median time per query "
        f"(runs killed after {budget:.0f} s)",
        "",
        "| query | result size | ours | rdflib | rdflib / ours |",
        "|---|---:|---:|---:|---:|",
    ]
    for q in result.queries:
        capped = bool(q.rdflib and not q.rdflib.seconds)
        sizes = [t.size for t in (q.ours, q.rdflib) if t and t.size is not None]
        size = " / ".join(f"{n:,}" for n in dict.fromkeys(sizes)) or DASH  # two if they differ
        lines.append(
            f"| {q.name} | {size} | {timing_cell(q.ours)} | {timing_cell(q.rdflib)} "
            f"| {times(q.ratio, lower_bound=capped)} |"
        )
    return lines


def _s(seconds: float | None) -> str:
    return DASH if seconds is None else f"{seconds:.1f} s"


def _rate(load: LoadResult | None) -> str:
    if load is None:
        return DASH
    errors = f" ({load.errors} errors)" if load.errors else ""
    return f"{load.throughput:.1f}{errors}"


def _http_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "### Over HTTP, 4 concurrent keep-alive clients (requests per second)",
        "",
        "| triples | server | cold start | load | RSS (sum) | PSS (sum) | mix req/s "
        "| mix median latency | lookups req/s | `/id/` req/s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for s in r.servers.values():
            rss = f"{s.memory.rss / MB:,.0f} MB" if s.memory else DASH
            pss = f"{s.memory.pss / MB:,.0f} MB" if s.memory else DASH
            latency = ms(s.mix.median_latency if s.mix else None)
            lines.append(
                f"| {r.manifest.triples:,} | {s.name} | {_s(s.cold_start)} | {_s(s.load_seconds)} "
                f"| {rss} | {pss} | {_rate(s.mix)} | {latency} ms | {_rate(s.lookups)} "
                f"| {_rate(s.dereference)} |"
            )
    return lines


def _http_query_table(result: SizeResult) -> list[str]:
    """Median latency of each query of the mix on each server, under load."""
    names = list(result.servers)
    servers = [result.servers[name] for name in names]
    lines = [
        f"#### {result.manifest.triples:,} triples: median latency per query under load, ms "
        "(requests completed)",
        "",
        "| query | " + " | ".join(s.name for s in servers) + " |",
        "|---|" + "---:|" * len(servers),
    ]
    queries = sorted({q for s in servers if s.mix for q in s.mix.by_name}, key=_query_order(result))
    for query in queries:
        cells = []
        for server in servers:
            runs = server.mix.by_name.get(query, []) if server.mix else []
            cells.append(f"{ms(statistics.median(runs))} ({len(runs)})" if runs else DASH)
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    return lines


def _query_order(result: SizeResult) -> Callable[[str], tuple[int, str]]:
    order = {q.name: i for i, q in enumerate(result.queries)}
    return lambda name: (order.get(name, len(order)), name)


OXIGRAPH_VARIANTS = ("oxigraph", "oxigraph-memory")  # keys of SizeResult.servers


def http_ratios(result: SizeResult, other: str) -> dict[str, float | None]:
    """kg serve / server ``other`` throughput ratios (mix, lookups, dereferencing vs DESCRIBE)."""
    ours, theirs = result.servers.get("kg"), result.servers.get(other)

    def ratio(a: LoadResult | None, b: LoadResult | None) -> float | None:
        return a.throughput / b.throughput if a and b and b.throughput else None

    if not ours or not theirs:
        return {"mix": None, "lookups": None, "dereference": None}
    return {
        "mix": ratio(ours.mix, theirs.mix),
        "lookups": ratio(ours.lookups, theirs.lookups),
        "dereference": ratio(ours.dereference, theirs.dereference),
    }


def _ratio_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "### kg serve / Oxigraph server (throughput ratios)",
        "",
        "| triples | against | query mix | lookups (`/sparql` DESCRIBE + SELECT) "
        "| `/id/` vs Oxigraph DESCRIBE |",
        "|---:|---|---:|---:|---:|",
    ]
    for r in results:
        for other in OXIGRAPH_VARIANTS:
            if "kg" in r.servers and other in r.servers:
                ratios = http_ratios(r, other)
                lines.append(
                    f"| {r.manifest.triples:,} | {r.servers[other].name} | {times(ratios['mix'])} "
                    f"| {times(ratios['lookups'])} | {times(ratios['dereference'])} |"
                )
    return lines


def targets(result: SizeResult) -> list[tuple[str, str, bool | None]]:
    """The targets checked on the largest graph: (target, measured, met or None if not measured)."""
    median, total, _ = mix_summary(result)
    kg = result.servers.get("kg")
    checks: list[tuple[str, str, bool | None]] = [
        _check("in-process ≥ 20 times faster than rdflib (median of queries)", median, 20, X),
        _check("in-process ≥ 20 times faster than rdflib (total mix time)", total, 20, X),
    ]
    for other in OXIGRAPH_VARIANTS:
        ratios = http_ratios(result, other)
        name = result.servers[other].name if other in result.servers else other
        checks += [
            _check(f"HTTP mix throughput ≥ 2 times {name}", ratios["mix"], 2, X),
            _check(f"`/sparql` lookups ≥ 0.25 times {name}", ratios["lookups"], 0.25, X),
            _check(
                f"`/id/` dereferencing ≥ 0.25 times {name} DESCRIBE",
                ratios["dereference"],
                0.25,
                X,
            ),
        ]
    cold = kg.cold_start if kg else None
    checks.append(("cold start of kg serve ≤ 15 s", _s(cold), None if cold is None else cold <= 15))
    rss = kg.memory.rss / MB if kg and kg.memory else None
    rss_text = DASH if rss is None else f"{rss:,.0f} MB"
    checks.append(
        ("resident memory of kg serve ≤ 1.5 GB", rss_text, None if rss is None else rss <= 1536)
    )
    return checks


def _check(
    label: str, value: float | None, minimum: float, unit: str
) -> tuple[str, str, bool | None]:
    return (
        label,
        DASH if value is None else f"{value:.2f}{unit}",
        None if value is None else value >= minimum,
    )


def render_targets(result: SizeResult) -> list[str]:
    marks = {True: "met", False: "**not met**", None: "not measured"}
    lines = [
        f"### Targets, checked on the largest graph ({result.manifest.triples:,} triples)",
        "",
        "| target | measured | |",
        "|---|---:|---|",
    ]
    lines += [f"| {label} | {value} | {marks[met]} |" for label, value, met in targets(result)]
    return lines


def write(path: Path, section: str) -> None:
    """Replace everything below the marker of ``path`` with ``section`` (keep the method text)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    head = text.split(MARKER, 1)[0].rstrip("\n")
    path.write_text(f"{head}\n\n{MARKER}\n\n{section.strip()}\n", encoding="utf-8")
