"""Reconciliation (W3C Reconciliation Service API 0.2, as OpenRefine speaks it): the logic.

https://reconciliation-api.github.io/specs/0.2/ — candidates come from the search index
(:mod:`kg.search.searcher`), property constraints are checked against the graph through the
:class:`~kg.stores.Store` (so every backend works), and ``match`` is true only for an
unambiguous candidate: a score of at least :data:`MATCH_SCORE` and :data:`MATCH_GAP` points
ahead of the next one. The web layer (``kg.web.reconcile``) only parses and writes JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.namespaces import OKG, PREFIXES
from kg.search import SearchIndex, UnknownType, resolve_type
from kg.search.documents import select
from kg.search.searcher import Hit, Record, label_in
from kg.search.variants import best_similarity, name_keys
from kg.stores import Store

MATCH_SCORE = 90.0
MATCH_GAP = 10.0
CONSTRAINT_WEIGHT = 0.5  # share of the score that the property constraints decide
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
MAX_BATCH = 100  # queries in one batch
MAX_EXTEND_IDS = 1000
MAX_CLOSURE_STEPS = 10  # levels of a hierarchy followed (country > province > city > county…)
CLASS_TYPES = ("http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2000/01/rdf-schema#Class")
PROPERTY_TYPES = (
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
)
DEFAULT_TYPES = ("Official", "Region", "Product", "Organization", "Broadcast")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"


class ReconcileError(ValueError):
    """A malformed query, extension or parameter (HTTP 400); the message says what."""


@dataclass(frozen=True)
class PathProperty:
    """A property for constraints and data extension that follows a path through the graph."""

    id: str
    name: str
    path: str  # a SPARQL property path from the entity to the values
    domain: str  # the class of the entities it applies to
    value_class: str | None = None  # keep only values of this class (or a subclass)
    hop: str | None = None  # a value with this predicate stands for its targets (body -> region)
    closure: str | None = None  # then also every value reached by repeating this predicate


# "an official in a given province": an office an official holds belongs to a region, or to a
# government or party body based in one (okg:basedIn), and regions lie within provinces.
# Ontology properties (IRI or CURIE) work too, as single steps.
OFFICE_OF = f"<{OKG.holdsOffice}>/<{OKG.officeOf}>"
PATH_PROPERTIES: dict[str, PathProperty] = {
    prop.id: prop
    for prop in (
        PathProperty("office", "office held", f"<{OKG.holdsOffice}>", str(OKG.Official)),
        PathProperty(
            "region",
            "region of an office held",
            OFFICE_OF,
            str(OKG.Official),
            value_class=str(OKG.Region),
            hop=str(OKG.basedIn),
        ),
        PathProperty(
            "province",
            "province of an office held",
            OFFICE_OF,
            str(OKG.Official),
            value_class=str(OKG.Province),
            hop=str(OKG.basedIn),
            closure=str(OKG.locatedIn),
        ),
    )
}


@dataclass(frozen=True)
class Candidate:
    """A scored candidate of one query."""

    hit: Hit
    score: float


class Reconciler:
    """Reconciliation over one search index and its store."""

    def __init__(self, index: SearchIndex, store: Store) -> None:
        self.index = index
        self.store = store

    # ---- reconciliation queries ----

    def batch(self, queries: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Answer a batch ``{"q0": {query…}, …}`` (spec §4.3)."""
        if not isinstance(queries, dict) or not queries:
            raise ReconcileError("'queries' must be a non-empty JSON object of queries")
        if len(queries) > MAX_BATCH:
            raise ReconcileError(f"at most {MAX_BATCH} queries in one batch")
        return {str(key): {"result": self.reconcile(query)} for key, query in queries.items()}

    def reconcile(self, query: Any) -> list[dict[str, Any]]:
        """The candidates of one query, best first, ``match`` set on an unambiguous first."""
        text, types, limit, constraints = parse_query(query)
        class_iris = self.class_iris(types)
        resolved = [(self.property(pid), values) for pid, values in constraints]
        hits = self.index.search(text, types=class_iris, limit=max(limit * 3, 10)) if text else []
        candidates = self.rescored(hits, resolved)[:limit]
        return [
            self.result(candidate, matched=index == 0 and unambiguous(candidates))
            for index, candidate in enumerate(candidates)
        ]

    def rescored(
        self, hits: Sequence[Hit], constraints: Sequence[tuple[PathProperty, list[Any]]]
    ) -> list[Candidate]:
        """Hits with their scores adjusted by how well they meet the property constraints."""
        if not constraints:
            return [Candidate(hit, hit.score) for hit in hits]
        iris = [hit.iri for hit in hits]
        agreement = {iri: 0.0 for iri in iris}
        for prop, wanted in constraints:
            values = self.values(prop, iris)
            for iri in iris:
                agreement[iri] += self.agreement(wanted, values.get(iri, []))
        scored = [
            Candidate(hit, round(hit.score * self.factor(agreement[hit.iri], constraints), 2))
            for hit in hits
        ]
        return sorted(scored, key=lambda c: (-c.score, len(c.hit.label), c.hit.iri))

    @staticmethod
    def factor(total: float, constraints: Sequence[object]) -> float:
        return 1.0 - CONSTRAINT_WEIGHT * (1.0 - total / len(constraints))

    def agreement(self, wanted: list[Any], values: list[ox.NamedNode | ox.Literal]) -> float:
        """0-1: how well the best of the ``wanted`` values matches one of ``values``."""
        best = 0.0
        for item in wanted:
            if isinstance(item, dict):
                item = item.get("id", "")
            text = str(item)
            for value in values:
                if isinstance(value, ox.NamedNode) and value.value == text:
                    return 1.0
                best = max(best, best_similarity(name_keys(text), self.value_keys(value)) / 100)
        return best

    def value_keys(self, value: ox.NamedNode | ox.Literal) -> set[str]:
        """The name keys of a value: its labels' (an IRI) or its own (a literal)."""
        if isinstance(value, ox.Literal):
            return set(name_keys(value.value))
        record = self.index.record(value.value)
        names = [] if record is None else record.labels + record.alt_labels
        return {key for name, _ in names for key in name_keys(name)}

    def result(self, candidate: Candidate, *, matched: bool) -> dict[str, Any]:
        """One candidate as the API writes it."""
        hit = candidate.hit
        return {
            "id": hit.iri,
            "name": hit.label,
            "description": hit.snippet,
            "score": candidate.score,
            "match": matched,
            "type": [self.type_json(iri) for iri in hit.classes],
        }

    # ---- types and properties ----

    def class_iris(self, names: Sequence[str]) -> list[str]:
        """The class IRIs that ``names`` stand for (400 for a class the graph lacks)."""
        known = self.index.class_counts()
        try:
            return [resolve_type(name, known) for name in names]
        except UnknownType as error:
            raise ReconcileError(str(error)) from None

    def type_json(self, iri: str) -> dict[str, str]:
        """A class as ``{"id", "name"}``."""
        return {"id": iri, "name": self.name_of(iri)}

    def name_of(self, iri: str, lang: str = "en") -> str:
        """The label of ``iri`` from the index (its IRI's last part when it has none)."""
        record = self.index.record(iri)
        if record is None:
            return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return label_in(record, lang)[0]

    def property(self, pid: str) -> PathProperty:
        """The property ``pid`` names: a path property, or an ontology property IRI/CURIE."""
        if pid in PATH_PROPERTIES:
            return PATH_PROPERTIES[pid]
        iri = expand_curie(pid)
        record = self.index.record(iri)
        if record is None or not set(record.classes) & set(PROPERTY_TYPES):
            raise ReconcileError(
                f"unknown property {pid!r}: use one of {', '.join(PATH_PROPERTIES)} "
                "or a property of the ontology (IRI or CURIE such as okg:platform)"
            )
        return PathProperty(iri, self.name_of(iri), f"<{iri}>", "")

    def values(self, prop: PathProperty, iris: Iterable[str]) -> dict[str, list[Any]]:
        """Each entity's values of ``prop`` (IRIs and literals), read from the store.

        The transitive part of a property (``closure``) and its class filter are computed here
        from plain one-step queries, which every store answers alike (Virtuoso 7 does not
        follow ``okg:locatedIn*`` from ``VALUES``-bound subjects).
        """
        found = self.step(prop.path, iris)
        if prop.hop:
            found = self.hopped(found, prop.hop)
        if prop.closure:
            found = self.closed(found, prop.closure)
        if prop.value_class:
            types = self.index.types_of({v.value for vs in found.values() for v in vs if is_iri(v)})
            found = {
                subject: [v for v in vs if prop.value_class in types.get(v.value, ())]
                for subject, vs in found.items()
            }
        return found

    def step(self, path: str, iris: Iterable[str]) -> dict[str, list[Any]]:
        """Each subject's values of one fixed-length property ``path``."""
        subjects = " ".join(sorted({f"<{iri}>" for iri in iris if valid_iri(iri)}))
        if not subjects:
            return {}
        query = f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {subjects} }} ?s {path} ?v . }}"
        found: dict[str, list[Any]] = {}
        for subject, value in select(self.store, query):
            found.setdefault(subject.value, []).append(value)
        return found

    def hopped(self, found: dict[str, list[Any]], predicate: str) -> dict[str, list[Any]]:
        """``found`` with each value that has ``predicate`` replaced by that predicate's values."""
        targets = self.step(
            f"<{predicate}>", {v.value for vs in found.values() for v in vs if is_iri(v)}
        )
        return {
            subject: [
                t for v in values for t in (targets.get(v.value) if is_iri(v) else None) or [v]
            ]
            for subject, values in found.items()
        }

    def closed(self, found: dict[str, list[Any]], predicate: str) -> dict[str, list[Any]]:
        """``found`` with, for each value, every value reached by repeating ``predicate``."""
        reached: dict[str, set[str]] = {}  # IRI -> what one step of the predicate reaches
        frontier = {v.value for vs in found.values() for v in vs if is_iri(v)}
        for _ in range(MAX_CLOSURE_STEPS):
            frontier -= set(reached)
            if not frontier:
                break
            steps = self.step(f"<{predicate}>", frontier)
            for iri in frontier:
                reached[iri] = {v.value for v in steps.get(iri, []) if is_iri(v)}
            frontier = {target for iri in frontier for target in reached[iri]}
        return {subject: self.with_ancestors(values, reached) for subject, values in found.items()}

    @staticmethod
    def with_ancestors(values: list[Any], reached: dict[str, set[str]]) -> list[Any]:
        """``values`` and every IRI reachable from them in ``reached`` (each once, in order)."""
        result: dict[str, Any] = {}
        todo = list(values)
        while todo:
            value = todo.pop(0)
            key = value.value if is_iri(value) else str(value)
            if key not in result:
                result[key] = value
                todo.extend(ox.NamedNode(iri) for iri in sorted(reached.get(key, ())))
        return list(result.values())

    # ---- suggest, preview, data extension ----

    def suggest_entities(self, prefix: str, *, cursor: int = 0) -> list[dict[str, Any]]:
        """Entities whose names start with (or contain) ``prefix`` (suggest API)."""
        hits = self.index.search(prefix, limit=cursor + 10)[cursor:] if prefix.strip() else []
        return [
            {
                "id": hit.iri,
                "name": hit.label,
                "description": hit.snippet,
                "notable": [self.type_json(iri) for iri in hit.classes],
            }
            for hit in hits
        ]

    def suggest_types(self, prefix: str) -> list[dict[str, str]]:
        """Classes whose names match ``prefix``."""
        known = self.index.class_counts()
        hits = self.typed_hits(prefix, CLASS_TYPES)
        return [{"id": hit.iri, "name": hit.label} for hit in hits if hit.iri in known]

    def suggest_properties(self, prefix: str) -> list[dict[str, str]]:
        """Path properties and ontology properties whose names match ``prefix``."""
        folded = prefix.strip().casefold()
        paths = [
            {"id": prop.id, "name": prop.name}
            for prop in PATH_PROPERTIES.values()
            if not folded or folded in prop.id or folded in prop.name
        ]
        hits = self.typed_hits(prefix, PROPERTY_TYPES)
        return paths + [{"id": hit.iri, "name": hit.label} for hit in hits]

    def typed_hits(self, prefix: str, types: Sequence[str]) -> list[Hit]:
        known = set(self.index.class_counts())
        usable = [iri for iri in types if iri in known]
        if not prefix.strip() or not usable:
            return []
        return self.index.search(prefix, types=usable, limit=10)

    def propose_properties(self, type_name: str, *, limit: int = 10) -> list[dict[str, str]]:
        """Properties worth fetching for entities of ``type_name`` (data extension §6.1)."""
        (class_iri,) = self.class_iris([type_name])
        superclasses = {class_iri} | self.superclasses(class_iri)
        paths = [
            {"id": prop.id, "name": prop.name}
            for prop in PATH_PROPERTIES.values()
            if prop.domain in superclasses
        ]
        domain = "<http://www.w3.org/2000/01/rdf-schema#domain>"
        rows = select(
            self.store,
            f"SELECT DISTINCT ?p WHERE {{ ?p {domain} ?d . VALUES ?d {{ "
            + " ".join(f"<{iri}>" for iri in sorted(superclasses))
            + " } }",
        )
        ontology = sorted(
            ({"id": row[0].value, "name": self.name_of(row[0].value)} for row in rows),
            key=lambda item: item["name"],
        )
        return (paths + ontology)[:limit]

    def superclasses(self, class_iri: str) -> set[str]:
        """Every class ``class_iri`` is a subclass of."""
        subclass = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
        rows = select(self.store, f"SELECT DISTINCT ?c WHERE {{ <{class_iri}> {subclass}+ ?c }}")
        return {row[0].value for row in rows if isinstance(row[0], ox.NamedNode)}

    def extend(self, request: Any) -> dict[str, Any]:
        """Data extension (spec §6.3): the values of properties for reconciled entities."""
        ids, pids = parse_extension(request)
        props = [self.property(pid) for pid in pids]
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {iri: {} for iri in ids}
        for pid, prop in zip(pids, props, strict=True):
            values = self.values(prop, ids)
            for iri in ids:
                rows[iri][pid] = [self.cell(value) for value in values.get(iri, [])]
        meta = [{"id": pid, "name": prop.name} for pid, prop in zip(pids, props, strict=True)]
        return {"meta": meta, "rows": rows}

    def cell(self, value: ox.NamedNode | ox.Literal | ox.BlankNode) -> dict[str, Any]:
        """One value as a data-extension cell: an entity, a number, a date or a string."""
        if isinstance(value, ox.NamedNode):
            return {"id": value.value, "name": self.name_of(value.value)}
        if isinstance(value, ox.Literal):
            return literal_cell(value)
        return {}

    def preview(self, iri: str) -> Record | None:
        """What the preview shows of ``iri`` (None when the index does not hold it)."""
        return self.index.record(iri)


