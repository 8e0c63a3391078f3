"""Values computed once per data version: bounded, and dropped when the data version changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionedMemo:
    """The last ``size`` values computed for the current data version, least recently used
    dropped first; a new version starts empty (nothing of an old version is kept)."""

    def __init__(self, size: int = 128):
        self.size = size
        self._version = ""
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: str, key: str, factory: Callable[[], T]) -> T:
        """``factory()`` for ``key`` under ``version``, computed once while it is kept."""
        with self._lock:
            if version != self._version:
                self._version, self._values = version, OrderedDict()
            if key in self._values:
                self._values.move_to_end(key)
                value: T = self._values[key]
                return value
        value = factory()  # outside the lock: a slow dump must not block other pages
        with self._lock:
            if version == self._version:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)
