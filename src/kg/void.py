"""The dataset's statistics and its VoID (+ DCAT) description, counted with SPARQL on the store.

See https://www.w3.org/TR/void/ (§4 statistics, §6 class partitions, §7.2 ``/.well-known/void``).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from kg.export import DUMP_FORMATS, dump_filename
from kg.formats import FORMATS_BY_NAME
from kg.namespaces import DCAT, PREFIXES, VOID, bind_prefixes
from kg.stats import Stats, dataset_stats
from kg.stores import Store, select_rows

TITLE = "officials-kg: Chinese officials' live-commerce broadcasts in 2020"
DESCRIPTION = (
    "An open knowledge graph of Chinese officials who sold goods in live-stream broadcasts "
    "during the 2020 epidemic: who sold what, where, on which platform, to how many viewers, "
    "for how much, and the sentence of the source that says so."
)
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
NOT_VOCABULARIES = {"id", "sh", "void", "xsd", "sd"}  # prefixes that are not vocabularies we use


def vocabularies(store: Store, ontology_iri: str) -> list[str]:
    """Our ontology and the namespaces (of our prefix map) whose terms the data uses."""
    rows = select_rows(store, "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }")
    used = {str(row["t"]) for row in rows}
    found = {
        iri
        for prefix, iri in PREFIXES.items()
        if prefix not in NOT_VOCABULARIES and any(term.startswith(iri) for term in used)
    }
    found.discard(ontology_iri + "#")
    return [ontology_iri, *sorted(found)]


def _add_class_partitions(graph: Graph, dataset: URIRef, stats: Stats) -> None:
    for class_iri, count in sorted(stats.classes.items()):
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(class_iri)))
        graph.add((partition, VOID.entities, Literal(count)))


def _add_dumps(graph: Graph, dataset: URIRef, service_root: str) -> None:
    for name in DUMP_FORMATS:
        fmt = FORMATS_BY_NAME[name]
        url = URIRef(service_root + "dumps/" + dump_filename(fmt, compressed=True))
        graph.add((dataset, VOID.dataDump, url))
        distribution = BNode()
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, URIRef(_iana(fmt.media_type))))
        graph.add((distribution, DCAT.compressFormat, URIRef(_iana("application/gzip"))))


def _iana(media_type: str) -> str:
    return "http://www.iana.org/assignments/media-types/" + media_type


def void_graph(store: Store, *, base_iri: str, service_root: str) -> Graph:
    """The VoID description; ``service_root`` is where this service answers (``http://host/``)."""
    uri_space = base_iri + "id/"
    stats = dataset_stats(store, uri_space)
    dataset = URIRef(dataset_iri(base_iri))
    graph = bind_prefixes(Graph())
    facts: list[tuple[URIRef, Node]] = [
        (RDF.type, VOID.Dataset),
        (RDF.type, DCAT.Dataset),
        (DCTERMS.title, Literal(TITLE, lang="en")),
        (DCTERMS.description, Literal(DESCRIPTION, lang="en")),
        (DCTERMS.license, LICENSE),
        (VOID.triples, Literal(stats.triples)),
        (VOID.entities, Literal(stats.entities)),
        (VOID.distinctSubjects, Literal(stats.subjects)),
        (VOID.properties, Literal(stats.properties)),
        (VOID.classes, Literal(stats.class_count)),
        (VOID.sparqlEndpoint, URIRef(service_root + "sparql")),
        (VOID.uriSpace, Literal(uri_space)),
        (VOID.rootResource, URIRef(base_iri + "ontology")),
        (DCAT.landingPage, URIRef(service_root)),
    ]
    facts += [(VOID.vocabulary, URIRef(v)) for v in vocabularies(store, base_iri + "ontology")]
    for predicate, obj in facts:
        graph.add((dataset, predicate, obj))
    _add_class_partitions(graph, dataset, stats)
    _add_dumps(graph, dataset, service_root)
    return graph


def dataset_iri(base_iri: str) -> str:
    """The IRI of the dataset itself (described by VoID)."""
    return base_iri + "void#dataset"
