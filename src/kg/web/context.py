"""Where an app keeps its store and settings, and how handlers and start-up code read them."""

from __future__ import annotations

from flask import current_app
from flask.sansio.app import App

from kg.config import Settings
from kg.stores import Store

STORE = "kg.store"  # app.extensions key
SETTINGS = "KG_SETTINGS"  # app.config key


def attach(app: App, settings: Settings, store: Store) -> None:
    """Give ``app`` its settings and store."""
    app.config[SETTINGS] = settings
    app.extensions[STORE] = store


def store_of(app: App) -> Store:
    """The store of ``app``."""
    store: Store = app.extensions[STORE]
    return store


def settings_of(app: App) -> Settings:
    """The settings of ``app``."""
    settings: Settings = app.config[SETTINGS]
    return settings


def get_store() -> Store:
    """The store of the app handling the current request."""
    return store_of(current_app)


def get_settings() -> Settings:
    """The settings of the app handling the current request."""
    return settings_of(current_app)
