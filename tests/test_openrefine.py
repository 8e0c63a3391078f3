"""OpenRefine itself (Debian's ``openrefine``) reconciles a spreadsheet against ``/reconcile``.

OpenRefine runs headless on a free localhost port with a throw-away workspace; the app serves
the repository's graph from a thread. The test drives OpenRefine's own HTTP commands as its web
page does: create a project from a CSV, reconcile the name column (with a type and a province
column as a property constraint), read the judgements back, then fetch a column of provinces by
data extension. A missing OpenRefine is a failure, not a skip: ``.ci/install-openrefine``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from kg.config import Settings
from kg.stores import Store
from kg.web import create_app

OPENREFINE = "/usr/share/openrefine/refine"
START_TIMEOUT = 120.0
JOB_TIMEOUT = 120.0
ID = "https://w3id.org/officials-kg/id/"
OKG = "https://w3id.org/officials-kg/ontology#"

# name column, province column -> the official OpenRefine must match (None: no sure match)
SHEET = [
    ("Song Junhua", "Hubei", ID + "official/song-junhua"),
    ("Li Qiang", "湖北", ID + "official/li-qiang"),
    ("Lu Fangzhou", "Shanghai", ID + "official/lu-fangzhou"),
    ("Ma Hongshang", "Guangdong", None),  # misspelt: a candidate, not a sure match
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def service_url(
    settings: Settings, store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Our app on a free localhost port; its reconciliation endpoint's URL."""
    app = create_app(settings.replace(cache_dir=tmp_path_factory.mktemp("or-cache")), store=store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/reconcile"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def refine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A headless OpenRefine, as an HTTP client on its base URL (stopped afterwards)."""
    assert shutil.which("java") and Path(OPENREFINE).exists(), "run .ci/install-openrefine"
    port, workspace = free_port(), tmp_path_factory.mktemp("openrefine")
    log = (workspace / "openrefine.log").open("w")
    process = subprocess.Popen(
        [
            OPENREFINE,
            "-p",
            str(port),
            "-i",
            "127.0.0.1",
            "-d",
            str(workspace),
            "-m",
            "512M",
            "-x",
            "refine.headless=true",
        ],
        cwd=Path(OPENREFINE).parent,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the script and the JVM stop together
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0)
    try:
        wait_until_up(client, process)
        yield client
    finally:
        client.close()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def wait_until_up(client: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, "OpenRefine exited at start"
        try:
            if client.get("/command/core/get-version").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("OpenRefine did not start")


def token(client: httpx.Client) -> str:
    value: str = client.get("/command/core/get-csrf-token").json()["token"]
    return value


def create_project(client: httpx.Client) -> str:
    rows = ["name,province", *(f"{name},{province}" for name, province, _ in SHEET)]
    response = client.post(
        "/command/core/create-project-from-upload",
        params={"csrf_token": token(client)},
        files={"project-file": ("officials.csv", "\n".join(rows).encode(), "text/csv")},
        data={
            "project-name": "officials",
            "format": "text/line-based/*sv",
            "options": json.dumps({"separator": ",", "headerLines": 1, "encoding": "UTF-8"}),
        },
    )
    assert response.status_code in (200, 302), response.text
    location = response.headers.get("location", "")
    assert "project=" in location, response.text
    return location.split("project=")[1]


def wait_for_jobs(client: httpx.Client, project: str) -> None:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        processes = client.get("/command/core/get-processes", params={"project": project}).json()
        if not processes.get("processes"):
            return
        time.sleep(0.5)
    raise AssertionError("OpenRefine's job did not finish")


def run_command(
    client: httpx.Client,
    command: str,
    project: str,
    data: dict[str, str],
    params: dict[str, str] | None = None,
) -> Any:
    """POST an OpenRefine command as its web page does, then wait for the job it starts."""
    response = client.post(
        f"/command/core/{command}",
        params={"project": project, "csrf_token": token(client), **(params or {})},
        data={"engine": json.dumps({"facets": [], "mode": "row-based"}), **data},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("code") in ("ok", "pending"), body
    wait_for_jobs(client, project)
    return body


def cells(client: httpx.Client, project: str) -> tuple[list[str], list[list[Any]]]:
    """Column names and each row's cells, read back from OpenRefine."""
    model = client.get("/command/core/get-models", params={"project": project}).json()
    columns = model["columnModel"]["columns"]
    names = [column["name"] for column in columns]
    indexes = [column["cellIndex"] for column in columns]
    body = client.get(
        "/command/core/get-rows", params={"project": project, "start": 0, "limit": 50}
    ).json()
    recons = body.get("pool", {}).get("recons", {})
    return names, [
        [resolved((row["cells"] + [None] * len(indexes))[i], recons) for i in indexes]
        for row in body["rows"]
    ]


def resolved(cell: Any, recons: dict[str, Any]) -> Any:
    """A cell with its reconciliation read from the response's pool (cells hold its id)."""
    if cell and isinstance(cell.get("r"), str):
        return {**cell, "r": recons[cell["r"]]}
    return cell


@pytest.fixture(scope="module")
def reconciled(refine: httpx.Client, service_url: str) -> tuple[str, list[list[Any]]]:
    project = create_project(refine)
    config = {
        "mode": "standard-service",
        "service": service_url,
        "identifierSpace": ID,
        "schemaSpace": OKG,
        "type": {"id": OKG + "Official", "name": "official"},
        "autoMatch": True,
        "columnDetails": [
            {"column": "province", "propertyName": "province", "propertyID": "province"}
        ],
        "limit": 0,
    }
    run_command(refine, "reconcile", project, {"columnName": "name", "config": json.dumps(config)})
    return project, cells(refine, project)[1]


def test_openrefine_matches_the_names(reconciled: tuple[str, list[list[Any]]]) -> None:
    _, rows = reconciled
    for (name, _, expected), row in zip(SHEET, rows, strict=True):
        recon = row[0]["r"]
        candidates = [candidate["id"] for candidate in recon.get("c", [])]
        if expected is None:
            assert recon["j"] == "none", name
            assert ID + "official/ma-hongsheng" in candidates  # found, left for a human
        else:
            assert recon["j"] == "matched", name
            assert recon["m"]["id"] == expected


def test_openrefine_fetches_provinces_by_data_extension(
    refine: httpx.Client, service_url: str, reconciled: tuple[str, list[list[Any]]]
) -> None:
    project, _ = reconciled
    extension = {"properties": [{"id": "province", "name": "province of an office held"}]}
    run_command(  # the parameters in the URL and the extension in the body, as OpenRefine's page
        refine,
        "extend-data",
        project,
        {"extension": json.dumps(extension)},
        {
            "baseColumnName": "name",
            "endpoint": service_url,
            "identifierSpace": ID,
            "schemaSpace": OKG,
            "columnInsertIndex": "1",
        },
    )
    names, rows = cells(refine, project)
    column = names.index("province of an office held")
    fetched = [row[column]["r"]["m"]["id"] if row[column] else None for row in rows]
    assert fetched[:3] == [ID + "region/hubei", ID + "region/hubei", ID + "region/shanghai"]
    assert fetched[3] is None  # not matched: nothing fetched
