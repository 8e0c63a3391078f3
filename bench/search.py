"""Search benchmark: index build time and type-ahead latency, in process, on a generated graph.

``python bench/search.py`` generates (or reuses) the graph of ``--target`` triples, loads it in
the embedded store, reads the documents through the Store interface and writes the index (both
timed), then times type-ahead searches (``limit=8``, as the header box asks) for prefixes of real
labels in English, Chinese and pinyin. It also measures why the index has bigrams: how many of the
two-character Chinese words of the labels an FTS5 trigram index finds, against ours. It prints a
Markdown section for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench import WORK_DIR
from bench.generate import generate
from kg.config import PROJECT_ROOT, Settings
from kg.search import SearchIndex
from kg.search.documents import Document, read_documents
from kg.search.index import write_index
from kg.search.keys import is_han, match_expression, pieces
from kg.search.variants import pinyin
from kg.stores import open_store

TYPEAHEAD_LIMIT = 8
BUILD_TARGET = 20.0  # seconds
TYPEAHEAD_TARGET = 0.020  # seconds, p95


@dataclass(frozen=True)
class SearchResult:
    """What one run measured."""

    documents: int
    texts: int
    load_seconds: float
    read_seconds: float
    write_seconds: float
    index_bytes: int
    latencies: list[float]
    two_char_words: int
    found_by_trigram: int
    found_by_ours: int

    @property
    def build_seconds(self) -> float:
        return self.read_seconds + self.write_seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def typeahead_queries(documents: list[Document], count: int, seed: int) -> list[str]:
    """Prefixes of real labels as a reader types them: English, Chinese and pinyin, 1-12 chars."""
    rng = random.Random(seed)
    queries: list[str] = []
    names = [text.value for doc in documents for text in doc.names if text.value.strip()]
    for _ in range(count):
        name = rng.choice(names)
        if is_han(name[:1]) and rng.random() < 0.5:
            name = pinyin(name).replace(" ", "")
        cut = rng.randint(1, min(12, len(name)))
        queries.append(name[:cut])
    return queries


def time_searches(index: SearchIndex, queries: list[str]) -> list[float]:
    """Seconds each search took (after one warm-up pass over the first queries)."""
    for query in queries[:20]:
        index.search(query, limit=TYPEAHEAD_LIMIT)
    latencies = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, limit=TYPEAHEAD_LIMIT)
        latencies.append(time.perf_counter() - start)
    return latencies


def two_character_words(documents: list[Document], count: int, seed: int) -> list[tuple[str, str]]:
    """(word, IRI) pairs: two-character pieces of Chinese labels, sampled."""
    pairs = {
        (run[i : i + 2], doc.iri)
        for doc in documents
        for text in doc.names
        for run in pieces(text.value)
        if is_han(run)
        for i in range(len(run) - 1)
    }
    ordered = sorted(pairs)
    return random.Random(seed).sample(ordered, min(count, len(ordered)))


def trigram_recall(documents: list[Document], words: list[tuple[str, str]], folder: Path) -> int:
    """How many words an FTS5 trigram index of the same labels finds in their resource."""
    connection = sqlite3.connect(folder / "trigram.sqlite3")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(iri UNINDEXED, names, tokenize='trigram')"
    )
    connection.executemany(
        "INSERT INTO t VALUES (?, ?)",
        ((doc.iri, " ".join(text.value for text in doc.names)) for doc in documents),
    )
    found = 0
    for word, iri in words:
        rows = connection.execute("SELECT iri FROM t WHERE t MATCH ?", (f'"{word}"',)).fetchall()
        found += (iri,) in rows
    connection.close()
    return found


def our_recall(index: SearchIndex, words: list[tuple[str, str]]) -> int:
    """How many words our index matches in their resource's names (the same question as
    :func:`trigram_recall` asks, whatever the ranking among other matches)."""
    sql = "SELECT 1 FROM fts WHERE fts MATCH ? AND rowid = (SELECT id FROM docs WHERE iri = ?)"
    connection = index.connection()
    return sum(
        connection.execute(sql, (f"names : ({match_expression(word)})", iri)).fetchone() is not None
        for word, iri in words
    )


def run(settings: Settings, *, queries: int, words: int, seed: int, folder: Path) -> SearchResult:
    """Measure one graph (the one ``settings`` names)."""
    start = time.perf_counter()
    store = open_store(settings)
    loaded = time.perf_counter()
    documents = read_documents(store, page_size=settings.max_rows)
    read = time.perf_counter()
    path = write_index(documents, folder / "search.sqlite3", version=store.version)
    written = time.perf_counter()
    index = SearchIndex(path)
    sample = two_character_words(documents, words, seed)
    return SearchResult(
        documents=len(documents),
        texts=sum(len(d.names) + len(d.descriptions) for d in documents),
        load_seconds=loaded - start,
        read_seconds=read - loaded,
        write_seconds=written - read,
        index_bytes=path.stat().st_size,
        latencies=time_searches(index, typeahead_queries(documents, queries, seed)),
        two_char_words=len(sample),
        found_by_trigram=trigram_recall(documents, sample, folder),
        found_by_ours=our_recall(index, sample),
    )


def markdown(result: SearchResult, triples: int) -> str:
    """The "Search" section of docs/benchmarks.md."""
    ms = 1000.0
    p50, p95 = result.percentile(0.5) * ms, result.percentile(0.95) * ms
    build_ok = "yes" if result.build_seconds <= BUILD_TARGET else "**no**"
    typeahead_ok = "yes" if p95 / ms <= TYPEAHEAD_TARGET else "**no**"
    read_what = f"{result.documents:,} resources ({result.texts:,} texts)"
    return f"""## Search

