"""The Flask application factory: the one place every blueprint is imported and registered.

Handlers are thin over the store; they read it and the settings through :mod:`kg.web.context`.
"""

from __future__ import annotations

import time

from flask import Flask

from kg.config import Settings
from kg.stores import Store, open_store
from kg.web import (
    api,
    browse,
    caching,
    dumps,
    errors,
    health,
    linked_data,
    observe,
    pages,
    reconcile,
    releases,
    search,
    sparql,
    ui,
    views_pages,
)
from kg.web.context import attach

BLUEPRINTS = (
    health.bp,
    sparql.bp,
    linked_data.bp,
    pages.bp,
    dumps.bp,
    ui.bp,
    search.bp,
    reconcile.bp,
    api.bp,
    releases.bp,
    browse.bp,
    views_pages.bp,
)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the app for ``settings``; opens the configured store unless one is given."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    started = time.perf_counter()  # observability: the store's load time
    attach(app, settings, store if store is not None else open_store(settings))
    load_seconds = None if store is not None else time.perf_counter() - started
    errors.init_app(app)
    observe.init_app(app, store_load_seconds=load_seconds)  # observability: before caching
    caching.init_app(app)
    search.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
