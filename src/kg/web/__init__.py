"""The Flask application factory: one blueprint per feature, thin handlers over the store."""

from __future__ import annotations

import time

from flask import Flask, current_app

from kg.config import Settings
from kg.stores import Store, open_store


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the app for ``settings``; opens the configured store unless one is given."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    started = time.perf_counter()  # observability: the store's load time
    app.extensions["kg.store"] = store if store is not None else open_store(settings)
    load_seconds = None if store is not None else time.perf_counter() - started

    from kg.web import (
        api,
        browse,
        caching,
        errors,
        health,
        linked_data,
        observe,
        reconcile,
        releases,
        search,
        sparql,
        ui,
        views_pages,
    )

    errors.init_app(app)
    observe.init_app(app, store_load_seconds=load_seconds)  # observability: before caching
    caching.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(ui.bp)
    search.init_app(app)
    app.register_blueprint(reconcile.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(releases.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(views_pages.bp)
    return app


def get_store() -> Store:
    """The store of the current app."""
    store: Store = current_app.extensions["kg.store"]
    return store


def get_settings() -> Settings:
    """The settings of the current app."""
    settings: Settings = current_app.config["KG_SETTINGS"]
    return settings
