"""What entity pages and the home page carry for machines and for onward navigation: schema.org
JSON-LD (:mod:`kg.browse.jsonld`) and links to the views of an entity's broadcasts."""

from __future__ import annotations

from flask import request
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg import __version__
from kg.browse.jsonld import dataset, entity, script
from kg.browse.views import entity_links
from kg.export import DUMP_FORMATS, dump_filename
from kg.formats import FORMATS_BY_NAME
from kg.namespaces import BASE_IRI
from kg.web.rendering import cached_ontology

LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def entity_jsonld(graph: Graph, iri: str) -> str:
    """The schema.org JSON-LD of the entity ``iri`` (from its description graph)."""
    document = entity(graph, cached_ontology(), iri, site=request.host_url, base_iri=BASE_IRI)
    return script(document)


def entity_view_links(graph: Graph, iri: str) -> list[tuple[str, str]]:
    """Links to the timeline, map, network and browse page of the entity's broadcasts."""
    ontology = cached_ontology()
    classes: set[Node] = {
        c
        for t in graph.objects(URIRef(iri), RDF.type)
        for c in ontology.transitive_objects(t, RDFS.subClassOf)
        if c is not None
    }
    return entity_links(classes, iri, BASE_IRI)


def dataset_jsonld(description: str) -> str:
    """The home page's schema.org Dataset / DCAT description, with every dump as a distribution."""
    dumps = [
        ("/dumps/" + dump_filename(FORMATS_BY_NAME[name], compressed=True), "application/gzip")
        for name in DUMP_FORMATS
    ]
    dumps += [
        (
            "/dumps/" + dump_filename(FORMATS_BY_NAME[name], compressed=False),
            FORMATS_BY_NAME[name].media_type,
        )
        for name in DUMP_FORMATS
    ]
    return script(
        dataset(
            title="officials-kg: Chinese officials' live-commerce broadcasts (带货), 2020",
            description=description,
            version=__version__,
            site=request.host_url,
            license_iri=LICENSE,
            distributions=dumps,
        )
    )
