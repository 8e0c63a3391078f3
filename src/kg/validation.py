"""SHACL validation of the graph: a small report object with text, JSON and Turtle renderings.

The data graph handed to pySHACL is the union of the ontology and the data files, so ``sh:class``
and ``sh:targetClass`` follow ``rdfs:subClassOf`` through the ontology (SHACL §2.1.3.2, §4.1.1)
without any inference. RDFS inference is deliberately off: range entailments would make every
``sh:class`` check on a linked node succeed trivially, and it adds about 40 % to the run time.
Each result names the data file(s) its focus node is described in, via one graph per file.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.config import PROJECT_ROOT, Settings
from kg.loading import SourceFile, display_path, read_sources, union_graph
from kg.namespaces import OKG, PREFIXES, SH, bind_prefixes

SEVERITIES: dict[URIRef, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES.values())}
SHAPES_PREFIX = ("okgsh", "https://w3id.org/officials-kg/shapes#")
OKGSH = URIRef(SHAPES_PREFIX[1])
HELD_DIR = PROJECT_ROOT / "sources"  # the texts of the sources the project holds (okg:heldFile)


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, in terms a curator can act on (IRIs in full, files as paths)."""

    severity: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str
    constraint: str
    files: tuple[str, ...] = ()

    def sort_key(self) -> tuple[tuple[str, ...], int, str, str]:
        """Order by file, then severity, focus node and path."""
        return (self.files, SEVERITY_RANK.get(self.severity, 9), self.focus_node, self.path or "")


@dataclass
class ValidationReport:
    """The outcome of one validation: its results and what was validated."""

    results: list[ValidationResult]
    graph: Graph = field(repr=False)
    files: int = 0
    triples: int = 0
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        """True unless a result has severity Violation (warnings and infos are allowed)."""
        return not any(result.severity == "Violation" for result in self.results)

    def counts(self) -> dict[str, int]:
        """The number of results per severity, every severity present (possibly 0)."""
        counted = Counter(result.severity for result in self.results)
        return {name: counted.get(name, 0) for name in SEVERITIES.values()}

    def render(self, fmt: str) -> str:
        """The report as ``text``, ``json`` or ``turtle`` (a SHACL ``sh:ValidationReport``)."""
        try:
            renderer = RENDERERS[fmt]
        except KeyError:
            known = ", ".join(FORMATS)
            raise ValueError(f"unknown report format {fmt!r}; one of {known}") from None
        return renderer(self)


class ShapesError(Exception):
    """The shapes themselves are malformed (pySHACL refuses to load them)."""


def validate(settings: Settings) -> ValidationReport:
    """Parse ontology, data and shapes named by ``settings`` and validate the data."""
    ontology = read_sources([settings.ontology_dir])
    data = read_sources([settings.data_dir])
    return validate_sources(data, ontology, shapes_graph(settings.shapes_dir))


def validate_sources(
    data: Sequence[SourceFile],
    ontology: Sequence[SourceFile],
    shapes: Graph,
    held_dir: Path = HELD_DIR,
) -> ValidationReport:
    """Validate the union of ``data`` and ``ontology`` against ``shapes``.

    Besides SHACL, every ``okg:quote`` is checked against the held text of its source (a file
    in ``held_dir``); a failure is reported as a result of ``okgsh:HeldQuoteShape``.
    """
    started = time.perf_counter()
    graph = union_graph([*ontology, *data])
    results_graph = run_shacl(graph, shapes)
    for node in quote_failures(graph, held_dir):
        add_result(results_graph, node)
    files = FileIndex([*data, *ontology])
    results = sorted(
        (result_from(results_graph, node, shapes, files) for node in _result_nodes(results_graph)),
        key=ValidationResult.sort_key,
    )
    elapsed = time.perf_counter() - started
    count = len(data) + len(ontology)
    return ValidationReport(results, results_graph, count, len(graph), elapsed)


class PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL runs an ``sh:sparql`` constraint once per focus node with the same text (``$this`` is
    bound, not substituted); rdflib would re-parse it every time, which is most of the cost.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def run_shacl(graph: Graph, shapes: Graph) -> Graph:
    """Run pySHACL in place on ``graph`` (no copy, no inference); return the results graph."""
    data = PreparedQueryGraph()
    data += graph
    try:
        _, results_graph, _ = pyshacl_validate(
            data,
            shacl_graph=shapes,
            inference="none",
            inplace=True,
            allow_warnings=True,
            advanced=True,
        )
    except Exception as error:  # pySHACL raises several types for malformed shapes
        raise ShapesError(f"the SHACL shapes cannot be used: {error}") from error
    if not isinstance(results_graph, Graph):  # pySHACL returns a ValidationFailure for some
        raise ShapesError(f"the SHACL shapes cannot be used: {results_graph}")
    bind_prefixes(results_graph)
    results_graph.bind(*SHAPES_PREFIX)
    return results_graph


