"""gunicorn's threaded worker, reading each request whole before a thread takes it.

gunicorn's ``gthread`` worker hands a connection to a thread as soon as its first bytes arrive,
and the thread then reads the rest of the request with blocking calls: four clients sending a
byte every two seconds hold four threads, and with them the whole service. This worker reads the
request — header, then body up to its ``Content-Length`` or its last chunk — in the worker's
event loop, without a thread, and gives the connection to a thread only once the request is all
there (or too large to wait for: the parser then answers 413/431). A request not received
within ``read_timeout`` seconds of its first byte is answered 408 and its connection closed; so
slow clients cost a socket and a buffer each, never a thread.

A request announcing ``Expect: 100-continue`` is handed over after its header: the client waits
for the interim answer, which the thread sends when the application reads the body.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

HEAD_END = b"\r\n\r\n"
LAST_CHUNK = b"0\r\n\r\n"
MAX_HEAD_BYTES = 64 * 1024  # a header longer than this goes to the parser (which refuses it)
RECV_BYTES = 64 * 1024


def _answer(status: str, message: str) -> bytes:
    """A complete plain-text HTTP answer that closes the connection."""
    body = f"{status}: {message}\n".encode()
    head = (
        f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


LINGER_SECONDS = 2.0  # how long an answered slow client's socket is drained before it is closed
TIMEOUT_ANSWER = _answer("408 Request Timeout", "the request was not received in time")
INCOMPLETE_ANSWER = _answer("400 Bad Request", "the request ended before its announced length")


class BufferingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """A ``gthread`` worker whose threads only ever see requests that have fully arrived."""

    read_timeout = 30.0  # set by the server from the ``read_timeout`` setting
    max_body_bytes = 1_000_000

    def init_process(self) -> None:
        self.arriving: dict[Any, tuple[bytearray, float]] = {}  # conn -> (bytes, deadline)
        self.lingering: list[tuple[Any, float]] = []  # answered 408: (conn, close at)
        super().init_process()

    def accept(self, listener: Any) -> None:
        """Accept a connection and start reading its first request (no thread yet)."""
        try:
            client, address = listener.accept()
        except OSError:
            return
        self.nr_conns += 1
        client.setblocking(False)
        from gunicorn.workers.gthread import TConn

        self._receive(TConn(self.cfg, client, address, listener.getsockname()))

    def on_client_socket_readable(self, conn: Any, client: Any) -> None:
        """A kept-alive connection has a new request coming: read it before a thread does."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._receive(conn)

    def _receive(self, conn: Any) -> None:
        conn.sock.setblocking(False)
        self.arriving[conn] = (bytearray(), time.monotonic() + self.read_timeout)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_some, conn))

    def _read_some(self, conn: Any, client: Any) -> None:
        """Read what has arrived; hand the connection to a thread once the request is whole."""
        buffer, _ = self.arriving[conn]
        try:
            data = client.recv(RECV_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client stopped sending: a request cut short is answered 400
            if buffer:
                with contextlib.suppress(OSError):
                    conn.sock.send(INCOMPLETE_ANSWER)
            self._drop(conn)
            return
        buffer += data
        if request_complete(buffer, self.max_body_bytes):
            self.poller.unregister(client)
            del self.arriving[conn]
            conn.kg_received = bytes(buffer)
            conn.data_ready = True
            self.enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        """Run the request on a thread, its bytes already received."""
        received = getattr(conn, "kg_received", None)
        if received is not None:
            conn.kg_received = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(received)
        return super().handle(conn)

    def murder_pending(self) -> None:
        """Also answer 408 to connections whose request did not arrive in time."""
        super().murder_pending()
        now = time.monotonic()
        self._close_lingering(now)
        late = [conn for conn, (_, deadline) in self.arriving.items() if deadline <= now]
        for conn in late:
            with contextlib.suppress(OSError):
                conn.sock.send(TIMEOUT_ANSWER)
                conn.sock.shutdown(socket.SHUT_WR)
            self._drop(conn, linger_until=now + LINGER_SECONDS)

    def _drop(self, conn: Any, *, linger_until: float | None = None) -> None:
        """Forget ``conn``; close it now, or after ``linger_until`` (a lingering close)."""
        self.arriving.pop(conn, None)
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        if linger_until is None:
            conn.close()
        else:
            self.lingering.append((conn, linger_until))

    def _close_lingering(self, now: float) -> None:
        """Discard what answered clients still send, and close their sockets once due.

        Closing a socket that still receives data makes the kernel reset the connection, and a
        reset can destroy the answer before the client reads it; so the answer is followed by a
        FIN, and the socket is drained for ``LINGER_SECONDS`` before it is closed (as web
        servers do for an error answered before the request was read).
        """
        keep = []
        for conn, due in self.lingering:
            with contextlib.suppress(OSError):
                while conn.sock.recv(65536, socket.MSG_DONTWAIT):
                    pass
            if due <= now:
                conn.close()
            else:
                keep.append((conn, due))
        self.lingering = keep


def request_complete(buffer: bytes | bytearray, max_body_bytes: int) -> bool:
    """Whether ``buffer`` holds a whole request (or enough for the parser to refuse it)."""
    end = buffer.find(HEAD_END)
    if end < 0:
        return len(buffer) > MAX_HEAD_BYTES
    head = bytes(buffer[:end]).lower()
    body = len(buffer) - end - len(HEAD_END)
    if b"\nexpect:" in head and b"100-continue" in head:
        return True
    if b"\ntransfer-encoding:" in head:
        return buffer.endswith(LAST_CHUNK) or body > max_body_bytes
    length = _content_length(head)
    return length is None or body >= min(length, max_body_bytes + 1)


def _content_length(head: bytes) -> int | None:
    """The request's ``Content-Length`` (None if absent or unreadable: the parser decides)."""
    values = [
        line.partition(b":")[2].strip()
        for line in head.split(b"\r\n")[1:]
        if line.partition(b":")[0].strip() == b"content-length"
    ]
    if len(set(values)) != 1 or not values[0].isdigit():
        return None
    return int(values[0])
