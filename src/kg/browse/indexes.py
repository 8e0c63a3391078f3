"""The facet indexes of an app: one per browsable class, for the store's current data version.

:meth:`FacetIndexes.get` answers with the ready index of a class, or starts building it in a
background thread and answers None: the page then runs its SPARQL, as it did before indexes.
:meth:`FacetIndexes.build` builds one now (a server warms every class before forking its
workers). An index of an older data version is dropped as soon as a newer version is seen, so
memory holds at most one index per class, plus one being built.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kg.browse.index import FacetIndex, build_index
from kg.browse.query import BrowseSpec
from kg.stores import Store

log = logging.getLogger(__name__)

Builder = Callable[[Store, BrowseSpec, str], FacetIndex]
RETRY_AFTER = 60.0  # seconds before a failed build of the same data version is tried again


@dataclass(frozen=True)
class Failure:
    """A build that failed: for which data version, and when."""

    version: str
    at: float


def fits(index: FacetIndex, spec: BrowseSpec, base_iri: str) -> bool:
    """Whether ``index`` was built for these facets and columns, and this base IRI."""
    return index.base_iri == base_iri and (index.spec is spec or index.spec == spec)


class FacetIndexes:
    """The ready facet index of each class, and the builds under way (thread-safe)."""

    def __init__(self, builder: Builder = build_index, *, retry_after: float = RETRY_AFTER):
        self.builder = builder
        self.retry_after = retry_after
        self.enabled = True  # False: every page runs its SPARQL (the benchmark's "before")
        self._ready: dict[str, FacetIndex] = {}
        self._building: dict[str, threading.Thread] = {}
        self._failed: dict[str, Failure] = {}
        self._lock = threading.Lock()

    def get(
        self, store: Store, spec: BrowseSpec, base_iri: str, *, wait: float = 0.0
    ) -> FacetIndex | None:
        """The index of ``spec``'s class for the store's current data, if it is ready (within
        ``wait`` seconds); else None, with a build started in the background."""
        if not self.enabled:
            return None
        name, version = spec.cls.name, store.version
        with self._lock:
            ready = self._current(name, version)
            if ready is not None and fits(ready, spec, base_iri):
                return ready
            thread = self._building.get(name)
            if thread is None and self._may_build(name, version):
                thread = threading.Thread(
                    target=self._build_quietly,
                    args=(store, spec, base_iri),
                    name=f"facet-index-{name}",
                    daemon=True,
                )
                self._building[name] = thread
                thread.start()
        if thread is not None and wait > 0:
            thread.join(wait)
            with self._lock:
                ready = self._current(name, version)
            return ready if ready is not None and fits(ready, spec, base_iri) else None
        return None

    def build(self, store: Store, spec: BrowseSpec, base_iri: str) -> FacetIndex:
        """Build the index of ``spec``'s class now and keep it if the data did not change."""
        name = spec.cls.name
        try:
            index = self.builder(store, spec, base_iri)
        except Exception:
            with self._lock:
                self._failed[name] = Failure(store.version, time.monotonic())
            raise
        with self._lock:
            if index.version == store.version:
                self._ready[name] = index
                self._failed.pop(name, None)
        return index

    def ready(self) -> list[FacetIndex]:
        """The indexes ready now."""
        with self._lock:
            return list(self._ready.values())

    def _current(self, name: str, version: str) -> FacetIndex | None:
        """The ready index of ``name`` if it is of ``version``; an older one is dropped."""
        ready = self._ready.get(name)
        if ready is not None and ready.version != version:
            del self._ready[name]
            return None
        return ready

    def _may_build(self, name: str, version: str) -> bool:
        """Whether to start a build: not if one failed for this version a moment ago."""
        failure = self._failed.get(name)
        return (
            failure is None
            or failure.version != version
            or time.monotonic() - failure.at >= self.retry_after
        )

    def _build_quietly(self, store: Store, spec: BrowseSpec, base_iri: str) -> None:
        """:meth:`build` in a background thread: a failure is logged, pages keep their SPARQL."""
        try:
            self.build(store, spec, base_iri)
        except Exception:
            log.warning("facet index of %s not built", spec.cls.name, exc_info=True)
        finally:
            with self._lock:
                self._building.pop(spec.cls.name, None)
