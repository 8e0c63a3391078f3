"""The canonical Turtle layout of ``data/``: one form per graph, so a diff shows only real changes.

Layout: the file's header comment; a fixed prefix block (then any other prefix the file declares);
then its sections, each a heading comment (lines with a ``# ===`` or ``# ---`` rule) and the blocks
of its subjects sorted by IRI. One block per subject, predicates in :data:`PREDICATE_ORDER` (then
by IRI), objects sorted, a line per object when they do not fit in :data:`WIDTH` columns.
Comments stay with the subject (or the predicate line) they were written above.
Blank nodes are refused: the data has none, so set comparison of two versions is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.namespaces import ID, OKG, ORG, SCHEMA

WIDTH = 100
INDENT = "    "

# The fixed prefix block of every data file, in this order.
DATA_PREFIXES: tuple[tuple[str, str], ...] = (
    ("okg", str(OKG)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("owl", str(OWL)),
    ("xsd", str(XSD)),
    ("skos", str(SKOS)),
    ("dcterms", str(DCTERMS)),
    ("prov", str(PROV)),
    ("foaf", str(FOAF)),
    ("schema", str(SCHEMA)),
    ("org", str(ORG)),
    *(
        (name, str(ID[name + "/"]))
        for name in (
            "source",
            "person",
            "region",
            "organization",
            "official",
            "office",
            "brand",
            "product",
            "industry",
            "broadcast",
            "figure",
            "statement",
            "report",
            "purchase",
            "fact",
            "evidence",
            "tenure",
            "attraction",
        )
    ),
)

PREDICATE_ORDER: tuple[URIRef, ...] = (
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    OKG.pluralLabel,
    FOAF.name,
    DCTERMS.title,
    DCTERMS.identifier,
    SCHEMA.url,
    DCTERMS.issued,
    DCTERMS.language,
    DCTERMS.publisher,
    SCHEMA.author,
    OKG.isMachineTranslation,
    OKG.translatedFrom,
    OKG.copyOf,
    OKG.heldFile,
    OKG.locatedIn,
    OKG.basedIn,
    ORG.subOrganizationOf,
    OKG.holdsOffice,
    OKG.officeOf,
    OKG.heldBy,
    OKG.rank,
    OKG.tenureHolder,
    OKG.tenureOffice,
    OKG.startDate,
    OKG.madeBy,
    OKG.brand,
    OKG.brandOf,
    OKG.inIndustry,
    OKG.originRegion,
    SKOS.broader,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.hasTopConcept,
    SKOS.definition,
    OKG.host,
    OKG.participants,
    OKG.platform,
    OKG.features,
    OKG.featuredCompany,
    OKG.promotesRegion,
    OKG.date,
    OKG.earliestDate,
    OKG.latestDate,
    OKG.dateDescription,
    OKG.dateBasis,
    OKG.duration,
    OKG.placedDuring,
    OKG.orderedProduct,
    OKG.buyer,
    OKG.orderedFrom,
    OKG.intendedUse,
    OKG.figureOf,
    OKG.measures,
    OKG.value,
    OKG.unit,
    OKG.qualifier,
    OKG.window,
    OKG.asOf,
    OKG.statedAs,
    OKG.aboutProduct,
    OKG.publishedBy,
    OKG.speaker,
    OKG.statedIn,
    OKG.statedAt,
    OKG.aboutRegion,
    OKG.aboutIndustry,
    OKG.mentions,
    OKG.summary,
    DCTERMS.temporal,
    DCTERMS.description,
    RDFS.comment,
    OKG.reportedFigure,
    OKG.claimRank,
    OKG.rankReason,
    OKG.source,
    OKG.locator,
    OKG.quote,
    OKG.paraphrase,
    PROV.wasDerivedFrom,
    OKG.supportingText,
    OKG.evidence,
    SKOS.editorialNote,
)
_PREDICATE_RANK = {predicate: rank for rank, predicate in enumerate(PREDICATE_ORDER)}

PREFIX_LINE = re.compile(
    r"^\s*(?:@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.|PREFIX\s+([\w-]*):\s*<([^>]*)>)"
)
SUBJECT_TOKEN = re.compile(r"^(<[^>]*>|[A-Za-z][\w-]*:[^\s;,]*|:[^\s;,]*)")
RULE = re.compile(r"^#\s*(?:={3,}|-{3,})")
PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


class FormatError(Exception):
    """The file cannot be put in canonical form (a blank node, a subject we cannot place)."""


@dataclass
class Section:
    """A run of subject blocks under one heading comment (possibly none)."""

    heading: list[str] = field(default_factory=list)
    subjects: list[URIRef] = field(default_factory=list)


@dataclass
class Layout:
    """Where a file's comments and subjects go: all that a graph does not hold."""

    header: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    leading: dict[URIRef, list[str]] = field(default_factory=dict)
    inner: dict[tuple[URIRef, URIRef], list[str]] = field(default_factory=dict)
    trailer: list[str] = field(default_factory=list)

    def placed(self) -> set[URIRef]:
        """Every subject that already has a place in a section."""
        return {subject for section in self.sections for subject in section.subjects}


