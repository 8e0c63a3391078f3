"""``kg stats``: count the triples per file and the instances per class."""

from __future__ import annotations

import argparse
import sys

from kg.cli import add_source_options, settings_from
from kg.stats import FORMATS, graph_stats


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_options(parser)
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(graph_stats(settings_from(args)).render(args.format))
    return 0
