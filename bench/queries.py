"""The query mix (the competency queries) and the single-resource lookups of the benchmark."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.namespaces import sparql_prologue
from kg.query.text import query_form, unescape

_PREFIX_DECLARATION = re.compile(r"^\s*PREFIX\s+([\w.-]*):", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Query:
    """One named query of the benchmark."""

    name: str
    text: str


def competency_queries(folder: Path) -> list[Query]:
    """The ``cq*.rq`` files of ``folder`` in numeric order, with our prefixes where undeclared."""
    paths = sorted(folder.glob("cq*.rq"), key=_natural_key)
    return [Query(path.stem, with_prefixes(path.read_text(encoding="utf-8"))) for path in paths]


def with_prefixes(text: str) -> str:
    """``text`` preceded by the declarations of our prefixes that it uses without declaring.

    Only those: an unused declaration is not free (the endpoint's guard, for one, reads a query
    that mentions ``service`` more carefully, and ``sparql-service-description`` does).
    """
    declared = set(_PREFIX_DECLARATION.findall(text))
    missing = []
    for line in sparql_prologue().splitlines():
        prefix = line.split()[1]  # "okg:"
        used = re.search(rf"(?<![\w.-]){re.escape(prefix)}", text)
        if used and prefix[:-1] not in declared:
            missing.append(f"{line}\n")
    return "".join(missing) + text


def _natural_key(path: Path) -> tuple[int, str]:
    number = re.match(r"cq(\d+)", path.stem)
    return (int(number.group(1)) if number else 0, path.stem)


def lookup_queries(iris: list[str]) -> list[Query]:
    """A DESCRIBE and a SELECT of each resource, alternating."""
    queries = []
    for iri in iris:
        queries.append(Query("describe", f"DESCRIBE <{iri}>"))
        queries.append(Query("select", f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"))
    return queries


def returns_graph(text: str) -> bool:
    """Whether ``text`` is a CONSTRUCT or DESCRIBE query (read from its prologue, never run)."""
    return query_form(unescape(text)).returns_graph
