"""``/api/search`` (JSON) and ``/search`` (HTML): find resources by name in English, Chinese
(Simplified or Traditional) or pinyin, with prefixes and light typos (docs/search.md).

Parameters: ``q`` (required for the API), ``type`` (repeatable: a class IRI, CURIE or ontology
name), ``limit`` (1-100, default 10), ``lang`` (label language: en, zh, zh-Hans, zh-Hant,
zh-Latn). A bad parameter is a 400 with a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from kg.describe import local_href
from kg.namespaces import BASE_IRI
from kg.search import Hit, SearchIndex, SearchService, UnknownType, resolve_type
from kg.search.searcher import LANGUAGES, label_in
from kg.web import observe
from kg.web.context import settings_of, store_of
from kg.web.rendering import html_response

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class SearchRequest:
    """The validated parameters of a search."""

    query: str
    types: tuple[str, ...]
    limit: int
    lang: str


def init_app(app: Flask) -> None:
    """Give ``app`` its search service (the index is built on first use)."""
    app.extensions["kg.search"] = SearchService(store_of(app), settings_of(app))


def warm(app: Flask) -> None:
    """Build (or open) the index now, e.g. before the server forks its workers; a failure is
    logged and the index is then built on the first search instead."""
    service: SearchService = app.extensions["kg.search"]
    try:
        service.index()
    except Exception:  # the store may be unreachable now: searching will retry
        log.warning("search index not built at start; it will be on first use", exc_info=True)


def get_index() -> SearchIndex:
    """The current app's search index, for the store's current data."""
    service: SearchService = current_app.extensions["kg.search"]
    return service.index()


@bp.get("/api/search")
def api_search() -> Response:
    """Search results as JSON."""
    params = search_request(required=True)
    hits = run(params)
    return jsonify(
        query=params.query,
        types=list(params.types),
        lang=params.lang,
        results=[hit_json(hit) for hit in hits],
    )


SEARCH_DESCRIPTION = (
    "Search the officials-kg graph by name in English, Chinese (Simplified or Traditional) "
    "or pinyin."
)


@bp.get("/search")
def search_page() -> Response:
    """The search page: a form, and the results when there is a query."""
    params = search_request(required=False)
    hits = run(params) if params.query else []
    described = (
        f"{len(hits)} results for “{params.query}” in officials-kg. " if params.query else ""
    )
    return html_response(
        "search.html",
        description=described + SEARCH_DESCRIPTION,
        params=params,
        hits=[hit_json(hit) for hit in hits],
        classes=class_choices(),
    )


def class_choices() -> list[tuple[str, str, int]]:
    """(IRI, label, resources) of the ontology's classes that have indexed instances."""
    index, namespace = get_index(), BASE_IRI + "ontology#"
    choices = []
    for iri, count in index.class_counts().items():
        record = index.record(iri) if iri.startswith(namespace) else None
        if record is not None:
            choices.append((iri, label_in(record, "en")[0], count))
    return sorted(choices, key=lambda choice: choice[1].casefold())


def search_request(*, required: bool) -> SearchRequest:
    """The parameters of this request, validated (400 with a message when bad)."""
    query = request.args.get("q", "").strip()
    if required and not query:
        raise BadRequest("missing 'q': the text to search for")
    if len(query) > MAX_QUERY_LENGTH:
        raise BadRequest(f"'q' is longer than {MAX_QUERY_LENGTH} characters")
    return SearchRequest(query, resolved_types(), limit_parameter(), lang_parameter())


def resolved_types() -> tuple[str, ...]:
    """The ``type`` parameters as class IRIs."""
    names = [name.strip() for name in request.args.getlist("type") if name.strip()]
    if not names:
        return ()
    known = get_index().class_counts()
    try:
        return tuple(resolve_type(name, known) for name in names)
    except UnknownType as error:
        raise BadRequest(str(error)) from None


def limit_parameter() -> int:
    """``limit``: an integer from 1 to :data:`MAX_LIMIT`."""
    raw = request.args.get("limit", str(DEFAULT_LIMIT)).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"'limit' must be an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def lang_parameter() -> str:
    """``lang``: one of :data:`kg.search.searcher.LANGUAGES` (case-insensitive)."""
    raw = request.args.get("lang", "en").strip()
    for lang in LANGUAGES:
        if raw.lower() == lang.lower():
            return lang
    raise BadRequest(f"'lang' must be one of {', '.join(LANGUAGES)}")


def run(params: SearchRequest) -> list[Hit]:
    """The hits of a validated search."""
    with observe.searching():  # observability: search latency
        return get_index().search(
            params.query, types=params.types, limit=params.limit, lang=params.lang
        )


def hit_json(hit: Hit) -> dict[str, Any]:
    """One result as the API writes it."""
    return {
        "iri": hit.iri,
        "href": local_href(hit.iri, BASE_IRI),
        "label": hit.label,
        "lang": hit.lang,
        "types": list(hit.classes),
        "snippet": hit.snippet,
        "score": hit.score,
        "matched": hit.matched,
    }
