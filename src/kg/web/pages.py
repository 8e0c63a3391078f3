"""The home page (``/``) and one paginated page per class (``/class/{name}?page=N``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from flask import Blueprint, Response, request
from rdflib import URIRef
from rdflib.namespace import OWL, RDF

from kg.browse.facets import BROWSE_CLASSES
from kg.browse.views import VIEWS
from kg.describe import count_instances, instances, local_href, pick_label, resources
from kg.export import DUMP_FORMATS, dump_filename
from kg.formats import FORMATS_BY_NAME
from kg.namespaces import BASE_IRI, OKG
from kg.stats import Stats, dataset_stats
from kg.web.context import get_store
from kg.web.errors import error_response
from kg.web.rendering import (
    cached_ontology,
    cached_response,
    cached_term_labels,
    html_response,
    memo,
    ontology_iri,
)
from kg.web.structured import dataset_jsonld

bp = Blueprint("pages", __name__)

PAGE_SIZE = 50


@dataclass(frozen=True)
class ClassEntry:
    """A class of the index on the home page."""

    name: str
    iri: str
    label: str
    label_zh: str | None
    instances: int


def class_entries() -> list[ClassEntry]:
    """Every class of the ontology with its number of instances (subclasses included)."""
    store, labels, namespace = get_store(), cached_term_labels(), ontology_iri() + "#"
    classes = sorted(
        c
        for c in cached_ontology().subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and c.startswith(namespace)
    )
    return [
        ClassEntry(
            name=c[len(namespace) :],
            iri=str(c),
            label=pick_label(labels.get(c, {})) or c[len(namespace) :],
            label_zh=labels.get(c, {}).get("zh"),
            instances=count_instances(store, str(c)),
        )
        for c in classes
    ]


def dump_links() -> list[tuple[str, str]]:
    """(href, format name) of each compressed dump."""
    return [
        ("/dumps/" + dump_filename(FORMATS_BY_NAME[name], compressed=True), name)
        for name in DUMP_FORMATS
    ]


@bp.get("/")
def home() -> Response:
    """What the dataset is, its counts and where to go next."""
    return cached_response("home", home_page)


def home_page() -> Response:
    """The home page."""
    store = get_store()
    stats = memo("stats", lambda: dataset_stats(store, BASE_IRI + "id/"))
    classes = memo("class_entries", class_entries)
    sources = instances(store, str(OKG.SourceDocument))
    return html_response(
        "home.html",
        description=home_summary(stats),
        stats=stats,
        classes=classes,
        sources=[(local_href(s.iri, BASE_IRI), s) for s in sources],
        dumps=dump_links(),
        jsonld=dataset_jsonld(home_summary(stats)),
    )


def home_summary(stats: Stats) -> str:
    """The home page in one sentence, with the graph's counts."""
    counts = [
        f"{stats.classes.get(str(cls), 0):,} {noun}"
        for cls, noun in ((OKG.Broadcast, "broadcasts"), (OKG.Official, "officials"))
    ]
    return (
        "Open knowledge graph of Chinese officials' live-commerce broadcasts (带货) in 2020: "
        f"{', '.join(counts)}, every figure with its source. SPARQL endpoint, linked data, dumps."
    )


# Browse and view pages without a selection (a selection's pages are left to links).
BROWSE_PATHS = [f"/browse/{cls.name}" for cls in BROWSE_CLASSES] + [f"/view/{k}" for k in VIEWS]
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)
ROBOTS = (
    "User-agent: *\nAllow: /\nDisallow: /sparql\n"
    "Disallow: /browse/*?\nDisallow: /view/*?\nDisallow: /embed/\n"  # facet combinations
    "Sitemap: {root}sitemap.xml\n"
)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page for search engines: home, editor, ontology, class pages and every entity page."""
    return cached_response("sitemap", sitemap_document)


def sitemap_document() -> Response:
    """The sitemap (sitemaps.org 0.9), with absolute URLs on this server's host."""
    root = request.host_url
    paths = ["/", "/query", "/ontology"]
    paths += [f"/class/{entry.name}" for entry in memo("class_entries", class_entries)]
    paths += ["/browse", *BROWSE_PATHS]
    paths += [local_href(iri, BASE_IRI) for iri in resources(get_store(), BASE_IRI + "id/")]
    urls = "".join(
        f"<url><loc>{escape(root + path.lstrip('/'))}</loc></url>" for path in paths[:SITEMAP_LIMIT]
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )
    return Response(body, content_type="application/xml; charset=utf-8")


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawl everything but the protocol endpoint; the sitemap lists the pages."""
    body = ROBOTS.format(root=request.host_url)
    return Response(body, content_type="text/plain; charset=utf-8")


def page_number() -> int | None:
    """The ``page`` query parameter (default 1); None when it is not a positive integer."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


@bp.get("/class/<name>")
def class_page(name: str) -> Response:
    """The instances of one class, ``PAGE_SIZE`` per page, sorted by label."""
    entry = next((c for c in memo("class_entries", class_entries) if c.name == name), None)
    if entry is None:
        iri = ontology_iri() + "#" + name
        return html_response(
            "not_found.html", 404, iri=iri, description=f"officials-kg has no class {iri}."
        )
    page = page_number()
    if page is None:
        return error_response(400, "Bad Request", "'page' must be a positive integer")
    last = max(1, -(-entry.instances // PAGE_SIZE))
    if page > last:
        return error_response(404, "Not Found", f"page {page} is past the last page ({last})")
    return cached_response(f"class:{name}:{page}", lambda: class_listing(entry, page, last))


def class_listing(entry: ClassEntry, page: int, last: int) -> Response:
    """Page ``page`` of the instances of ``entry``."""
    items = instances(get_store(), entry.iri, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    links = [(local_href(item.iri, BASE_IRI), item) for item in items]
    summary = (
        f"{entry.label}"
        + (f" ({entry.label_zh})" if entry.label_zh else "")
        + f": {entry.instances} instances in officials-kg, page {page} of {last}, by label."
    )
    return html_response(
        "class.html", entry=entry, items=links, page=page, last=last, description=summary
    )
