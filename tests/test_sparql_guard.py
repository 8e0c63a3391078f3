"""The backend-independent guard: query form, update / SERVICE refusal, FROM graphs, length."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib.plugins.sparql.parser import parseQuery

from kg.query.text import QueryTooDeep, nesting_depth
from kg.stores import QueryError, QueryForm, QueryRefused, QueryTooLong
from kg.stores.guard import READ_ONLY_MESSAGE, inspect, known_graphs

LIMIT = 10_000
EX = "PREFIX ex: <http://example.org/>\n"

FORM_CASES = [
    ("SELECT * WHERE { ?s ?p ?o }", QueryForm.SELECT),
    ("select * { ?s ?p ?o }", QueryForm.SELECT),
    (
        "# SELECT, in a comment\nPREFIX a: <http://a/> BASE <http://b/> ASK { ?s ?p ?o }",
        QueryForm.ASK,
    ),
    ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
    ("DESCRIBE <http://example.org/x>", QueryForm.DESCRIBE),
    ("PREFIX select: <http://s/> DESCRIBE select:x", QueryForm.DESCRIBE),
]


@pytest.mark.parametrize(("query", "form"), FORM_CASES)
def test_query_form_is_found_after_the_prologue(query: str, form: QueryForm) -> None:
    assert inspect(query, max_length=LIMIT).form is form


UPDATES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ex:p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <http://g>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "  # comment\n  insert data { <http://a> <http://b> 1 }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_as_read_only(update: str) -> None:
    with pytest.raises(QueryRefused, match=READ_ONLY_MESSAGE):
        inspect(update, max_length=LIMIT)


# (query, uses SERVICE): the word in strings, IRIs, comments, variables and prefixed names is not
# the keyword. rdflib's parser serves as the oracle for each case (see the next test).
SERVICE_CASES = [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { service silent <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p ?o SERVICE ?endpoint { ?s ?p ?o } }", True),
    ('SELECT * WHERE { ?s ?p "service" }', False),
    ("SELECT * WHERE { ?s ?p '''a SERVICE\nb''' }", False),
    ("SELECT * WHERE { ?s <http://example.org/service> ?o }", False),
    ("SELECT ?service WHERE { ?service ?p ?o }", False),
    (EX + "SELECT * WHERE { ?s ex:service ?o }", False),
    ("PREFIX service: <http://s/> SELECT * WHERE { ?s service:x ?o }", False),
    ("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }", False),
    (EX + "SELECT * WHERE { ?s ex:a.service ?o }", False),
]


@pytest.mark.parametrize(("query", "uses_service"), SERVICE_CASES)
def test_service_is_refused_only_when_it_is_the_keyword(query: str, uses_service: bool) -> None:
    if uses_service:
        with pytest.raises(QueryRefused, match="SERVICE"):
            inspect(query, max_length=LIMIT)
    else:
        assert inspect(query, max_length=LIMIT).form is QueryForm.SELECT


@pytest.mark.parametrize(("query", "uses_service"), SERVICE_CASES)
def test_rdflib_parser_agrees_on_service(query: str, uses_service: bool) -> None:
    parsed = str(parseQuery(query))
    assert ("ServiceGraphPattern" in parsed) is uses_service


FROM_CASES = [
    ("SELECT * WHERE { ?s ?p ?o }", (), ()),
    ("SELECT * FROM <http://g/1> WHERE { ?s ?p ?o }", ("http://g/1",), ()),
    (
        "PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED g:b FROM NAMED <http://g/c> {}",
        ("http://g/a",),
        ("http://g/b", "http://g/c"),
    ),
    ("BASE <http://g/> SELECT * FROM <x> { ?s ?p ?o }", ("http://g/x",), ()),
    ('SELECT * WHERE { ?s ?p "from <http://g/not>" }', (), ()),
    ("SELECT ?from WHERE { ?from ?p ?o }", (), ()),
]


@pytest.mark.parametrize(("query", "default", "named"), FROM_CASES)
def test_from_clauses_are_resolved(query: str, default: tuple[str], named: tuple[str]) -> None:
    info = inspect(query, max_length=LIMIT)
    assert (info.from_graphs, info.from_named_graphs) == (default, named)


def test_an_unknown_graph_in_a_dataset_is_replaced_by_an_empty_one() -> None:
    graphs = {"http://g/1", "http://g/2"}
    named = ("http://g/1", "http://other/", "http://g/2")
    assert known_graphs(named, graphs, "urn:empty") == ("http://g/1", "urn:empty", "http://g/2")


def test_a_long_query_is_refused_with_the_limit() -> None:
    query = "SELECT * WHERE { ?s ?p ?o }" + " " * 100
    assert inspect(query, max_length=len(query)).form is QueryForm.SELECT
    with pytest.raises(QueryTooLong, match=str(len(query) - 1)):
        inspect(query, max_length=len(query) - 1)


def test_text_without_a_query_form_names_what_was_expected() -> None:
    with pytest.raises(QueryError, match=r"expected SELECT, ASK, CONSTRUCT or DESCRIBE.*'hello'"):
        inspect("hello world", max_length=LIMIT)


DEPTH_CASES = [
    ("SELECT * WHERE { ?s ?p ?o }", 1),
    ('SELECT * WHERE { ?s ?p "((((" }', 1),
    ("SELECT * WHERE { ?s ?p '''{{\n{{''' }", 1),
    ("SELECT * WHERE { ?s ?p ?o } # ((((((", 1),
    ("SELECT * WHERE { ?s ?p <http://x/a#b> FILTER((1)) }", 3),
    ("SELECT * WHERE { FILTER(?a<?b)((((1))))>0) }", 5),  # a less-than that looks like an IRI
    ("SELECT * WHERE { ?s ?p [ ?q ( 1 ( 2 ) ) ] }", 4),
]


@pytest.mark.parametrize(("query", "depth"), DEPTH_CASES)
def test_nesting_depth_skips_strings_and_comments(query: str, depth: int) -> None:
    assert nesting_depth(query) == depth


def test_a_deep_query_is_refused_before_parsing() -> None:
    query = "SELECT * WHERE " + "{" * 101 + "}" * 101
    assert inspect(query, max_length=LIMIT, max_nesting=101).form is QueryForm.SELECT
    with pytest.raises(QueryTooDeep, match="nests brackets 101 deep; the limit is 100"):
        inspect(query, max_length=LIMIT, max_nesting=100)


def test_a_query_naming_service_that_cannot_be_checked_is_refused() -> None:
    with pytest.raises(QueryRefused, match="could not be checked"):
        inspect("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ", max_length=LIMIT)


def test_threads_checking_queries_at_once_get_the_same_findings() -> None:
    """A remote store's threaded workers inspect queries concurrently; rdflib's parser is not
    thread-safe on its own, so the guard must never turn a concurrent parse into a refusal."""
    queries = [
        f"PREFIX ex: <http://example.org/> SELECT ?s FROM <http://example.org/g{n}> "
        f"WHERE {{ ?s ex:p <http://example.org/service-{n}> OPTIONAL {{ ?s ex:q ?o }} }}"
        for n in range(400)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda q: inspect(q, max_length=10_000), queries))
    assert [info.from_graphs for info in found] == [
        (f"http://example.org/g{n}",) for n in range(400)
    ]
