"""``kg validate``: parse the ontology and data, validate them with the SHACL shapes, report."""

from __future__ import annotations

import argparse
import sys

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.validation import FORMATS, ShapesError, validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "validate")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="report format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 0 when the graph conforms (warnings allowed), 1 on violations."""
    try:
        report = validate(settings_from(args))
    except ShapesError as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    sys.stdout.write(report.render(args.format))
    return ExitCode.OK if report.conforms else ExitCode.NOT_CONFORMING