def expand(token: str, prefixes: dict[str, str]) -> URIRef:
    """The IRI of a Turtle IRI token (``<…>`` or ``prefix:local``)."""
    if token.startswith("<"):
        return URIRef(token[1:-1])
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        raise FormatError(f"undeclared prefix {prefix!r} in {token!r}")
    return URIRef(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))


def _split_heading(comments: list[str]) -> tuple[list[str], list[str]]:
    """Split a comment run into its section heading (up to the last rule line) and the rest."""
    rules = [index for index, line in enumerate(comments) if RULE.match(line.strip())]
    if not rules:
        return [], comments
    last = rules[-1]
    # A single rule line is a one-line heading ("# --- Hubei ----").
    return comments[: last + 1], comments[last + 1 :]


def _count_long_quotes(code: str) -> int:
    return code.count('"""') + code.count("'''")


def read_layout(text: str) -> Layout:
    """The layout of a Turtle file: header, prefixes, sections, comments and where they belong."""
    scanner = _Scanner()
    for raw in text.splitlines():
        scanner.line(raw)
    return scanner.finish()


class _Scanner:
    """Reads a Turtle file line by line, attaching each comment run to what follows it."""

    def __init__(self) -> None:
        self.layout = Layout()
        self.pending: list[str] = []
        self.subject: URIRef | None = None
        self.predicate: URIRef | None = None
        self.in_long = False  # inside a triple-quoted string spanning lines
        self.seen_code = False

    def line(self, raw: str) -> None:
        line = raw.rstrip()
        stripped = line.strip()
        if self.in_long:
            self.in_long = _count_long_quotes(line) % 2 == 0
        elif stripped.startswith("#"):
            self.pending.append(stripped)
        elif not stripped:
            if not self.seen_code and self.pending:
                self.layout.header.extend([*self.pending, ""])
                self.pending = []
        elif PREFIX_LINE.match(line):
            self._prefix(PREFIX_LINE.match(line))
        else:
            self.seen_code = True
            if raw[0].isspace():
                self._continuation(stripped)
            else:
                self._subject(stripped, raw)
            self.pending = []
            self.in_long = _count_long_quotes(line) % 2 == 1

    def _prefix(self, match: re.Match[str] | None) -> None:
        assert match is not None
        name, iri = (match.group(1), match.group(2)) if match.group(2) else match.group(3, 4)
        self.layout.prefixes[name] = iri
        if not self.seen_code:
            self.layout.header.extend(self.pending)
            self.pending = []
        self.seen_code = True

    def _subject(self, stripped: str, raw: str) -> None:
        token = SUBJECT_TOKEN.match(stripped)
        if token is None:
            raise FormatError(f"cannot read the subject of line {raw!r}")
        self.subject = expand(token.group(1), self.layout.prefixes)
        heading, leading = _split_heading(self.pending)
        if heading or not self.layout.sections:
            self.layout.sections.append(Section(heading))
        if self.subject not in self.layout.placed():
            self.layout.sections[-1].subjects.append(self.subject)
        if leading:
            self.layout.leading.setdefault(self.subject, []).extend(leading)
        self.predicate = _predicate_of(stripped[token.end() :].strip(), self.layout.prefixes)

    def _continuation(self, stripped: str) -> None:
        self.predicate = _predicate_of(stripped, self.layout.prefixes) or self.predicate
        if not self.pending or self.subject is None:
            return
        if self.predicate is not None:
            self.layout.inner.setdefault((self.subject, self.predicate), []).extend(self.pending)
        else:
            self.layout.leading.setdefault(self.subject, []).extend(self.pending)

    def finish(self) -> Layout:
        self.layout.header = _trim_blank(self.layout.header)
        self.layout.trailer = self.pending
        return self.layout


