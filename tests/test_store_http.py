"""The remote store's HTTP client against a real local HTTP server that records what it receives:
credentials (basic or digest) learnt from the first challenge, a body sent once, connections kept
alive, the size cap and the deadline."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kg.stores import QueryTimeout, ResultTooLarge, StoreUnavailable
from kg.stores.http import HttpClient


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    authorization: str
    body_bytes: int
    client_port: int


@dataclass
class Recorder:
    """What the test server does and what it saw."""

    scheme: str = ""  # "Basic" or "Digest": credentials required; "" none
    answer: bytes = b"ok"
    delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)


def handler_for(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            authorization = self.headers.get("Authorization", "")
            recorder.seen.append(
                Seen(self.command, authorization, len(body), self.client_address[1])
            )
            if recorder.scheme and not authorization.startswith(recorder.scheme):
                challenge = 'Basic realm="kg"'
                if recorder.scheme == "Digest":
                    challenge = 'Digest realm="kg", nonce="abc123", qop="auth", algorithm=MD5'
                self._reply(401, b"authenticate", {"WWW-Authenticate": challenge})
                return
            time.sleep(recorder.delay)
            self._reply(200, recorder.answer, {})

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer has headers only
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A test server that takes a client dropping its connection (as the size cap does) calmly."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture
def recorder() -> Iterator[tuple[Recorder, str]]:
    """A recording HTTP/1.1 server on a free localhost port, and its URL."""
    record = Recorder()
    server = QuietServer(("127.0.0.1", 0), handler_for(record))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield record, f"http://127.0.0.1:{server.server_address[1]}/store"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("scheme", ["Digest", "Basic"])
def test_a_body_is_sent_once_with_the_credentials_the_store_asks_for(
    recorder: tuple[Recorder, str], scheme: str
) -> None:
    record, url = recorder
    record.scheme = scheme
    client = HttpClient("kg", "secret")
    body = b"<urn:a> <urn:b> <urn:c> .\n" * 40_000  # 1 MB
    response = client.send("PUT", url, timeout=10, body=body)
    assert response.status == 200
    puts = [seen for seen in record.seen if seen.method == "PUT"]
    assert [put.body_bytes for put in puts] == [len(body)]  # never sent to be refused
    assert puts[0].authorization.startswith(scheme)
    assert record.seen[0].method == "HEAD"  # the scheme learnt first
    client.send("PUT", url, timeout=10, body=body)
    assert len([seen for seen in record.seen if seen.method == "PUT"]) == 2  # no new challenge
    client.close()


def test_connections_are_kept_alive_between_requests(recorder: tuple[Recorder, str]) -> None:
    record, url = recorder
    client = HttpClient()
    for _ in range(5):
        assert client.send("POST", url, timeout=10, body=b"query=ASK%7B%7D").body == b"ok"
    assert len({seen.client_port for seen in record.seen}) == 1
    client.close()


def test_an_answer_over_the_size_cap_is_refused(recorder: tuple[Recorder, str]) -> None:
    record, url = recorder
    record.answer = b"x" * 200_000
    client = HttpClient()
    with pytest.raises(ResultTooLarge):
        client.send("GET", url, timeout=10, max_bytes=100_000)
    assert len(client.send("GET", url, timeout=10, max_bytes=300_000).body) == 200_000
    client.close()


def test_a_slow_store_is_abandoned_at_the_deadline(recorder: tuple[Recorder, str]) -> None:
    record, url = recorder
    record.delay = 2.0
    client = HttpClient()
    began = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"0\.3 s"):
        client.send("GET", url, timeout=0.3)
    assert time.monotonic() - began < 1.5
    client.close()


def test_a_closed_port_is_unavailable_not_an_exception_of_httpx() -> None:
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        HttpClient().send("GET", "http://127.0.0.1:9/query", timeout=2)
