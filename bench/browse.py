"""Facet pages in process on a generated graph: ``/browse/…`` through the Flask test client.

    python bench/browse.py [--size 1000000] [--repeats 20] [--before-repeats 3] [--no-write]

Generates (or reuses) the graph of ``bench/generate.py``, loads it into the embedded store, builds
the facet indexes (``kg.web.browse.warm``: timed, and their retained memory measured), then
requests each page of :data:`PAGES` once to warm up and, per mode, ``--repeats`` times:
*before*, the facet indexes switched off and the query cache emptied, so every query of the page
runs (``--before-repeats`` times: slow); *after, cold*, the page from the index with its labels
forgotten (the label query runs); *after, warm*, labels remembered. Then :data:`FRESH` seeded
random selections, each requested once (never seen before). Writes the "Browse" section of
docs/benchmarks.md between its markers.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from flask import Flask
from flask.testing import FlaskClient

from bench import WORK_DIR, generate, inprocess
from kg.browse.facets import BROWSE_CLASSES
from kg.browse.index import FacetIndex
from kg.browse.indexes import FacetIndexes
from kg.browse.selection import Selection, compact
from kg.config import PROJECT_ROOT, Settings
from kg.web import create_app
from kg.web.browse import facet_indexes, query_cache, warm

PAGES = (
    "/browse/broadcasts",
    "/browse/broadcasts?province=region/hubei",
    "/browse/broadcasts?province=region/hubei&platform=organization/taobao",
    "/browse/broadcasts?month=2020-04&sort=date&order=desc",
    "/browse/broadcasts?level=okg:District&page=3",
    "/browse/officials?province=region/guangdong&sort=broadcasts&order=desc",
    "/browse/products?industry=industry/agriculture",
    "/browse/figures",
    "/browse/figures?platform=organization/pinduoduo",
    "/browse/sources",
)
FRESH = 100  # random selections, each requested once
TARGET_MS = 300.0
BEGIN = "<!-- Browse: written by bench/browse.py. -->"
END = "<!-- End of the Browse section. -->"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Timed:
    """Milliseconds of the requests of one page in one mode, and any status other than 200."""

    ms: list[float]
    failed: str = ""

    def cell(self) -> str:
        if self.failed:
            return f"{self.failed} after {statistics.median(self.ms):.0f} ms"
        return f"{statistics.median(self.ms):.0f} / {percentile(self.ms, 0.95):.0f}"


def timed(client: FlaskClient, path: str, repeats: int, before: Callable[[], None]) -> Timed:
    """``repeats`` requests of ``path``, each after ``before()``."""
    found = Timed([])
    for _ in range(repeats):
        before()
        start = time.perf_counter()
        response = client.get(path)
        found.ms.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            found.failed = f"HTTP {response.status_code}"
    return found


class Modes:
    """How the app answers: by SPARQL (indexes off) or by index, cold or warm."""

    def __init__(self, app: Flask):
        with app.app_context():
            self.indexes: FacetIndexes = facet_indexes()
            self.cache = query_cache()

    def sparql(self) -> None:
        self.indexes.enabled = False
        self.cache.clear()

    def cold(self) -> None:
        self.indexes.enabled = True
        self.cache.clear()
        for index in self.indexes.ready():
            index.forget_labels()

    def warm(self) -> None:
        self.indexes.enabled = True


def measure(
    client: FlaskClient, modes: Modes, path: str, repeats: int, before_repeats: int
) -> tuple[Timed, Timed, Timed]:
    """A page before (SPARQL), after (index) cold and after warm, after a warm-up request."""
    modes.warm()
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{path}: HTTP {first.status_code} {first.data[:200]!r}")
    return (
        timed(client, path, before_repeats, modes.sparql),
        timed(client, path, repeats, modes.cold),
        timed(client, path, repeats, modes.warm),
    )


def fresh_paths(indexes: list[FacetIndex], count: int, seed: int) -> list[str]:
    """``count`` random selections: a class, one or two facets, one of their listed values,
    a sort column and order, page 1 (the same for a given seed)."""
    chooser = random.Random(seed)
    paths: set[str] = set()
    while len(paths) < count:
        index = chooser.choice(indexes)
        facets = [f for f in index.spec.facets if index.counts(f, Selection())]
        values: dict[str, tuple[str, ...]] = {}
        for facet in chooser.sample(facets, min(len(facets), chooser.choice((1, 2)))):
            node, _ = chooser.choice(index.counts(facet, Selection()))
            text = str(node) if facet.literal else compact(str(node), index.base_iri)
            values[facet.name] = (text,)
        sort, order = chooser.choice(index.spec.sortable), chooser.choice(("asc", "desc"))
        selection = Selection(values, sort, order)
        paths.add(f"/browse/{index.spec.cls.name}{selection.query_string() or ''}")
    return sorted(paths)


def retained_bytes(index: FacetIndex) -> int:
    """The memory the index holds on its own (rows, facet tables, orders, labels), each object
    counted once; the store and the spec are the app's."""
    seen: set[int] = set()
    stack: list[Any] = [index.table, index.facets, index.orders, index._labels]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack += [*obj.keys(), *obj.values()]
        elif isinstance(obj, list | tuple | set | frozenset):
            stack += list(obj)
        elif hasattr(obj, "__dataclass_fields__") and not isinstance(obj, array):
            stack += [getattr(obj, name) for name in obj.__dataclass_fields__]
    return total


@dataclass
class Build:
    """The facet indexes' build: seconds in all, and each class's items and memory."""

    seconds: float
    classes: list[tuple[str, int, int]]  # name, items, retained bytes


