"""One frozen settings object, built from one table of knobs.

``SETTINGS`` is the single source of every knob: its default, its ``KG_*`` environment variable,
the ``kg`` sub-commands that take it as an option (:mod:`kg.cli.options` builds them) and the
table in docs/configuration.md (``kg settings --markdown`` writes it; a test compares them).
Precedence: command-line option, then environment variable, then default.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("validate", "stats", "query", "serve", "export", "load", "intake")


def _user_dir(variable: str, fallback: str) -> Path:
    """An XDG base directory (``$variable``, else ``~/fallback``) for officials-kg."""
    return Path(os.environ.get(variable) or Path.home() / fallback) / "officials-kg"


@dataclass(frozen=True)
class Setting:
    """One knob: name, default, help text, the commands that take it as ``--flag``, and how the
    docs show it (``shown``: the default as a reader should read it, ``secret``: never printed)."""

    name: str
    default: Any
    help: str
    commands: tuple[str, ...] = ()
    flag: str = ""
    shown: str = ""
    secret: bool = False
    kind: type = str

    @property
    def env_var(self) -> str:
        return "KG_" + self.name.upper()

    @property
    def option(self) -> str:
        """The command-line option: ``flag``, else ``--name`` (``--no-name`` for an on-switch)."""
        if self.flag:
            return self.flag
        dashed = self.name.replace("_", "-")
        return f"--no-{dashed}" if self.default is True else f"--{dashed}"

    @property
    def shown_default(self) -> str:
        """The default as the docs show it."""
        if self.shown:
            return self.shown
        if isinstance(self.default, Path):
            return self.default.relative_to(PROJECT_ROOT).as_posix() + "/"
        return "(none)" if self.default is None else str(self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ontology_dir",
        PROJECT_ROOT / "ontology",
        "Folder of the OWL ontology (Turtle).",
        SOURCES,
        flag="--ontology",
        kind=Path,
    ),
    Setting(
        "data_dir",
        PROJECT_ROOT / "data",
        "Folder of the curated Turtle data.",
        (*SOURCES, "fmt"),
        flag="--data",
        kind=Path,
    ),
    Setting(
        "shapes_dir",
        PROJECT_ROOT / "shapes",
        "Folder of the SHACL shapes.",
        SOURCES,
        flag="--shapes",
        kind=Path,
    ),
    Setting(
        "queries_dir",
        PROJECT_ROOT / "queries",
        "Folder of the competency queries (.rq).",
        kind=Path,
    ),
    Setting(
        "store",
        "memory",
        "Store: 'memory', a folder for a persistent store, or a remote store's SPARQL query URL.",
        ("serve", "query", "stats", "export"),
    ),
    Setting(
        "store_user",
        None,
        "User name for a remote store that asks for credentials (HTTP basic or digest).",
    ),
    Setting("store_password", None, "Password for a remote store.", secret=True),
    Setting(
        "store_gsp_url",
        None,
        "A remote store's Graph Store Protocol URL, when it is not the store's usual one "
        "(derived from the query URL per store).",
    ),
    Setting("host", "127.0.0.1", "Address the server binds to.", ("serve",)),
    Setting("port", 8000, "Port the server listens on; 0 picks a free one.", ("serve",), kind=int),
    Setting("workers", 2, "Number of server worker processes.", ("serve",), kind=int),
    Setting(
        "threads",
        0,
        "Requests a worker answers at once; 0 picks 2 for the embedded store (its queries need "
        "the CPU) and 8 for a remote store (its requests mostly wait on the store).",
        ("serve",),
        kind=int,
    ),
    Setting(
        "timeout",
        10.0,
        "Hard time limit of one query, in seconds.",
        ("serve", "query"),
        kind=float,
    ),
    Setting(
        "load_timeout",
        120.0,
        "Time limit of each request to a remote store while loading it, in seconds.",
        ("load",),
        flag="--timeout",
        kind=float,
    ),
    Setting(
        "max_rows",
        100_000,
        "Most result rows (or triples) a query may return.",
        ("serve",),
        kind=int,
    ),
    Setting("max_query_length", 1_000_000, "Longest query accepted, in characters.", kind=int),
    Setting("max_body_bytes", 1_000_000, "Largest request body accepted, in bytes.", kind=int),
    Setting(
        "read_timeout",
        30.0,
        "Seconds a client has to send a whole request (header and body) before it is answered 408; "
        "slow clients wait without holding a thread.",
        ("serve",),
        kind=float,
    ),
    Setting("max_nesting", 100, "Deepest nesting of brackets in a query ( ( [ { ).", kind=int),
    Setting(
        "max_operators",
        500,
        "Most operators (+ - * / | & = ! < > ^) in one expression between brackets or separators.",
        kind=int,
    ),
    Setting(
        "query_memory_mb",
        1024,
        "Memory one query may take, in MB: each evaluator process may grow by this much past its "
        "size at fork (RLIMIT_AS); 0 for no limit.",
        kind=int,
    ),
    Setting(
        "client_budget",
        60.0,
        "Seconds of query evaluation one client (IP address) may use per budget window; 0 for "
        "no budget.",
        kind=float,
    ),
    Setting("budget_window", 60.0, "Length of the client budget's window, in seconds.", kind=float),
    Setting(
        "validate",
        True,
        "Validate the graph with SHACL before serving or loading it.",
        ("serve", "load"),
        kind=bool,
    ),
    Setting(
        "cache_dir",
        _user_dir("XDG_CACHE_HOME", ".cache"),
        "Folder of built caches (search index, validation results, slow-query log).",
        ("slow-queries",),
        shown="$XDG_CACHE_HOME/officials-kg (else ~/.cache/officials-kg)",
        kind=Path,
    ),
    Setting(
        "releases_dir",
        _user_dir("XDG_DATA_HOME", ".local/share") / "releases",
        "Folder of the releases `kg release` builds and `/releases` serves.",
        ("release",),
        flag="--out",
        shown="$XDG_DATA_HOME/officials-kg/releases (else ~/.local/share/officials-kg/releases)",
        kind=Path,
    ),
    # ---- operations (docs/operations.md) ----
    Setting(
        "metrics",
        "off",
        "Prometheus metrics: 'off'; 'on' serves GET /metrics on the service's port; a port "
        "number serves them on 127.0.0.1:PORT only (kg serve), never on the public port.",
        ("serve",),
    ),
    Setting(
        "access_log",
        True,
        "Write one JSON line per request to the 'kg.access' logger (kg serve: standard output).",
        ("serve",),
        kind=bool,
    ),
    Setting(
        "slow_query_seconds",
        1.0,
        "Record SPARQL queries slower than this in the slow-query log (kg slow-queries); "
        "0 for none.",
        ("serve",),
        kind=float,
    ),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}
_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The settings of one run of the service or the CLI (fields: :data:`SETTINGS`)."""

    ontology_dir: Path = _DEFAULTS["ontology_dir"]
    data_dir: Path = _DEFAULTS["data_dir"]
    shapes_dir: Path = _DEFAULTS["shapes_dir"]
    queries_dir: Path = _DEFAULTS["queries_dir"]
    store: str = _DEFAULTS["store"]
    store_user: str | None = _DEFAULTS["store_user"]
    store_password: str | None = _DEFAULTS["store_password"]
    store_gsp_url: str | None = _DEFAULTS["store_gsp_url"]
    host: str = _DEFAULTS["host"]
    port: int = _DEFAULTS["port"]
    workers: int = _DEFAULTS["workers"]
    threads: int = _DEFAULTS["threads"]
    timeout: float = _DEFAULTS["timeout"]
    load_timeout: float = _DEFAULTS["load_timeout"]
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
    releases_dir: Path = _DEFAULTS["releases_dir"]
    metrics: str = _DEFAULTS["metrics"]
    access_log: bool = _DEFAULTS["access_log"]
    slow_query_seconds: float = _DEFAULTS["slow_query_seconds"]

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``KG_*`` environment variables, then explicit ``overrides`` (not None)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env_var)
            if raw is not None and raw != "":
                values[setting.name] = coerce(setting, raw)
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)


class SettingError(ValueError):
    """A setting's value cannot be read (names the variable and the type it needs)."""


BOOLEANS = {"1": True, "true": True, "yes": True, "on": True}
BOOLEANS |= {"0": False, "false": False, "no": False, "off": False}


def coerce(setting: Setting, raw: str) -> Any:
    """An environment string as the setting's type; :class:`SettingError` if it is not one."""
    try:
        if setting.kind is bool:
            return BOOLEANS[raw.strip().lower()]
        return setting.kind(raw)
    except (KeyError, ValueError):
        kind = "on/off" if setting.kind is bool else setting.kind.__name__
        raise SettingError(f"{setting.env_var}={raw!r} is not a valid {kind}") from None
