"""Shared fixtures: settings on the repository's graph, a store, a fresh app and client per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.stores import Store, open_store
from kg.web import create_app


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings on the repository's own ontology, data and shapes (environment ignored)."""
    return Settings()


@pytest.fixture(scope="session")
def store(settings: Settings) -> Iterator[Store]:
    """The embedded store loaded with the repository's graph, shared by the session."""
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def app(settings: Settings, store: Store) -> Flask:
    """A fresh app on the shared store."""
    application = create_app(settings, store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