@dataclass(frozen=True)
class QuoteFailure:
    """An ``okg:quote`` of ``evidence`` that its source's held text does not contain."""

    evidence: Node
    quote: Literal
    message: str


def quote_failures(graph: Graph, held_dir: Path) -> list[QuoteFailure]:
    """Every quote that is not an exact substring of the held text of its evidence's source.

    Quotes of a source without ``okg:heldFile`` are left to the shapes (they ask for a
    paraphrase instead).
    """
    texts: dict[str, str | None] = {}
    failures = []
    for evidence, quote in sorted(graph.subject_objects(OKG.quote)):
        if not isinstance(quote, Literal):
            continue
        for source in graph.objects(evidence, OKG.source):
            held = graph.value(source, OKG.heldFile)
            if held is None:
                continue
            name = Path(str(held)).name
            if name not in texts:
                path = held_dir / name
                texts[name] = path.read_text(encoding="utf-8") if path.is_file() else None
            text = texts[name]
            if text is None:
                reason = f"its held file sources/{name} does not exist"
            elif str(quote) in text:
                continue
            else:
                reason = f"it is not an exact substring of sources/{name}"
            message = f"okg:quote of evidence from <{source}>: {reason}. Quote the text verbatim."
            failures.append(QuoteFailure(evidence, quote, message))
    return failures


def add_result(results_graph: Graph, failure: QuoteFailure) -> None:
    """Record ``failure`` in the SHACL results graph, as pySHACL records its own results."""
    report = results_graph.value(None, RDF.type, SH.ValidationReport)
    if report is None:
        report = BNode()
        results_graph.add((report, RDF.type, SH.ValidationReport))
    node = BNode()
    results_graph.set((report, SH.conforms, Literal(False)))
    results_graph.add((report, SH.result, node))
    for predicate, value in (
        (RDF.type, SH.ValidationResult),
        (SH.focusNode, failure.evidence),
        (SH.resultPath, OKG.quote),
        (SH.value, failure.quote),
        (SH.resultSeverity, SH.Violation),
        (SH.resultMessage, Literal(failure.message, lang="en")),
        (SH.sourceShape, URIRef(OKGSH + "HeldQuoteShape")),
        (SH.sourceConstraintComponent, URIRef(OKGSH + "HeldQuoteConstraintComponent")),
    ):
        results_graph.add((node, predicate, value))


def _result_nodes(results_graph: Graph) -> Iterable[Node]:
    return results_graph.objects(None, SH.result)


class FileIndex:
    """Which source files describe a node (as subject) or refer to it (as object)."""

    def __init__(self, sources: Iterable[SourceFile]):
        self._subjects: dict[Node, list[str]] = {}
        self._mentions: dict[Node, list[str]] = {}
        for source in sources:
            name = display_path(source.path)
            for node in set(source.graph.subjects()):
                self._subjects.setdefault(node, []).append(name)
            for node in set(source.graph.objects()):
                self._mentions.setdefault(node, []).append(name)

    def files(self, node: Node) -> tuple[str, ...]:
        """The files describing ``node`` first, then the other files referring to it."""
        named = self._subjects.get(node, []) + self._mentions.get(node, [])
        return tuple(dict.fromkeys(named))


def result_from(results: Graph, node: Node, shapes: Graph, files: FileIndex) -> ValidationResult:
    """One ``sh:ValidationResult`` node of the results graph as a :class:`ValidationResult`."""
    focus = results.value(node, SH.focusNode)
    path = results.value(node, SH.resultPath)
    value = results.value(node, SH.value)
    return ValidationResult(
        severity=severity_name(results.value(node, SH.resultSeverity)),
        focus_node=str(focus),
        path=None if path is None else render_path(results, path),
        value=None if value is None else render_term(value),
        message=_message(results, node, shapes),
        source_shape=render_term(owning_shape(shapes, results.value(node, SH.sourceShape))),
        constraint=render_term(results.value(node, SH.sourceConstraintComponent)),
        files=() if focus is None else files.files(focus),
    )


def severity_name(severity: Node | None) -> str:
    """``Violation``, ``Warning`` or ``Info``; a shape without ``sh:severity`` means Violation."""
    return SEVERITIES.get(severity, "Violation") if isinstance(severity, URIRef) else "Violation"


