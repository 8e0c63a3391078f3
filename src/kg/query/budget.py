"""A per-client budget of query evaluation time, shared by all the worker processes.

The model the Wikidata Query Service publishes: each client (IP address) may use ``budget``
seconds of evaluation per ``window`` seconds; past it, queries are answered 429 with
``Retry-After`` (the seconds until the window ends) without being run. The accounts live in an
anonymous shared memory map made before the server forks its workers, so every worker sees
every charge. Clients are hashed into a fixed table of slots: two clients sharing a slot share a
budget (rare with 4,096 slots; the price of a fixed, allocation-free table).
"""

from __future__ import annotations

import contextlib
import math
import mmap
import multiprocessing
import struct
import time
import zlib
from collections.abc import Iterator

from kg.stores import OverBudget

SLOTS = 4096
SLOT = struct.Struct("=qd")  # window number, seconds spent in it
LOCK_WAIT = 0.05


class ClientBudget:
    """Seconds of evaluation per client per window (``budget`` <= 0: no budget)."""

    def __init__(self, budget: float, window: float):
        self.budget = budget
        self.window = window
        self._table = mmap.mmap(-1, SLOTS * SLOT.size)  # anonymous and shared across fork
        self._lock = multiprocessing.get_context("fork").Lock()

    @property
    def enabled(self) -> bool:
        return self.budget > 0 and self.window > 0

    def check(self, client: str) -> None:
        """Raise :class:`OverBudget` if ``client`` has used its budget in this window."""
        if not self.enabled:
            return
        window, now = self._window()
        with self._locked():
            spent = self._spent(_slot(client), window)
        if spent >= self.budget:
            retry = max(1, math.ceil((window + 1) * self.window - now))
            raise OverBudget(
                f"this client has used its {self.budget:g} s of query time per "
                f"{self.window:g} s; retry in {retry} s",
                retry,
            )

    def charge(self, client: str, seconds: float) -> None:
        """Add ``seconds`` of evaluation to ``client``'s account in this window."""
        if not self.enabled:
            return
        window, _ = self._window()
        slot = _slot(client)
        with self._locked():
            SLOT.pack_into(self._table, slot, window, self._spent(slot, window) + seconds)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The table's lock, or none after a short wait: a worker killed while holding it must
        not stop the others (an unlocked update may lose a charge, never block)."""
        acquired = self._lock.acquire(timeout=LOCK_WAIT)
        try:
            yield
        finally:
            if acquired:
                self._lock.release()

    def _window(self) -> tuple[int, float]:
        now = time.time()
        return int(now // self.window), now

    def _spent(self, slot: int, window: int) -> float:
        recorded, spent = SLOT.unpack_from(self._table, slot)
        return float(spent) if recorded == window else 0.0


def _slot(client: str) -> int:
    """The byte offset of ``client``'s slot (the same in every process: no salted hash)."""
    return (zlib.crc32(client.encode("utf-8", "replace")) % SLOTS) * SLOT.size