def literal_cell(literal: ox.Literal) -> dict[str, Any]:
    """A literal as a typed data-extension cell."""
    datatype = literal.datatype.value
    try:
        if datatype in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
            return {"int": int(literal.value)}
        if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
            return {"float": float(literal.value)}
    except ValueError:
        pass
    if datatype == XSD + "date" and len(literal.value) == 10:
        return {"date": literal.value + "T00:00:00+00:00"}
    return {"str": literal.value}


def parse_query(query: Any) -> tuple[str, list[str], int, list[tuple[str, list[Any]]]]:
    """(text, types, limit, [(pid, values)]) of one reconciliation query."""
    if isinstance(query, str):
        query = {"query": query}
    if not isinstance(query, dict):
        raise ReconcileError("each query must be a JSON object with a 'query' string")
    text = query.get("query", "")
    if not isinstance(text, str):
        raise ReconcileError("'query' must be a string")
    types = query.get("type") or []
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise ReconcileError("'type' must be a type id or a list of type ids")
    return text.strip(), types, parse_limit(query.get("limit")), parse_constraints(query)


def parse_limit(raw: Any) -> int:
    """A query's ``limit``: 1 to :data:`MAX_LIMIT` (default :data:`DEFAULT_LIMIT`)."""
    if raw is None:
        return DEFAULT_LIMIT
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 1:
        raise ReconcileError("'limit' must be a positive number")
    return min(int(raw), MAX_LIMIT)


