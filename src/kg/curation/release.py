"""Releases: stamp the version into the sources, then build reproducible dumps with checksums.

``stamp`` writes the version into the ontology header (owl:versionIRI, owl:versionInfo,
dcterms:modified), CITATION.cff and CHANGES.md (the release's ``kg diff``). ``build`` writes the
dumps of a source tree (the working tree, or a git revision exported to a temporary folder) into
``build/releases/{version}/``: Turtle, N-Triples, JSON-LD, TriG and N-Quads, each also gzipped,
with ``SHA256SUMS`` and a DCAT/VoID description of the distributions (sizes and checksums).
Every byte is a function of the sources: sorted statements, canonical blank-node labels,
gzip without a timestamp, so building one tag twice gives identical files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.curation.diff import git
from kg.curation.turtle import DATA_PREFIXES, Layout, Writer, predicate_key
from kg.loading import graph_iri_for
from kg.namespaces import BASE_IRI, PREFIXES

DUMP_NAME = "officials-kg"
SOURCE_FOLDERS = ("ontology", "data")
VERSION = re.compile(r"^\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$")
RELEASE_IRI = BASE_IRI + "release/"
DATASET_IRI = BASE_IRI + "dataset"
Quad = tuple[Node, Node, Node, URIRef]


class ReleaseError(Exception):
    """The release cannot be made (bad version, invalid data, unknown revision)."""


class NotConforming(ReleaseError):
    """The data does not conform to the shapes: no release."""


@dataclass(frozen=True)
class Artefact:
    """One file of a release: its name, size in bytes and SHA-256."""

    name: str
    size: int
    sha256: str


def check_version(version: str) -> str:
    """``version`` when it is a semantic version (``1.2.0``), else :class:`ReleaseError`."""
    if not VERSION.match(version):
        raise ReleaseError(f"'{version}' is not a version like 1.0.0")
    return version


# --- reading a source tree ------------------------------------------------------------------
def source_graphs(root: Path) -> list[tuple[URIRef, Graph]]:
    """Each Turtle file of ``root``'s ontology/ and data/ as (named-graph IRI, canonical graph)."""
    graphs: list[tuple[URIRef, Graph]] = []
    for folder in SOURCE_FOLDERS:
        for path in sorted((root / folder).rglob("*.ttl")):
            name = graph_iri_for(path, root / folder)
            graph = Graph().parse(path, format="turtle")
            graphs.append((name, to_canonical_graph(graph)))
    return graphs


def export_revision(revision: str, *, repo: Path, into: Path) -> Path:
    """Write the ontology/ and data/ of a git revision into ``into`` (a temporary folder)."""
    archive = git(
        repo, "archive", "--format=tar", revision, "--", *SOURCE_FOLDERS, *_changes(repo, revision)
    )
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


# --- serialising deterministically ----------------------------------------------------------
def _writer() -> Writer:
    extra = [(p, i) for p, i in PREFIXES.items() if p not in dict(DATA_PREFIXES) and p != "id"]
    return Writer([*DATA_PREFIXES, *extra], blank_nodes=True)


def ntriples(graph: Graph) -> bytes:
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph)
    return "".join(lines).encode("utf-8")


def nquads(graphs: Iterable[tuple[URIRef, Graph]]) -> bytes:
    lines = sorted(
        f"{s.n3()} {p.n3()} {o.n3()} {name.n3()} .\n" for name, g in graphs for s, p, o in g
    )
    return "".join(lines).encode("utf-8")


def turtle_blocks(graph: Graph, writer: Writer) -> str:
    """Every subject's block, subjects sorted, blank lines between."""
    subjects = sorted(set(graph.subjects()), key=_n3)
    return "\n".join("\n".join(writer.block(graph, s, Layout())) + "\n" for s in subjects)


def turtle(graph: Graph) -> bytes:
    writer = _writer()
    prefixes = "".join(f"@prefix {p}: <{i}> .\n" for p, i in writer.prefixes)
    return (prefixes + "\n" + turtle_blocks(graph, writer)).encode("utf-8")


def trig(graphs: Iterable[tuple[URIRef, Graph]]) -> bytes:
    writer = _writer()
    parts = ["".join(f"@prefix {p}: <{i}> .\n" for p, i in writer.prefixes)]
    for name, graph in sorted(graphs, key=lambda item: str(item[0])):
        body = turtle_blocks(graph, writer)
        indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
        parts.append(f"<{name}> {{\n{indented}}}\n")
    return "\n".join(parts).encode("utf-8")


