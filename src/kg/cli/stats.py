"""``kg stats``: count the served graph as ``/void`` and the home page count it."""

from __future__ import annotations

import argparse
import sys

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.loading import display_path, graph_files
from kg.namespaces import BASE_IRI
from kg.stats import FORMATS, dataset_stats
from kg.stores import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "stats")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    files = {graph.iri: display_path(graph.path) for graph in graph_files(settings)}
    store = open_store(settings)
    try:
        stats = dataset_stats(store, BASE_IRI + "id/")
    finally:
        store.close()
    sys.stdout.write(stats.render(args.format, files))
    return ExitCode.OK
