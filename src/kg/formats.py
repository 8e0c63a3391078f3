"""The table of media types: SPARQL results, RDF and HTML; content negotiation as a lookup.

Each :class:`Format` row is read by the web layer (negotiation, ``Content-Type``), the CLI
(``--format``) and the docs. Negotiation follows RFC 9110 §12.5.1 (q-values, wildcards)
via werkzeug's parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


class Kind(Enum):
    """What a format can carry."""

    RESULTS = "results"  # SELECT / ASK results
    RDF = "rdf"  # graphs (CONSTRUCT / DESCRIBE, resource descriptions, dumps)
    HTML = "html"


@dataclass(frozen=True)
class Format:
    """One output format: its names, media types and the library formats that write it."""

    name: str
    media_type: str
    extension: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    rdflib_name: str | None = None
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    datasets: bool = False  # can carry named graphs (N-Quads, TriG)
    text: bool = True  # charset=utf-8 is added to the Content-Type
    w3c: str | None = None  # the format's IRI under http://www.w3.org/ns/formats/

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


W3C_FORMATS = "http://www.w3.org/ns/formats/"

# fmt: off
FORMATS: tuple[Format, ...] = (
    Format(
        "json", "application/sparql-results+json", "srj", Kind.RESULTS,
        ("application/json",), "json", ox.QueryResultsFormat.JSON,
        w3c=W3C_FORMATS + "SPARQL_Results_JSON",
    ),
    Format(
        "xml", "application/sparql-results+xml", "srx", Kind.RESULTS,
        ("application/xml", "text/xml"), "xml", ox.QueryResultsFormat.XML,
        w3c=W3C_FORMATS + "SPARQL_Results_XML",
    ),
    Format(
        "csv", "text/csv", "csv", Kind.RESULTS, (), "csv", ox.QueryResultsFormat.CSV,
        w3c=W3C_FORMATS + "SPARQL_Results_CSV",
    ),
    Format(
        "tsv", "text/tab-separated-values", "tsv", Kind.RESULTS, (), "tsv",
        ox.QueryResultsFormat.TSV, w3c=W3C_FORMATS + "SPARQL_Results_TSV",
    ),
    Format(
        "turtle", "text/turtle", "ttl", Kind.RDF, ("application/x-turtle",), "turtle",
        ox.RdfFormat.TURTLE, w3c=W3C_FORMATS + "Turtle",
    ),
    Format(
        "ntriples", "application/n-triples", "nt", Kind.RDF, (), "nt", ox.RdfFormat.N_TRIPLES,
        w3c=W3C_FORMATS + "N-Triples",
    ),
    Format(
        "rdfxml", "application/rdf+xml", "rdf", Kind.RDF, ("application/xml", "text/xml"), "xml",
        ox.RdfFormat.RDF_XML, w3c=W3C_FORMATS + "RDF_XML",
    ),
    Format(
        "jsonld", "application/ld+json", "jsonld", Kind.RDF, ("application/json",), "json-ld",
        ox.RdfFormat.JSON_LD, w3c=W3C_FORMATS + "JSON-LD",
    ),
    Format(
        "nquads", "application/n-quads", "nq", Kind.RDF, (), "nquads", ox.RdfFormat.N_QUADS,
        datasets=True, w3c=W3C_FORMATS + "N-Quads",
    ),
    Format(
        "trig", "application/trig", "trig", Kind.RDF, (), "trig", ox.RdfFormat.TRIG,
        datasets=True, w3c=W3C_FORMATS + "TriG",
    ),
    Format("html", "text/html", "html", Kind.HTML, ("application/xhtml+xml",)),
)
# fmt: on

FORMATS_BY_NAME = {fmt.name: fmt for fmt in FORMATS}
RESULT_FORMATS = tuple(fmt for fmt in FORMATS if fmt.kind is Kind.RESULTS)
RDF_FORMATS = tuple(fmt for fmt in FORMATS if fmt.kind is Kind.RDF)
GRAPH_FORMATS = tuple(fmt for fmt in RDF_FORMATS if not fmt.datasets)
HTML = FORMATS_BY_NAME["html"]


def by_name(name: str, offers: Sequence[Format] = FORMATS) -> Format | None:
    """The offered format called ``name``: a short name, an extension or a media type."""
    wanted = name.strip().lower()
    for fmt in offers:
        if wanted in (fmt.name, fmt.extension, *fmt.media_types):
            return fmt
    return None


def by_extension(extension: str, offers: Sequence[Format] = FORMATS) -> Format | None:
    """The offered format whose file extension is ``extension`` (without the dot)."""
    return next((fmt for fmt in offers if fmt.extension == extension.lower()), None)


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The best of ``offers`` for an ``Accept`` header; the first offer when there is no header.

    Returns None when nothing offered is acceptable (the caller answers 406). Ties between equally
    acceptable types go to the earlier offer, so order ``offers`` by preference.
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    return _best_offer(accept, tuple(offers))


@lru_cache(maxsize=256)
def _best_offer(accept: str, offers: tuple[Format, ...]) -> Format | None:
    """:func:`negotiate` for a non-empty header, cached per process: clients send few distinct
    ``Accept`` headers, and parsing one costs tens of microseconds. It depends on no data."""
    parsed = parse_accept_header(accept, MIMEAccept)
    best_quality, best = 0.0, None
    for fmt in offers:
        quality = max(parsed.quality(fmt.media_type), *_exact_qualities(parsed, fmt.aliases))
        if quality > best_quality:
            best_quality, best = quality, fmt
    return best


def _exact_qualities(parsed: MIMEAccept, aliases: Sequence[str]) -> list[float]:
    """The qualities of ``aliases`` named exactly: a wildcard (``text/*``) selects a format by its
    main media type only, so ``text/*`` means CSV, not the XML results that ``text/xml`` aliases."""
    return [quality for value, quality in parsed if value.lower() in aliases] or [0.0]


def prefers_html(accept: str | None) -> bool:
    """Whether a client (a browser) ranks HTML strictly above every machine-readable format."""
    if not accept:
        return False
    parsed = parse_accept_header(accept, MIMEAccept)
    machine_types = [mt for fmt in FORMATS if fmt is not HTML for mt in fmt.media_types]
    html = max(parsed.quality(media_type) for media_type in HTML.media_types)
    return html > max(parsed.quality(media_type) for media_type in machine_types)
