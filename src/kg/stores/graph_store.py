"""The SPARQL 1.1 Graph Store Protocol, as a remote store is loaded: replace or drop one graph."""

from __future__ import annotations

import urllib.parse

from kg.stores import QueryTimeout, StoreUnavailable
from kg.stores.http import HttpClient

CONTENT_TYPE = "text/turtle; charset=utf-8"  # N-Triples is Turtle; every store reads Turtle
SUCCESS = frozenset({200, 201, 204})
NOT_FOUND = 404


class GraphStoreError(Exception):
    """A Graph Store request failed: the HTTP status (None: no answer) and the store's words."""

    def __init__(self, status: int | None, message: str):
        super().__init__(f"HTTP {status} {message}".strip() if status else message)
        self.status = status


class GraphStore:
    """The Graph Store of a remote store at ``url``, each request bounded by ``timeout``."""

    def __init__(self, client: HttpClient, url: str, timeout: float):
        self._client = client
        self._url = url
        self._timeout = timeout

    def put(self, graph: str, body: bytes) -> None:
        """Replace graph ``graph`` with ``body`` (N-Triples)."""
        self._send("PUT", graph, body)

    def delete(self, graph: str, *, missing_ok: bool = False) -> None:
        """Drop graph ``graph`` (no error for a missing one when ``missing_ok``)."""
        try:
            self._send("DELETE", graph)
        except GraphStoreError as error:
            if not (missing_ok and error.status == NOT_FOUND):
                raise

    def _send(self, method: str, graph: str, body: bytes | None = None) -> None:
        query = urllib.parse.urlencode({"graph": graph})
        url = f"{self._url}{'&' if '?' in self._url else '?'}{query}"
        headers = {"Content-Type": CONTENT_TYPE} if body is not None else {}
        try:
            response = self._client.send(
                method, url, timeout=self._timeout, body=body, headers=headers
            )
        except (StoreUnavailable, QueryTimeout) as error:
            raise GraphStoreError(None, str(error)) from error
        if response.status not in SUCCESS:
            first_line = response.body.decode("utf-8", "replace").strip().splitlines()[:1]
            raise GraphStoreError(response.status, " ".join(first_line))
