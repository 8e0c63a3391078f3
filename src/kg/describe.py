"""A resource's description: what ``/id/…`` returns, built from SPARQL queries on the store.

The description of a resource ``r`` is a bounded description plus context:

* every triple ``r ?p ?o`` (its own triples);
* the labels and types of every node ``r`` links to;
* blank nodes, evidence (``okg:evidence``) and dependent figures (``okg:reportedFigure`` /
  ``okg:figureOf``) in full, with the labels of what they link to (units, qualifiers, measures,
  sources), and the evidence of those figures in full;
* incoming links ``?s ?p r`` with the labels and types of ``?s``.

Provenance is the evidence of every claim and of its figures (``okg:evidence``: source, locator,
quote or paraphrase); the source document's title comes with it as a label.
Everything goes through SPARQL, so any SPARQL 1.1 store can serve it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import OKG, SCHEMA
from kg.stores import Store, construct_triples, select_rows

LABEL_PREDICATES: tuple[URIRef, ...] = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)
# fetched with the labels of linked nodes: how a unit reads after a number ("viewers")
FETCHED_LABEL_PREDICATES: tuple[URIRef, ...] = (*LABEL_PREDICATES, OKG.pluralLabel)
DEPENDENT_LINKS: tuple[URIRef, ...] = (OKG.reportedFigure, OKG.evidence)  # described in full
DEPENDENT_BACKLINKS: tuple[URIRef, ...] = (OKG.figureOf,)  # subjects described in full

# Characters that may not appear in an IRI reference (RFC 3987; SPARQL IRIREF).
_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def is_valid_iri(iri: str) -> bool:
    """Whether ``iri`` can be written between ``<…>`` in SPARQL (no injection, no spaces)."""
    return bool(iri) and not _FORBIDDEN.search(iri)


def resource_iri(base_iri: str, path: str) -> str:
    """The IRI a local path names: ``/id/official/x`` -> ``{base_iri}id/official/x``."""
    return base_iri + path.lstrip("/")


def local_href(iri: str, base_iri: str) -> str:
    """The server-relative link of an IRI in our space (``/id/…``, ``/ontology#T``), else itself."""
    return "/" + iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def _values(terms: Iterable[URIRef]) -> str:
    return " ".join(term.n3() for term in terms)


def _label_filter(variable: str) -> str:
    return f"FILTER({variable} IN ({', '.join(p.n3() for p in FETCHED_LABEL_PREDICATES)}))"


def description_query(iri: str) -> str:
    """The CONSTRUCT query of the description of ``iri`` (see the module docstring)."""
    if not is_valid_iri(iri):
        raise ValueError(f"not a valid IRI: {iri!r}")
    r = f"<{iri}>"
    dependent = ", ".join(term.n3() for term in DEPENDENT_LINKS)
    return f"""CONSTRUCT {{
  {r} ?p ?o . ?o ?olp ?ol . ?o a ?ot . ?o ?dp ?do . ?do ?dlp ?dl .
  ?s ?sp {r} . ?s ?slp ?sl . ?s a ?st . ?ev ?ep ?eo . ?eo ?elp ?el .
}} WHERE {{
  {{ {r} ?p ?o }}
  UNION {{ {r} ?p ?o . ?o ?olp ?ol . {_label_filter("?olp")} }}
  UNION {{ {r} ?p ?o . ?o a ?ot }}
  UNION {{ {r} ?p ?o . FILTER(isBlank(?o) || ?p IN ({dependent}))
           ?o ?dp ?do . OPTIONAL {{ ?do ?dlp ?dl . {_label_filter("?dlp")} }} }}
  UNION {{ VALUES ?back {{ {_values(DEPENDENT_BACKLINKS)} }} ?o ?back {r} .
           ?o ?dp ?do . OPTIONAL {{ ?do ?dlp ?dl . {_label_filter("?dlp")} }} }}
  UNION {{ {{ {r} {OKG.reportedFigure.n3()} ?df }} UNION {{ ?df {OKG.figureOf.n3()} {r} }}
           ?df {OKG.evidence.n3()} ?ev . ?ev ?ep ?eo .
           OPTIONAL {{ ?eo ?elp ?el . {_label_filter("?elp")} }} }}
  UNION {{ ?s ?sp {r} . OPTIONAL {{ ?s ?slp ?sl . {_label_filter("?slp")} }} }}
  UNION {{ ?s ?sp {r} . ?s a ?st }}
}}"""


def description(store: Store, iri: str) -> list[ox.Triple]:
    """The triples of the description of ``iri``, one query in all.

    Empty exactly when the graph does not mention ``iri`` as a subject or an object (the query
    returns its own triples and its incoming links), and for an IRI that no query may contain.
    """
    if not is_valid_iri(iri):
        return []
    return construct_triples(store, description_query(iri))


def resources(store: Store, uri_space: str) -> list[str]:
    """Every subject IRI in ``uri_space`` (``{base_iri}id/``), sorted."""
    query = f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{_escape(uri_space)}")) }} ORDER BY ?s"""
    return [str(row["s"]) for row in select_rows(store, query)]


def _instances_where(class_iri: str) -> str:
    return f"?x a/{RDFS.subClassOf.n3()}* <{class_iri}> . FILTER(isIRI(?x))"


def count_instances(store: Store, class_iri: str) -> int:
    """How many resources are instances of ``class_iri`` or of its subclasses."""
    query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {_instances_where(class_iri)} }}"
    rows = select_rows(store, query)
    return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]


def instances(store: Store, class_iri: str, *, offset: int = 0, limit: int = 50) -> list[Item]:
    """One page of the instances of ``class_iri`` (subclasses included), by English label.

    The labels are sampled in a sub-select and ordered outside it: ordering by an aggregate's
    alias in the same query is valid SPARQL 1.1, but Virtuoso rejects it.
    """
    label = RDFS.label.n3()
    query = f"""SELECT ?x ?label ?label_zh WHERE {{
  {{ SELECT ?x (SAMPLE(?en) AS ?label) (SAMPLE(?zh) AS ?label_zh) WHERE {{
    {_instances_where(class_iri)}
    OPTIONAL {{ ?x {label} ?en FILTER(LANGMATCHES(LANG(?en), "en") || LANG(?en) = "") }}
    OPTIONAL {{ ?x {label} ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }}
  }} GROUP BY ?x }}
}} ORDER BY LCASE(STR(COALESCE(?label, ?x))) ?x LIMIT {limit} OFFSET {offset}"""
    return [
        Item(str(row["x"]), _str(row.get("label")), _str(row.get("label_zh")))
        for row in select_rows(store, query)
    ]


@dataclass(frozen=True)
class Item:
    """A resource in a listing: IRI, English and Chinese labels."""

    iri: str
    label: str | None
    label_zh: str | None


def _str(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def graph_labels(graph: Graph, node: Node) -> dict[str, str]:
    """The labels of ``node`` in ``graph`` per language tag, first label predicate first."""
    labels: dict[str, str] = {}
    for predicate in reversed((*LABEL_PREDICATES, SCHEMA.name)):
        for label in graph.objects(node, predicate):
            if isinstance(label, Literal):
                labels[label.language or ""] = str(label)
    return labels


def pick_label(labels: dict[str, str], lang: str = "en") -> str | None:
    """The label in ``lang``, else one without a language, else any; None if there is none."""
    if lang in labels:
        return labels[lang]
    if "" in labels:
        return labels[""]
    return next(iter(sorted(labels.items())), (None, None))[1]
