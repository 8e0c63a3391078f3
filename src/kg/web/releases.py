"""Releases over HTTP: ``/releases/`` (dumps, checksums, changelogs), the files themselves,
``/id/…?release=VERSION`` (an entity as it was in that release) and the entity pages' history.

The release folders are those ``kg release`` builds (the ``releases_dir`` setting). The logic
lives in :mod:`kg.curation.history`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, request, send_from_directory
from rdflib import Graph, URIRef

from kg.curation import history
from kg.curation.release import media_type
from kg.curation.turtle import DATA_PREFIXES, Layout, Writer
from kg.formats import prefers_html
from kg.namespaces import BASE_IRI
from kg.web.context import get_settings
from kg.web.errors import error_response
from kg.web.rendering import html_response

bp = Blueprint("releases", __name__)
TURTLE = "text/turtle; charset=utf-8"


def releases_dir() -> Path:
    """Where the releases are (the ``releases_dir`` setting)."""
    return get_settings().releases_dir


@bp.get("/releases/")
def index() -> Response:
    """Every release with its dumps and changelog: HTML for browsers, JSON otherwise."""
    found = history.releases(releases_dir())
    if prefers_html(request.headers.get("Accept")):
        summary = (
            f"{len(found)} releases of officials-kg, each with its dumps, checksums and changes."
        )
        return html_response("releases.html", releases=found, description=summary)
    return jsonify(
        [
            {
                "version": r.version,
                "date": r.date,
                "files": [
                    {
                        "name": f.name,
                        "size": f.size,
                        "sha256": f.sha256,
                        "url": f"/releases/{r.version}/{f.name}",
                    }
                    for f in r.files
                ],
                "changes": r.changes,
            }
            for r in found
        ]
    )


@bp.get("/releases/<version>/<name>")
def download(version: str, name: str) -> Response:
    """One file of a release (only the files its SHA256SUMS lists, and the changelog)."""
    release = history.find_release(releases_dir(), version)
    known = (
        {f.name for f in release.files} | {"SHA256SUMS", "void.ttl", "CHANGES.md"}
        if release
        else set()
    )
    if release is None or name not in known or not (release.folder / name).is_file():
        return error_response(404, "Not found", f"No file {name!r} in release {version!r}.")
    # A .gz file is served as what it is (application/gzip), never as a Content-Encoding
    # that clients would undo before saving it under its .gz name.
    response = send_from_directory(release.folder, name, max_age=86400, mimetype=media_type(name))
    response.headers.pop("Content-Encoding", None)
    return response


@bp.before_app_request
def entity_in_release() -> Response | None:
    """``/id/…?release=VERSION``: the entity as that release had it (other requests pass)."""
    version = request.args.get("release")
    if version is None or not request.path.startswith("/id/"):
        return None
    release = history.find_release(releases_dir(), version)
    if release is None:
        known = ", ".join(r.version for r in history.releases(releases_dir())) or "none yet"
        return error_response(
            404, "No such release", f"No release {version!r} (releases: {known})."
        )
    iri = URIRef(BASE_IRI + request.path.lstrip("/").removesuffix(".ttl").removesuffix(".html"))
    graph = history.entity(release, iri)
    if not len(graph):
        return error_response(404, "Not in this release", f"<{iri}> is not in release {version}.")
    turtle = as_turtle(graph, iri)
    if prefers_html(request.headers.get("Accept")) and not request.path.endswith(".ttl"):
        return html_response(
            "release_entity.html",
            iri=str(iri),
            release=release,
            turtle=turtle,
            description=f"<{iri}> as it was in officials-kg release {version}.",
        )
    response = Response(turtle, content_type=TURTLE)
    response.headers["Vary"] = "Accept"
    return response


def as_turtle(graph: Graph, subject: URIRef) -> str:
    """The entity's block in the canonical Turtle layout, with the prefixes it uses."""
    writer = Writer(DATA_PREFIXES)
    block = "\n".join(writer.block(graph, subject, Layout())) + "\n"
    used = [(p, i) for p, i in DATA_PREFIXES if f"{p}:" in block]
    return "".join(f"@prefix {p}: <{i}> .\n" for p, i in used) + "\n" + block


@bp.app_context_processor
def release_history_helper() -> dict[str, object]:
    """``release_history(iri)`` for templates: the history section of entity pages."""

    def release_history(iri: str) -> list[history.HistoryEntry]:
        return history.history(releases_dir(), URIRef(iri))

    return {"release_history": release_history}
