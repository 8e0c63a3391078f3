"""Fact-level diffs between two versions of the graph: git revisions, release dumps or folders.

Our data has no blank nodes, so two versions compare as sets of triples, exactly. Changes are
grouped by entity (subject) and kind (its class); a property whose values were both removed and
added is *changed* (old -> new). Renderings: Markdown for people, JSON and RDF Patch for machines.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.curation.turtle import DATA_PREFIXES, Writer, predicate_key
from kg.namespaces import PREFIXES

Triple = tuple[Node, Node, Node]
# Dump files by extension -> rdflib parser name (a trailing .gz is decompressed).
PARSERS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
}
SOURCE_FOLDERS = ("ontology", "data")
WORKING_TREE = "working tree"


class DiffError(Exception):
    """A version cannot be read (unknown revision, unreadable dump)."""


@dataclass(frozen=True)
class Version:
    """A named version of the graph and its triples."""

    name: str
    triples: frozenset[Triple]


def term_writer() -> Writer:
    """A writer of terms with our prefixes (data prefixes first)."""
    extra = [(p, i) for p, i in PREFIXES.items() if p not in dict(DATA_PREFIXES) and p != "id"]
    return Writer([*DATA_PREFIXES, *extra])


# --- reading versions ----------------------------------------------------------------------------
def load_version(spec: str, *, repo: Path, folders: Iterable[str] = SOURCE_FOLDERS) -> Version:
    """A version from a dump file, a folder of Turtle, a git revision (or the working tree)."""
    if spec == WORKING_TREE:
        return Version(spec, _folders_graph([repo / folder for folder in folders]))
    path = Path(spec)
    if path.is_file():
        return Version(spec, dump_triples(path))
    if path.is_dir():
        return Version(spec, _folders_graph([path]))
    return Version(spec, revision_triples(spec, repo=repo, folders=folders))


def _folders_graph(folders: Iterable[Path]) -> frozenset[Triple]:
    graph = Graph()
    for folder in folders:
        for path in sorted(folder.rglob("*.ttl")):
            graph.parse(path, format="turtle")
    return _checked(graph)


def _checked(triples: Iterable[Triple]) -> frozenset[Triple]:
    """The triples as a set; blank nodes (the ontology's OWL lists) get canonical labels first,
    so that an unchanged blank-node structure compares equal in both versions."""
    found = frozenset(triples)
    if not any(isinstance(term, BNode) for triple in found for term in triple):
        return found
    graph = Graph()
    for triple in found:
        graph.add(triple)
    return frozenset(to_canonical_graph(graph))


def dump_triples(path: Path) -> frozenset[Triple]:
    """The triples of a dump file (quads lose their graph name: the union is compared)."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    parser = PARSERS.get(Path(name).suffix)
    if parser is None:
        raise DiffError(f"{path}: unknown dump format; one of {', '.join(PARSERS)} (.gz allowed)")
    raw = path.read_bytes()
    data = gzip.decompress(raw) if path.name.endswith(".gz") else raw
    dataset = Dataset()
    try:
        dataset.parse(data=data, format=parser)
    except Exception as error:  # rdflib raises assorted types
        raise DiffError(f"{path}: cannot parse: {error}") from error
    return _checked((s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None)))


