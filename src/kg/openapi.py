"""The OpenAPI 3.1 document of the service: questions, search, reconciliation, SPARQL protocol.

Built from the same tables the routes read (the ``.rq`` files and :data:`kg.questions.PARAMETERS`,
the search and reconciliation limits), so the document cannot drift from what is served.
``/api/openapi.json`` serves it; ``/api`` renders it as a page; the property tests
(``tests/test_api_schemathesis.py``) are generated from it.
"""

from __future__ import annotations

from typing import Any

from kg import __version__
from kg.examples import Example
from kg.questions import Parameter, parameters_of

TEXT_ERROR = {"text/plain": {"schema": {"type": "string"}}}
STRING = {"type": "string"}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 100}
CALLBACK = {"type": "string", "pattern": "^[A-Za-z_$][\\w$.]{0,63}$"}
PREFIX = {"type": "string", "maxLength": 200}


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": TEXT_ERROR}


def json_ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query_parameter(
    name: str, description: str, *, required: bool = False, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or STRING,
    }


SEARCH_RESULT = {
    "type": "object",
    "required": ["iri", "href", "label", "lang", "types", "snippet", "score", "matched"],
    "properties": {
        "iri": STRING,
        "href": STRING,
        "label": STRING,
        "lang": STRING,
        "types": {"type": "array", "items": STRING},
        "snippet": STRING,
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "matched": {"enum": ["exact", "prefix", "name", "text"]},
    },
}
QUESTION_ANSWER = {
    "type": "object",
    "required": ["question", "parameters", "columns", "rows"],
    "properties": {
        "question": {
            "type": "object",
            "required": ["name", "en", "zh"],
            "properties": {"name": STRING, "en": STRING, "zh": STRING},
        },
        "parameters": {"type": "object", "additionalProperties": STRING},
        "columns": {"type": "array", "items": STRING},
        "rows": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
        },
    },
}
TYPE_REF = {"type": "object", "required": ["id"], "properties": {"id": STRING, "name": STRING}}
ENTITY_SUGGESTIONS = {
    "type": "object",
    "required": ["result"],
    "properties": {
        "result": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": STRING,
                    "name": STRING,
                    "description": STRING,
                    "notable": {"type": "array", "items": TYPE_REF},
                },
            },
        }
    },
}
NAMED_LIST = {
    "type": "object",
    "required": ["result"],
    "properties": {"result": {"type": "array", "items": TYPE_REF}},
}