def render(
    triples: int,
    load_s: float,
    build: Build,
    rows: list[tuple[str, Timed, Timed, Timed]],
    fresh: Timed,
    repeats: int,
    before_repeats: int,
) -> str:
    """The Markdown section."""
    before_ms = [t for _, before, _, _ in rows if not before.failed for t in before.ms]
    cold_ms = [t for _, _, cold, _ in rows for t in cold.ms] + fresh.ms
    warm_ms = [t for _, _, _, warm in rows for t in warm.ms]
    cold_p95, warm_p95 = percentile(cold_ms, 0.95), percentile(warm_ms, 0.95)
    verdict = "met" if cold_p95 <= TARGET_MS and not fresh.failed else "missed"
    memory = sum(size for _, _, size in build.classes)
    per_class = ", ".join(
        f"{name} {items:,} items {size / 2**20:.1f} MiB" for name, items, size in build.classes
    )
    lines = [
        BEGIN,
        "## Browse",
        "",
        f"Measured by `python bench/browse.py`: facet pages in process (Flask test client, "
        f"embedded store) on the generated graph of {triples:,} triples (loaded in "
        f"{load_s:.0f} s). Python {platform.python_version()}, 2 cores shared with other jobs. "
        "Cells are median / p95 in ms.",
        "",
        f"- *Before*: the facet indexes off and the query cache emptied before each request, so "
        f"every query of the page runs (the total, one GROUP BY per facet, the table, the labels); "
        f"{plural(before_repeats, 'request')} per page.",
        "- *After, cold*: the page from the facet index (`kg.browse.index`), the labels it had "
        f"fetched forgotten and the query cache emptied before each request, so only the label "
        f"query runs; {plural(repeats, 'request')} per page. Nothing in the index depends on the "
        "selection, "
        "so a repeated request costs what a new selection does.",
        "- *After, warm*: the same with the labels remembered (no query at all).",
        "",
        "| page | before | after, cold | after, warm |",
        "|---|---:|---:|---:|",
    ]
    for path, before, cold, warm_ in rows:
        lines.append(f"| `{path}` | {before.cell()} | {cold.cell()} | {warm_.cell()} |")
    lines += [
        f"| {len(fresh.ms)} random selections (seeded), each requested once, cold | | "
        f"{fresh.cell()} | |",
        "",
        f"All pages after, cold (with the random selections): p95 {cold_p95:.0f} ms, warm "
        f"p95 {warm_p95:.0f} ms; before: p95 {percentile(before_ms, 0.95):.0f} ms of the pages "
        f"that answered — target ≤ {TARGET_MS:.0f} ms p95 for a selection never seen before "
        f"{verdict}.",
        "",
        f"**The index.** `kg.web.browse.warm` builds the five classes' indexes in "
        f"{build.seconds:.0f} s on this graph (a handful of SPARQL queries per class, through "
        f"the store), holding {memory / 2**20:.0f} MiB ({per_class}; measured as the objects "
        "each index holds, counted once). One index per class, for the current data version "
        "only: a new version drops the old one at once and builds again, pages running their "
        'SPARQL meanwhile. The CSV and JSON downloads and the "show the SPARQL" links still run '
        "the table's query." + failures(rows),
        END,
    ]
    return "\n".join(lines)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def failures(rows: list[tuple[str, Timed, Timed, Timed]]) -> str:
    """A sentence on the pages that failed before (a query past the time limit: HTTP 503)."""
    failed = [f"`{path}` ({before.failed})" for path, before, _, _ in rows if before.failed]
    if not failed:
        return ""
    return (
        " Before, " + ", ".join(failed) + " failed: a query of the page ran past the query time "
        "limit (10 s); the same query (the table's) still limits its downloads."
    )


def write(path: Path, section: str) -> None:
    """Put ``section`` between its markers in ``path`` (before the generated results if new)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        marker = "<!-- Everything below this line is written by bench/run.py. -->"
        head, found, rest = text.partition(marker)
        text = head.rstrip("\n") + "\n\n" + section + "\n\n" + found + rest
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="triples to generate")
    parser.add_argument("--seed", type=int, default=20200408)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--before-repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=WORK_DIR)
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    out = args.workdir / f"graph-{args.size}"
    manifest = generate.generate(
        PROJECT_ROOT / "ontology", PROJECT_ROOT / "data", out, target=args.size, seed=args.seed
    )
    store, load_s = inprocess.open_ours(out / "ontology", out / "data")
    settings = Settings(ontology_dir=out / "ontology", data_dir=out / "data", validate=False)
    app = create_app(settings, store=store)
    start = time.perf_counter()
    warm(app)
    seconds = time.perf_counter() - start
    modes = Modes(app)
    indexes = sorted(modes.indexes.ready(), key=lambda index: index.spec.cls.name)
    if len(indexes) != len(BROWSE_CLASSES):
        raise SystemExit("not every facet index was built (see the log)")
    build = Build(seconds, [(i.spec.cls.name, len(i), retained_bytes(i)) for i in indexes])
    print(f"indexes built in {seconds:.1f} s", flush=True)
    client = app.test_client()
    rows = []
    for path in PAGES:
        rows.append((path, *measure(client, modes, path, args.repeats, args.before_repeats)))
        print(path, *(t.cell() for t in rows[-1][1:]), flush=True)
    fresh = Timed([])
    for path in fresh_paths(indexes, FRESH, args.seed):
        once = timed(client, path, 1, modes.cold)
        fresh.ms += once.ms
        fresh.failed = fresh.failed or once.failed
    section = render(
        manifest.triples, load_s, build, rows, fresh, args.repeats, args.before_repeats
    )
    print(section)
    if not args.no_write:
        write(args.output, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
