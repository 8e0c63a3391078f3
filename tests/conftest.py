"""Shared fixtures: settings on the repository's graph, a store, a fresh app and client per test."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from serving import running_server, stop_all

from kg.config import Settings
from kg.stores import Store
from kg.web import create_app

pytest_plugins = ["backends"]  # real store servers: tests/backends.py


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings on the repository's own ontology, data and shapes (environment ignored)."""
    return Settings()


@pytest.fixture(scope="session")
def store(backend_store: Store) -> Store:
    """The repository's graph in the backend ``KG_TEST_BACKEND`` names (default: embedded)."""
    return backend_store


@pytest.fixture
def app(settings: Settings, store: Store) -> Flask:
    """A fresh app on the shared store."""
    application = create_app(settings, store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# ---- a real server: `kg serve` under gunicorn on a free localhost port (tests/serving.py) ----

ServerFactory = Callable[..., str]


@pytest.fixture(scope="session")
def kg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFactory]:
    """Start ``kg serve`` with extra arguments, e.g. ``kg_server("--timeout", "1")``; returns the
    base URL. Servers live until the end of the session."""
    with contextlib.ExitStack() as stack:
        processes: list[subprocess.Popen[str]] = []

        def start(*args: str) -> str:
            log = tmp_path_factory.mktemp("kg-serve") / "stderr.log"
            url, process = stack.enter_context(running_server(*args, log=log))
            processes.append(process)
            return url

        yield start
        stop_all(processes)  # at once: each takes about a second to shut down


@pytest.fixture(scope="session")
def live_url(kg_server: ServerFactory, serve_store_options: list[str]) -> str:
    """Base URL (``http://127.0.0.1:PORT/``) of ``kg serve`` on the repository's graph, in the
    backend ``KG_TEST_BACKEND`` names (``--store URL`` of a loaded server: tests/backends.py)."""
    return kg_server("--no-validate", "--workers", "2", *serve_store_options)


# ---- one Playwright driver and one Chromium for the whole session (browser suites) ----
# Starting a Playwright driver per module made a later module's driver wait forever.


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: run .ci/install-browser"
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()
