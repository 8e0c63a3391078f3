"""``/reconcile``: the W3C Reconciliation Service API 0.2 for OpenRefine (docs/api.md).

https://reconciliation-api.github.io/specs/0.2/ — one thin handler per route; the logic is in
:mod:`kg.search.reconcile`. GET or POST (form-encoded): ``queries`` (a batch), ``query``
(one query), ``extend`` (data extension) or nothing (the manifest); ``callback`` wraps a GET
answer as JSONP.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.exceptions import BadRequest, NotFound

from kg.describe import local_href
from kg.namespaces import BASE_IRI
from kg.search.reconcile import ReconcileError, Reconciler, manifest
from kg.search.searcher import label_in
from kg.web.context import get_store
from kg.web.search import get_index

bp = Blueprint("reconcile", __name__)

CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
MAX_PREFIX = 200


def reconciler() -> Reconciler:
    """The reconciler of the current app's index and store."""
    return Reconciler(get_index(), get_store())


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    """A batch of queries, a data-extension request, or the manifest."""
    try:
        if "queries" in request.values:
            return json_response(reconciler().batch(json_parameter("queries")))
        if "query" in request.values:  # one query (API 0.1): a JSON object or the plain text
            return json_response({"result": reconciler().reconcile(single_query())})
        if "extend" in request.values:
            return json_response(reconciler().extend(json_parameter("extend")))
    except ReconcileError as error:
        raise BadRequest(str(error)) from None
    return json_response(manifest(request.host_url + request.script_root.lstrip("/"), base()))


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    """Entities for a prefix (type-ahead in OpenRefine)."""
    cursor = request.args.get("cursor", "0")
    if not cursor.isdigit():
        raise BadRequest("'cursor' must be a non-negative integer")
    return json_response({"result": reconciler().suggest_entities(prefix(), cursor=int(cursor))})


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    """Classes for a prefix."""
    return json_response({"result": reconciler().suggest_types(prefix())})


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    """Properties for a prefix."""
    return json_response({"result": reconciler().suggest_properties(prefix())})


@bp.get("/reconcile/propose_properties")
def propose_properties() -> Response:
    """Properties to fetch for entities of a type (data extension)."""
    type_name = request.args.get("type", "").strip()
    if not type_name:
        raise BadRequest("missing 'type'")
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise BadRequest("'limit' must be an integer from 1 to 100")
    try:
        properties = reconciler().propose_properties(type_name, limit=int(raw))
    except ReconcileError as error:
        raise BadRequest(str(error)) from None
    return json_response({"type": type_name, "limit": int(raw), "properties": properties})


@bp.get("/reconcile/preview")
def preview() -> Response:
    """A small HTML card of an entity, shown by OpenRefine when hovering a candidate."""
    record = reconciler().preview(entity_id())
    if record is None:
        raise NotFound("no entity with this id")
    label, lang = label_in(record, "en")
    chinese = label_in(record, "zh")
    html = render_template(
        "reconcile_preview.html",
        record=record,
        label=label,
        lang=lang,
        chinese=chinese[0] if chinese[1] == "zh" and chinese[0] != label else None,
        href=local_href(record.iri, base()),
        classes=[reconciler().name_of(iri) for iri in record.classes],
    )
    return Response(html, content_type="text/html; charset=utf-8")


@bp.get("/reconcile/view")
def view() -> Response:
    """The page of an entity (the manifest's ``view`` template)."""
    iri = entity_id()
    if not iri.startswith(base()):
        raise NotFound("not an entity of this graph")
    return redirect(local_href(iri, base()), code=303)  # type: ignore[return-value]


def entity_id() -> str:
    iri = request.args.get("id", "").strip()
    if not iri:
        raise BadRequest("missing 'id'")
    return iri


def prefix() -> str:
    text = request.args.get("prefix", "")
    if len(text) > MAX_PREFIX:
        raise BadRequest(f"'prefix' is longer than {MAX_PREFIX} characters")
    return text


def base() -> str:
    return BASE_IRI


def single_query() -> Any:
    """The ``query`` parameter: a JSON query object, or the text to reconcile."""
    raw = request.values["query"]
    if raw.lstrip().startswith("{"):
        return json_parameter("query")
    return {"query": raw}


def json_parameter(name: str) -> Any:
    """The JSON value of the form or query parameter ``name`` (400 when it is not JSON)."""
    try:
        return json.loads(request.values[name])
    except ValueError as error:
        raise BadRequest(f"'{name}' is not valid JSON: {error}") from None


def json_response(body: Any) -> Response:
    """JSON, or JSONP when a GET names a ``callback``."""
    text = json.dumps(body, ensure_ascii=False)
    callback = request.args.get("callback")
    if callback is None:
        return Response(text, content_type="application/json; charset=utf-8")
    if not CALLBACK.match(callback):
        raise BadRequest("'callback' must be a JavaScript identifier")
    return Response(f"{callback}({text});", content_type="application/javascript; charset=utf-8")
