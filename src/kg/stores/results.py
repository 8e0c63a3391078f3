"""Write SELECT solutions already read into memory (so the row cap could be checked first).

pyoxigraph serialises only its own lazy ``QuerySolutions``, which cannot be counted without
consuming them; these writers take the counted list instead. They follow the W3C formats:
JSON (https://www.w3.org/TR/sparql11-results-json/), XML (https://www.w3.org/TR/rdf-sparql-XMLres/),
CSV and TSV (https://www.w3.org/TR/sparql11-results-csv-tsv/).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
PLAIN_DATATYPES = (XSD_STRING, RDF_LANG_STRING)

Term = Any  # a pyoxigraph NamedNode, BlankNode, Literal or Triple
Rows = Sequence[Sequence[Term | None]]


def json_term(term: Term) -> dict[str, Any]:
    """One RDF term as a SPARQL JSON results binding value."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: json_term(getattr(term, p)) for p in parts}}
    value: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def write_json(variables: Sequence[str], rows: Rows) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [
        {
            name: json_term(term)
            for name, term in zip(variables, row, strict=True)
            if term is not None
        }
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def xml_term(term: Term) -> str:
    """One RDF term as a SPARQL XML results element."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        inner = "".join(f"<{p}>{xml_term(getattr(term, p))}</{p}>" for p in parts)
        return f"<triple>{inner}</triple>"
    if term.language:
        attribute = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype.value != XSD_STRING:
        attribute = f" datatype={quoteattr(term.datatype.value)}"
    else:
        attribute = ""
    return f"<literal{attribute}>{escape(term.value)}</literal>"


def write_xml(variables: Sequence[str], rows: Rows) -> bytes:
    """SPARQL Query Results XML."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n']
    parts.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
    parts.extend(f"<variable name={quoteattr(name)}/>" for name in variables)
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f"<binding name={quoteattr(name)}>{xml_term(term)}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def csv_field(term: Term | None) -> str:
    """One CSV field: the plain value of a term, quoted when it must be."""
    if term is None:
        text = ""
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        text = str(term)
    else:
        text = term.value
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: Sequence[str], rows: Rows) -> bytes:
    """SPARQL 1.1 Query Results CSV (lines end with CRLF)."""
    lines = [",".join(variables)]
    lines.extend(",".join(csv_field(term) for term in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def tsv_field(term: Term | None) -> str:
    """One TSV field: the term in its N-Triples form (a quoted triple between ``<<`` ``>>``)."""
    if term is None:
        return ""
    return f"<< {term} >>" if isinstance(term, ox.Triple) else str(term)


def write_tsv(variables: Sequence[str], rows: Rows) -> bytes:
    """SPARQL 1.1 Query Results TSV: terms in their Turtle / N-Triples form."""
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines.extend("\t".join(tsv_field(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS: dict[ox.QueryResultsFormat, Callable[[Sequence[str], Rows], bytes]] = {
    ox.QueryResultsFormat.JSON: write_json,
    ox.QueryResultsFormat.XML: write_xml,
    ox.QueryResultsFormat.CSV: write_csv,
    ox.QueryResultsFormat.TSV: write_tsv,
}
