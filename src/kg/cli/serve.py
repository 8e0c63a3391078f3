"""``kg serve``: validate (unless told not to), then serve the graph under gunicorn."""

from __future__ import annotations

import argparse
import sys

from kg.cli import add_source_options, settings_from
from kg.config import Settings

# option -> (setting, type, help); the defaults and environment variables come from kg.config.
OPTIONS: dict[str, tuple[str, type, str]] = {
    "--host": ("host", str, "address to bind (default: 127.0.0.1)"),
    "--port": ("port", int, "port to listen on; 0 picks a free one (default: 8000)"),
    "--store": ("store", str, "'memory', or a folder for a persistent store (default: memory)"),
    "--timeout": ("timeout", float, "time limit of one query in seconds (default: 10)"),
    "--workers": ("workers", int, "number of worker processes (default: 2)"),
    "--threads": ("threads", int, "requests a worker answers at once (default: 2, remote: 8)"),
    "--max-rows": ("max_rows", int, "most result rows of one query (default: 100000)"),
    "--read-timeout": ("read_timeout", float, "seconds to receive a whole request (default: 30)"),
    "--base-iri": ("base_iri", str, "public base IRI of the resources"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_options(parser)
    for option, (name, kind, help_text) in OPTIONS.items():
        parser.add_argument(option, dest=name, type=kind, help=help_text)
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        default=None,
        help="start without SHACL validation of the graph",
    )


def settings_for(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the command-line options given."""
    names = [name for name, _, _ in OPTIONS.values()] + ["validate"]
    return settings_from(args, **{name: getattr(args, name) for name in names})


def run(args: argparse.Namespace) -> int:
    """Validate (reusing a cached result), then serve until interrupted; 1 if not conforming."""
    settings = settings_for(args)
    if settings.validate:
        from kg.server import validate_cached
        from kg.validation import ShapesError

        try:
            conforms, message = validate_cached(settings)
        except ShapesError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(message, file=sys.stdout if conforms else sys.stderr, flush=True)
        if not conforms:
            print("refusing to serve a non-conforming graph (use --no-validate)", file=sys.stderr)
            return 1
    from kg.server import serve

    serve(settings)
    return 0
