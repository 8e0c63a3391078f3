"""Reconcile a sheet's names with the entities the graph already holds (OpenRefine-style).

A row's names (``name_en``, ``name_zh``, ``alt``) are compared with an entity's labels, alternative
labels and names, through the keys of :mod:`kg.search.variants` (English, Simplified and
Traditional Chinese, pinyin with or without tones) and a fuzzy ratio for light typos.
An existing entity is reused only on a *confident* match of the same kind; an official also needs
the same region or office (two officials with one name stay two).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from kg.namespaces import OKG
from kg.search import variants
from kg.search.variants import best_similarity


@lru_cache(maxsize=16384)
def name_keys(label: str) -> frozenset[str]:
    """The label's keys (:func:`kg.search.variants.name_keys`), computed once per process: every
    intake indexes the graph's labels again, and a run may take in several sheets."""
    return variants.name_keys(label)


@lru_cache(maxsize=16384)
def core_keys(label: str) -> frozenset[str]:
    """The label's core keys (:func:`kg.search.variants.core_keys`), computed once per process."""
    return variants.core_keys(label)


# Entities of these classes (and their subclasses in the ontology) are of the sheet's kind.
KIND_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "region": (OKG.Region,),
    "official": (OKG.Official,),
    "organization": (OKG.Organization,),
    "product": (OKG.Product, OKG.Brand),
    "broadcast": (OKG.Broadcast,),
    "source": (OKG.SourceDocument,),
}
LABELS = (RDFS.label, SKOS.altLabel, SKOS.prefLabel, FOAF.name)

# The place a region lies in, or a product comes from: a match must agree with the row's.
PLACE_OF = {"region": OKG.locatedIn, "product": OKG.originRegion}

EXACT = 100.0
CONFIDENT = 90.0  # a light typo: "Chow Tai Fok" for Chow Tai Fook
CANDIDATE = 85.0  # close enough to ask the curator
# Short names differ by one letter and are other places (Hunan, Henan, Hainan): fuzzy matching
# only compares keys at least this long; shorter ones must match exactly.
FUZZY_MIN_LENGTH = 8


class Verdict(Enum):
    """What reconciliation decided for one row."""

    REUSE = "reuse"
    NEW = "new"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Candidate:
    """An existing entity that may be the row's, with its score (0-100) and label."""

    iri: URIRef
    score: float
    label: str


@dataclass(frozen=True)
class Decision:
    """Reconciliation's answer for one row: reuse ``iri``, create, or ask (``candidates``)."""

    verdict: Verdict
    iri: URIRef | None = None
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""


@dataclass
class Entity:
    """One entity of the graph as reconciliation sees it: its kind, keys and context."""

    iri: URIRef
    kind: str
    label: str
    keys: frozenset[str]
    cores: frozenset[str] = field(default_factory=frozenset)
    context: frozenset[URIRef] = field(default_factory=frozenset)
    office_keys: frozenset[str] = field(default_factory=frozenset)


class GraphIndex:
    """The graph's entities by kind, with their name keys (built once per intake)."""

    def __init__(self, graph: Graph, ontology: Graph):
        self.graph = graph
        self.entities: dict[str, list[Entity]] = {}
        for kind, classes in KIND_CLASSES.items():
            members = set().union(*(instances(graph, ontology, cls) for cls in classes))
            self.entities[kind] = [self._entity(iri, kind) for iri in sorted(members)]

    def _entity(self, iri: URIRef, kind: str) -> Entity:
        names = [str(label) for predicate in LABELS for label in self.graph.objects(iri, predicate)]
        keys = frozenset().union(*(name_keys(name) for name in names)) if names else frozenset()
        context: frozenset[URIRef] = frozenset()
        office_keys: frozenset[str] = frozenset()
        if kind == "official":
            offices = self.offices(iri)
            bodies = {
                URIRef(str(target))
                for office in offices
                for target in self.graph.objects(office, OKG.officeOf)
            }
            regions = {URIRef(str(r)) for b in bodies for r in self.graph.objects(b, OKG.basedIn)}
            context = frozenset(bodies | regions)
            office_keys = frozenset().union(
                frozenset(),
                *(name_keys(str(label)) for o in offices for label in self.labels(o)),
            )
        elif kind in PLACE_OF:
            context = frozenset(URIRef(str(p)) for p in self.graph.objects(iri, PLACE_OF[kind]))
        cores = frozenset().union(*(core_keys(name) for name in names)) if names else frozenset()
        return Entity(iri, kind, best_label(self.graph, iri), keys, cores, context, office_keys)

    def offices(self, official: URIRef) -> set[URIRef]:
        """The offices an official holds (either direction of the link)."""
        held = {URIRef(str(o)) for o in self.graph.objects(official, OKG.holdsOffice)}
        return held | {URIRef(str(o)) for o in self.graph.subjects(OKG.heldBy, official)}

    def labels(self, iri: URIRef) -> list[Literal]:
        return [
            label
            for predicate in LABELS
            for label in self.graph.objects(iri, predicate)
            if isinstance(label, Literal)
        ]

    def kind_of(self, iri: URIRef) -> str | None:
        """The sheet kind of an existing entity, or None when the graph does not hold it."""
        for kind, entities in self.entities.items():
            if any(entity.iri == iri for entity in entities):
                return kind
        return None

    def ancestors(self, region: URIRef) -> set[URIRef]:
        """Every region that ``region`` lies in (okg:locatedIn+)."""
        found: set[URIRef] = set()
        frontier = [region]
        while frontier:
            for parent in self.graph.objects(frontier.pop(), OKG.locatedIn):
                if isinstance(parent, URIRef) and parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        return found

    def scored(self, kind: str, names: Iterable[str]) -> list[tuple[Entity, float]]:
        """The entities of ``kind`` scoring at least :data:`CANDIDATE`, best first."""
        names = [name for name in names if name]
        keys = frozenset().union(*(name_keys(name) for name in names)) if names else frozenset()
        if not keys:
            return []
        cores = frozenset().union(*(core_keys(name) for name in names))
        scored = [
            (entity, EXACT if keys & entity.keys else similarity(cores, entity.cores))
            for entity in self.entities[kind]
        ]
        kept = [(entity, score) for entity, score in scored if score >= CANDIDATE]
        return sorted(kept, key=lambda pair: (-pair[1], str(pair[0].iri)))


