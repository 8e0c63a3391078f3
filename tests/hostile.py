"""Hostile queries and helpers shared by the hardening tests (tests/test_hardening_*.py)."""

from __future__ import annotations

import socket
from urllib.parse import urlencode

from serving import Reply, fetch

XSD = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"

# Ten VALUES blocks of ten: a product of 10^10 rows that needs no data at all (finding 1).
VALUES_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{0 1 2 3 4 5 6 7 8 9}}" for i in range(10))
    + " }"
)

# pyoxigraph 0.5.13 aborts the process (SIGABRT) sorting these: its ORDER BY comparison is not a
# total order over mixed types, and Rust's sort panics on that (finding 4).
ORDER_BY_PANIC = (
    XSD + 'SELECT ?f WHERE { VALUES ?f { "1e3"^^xsd:double "5"^^xsd:decimal "b"@en "b"@en "9"@en '
    '"3000-01-01"^^xsd:date "60000" "3000-01-01"^^xsd:date "12"@en "2020-05-29"^^xsd:date '
    '"1999-01-01"^^xsd:date "s5"@en "2020-05-29" "60000" "a"@en "2020-06-01"^^xsd:date "12"@en '
    '"60000"^^xsd:decimal "5"^^xsd:decimal "2020-06-01"^^xsd:date "2020-06-01"^^xsd:date } } '
    "ORDER BY ?f"
)


def query_url(base: str, query: str, **params: str) -> str:
    return f"{base}sparql?{urlencode({'query': query, **params})}"


def get(base: str, query: str, *, timeout: float = 30, **headers: str) -> Reply:
    """GET ``/sparql?query=`` on the server at ``base``."""
    return fetch(query_url(base, query), headers=headers, timeout=timeout)


def listening_socket() -> socket.socket:
    """A listening localhost socket (accept times out after 0.5 s)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.settimeout(0.5)
    return sock


def connections_received(sock: socket.socket) -> int:
    """How many connections ``sock`` has waiting (accepting each, until 0.5 s pass quietly)."""
    count = 0
    while True:
        try:
            sock.accept()[0].close()
        except TimeoutError:
            return count
        count += 1


def raw_exchange(host: str, port: int, data: bytes, *, timeout: float = 10) -> bytes:
    """Send ``data`` on a fresh connection, close our side, and read until the server closes or
    goes quiet."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
                if b"\r\n\r\n" in received and _complete(received):
                    break
        except TimeoutError:
            pass
        return received


def _complete(received: bytes) -> bool:
    head, _, body = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def host_port(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    return host, int(port)


def post(base: str, query: str, *, timeout: float = 30, **headers: str) -> Reply:
    """POST ``query`` directly (``application/sparql-query``) to ``/sparql`` at ``base``."""
    sent = {"Content-Type": "application/sparql-query", **headers}
    return fetch(f"{base}sparql", method="POST", data=query.encode(), headers=sent, timeout=timeout)
