"""Real SPARQL servers for the tests (a pytest plugin): Oxigraph server and Virtuoso on 127.0.0.1.

The servers are started by the scripts in ``.ci/stores/`` (the same ones ``.ci/run`` uses), loaded
with ``kg load`` (:func:`kg.cli.load.load_graph`) and stopped at the end of the session.
``KG_TEST_BACKEND`` (``embedded``, ``oxigraph`` or ``virtuoso``) picks the backend behind the
shared ``store`` fixture, so ``.ci/run`` runs the endpoint and linked-data suites once per backend.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.cli.load import LoadReport, load_graph
from kg.config import PROJECT_ROOT, Settings
from kg.stores import Store, open_store
from kg.stores.remote import RemoteStore

SCRIPTS = PROJECT_ROOT / ".ci" / "stores"
BACKEND_VARIABLE = "KG_TEST_BACKEND"
SERVER_KINDS = ("oxigraph", "virtuoso")
BACKENDS = ("embedded", *SERVER_KINDS)
# Credentials of the throw-away test servers (Virtuoso's GSP endpoint needs digest auth).
CREDENTIALS: dict[str, dict[str, str]] = {
    "oxigraph": {},
    "virtuoso": {"store_user": "dba", "store_password": "dba"},
}


class Server:
    """One store server, its state (data, port, log, pid) in a folder of its own."""

    def __init__(self, kind: str, state: Path):
        self.kind = kind
        self.state = state
        self.url = ""
        self._stores: list[RemoteStore] = []

    def settings(self, settings: Settings) -> Settings:
        """``settings`` pointed at this server, with its credentials."""
        return settings.replace(store=self.url, **CREDENTIALS[self.kind])

    def _script(self, action: str) -> str:
        done = subprocess.run(
            [str(SCRIPTS / self.kind), action, str(self.state)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{self.kind} {action} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def start(self) -> str:
        """Start the server (again) on its port; its query URL."""
        self.url = self._script("start")
        return self.url

    def stop(self) -> None:
        """Stop the server, closing the connections of the stores opened on it first."""
        self.close_stores()
        self._script("stop")

    def open_store(self, settings: Settings) -> RemoteStore:
        """A remote store on this server, with its credentials (closed by :meth:`close_stores`)."""
        store = RemoteStore.open(self.settings(settings))
        self._stores.append(store)
        return store

    def close_stores(self) -> None:
        """Close the connections of every store opened on this server (they reopen on use)."""
        for store in self._stores:
            store.close()

    def load(self, settings: Settings, **options: object) -> LoadReport:
        """``kg load --to`` this server with the sources of ``settings``."""
        return load_graph(self.settings(settings), **options)  # type: ignore[arg-type]


def started(kind: str, state: Path) -> Server:
    """A running server of ``kind`` with its state in ``state``."""
    server = Server(kind, state)
    server.start()
    return server


def _loaded_server(kind: str, factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = started(kind, factory.mktemp(kind))
    try:
        report = server.load(Settings(), replace=True)
        assert report.ok, report.render()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real Oxigraph server loaded with the repository's graph by ``kg load``."""
    yield from _loaded_server("oxigraph", tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real Virtuoso loaded with the repository's graph by ``kg load``."""
    yield from _loaded_server("virtuoso", tmp_path_factory)


def backend_name() -> str:
    """The backend the shared ``store`` fixture uses (``KG_TEST_BACKEND``, default embedded)."""
    name = os.environ.get(BACKEND_VARIABLE, "embedded")
    if name not in BACKENDS:
        raise pytest.UsageError(f"{BACKEND_VARIABLE} must be one of {', '.join(BACKENDS)}")
    return name


@pytest.fixture(scope="session")
def backend_store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Store]:
    """The store of the selected backend: embedded, or a remote store on a loaded server."""
    name = backend_name()
    if name == "embedded":
        opened: Store = open_store(settings)
    else:
        server: Server = request.getfixturevalue(f"{name}_server")
        opened = server.open_store(settings)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def serve_store_options(request: pytest.FixtureRequest) -> list[str]:
    """The ``kg serve`` options for the selected backend (``--store URL`` for a server)."""
    name = backend_name()
    if name == "embedded":
        return []
    server: Server = request.getfixturevalue(f"{name}_server")
    return ["--store", server.url]
