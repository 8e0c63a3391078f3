"""``kg intake``: a curator's sheet -> canonical Turtle in ``data/``, validated, all or nothing.

Steps: read and check the sheet; reconcile its entities with the graph (unsure matches are written
into the sheet's ``match`` column and stop the intake); build the triples; place each subject in
its data file; render the changed files canonically; validate the data as it would be with them
(the unchanged files as already parsed, the changed ones parsed from their new text) with the SHACL
shapes; only then replace the changed files. Nothing is written when any step fails.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.config import Settings
from kg.curation.build import Builder
from kg.curation.reconcile import Candidate, GraphIndex, Verdict
from kg.curation.resolve import Resolver, curie, write_candidates
from kg.curation.sheet import Issue, Row, Sheet, SheetError, check_sheet, read_sheet, write_sheet
from kg.curation.turtle import Section, read_layout, render
from kg.loading import SourceFile, graph_iri_for, parse_turtle, read_sources, union_graph
from kg.namespaces import OKG
from kg.validation import ValidationReport, shapes_graph, validate_sources

# Where a new subject goes, by its class (subclasses follow their class).
FILE_OF_CLASS: tuple[tuple[URIRef, str], ...] = (
    (OKG.SourceDocument, "sources.ttl"),
    (OKG.Region, "regions.ttl"),
    (OKG.Official, "officials.ttl"),
    (OKG.Office, "officials.ttl"),
    (OKG.Tenure, "officials.ttl"),
    (OKG.Organization, "organizations.ttl"),
    (OKG.Product, "products.ttl"),
    (OKG.Brand, "products.ttl"),
    (OKG.Attraction, "products.ttl"),
    (OKG.Industry, "products.ttl"),
    (OKG.Broadcast, "broadcasts.ttl"),
    (OKG.Purchase, "broadcasts.ttl"),
    (OKG.AggregateReport, "reports.ttl"),
    (OKG.Statement, "reports.ttl"),
    (OKG.BackgroundFact, "reports.ttl"),
)


class IntakeError(Exception):
    """The intake failed; ``issues`` say why, in the sheet's terms. Nothing was written."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass
class Outcome:
    """What an intake did (or would do, in a dry run)."""

    sheet: Path
    reused: list[tuple[Row, URIRef, str]] = field(default_factory=list)
    created: list[tuple[Row, URIRef]] = field(default_factory=list)
    files: dict[Path, int] = field(default_factory=dict)
    triples: int = 0
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    def render(self) -> str:
        """A short report for the curator."""
        lines = [
            f"{self.sheet}: {self.triples} triples"
            + ("" if self.written else " (dry run: nothing written)")
        ]
        lines.extend(
            f"  reused  {curie(iri):<45} row {row.number} {row.id!r}: {how}"
            for row, iri, how in self.reused
        )
        lines.extend(f"  created {curie(iri):<45} row {row.number}" for row, iri in self.created)
        lines.extend(
            f"  {path.name}: +{count} triples" for path, count in sorted(self.files.items())
        )
        lines.extend(f"  warning: {warning}" for warning in self.warnings)
        return "\n".join(lines) + "\n"


def intake(path: Path, settings: Settings, *, dry_run: bool = False) -> Outcome:
    """Take the sheet at ``path`` into the data folder of ``settings`` (see the module doc)."""
    sheet = read_sheet(path)
    issues = check_sheet(sheet)
    if issues:
        raise SheetError(issues)
    ontology_files = read_sources([settings.ontology_dir])
    ontology = union_graph(ontology_files)
    data_files = {source.path: source for source in read_sources([settings.data_dir])}
    texts = {path: path.read_text(encoding="utf-8") for path in data_files}
    existing = union_graph(data_files.values())
    resolver = _resolve(sheet, existing, ontology)
    builder = Builder(resolver, ontology, settings.data_dir.parent / "sources")
    additions = builder.build()
    issues = resolver.issues + builder.issues
    if issues:
        raise IntakeError(sorted(issues, key=lambda issue: issue.row or 0))
    placed = place(additions, data_files, existing, ontology, settings.data_dir)
    new_texts = render_files(placed, texts, data_files, additions, sheet)
    report = validate_texts(new_texts, data_files, ontology_files, settings)
    if not report.conforms:
        raise IntakeError(validation_issues(report, builder.rows_of))
    outcome = _outcome(sheet, resolver, additions, placed, report, set(builder.rows_of))
    if not dry_run:
        replace_files(new_texts)
        outcome.written = True
    return outcome


