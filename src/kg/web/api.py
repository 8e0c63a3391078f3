"""The REST API: ``/api/questions/{name}`` (the competency questions with explicit parameters),
``/api/openapi.json`` (OpenAPI 3.1 of every machine route) and ``/api`` (that document as a page,
served offline). See docs/api.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import BadRequest, NotFound

from kg.examples import Example
from kg.formats import FORMATS_BY_NAME
from kg.namespaces import BASE_IRI
from kg.openapi import openapi_document
from kg.questions import (
    ParameterError,
    bound_query,
    parameters_of,
    results_csv,
    rows_from_json,
)
from kg.search.reconcile import valid_iri
from kg.stores import QueryRequest
from kg.web import caching
from kg.web.context import get_settings, get_store
from kg.web.rendering import html_response
from kg.web.search import get_index
from kg.web.ui import current_examples

bp = Blueprint("api", __name__)

ID_PATH = re.compile(r"^[a-z][a-z0-9-]*/[A-Za-z0-9._~%-]+$")
ANSWER_FORMATS = ("json", "csv")
CSV = "text/csv; charset=utf-8"
JSON = FORMATS_BY_NAME["json"]


@bp.get("/api/questions")
def questions() -> Response:
    """Every question: name, questions in English and Chinese, parameters, URL."""
    return jsonify(questions=[question_json(example) for example in current_examples()])


@bp.get("/api/questions/<name>")
def question(name: str) -> Response:
    """The answer to question ``name`` with the request's parameters, as JSON or CSV."""
    example = find_example(name)
    values = {key: value for key, value in request.args.items() if key != "format"}
    fmt = request.args.get("format", "json")
    if fmt not in ANSWER_FORMATS:
        raise BadRequest("'format' must be json or csv")
    try:
        bound = bound_query(example, values, resolve_entity)
    except ParameterError as error:
        raise BadRequest(str(error)) from None
    store = get_store()
    digest = hashlib.sha256(json.dumps([bound.query, bound.keep]).encode()).hexdigest()[:16]
    etag = caching.etag_for(store.version, "question", fmt, digest)
    cached = caching.not_modified_response(etag)
    if cached is not None:
        return cached
    timeout = get_settings().timeout
    if fmt == "csv" and not bound.keep:  # the store's own CSV, byte for byte
        body = store.query(QueryRequest(bound.query), FORMATS_BY_NAME["csv"], timeout=timeout)
        return caching.make_cacheable(Response(body, content_type=CSV), etag)
    results = bound.kept(json.loads(store.query(QueryRequest(bound.query), JSON, timeout=timeout)))
    if fmt == "csv":
        response = Response(results_csv(results), content_type=CSV)
    else:
        response = answer_json(example, values, results)
    return caching.make_cacheable(response, etag)


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document."""
    return jsonify(document())


@bp.get("/api")
def api_page() -> Response:
    """The OpenAPI document as a readable page (no script, nothing from elsewhere)."""
    return html_response("api.html", api=document(), description=API_DESCRIPTION)


API_DESCRIPTION = (
    "The officials-kg API: competency questions as REST resources, search, OpenRefine "
    "reconciliation and the SPARQL 1.1 Protocol (OpenAPI 3.1)."
)


def document() -> dict[str, Any]:
    return openapi_document(current_examples(), request.host_url + request.script_root.lstrip("/"))


def find_example(name: str) -> Example:
    for example in current_examples():
        if example.name == name:
            return example
    raise NotFound(f"no question named {name!r}; see /api/questions")


def resolve_entity(value: str, class_iri: str) -> str:
    """An entity parameter's IRI: given as an IRI, an ``id/`` path, or an exact unique name."""
    base = BASE_IRI
    if not value:
        raise ParameterError("an entity parameter cannot be empty")
    if value.startswith(("http://", "https://")):
        if not valid_iri(value):
            raise ParameterError(f"not a usable IRI: {value!r}")
        return value
    if ID_PATH.match(value):
        return base + "id/" + value
    hits = get_index().search(value, types=[class_iri], limit=3)
    exact = [hit for hit in hits if hit.matched == "exact"]
    if len(exact) == 1:
        return exact[0].iri
    kind = class_iri.rsplit("#", 1)[-1]
    if exact:
        raise ParameterError(f"{value!r} names several {kind} resources; give the IRI")
    raise ParameterError(f"no {kind} named {value!r}; give its IRI or exact name")


def answer_json(example: Example, values: dict[str, str], results: dict[str, Any]) -> Response:
    columns, rows = rows_from_json(results)
    return jsonify(
        question={"name": example.name, "en": example.question_en, "zh": example.question_zh},
        parameters=values,
        columns=columns,
        rows=rows,
    )


def question_json(example: Example) -> dict[str, Any]:
    return {
        "name": example.name,
        "en": example.question_en,
        "zh": example.question_zh,
        "url": f"/api/questions/{example.name}",
        "parameters": [
            {"name": p.name, "kind": p.kind, "description": p.description}
            for p in parameters_of(example.name)
        ],
    }
