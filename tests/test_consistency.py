"""OWL 2 RL consistency of the ontology and data (owlrl), and the ontology's own completeness.

owlrl reports a clash (disjoint classes sharing a member, an owl:Nothing member, …) by adding
``[] a err:ErrorMessage ; err:error "…"`` to the closure (``err:`` = the DAML agent ontology
namespace, see ``owlrl.Closure.Core.closure``). The inline graphs below prove those reports are
seen, so the test on the real graph can fail.
"""

from __future__ import annotations

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.config import Settings
from kg.loading import graph_sources, parse_turtle, turtle_files, union_graph
from kg.namespaces import ID, OKG, ONTOLOGY_IRI

ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


def owl_rl_closure(graph: Graph) -> Graph:
    """A copy of ``graph`` expanded with the OWL 2 RL closure."""
    closure = Graph()
    closure += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    return closure


def reported_errors(closure: Graph) -> list[str]:
    """The inconsistencies owlrl recorded in ``closure``, and any owl:Nothing members."""
    errors = [
        str(closure.value(m, ERR.error)) for m in closure.subjects(RDF.type, ERR.ErrorMessage)
    ]
    errors += [f"{s} is a member of owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing)]
    return sorted(errors)


@pytest.fixture(scope="module")
def closure(settings: Settings) -> Graph:
    """The OWL 2 RL closure of the published graph (ontology and data)."""
    return owl_rl_closure(union_graph(graph_sources(settings)))


@pytest.fixture(scope="module")
def ontology(settings: Settings) -> Graph:
    graph = Graph()
    for path in turtle_files(settings.ontology_dir):
        graph += parse_turtle(path)
    return graph


def test_ontology_and_data_are_owl_rl_consistent(closure: Graph) -> None:
    assert len(closure) > 1000
    assert reported_errors(closure) == []


PREFIXES = """
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/> .
"""

# (name, Turtle added to the ontology, a word the error message must contain)
CLASHES = [
    ("district that is also a county", "ex:x a okg:County , okg:District .", "Disjoint"),
    ("official that is also a region", "ex:x a okg:Official , okg:Region .", "Disjoint"),
    (
        "company that is also a government body",
        "ex:x a okg:Company , okg:GovernmentBody .",
        "Disjoint",
    ),
    ("region hosting a broadcast", "ex:b okg:host ex:r . ex:r a okg:Region .", "Disjoint"),
    ("figure measured in a region", "ex:f okg:unit ex:r . ex:r a okg:Region .", "Disjoint"),
    ("a member of owl:Nothing", "ex:x a owl:Nothing .", "Nothing"),
]


@pytest.mark.parametrize(("extra", "word"), [c[1:] for c in CLASHES], ids=[c[0] for c in CLASHES])
def test_an_inconsistent_graph_is_caught(ontology: Graph, extra: str, word: str) -> None:
    graph = Graph()
    graph += ontology
    graph.parse(data=PREFIXES + extra, format="turtle")
    errors = reported_errors(owl_rl_closure(graph))
    assert errors
    assert any(word in error for error in errors)


def test_the_closure_infers_the_expected_classes(closure: Graph) -> None:
    """Subclass axioms reach the top-level classes (so the disjointness checks above apply)."""
    for member, kind in [
        ("official/chen-ping", OKG.Official),
        ("region/huangpi-district", OKG.Region),
        ("organization/pinduoduo", OKG.Organization),
    ]:
        assert (ID[member], RDF.type, kind) in closure
    # okg:locatedIn is transitive: Huangpi < Wuhan < Hubei < China
    assert (ID["region/huangpi-district"], OKG.locatedIn, ID["region/china"]) in closure


def okg_terms(ontology: Graph) -> list[URIRef]:
    return sorted(
        {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(OKG))}
    )


def test_every_ontology_term_is_labelled_defined_and_owned(ontology: Graph) -> None:
    terms = okg_terms(ontology)
    assert len(terms) > 80
    incomplete = []
    for term in terms:
        languages = sorted(label.language or "" for label in ontology.objects(term, RDFS.label))
        defined = (term, SKOS.definition, None) in ontology
        owned = (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in ontology
        if languages != ["en", "zh"] or not defined or not owned:
            incomplete.append(str(term))
    assert not incomplete


def test_every_okg_term_the_ontology_mentions_is_declared(ontology: Graph) -> None:
    declared = set(okg_terms(ontology))
    mentioned = {o for o in ontology.objects() if isinstance(o, URIRef) and o.startswith(str(OKG))}
    assert mentioned <= declared


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(header, OWL.versionInfo)) == "0.2.0"
    assert ontology.value(header, OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.2.0")
    assert ontology.value(header, OWL.priorVersion) == URIRef(ONTOLOGY_IRI + "/0.1.0")


@pytest.mark.parametrize(
    "prop",
    [OKG.officeOf, OKG.value, OKG.unit, OKG.qualifier, OKG.measures, OKG.figureOf, OKG.platform],
)
def test_exactly_one_properties_are_functional(ontology: Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.FunctionalProperty) in ontology
