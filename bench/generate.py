"""Synthetic graphs of a given size, scaled from the real graph's shape (reproducible, seeded).

The real data files are the template. Copy 0 is the real graph itself; copies 1..n replicate every
resource of a *replicated* kind (officials, offices, broadcasts, figures, products, companies…)
under a suffixed IRI (``…/id/official/ma-hongsheng-x17``), while the resources that a bigger real
graph would share stay shared (regions, industries, platforms, sources, people, and everything
outside ``…/id/``). So copies still point at the same regions, platforms and units, and the
competency queries return growing results. About a tenth of the triples are label-heavy synthetic
counties (labels in two languages, alternative labels, long comments) located in real regions.

Output: ``{out}/ontology/…`` (copied) and ``{out}/data/{stem}.ttl`` (one file per template file,
so the named graphs are the real ones, plus ``bench-labels``), written as N-Triples lines, which
are valid Turtle. A ``manifest.json`` records the parameters; an up-to-date output is reused.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF
from rdflib.term import Node

from kg.loading import parse_turtle, turtle_files
from kg.namespaces import ID, OKG, SCHEMA

GENERATOR_VERSION = "1"
MARK = "\x00"  # stands for the copy number in a copy's text
SHARED_KINDS = frozenset({"region", "industry", "source", "person"})
SHARED_TYPES = frozenset({OKG.Platform, SKOS.ConceptScheme})
LABEL_PREDICATES = frozenset(
    {RDFS.label, SKOS.prefLabel, SKOS.altLabel, FOAF.name, SCHEMA.name, DCTERMS.title}
)
LABEL_SHARE = 0.1  # fraction of the target size spent on label-heavy resources
LABELS_FILE = "bench-labels.ttl"
OWNED_MARKER = ".bench-generated"
SAMPLE_COUNT = 64  # resource IRIs recorded for single-resource lookups


@dataclass(frozen=True)
class Manifest:
    """What was generated, from what: reused when a run asks for the same thing again."""

    target: int
    seed: int
    template: str
    version: str
    triples: int
    copies: int
    label_resources: int
    samples: list[str]


@dataclass(frozen=True)
class TemplateFile:
    """One template data file: its triples as text for copy 0 and for the copies."""

    relative: Path
    original: str  # copy 0, the real triples
    original_triples: int
    copy_text: str  # copies 1..n, with MARK where the copy number goes
    copy_triples: int
    replicated: list[str]  # IRIs of the resources this file replicates
    regions: list[str]  # IRIs of the regions this file mentions


def generate(
    template_ontology: Path, template_data: Path, out: Path, *, target: int, seed: int
) -> Manifest:
    """Write a graph of about ``target`` triples under ``out`` (or reuse it) and describe it."""
    template = _fingerprint([*turtle_files(template_ontology), *turtle_files(template_data)])
    cached = read_manifest(out)
    if cached and (cached.target, cached.seed, cached.template, cached.version) == (
        target,
        seed,
        template,
        GENERATOR_VERSION,
    ):
        return cached
    _clear(out)
    ontology_triples = _copy_ontology(template_ontology, out / "ontology")
    graphs = {path: parse_turtle(path) for path in turtle_files(template_data)}
    replicated = _replicated_resources(graphs.values())
    files = [
        _template_file(graph, path.relative_to(template_data), replicated)
        for path, graph in graphs.items()
    ]
    manifest = _write_data(files, out / "data", target, seed, ontology_triples)
    manifest = Manifest(**{**asdict(manifest), "template": template})
    (out / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    return manifest


def _clear(out: Path) -> None:
    """Empty ``out`` for a new graph: only a folder this generator made (it leaves a marker)."""
    marker = out / OWNED_MARKER
    if out.exists() and any(out.iterdir()):
        if not marker.exists():
            raise FileExistsError(f"{out} exists and was not made by the bench generator")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    marker.touch()


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of a generated graph, or None when there is none (or it is unreadable)."""
    try:
        return Manifest(**json.loads((out / "manifest.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _fingerprint(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _copy_ontology(source: Path, target: Path) -> int:
    """Copy the ontology files unchanged; return their triple count."""
    count = 0
    for path in turtle_files(source):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        count += len(parse_turtle(path))
    return count


def _template_file(graph: Graph, relative: Path, replicated: set[Node]) -> TemplateFile:
    """Prepare the text of one data file: copy 0 as it is, the copies with MARKs."""
    original, copies = [], []
    for triple in _stable_triples(graph):
        original.append(_line(triple, set(), copy=False))
        if any(term in replicated or isinstance(term, BNode) for term in triple):
            copies.append(_line(triple, replicated, copy=True))
    iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    return TemplateFile(
        relative,
        "".join(original),
        len(graph),
        "".join(copies),
        len(copies),
        sorted(str(subject) for subject in set(graph.subjects()) & replicated),
        sorted(iri for iri in iris if iri.startswith(f"{ID}region/")),
    )


def _stable_triples(graph: Graph) -> list[tuple[Node, Node, Node]]:
    """The triples in a reproducible order, blank nodes renamed b0, b1… in that order."""

    def masked(triple: tuple[Node, Node, Node]) -> tuple[str, ...]:
        return tuple("_" if isinstance(term, BNode) else term.n3() for term in triple)

    names: dict[Node, BNode] = {}
    ordered = sorted(graph, key=masked)
    for term in (term for triple in ordered for term in triple if isinstance(term, BNode)):
        names.setdefault(term, BNode(f"b{len(names)}"))
    return [(names.get(s, s), names.get(p, p), names.get(o, o)) for s, p, o in ordered]


def _replicated_resources(graphs: Iterable[Graph]) -> set[Node]:
    """The resources of the template that each copy replicates under a new IRI."""
    terms: set[URIRef] = set()
    shared_by_type: set[Node] = set()
    for graph in graphs:
        shared_by_type |= {s for s, o in graph.subject_objects(RDF.type) if o in SHARED_TYPES}
        terms |= {term for triple in graph for term in triple if isinstance(term, URIRef)}
    return {term for term in terms if _replicable(term) and term not in shared_by_type}


def _replicable(iri: URIRef) -> bool:
    if not iri.startswith(str(ID)):
        return False
    kind = iri[len(str(ID)) :].split("/", 1)[0]
    return kind not in SHARED_KINDS


def _line(triple: tuple[Node, Node, Node], replicated: set[Node], *, copy: bool) -> str:
    subject, predicate, obj = triple
    terms = (
        _term(subject, replicated, copy),
        _term(predicate, replicated, copy),
        _object(obj, predicate, copy and subject in replicated, replicated, copy),
    )
    return " ".join(terms) + " .\n"


def _term(term: Node, replicated: set[Node], copy: bool) -> str:
    if copy and isinstance(term, BNode):
        return f"_:c{MARK}b{term}"
    if copy and term in replicated:
        iri, hash_mark, fragment = str(term).partition("#")
        return f"<{iri}-x{MARK}{hash_mark}{fragment}>"
    return term.n3()


def _object(obj: Node, predicate: Node, relabel: bool, replicated: set[Node], copy: bool) -> str:
    """An object term; labels of a replicated resource get the copy number appended."""
    if relabel and isinstance(obj, Literal) and predicate in LABEL_PREDICATES:
        return Literal(f"{obj} #{MARK}", lang=obj.language, datatype=obj.datatype).n3()
    return _term(obj, replicated, copy)


def _write_data(
    files: list[TemplateFile], folder: Path, target: int, seed: int, ontology_triples: int
) -> Manifest:
    """Write copy 0, the copies and the label-heavy resources; return the manifest (no template)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = ontology_triples + sum(text.original_triples for text in files)
    spare = max(0, target - base)
    label_resources = int(spare * LABEL_SHARE) // LABEL_TRIPLES
    per_copy = sum(text.copy_triples for text in files)
    copies = (spare - label_resources * LABEL_TRIPLES) // per_copy if per_copy else 0
    for text in files:
        _write_copies(text, folder / text.relative, copies)
    rng = random.Random(seed)
    regions = _regions(files)
    with open(folder / LABELS_FILE, "w", encoding="utf-8") as handle:
        handle.writelines(_label_resources(label_resources, regions, rng))
    triples = base + copies * per_copy + label_resources * LABEL_TRIPLES
    samples = _samples(files, copies, label_resources, rng)
    return Manifest(target, seed, "", GENERATOR_VERSION, triples, copies, label_resources, samples)


def _write_copies(text: TemplateFile, path: Path, copies: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.original)
        for number in range(1, copies + 1):
            handle.write(text.copy_text.replace(MARK, str(number)))


def _regions(files: list[TemplateFile]) -> list[str]:
    """IRIs of the template's regions (where the synthetic counties are located)."""
    found = {iri for text in files for iri in text.regions}
    return sorted(found) or [f"{ID}region/china"]


LABEL_TRIPLES = 9
_SYLLABLES = (
    "an",
    "bei",
    "chang",
    "dong",
    "feng",
    "gu",
    "he",
    "jiang",
    "kang",
    "lin",
    "ming",
    "nan",
    "ping",
    "qing",
    "shan",
    "tai",
    "wu",
    "xi",
    "yang",
    "zhou",
)
_HANZI = "安北昌东丰谷河江康林明南平青山台吴西阳州"


def _label_resources(count: int, regions: list[str], rng: random.Random) -> Iterator[str]:
    """Synthetic counties with many labels: LABEL_TRIPLES triples each."""
    for number in range(count):
        picks = [rng.randrange(len(_SYLLABLES)) for _ in range(3)]
        name = "".join(_SYLLABLES[i] for i in picks).title()
        hanzi = "".join(_HANZI[i] for i in picks)
        iri = f"<{ID}region/bench-county-{number}>"
        yield from (
            f"{iri} {RDF.type.n3()} {OKG.County.n3()} .\n",
            f"{iri} {OKG.locatedIn.n3()} <{rng.choice(regions)}> .\n",
            f"{iri} {RDFS.label.n3()} {Literal(f'{name} County {number}', lang='en').n3()} .\n",
            f"{iri} {RDFS.label.n3()} {Literal(f'{hanzi}县{number}', lang='zh').n3()} .\n",
            f"{iri} {SKOS.altLabel.n3()} {Literal(f'{name} Xian', lang='en').n3()} .\n",
            f"{iri} {SKOS.altLabel.n3()} {Literal(f'{name.lower()}xian', lang='zh-Latn').n3()} .\n",
            f"{iri} {SKOS.altLabel.n3()} {Literal(f'{hanzi}', lang='zh').n3()} .\n",
            f"{iri} {RDFS.comment.n3()} {_comment(name, number, 'en')} .\n",
            f"{iri} {RDFS.comment.n3()} {_comment(hanzi, number, 'zh')} .\n",
        )


def _comment(name: str, number: int, language: str) -> str:
    if language == "zh":
        text = f"{name}县是为基准测试生成的合成县级行政区编号{number}不是真实地名。"
    else:
        text = (
            f"{name} County ({number}) is a synthetic county-level region generated for the "
            "benchmark; it is not a real place and carries no facts from the source."
        )
    return Literal(text, lang=language).n3()


def _samples(files: list[TemplateFile], copies: int, labels: int, rng: random.Random) -> list[str]:
    """Seeded random IRIs of replicated and label-heavy resources, for single-resource lookups."""
    replicated = sorted({iri for text in files for iri in text.replicated})
    samples = []
    for _ in range(SAMPLE_COUNT):
        if labels and (not replicated or rng.random() < LABEL_SHARE):
            samples.append(f"{ID}region/bench-county-{rng.randrange(labels)}")
        elif replicated:
            iri, number = rng.choice(replicated), rng.randrange(copies + 1)
            samples.append(_suffixed(iri, number))
    return samples


def _suffixed(iri: str, number: int) -> str:
    if number == 0:
        return iri
    base, hash_mark, fragment = iri.partition("#")
    return f"{base}-x{number}{hash_mark}{fragment}"
