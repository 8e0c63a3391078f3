"""schema.org JSON-LD for search engines, derived from the ontology's alignments (no Flask here).

An entity's schema.org types are the ``schema:`` superclasses of its types in the ontology
(``okg:Official rdfs:subClassOf schema:Person``), and its schema.org properties the ``schema:``
super-properties of its properties (``okg:host rdfs:subPropertyOf schema:performer``), plus the
few of :data:`EXTRA_PROPERTIES`. A new alignment in the ontology shows up here without code.
The context is inline (``@vocab``), so any JSON-LD processor reads it offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.describe import graph_labels, local_href, pick_label
from kg.namespaces import DCAT, OKG, SCHEMA

# Plain strings for links (as schema.org's examples write them) that are IRIs in RDF.
CONTEXT: dict[str, Any] = {
    "@vocab": str(SCHEMA),
    "dcat": str(DCAT),
    **{name: {"@type": "@id"} for name in ("sameAs", "url", "license", "contentUrl")},
}
# Properties with a schema.org meaning the ontology does not state as a super-property.
EXTRA_PROPERTIES: dict[URIRef, str] = {
    OKG.date: "startDate",
    OKG.earliestDate: "startDate",
    OKG.latestDate: "endDate",
    DCTERMS.description: "description",
    RDFS.comment: "description",
    OKG.adminCode: "identifier",
}
SAME_AS = (OWL.sameAs, SKOS.exactMatch, SCHEMA.sameAs)
# schema.org's own hierarchy above the classes our ontology aligns to (https://schema.org/Place
# …): a reader that knows only the general type still finds a Place or an Organization.
SCHEMA_PARENTS: dict[str, str] = {
    "AdministrativeArea": "Place",
    "City": "AdministrativeArea",
    "Country": "AdministrativeArea",
    "GovernmentOrganization": "Organization",
    "Corporation": "Organization",
    "NewsArticle": "Article",
    "Article": "CreativeWork",
    "Report": "Article",
    "Quotation": "CreativeWork",
}


def schema_superclasses(ontology: Graph, cls: Node) -> set[str]:
    """The schema.org classes ``cls`` is (or is a subclass of), as local names."""
    found = ontology.transitive_objects(cls, RDFS.subClassOf)
    names = {str(c)[len(str(SCHEMA)) :] for c in found if str(c).startswith(str(SCHEMA))}
    for name in list(names):
        while name in SCHEMA_PARENTS:
            name = SCHEMA_PARENTS[name]
            names.add(name)
    return names


def schema_property(ontology: Graph, prop: URIRef) -> str | None:
    """The schema.org property ``prop`` is, or is a sub-property of (the first by IRI)."""
    if prop in EXTRA_PROPERTIES:
        return EXTRA_PROPERTIES[prop]
    supers = sorted(
        str(p)
        for p in ontology.transitive_objects(prop, RDFS.subPropertyOf)
        if str(p).startswith(str(SCHEMA))
    )
    return supers[0][len(str(SCHEMA)) :] if supers else None


def literal_value(literal: Literal) -> Any:
    """A JSON-LD value: a language-tagged object, or the literal's lexical form."""
    if literal.language:
        return {"@value": str(literal), "@language": literal.language}
    return str(literal)


def names(graph: Graph, node: Node) -> list[Any]:
    """Every label of ``node`` with its language."""
    labels = graph_labels(graph, node)
    return [{"@value": text, "@language": lang} if lang else text for lang, text in labels.items()]


def node_ref(
    graph: Graph, ontology: Graph, node: URIRef, site: str, base_iri: str
) -> dict[str, Any]:
    """A linked entity: its IRI, schema.org types, name and page."""
    ref: dict[str, Any] = {"@id": str(node)}
    types = sorted(
        {t for c in graph.objects(node, RDF.type) for t in schema_superclasses(ontology, c)}
    )
    if types:
        ref["@type"] = types
    label = pick_label(graph_labels(graph, node))
    if label:
        ref["name"] = label
    if str(node).startswith(base_iri):
        ref["url"] = site + local_href(str(node), base_iri).lstrip("/")
    return ref


def entity(graph: Graph, ontology: Graph, iri: str, *, site: str, base_iri: str) -> dict[str, Any]:
    """The JSON-LD object of the entity ``iri`` from its description ``graph``.

    ``site`` is the server's root URL (``https://…/``): ``url`` is the entity's page there.
    """
    node = URIRef(iri)
    document = node_ref(graph, ontology, node, site, base_iri)
    document["@context"] = CONTEXT
    document.setdefault("@type", ["Thing"])
    if names(graph, node):
        document["name"] = names(graph, node)
    same = sorted(str(o) for p in SAME_AS for o in graph.objects(node, p) if isinstance(o, URIRef))
    if same:
        document["sameAs"] = same
    for prop, values in properties(graph, ontology, node, site, base_iri).items():
        document.setdefault(prop, []).extend(values)
    return document


def properties(
    graph: Graph, ontology: Graph, node: URIRef, site: str, base_iri: str
) -> dict[str, list[Any]]:
    """The entity's own triples under their schema.org property."""
    found: dict[str, list[Any]] = {}
    for prop, value in sorted(graph.predicate_objects(node)):
        name = schema_property(ontology, prop) if isinstance(prop, URIRef) else None
        if name is None or name in ("name", "url"):
            continue
        if isinstance(value, URIRef):
            found.setdefault(name, []).append(node_ref(graph, ontology, value, site, base_iri))
        elif isinstance(value, Literal):
            found.setdefault(name, []).append(literal_value(value))
    return found


def dataset(
    *,
    title: str,
    description: str,
    version: str,
    site: str,
    license_iri: str,
    distributions: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """The home page's description of the dataset: schema.org Dataset and DCAT.

    ``distributions`` are (server path, media type) of the downloads.
    """
    files = [
        {
            "@id": site + path.lstrip("/"),
            "@type": ["DataDownload", "dcat:Distribution"],
            "contentUrl": site + path.lstrip("/"),
            "encodingFormat": media_type,
            "dcat:downloadURL": {"@id": site + path.lstrip("/")},
            "dcat:mediaType": media_type,
        }
        for path, media_type in distributions
    ]
    return {
        "@context": CONTEXT,
        "@id": site,
        "@type": ["Dataset", "dcat:Dataset"],
        "name": title,
        "description": description,
        "url": site,
        "version": version,
        "license": license_iri,
        "isAccessibleForFree": True,
        "inLanguage": ["en", "zh"],
        "keywords": ["live commerce", "直播带货", "officials", "China", "2020", "linked data"],
        "distribution": files,
        "dcat:distribution": files,
    }


def script(document: dict[str, Any]) -> str:
    """``document`` as the text of a ``<script type="application/ld+json">`` (``</`` escaped)."""
    return json.dumps(document, ensure_ascii=False, indent=1).replace("</", "<\\/")