def _resolve(sheet: Sheet, existing: Graph, ontology: Graph) -> Resolver:
    """Run reconciliation; unsure rows get their candidates written into the sheet, then fail."""
    resolver = Resolver(sheet, GraphIndex(existing, ontology), existing)
    resolver.run()
    if resolver.unsure:
        write_candidates(sheet, resolver.unsure)
        write_sheet(sheet)
        rows = {row.number: row for row in sheet.rows}
        resolver.issues.extend(
            Issue(
                number, "match", _unsure_message(rows[number], decision.reason, decision.candidates)
            )
            for number, decision in resolver.unsure.items()
        )
    if resolver.issues:
        raise IntakeError(sorted(resolver.issues, key=lambda issue: issue.row or 0))
    return resolver


def _unsure_message(row: Row, reason: str, candidates: Iterable[Candidate]) -> str:
    listed = "; ".join(f"{curie(c.iri)} ({c.label}, {c.score:g})" for c in candidates)
    return (
        f"'{row['name_en'] or row['name_zh']}' is unsure ({reason}): {listed}. "
        "The candidates are now in the match column: keep one CURIE (without '?') or write new"
    )


def place(
    additions: Graph,
    data_files: dict[Path, SourceFile],
    existing: Graph,
    ontology: Graph,
    data_dir: Path,
) -> dict[URIRef, Path]:
    """The data file of every subject the intake adds triples to."""
    described = _described_in(data_files)
    by_class = _files_by_class(ontology)
    union = existing + additions
    placed: dict[URIRef, Path] = {}

    def where(subject: URIRef, depth: int = 0) -> Path:
        if subject in described:
            return described[subject]
        for cls in union.objects(subject, RDF.type):
            if cls in by_class:
                return data_dir / by_class[URIRef(str(cls))]
        owners = [*union.objects(subject, OKG.figureOf), *union.subjects(OKG.evidence, subject)]
        if owners and depth < 3:
            return where(URIRef(str(owners[0])), depth + 1)
        return data_dir / "sources.ttl"

    for subject in {s for s in additions.subjects() if isinstance(s, URIRef)}:
        placed[subject] = where(subject)
    return placed


def _described_in(data_files: dict[Path, SourceFile]) -> dict[URIRef, Path]:
    """The first data file (in path order) describing each subject."""
    described: dict[URIRef, Path] = {}
    for path in sorted(data_files):
        for subject in data_files[path].graph.subjects():
            if isinstance(subject, URIRef):
                described.setdefault(subject, path)
    return described


def _files_by_class(ontology: Graph) -> dict[URIRef, str]:
    files: dict[URIRef, str] = {}
    for cls, name in FILE_OF_CLASS:
        for sub in [cls, *ontology.transitive_subjects(RDFS.subClassOf, cls)]:
            files.setdefault(URIRef(str(sub)), name)
    return files


def render_files(
    placed: dict[URIRef, Path],
    texts: dict[Path, str],
    data_files: dict[Path, SourceFile],
    additions: Graph,
    sheet: Sheet,
) -> dict[Path, str]:
    """The new canonical text of each file that gains triples (``texts`` and ``data_files``: the
    current text and parsed graph of each data file)."""
    new_texts: dict[Path, str] = {}
    title = f"# --- From source:{sheet.source.id} (kg intake) "
    heading = [title + "-" * max(3, 100 - len(title))]
    for path in sorted(set(placed.values())):
        old = texts.get(path, "")
        graph = Graph()
        if path in data_files:
            graph += data_files[path].graph
        subjects = sorted(s for s, target in placed.items() if target == path)
        for subject in subjects:
            for triple in additions.triples((subject, None, None)):
                graph.add(triple)
        layout = read_layout(old)
        fresh = [s for s in subjects if s not in layout.placed()]
        new_texts[path] = render(graph, layout, [Section(heading, fresh)] if fresh else [])
    return new_texts


def validate_texts(
    new_texts: dict[Path, str],
    data_files: dict[Path, SourceFile],
    ontology_files: list[SourceFile],
    settings: Settings,
) -> ValidationReport:
    """Validate the data folder as it would be with ``new_texts``: the files ``data_files`` holds
    parsed, each file of ``new_texts`` instead parsed from its new text."""
    changed = parse_texts(new_texts, settings.data_dir)
    data = [changed.get(path, source) for path, source in sorted(data_files.items())]
    data += [source for path, source in sorted(changed.items()) if path not in data_files]
    return validate_sources(data, ontology_files, shapes_graph(settings.shapes_dir))