def openapi_document(examples: list[Example], server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for a service at ``server`` answering ``examples``."""
    paths: dict[str, Any] = {
        "/api/questions": {"get": questions_index_operation()},
        **{f"/api/questions/{e.name}": {"get": question_operation(e)} for e in examples},
        "/api/search": {"get": search_operation()},
        **reconcile_paths(),
        "/sparql": sparql_path(),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "officials-kg API",
            "version": __version__,
            "description": (
                "Chinese officials' live-commerce broadcasts in 2020, as linked data: the "
                "competency questions as REST resources, search, OpenRefine reconciliation "
                "and the SPARQL 1.1 Protocol."
            ),
            "license": {"name": "CC-BY-4.0 (data), MIT (code)"},
        },
        "servers": [{"url": server.rstrip("/")}],
        "paths": paths,
    }


def questions_index_operation() -> dict[str, Any]:
    listing = {
        "type": "object",
        "required": ["questions"],
        "properties": {"questions": {"type": "array", "items": {"type": "object"}}},
    }
    return {
        "operationId": "listQuestions",
        "summary": "The competency questions and their parameters",
        "tags": ["questions"],
        "responses": {"200": json_ok(listing)},
    }


def question_operation(example: Example) -> dict[str, Any]:
    """One competency question as a GET operation."""
    parameters = [question_parameter(p) for p in parameters_of(example.name)]
    parameters.append(
        query_parameter("format", "json (default) or csv", schema={"enum": ["json", "csv"]})
    )
    return {
        "operationId": "question_" + example.name.replace("-", "_"),
        "summary": example.question_en or example.name,
        "description": example.question_zh,
        "tags": ["questions"],
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The answer: rows of the query",
                "content": {
                    "application/json": {"schema": QUESTION_ANSWER},
                    "text/csv": {"schema": STRING},
                },
            },
            "400": error("A parameter is malformed, unknown or names no single resource"),
            "503": error("The query ran past the time limit or the store is unavailable"),
        },
    }


def question_parameter(parameter: Parameter) -> dict[str, Any]:
    schema: dict[str, Any]
    if parameter.kind == "month":
        schema = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}
    else:
        schema = {"type": "string", "minLength": 1}
    described = parameter.description
    if parameter.kind == "entity":
        described += " An IRI, a path such as region/hubei, or an exact name (any language)."
    found = query_parameter(parameter.name, described, schema=schema)
    if parameter.example:
        found["example"] = parameter.example
    return found


def search_operation() -> dict[str, Any]:
    results = {
        "type": "object",
        "required": ["query", "types", "lang", "results"],
        "properties": {
            "query": STRING,
            "types": {"type": "array", "items": STRING},
            "lang": STRING,
            "results": {"type": "array", "items": SEARCH_RESULT},
        },
    }
    return {
        "operationId": "search",
        "summary": "Find resources by name (English, Chinese, pinyin; prefixes, light typos)",
        "tags": ["search"],
        "parameters": [
            query_parameter(
                "q", "The text to find", required=True, schema={"type": "string", "maxLength": 200}
            ),
            query_parameter("type", "Class IRI, CURIE (okg:Official) or name (Official)"),
            query_parameter("limit", "1-100, default 10", schema=LIMIT),
            query_parameter(
                "lang",
                "Label language",
                schema={"enum": ["en", "zh", "zh-Hans", "zh-Hant", "zh-Latn"]},
            ),
        ],
        "responses": {"200": json_ok(results), "400": error("A parameter is missing or bad")},
    }


def reconcile_paths() -> dict[str, Any]:
    """The W3C Reconciliation Service API 0.2 routes."""
    service = {
        "operationId": "reconcile",
        "summary": "Manifest (no parameter), a batch of queries, or a data-extension request",
        "tags": ["reconciliation"],
        "parameters": [
            query_parameter("queries", "A JSON object of reconciliation queries"),
            query_parameter("query", "One query: a JSON query object or the text to reconcile"),
            query_parameter("extend", "A JSON data-extension request"),
            query_parameter("callback", "JSONP callback name", schema=CALLBACK),
        ],
        "responses": {
            "200": {
                "description": "Manifest, results or extension (JSON; JSONP with callback)",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/javascript": {"schema": STRING},
                },
            },
            "400": error("Malformed JSON, unknown type or property"),
        },
    }
    post = {
        **service,
        "operationId": "reconcilePost",
        "parameters": [],
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"queries": STRING, "query": STRING, "extend": STRING},
                    }
                }
            }
        },
    }
    prefix = query_parameter("prefix", "What the user typed", schema=PREFIX)
    return {
        "/reconcile": {"get": service, "post": post},
        "/reconcile/suggest/entity": {
            "get": suggest("suggestEntity", ENTITY_SUGGESTIONS, [prefix, cursor_parameter()])
        },
        "/reconcile/suggest/type": {"get": suggest("suggestType", NAMED_LIST, [prefix])},
        "/reconcile/suggest/property": {"get": suggest("suggestProperty", NAMED_LIST, [prefix])},
        "/reconcile/propose_properties": {"get": propose_operation()},
        "/reconcile/preview": {"get": preview_operation()},
    }


def cursor_parameter() -> dict[str, Any]:
    return query_parameter("cursor", "Results to skip", schema={"type": "integer", "minimum": 0})


def suggest(operation: str, schema: dict[str, Any], parameters: list[Any]) -> dict[str, Any]:
    return {
        "operationId": operation,
        "summary": "Suggest (reconciliation API): completions for a prefix",
        "tags": ["reconciliation"],
        "parameters": parameters,
        "responses": {"200": json_ok(schema), "400": error("A parameter is bad")},
    }


def propose_operation() -> dict[str, Any]:
    proposed = {
        "type": "object",
        "required": ["type", "properties"],
        "properties": {
            "type": STRING,
            "limit": {"type": "integer"},
            "properties": {"type": "array", "items": TYPE_REF},
        },
    }
    return {
        "operationId": "proposeProperties",
        "summary": "Properties to fetch for entities of a type (data extension)",
        "tags": ["reconciliation"],
        "parameters": [
            query_parameter("type", "A class", required=True),
            query_parameter("limit", "1-100", schema=LIMIT),
        ],
        "responses": {"200": json_ok(proposed), "400": error("Missing or unknown type")},
    }


def preview_operation() -> dict[str, Any]:
    return {
        "operationId": "preview",
        "summary": "An HTML card of an entity",
        "tags": ["reconciliation"],
        "parameters": [query_parameter("id", "The entity IRI", required=True)],
        "responses": {
            "200": {"description": "HTML", "content": {"text/html": {"schema": STRING}}},
            "400": error("Missing id"),
            "404": error("No such entity"),
        },
    }


def sparql_path() -> dict[str, Any]:
    """The SPARQL 1.1 Protocol query operation (https://www.w3.org/TR/sparql11-protocol/)."""
    results = {
        "description": "Query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE)",
        "content": {
            media: {"schema": STRING}
            for media in (
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
                "text/turtle",
                "application/n-triples",
                "application/ld+json",
                "text/html",  # a browser without a query gets the query editor
            )
        },
    }
    responses = {
        "200": results,
        "400": error("Malformed query, or an update / SERVICE this read-only endpoint refuses"),
        "406": error("No acceptable result format"),
        "413": error("Query or body too large"),
        "503": error("Time limit, row cap or store unavailable"),
    }
    query = query_parameter("query", "The SPARQL query", required=True)
    return {
        "get": {
            "operationId": "sparqlGet",
            "summary": "SPARQL 1.1 Protocol: query via GET",
            "tags": ["sparql"],
            "parameters": [
                query,
                query_parameter("default-graph-uri", "Default graph IRI (repeatable)"),
                query_parameter("named-graph-uri", "Named graph IRI (repeatable)"),
                query_parameter("format", "Result format name (json, xml, csv, tsv, turtle…)"),
            ],
            "responses": responses,
        },
        "post": {
            "operationId": "sparqlPost",
            "summary": "SPARQL 1.1 Protocol: query via POST (form or application/sparql-query)",
            "tags": ["sparql"],
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"query": STRING}}
                    },
                    "application/sparql-query": {"schema": STRING},
                }
            },
            "responses": {**responses, "415": error("Unsupported request body type")},
        },
    }
