"""``kg serve``: validate (unless told not to), then serve the graph under gunicorn."""

from __future__ import annotations

import argparse
import sys

from kg.cli import ExitCode, add_setting_options, settings_from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "serve")


def run(args: argparse.Namespace) -> int:
    """Validate (reusing a cached result), then serve until interrupted."""
    settings = settings_from(args)
    if settings.validate:
        from kg.validation import ShapesError
        from kg.web.server import validate_cached

        try:
            conforms, message = validate_cached(settings)
        except ShapesError as error:
            print(f"error: {error}", file=sys.stderr)
            return ExitCode.BAD_INPUT
        print(message, file=sys.stdout if conforms else sys.stderr, flush=True)
        if not conforms:
            print("refusing to serve a non-conforming graph (use --no-validate)", file=sys.stderr)
            return ExitCode.NOT_CONFORMING
    from kg.web.server import serve

    serve(settings)
    return ExitCode.OK
