"""Finding things: the label index (English, Simplified, Traditional, pinyin), ranking and the
reconciliation scoring built on it.

:class:`SearchService` holds the index of one store: it is built from the graph (through the
:class:`~kg.stores.Store` interface, so every backend is searchable) the first time it is needed,
and again whenever the store's data version changes; the file is kept in the ``cache_dir``
setting, one per version, and reused by restarts and by the other workers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from kg.config import Settings
from kg.namespaces import PREFIXES
from kg.search.documents import read_documents
from kg.search.index import index_path, write_index
from kg.search.searcher import Hit, Record, SearchIndex
from kg.stores import Store

__all__ = [
    "Hit",
    "Record",
    "SearchIndex",
    "SearchService",
    "UnknownType",
    "build_index",
    "resolve_type",
]


def build_index(store: Store, settings: Settings) -> SearchIndex:
    """The index of ``store``'s current data: the cached file if there is one, else built."""
    version = store.version
    path = index_path(settings.cache_dir, version)
    if not path.is_file():
        documents = read_documents(store, page_size=settings.max_rows)
        write_index(documents, path, version=version)
    return SearchIndex(path)


class SearchService:
    """The search index of one store, kept in step with its data version."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def index(self) -> SearchIndex:
        """The index of the store's current data (built or opened on first use after a change)."""
        current = self._index
        if current is not None and current.version == self.store.version:
            return current
        with self._lock:
            if self._index is None or self._index.version != self.store.version:
                self._index = build_index(self.store, self.settings)
            return self._index


class UnknownType(ValueError):
    """A class filter that names no class of the index."""


def resolve_type(name: str, known: Iterable[str]) -> str:
    """The class IRI ``name`` stands for: an IRI, a CURIE (``okg:Official``) or an ontology
    local name (``Official``); :class:`UnknownType` when the index has no such class."""
    classes = set(known)
    prefix, colon, local = name.partition(":")
    candidates = [name]
    if colon and prefix in PREFIXES:
        candidates.append(PREFIXES[prefix] + local)
    if not colon:
        candidates.append(PREFIXES["okg"] + name)
    for candidate in candidates:
        if candidate in classes:
            return candidate
    raise UnknownType(
        f"unknown type {name!r}: give a class IRI, a CURIE such as okg:Official, "
        "or a name such as Official"
    )