def parse_constraints(query: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """The ``properties`` of a query as (pid, list of values)."""
    items = query.get("properties") or []
    if not isinstance(items, list):
        raise ReconcileError("'properties' must be a list of {pid, v} objects")
    constraints = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise ReconcileError("each property constraint needs 'pid' (a string) and 'v'")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        constraints.append((item["pid"], values))
    return constraints


def parse_extension(request: Any) -> tuple[list[str], list[str]]:
    """(ids, property ids) of a data-extension request."""
    if not isinstance(request, dict):
        raise ReconcileError("'extend' must be a JSON object with 'ids' and 'properties'")
    ids, props = request.get("ids"), request.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ReconcileError("'ids' must be a list of entity ids")
    if len(ids) > MAX_EXTEND_IDS:
        raise ReconcileError(f"at most {MAX_EXTEND_IDS} ids in one extension request")
    if not isinstance(props, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in props
    ):
        raise ReconcileError("'properties' must be a list of {\"id\": …} objects")
    return ids, [p["id"] for p in props]


def unambiguous(candidates: Sequence[Candidate]) -> bool:
    """Whether the first candidate is sure: high score, clearly ahead of the second."""
    if not candidates or candidates[0].score < MATCH_SCORE:
        return False
    return len(candidates) == 1 or candidates[1].score <= candidates[0].score - MATCH_GAP


def expand_curie(name: str) -> str:
    """``okg:platform`` -> the IRI; anything else unchanged."""
    prefix, colon, local = name.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return name


def is_iri(value: object) -> bool:
    """Whether a query value is an IRI."""
    return isinstance(value, ox.NamedNode)


def valid_iri(iri: str) -> bool:
    """Whether ``iri`` can go between ``<…>`` in a query."""
    return bool(iri) and not any(char in iri for char in '<>"{}|\\^` \n\t')


def manifest(root: str, base_iri: str) -> dict[str, Any]:
    """The service manifest (spec §3), with the service's absolute ``root`` URL."""
    service = root.rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": "officials-kg reconciliation",
        "identifierSpace": base_iri + "id/",
        "schemaSpace": base_iri + "ontology#",
        "documentation": service + "/api",
        "view": {"url": service + "/reconcile/view?id={{id}}"},
        "preview": {"url": service + "/reconcile/preview?id={{id}}", "width": 420, "height": 160},
        "defaultTypes": [{"id": str(OKG[name]), "name": name} for name in DEFAULT_TYPES],
        "suggest": {
            kind: {"service_url": service, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {
                "service_url": service,
                "service_path": "/reconcile/propose_properties",
            },
            "property_settings": [],
        },
    }
