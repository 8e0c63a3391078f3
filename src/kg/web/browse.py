"""Faceted browsing: ``/browse`` and ``/browse/{class}`` (HTML, ``.csv``, ``.json``).

Thin handlers: parse the URL into a :class:`~kg.browse.selection.Selection`, run
:func:`kg.browse.page.browse` on the store, render. The facets come from the SHACL shapes
(:mod:`kg.browse.facets`); see docs/ui.md.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, request

from kg.browse.cache import QueryCache
from kg.browse.facets import BROWSE_BY_NAME, BROWSE_CLASSES
from kg.browse.indexes import FacetIndexes
from kg.browse.page import BrowsePage, browse
from kg.browse.query import BrowseSpec, browse_spec, results_query
from kg.browse.selection import Selection, SelectionError, parse
from kg.describe import pick_label
from kg.formats import FORMATS_BY_NAME
from kg.namespaces import BASE_IRI
from kg.stores import QueryRequest
from kg.validation import shapes_graph
from kg.web.context import get_settings, get_store
from kg.web.errors import error_response
from kg.web.rendering import cached_ontology, cached_term_labels, html_response, memo

bp = Blueprint("browse", __name__)
log = logging.getLogger(__name__)

DOWNLOADS = {"csv": "csv", "json": "json"}  # suffix -> results format name


def query_cache() -> QueryCache:
    """The app's cache of facet and table answers (bounded, keyed by data version)."""
    cache: QueryCache = current_app.extensions.setdefault("kg.browse.cache", QueryCache())
    return cache


def facet_indexes() -> FacetIndexes:
    """The app's facet indexes (one per class, for the current data version)."""
    indexes: FacetIndexes = current_app.extensions.setdefault("kg.browse.indexes", FacetIndexes())
    return indexes


def warm(app: Flask, *, background: bool = False) -> None:
    """Build the facet index of every class now, e.g. before the server forks its workers (or,
    with ``background``, start building them in threads: never before a fork); a failure is
    logged, and that class's pages run their SPARQL until a later build succeeds."""
    with app.app_context():
        indexes, store = facet_indexes(), get_store()
        for cls in BROWSE_CLASSES:
            spec = spec_for(cls.name)
            if background:
                indexes.get(store, spec, BASE_IRI)
                continue
            try:
                indexes.build(store, spec, BASE_IRI)
            except Exception:  # the store may be unreachable or slow now: pages fall back
                log.warning("facet index of %s not built at start", cls.name, exc_info=True)


def spec_for(name: str) -> BrowseSpec:
    """The facets and columns of a browsable class, computed once per data version."""

    def build() -> BrowseSpec:
        shapes = memo("shapes", lambda: shapes_graph(get_settings().shapes_dir))
        labels = {iri: pick_label(found) or "" for iri, found in cached_term_labels().items()}
        return browse_spec(BROWSE_BY_NAME[name], shapes, cached_ontology(), labels)

    return memo(f"browse-spec:{name}", build)


@bp.get("/browse")
def index() -> Response:
    """The browsable classes."""
    return html_response(
        "browse_index.html",
        classes=BROWSE_CLASSES,
        description="Browse officials-kg by facets: broadcasts, officials, products, figures "
        "and sources, narrowed by province, platform, industry, month, office level and source.",
    )


@bp.get("/browse/<name>")
def browse_class(name: str) -> Response:
    """A class narrowed by the URL's facet values; ``.csv`` / ``.json`` download the selection."""
    stem, _, suffix = name.partition(".")
    if stem not in BROWSE_BY_NAME or (suffix and suffix not in DOWNLOADS):
        known = ", ".join(f"/browse/{cls.name}" for cls in BROWSE_CLASSES)
        return error_response(404, "Not Found", f"nothing to browse at /browse/{name}; try {known}")
    spec = spec_for(stem)
    try:
        selection = parse_for(spec)
        if suffix:
            return download(spec, selection, suffix)
        store = get_store()
        index = facet_indexes().get(store, spec, BASE_IRI)
        page = browse(store, spec, selection, BASE_IRI, select=query_cache().select, answers=index)
    except SelectionError as error:
        return error_response(400, "Bad Request", str(error))
    return render(page)


def parse_for(spec: BrowseSpec) -> Selection:
    """The selection of the current request's query string."""
    return parse(request.args.items(multi=True), spec.facets, spec.sortable, BASE_IRI)


def download(spec: BrowseSpec, selection: Selection, suffix: str) -> Response:
    """Every row of the selection as SPARQL results in CSV or JSON."""
    fmt = FORMATS_BY_NAME[DOWNLOADS[suffix]]
    query = results_query(spec, selection, BASE_IRI, paged=False)
    body = get_store().query(QueryRequest(query), fmt)
    response = Response(body, content_type=fmt.content_type)
    filename = f"{spec.cls.name}.{suffix}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render(page: BrowsePage) -> Response:
    """The HTML page."""
    query_string = page.selection.query_string(page=1)
    chosen = "; ".join(value.label for value in page.chosen)
    description = f"{page.total} {page.spec.cls.label.lower()} in officials-kg" + (
        f" ({chosen})" if chosen else ""
    )
    return html_response(
        "browse.html",
        page=page,
        editor_link="/query?" + urlencode({"query": page.results_query}),
        count_link="/query?" + urlencode({"query": page.count_query}),
        facet_links={f.name: "/query?" + urlencode({"query": f.query}) for f in page.facets},
        downloads=[
            (f"/browse/{page.spec.cls.name}.{suffix}{query_string}", suffix.upper())
            for suffix in DOWNLOADS
        ],
        description=description + ", by facet: counts, table, downloads and the SPARQL.",
    )