def git(repo: Path, *args: str) -> bytes:
    """Run git in ``repo`` and return its output; a failure is a :class:`DiffError`."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)
    except FileNotFoundError:
        raise DiffError("git is not installed") from None
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode("utf-8", "replace").strip()
        raise DiffError(f"git {' '.join(args)}: {message}") from None
    return done.stdout


def revision_triples(revision: str, *, repo: Path, folders: Iterable[str]) -> frozenset[Triple]:
    """The triples of the Turtle files of ``folders`` at a git revision (commit, branch, tag)."""
    try:
        git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except DiffError:
        raise DiffError(f"'{revision}' is neither a file, a folder nor a git revision") from None
    listing = git(repo, "ls-tree", "-r", "--name-only", revision, "--", *folders).decode()
    graph = Graph()
    for name in sorted(line for line in listing.splitlines() if line.endswith(".ttl")):
        graph.parse(data=git(repo, "show", f"{revision}:{name}").decode("utf-8"), format="turtle")
    return _checked(graph)


def last_release(repo: Path) -> str | None:
    """The most recent release tag (``v*``) reachable from HEAD, or None."""
    try:
        tag = git(repo, "describe", "--tags", "--abbrev=0", "--match", "v*").decode().strip()
    except DiffError:
        return None
    return tag or None


# --- comparing -----------------------------------------------------------------------------------
@dataclass
class PropertyChange:
    """One property of one entity: the values removed and added."""

    predicate: URIRef
    removed: list[Node] = field(default_factory=list)
    added: list[Node] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.removed and self.added)


@dataclass
class EntityChange:
    """The changes of one entity (subject): added, removed, or changed."""

    subject: URIRef
    kind: str
    status: str
    label: str
    properties: list[PropertyChange]


@dataclass
class Diff:
    """The difference between two versions, by entity."""

    old: str
    new: str
    added: frozenset[Triple]
    removed: frozenset[Triple]
    entities: list[EntityChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed)


def compare(old: Version, new: Version) -> Diff:
    """The triples added and removed between ``old`` and ``new``, grouped by entity and kind."""
    added, removed = new.triples - old.triples, old.triples - new.triples
    by_subject: dict[Node, dict[Node, PropertyChange]] = defaultdict(dict)
    for triples, side in ((removed, "removed"), (added, "added")):
        for s, p, o in triples:
            change = by_subject[s].setdefault(p, PropertyChange(URIRef(str(p))))
            getattr(change, side).append(o)
    old_subjects = {s for s, _, _ in old.triples}
    new_subjects = {s for s, _, _ in new.triples}
    writer = term_writer()
    entities = []
    for subject in sorted(by_subject, key=str):
        status = "added" if subject not in old_subjects else "changed"
        status = "removed" if subject not in new_subjects else status
        properties = sorted(by_subject[subject].values(), key=lambda c: predicate_key(c.predicate))
        for change in properties:
            change.removed.sort(key=writer.term)
            change.added.sort(key=writer.term)
        triples = new.triples if status != "removed" else old.triples
        entities.append(
            EntityChange(
                URIRef(str(subject)),
                _kind(subject, triples, writer),
                status,
                _label(subject, triples),
                properties,
            )
        )
    entities.sort(key=lambda e: (e.kind, str(e.subject)))
    return Diff(old.name, new.name, added, removed, entities)


def _kind(subject: Node, triples: frozenset[Triple], writer: Writer) -> str:
    types = sorted(writer.term(o) for s, p, o in triples if s == subject and p == RDF.type)
    return types[0] if types else "(untyped)"


def _label(subject: Node, triples: frozenset[Triple]) -> str:
    labels = [o for s, p, o in triples if s == subject and p == RDFS.label]
    english = [str(o) for o in labels if isinstance(o, Literal) and o.language == "en"]
    return (english or sorted(str(o) for o in labels) or [""])[0]


# --- rendering -----------------------------------------------------------------------------------
def render_markdown(diff: Diff, *, heading: str = "#") -> str:
    """The diff for people: a summary, then one section per kind and one item per entity."""
    writer = term_writer()
    lines = [f"{heading} Changes from {diff.old} to {diff.new}", ""]
    if diff.empty:
        return "\n".join([*lines, "No change.", ""])
    counts: dict[str, int] = defaultdict(int)
    for entity in diff.entities:
        counts[entity.status] += 1
    lines.append(
        f"{len(diff.added)} triples added, {len(diff.removed)} removed; entities: "
        f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed."
    )
    kind = None
    for entity in diff.entities:
        if entity.kind != kind:
            kind = entity.kind
            lines.extend(["", f"{heading}# {kind}", ""])
        label = f" ({entity.label})" if entity.label else ""
        lines.append(f"- **{writer.iri(entity.subject)}**{label}: {entity.status}")
        lines.extend(_markdown_property(change, writer) for change in entity.properties)
    return "\n".join(lines) + "\n"


def _markdown_property(change: PropertyChange, writer: Writer) -> str:
    name = writer.iri(change.predicate)
    old = ", ".join(f"`{writer.term(o)}`" for o in change.removed)
    new = ", ".join(f"`{writer.term(o)}`" for o in change.added)
    if change.changed:
        return f"  - {name}: {old} → {new}"
    return f"  - {name}: {'+ ' + new if new else '- ' + old}"


def render_json(diff: Diff) -> str:
    """The diff for machines: counts and every entity's property changes (N-Triples terms)."""
    document: dict[str, Any] = {
        "old": diff.old,
        "new": diff.new,
        "added": len(diff.added),
        "removed": len(diff.removed),
        "entities": [
            {
                "iri": str(entity.subject),
                "kind": entity.kind,
                "status": entity.status,
                "label": entity.label,
                "properties": [
                    {
                        "predicate": str(change.predicate),
                        "removed": [term.n3() for term in change.removed],
                        "added": [term.n3() for term in change.added],
                    }
                    for change in entity.properties
                ],
            }
            for entity in diff.entities
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_patch(diff: Diff) -> str:
    """The diff as an RDF Patch (https://afs.github.io/rdf-patch/): deletions, then additions."""
    lines = ["TX ."]
    lines.extend(f"D {_nt(triple)} ." for triple in sorted(diff.removed, key=_nt))
    lines.extend(f"A {_nt(triple)} ." for triple in sorted(diff.added, key=_nt))
    lines.append("TC .")
    return "\n".join(lines) + "\n"


def _nt(triple: Triple) -> str:
    return " ".join(term.n3() for term in triple)


RENDERERS = {"md": render_markdown, "json": render_json, "patch": render_patch}
