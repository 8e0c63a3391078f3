"""``kg new broadcast|official|source``: print a filled-in sheet template (CSV with its header)."""

from __future__ import annotations

import argparse
import sys

from kg.cli import ExitCode
from kg.curation.templates import TEMPLATES, template


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=sorted(TEMPLATES), help="what the sheet starts with")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(template(args.kind))
    return ExitCode.OK
