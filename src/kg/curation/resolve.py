"""Give every row of a sheet its IRI: reuse (reconciled, or forced by ``match``) or a new slug.

References between rows (``within``, ``hosts``, ``of``, …) are a row's ``id`` or a CURIE / IRI of
an entity already in the graph; :meth:`Resolver.ref` turns either into an IRI and checks its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rdflib import Graph, URIRef

from kg.curation import vocab
from kg.curation.reconcile import (
    EXACT,
    Candidate,
    Decision,
    Entity,
    GraphIndex,
    Verdict,
    best_label,
    decide,
)
from kg.curation.sheet import Issue, Row, Sheet
from kg.curation.turtle import DATA_PREFIXES
from kg.namespaces import ID, OKG
from kg.search.variants import name_keys

# The IRI folder of each row kind (an aggregate row is a report).
NAMESPACE: dict[str, str] = {
    "source": "source",
    "region": "region",
    "official": "official",
    "organization": "organization",
    "product": "product",
    "broadcast": "broadcast",
    "figure": "figure",
    "statement": "statement",
    "aggregate": "report",
}
# Which row kinds each referring column accepts.
REF_KINDS: dict[str, tuple[str, ...]] = {
    "within": ("region", "organization"),
    "region": ("region",),
    "hosts": ("official",),
    "products": ("product",),
    "company": ("organization",),
    "of": ("broadcast",),
    "speaker": ("official", "organization"),
    "platform": ("organization",),
    "copy_of": ("source",),
}
CURIE = re.compile(r"^([a-z]+):([^\s/]+)$")
CANDIDATE_MARK = "?"


def iri_of(namespace: str, slug: str) -> URIRef:
    return URIRef(ID[f"{namespace}/{slug}"])


def slug_of(iri: URIRef) -> tuple[str, str]:
    """The folder and slug of one of our IRIs: ``…/id/region/hubei`` -> (``region``, ``hubei``)."""
    namespace, _, slug = str(iri)[len(str(ID)) :].partition("/")
    return namespace, slug


def expand_curie(value: str) -> URIRef | None:
    """The IRI a CURIE (``region:hubei``) or full IRI stands for, or None when it is neither."""
    if value.startswith(("http://", "https://")):
        return URIRef(value.strip("<>"))
    match = CURIE.match(value)
    prefixes = dict(DATA_PREFIXES)
    if match and match.group(1) in prefixes:
        return URIRef(prefixes[match.group(1)] + match.group(2))
    return None


@dataclass
class Resolver:
    """Resolves a sheet's rows against the graph; collects issues and unsure decisions."""

    sheet: Sheet
    index: GraphIndex
    graph: Graph
    iris: dict[str, URIRef] = field(default_factory=dict)
    new: set[str] = field(default_factory=set)
    decisions: dict[str, Decision] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    unsure: dict[int, Decision] = field(default_factory=dict)
    taken: set[URIRef] = field(default_factory=set)
    platforms: dict[str, URIRef] = field(default_factory=dict)
    new_platforms: dict[URIRef, str] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rows = self.sheet.by_id()
        self.taken = {URIRef(str(s)) for s in self.graph.subjects() if isinstance(s, URIRef)}

    def run(self) -> None:
        """Resolve the source, the entities (parents first), then the claims."""
        self._source(self.sheet.source)
        self._regions()
        for kind in ("organization", "product", "official"):
            for row in self.sheet.of_kind(kind):
                self._entity(row)
        for row in self.sheet.of_kind("broadcast"):
            self._broadcast(row)
        for row in self.sheet.of_kind("figure", "statement", "aggregate"):
            self._claim(row)

    # --- references -------------------------------------------------------------------------
    def ref(self, row: Row, column: str, value: str) -> URIRef | None:
        """The IRI of one reference in ``row[column]``, or None (with an issue) when it is bad."""
        kinds = REF_KINDS[column]
        if value in self.rows:
            target = self.rows[value]
            if target.kind not in kinds:
                self._issue(
                    row, column, f"'{value}' is a {target.kind} row; expected {' or '.join(kinds)}"
                )
                return None
            return self.iris.get(value)
        iri = expand_curie(value)
        if iri is None:
            self._issue(
                row,
                column,
                f"'{value}' is neither an id of this sheet nor a CURIE/IRI of the graph",
            )
            return None
        kind = self.index.kind_of(iri)
        if kind is None:
            self._issue(row, column, f"{value} is not in the graph{self._did_you_mean(value)}")
            return None
        if kind not in kinds:
            self._issue(row, column, f"{value} is a {kind}; expected {' or '.join(kinds)}")
            return None
        return iri

    def is_new_ref(self, value: str) -> bool:
        """True when ``value`` names a row of this sheet whose entity is created."""
        return value in self.new

    def _did_you_mean(self, value: str) -> str:
        """A close slug of the same folder (a typo of a reference), or nothing."""
        iri = expand_curie(value)
        if iri is None:
            return ""
        namespace, slug = slug_of(iri)
        known = [
            slug_of(e.iri)[1]
            for entities in self.index.entities.values()
            for e in entities
            if slug_of(e.iri)[0] == namespace
        ]
        match = process.extractOne(slug, known, scorer=fuzz.ratio, score_cutoff=85)
        return f"; did you mean {namespace}:{match[0]}?" if match else ""

    # --- rows -------------------------------------------------------------------------------
    def _source(self, row: Row) -> None:
        iri = iri_of("source", row.id)
        if iri in self.taken:
            self._issue(
                row,
                "id",
                f"source:{row.id} is already in the graph (was this sheet taken in before?)",
            )
        self._assign(row, iri, new=True)

    def _regions(self) -> None:
        """Regions parents first: a row waits until the region it lies within is resolved."""
        waiting = list(self.sheet.of_kind("region"))
        while waiting:
            ready = [row for row in waiting if not self._waits(row)]
            if not ready:
                blocked = [row for row in waiting if self._blocked(row)]
                if not blocked:
                    for row in waiting:
                        self._issue(
                            row, "within", f"'{row['within']}' does not lead to a region (a cycle?)"
                        )
                    return
                self.failed.update(row.id for row in blocked)
                waiting = [row for row in waiting if row not in blocked]
                continue
            for row in ready:
                self._entity(row)
            waiting = [row for row in waiting if row not in ready]

    def _waits(self, row: Row) -> bool:
        parent = row["within"]
        return (
            parent in self.rows and parent not in self.iris and self.rows[parent].kind == "region"
        )

    def _blocked(self, row: Row) -> bool:
        """True when the row's parent failed (its own issue says why): nothing more to say here."""
        parent = self.rows.get(row["within"])
        return parent is not None and (parent.number in self.unsure or parent.id in self.failed)

    def _entity(self, row: Row) -> None:
        forced = self._forced(row)
        if forced is not None:
            return
        within, within_new = self._within(row)
        names = [row["name_en"], row["name_zh"], *row.values("alt")]
        if within_new and row.kind in {"region", "official"}:
            decision = Decision(Verdict.NEW, reason="it lies in a region or body that is new")
        else:
            decision = decide(self.index, row.kind, names, within=within, office=row["office_en"])
        decision = self._same_id(row, decision)
        self.decisions[row.id] = decision
        if decision.verdict is Verdict.REUSE and decision.iri is not None:
            self._assign(row, decision.iri, new=False)
        elif decision.verdict is Verdict.NEW:
            self._assign(row, self._fresh(row, within), new=True)
        else:
            self.unsure[row.number] = decision

    def _same_id(self, row: Row, decision: Decision) -> Decision:
        """A new entity whose id is an existing one's slug (of the same kind, another name): ask.

        Officials are exempt: namesakes elsewhere rightly get ``{id}-{region}``.
        """
        existing = iri_of(NAMESPACE[row.kind], row.id)
        if decision.verdict is not Verdict.NEW or row.kind == "official":
            return decision
        if self.index.kind_of(existing) != row.kind:
            return decision
        label = best_label(self.graph, existing)
        reason = f"{NAMESPACE[row.kind]}:{row.id} exists under another name"
        return Decision(
            Verdict.UNSURE, candidates=(Candidate(existing, 0.0, label),), reason=reason
        )

    def _forced(self, row: Row) -> URIRef | None:
        """Apply the ``match`` column: ``new``, a CURIE/IRI to reuse, or leftover candidates."""
        match = row["match"]
        if not match:
            return None
        if match == "new":
            within, within_new = self._within(row)
            duplicate = self._duplicate(row, within, within_new=within_new)
            if duplicate:
                self._issue(row, "match", duplicate)
                self.failed.add(row.id)
                return URIRef("")
            iri = self._fresh(row, within)
            self.decisions[row.id] = Decision(Verdict.NEW, reason="match column: new")
            self._assign(row, iri, new=True)
            return iri
        if CANDIDATE_MARK in match:
            self._issue(
                row,
                "match",
                "still lists candidates: keep the one CURIE that is right (without '?'), "
                "or write new",
            )
            self.failed.add(row.id)
            return URIRef("")
        found = expand_curie(match)
        kind = self.index.kind_of(found) if found is not None else None
        if found is None or kind != row.kind:
            what = "not in the graph" if kind is None else f"a {kind}, not a {row.kind}"
            self._issue(
                row,
                "match",
                f"{match} is {what}; write new, leave it empty, or name an existing {row.kind}",
            )
            self.failed.add(row.id)
            return URIRef("")
        self.decisions[row.id] = Decision(Verdict.REUSE, found, reason="match column")
        self._assign(row, found, new=False)
        return found

    def _duplicate(self, row: Row, within: URIRef | None, *, within_new: bool) -> str:
        """Why a row marked ``new`` would duplicate an entity, or "" when it would not.

        A region, organization or product of the same kind, with the same name (in any spelling)
        in the same place, created by an earlier row of this sheet, or already in the graph
        (before this run, or by an earlier sheet of it). Officials are exempt: two people may
        share a name and a place.
        """
        if row.kind == "official":
            return ""
        names = [name for name in (row["name_en"], row["name_zh"], *row.values("alt")) if name]
        keys = frozenset().union(*(name_keys(name) for name in names))
        for other in self.sheet.of_kind(row.kind):
            if other is row or other.id not in self.new or other["within"] != row["within"]:
                continue
            theirs = [other["name_en"], other["name_zh"], *other.values("alt")]
            if any(keys & name_keys(name) for name in theirs if name):
                return (
                    f"'{names[0]}' is new here, but row {other.number} of this sheet already "
                    f"creates it ({curie(self.iris[other.id])}): give it one row, or refer to "
                    f"'{other.id}'"
                )
        if within_new:
            return ""
        for entity, score in self.index.scored(row.kind, names):
            if score >= EXACT and self._same_place(row.kind, entity, within):
                return (
                    f"'{names[0]}' is marked new, but the graph already holds "
                    f"{curie(entity.iri)} ({entity.label}) in the same place: write "
                    f"{curie(entity.iri)} in match to reuse it"
                )
        return ""

    def _same_place(self, kind: str, entity: Entity, within: URIRef | None) -> bool:
        """Whether ``entity`` lies in (is based in, comes from) ``within``, or either has no
        place to compare."""
        if kind == "organization":
            places = {URIRef(str(p)) for p in self.graph.objects(entity.iri, OKG.basedIn)}
        else:
            places = set(entity.context)
        return within is None or not places or within in places

    def _within(self, row: Row) -> tuple[URIRef | None, bool]:
        """The resolved ``within`` of a row and whether it is new."""
        value = row["within"]
        if not value:
            return None, False
        iri = self.ref(row, "within", value)
        return (None, True) if self.is_new_ref(value) else (iri, False)

    def _broadcast(self, row: Row) -> None:
        match = row["match"]
        if match and match != "new":
            iri = expand_curie(match)
            if iri is None or self.index.kind_of(iri) != "broadcast":
                self._issue(row, "match", f"{match} is not a broadcast of the graph")
                return
            self._assign(row, iri, new=False)
            return
        iri = iri_of("broadcast", row.id)
        if iri in self.taken:
            self._issue(
                row,
                "id",
                f"broadcast:{row.id} already exists: put broadcast:{row.id} in match "
                "to confirm it, or change the id",
            )
            return
        self._assign(row, iri, new=True)

    def _claim(self, row: Row) -> None:
        iri = iri_of(NAMESPACE[row.kind], row.id)
        if iri in self.taken:
            self._issue(
                row,
                "id",
                f"{NAMESPACE[row.kind]}:{row.id} already exists; give this {row.kind} another id",
            )
            return
        if row.kind == "aggregate" and iri_of("figure", row.id) in self.taken:
            self._issue(
                row, "id", f"figure:{row.id} already exists; give this aggregate another id"
            )
            return
        self._assign(row, iri, new=True)

    def _fresh(self, row: Row, within: URIRef | None) -> URIRef:
        """A new IRI from the row's id, never colliding: id, then id-{parent}, then id-2, …"""
        namespace = NAMESPACE[row.kind]
        slugs = [row.id]
        if within is not None:
            slugs.append(f"{row.id}-{slug_of(within)[1]}")
        elif row["within"] in self.iris:
            slugs.append(f"{row.id}-{slug_of(self.iris[row['within']])[1]}")
        slugs.extend(f"{row.id}-{n}" for n in range(2, 100))
        return next(iri_of(namespace, s) for s in slugs if iri_of(namespace, s) not in self.taken)

    def _assign(self, row: Row, iri: URIRef, *, new: bool) -> None:
        self.iris[row.id] = iri
        self.taken.add(iri)
        if new:
            self.new.add(row.id)

    # --- platforms (a name, an id or a CURIE) -------------------------------------------------
    def platform(
        self, row: Row, column: str = "platform", *, value: str | None = None
    ) -> URIRef | None:
        """The organization a platform cell (or one ``value`` of it) names: reconciled, else a
        new okg:Platform."""
        value = row[column] if value is None else value
        if value in self.rows or expand_curie(value) is not None:
            return self.ref(row, column, value)
        if value in self.platforms:
            return self.platforms[value]
        own = self._organization_row_named(value)
        if own is not None:
            return self.iris.get(own.id)
        decision = decide(self.index, "organization", [value])
        if decision.verdict is Verdict.UNSURE:
            options = "; ".join(f"{curie(c.iri)} ({c.label})" for c in decision.candidates)
            self._issue(
                row, column, f"'{value}' may be {options}: write the CURIE of the right one"
            )
            return None
        iri = decision.iri if decision.iri is not None else self._fresh_platform(value)
        self.platforms[value] = iri
        return iri

    def _organization_row_named(self, name: str) -> Row | None:
        """This sheet's organization row with that name (in any spelling), if there is one."""
        keys = name_keys(name)
        for row in self.sheet.of_kind("organization"):
            names = [row["name_en"], row["name_zh"], *row.values("alt")]
            if any(keys & name_keys(other) for other in names if other):
                return row
        return None

    def _fresh_platform(self, name: str) -> URIRef:
        slug = vocab.slugify(name) or "platform"
        candidates = [slug, *(f"{slug}-{n}" for n in range(2, 100))]
        iri = next(
            iri_of("organization", s)
            for s in candidates
            if iri_of("organization", s) not in self.taken
        )
        self.taken.add(iri)
        self.new_platforms[iri] = name
        return iri

    def speaker(self, row: Row) -> URIRef | None:
        """A statement's speaker: a reference, or a name reconciled among officials and bodies."""
        value = row["speaker"]
        if value in self.rows or expand_curie(value) is not None:
            return self.ref(row, "speaker", value)
        for kind in ("official", "organization"):
            decision = decide(self.index, kind, [value])
            if decision.verdict is Verdict.REUSE:
                return decision.iri
        self._issue(
            row,
            "speaker",
            f"'{value}' is not a row of this sheet nor a confident match in the graph; "
            "add an official row or write its CURIE",
        )
        return None

    def _issue(self, row: Row, column: str, message: str) -> None:
        self.issues.append(Issue(row.number, column, message))


def curie(iri: URIRef) -> str:
    """``region:hubei`` for one of our IRIs, else the IRI."""
    if not str(iri).startswith(str(ID)):
        return str(iri)
    namespace, slug = slug_of(iri)
    return f"{namespace}:{slug}"


def write_candidates(sheet: Sheet, unsure: dict[int, Decision]) -> None:
    """Fill the ``match`` cell of each unsure row with its candidates (``?region:a; ?region:b``)."""
    for row in sheet.rows:
        decision = unsure.get(row.number)
        if decision is not None:
            row.cells["match"] = "; ".join(
                CANDIDATE_MARK + curie(c.iri) for c in decision.candidates
            )
