"""One frozen settings object (paths, base IRI, store, limits), from arguments and environment.

``SETTINGS`` is the single table of knobs: the CLI builds its options from it, the docs list it and
a meta-test checks that every knob is documented.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.namespaces import BASE_IRI

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    """One knob: its name, default, help text and the environment variable that can set it."""

    name: str
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return "KG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("ontology_dir", PROJECT_ROOT / "ontology", "Folder of the OWL ontology (Turtle)."),
    Setting("data_dir", PROJECT_ROOT / "data", "Folder of the curated Turtle data."),
    Setting("shapes_dir", PROJECT_ROOT / "shapes", "Folder of the SHACL shapes."),
    Setting("queries_dir", PROJECT_ROOT / "queries", "Folder of the competency queries (.rq)."),
    Setting("base_iri", BASE_IRI, "Public base IRI of the graph's resources."),
    Setting("store", "memory", "Store: 'memory', a folder for a persistent store, or a URL."),
    Setting("host", "127.0.0.1", "Address the server binds to."),
    Setting("port", 8000, "Port the server listens on."),
    Setting("workers", 2, "Number of server worker processes."),
    Setting(
        "threads",
        0,
        "Requests a worker answers at once; 0 picks 2 for the embedded store (its queries need "
        "the CPU) and 8 for a remote store (its requests mostly wait on the store).",
    ),
    Setting("timeout", 10.0, "Hard time limit of one query, in seconds."),
    Setting("max_rows", 100_000, "Most result rows (or triples) a query may return."),
    Setting("max_query_length", 1_000_000, "Longest query accepted, in characters."),
    Setting("max_body_bytes", 1_000_000, "Largest request body accepted, in bytes."),
    Setting(
        "read_timeout",
        30.0,
        "Seconds a client has to send a whole request (header and body) before it is answered 408; "
        "slow clients wait without holding a thread.",
    ),
    Setting("max_nesting", 100, "Deepest nesting of brackets in a query ( ( [ { )."),
    Setting(
        "max_operators",
        500,
        "Most operators (+ - * / | & = ! < > ^) in one expression between brackets or separators.",
    ),
    Setting(
        "query_memory_mb",
        1024,
        "Memory one query may take, in MB: each evaluator process may grow by this much past its "
        "size at fork (RLIMIT_AS); 0 for no limit.",
    ),
    Setting(
        "client_budget",
        60.0,
        "Seconds of query evaluation one client (IP address) may use per budget window; 0 for "
        "no budget.",
    ),
    Setting("budget_window", 60.0, "Length of the client budget's window, in seconds."),
    Setting("validate", True, "Validate the graph with SHACL before serving."),
    Setting(
        "cache_dir",
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officials-kg",
        "Folder of built caches (the search index, one file per data version).",
    ),
    # ---- operations (docs/operations.md) ----
    Setting(
        "metrics",
        "off",
        "Prometheus metrics: 'off'; 'on' serves GET /metrics on the service's port; a port "
        "number serves them on 127.0.0.1:PORT only (kg serve), never on the public port.",
    ),
    Setting(
        "access_log",
        True,
        "Write one JSON line per request to the 'kg.access' logger (kg serve: standard output).",
    ),
    Setting(
        "slow_query_seconds",
        1.0,
        "Record SPARQL queries slower than this in the slow-query log (kg slow-queries); "
        "0 for none.",
    ),
)

_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The settings of one run of the service or the CLI."""

    ontology_dir: Path = _DEFAULTS["ontology_dir"]
    data_dir: Path = _DEFAULTS["data_dir"]
    shapes_dir: Path = _DEFAULTS["shapes_dir"]
    queries_dir: Path = _DEFAULTS["queries_dir"]
    base_iri: str = _DEFAULTS["base_iri"]
    store: str = _DEFAULTS["store"]
    host: str = _DEFAULTS["host"]
    port: int = _DEFAULTS["port"]
    workers: int = _DEFAULTS["workers"]
    threads: int = _DEFAULTS["threads"]
    timeout: float = _DEFAULTS["timeout"]
    max_rows: int = _DEFAULTS["max_rows"]
    max_query_length: int = _DEFAULTS["max_query_length"]
    max_body_bytes: int = _DEFAULTS["max_body_bytes"]
    read_timeout: float = _DEFAULTS["read_timeout"]
    max_nesting: int = _DEFAULTS["max_nesting"]
    max_operators: int = _DEFAULTS["max_operators"]
    query_memory_mb: int = _DEFAULTS["query_memory_mb"]
    client_budget: float = _DEFAULTS["client_budget"]
    budget_window: float = _DEFAULTS["budget_window"]
    validate: bool = _DEFAULTS["validate"]
    cache_dir: Path = _DEFAULTS["cache_dir"]
    metrics: str = _DEFAULTS["metrics"]
    access_log: bool = _DEFAULTS["access_log"]
    slow_query_seconds: float = _DEFAULTS["slow_query_seconds"]
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``KG_*`` environment variables, then explicit ``overrides`` (not None)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.env_var in environ:
                values[setting.name] = _coerce(setting.default, environ[setting.env_var])
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)


def _coerce(default: Any, raw: str) -> Any:
    """Convert an environment string to the type of the setting's default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, Path):
        return Path(raw)
    return type(default)(raw)