def keys_of(labels: Iterable[Literal]) -> frozenset[str]:
    """The name keys of several labels together."""
    keys: frozenset[str] = frozenset()
    for label in labels:
        keys |= name_keys(str(label))
    return keys


def similarity(keys: frozenset[str], others: frozenset[str]) -> float:
    """The best fuzzy ratio between core keys long enough to compare (0 when none is)."""
    longer = [key for key in keys if len(key) >= FUZZY_MIN_LENGTH]
    return best_similarity(longer, [key for key in others if len(key) >= FUZZY_MIN_LENGTH])


def instances(graph: Graph, ontology: Graph, cls: URIRef) -> set[URIRef]:
    """The IRIs typed ``cls`` or one of its subclasses (from the ontology) in ``graph``."""
    classes = {cls, *(c for c in ontology.transitive_subjects(RDFS.subClassOf, cls))}
    return {
        URIRef(str(subject))
        for c in classes
        for subject in graph.subjects(RDF.type, c)
        if isinstance(subject, URIRef)
    }


def best_label(graph: Graph, iri: URIRef) -> str:
    """The English label, else any label, else the IRI."""
    labels = list(graph.objects(iri, RDFS.label))
    for label in labels:
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
    return str(labels[0]) if labels else str(iri)


def decide(
    index: GraphIndex,
    kind: str,
    names: list[str],
    *,
    within: URIRef | None = None,
    office: str = "",
) -> Decision:
    """Reuse, create or ask: the decision for a row of ``kind`` with ``names``.

    ``within`` is the row's resolved parent region (regions) or office region/body (officials);
    ``office`` the office as the row states it (officials).
    """
    scored = index.scored(kind, names)
    if kind == "official":
        return _decide_official(index, scored, within, office)
    if kind == "region" and within is not None:
        scored = [(e, s) for e, s in scored if not e.context or within in e.context]
    if kind == "product" and within is not None:
        # "Navel oranges" of Zigui are not those of Zhijiang: same origin, or one inside the other.
        scored = [
            (e, s)
            for e, s in scored
            if not e.context or within in e.context or _related(index, within, e.context)
        ]
    return _decide_by_score(scored)


def _candidates(scored: list[tuple[Entity, float]]) -> tuple[Candidate, ...]:
    return tuple(Candidate(entity.iri, round(score, 1), entity.label) for entity, score in scored)


def _decide_by_score(scored: list[tuple[Entity, float]]) -> Decision:
    if not scored:
        return Decision(Verdict.NEW, reason="no entity of this kind has a similar name")
    best_entity, best = scored[0]
    rivals = scored[1:]
    if best >= CONFIDENT and not rivals:
        how = "same name" if best >= EXACT else f"similar name ({best:.0f}/100)"
        return Decision(Verdict.REUSE, best_entity.iri, _candidates(scored), how)
    return Decision(Verdict.UNSURE, candidates=_candidates(scored), reason=_unsure(scored))


def _unsure(scored: list[tuple[Entity, float]]) -> str:
    if len(scored) > 1:
        return f"{len(scored)} entities have a similar name"
    return f"only a partial match ({scored[0][1]:.0f}/100)"


def _decide_official(
    index: GraphIndex, scored: list[tuple[Entity, float]], within: URIRef | None, office: str
) -> Decision:
    """Same name and same region or office: reuse; same name elsewhere: a different person."""
    office_keys = name_keys(office) if office else frozenset()
    same_place: list[tuple[Entity, float]] = []
    related: list[tuple[Entity, float]] = []
    for entity, score in scored:
        if (within is not None and within in entity.context) or (office_keys & entity.office_keys):
            same_place.append((entity, score))
        elif within is not None and _related(index, within, entity.context):
            related.append((entity, score))
    if len(same_place) == 1 and same_place[0][1] >= EXACT and not related:
        return Decision(
            Verdict.REUSE, same_place[0][0].iri, _candidates(same_place), "same name and office"
        )
    if same_place or related:
        found = same_place + related
        return Decision(
            Verdict.UNSURE, candidates=_candidates(found), reason=_official_unsure(found)
        )
    if scored:
        return Decision(
            Verdict.NEW, reason="an official of that name holds office elsewhere: another person"
        )
    return Decision(Verdict.NEW, reason="no official has a similar name")


def _official_unsure(found: list[tuple[Entity, float]]) -> str:
    if any(score < EXACT for _, score in found):
        return "a similar name in the same place (a typo, or another person?)"
    return "the same name in a neighbouring region or body"


def _related(index: GraphIndex, within: URIRef, context: frozenset[URIRef]) -> bool:
    """True when ``within`` lies in one of ``context`` or one of them lies in ``within``."""
    ancestors = index.ancestors(within)
    return any(place in ancestors or within in index.ancestors(place) for place in context)
