"""The slow-query log: queries slower than a threshold, one row per normalised query text.

Rows live in an SQLite file under the cache folder, so every worker process writes to the same
log and ``kg slow-queries`` reads it. A query is *normalised* by collapsing runs of white space
(inside string literals too: two queries that differ only there share a row); the row keeps the
count, the longest and the last duration, and when it was last seen. Writes are rare (only slow
queries) and short: one upsert per slow query, in WAL mode with a busy timeout.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FILE_NAME = "slow-queries.sqlite3"
HASH_LENGTH = 12
MAX_STORED_CHARS = 20_000  # longer queries are stored cut (the hash is of the whole text)
BUSY_MS = 2000

_WHITE_SPACE = re.compile(r"\s+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS slow_queries (
    hash TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    count INTEGER NOT NULL,
    max_seconds REAL NOT NULL,
    last_seconds REAL NOT NULL,
    last_seen REAL NOT NULL
)
"""
UPSERT = """
INSERT INTO slow_queries (hash, query, count, max_seconds, last_seconds, last_seen)
VALUES (?, ?, 1, ?, ?, ?)
ON CONFLICT (hash) DO UPDATE SET
    count = count + 1,
    max_seconds = max(max_seconds, excluded.max_seconds),
    last_seconds = excluded.last_seconds,
    last_seen = excluded.last_seen
"""
SELECT = """
SELECT hash, query, count, max_seconds, last_seconds, last_seen FROM slow_queries
ORDER BY max_seconds DESC, last_seen DESC LIMIT ?
"""


def normalise(query: str) -> str:
    """``query`` with every run of white space made one space, and none at either end."""
    return _WHITE_SPACE.sub(" ", query).strip()


def query_hash(query: str) -> str:
    """A short hash of the normalised text: the same query, however spaced, hashes the same."""
    digest = hashlib.sha256(normalise(query).encode("utf-8", "replace")).hexdigest()
    return digest[:HASH_LENGTH]


@dataclass(frozen=True)
class SlowQuery:
    """One row of the log."""

    hash: str
    query: str
    count: int
    max_seconds: float
    last_seconds: float
    last_seen: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class SlowQueryLog:
    """The log file ``path``; queries of ``threshold`` seconds or more are recorded."""

    def __init__(self, path: Path, threshold: float):
        self.path = path
        self.threshold = threshold

    @classmethod
    def in_folder(cls, folder: Path, threshold: float = 0.0) -> SlowQueryLog:
        return cls(folder / FILE_NAME, threshold)

    @property
    def enabled(self) -> bool:
        return self.threshold > 0

    def record(self, query: str, seconds: float, *, now: float | None = None) -> bool:
        """Record ``query`` if it took at least the threshold; whether it was recorded."""
        if not self.enabled or seconds < self.threshold:
            return False
        text = normalise(query)
        seen = time.time() if now is None else now
        with self._connection() as connection:
            connection.execute(
                UPSERT, (query_hash(text), text[:MAX_STORED_CHARS], seconds, seconds, seen)
            )
        return True

    def entries(self, limit: int = 100) -> list[SlowQuery]:
        """The slowest queries first (by longest duration); none when there is no log yet."""
        if not self.path.is_file():
            return []
        with self._connection() as connection:
            rows = connection.execute(SELECT, (limit,)).fetchall()
        return [SlowQuery(*row) for row in rows]

    def clear(self) -> None:
        """Forget every recorded query."""
        if self.path.is_file():
            with self._connection() as connection:
                connection.execute("DELETE FROM slow_queries")

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection to the log (made on first use), committed and closed after use."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_MS / 1000)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)
            with connection:
                yield connection
        finally:
            connection.close()