def _message(results: Graph, node: Node, shapes: Graph) -> str:
    """The result's message, English preferred; pySHACL's default text if the shape has none.

    pySHACL gives the result of an ``sh:sparql`` constraint both the constraint's messages and
    those of its node shape (which describe the shape's other node-level constraints): the
    constraint's own message wins.
    """
    messages = sorted(results.objects(node, SH.resultMessage), key=_english_first)
    if results.value(node, SH.sourceConstraint) is not None:
        shape = results.value(node, SH.sourceShape)
        shape_messages = {str(message) for message in shapes.objects(shape, SH.message)}
        messages = [m for m in messages if str(m) not in shape_messages] or messages
    return str(messages[0]) if messages else "(no message)"


def _english_first(message: Node) -> tuple[bool, str]:
    language = message.language if isinstance(message, Literal) else None
    return (language not in (None, "en"), str(message))


def owning_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named node shape a (usually blank) property shape belongs to, else ``shape`` itself."""
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            return parent
    return shape


def render_term(term: Node | None) -> str:
    """A term in short form: ``okg:host``, ``okgsh:BroadcastShape``, ``"2"^^xsd:integer``."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return _render_literal(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    return _compact(str(term))


def _render_literal(term: Literal) -> str:
    text = json.dumps(str(term), ensure_ascii=False)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^{_compact(str(term.datatype))}"
    return text


def _compact(iri: str) -> str:
    """``prefix:local`` for ontology and vocabulary terms; our resources' IRIs stay in full."""
    for prefix, namespace in (*PREFIXES.items(), SHAPES_PREFIX):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and "/" not in local and prefix != "id":
            return f"{prefix}:{local}"
    return iri


def render_path(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL syntax (predicates, inverse, sequence, alternative)."""
    if isinstance(path, URIRef):
        return render_term(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, p) for p in Collection(graph, alternatives)) + ")"
    for operator, suffix in PATH_OPERATORS.items():
        inner = graph.value(path, operator)
        if inner is not None:
            return f"({render_path(graph, inner)}){suffix}"
    if graph.value(path, RDF.first) is not None:
        return "/".join(render_path(graph, p) for p in Collection(graph, path))
    return render_term(path)


PATH_OPERATORS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def render_text(report: ValidationReport) -> str:
    """A report for a curator: grouped by file, one block per result, a summary line last."""
    lines: list[str] = []
    current: tuple[str, ...] | None = None
    for result in report.results:
        if result.files != current:
            current = result.files
            lines.append(", ".join(current) or "(no file)")
        lines.extend(_text_block(result))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _text_block(result: ValidationResult) -> list[str]:
    where = result.focus_node + (f"  {result.path}" if result.path else "")
    details = [f"value: {result.value}"] if result.value else []
    details += [f"shape: {result.source_shape}", f"constraint: {result.constraint}"]
    return [
        f"  {result.severity}: {where}",
        f"    {result.message}",
        "    " + "  ".join(details),
    ]


def summary(report: ValidationReport) -> str:
    """One line: what was validated, how long it took and whether it conforms."""
    counts = report.counts()
    tally = ", ".join(f"{n} {name.lower()}{'s' if n != 1 else ''}" for name, n in counts.items())
    verdict = "conforms" if report.conforms else "DOES NOT CONFORM"
    return (
        f"{verdict}: {tally} ({report.files} files, {report.triples} triples, "
        f"{report.seconds:.2f} s)"
    )


def render_json(report: ValidationReport) -> str:
    """The report as a JSON object: ``conforms``, ``counts``, ``results`` (one object each)."""
    document = {
        "conforms": report.conforms,
        "counts": report.counts(),
        "files": report.files,
        "triples": report.triples,
        "results": [asdict(result) for result in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_turtle(report: ValidationReport) -> str:
    """The report as pySHACL's ``sh:ValidationReport`` graph, in Turtle."""
    return report.graph.serialize(format="turtle")


RENDERERS: dict[str, Callable[[ValidationReport], str]] = {
    "text": render_text,
    "json": render_json,
    "turtle": render_turtle,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def shape_messages(shapes: Graph) -> list[tuple[str, str, str]]:
    """Every rule of ``shapes`` as (owning shape, severity, message), for the docs and tests."""
    rules = []
    for holder, message in shapes.subject_objects(SH.message):
        owner = owning_shape(shapes, holder)
        sparql_owner = shapes.value(None, SH.sparql, holder)
        if sparql_owner is not None:  # an sh:sparql constraint reports its node shape's severity
            owner = holder = sparql_owner
        severity = shapes.value(holder, SH.severity)
        rules.append((render_term(owner), severity_name(severity), str(message)))
    return sorted(rules)


def shapes_graph(folder: Path) -> Graph:
    """The union of the shapes files in ``folder``."""
    return union_graph(read_sources([folder]))
