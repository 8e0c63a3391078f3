"""HTTP to a remote store: pooled keep-alive connections, a hard deadline, a size cap, credentials.

One :class:`httpx.Client` per process (a client made before ``fork`` is never reused by a
worker), shared by the process's threads: connections to the store are kept open between
queries. Credentials answer the store's challenge, HTTP basic or digest, and once its scheme is
known they go with every request (digest reuses the store's last nonce). A request with a body is
preceded, on first contact, by a bodyless ``HEAD`` that learns the scheme, so a large upload is
sent once, with its credentials. (urllib, used before, could not load a file of a few MB through
Virtuoso's digest-protected Graph Store: Virtuoso answers 401 before reading the body and closes
the connection, and urllib failed on the broken pipe instead of reading that answer.)
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Generator, Iterator, Mapping
from typing import NamedTuple

import httpx

from kg.stores import QueryTimeout, ResultTooLarge, StoreUnavailable

CHUNK = 1 << 16
ERROR_BODY_BYTES = 1 << 20  # an error answer is read up to this size, then cut
POOL_CONNECTIONS = 32  # connections kept open to the store, per process


class Response(NamedTuple):
    """A store's answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class StoreAuth(httpx.Auth):
    """HTTP basic or digest authentication, whichever the store's first challenge asks for."""

    def __init__(self, user: str, password: str):
        self._schemes: dict[str, httpx.Auth] = {
            "digest": httpx.DigestAuth(user, password),
            "basic": httpx.BasicAuth(user, password),
        }
        self._scheme: httpx.Auth | None = None

    @property
    def scheme_known(self) -> bool:
        """Whether the store has challenged us yet (credentials then go with every request)."""
        return self._scheme is not None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is None:
            response = yield request
            challenge = response.headers.get("www-authenticate", "").lower()
            if response.status_code != 401 or not challenge:
                return
            self._scheme = self._schemes["digest" if "digest" in challenge else "basic"]
        yield from self._scheme.auth_flow(request)


class HttpClient:
    """HTTP calls with a hard deadline, a size cap and credentials, on pooled connections."""

    def __init__(self, user: str | None = None, password: str | None = None):
        self._auth = StoreAuth(user, password or "") if user is not None else None
        self._client: httpx.Client | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def send(
        self,
        method: str,
        url: str,
        *,
        timeout: float,
        max_bytes: int | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send one request; raise :class:`QueryTimeout` past ``timeout`` seconds in all."""
        deadline = time.monotonic() + timeout
        try:
            if body and self._auth is not None and not self._auth.scheme_known:
                self._exchange("HEAD", url, deadline, None, None, {})  # learn the scheme first
            return self._exchange(method, url, deadline, max_bytes, body, headers or {})
        except httpx.TimeoutException as error:
            raise QueryTimeout(f"the store did not answer within {timeout:g} s") from error
        except httpx.TransportError as error:
            raise StoreUnavailable("the store cannot be reached") from error
        except httpx.HTTPError as error:
            raise StoreUnavailable(f"the store cannot be reached: {error}") from error

    def close(self) -> None:
        """Close this process's connections (the next request opens new ones)."""
        with self._lock:
            if self._client is not None and self._pid == os.getpid():
                self._client.close()
            self._client = None

    def __del__(self) -> None:  # a forgotten client still closes its sockets when collected
        with contextlib.suppress(Exception):
            self.close()

    def _exchange(
        self,
        method: str,
        url: str,
        deadline: float,
        max_bytes: int | None,
        body: bytes | None,
        headers: Mapping[str, str],
    ) -> Response:
        """One request and its whole answer, read by ``deadline`` (httpx errors pass through)."""
        remaining = max(deadline - time.monotonic(), 0.001)
        with self._pooled().stream(
            method, url, content=body, headers=headers, timeout=remaining
        ) as answer:
            ok = answer.is_success
            data = _read_until(
                answer.iter_bytes(CHUNK),
                deadline,
                max_bytes if ok else ERROR_BODY_BYTES,
                cut=not ok,
            )
            received = {name.lower(): value for name, value in answer.headers.items()}
            return Response(answer.status_code, received, data)

    def _pooled(self) -> httpx.Client:
        """This process's client, made on first use (connections do not survive ``fork``)."""
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                limits = httpx.Limits(
                    max_connections=POOL_CONNECTIONS, max_keepalive_connections=POOL_CONNECTIONS
                )
                self._client = httpx.Client(auth=self._auth, limits=limits)
                self._pid = os.getpid()
            return self._client


def _read_until(
    chunks: Iterator[bytes], deadline: float, max_bytes: int | None, *, cut: bool = False
) -> bytes:
    """Read a body chunk by chunk, giving up at ``deadline``; past ``max_bytes`` raise
    :class:`ResultTooLarge`, or with ``cut`` keep only the first ``max_bytes``."""
    kept: list[bytes] = []
    size = 0
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise QueryTimeout("the store's answer took longer than the time limit")
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            if cut:
                kept.append(chunk[: len(chunk) - (size - max_bytes)])
                break
            raise ResultTooLarge("the result is too large; add a LIMIT to the query")
        kept.append(chunk)
    return b"".join(kept)