Measured by `python bench/search.py` on the generated graph of {triples:,} triples: the embedded
store, in process, one run ({sys.version.split()[0]}, 2 shared cores).

| what | measured | target | met |
|---|---:|---:|---|
| index build: read {read_what} through the Store | {result.read_seconds:.1f} s | | |
| index build: terms, keys, FTS5, B-trees | {result.write_seconds:.1f} s | | |
| index build, total | {result.build_seconds:.1f} s | ≤ {BUILD_TARGET:.0f} s | {build_ok} |
| index file | {result.index_bytes / 1024 / 1024:.0f} MB | | |
| type-ahead, {len(result.latencies)} prefixes (limit {TYPEAHEAD_LIMIT}): p50 | {p50:.1f} ms | | |
| type-ahead p95 | {p95:.1f} ms | ≤ {TYPEAHEAD_TARGET * ms:.0f} ms | {typeahead_ok} |
| type-ahead max | {max(result.latencies) * ms:.1f} ms | | |

Two-character Chinese words ({result.two_char_words} sampled from the labels) found in their own
resource: FTS5 `trigram` tokenizer {result.found_by_trigram}, this index
{result.found_by_ours} (see [search.md](search.md)).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=int, default=1_000_000, help="triples to generate")
    parser.add_argument("--seed", type=int, default=20200408, help="seed of the generator")
    parser.add_argument("--queries", type=int, default=500, help="type-ahead searches timed")
    parser.add_argument("--words", type=int, default=300, help="two-character words sampled")
    parser.add_argument("--out", type=Path, default=WORK_DIR)
    args = parser.parse_args()
    manifest = generate(
        PROJECT_ROOT / "ontology",
        PROJECT_ROOT / "data",
        args.out / f"graph-{args.target}",
        target=args.target,
        seed=args.seed,
    )
    root = args.out / f"graph-{args.target}"
    settings = Settings(
        ontology_dir=root / "ontology", data_dir=root / "data", validate=False, store="memory"
    )
    with tempfile.TemporaryDirectory() as folder:
        result = run(
            settings, queries=args.queries, words=args.words, seed=args.seed, folder=Path(folder)
        )
    print(markdown(result, manifest.triples))


if __name__ == "__main__":
    main()