def parse_texts(new_texts: dict[Path, str], data_dir: Path) -> dict[Path, SourceFile]:
    """Each text of ``new_texts`` parsed as the data file it will replace (via a temporary file,
    so that a syntax error names a line and column as for any data file)."""
    parsed: dict[Path, SourceFile] = {}
    with tempfile.TemporaryDirectory(prefix="kg-intake-") as temp:
        for path, content in new_texts.items():
            staged = Path(temp) / path.relative_to(data_dir)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(content, encoding="utf-8")
            graph_iri = graph_iri_for(path, data_dir)
            parsed[path] = SourceFile(path, graph_iri, parse_turtle(staged))
    return parsed


# The sheet column a property comes from, to name it in a shape violation.
COLUMN_OF_PATH: dict[str, str] = {
    "rdfs:label": "name_en",
    "skos:altLabel": "alt",
    "okg:locatedIn": "within",
    "okg:basedIn": "within",
    "okg:originRegion": "within",
    "okg:officeOf": "within",
    "okg:inIndustry": "industry",
    "okg:madeBy": "company",
    "okg:startDate": "date",
    "okg:host": "hosts",
    "okg:platform": "platform",
    "okg:features": "products",
    "okg:aboutProduct": "products",
    "okg:promotesRegion": "region",
    "okg:date": "date",
    "okg:earliestDate": "date",
    "okg:latestDate": "date_end",
    "okg:dateBasis": "note",
    "okg:figureOf": "of",
    "okg:statedIn": "of",
    "okg:measures": "measure",
    "okg:value": "value",
    "okg:unit": "unit",
    "okg:qualifier": "qualifier",
    "okg:window": "window",
    "okg:asOf": "as_of",
    "okg:statedAs": "stated_as",
    "okg:speaker": "speaker",
    "okg:publishedBy": "platform",
    "okg:claimRank": "rank",
    "okg:rankReason": "rank_reason",
    "okg:locator": "locator",
    "okg:quote": "evidence",
    "okg:paraphrase": "evidence",
    "schema:url": "url",
    "dcterms:issued": "date",
    "dcterms:language": "language",
    "dcterms:title": "name_en",
    "okg:copyOf": "copy_of",
    "okg:translatedFrom": "copy_of",
}


def validation_issues(report: ValidationReport, rows_of: dict[URIRef, int]) -> list[Issue]:
    """The violations of a failed validation, each tied to the row (and column) it comes from."""
    issues = []
    for result in report.results:
        if result.severity != "Violation":
            continue
        row = rows_of.get(URIRef(result.focus_node))
        where = curie(URIRef(result.focus_node))
        path = f" [{result.path}]" if result.path else ""
        column = COLUMN_OF_PATH.get(result.path or "")
        issues.append(Issue(row, column, f"{where}{path}: {result.message}"))
    return issues


def replace_files(new_texts: dict[Path, str]) -> None:
    """Write each file beside its target, then move it into place (one rename per file)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in new_texts.items():
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(content)
            staged.append((Path(name), path))
    except OSError:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, path in staged:
        os.replace(temp, path)


def _outcome(
    sheet: Sheet,
    resolver: Resolver,
    additions: Graph,
    placed: dict[URIRef, Path],
    report: ValidationReport,
    touched: set[URIRef],
) -> Outcome:
    outcome = Outcome(sheet.path, triples=len(additions))
    for row in sheet.rows:
        iri = resolver.iris.get(row.id)
        if iri is None:
            continue
        if row.id in resolver.new:
            outcome.created.append((row, iri))
        else:
            decision = resolver.decisions.get(row.id)
            how = (
                decision.reason
                if decision and decision.verdict is Verdict.REUSE
                else "match column"
            )
            outcome.reused.append((row, iri, how))
    for subject, path in placed.items():
        outcome.files[path] = outcome.files.get(path, 0) + len(
            list(additions.triples((subject, None, None)))
        )
    outcome.warnings = [
        f"{curie(URIRef(r.focus_node))}: {r.message}"
        for r in report.results
        if r.severity == "Warning" and URIRef(r.focus_node) in touched
    ]
    return outcome
