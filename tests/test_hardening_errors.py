"""No 500 for a client's mistake: unknown functions and casts, evaluation errors, control
characters in paths that reach headers, malformed HTTP framing (issue #10, finding 3)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from hostile import XSD, host_port, raw_exchange

UNSUPPORTED = {
    "xsd:byte cast": XSD + 'SELECT (xsd:byte("1") AS ?x) WHERE {}',
    "xsd:unsignedLong cast": XSD + 'SELECT (xsd:unsignedLong("1") AS ?x) WHERE {}',
    "unknown function": "SELECT (<urn:x:f>(1) AS ?x) WHERE {}",
    "in a filter of an ASK": XSD + "ASK { FILTER(xsd:byte(1)) }",
    "in a CONSTRUCT": XSD + "CONSTRUCT { ?s ?p ?o } WHERE { BIND(xsd:byte(1) AS ?o) }",
}


def assert_clean(text: str) -> None:
    assert "Traceback" not in text and "/src/" not in text and ".py" not in text


@pytest.mark.parametrize("query", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_unsupported_functions_are_a_clear_400(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql?query=" + quote(query))
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    assert "is not supported" in text
    assert_clean(text)


EVALUATION = {
    "impossible date": XSD + 'SELECT (xsd:date("2020-02-30") AS ?x) WHERE {}',
    "int of text": XSD + 'SELECT (xsd:integer("abc") AS ?x) WHERE {}',
    "division by zero": "SELECT (1/0 AS ?x) WHERE {}",
    "huge limit": "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
}


@pytest.mark.parametrize("query", EVALUATION.values(), ids=EVALUATION.keys())
def test_evaluation_errors_are_never_a_500(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql?query=" + quote(query))
    assert response.status_code in (200, 400)
    assert_clean(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "path",
    ["/id/x%0d", "/id/x%0a", "/id/official/a%0D%0Ab", "/id/x%0D.ttl", "/id/a%00b", "/id/%0d/"],
)
@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "image/png"])
def test_control_characters_in_an_id_path_are_a_404(
    client: FlaskClient, path: str, accept: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code in (301, 404, 406)
    for value in response.headers.values():
        assert "\r" not in value and "\n" not in value
    assert_clean(response.get_data(as_text=True))


@pytest.mark.parametrize("host", ['a"b', "a\x7fb", "x" * 300])
def test_an_odd_host_header_does_not_break_the_service_description(
    client: FlaskClient, host: str
) -> None:
    response = client.get("/sparql", headers={"Host": host, "Accept": "text/turtle"})
    assert response.status_code in (200, 400)


FRAMING = {
    "bad chunk size": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
    b"sparql-query\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n",
    "chunk longer than said": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
    b"sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nASK {}\r\n0\r\n\r\n",
    "content-length not a number": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
    b"application/sparql-query\r\nContent-Length: abc\r\n\r\nASK {}",
    "two content-lengths": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
    b"sparql-query\r\nContent-Length: 6\r\nContent-Length: 7\r\n\r\nASK {}",
    "body shorter than said": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
    b"sparql-query\r\nContent-Length: 60\r\nConnection: close\r\n\r\nASK {}",
    "bad form encoding": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
    b"x-www-form-urlencoded; charset=utf-8\r\nContent-Length: 9\r\n\r\nquery=%ff",
    "not utf-8 query": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
    b"sparql-query\r\nContent-Length: 7\r\n\r\nASK {\xff}",
    "header without colon": b"GET /sparql HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n",
    "control in target": b"GET /id/a\x01b HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad percent in query": b"GET /sparql?query=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("request_bytes", FRAMING.values(), ids=FRAMING.keys())
def test_malformed_framing_is_a_4xx(live_url: str, request_bytes: bytes) -> None:
    host, port = host_port(live_url)
    answer = raw_exchange(host, port, request_bytes, timeout=5)
    status_line = answer.split(b"\r\n", 1)[0]
    assert answer, "no answer at all"
    status = int(status_line.split()[1])
    assert status < 500 or status == 503, answer[:300]
    assert b"Traceback" not in answer
