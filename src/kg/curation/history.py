"""Releases on disk and the history of an entity across them (read by ``/releases/`` and pages).

A release folder (``build/releases/{version}/``, written by ``kg release``) holds the dumps, their
``SHA256SUMS`` and the release's ``CHANGES.md``. An entity as it was in a release is read from the
release's N-Triples dump; its history compares its triples release by release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from kg.curation.diff import PropertyChange, Version, compare, term_writer

NTRIPLES = "officials-kg.nt"
VERSION_PARTS = re.compile(r"\d+|[^\d.]+")


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    size: int
    sha256: str


@dataclass
class Release:
    """One built release: its version, date, files and changelog."""

    version: str
    folder: Path
    date: str = ""
    files: list[ReleaseFile] = field(default_factory=list)
    changes: str = ""


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sort key of a version: numeric parts as numbers (1.10.0 after 1.9.0)."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in VERSION_PARTS.findall(version))


def releases(folder: Path) -> list[Release]:
    """The releases built under ``folder``, newest first (an absent folder has none)."""
    if not folder.is_dir():
        return []
    found = [read_release(path) for path in folder.iterdir() if (path / "SHA256SUMS").is_file()]
    return sorted(found, key=lambda release: version_key(release.version), reverse=True)


def read_release(path: Path) -> Release:
    """One release folder: its checksummed files, date (from void.ttl) and changelog."""
    release = Release(path.name, path)
    for line in (path / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if (path / name).is_file():
            release.files.append(ReleaseFile(name, (path / name).stat().st_size, digest))
    void = path / "void.ttl"
    if void.is_file():
        match = re.search(r'dcterms:modified "([0-9-]+)"', void.read_text(encoding="utf-8"))
        release.date = match.group(1) if match else ""
    changes = path / "CHANGES.md"
    release.changes = changes.read_text(encoding="utf-8") if changes.is_file() else ""
    return release


def find_release(folder: Path, version: str) -> Release | None:
    """The release ``version`` under ``folder``, or None."""
    return next((r for r in releases(folder) if r.version == version), None)


@lru_cache(maxsize=8)
def _release_graph(path: Path, mtime: float) -> Graph:
    return Graph().parse(path, format="nt")


def release_graph(release: Release) -> Graph:
    """The graph of a release (its N-Triples dump), cached while the file is unchanged."""
    path = release.folder / NTRIPLES
    return _release_graph(path, path.stat().st_mtime)


def entity(release: Release, iri: URIRef) -> Graph:
    """The triples about ``iri`` in ``release`` (empty when it was not there)."""
    found = Graph()
    for triple in release_graph(release).triples((iri, None, None)):
        found.add(triple)
    return found


@dataclass(frozen=True)
class HistoryEntry:
    """What one release changed about an entity (added, changed or removed properties)."""

    version: str
    date: str
    status: str
    properties: list[PropertyChange]

    def lines(self) -> list[str]:
        """Each property change in words: ``rdfs:label: "Zhuhai"@en → "Zhuhai City"@en``."""
        return [describe_change(change) for change in self.properties]


def describe_change(change: PropertyChange) -> str:
    """One property change in Turtle terms: old → new, + added, - removed."""
    writer = term_writer()
    old = ", ".join(writer.term(term) for term in change.removed)
    new = ", ".join(writer.term(term) for term in change.added)
    name = writer.iri(change.predicate)
    if change.changed:
        return f"{name}: {old} → {new}"
    return f"{name}: + {new}" if new else f"{name}: - {old}"


def history(folder: Path, iri: URIRef) -> list[HistoryEntry]:
    """The releases in which ``iri``'s claims changed, oldest first, with how they changed."""
    entries = []
    previous = Version("", frozenset())
    for release in reversed(releases(folder)):
        if not (release.folder / NTRIPLES).is_file():
            continue
        current = Version(release.version, frozenset(entity(release, iri)))
        diff = compare(previous, current)
        for change in diff.entities:
            entries.append(
                HistoryEntry(release.version, release.date, change.status, change.properties)
            )
        previous = current
    return entries
