"""Property tests generated from ``/api/openapi.json`` (schemathesis), on a small fixed budget.

For every documented operation, generated requests (valid and invalid parameters) must never
give a 5xx, and each response must have a documented status, content type and schema. The schema
is read from the app itself, built here on the repository's graph (embedded store).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from kg.config import Settings
from kg.stores import open_store
from kg.web import create_app

# What the issue asks: no 5xx, documented statuses and types, bodies matching their schemas. (A
# schema-valid value may still name nothing, e.g. ?province=xyz, and be refused with a 400.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 8  # per operation: about 30 operations, well under a minute in all

schemathesis.serializer.alias("application/sparql-query", "text/plain")  # a query is text

CACHE = Path(tempfile.mkdtemp(prefix="kg-schemathesis-"))
atexit.register(shutil.rmtree, CACHE, ignore_errors=True)
SETTINGS = Settings(validate=False, cache_dir=CACHE)
APP = create_app(SETTINGS, store=open_store(SETTINGS))
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_operation_conforms(case: schemathesis.Case) -> None:
    # the WSGI transport does not undo the app's gzip (tested in test_sparql_http): ask for none
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})


def test_every_question_is_an_operation() -> None:
    paths = set(schema.raw_schema["paths"])
    names = {path.stem for path in SETTINGS.queries_dir.glob("*.rq")}
    assert names and {f"/api/questions/{name}" for name in names} <= paths
    assert {"/api/search", "/reconcile", "/sparql"} <= paths
