"""Searching an index file: candidates from name keys and FTS5, scored by :mod:`kg.search.ranking`.

A :class:`SearchIndex` opens the file read-only (one SQLite connection per thread) and keeps the
Latin name vocabulary in memory for typo repair (RapidFuzz over the vocabulary, not the labels:
a few thousand words however large the graph).
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from kg.search import ranking
from kg.search.keys import latin_words, match_expression, pieces
from kg.search.variants import name_keys, pinyin, simplified, traditional

CANDIDATES = 200  # rows read from each source of candidates before scoring
RANKED = 2_000  # most FTS matches ranked by BM25; beyond, the first ones are taken as they come
TYPO_MIN_LENGTH = 4  # shorter words are not repaired (too many neighbours)
TYPO_CUTOFF = 75.0  # least RapidFuzz ratio of a repaired word
TYPO_CHOICES = 5  # repairs tried per word
SNIPPET_LENGTH = 160
LANGUAGES = ("en", "zh", "zh-Hans", "zh-Hant", "zh-Latn")


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    label: str
    lang: str
    classes: tuple[str, ...]
    snippet: str
    score: float
    matched: str  # "exact", "prefix", "name", "text"


@dataclass(frozen=True)
class Record:
    """A resource's stored texts, as read back from the index."""

    iri: str
    labels: list[tuple[str, str]]
    alt_labels: list[tuple[str, str]]
    descriptions: list[tuple[str, str]]
    classes: list[str]


