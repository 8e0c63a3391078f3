"""Nothing a client sends is evaluated outside the time limit, and over-deep queries are refused
before any parser sees them (issue #10, findings 1 and 5)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import VALUES_PRODUCT, get, post

from kg.cli import ExitCode
from kg.config import Settings
from kg.formats import FORMATS_BY_NAME
from kg.stores import QueryAborted, QueryRequest, QueryTimeout, open_store, select_rows

KG = str(Path(sys.executable).with_name("kg"))


@pytest.fixture(scope="module")
def one_second_url(kg_server: object, serve_store_options: list[str]) -> str:
    """``kg serve --timeout 1`` on the backend under test (tests/backends.py)."""
    args = ("--no-validate", "--workers", "1", "--timeout", "1", *serve_store_options)
    return kg_server(*args)  # type: ignore[operator]


def test_a_values_product_gets_the_time_limit_answer_in_about_the_limit(
    one_second_url: str,
) -> None:
    started = time.monotonic()
    reply = get(one_second_url, VALUES_PRODUCT, timeout=20)
    elapsed = time.monotonic() - started
    assert reply.status == 503
    assert "time limit of 1 s" in reply.text
    assert elapsed < 5
    assert get(one_second_url, "ASK { ?s ?p ?o }").status == 200  # the worker still serves


def test_the_cli_stops_a_values_product_at_the_limit() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [KG, "query", "--timeout", "1", VALUES_PRODUCT],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == ExitCode.TIMEOUT, done.stderr
    assert "time limit of 1 s" in done.stderr
    assert time.monotonic() - started < 15  # start-up (loading the graph) included


def test_an_internal_reader_runs_under_the_limit_too() -> None:
    store = open_store(Settings(timeout=1))
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            select_rows(store, VALUES_PRODUCT)
        assert time.monotonic() - started < 5
    finally:
        store.close()


DEEP = {
    "braces 3,000": "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
    "parentheses 5,000": "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "STR(STR(…)) 1,000": "SELECT * WHERE { BIND(" + "STR(" * 1000 + "1" + ")" * 1000 + " AS ?x) }",
    "blank-node property lists 500": "SELECT * WHERE { ?s <http://p> "
    + "[ <http://p> " * 500
    + "1"
    + " ]" * 500
    + " }",
    "collections 200": "SELECT * WHERE { ?s <http://p> " + "( " * 200 + "1" + " )" * 200 + " }",
    "1+1+… 9,000": "SELECT * WHERE { BIND(" + "+".join(["1"] * 9000) + " AS ?x) }",
}


@pytest.mark.parametrize("query", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_cheaply_with_the_limit(one_second_url: str, query: str) -> None:
    started = time.monotonic()
    reply = post(one_second_url, query)
    assert reply.status == 400
    assert "the limit is 100 (kgs:maxNesting" in reply.text or "the limit is 500" in reply.text
    assert time.monotonic() - started < 2


def test_past_the_limits_a_crash_costs_only_an_evaluator() -> None:
    """With the operator limit lifted, ``1+1+…`` (9,000 terms) overflows the engine's stack: it
    stops the evaluator it runs in (503 stating the limits), and the next query is answered."""
    store = open_store(Settings(max_operators=100_000, timeout=10))
    json = FORMATS_BY_NAME["json"]
    query = "SELECT * WHERE { BIND(" + "+".join(["1"] * 9000) + " AS ?x) }"
    try:
        with pytest.raises(QueryAborted, match="engine fault"):
            store.query(QueryRequest(query), json)
        assert store.query(QueryRequest("ASK {}"), json) == b'{"head":{},"boolean":true}'
    finally:
        store.close()


def test_the_nesting_limit_is_in_the_service_description(one_second_url: str) -> None:
    from serving import fetch

    reply = fetch(one_second_url + "sparql", headers={"Accept": "text/turtle"})
    assert "kgs:maxNesting 100" in reply.text and "kgs:maxOperators 500" in reply.text