def jsonld(graph: Graph) -> bytes:
    """A JSON-LD document: our prefixes as the context, one node object per subject, all sorted."""
    writer = _writer()
    nodes = [
        _json_node(graph, subject, writer) for subject in sorted(set(graph.subjects()), key=_n3)
    ]
    document = {"@context": dict(writer.prefixes), "@graph": nodes}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _n3(node: Node) -> str:
    return node.n3()


def _json_node(graph: Graph, subject: Node, writer: Writer) -> dict[str, object]:
    node: dict[str, object] = {"@id": _json_id(subject, writer)}
    for predicate in sorted(set(graph.predicates(subject, None)), key=predicate_key):
        values = sorted(
            (_json_value(o, writer) for o in graph.objects(subject, predicate)), key=json.dumps
        )
        if predicate == RDF.type:
            node["@type"] = [value["@id"] for value in values]
        else:
            node[writer.iri(URIRef(str(predicate)))] = values
    return node


def _json_id(node: Node, writer: Writer) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    text = writer.iri(URIRef(str(node)))
    return text[1:-1] if text.startswith("<") else text


def _json_value(node: Node, writer: Writer) -> dict[str, str]:
    if isinstance(node, Literal):
        value: dict[str, str] = {"@value": str(node)}
        if node.language:
            value["@language"] = node.language
        elif node.datatype is not None:
            value["@type"] = _json_id(URIRef(str(node.datatype)), writer)
        return value
    return {"@id": _json_id(node, writer)}


def dumps(root: Path) -> dict[str, bytes]:
    """The dump files of the source tree at ``root``, by file name (gzipped copies included)."""
    graphs = source_graphs(root)
    union = Graph()
    for _, graph in graphs:
        for triple in graph:
            union.add(triple)
    files = {
        f"{DUMP_NAME}.ttl": turtle(union),
        f"{DUMP_NAME}.nt": ntriples(union),
        f"{DUMP_NAME}.jsonld": jsonld(union),
        f"{DUMP_NAME}.trig": trig(graphs),
        f"{DUMP_NAME}.nq": nquads(graphs),
    }
    for name, data in list(files.items()):
        files[name + ".gz"] = gzip.compress(data, compresslevel=9, mtime=0)
    return files


# --- the release folder ---------------------------------------------------------------------
def build(root: Path, version: str, out: Path, *, changes: str = "") -> list[Artefact]:
    """Write the dumps of ``root`` into ``out`` with SHA256SUMS, the DCAT/VoID description and the
    release's changes; return the artefacts (dumps only)."""
    out.mkdir(parents=True, exist_ok=True)
    artefacts = []
    for name, data in sorted(dumps(root).items()):
        (out / name).write_bytes(data)
        artefacts.append(Artefact(name, len(data), hashlib.sha256(data).hexdigest()))
    (out / "SHA256SUMS").write_text(
        "".join(f"{a.sha256}  {a.name}\n" for a in artefacts), encoding="utf-8"
    )
    (out / "void.ttl").write_text(
        describe(version, release_date(root), artefacts), encoding="utf-8"
    )
    if changes:
        (out / "CHANGES.md").write_text(changes, encoding="utf-8")
    return artefacts


def release_date(root: Path) -> str:
    """The release date stamped in the ontology (dcterms:modified), or an empty string."""
    text = (
        (root / "ontology" / "okg.ttl").read_text(encoding="utf-8")
        if (root / "ontology" / "okg.ttl").exists()
        else ""
    )
    match = re.search(r'dcterms:modified "([0-9-]+)"\^\^xsd:date', text)
    return match.group(1) if match else ""


def describe(version: str, released: str, artefacts: Iterable[Artefact]) -> str:
    """The DCAT/VoID description of one release: the versioned dataset and its distributions."""
    release = f"{RELEASE_IRI}{version}"
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix spdx: <http://spdx.org/rdf/terms#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{release}> a dcat:Dataset , void:Dataset ;",
        f"    dcterms:isVersionOf <{DATASET_IRI}> ;",
        f'    owl:versionInfo "{version}" ;',
    ]
    if released:
        lines.append(f'    dcterms:modified "{released}"^^xsd:date ;')
    names = [a.name for a in artefacts]
    lines.append(
        "    dcat:distribution " + " ,\n        ".join(f"<{release}/{n}>" for n in names) + " ."
    )
    for artefact in artefacts:
        lines.extend(
            [
                "",
                f"<{release}/{artefact.name}> a dcat:Distribution ;",
                f"    dcat:downloadURL <{release}/{artefact.name}> ;",
                f'    dcat:mediaType "{media_type(artefact.name)}" ;',
                f'    dcat:byteSize "{artefact.size}"^^xsd:nonNegativeInteger ;',
                f"    spdx:checksum <{release}/{artefact.name}#sha256> .",
                "",
                f"<{release}/{artefact.name}#sha256> a spdx:Checksum ;",
                "    spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
                f'    spdx:checksumValue "{artefact.sha256}"^^xsd:hexBinary .',
            ]
        )
    return "\n".join(lines) + "\n"


MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".gz": "application/gzip",
    ".md": "text/markdown; charset=utf-8",
}


def media_type(name: str) -> str:
    """The media type of a release file by its extension (text/plain for the others)."""
    return MEDIA_TYPES.get(Path(name).suffix, "text/plain; charset=utf-8")


# --- stamping the sources -------------------------------------------------------------------
ONTOLOGY_STAMPS = (
    (re.compile(r"owl:versionIRI <[^>]*>"), "owl:versionIRI <{base}ontology/{version}>"),
    (re.compile(r'owl:versionInfo "[^"]*"'), 'owl:versionInfo "{version}"'),
    (re.compile(r'dcterms:modified "[^"]*"\^\^xsd:date'), 'dcterms:modified "{day}"^^xsd:date'),
)


def stamp_ontology(path: Path, version: str, day: date) -> None:
    """Set owl:versionIRI, owl:versionInfo and dcterms:modified in the ontology's header."""
    text = path.read_text(encoding="utf-8")
    for pattern, template in ONTOLOGY_STAMPS:
        if not pattern.search(text):
            raise ReleaseError(f"{path}: no {template.split()[0]} to set in the ontology header")
        value = template.format(base=BASE_IRI, version=version, day=day.isoformat())
        text = pattern.sub(value.replace("\\", "\\\\"), text, count=1)
    path.write_text(text, encoding="utf-8")


CITATION = """cff-version: 1.2.0
message: "If you use this dataset, please cite it as below, with the release version you used."
title: "officials-kg: Chinese officials' live-commerce broadcasts in 2020"
type: dataset
authors:
  - name: "The officials-kg contributors"
license: CC-BY-4.0
url: "https://w3id.org/officials-kg/"
"""


def stamp_citation(path: Path, version: str, day: date) -> None:
    """Set version and date-released in CITATION.cff (created when missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else CITATION
    for key, value in (("version", f'"{version}"'), ("date-released", f'"{day.isoformat()}"')):
        line = f"{key}: {value}"
        pattern = re.compile(rf"^{key}:.*$", re.MULTILINE)
        text = (
            pattern.sub(line, text) if pattern.search(text) else text.rstrip("\n") + f"\n{line}\n"
        )
    path.write_text(text, encoding="utf-8")


CHANGES_TITLE = (
    "# Changes\n\nEach release of the data: the claims it added, removed and changed (`kg diff`).\n"
)


def add_changes(path: Path, version: str, day: date, diff_markdown: str) -> str:
    """Put this release's section at the top of CHANGES.md (newest first); return the section.

    ``diff_markdown`` is :func:`kg.curation.diff.render_markdown` with ``heading="##"``: its first
    line becomes the release's heading.
    """
    first, _, body = diff_markdown.partition("\n")
    title = first.removeprefix("## ")
    section = f"## {version} ({day.isoformat()}): {title[:1].lower()}{title[1:]}\n{body.rstrip()}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else CHANGES_TITLE
    head, marker, rest = old.partition("\n## ")
    path.write_text(
        f"{head.rstrip()}\n\n{section}" + (f"\n## {rest}" if marker else ""), encoding="utf-8"
    )
    return section


def temporary_tree(revision: str, repo: Path) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder holding the ontology and data of ``revision``; the caller cleans it."""
    folder = tempfile.TemporaryDirectory(prefix="kg-release-")
    export_revision(revision, repo=repo, into=Path(folder.name))
    return folder


def _changes(repo: Path, revision: str) -> list[str]:
    """``CHANGES.md`` when the revision has one (archived with the sources)."""
    listing = git(repo, "ls-tree", "--name-only", revision, "--", "CHANGES.md").decode().split()
    return listing


def changes_of(root: Path, version: str) -> str:
    """The section of ``version`` in ``root``/CHANGES.md, or an empty string."""
    path = root / "CHANGES.md"
    if not path.exists():
        return ""
    for section in path.read_text(encoding="utf-8").split("\n## ")[1:]:
        if section.startswith(f"{version} "):
            return "## " + section.rstrip() + "\n"
    return ""