class SearchIndex:
    """A built index file, open for searching."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        meta = dict(self.connection().execute("SELECT name, value FROM meta").fetchall())
        self.version: str = meta["version"]
        rows = self.connection().execute("SELECT term FROM vocab ORDER BY term")
        self.vocabulary: list[str] = [row[0] for row in rows]

    def connection(self) -> sqlite3.Connection:
        """This thread's read-only connection."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def search(
        self, query: str, *, types: Sequence[str] = (), limit: int = 10, lang: str = "en"
    ) -> list[Hit]:
        """The best ``limit`` resources for ``query``, of one of ``types`` when given."""
        scores = self.scores(query, types=types, wanted=limit)
        if len(scores) < limit:
            for number, found in self.repaired_scores(query, types=types).items():
                scores.setdefault(number, found)
        best = sorted(scores.items(), key=lambda item: -item[1][0])[: limit * 3]
        records = self.records([number for number, _ in best])
        hits = [
            make_hit(records[number], score, matched, query, lang)
            for number, (score, matched) in best
        ]
        return sorted(hits, key=lambda hit: (-hit.score, len(hit.label), hit.iri))[:limit]

    def scores(
        self, query: str, *, types: Sequence[str] = (), wanted: int = 10
    ) -> dict[int, tuple[float, str]]:
        """Candidate row numbers -> (score, how matched), best sources first: whole names
        (keys), then words of names, then, if still fewer than ``wanted``, descriptions."""
        keys = name_keys(query)
        scores: dict[int, tuple[float, str]] = {}
        _merge(scores, self.key_scores(keys, types))
        expression = match_expression(query)
        if not expression or len(scores) >= CANDIDATES:
            return scores  # the names starting with the query are already more than enough
        names = self.fts_rows(f"names : ({expression})", types)
        _merge(scores, self.name_scores(names, keys))
        if len(scores) < wanted:
            texts = [number for number in self.fts_rows(expression, types) if number not in scores]
            _merge(scores, text_scores(texts))
        return scores

    def key_scores(self, keys: Iterable[str], types: Sequence[str]) -> dict[int, tuple[float, str]]:
        """Names equal to or starting with a key of the query."""
        scores: dict[int, tuple[float, str]] = {}
        for query_key in keys:
            sql = "SELECT id, key FROM keys WHERE key >= ? AND key < ?" + _type_clause(types)
            rows = self.connection().execute(
                sql + f" LIMIT {CANDIDATES}", (query_key, query_key + "\U0010ffff", *types)
            )
            for number, key in rows:
                if key == query_key:
                    found = (ranking.EXACT, "exact")
                else:
                    found = (ranking.prefix_score(query_key, key), "prefix")
                _merge(scores, {number: found})
        return scores

    def name_scores(self, names: list[int], keys: Iterable[str]) -> dict[int, tuple[float, str]]:
        """Names containing every query word, scored by similarity to the query."""
        name_keys_of = self.keys_of(names)
        return {
            number: (ranking.name_score(keys, name_keys_of.get(number, ())), "name")
            for number in names
        }

    def fts_rows(self, expression: str, types: Sequence[str]) -> list[int]:
        """Row numbers matching the FTS5 ``expression``: best BM25 first when there are at most
        :data:`RANKED` matches; else the first :data:`CANDIDATES` (ranking every match of a
        common word of a large graph would cost more than type-ahead can wait)."""
        sql = "SELECT rowid FROM fts WHERE fts MATCH ?" + _type_clause(types, column="rowid")
        try:
            found = self.connection().execute(sql + f" LIMIT {RANKED + 1}", (expression, *types))
            numbers = [row[0] for row in found]
            if len(numbers) > RANKED:
                return numbers[:CANDIDATES]
            ranked = self.connection().execute(
                sql + f" ORDER BY rank LIMIT {CANDIDATES}", (expression, *types)
            )
            return [row[0] for row in ranked]
        except sqlite3.OperationalError:  # an expression FTS5 cannot parse: no match
            return []

    def repaired_scores(
        self, query: str, *, types: Sequence[str] = ()
    ) -> dict[int, tuple[float, str]]:
        """Scores for ``query`` with its unknown Latin words replaced by their nearest words."""
        repairs = {word: self.repairs(word) for word in latin_words(query) if self.unknown(word)}
        repairs = {word: choices for word, choices in repairs.items() if choices}
        if not repairs:
            return {}
        scores: dict[int, tuple[float, str]] = {}
        for variant in _variants(query, repairs):
            for number, (score, matched) in self.scores(variant, types=types).items():
                _merge(scores, {number: (ranking.typo_score(score), matched)})
        return scores

    def unknown(self, word: str) -> bool:
        """Whether no vocabulary word starts with ``word`` (a candidate for repair)."""
        if len(word) < TYPO_MIN_LENGTH:
            return False
        position = bisect.bisect_left(self.vocabulary, word)
        return position == len(self.vocabulary) or not self.vocabulary[position].startswith(word)

    def repairs(self, word: str) -> list[str]:
        """The vocabulary words nearest to ``word`` (RapidFuzz ratio ≥ :data:`TYPO_CUTOFF`)."""
        found = process.extract(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF, limit=TYPO_CHOICES
        )
        return [choice for choice, _, _ in found]

    def keys_of(self, numbers: Sequence[int]) -> dict[int, list[str]]:
        """The name keys of the given rows."""
        keys: dict[int, list[str]] = {}
        for number, key in self._rows_by_id("SELECT id, key FROM keys", numbers):
            keys.setdefault(number, []).append(key)
        return keys

    def records(self, numbers: Sequence[int]) -> dict[int, Record]:
        """The stored texts of the given rows."""
        sql = "SELECT id, iri, labels, alt_labels, descriptions, classes FROM docs"
        return {row[0]: _record(row[1:]) for row in self._rows_by_id(sql, numbers)}

    def record(self, iri: str) -> Record | None:
        """The stored texts of ``iri``, None when the index does not hold it."""
        row = (
            self.connection()
            .execute(
                "SELECT iri, labels, alt_labels, descriptions, classes FROM docs WHERE iri = ?",
                (iri,),
            )
            .fetchone()
        )
        return None if row is None else _record(row)

    def types_of(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """The classes (asserted and inferred) of the given resources, for those indexed."""
        found: dict[str, set[str]] = {}
        wanted = sorted(set(iris))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.connection().execute(
                "SELECT docs.iri, types.type FROM docs JOIN types ON types.id = docs.id "
                f"WHERE docs.iri IN ({marks})",
                chunk,
            )
            for iri, type_ in rows:
                found.setdefault(iri, set()).add(type_)
        return found

    def class_counts(self) -> dict[str, int]:
        """Every class (asserted or inferred) -> how many indexed resources it has."""
        rows = self.connection().execute("SELECT type, COUNT(*) FROM types GROUP BY type")
        return {type_: count for type_, count in rows}

    def _rows_by_id(self, sql: str, numbers: Sequence[int]) -> list[tuple[Any, ...]]:
        if not numbers:
            return []
        marks = ", ".join("?" * len(numbers))
        return self.connection().execute(f"{sql} WHERE id IN ({marks})", numbers).fetchall()

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def text_scores(texts: Sequence[int]) -> dict[int, tuple[float, str]]:
    """Description matches, scored by their rank."""
    return {
        number: (ranking.text_score(position, len(texts)), "text")
        for position, number in enumerate(texts)
    }


def _type_clause(types: Sequence[str], *, column: str = "id") -> str:
    if not types:
        return ""
    marks = ", ".join("?" * len(types))
    return f" AND {column} IN (SELECT id FROM types WHERE type IN ({marks}))"


def _merge(scores: dict[int, tuple[float, str]], found: dict[int, tuple[float, str]]) -> None:
    """Keep the best score of each row."""
    for number, item in found.items():
        if number not in scores or item[0] > scores[number][0]:
            scores[number] = item


def _variants(query: str, repairs: dict[str, list[str]]) -> list[str]:
    """``query`` with each repaired word replaced by each of its repairs, one at a time."""
    words = pieces(query)
    return [
        " ".join(choice if piece == word else piece for piece in words)
        for word, choices in repairs.items()
        for choice in choices
    ]


def _record(row: Sequence[object]) -> Record:
    iri, labels, alt_labels, descriptions, classes = row
    return Record(
        iri=str(iri),
        labels=[tuple(pair) for pair in json.loads(str(labels))],
        alt_labels=[tuple(pair) for pair in json.loads(str(alt_labels))],
        descriptions=[tuple(pair) for pair in json.loads(str(descriptions))],
        classes=json.loads(str(classes)),
    )


def make_hit(record: Record, score: float, matched: str, query: str, lang: str) -> Hit:
    """A result: the label in ``lang``, a snippet, the score rounded to two decimals."""
    label, label_lang = label_in(record, lang)
    return Hit(
        iri=record.iri,
        label=label,
        lang=label_lang,
        classes=tuple(record.classes),
        snippet=snippet(record, query, lang),
        score=round(score, 2),
        matched=matched,
    )


def label_in(record: Record, lang: str) -> tuple[str, str]:
    """The best label for ``lang`` (see :data:`LANGUAGES`), converted when needed; else another."""
    if lang in ("zh-Hant", "zh-Latn"):
        chinese = _pick(record.labels, "zh")
        if chinese is not None:
            converted = traditional(chinese) if lang == "zh-Hant" else pinyin(chinese, tones=True)
            return converted, lang
    wanted = "zh" if lang.startswith("zh") else lang
    for candidate in (wanted, "en", "zh", ""):
        found = _pick(record.labels, candidate)
        if found is not None:
            return found, candidate
    first = (record.labels or record.alt_labels or [(record.iri, "")])[0]
    return first[0], first[1]


def _pick(texts: Sequence[tuple[str, str]], lang: str) -> str | None:
    for value, tag in texts:
        if tag.lower() == lang.lower() or (lang and tag.lower().startswith(lang.lower() + "-")):
            return value
    return None


def snippet(record: Record, query: str, lang: str) -> str:
    """A description passage showing the query (or the first description, or the other names)."""
    wanted = "zh" if lang.startswith("zh") else lang
    texts = sorted(record.descriptions, key=lambda item: not item[1].startswith(wanted))
    words = [piece for piece in pieces(query) if piece]
    for value, _ in texts:
        folded = simplified(value).casefold()
        hits = [folded.find(word) for word in words if word in folded]
        if hits:
            return _window(value, folded, min(hits))
    if texts:
        return _shorten(texts[0][0])
    names = [value for value, _ in record.labels + record.alt_labels]
    return _shorten(" · ".join(dict.fromkeys(names)))


def _window(value: str, folded: str, position: int) -> str:
    """About :data:`SNIPPET_LENGTH` characters of ``value`` around ``position`` of its fold."""
    if len(folded) != len(value):
        return _shorten(value)  # folding changed the length: positions do not carry over
    start = max(0, position - SNIPPET_LENGTH // 3)
    text = value[start : start + SNIPPET_LENGTH]
    return ("…" if start else "") + text + ("…" if start + SNIPPET_LENGTH < len(value) else "")


def _shorten(value: str) -> str:
    return value if len(value) <= SNIPPET_LENGTH else value[: SNIPPET_LENGTH - 1] + "…"
