"""A bounded cache of SELECT answers per data version: facet counts are live GROUP BY queries,
answered once per data version and selection, then from memory."""

from __future__ import annotations

import threading
from collections import OrderedDict

from rdflib.term import Node

from kg.stores import Store, select_rows

Rows = list[dict[str, Node]]


class QueryCache:
    """The answers of the last ``size`` distinct queries, keyed by the store's data version."""

    def __init__(self, size: int = 512):
        self.size = size
        self._rows: OrderedDict[tuple[str, str], Rows] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def select(self, store: Store, query: str) -> Rows:
        """The rows of ``query`` on ``store``, from the cache when this data version ran it."""
        key = (store.version, query)
        with self._lock:
            if key in self._rows:
                self.hits += 1
                self._rows.move_to_end(key)
                return self._rows[key]
        rows = select_rows(store, query)
        with self._lock:
            self.misses += 1
            self._rows[key] = rows
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return rows

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
