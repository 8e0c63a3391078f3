"""The search index: one SQLite file per data version, with an FTS5 table and a name-key table.

Tables (see docs/search.md for the measurements behind the choice):

- ``docs``: one row per resource (IRI, labels, alternative labels, descriptions, classes as JSON);
- ``fts``: FTS5, contentless, two columns: ``names`` (terms of labels and alternative labels) and
  ``text`` (terms of descriptions), both written by :mod:`kg.search.keys`;
- ``keys``: the comparable name keys of every label (:func:`kg.search.variants.name_keys`),
  B-tree indexed, for exact and prefix matches of the whole name (ranked first);
- ``types``: (resource, class) for the class filter; ``vocab``: Latin name terms, for typo repair.

The file is written under a temporary name then renamed, so concurrent workers never read half an
index; a file for the current version is reused (restarts, other workers).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.search.documents import Document, Text
from kg.search.keys import LATIN_WORD, label_keys, name_terms, text_terms

FORMAT_VERSION = "1"  # bump when the schema or the terms change: old files are then ignored
FILE_PREFIX = "search-"
FILE_SUFFIX = ".sqlite3"
KEEP_FILES = 3  # index files kept in the cache folder (the newest)
MIN_VOCAB_LENGTH = 3
BATCH = 5_000  # documents written per batch

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE,
    labels TEXT NOT NULL, alt_labels TEXT NOT NULL, descriptions TEXT NOT NULL,
    classes TEXT NOT NULL
);
CREATE VIRTUAL TABLE fts USING fts5(
    names, text, content='', tokenize='unicode61 remove_diacritics 0'
);
CREATE TABLE keys (key TEXT NOT NULL, id INTEGER NOT NULL, length INTEGER NOT NULL);
CREATE TABLE types (type TEXT NOT NULL, id INTEGER NOT NULL);
CREATE TABLE vocab (term TEXT PRIMARY KEY) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX keys_key ON keys (key);
CREATE INDEX keys_id ON keys (id);
CREATE INDEX types_type ON types (type, id);
"""

# BM25 with a name term worth ten description terms; then merge the FTS segments.
RANKING = """
INSERT INTO fts(fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
INSERT INTO fts(fts) VALUES ('optimize');
"""


def index_path(cache_dir: Path, version: str) -> Path:
    """The index file of data ``version`` (and of this code's index format)."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\n{version}".encode()).hexdigest()[:20]
    return cache_dir / f"{FILE_PREFIX}{digest}{FILE_SUFFIX}"


def write_index(documents: Iterable[Document], path: Path, *, version: str) -> Path:
    """Write the index of ``documents`` at ``path`` (atomically) and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        _fill(Path(temporary), documents, version)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    prune(path.parent, keep=path)
    return path


def _fill(path: Path, documents: Iterable[Document], version: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        tables = Rows()
        with connection:
            for number, document in enumerate(documents, start=1):
                tables.add(number, document)
                if len(tables.docs) >= BATCH:
                    tables.flush(connection)
            tables.flush(connection)
            connection.executemany("INSERT INTO vocab VALUES (?)", ((t,) for t in tables.vocab))
            connection.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
            connection.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT_VERSION,))
        connection.executescript(INDEXES + RANKING)
    finally:
        connection.close()


class Rows:
    """The rows of a batch of documents, per table, and the vocabulary so far."""

    def __init__(self) -> None:
        self.docs: list[tuple[int, str, str, str, str, str]] = []
        self.fts: list[tuple[int, str, str]] = []
        self.keys: list[tuple[str, int, int]] = []
        self.types: list[tuple[str, int]] = []
        self.vocab: set[str] = set()

    def add(self, number: int, document: Document) -> None:
        """The rows of one document."""
        names = [term for text in document.names for term in name_terms(text.value)]
        text = [term for item in document.descriptions for term in text_terms(item.value)]
        self.docs.append(
            (
                number,
                document.iri,
                _texts_json(document.labels),
                _texts_json(document.alt_labels),
                _texts_json(document.descriptions),
                json.dumps(sorted(document.classes)),
            )
        )
        self.fts.append((number, " ".join(names), " ".join(text)))
        self.keys.extend((key, number, len(key)) for key in _document_keys(document))
        self.types.extend((type_, number) for type_ in document.types)
        self.vocab.update(t for t in names if len(t) >= MIN_VOCAB_LENGTH and LATIN_WORD.match(t))

    def flush(self, connection: sqlite3.Connection) -> None:
        """Write the batch and start a new one."""
        connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", self.docs)
        connection.executemany("INSERT INTO fts(rowid, names, text) VALUES (?, ?, ?)", self.fts)
        connection.executemany("INSERT INTO keys VALUES (?, ?, ?)", self.keys)
        connection.executemany("INSERT INTO types VALUES (?, ?)", self.types)
        self.docs, self.fts, self.keys, self.types = [], [], [], []


def _document_keys(document: Document) -> set[str]:
    return {key for text in document.names for key in label_keys(text.value)}


def _texts_json(texts: list[Text]) -> str:
    return json.dumps([[text.value, text.lang] for text in texts], ensure_ascii=False)


def prune(folder: Path, *, keep: Path) -> None:
    """Delete all but the newest index files of ``folder`` (``keep`` always stays)."""
    files = sorted(_index_files(folder), key=_modified, reverse=True)
    for old in files[KEEP_FILES:]:
        if old != keep:
            old.unlink(missing_ok=True)


def _index_files(folder: Path) -> Iterator[Path]:
    return folder.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}")


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
