"""Turn a resolved sheet into triples: entities, claims, figures, offices and evidence nodes.

The evidence contract (docs/sheet-format.md): each claim row gets
``evidence:{claim-kind}-{claim-slug}--{source-slug}`` with ``okg:source``, ``okg:locator`` and the
passage as ``okg:paraphrase`` (an external source, our words) or ``okg:quote`` (a held source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.curation import vocab
from kg.curation.reconcile import GraphIndex, best_label, keys_of
from kg.curation.resolve import Resolver, iri_of, slug_of
from kg.curation.sheet import Issue, Row, parse_date
from kg.namespaces import OKG, SCHEMA
from kg.search.variants import has_han, name_keys, simplified

HELD_PREFIX = "sources/"


def text(value: str, lang: str | None = None) -> Literal:
    """A language-tagged text: ``lang`` when given, else zh for Chinese script, en otherwise."""
    return Literal(value, lang=lang or ("zh" if has_han(value) else "en"))


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


@dataclass
class Builder:
    """Collects the triples a sheet adds (``graph``) and which row each subject comes from."""

    resolver: Resolver
    ontology: Graph
    sources_dir: Path
    graph: Graph = field(default_factory=Graph)
    rows_of: dict[URIRef, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index: GraphIndex = self.resolver.index
        self.existing = self.resolver.graph
        self.source_row = self.resolver.sheet.source
        self.source = self.resolver.iris[self.source_row.id]
        url = self.source_row["url"]
        self.held_file = url[len(HELD_PREFIX) :] if url.startswith(HELD_PREFIX) else ""
        self.held = bool(self.held_file)
        self._held_text: str | None = None
        self.bodies = Bodies(self)

    def build(self) -> Graph:
        """Every row's triples (the resolver must have run without issues), kind by kind."""
        handlers = {
            "source": self._source,
            "region": self._region,
            "organization": self._organization,
            "product": self._product,
            "official": self._official,
            "broadcast": self._broadcast,
            "figure": self._figure,
            "statement": self._statement,
            "aggregate": self._aggregate,
        }
        # Entities before the claims that name them, parents first (the resolver's order): a
        # body an official's office needs is then found among the sheet's own organizations.
        for kind in handlers:
            for row in self.resolver.sheet.of_kind(kind):
                handlers[kind](row)
        for iri, name in self.resolver.new_platforms.items():
            self.add(iri, RDF.type, OKG.Platform)
            self.add(iri, RDFS.label, text(name))
        return self.graph

    # --- helpers ------------------------------------------------------------------------------
    def add(self, subject: URIRef, predicate: URIRef, obj: Node, row: Row | None = None) -> None:
        self.graph.add((subject, predicate, obj))
        if row is not None:
            self.rows_of.setdefault(subject, row.number)

    def iri(self, row: Row) -> URIRef:
        return self.resolver.iris[row.id]

    def is_new(self, row: Row) -> bool:
        return row.id in self.resolver.new

    def refs(self, row: Row, column: str) -> list[URIRef]:
        found = (self.resolver.ref(row, column, value) for value in row.values(column))
        return [iri for iri in found if iri is not None]

    def ref(self, row: Row, column: str) -> URIRef | None:
        return self.resolver.ref(row, column, row[column]) if row[column] else None

    def label_of(self, iri: URIRef) -> str:
        """An entity's English label, from this sheet's triples or the graph."""
        if iri in self.resolver.new_platforms:
            return self.resolver.new_platforms[iri]
        for graph in (self.graph, self.existing):
            for label in graph.objects(iri, RDFS.label):
                if isinstance(label, Literal) and label.language == "en":
                    return str(label)
        return best_label(self.existing, iri)

    def term_label(self, term: URIRef, *, plural: bool = False) -> str:
        """The English (plural) label of an ontology term, else its local name."""
        predicates = (OKG.pluralLabel, RDFS.label) if plural else (RDFS.label,)
        for predicate in predicates:
            for label in self.ontology.objects(term, predicate):
                if isinstance(label, Literal) and label.language in {"en", None}:
                    return str(label)
        return str(term).rsplit("#", 1)[-1]

    def names(self, subject: URIRef, row: Row) -> None:
        """Labels of a new entity: name_en, name_zh, and the alt renderings."""
        if not row["name_en"]:
            message = f"no {row.kind} of the graph has this name: a new one needs its English name"
            self.issues.append(Issue(row.number, "name_en", message))
        if row["name_en"]:
            self.add(subject, RDFS.label, text(row["name_en"], "en"), row)
        if row["name_zh"]:
            self.add(subject, RDFS.label, text(row["name_zh"], "zh"), row)
        for alt in row.values("alt"):
            self.add(subject, SKOS.altLabel, text(alt), row)

    def more_names(self, subject: URIRef, row: Row) -> None:
        """A reused entity gains the row's ``alt`` renderings it lacks, and its Chinese name when
        it has none; a near-miss ``name_en`` (likely a typo) is not recorded."""
        have = set(keys_of(self.index.labels(subject)))
        labels = self.existing.objects(subject, RDFS.label)
        has_zh = any(isinstance(label, Literal) and label.language == "zh" for label in labels)
        if row["name_zh"] and not has_zh:
            self.add(subject, RDFS.label, text(row["name_zh"], "zh"), row)
            have |= name_keys(row["name_zh"])
        for name in row.values("alt"):
            if not name_keys(name) <= have:
                self.add(subject, SKOS.altLabel, text(name), row)
                have |= name_keys(name)

    def note(self, subject: URIRef, row: Row) -> None:
        if row["note"]:
            self.add(subject, SKOS.editorialNote, text(row["note"], "en"), row)

    def evidence(self, claim: URIRef, row: Row) -> None:
        """The evidence node of ``claim`` from this source, linked with okg:evidence."""
        namespace, slug = slug_of(claim)
        node = iri_of("evidence", f"{namespace}-{slug}--{slug_of(self.source)[1]}")
        self.add(claim, OKG.evidence, node, row)
        self.add(node, RDF.type, OKG.Evidence, row)
        self.add(node, OKG.source, self.source, row)
        self.add(node, OKG.locator, Literal(row["locator"]), row)
        passage = row["evidence"]
        if self.held:
            if not self._in_held_text(passage):
                self.issues.append(
                    Issue(
                        row.number,
                        "evidence",
                        "a held source's evidence is quoted verbatim, "
                        f"but this passage is not in sources/{self.held_file}",
                    )
                )
            self.add(node, OKG.quote, text(passage, self.source_row["language"] or None), row)
        else:
            self.add(node, OKG.paraphrase, text(passage), row)

    def _in_held_text(self, passage: str) -> bool:
        if self._held_text is None:
            path = self.sources_dir / self.held_file
            self._held_text = path.read_text(encoding="utf-8") if path.is_file() else ""
        return passage in self._held_text

    def rank(self, claim: URIRef, row: Row) -> None:
        if row["rank"]:
            self.add(claim, OKG.claimRank, vocab.term(vocab.RANKS, row["rank"]), row)
        if row["rank_reason"]:
            self.add(claim, OKG.rankReason, text(row["rank_reason"], "en"), row)

    # --- rows ---------------------------------------------------------------------------------
    def _source(self, row: Row) -> None:
        iri = self.iri(row)
        self.add(iri, RDF.type, OKG.SourceDocument, row)
        if row["type"]:
            self.add(iri, RDF.type, vocab.term(vocab.SOURCE_TYPES, row["type"]), row)
        language = row["language"]
        if row["name_en"]:
            self.add(iri, DCTERMS.title, text(row["name_en"], "en"), row)
            self.add(iri, RDFS.label, text(row["name_en"], "en"), row)
        if row["name_zh"]:
            self.add(
                iri,
                DCTERMS.title,
                # Language tags are case-insensitive; stores (Oxigraph) write them lower-case,
                # so the data does too and every copy of the graph compares equal.
                text(row["name_zh"], "zh-hant" if language == "zh-Hant" else "zh"),
                row,
            )
            if not row["name_en"]:
                self.add(iri, RDFS.label, text(row["name_zh"], "zh"), row)
        if self.held:
            if not (self.sources_dir / self.held_file).is_file():
                message = f"sources/{self.held_file} does not exist"
                self.issues.append(Issue(row.number, "url", message))
            self.add(iri, OKG.heldFile, Literal(self.held_file), row)
        elif row["url"].startswith(("http://", "https://")):
            self.add(iri, SCHEMA.url, URIRef(row["url"]), row)
        else:
            message = "give the page's URL (https://…), or sources/FILE.txt for a held source"
            self.issues.append(Issue(row.number, "url", message))
        day = parse_date(row["date"])
        if day:
            self.add(iri, DCTERMS.issued, Literal(day.isoformat(), datatype=XSD.date), row)
        self.add(iri, DCTERMS.language, URIRef(vocab.LANGUAGES[language]), row)
        original = self._original(row)
        if original is not None:
            theirs = set(self.existing.objects(original, DCTERMS.language))
            translated = bool(theirs) and URIRef(vocab.LANGUAGES[language]) not in theirs
            self.add(iri, OKG.translatedFrom if translated else OKG.copyOf, original, row)
        self.note(iri, row)

    def _original(self, row: Row) -> URIRef | None:
        value = row["copy_of"]
        if not value:
            return None
        if value.startswith(("http://", "https://")):
            for source in self.existing.subjects(SCHEMA.url, URIRef(value)):
                return URIRef(str(source))
        return self.resolver.ref(row, "copy_of", value if ":" in value else f"source:{value}")

    def _region(self, row: Row) -> None:
        iri = self.iri(row)
        if not self.is_new(row):
            self.more_names(iri, row)
            return
        self.add(iri, RDF.type, vocab.term(vocab.REGION_TYPES, row["type"]), row)
        self.names(iri, row)
        parent = self.ref(row, "within")
        if parent is not None:
            self.add(iri, OKG.locatedIn, parent, row)
        self.note(iri, row)
        self._entity_evidence(iri, row)

    def _organization(self, row: Row) -> None:
        iri = self.iri(row)
        if not self.is_new(row):
            self.more_names(iri, row)
            return
        self.add(iri, RDF.type, vocab.term(vocab.ORGANIZATION_TYPES, row["type"]), row)
        self.names(iri, row)
        place = self.ref(row, "within")
        if place is not None:
            self.add(iri, OKG.basedIn, place, row)
        self.note(iri, row)
        self._entity_evidence(iri, row)

    def _product(self, row: Row) -> None:
        iri = self.iri(row)
        if not self.is_new(row):
            self.more_names(iri, row)
            return
        self.add(iri, RDF.type, OKG.Product, row)
        self.names(iri, row)
        origin = self.ref(row, "within")
        if origin is not None:
            self.add(iri, OKG.originRegion, origin, row)
        for industry in row.values("industry"):
            concept = vocab.term(vocab.INDUSTRIES, industry)
            if (concept, RDF.type, OKG.Industry) not in self.existing:
                message = (
                    f"'{industry}' is not in the graph's industry scheme yet (data/products.ttl)"
                )
                self.issues.append(Issue(row.number, "industry", message))
            self.add(iri, OKG.inIndustry, concept, row)
        maker = self.ref(row, "company")
        if maker is not None:
            self.add(iri, OKG.madeBy, maker, row)
        self.note(iri, row)
        self._entity_evidence(iri, row)

    def _entity_evidence(self, iri: URIRef, row: Row) -> None:
        if row["evidence"] and row["locator"]:
            self.evidence(iri, row)

    def _official(self, row: Row) -> None:
        iri = self.iri(row)
        if self.is_new(row):
            self.add(iri, RDF.type, OKG.Official, row)
            self.names(iri, row)
            self.add(iri, FOAF.name, Literal(row["name_en"]), row)
            if not row["office_en"]:
                message = "a new official needs the office the source names"
                self.issues.append(Issue(row.number, "office_en", message))
        else:
            self.more_names(iri, row)
        self.note(iri, row)
        if row["office_en"]:
            tenure = self._tenure(iri, self._office(iri, row), row)
            if row["evidence"] and row["locator"]:
                self.evidence(tenure, row)
            elif row["locator"] or row["evidence"]:
                message = "an office claim needs both locator and evidence"
                self.issues.append(Issue(row.number, "evidence", message))

    def _office(self, official: URIRef, row: Row) -> URIRef:
        """The office of an official row: the same office reused, else a new one of its body."""
        body = self.bodies.body(row, self.ref(row, "within"))
        keys = name_keys(row["office_en"]) | (
            name_keys(row["office_zh"]) if row["office_zh"] else frozenset()
        )
        office, reworded = self._existing_office(official, body, keys)
        if office is not None and reworded:
            self.add(office, SKOS.altLabel, text(row["office_en"], "en"), row)
        if office is None:
            office = self._fresh(iri_of("office", vocab.slugify(row["office_en"])))
            self.add(office, RDF.type, OKG.Office, row)
            self.add(office, RDFS.label, text(row["office_en"], "en"), row)
            if row["office_zh"]:
                self.add(office, RDFS.label, text(simplified(row["office_zh"]), "zh"), row)
            if body is not None:
                self.add(office, OKG.officeOf, body, row)
        self.add(official, OKG.holdsOffice, office, row)
        self.add(office, OKG.heldBy, official, row)
        return office

    def _tenure(self, official: URIRef, office: URIRef, row: Row) -> URIRef:
        """The claim ``official`` holds ``office``: an okg:Tenure (the graph's, if it has one)."""
        for tenure in self.existing.subjects(OKG.tenureHolder, official):
            if (tenure, OKG.tenureOffice, office) in self.existing:
                return URIRef(str(tenure))
        slug = f"{slug_of(official)[1]}-{slug_of(office)[1]}"
        tenure = iri_of("tenure", slug)
        self.add(tenure, RDF.type, OKG.Tenure, row)
        label = f"{self.label_of(official)}, {self.label_of(office)}"
        self.add(tenure, RDFS.label, text(label, "en"), row)
        self.add(tenure, OKG.tenureHolder, official, row)
        self.add(tenure, OKG.tenureOffice, office, row)
        day = parse_date(row["date"])
        if day:
            self.add(tenure, OKG.startDate, Literal(day.isoformat(), datatype=XSD.date), row)
        return tenure

    def _existing_office(
        self, official: URIRef, body: URIRef | None, keys: frozenset[str]
    ) -> tuple[URIRef | None, bool]:
        """An office of the graph for this row, and whether the row words it differently.

        In order: an office the official holds with the same name; the one office the official
        holds in the same body (reworded: "Party Committee" for "CPC … Committee"); an office of
        the body with the same name (held by someone else too: there are several deputy heads).
        """
        held = sorted(self.index.offices(official))
        for office in held:
            if keys & keys_of(self.index.labels(office)):
                return office, False
        in_body = [o for o in held if body is not None and (o, OKG.officeOf, body) in self.existing]
        if len(in_body) == 1:
            return in_body[0], True
        if body is None:
            return None, False
        for graph in (self.existing, self.graph):  # the graph's offices, then this sheet's
            for found in sorted(graph.subjects(OKG.officeOf, body), key=str):
                labels = [x for x in graph.objects(found, RDFS.label) if isinstance(x, Literal)]
                if keys & keys_of(labels):
                    return URIRef(str(found)), False
        return None, False

    def _fresh(self, wanted: URIRef) -> URIRef:
        """``wanted``, or ``wanted-2``, ``-3``…: an IRI neither the graph nor this intake uses."""
        for candidate in [str(wanted), *(f"{wanted}-{n}" for n in range(2, 100))]:
            iri = URIRef(candidate)
            if iri not in self.resolver.taken and (iri, None, None) not in self.graph:
                self.resolver.taken.add(iri)
                return iri
        raise ValueError(f"no free IRI for {wanted}")

    def _broadcast(self, row: Row) -> None:
        iri = self.iri(row)
        new = self.is_new(row)
        if new:
            self.add(iri, RDF.type, OKG.Broadcast, row)
        for host in self.refs(row, "hosts"):
            self.add(iri, OKG.host, host, row)
        for product in self.refs(row, "products"):
            self.add(iri, OKG.features, product, row)
        region = self.ref(row, "region")
        if region is not None:
            self.add(iri, OKG.promotesRegion, region, row)
        platforms = [self.resolver.platform(row, value=name) for name in row.values("platform")]
        for platform in platforms:
            if platform is not None:
                self.add(iri, OKG.platform, platform, row)
        platform = next((p for p in platforms if p is not None), None)
        self._dates(iri, row)
        if new:
            self.add(
                iri,
                RDFS.label,
                text(row["name_en"] or self._broadcast_label(row, region, platform), "en"),
                row,
            )
            if row["name_zh"]:
                self.add(iri, RDFS.label, text(row["name_zh"], "zh"), row)
        self.rank(iri, row)
        if row["date_end"]:
            self.add(iri, OKG.dateBasis, text(row["note"], "en"), row)
        else:
            self.note(iri, row)
        self.evidence(iri, row)

    def _single(
        self, iri: URIRef, predicate: URIRef, value: Node | None, row: Row, column: str
    ) -> None:
        """Add a single-valued property, unless the graph holds another value (a conflict)."""
        if value is None:
            return
        held = set(self.existing.objects(iri, predicate))
        if held and value not in held:
            shown = ", ".join(str(v) for v in held)
            self.issues.append(
                Issue(
                    row.number,
                    column,
                    f"the graph says {shown}; this sheet says {value}: "
                    "a conflict to settle (rank, or a note)",
                )
            )
            return
        self.add(iri, predicate, value, row)

    def _dates(self, iri: URIRef, row: Row) -> None:
        start, end = parse_date(row["date"]), parse_date(row["date_end"])
        if start and end:
            self._single(
                iri, OKG.earliestDate, Literal(start.isoformat(), datatype=XSD.date), row, "date"
            )
            self._single(
                iri, OKG.latestDate, Literal(end.isoformat(), datatype=XSD.date), row, "date_end"
            )
        elif start:
            self._single(iri, OKG.date, Literal(start.isoformat(), datatype=XSD.date), row, "date")

    def _broadcast_label(self, row: Row, region: URIRef | None, platform: URIRef | None) -> str:
        where = (
            self.label_of(region)
            if region is not None
            else ", ".join(self.label_of(h) for h in self.refs(row, "hosts"))
        )
        label = f"{where} broadcast"
        if platform is not None:
            label += f" on {self.label_of(platform)}"
        start, end = parse_date(row["date"]), parse_date(row["date_end"])
        if start and end:
            label += f", between {long_date(start)} and {long_date(end)}"
        elif start:
            label += f", {long_date(start)}"
        return label

    def _figure(self, row: Row, owner: URIRef | None = None) -> None:
        iri = self.iri(row) if owner is None else iri_of("figure", row.id)
        owner = owner if owner is not None else self.ref(row, "of")
        self.add(iri, RDF.type, OKG.ReportedFigure, row)
        if owner is not None:
            self.add(iri, OKG.figureOf, owner, row)
            self.add(owner, OKG.reportedFigure, iri, row)
        measure = vocab.term(vocab.MEASURES, row["measure"])
        unit = vocab.term(vocab.UNITS, row["unit"])
        qualifier = vocab.term(vocab.QUALIFIERS, row["qualifier"])
        self.add(iri, OKG.measures, measure, row)
        self.add(iri, OKG.value, Literal(row["value"], datatype=XSD.decimal), row)
        self.add(iri, OKG.unit, unit, row)
        self.add(iri, OKG.qualifier, qualifier, row)
        if row["window"]:
            self.add(iri, OKG.window, Literal(row["window"], datatype=XSD.duration), row)
        if row["as_of"]:
            kind = XSD.date if parse_date(row["as_of"]) else XSD.dateTime
            self.add(iri, OKG.asOf, Literal(row["as_of"], datatype=kind), row)
        for product in self.refs(row, "products"):
            self.add(iri, OKG.aboutProduct, product, row)
        self.add(iri, OKG.statedAs, text(row["stated_as"]), row)
        owner_label = self.label_of(owner) if owner is not None else row.id
        value = f"{Decimal(row['value']):,}"
        amount = (
            f"{self.term_label(qualifier).lower()} {value} {self.term_label(unit, plural=True)}"
        )
        wording = f"{owner_label}: {self.term_label(measure)}, {amount}"
        self.add(iri, RDFS.label, text(wording, "en"), row)
        self.rank(iri, row)
        self.note(iri, row)
        self.evidence(iri, row)

    def _statement(self, row: Row) -> None:
        iri = self.iri(row)
        self.add(iri, RDF.type, OKG.Statement, row)
        speaker = self.resolver.speaker(row)
        if speaker is not None:
            self.add(iri, OKG.speaker, speaker, row)
        label = row["name_en"] or self._statement_label(row, speaker)
        self.add(iri, RDFS.label, text(label, "en"), row)
        if row["name_zh"]:
            self.add(iri, RDFS.label, text(row["name_zh"], "zh"), row)
        self.add(iri, OKG.summary, text(row["evidence"]), row)
        said_in = self.ref(row, "of")
        if said_in is not None:
            self.add(iri, OKG.statedIn, said_in, row)
        self.note(iri, row)
        self.evidence(iri, row)

    def _statement_label(self, row: Row, speaker: URIRef | None) -> str:
        who = self.label_of(speaker) if speaker is not None else row["speaker"]
        day = parse_date(row["date"])
        return f"Statement by {who}" + (f", {long_date(day)}" if day else f" ({row.id})")

    def _aggregate(self, row: Row) -> None:
        iri = self.iri(row)
        self.add(iri, RDF.type, OKG.AggregateReport, row)
        publisher = None
        if row["platform"]:
            publisher = self.resolver.platform(row)
        elif row["speaker"]:
            publisher = self.resolver.ref(row, "speaker", row["speaker"])
        if publisher is not None:
            self.add(iri, OKG.publishedBy, publisher, row)
        region = self.ref(row, "region")
        if region is not None:
            self.add(iri, OKG.aboutRegion, region, row)
        if row["date"] or row["date_end"]:
            # The period covered: an ISO 8601 interval ("2020-05-01/2020-05-05", "../2020-06-01").
            period = f"{row['date'] or '..'}/{row['date_end'] or '..'}"
            self.add(iri, DCTERMS.temporal, Literal(period), row)
        label = row["name_en"] or self._aggregate_label(row, publisher)
        self.add(iri, RDFS.label, text(label, "en"), row)
        self.rank(iri, row)
        self.evidence(iri, row)
        self._figure(row, owner=iri)

    def _aggregate_label(self, row: Row, publisher: URIRef | None) -> str:
        who = self.label_of(publisher) if publisher is not None else "Report"
        label = f"{who} data: {self.term_label(vocab.term(vocab.MEASURES, row['measure']))}"
        return label + (f", as of {row['as_of']}" if row["as_of"] else "")


