"""Downloads and descriptions of the whole dataset: dumps, VoID, ``robots.txt``, ``sitemap.xml``."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, request

from kg import formats
from kg.describe import local_href, resources
from kg.export import DUMP_FORMATS, DUMP_NAME, export, gzipped
from kg.formats import FORMATS_BY_NAME, Format
from kg.namespaces import BASE_IRI
from kg.void import void_graph
from kg.web.context import get_store
from kg.web.errors import error_response
from kg.web.negotiation import choose_format
from kg.web.rendering import cached_context, cached_response, memo, rdf_body

bp = Blueprint("dumps", __name__)

DUMPS: dict[str, Format] = {
    f"{DUMP_NAME}.{FORMATS_BY_NAME[name].extension}": FORMATS_BY_NAME[name] for name in DUMP_FORMATS
}
VOID_OFFERS = formats.GRAPH_FORMATS  # Turtle first: the default for "*/*" and browsers
GZIP = "application/gzip"


def dump_bytes(fmt: Format) -> bytes:
    """The whole dataset in ``fmt``, computed once per data version."""
    context = cached_context() if fmt.name == "jsonld" else None
    return memo(f"dump:{fmt.name}", lambda: export(get_store(), fmt, context=context))


@bp.get("/dumps/<filename>")
def dump(filename: str) -> Response:
    """``officials-kg.{ttl,nt,jsonld,trig,nq}``, each also gzip-compressed (``….gz``)."""
    fmt = DUMPS.get(filename.removesuffix(".gz"))
    if fmt is None:
        message = f"no dump called {filename!r}; see /.well-known/void"
        return error_response(404, "Not Found", message)
    return cached_response(f"dump:{filename}", lambda: dump_file(filename, fmt))


def dump_file(filename: str, fmt: Format) -> Response:
    """The dump as an attachment; a ``.gz`` file is sent as it is (not compressed again)."""
    if filename.endswith(".gz"):
        body = memo(f"dump:{fmt.name}.gz", lambda: gzipped(dump_bytes(fmt)))
        response = Response(body, content_type=GZIP)
        response.direct_passthrough = True  # already compressed: the gzip filter leaves it alone
    else:
        response = Response(dump_bytes(fmt), content_type=fmt.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/.well-known/void")
@bp.get("/void")
def void() -> Response:
    """The VoID description of the dataset (Turtle unless another RDF format is asked for)."""
    browser = formats.prefers_html(request.headers.get("Accept"))
    fmt = choose_format(VOID_OFFERS, "VoID", named=VOID_OFFERS[0] if browser else None).format
    response = cached_response(f"void:{request.url_root}:{fmt.name}", lambda: void_response(fmt))
    response.vary.add("Accept")
    return response


def void_response(fmt: Format) -> Response:
    """The VoID description in ``fmt``; URLs of the endpoint and dumps are on this host."""
    graph = void_graph(get_store(), base_iri=BASE_IRI, service_root=request.url_root)
    return Response(rdf_body(graph, fmt), content_type=fmt.content_type)


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers are welcome on pages, not on the SPARQL endpoint; the sitemap lists the pages."""
    body = f"User-agent: *\nDisallow: /sparql\nSitemap: {request.url_root}sitemap.xml\n"
    return Response(body, content_type="text/plain; charset=utf-8")


def sitemap_urls(root: str) -> list[str]:
    """The home page, the ontology and every resource page, as absolute URLs."""
    iris = memo("resources", lambda: resources(get_store(), BASE_IRI + "id/"))
    paths = ["/", "/ontology", *(local_href(iri, BASE_IRI) for iri in iris)]
    return [root.rstrip("/") + path for path in paths]


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """A sitemap (https://www.sitemaps.org/protocol.html) of the HTML pages."""
    entries = "".join(
        f"<url><loc>{escape(url)}</loc></url>\n" for url in sitemap_urls(request.url_root)
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n"
    )
    return Response(body, content_type="application/xml; charset=utf-8")
