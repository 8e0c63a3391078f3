"""Slow clients trickling a request's header or body cost others nothing (issue #10, finding 7):
real sockets against a real ``kg serve``."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from hostile import get, host_port

HEAD = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: "
BODY_HEAD = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 1000\r\n\r\nASK "
)


@pytest.fixture(scope="module")
def server_url(kg_server: object) -> str:
    return kg_server("--no-validate", "--workers", "2")  # type: ignore[operator]


@contextlib.contextmanager
def tricklers(base: str, count: int, opening: bytes) -> Iterator[list[socket.socket]]:
    """``count`` connections that sent ``opening`` and then send one more byte every second."""
    host, port = host_port(base)
    sockets = [socket.create_connection((host, port), timeout=5) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.sendall(opening)
        while not stop.wait(1.0):
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join()
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("count", [4, 50])
@pytest.mark.parametrize("opening", [HEAD, BODY_HEAD], ids=["header", "body"])
def test_trickling_clients_do_not_starve_others(
    server_url: str, count: int, opening: bytes
) -> None:
    with tricklers(server_url, count, opening):
        time.sleep(1.5)  # they are all connected and sending
        timings = []
        for _ in range(3):
            started = time.monotonic()
            reply = get(server_url, "ASK { ?s ?p ?o }", timeout=20)
            timings.append(time.monotonic() - started)
            assert reply.status == 200
        assert max(timings) < 2.0, timings


def test_a_request_not_received_in_time_gets_408(kg_server: object) -> None:
    url = kg_server("--no-validate", "--workers", "1", "--read-timeout", "3")  # type: ignore[operator]
    host, port = host_port(url)
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(HEAD)
        started = time.monotonic()
        answer = b""
        while time.monotonic() - started < 15:
            try:
                sock.sendall(b"a")
            except OSError:
                break
            sock.settimeout(1.0)
            with contextlib.suppress(TimeoutError):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert 2.5 < time.monotonic() - started < 6
