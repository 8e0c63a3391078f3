"""``kg stats``: count the triples per file and the instances per class."""

from __future__ import annotations

import argparse
import sys

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.stats import FORMATS, graph_stats


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "stats")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(graph_stats(settings_from(args)).render(args.format))
    return ExitCode.OK
