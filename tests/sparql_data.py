"""A small dataset written for the endpoint tests, so that every expected answer is exact."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import XSD

from kg.config import Settings

EX = Namespace("http://example.org/")
PREFIX = "PREFIX ex: <http://example.org/>\n"
GRAPH = "https://w3id.org/officials-kg/graph/"

FILES = {
    "ontology/vocab.ttl": """
        @prefix ex: <http://example.org/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:name rdfs:label "name"@en .
    """,
    "data/people.ttl": """
        @prefix ex: <http://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:alice ex:name "Alice"@en , "爱丽丝"@zh ; ex:age 30 ; ex:knows ex:bob .
        ex:bob ex:name "Bob, \\"the builder\\"" ; ex:age "41.5"^^xsd:decimal ;
            ex:knows [ ex:name "Anon" ] .
    """,
    "data/extra.ttl": """
        @prefix ex: <http://example.org/> .
        ex:carol ex:name "Carol\\nline two" .
    """,
}
PEOPLE_GRAPH = GRAPH + "data/people"
EXTRA_GRAPH = GRAPH + "data/extra"
ONTOLOGY_GRAPH = GRAPH + "ontology/vocab"

BNODE = "<blank node>"  # stands for any blank node in expected rows

SELECT = (
    PREFIX
    + "SELECT ?person ?name ?age WHERE { ?person ex:name ?name OPTIONAL { ?person ex:age ?age } }"
)
SELECT_VARS = ("person", "name", "age")
SELECT_ROWS = {
    (EX.alice, Literal("Alice", lang="en"), Literal("30", datatype=XSD.integer)),
    (EX.alice, Literal("爱丽丝", lang="zh"), Literal("30", datatype=XSD.integer)),
    (EX.bob, Literal('Bob, "the builder"'), Literal("41.5", datatype=XSD.decimal)),
    (BNODE, Literal("Anon"), None),
    (EX.carol, Literal("Carol\nline two"), None),
}
ASK_TRUE = PREFIX + "ASK { ex:alice ex:knows ex:bob }"
ASK_FALSE = PREFIX + "ASK { ex:bob ex:knows ex:alice }"
CONSTRUCT = (
    PREFIX
    + "CONSTRUCT { ?s ex:knows ?o . ?o ex:name ?n }"
    + " WHERE { ?s ex:knows ?o OPTIONAL { ?o ex:name ?n } }"
)


def write_dataset(root: Path) -> Settings:
    """Write the dataset's files under ``root``; settings that serve it (shapes folder empty)."""
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "shapes").mkdir(exist_ok=True)
    return Settings(
        ontology_dir=root / "ontology", data_dir=root / "data", shapes_dir=root / "shapes"
    )


def expected_graph(query: str) -> Graph:
    """The answer of rdflib (an independent engine) to a CONSTRUCT on the dataset's union."""
    union = Graph()
    for text in FILES.values():
        union.parse(data=text, format="turtle")
    result = union.query(query).graph
    assert result is not None
    return result
