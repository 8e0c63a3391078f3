"""pyoxigraph triples as rdflib graphs: the same terms rdflib's N-Triples parser makes."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from kg.terms import rdflib_graph

NTRIPLES = b"""<http://x/a> <http://x/p> "plain" .
<http://x/a> <http://x/p> "typed as string"^^<http://www.w3.org/2001/XMLSchema#string> .
<http://x/a> <http://x/p> "\xe7\x9b\xb4\xe6\x92\xad"@zh .
<http://x/a> <http://x/p> "60000"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://x/a> <http://x/p> "060"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://x/a> <http://x/p> "2020-04-08"^^<http://www.w3.org/2001/XMLSchema#date> .
<http://x/a> <http://x/p> "tab\\there \\"quoted\\""@en .
<http://x/a> <http://x/q> _:b1 .
_:b1 <http://x/p> _:b2 .
_:b2 <http://x/p> _:b1 .
"""


def test_a_graph_from_pyoxigraph_terms_equals_rdflibs_parse() -> None:
    triples = [quad.triple for quad in ox.parse(NTRIPLES, format=ox.RdfFormat.N_TRIPLES)]
    # Oxigraph writes the store's answer as N-Triples; rdflib used to parse exactly that text
    written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    expected = Graph().parse(data=written.decode("utf-8"), format="nt")
    converted = rdflib_graph(triples)
    assert isomorphic(converted, expected)
    assert literals(converted) == literals(expected)  # datatypes and lexical forms, too


def literals(graph: Graph) -> list[str]:
    return sorted(repr(node) for node in graph.objects() if isinstance(node, Literal))