# Offices belong to a government or party body (okg:officeOf), not to a region.
PARTY_WORDS = re.compile(r"secretary|party|\bcpc\b|committee", re.IGNORECASE)
PARTY_WORDS_ZH = re.compile(r"书记|党委|党工委|委员会|常委")
LEVELS = {
    OKG.City: "Municipal",
    OKG.CountyLevelCity: "Municipal",
    OKG.Municipality: "Municipal",
    OKG.Province: "Provincial",
}
SELF_NAMED = ("County", "District", "Town", "Township", "Village", "Region", "Area")


def body_name(region_label: str, region_classes: set[URIRef], *, party: bool) -> str:
    """The body of a region's offices, named as the graph names them: "Zigui County People's
    Government", "Wuhan Municipal People's Government", "CPC Qianjiang Municipal Committee"."""
    base = region_label.removesuffix(" Province")
    if not region_label.endswith(SELF_NAMED):
        level = next((LEVELS[c] for c in region_classes if c in LEVELS), "")
        base = f"{base} {level}".strip()
    return f"CPC {base} Committee" if party else f"{base} People's Government"


class Bodies:
    """Finds (or creates) the government or party body of an office stated by its region."""

    def __init__(self, builder: Builder):
        self.builder = builder

    def body(self, row: Row, place: URIRef | None) -> URIRef | None:
        """``place`` itself when it is a body; for a region, its party committee (a secretary's
        or committee member's office) or its people's government."""
        if place is None or self._is_body(place):
            return place
        party = bool(
            PARTY_WORDS.search(row["office_en"]) or PARTY_WORDS_ZH.search(row["office_zh"])
        )
        graphs = (self.builder.existing, self.builder.graph)
        classes = {URIRef(str(c)) for g in graphs for c in g.objects(place, RDF.type)}
        name = body_name(self.builder.label_of(place), classes, party=party)
        found = self._based_in(place, name)
        return found if found is not None else self._create(row, place, name)

    def _is_body(self, iri: URIRef) -> bool:
        graphs = (self.builder.existing, self.builder.graph)
        return any((iri, RDF.type, OKG.GovernmentBody) in g for g in graphs)

    def _based_in(self, place: URIRef, name: str) -> URIRef | None:
        keys = name_keys(name)
        for graph in (self.builder.existing, self.builder.graph):
            for body in graph.subjects(OKG.basedIn, place):
                labels = [
                    label for label in graph.objects(body, RDFS.label) if isinstance(label, Literal)
                ]
                if self._is_body(URIRef(str(body))) and keys & keys_of(labels):
                    return URIRef(str(body))
        return None

    def _create(self, row: Row, place: URIRef, name: str) -> URIRef:
        body = self.builder._fresh(iri_of("organization", vocab.slugify(name)))
        self.builder.add(body, RDF.type, OKG.GovernmentBody, row)
        self.builder.add(body, RDFS.label, text(name, "en"), row)
        self.builder.add(body, OKG.basedIn, place, row)
        return body