def _predicate_of(code: str, prefixes: dict[str, str]) -> URIRef | None:
    """The predicate a line of a block starts with, if it starts with one."""
    if code == "a" or code.startswith("a "):
        return URIRef(RDF.type)
    token = SUBJECT_TOKEN.match(code)
    if token is None or code.startswith('"'):
        return None
    try:
        return expand(token.group(1), prefixes)
    except FormatError:
        return None


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines.pop()
    return lines


class Writer:
    """Renders terms and blocks with one prefix map."""

    def __init__(self, prefixes: Sequence[tuple[str, str]], *, blank_nodes: bool = False):
        self.prefixes = list(prefixes)
        self.blank_nodes = blank_nodes  # dumps of the ontology have them; data files must not
        # Longest namespace first, so id/source/ wins over id/.
        self._by_length = sorted(self.prefixes, key=lambda item: -len(item[1]))

    def term(self, node: Node) -> str:
        """One term in Turtle syntax."""
        if isinstance(node, BNode):
            if self.blank_nodes:
                return f"_:{node}"
            raise FormatError("blank nodes are not allowed in data files: give the node an IRI")
        if isinstance(node, Literal):
            return self.literal(node)
        return self.iri(URIRef(str(node)))

    def iri(self, iri: URIRef) -> str:
        """A prefixed name where one fits, else ``<iri>``."""
        if iri == RDF.type:
            return "a"
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if local and PN_LOCAL.match(local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def literal(self, literal: Literal) -> str:
        """A literal: quoted text with its language, or ``"lex"^^datatype`` (booleans bare)."""
        text = _quote(str(literal))
        if literal.language:
            return f"{text}@{literal.language}"
        if literal.datatype is None or literal.datatype == XSD.string:
            return text
        if literal.datatype == XSD.boolean and str(literal) in {"true", "false"}:
            return str(literal)
        return f"{text}^^{self.iri(URIRef(literal.datatype))}"

    def block(self, graph: Graph, subject: Node, layout: Layout) -> list[str]:
        """The lines of one subject's block, with its leading and inner comments."""
        lines = list(layout.leading.get(URIRef(str(subject)), []))
        predicates = sorted(set(graph.predicates(subject, None)), key=predicate_key)
        head = self.term(subject)
        for index, predicate in enumerate(predicates):
            objects = sorted(self.term(obj) for obj in graph.objects(subject, predicate))
            end = " ." if index == len(predicates) - 1 else " ;"
            comments = layout.inner.get((URIRef(str(subject)), URIRef(str(predicate))), [])
            lines.extend(comment if index == 0 else INDENT + comment for comment in comments)
            lead = head if index == 0 else ""
            lines.extend(self._statement(lead, URIRef(str(predicate)), objects, end))
        return lines

    def _statement(self, head: str, predicate: URIRef, objects: list[str], end: str) -> list[str]:
        lead = f"{head} " if head else INDENT
        start = f"{lead}{self.iri(predicate)} "
        single = start + " , ".join(objects) + end
        if len(single) <= WIDTH or len(objects) == 1:
            return [single]
        lines = [start + objects[0] + " ,"]
        for position, obj in enumerate(objects[1:], start=2):
            lines.append(INDENT * 2 + obj + (end if position == len(objects) else " ,"))
        return lines


def predicate_key(predicate: Node) -> tuple[int, str]:
    """The canonical position of a predicate: its rank in the table, then its IRI."""
    return (_PREDICATE_RANK.get(URIRef(str(predicate)), len(PREDICATE_ORDER)), str(predicate))


def _quote(value: str) -> str:
    """Quote a string: long quotes when it holds a newline or a double quote, else short ones."""
    escaped = value.replace("\\", "\\\\")
    if "\n" in value or '"' in value:
        escaped = escaped.replace('"""', '\\"\\"\\"')
        if escaped.endswith('"') and not escaped.endswith('\\"'):
            escaped = escaped[:-1] + '\\"'
        return f'"""{escaped}"""'
    return '"' + escaped.replace("\r", "\\r") + '"'


def prefix_block(layout: Layout) -> list[tuple[str, str]]:
    """The fixed prefixes, then any other the file declares (sorted by name)."""
    fixed = dict(DATA_PREFIXES)
    extra = sorted((name, iri) for name, iri in layout.prefixes.items() if name not in fixed)
    return [*DATA_PREFIXES, *extra]


def render(graph: Graph, layout: Layout, extra: Iterable[Section] = ()) -> str:
    """The canonical text of ``graph`` laid out by ``layout`` (then the ``extra`` sections).

    A subject of the graph that no section places goes to a last, unheaded section.
    """
    writer = Writer(prefix_block(layout))
    sections = [*layout.sections, *extra]
    placed = {subject for section in sections for subject in section.subjects}
    subjects = {URIRef(str(node)) for node in graph.subjects() if isinstance(node, URIRef)}
    if any(isinstance(node, BNode) for node in graph.subjects()):
        raise FormatError("blank nodes are not allowed in data files: give the node an IRI")
    orphans = sorted(subjects - placed)
    if orphans:
        sections.append(Section([], orphans))
    parts: list[str] = []
    if layout.header:
        parts.append("\n".join(layout.header) + "\n")
    parts.append("".join(f"@prefix {name}: <{iri}> .\n" for name, iri in writer.prefixes))
    for section in sections:
        chunk = _render_section(graph, section, layout, writer, subjects)
        if chunk:
            parts.append(chunk)
    if layout.trailer:
        parts.append("\n".join(layout.trailer) + "\n")
    return "\n".join(parts)


def _render_section(
    graph: Graph, section: Section, layout: Layout, writer: Writer, present: set[URIRef]
) -> str:
    """A section's heading and its blocks, a blank line apart; empty when it has no subject left."""
    blocks = [
        "\n".join(writer.block(graph, subject, layout)) + "\n"
        for subject in sorted(set(section.subjects) & present, key=lambda s: anchor_key(graph, s))
    ]
    if not blocks:
        return ""
    heading = "".join(line + "\n" for line in section.heading)
    return heading + "\n".join(blocks)


def owner(graph: Graph, subject: URIRef) -> URIRef | None:
    """The subject a block belongs after: an evidence node's claim, a figure's broadcast or
    report, a tenure's holder, an office's one holder."""
    for claim in graph.subjects(OKG.evidence, subject):
        return URIRef(str(claim))
    for target in graph.objects(subject, OKG.figureOf):
        return URIRef(str(target))
    for holder in graph.objects(subject, OKG.tenureHolder):
        return URIRef(str(holder))
    holders = list(graph.objects(subject, OKG.heldBy))
    return URIRef(str(holders[0])) if len(holders) == 1 else None


def anchor_key(graph: Graph, subject: URIRef) -> tuple[str, ...]:
    """The sort key of a block: its owners' IRIs from the top, then its own (so a broadcast is
    followed by its evidence and its figures, each figure by its evidence)."""
    chain = [str(subject)]
    current: URIRef | None = subject
    for _ in range(4):
        current = owner(graph, current) if current is not None else None
        if current is None or str(current) in chain:
            break
        chain.append(str(current))
    return tuple(reversed(chain))


def format_turtle(text: str) -> str:
    """The canonical form of one Turtle file's text."""
    graph = Graph().parse(data=text, format="turtle")
    return render(graph, read_layout(text))
