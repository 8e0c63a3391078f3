"""The competency questions (``queries/*.rq``) as parameterised REST resources.

Each question keeps its query file; :data:`PARAMETERS` declares what a caller may set:

- an *entity* parameter keeps the rows whose projected variable of that name is one resource:
  the final rows are filtered, after any aggregate, as a trailing ``VALUES`` clause would
  (SPARQL 1.1 §18.2.4.3) — filtered here rather than in the query, because Virtuoso 7 pushes a
  trailing ``VALUES`` into sub-selects and answers wrongly. Its value is an IRI, a path under
  the graph's ``id/`` space (``region/hubei``) or a name the search index matches exactly and
  unambiguously among the parameter's class (``Hubei``, 湖北省);
- a *month* parameter (``YYYY-MM``) replaces the first and last day of the month the query was
  written for.

The query is then run like any ``/sparql`` query (same store, same time limit).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kg.examples import Example
from kg.namespaces import OKG

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in ("integer", "int", "long", "nonNegativeInteger", "decimal")}
FLOATING = {XSD + "double", XSD + "float"}
MONTH = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])$")


class ParameterError(ValueError):
    """A parameter value that cannot be used (HTTP 400); the message says why."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a question."""

    name: str
    kind: str  # "entity" or "month"
    description: str
    variable: str = ""  # entity: the projected variable it restricts
    class_iri: str = ""  # entity: the class its value must belong to (for names)
    replaces: tuple[str, str] = ("", "")  # month: the first and last day written in the query
    example: str = ""


def entity(name: str, class_name: str, description: str, example: str) -> Parameter:
    """An entity parameter restricting ``?{name}``."""
    return Parameter(name, "entity", description, name, str(OKG[class_name]), example=example)


# question (file name) -> its parameters
PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "cq01-officials-offices-regions": (
        entity("official", "Official", "Only this official.", "Song Junhua"),
        entity("region", "Region", "Only offices of this region.", "Zigui County"),
    ),
    "cq02-aviation-broadcasts": (
        entity("broadcast", "Broadcast", "Only this broadcast.", ""),
        entity("product", "Product", "Only this product.", ""),
    ),
    "cq03-sales-per-province": (entity("province", "Province", "Only this province.", "Hubei"),),
    "cq04-april-2020-broadcasts": (
        Parameter(
            "month",
            "month",
            "The month (YYYY-MM) whose broadcasts to list; default 2020-04.",
            replaces=('"2020-04-01"^^xsd:date', '"2020-04-30"^^xsd:date'),
            example="2020-04",
        ),
        entity("host", "Official", "Only broadcasts hosted by this official.", "Li Qiang"),
    ),
    "cq05-products-of-wuhan-companies": (
        entity("product", "Product", "Only this product.", ""),
        entity("company", "Organization", "Only this company.", ""),
    ),
    "cq07-officials-with-several-offices": (
        entity("official", "Official", "Only this official.", ""),
    ),
    "cq08-figure-provenance": (entity("figure", "ReportedFigure", "Only this figure.", ""),),
    "cq10-broadcasts-per-platform": (
        entity("platform", "Platform", "Only this platform.", "Taobao"),
    ),
    "cq11-speakers-without-broadcast": (entity("official", "Official", "Only this official.", ""),),
    "cq12-lower-bound-figures": (entity("figure", "ReportedFigure", "Only this figure.", ""),),
    "cq15-officials-and-broadcasts-per-province": (
        entity("province", "Province", "Only this province.", "Hubei"),
    ),
    "cq16-broadcasts-per-platform-per-month": (
        entity("platform", "Platform", "Only this platform.", "Pinduoduo"),
    ),
    "cq17-largest-sales-per-official": (
        entity("official", "Official", "Only this official.", "Li Qiang"),
    ),
    "cq19-broadcasts-confirmed-by-two-sources": (
        entity("broadcast", "Broadcast", "Only this broadcast.", ""),
    ),
    "cq20-conflicting-figures-between-sources": (
        entity("broadcast", "Broadcast", "Only this broadcast.", ""),
    ),
}

Resolver = Callable[[str, str], str]  # (value, class IRI) -> IRI; raises ParameterError


def parameters_of(name: str) -> tuple[Parameter, ...]:
    """The parameters of question ``name`` (none when the table lists none)."""
    return PARAMETERS.get(name, ())


@dataclass(frozen=True)
class BoundQuestion:
    """A question with its parameters applied: the query to run, then the rows to keep."""

    query: str
    keep: dict[str, str]  # variable -> the IRI it must be bound to

    def kept(self, results: Mapping[str, Any]) -> dict[str, Any]:
        """A SPARQL JSON result reduced to the rows :attr:`keep` allows."""
        bindings = [
            binding
            for binding in results["results"]["bindings"]
            if all(
                binding.get(name, {}).get("type") == "uri" and binding[name]["value"] == iri
                for name, iri in self.keep.items()
            )
        ]
        return {**results, "results": {"bindings": bindings}}


def bound_query(example: Example, values: Mapping[str, str], resolve: Resolver) -> BoundQuestion:
    """The query of ``example`` and the row filter for the given parameter ``values``."""
    declared = {parameter.name: parameter for parameter in parameters_of(example.name)}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; allowed: {allowed}")
    query, keep = example.query, {}
    for name, raw in values.items():
        parameter = declared[name]
        if parameter.kind == "month":
            query = with_month(query, parameter, raw)
        else:
            keep[parameter.variable] = resolve(raw.strip(), parameter.class_iri)
    return BoundQuestion(query, keep)


def results_csv(results: Mapping[str, Any]) -> str:
    """A SPARQL JSON result as SPARQL 1.1 CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/):
    a header of variables, plain values, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = list(results["head"]["vars"])
    writer.writerow(names)
    for binding in results["results"]["bindings"]:
        writer.writerow([csv_value(binding.get(name)) for name in names])
    return out.getvalue()


def csv_value(term: Mapping[str, str] | None) -> str:
    if term is None:
        return ""
    return "_:" + term["value"] if term["type"] == "bnode" else term["value"]


def with_month(query: str, parameter: Parameter, raw: str) -> str:
    """``query`` with its month's first and last day replaced by those of ``raw`` (YYYY-MM)."""
    match = MONTH.match(raw.strip())
    if match is None:
        raise ParameterError(f"'{parameter.name}' must be a month as YYYY-MM, e.g. 2020-04")
    year, month = int(match["year"]), int(match["month"])
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = parameter.replaces
    query = query.replace(first_day, f'"{year:04d}-{month:02d}-01"^^xsd:date')
    return query.replace(last_day, f'"{year:04d}-{month:02d}-{last:02d}"^^xsd:date')


def rows_from_json(results: Mapping[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of a SPARQL JSON result: IRIs and strings as text, numbers as numbers."""
    columns = list(results["head"]["vars"])
    rows = [
        {name: plain_value(term) for name, term in binding.items()}
        for binding in results["results"]["bindings"]
    ]
    return columns, rows


def plain_value(term: Mapping[str, str]) -> Any:
    """One bound term as a JSON value."""
    datatype = term.get("datatype", "")
    try:
        if datatype in NUMERIC:
            number = Decimal(term["value"])
            return int(number) if number == number.to_integral_value() else float(number)
        if datatype in FLOATING:
            return float(term["value"])
    except (InvalidOperation, ValueError):
        pass
    return term["value"]
