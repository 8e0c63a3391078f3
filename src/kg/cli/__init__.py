"""The ``kg`` command: one sub-command per module, each with ``add_arguments`` and ``run``.

Exit codes: 0 success, 1 the data does not conform (validate), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from kg import __version__
from kg.config import Settings
from kg.loading import LoadError
from kg.observability import SettingError

DESCRIPTION = (
    "officials-kg: validate, query, serve, export and load the knowledge graph of Chinese "
    "officials' live-commerce broadcasts (2020)."
)

# name -> one-line help; the module kg.cli.<name> implements it (a dash in the name: underscore).
COMMANDS: dict[str, str] = {
    "validate": "Parse the ontology and data and validate them against the SHACL shapes.",
    "stats": "Count triples and instances per class.",
    "query": "Run a SPARQL query on the graph and print the results.",
    "serve": "Serve the graph: SPARQL endpoint, linked data, query editor.",
    "export": "Write the whole dataset as one RDF dump.",
    "load": "Validate, then load the graph into a remote SPARQL store (--to URL).",
    "intake": "Take a curator's sheet (CSV) into data/: reconcile, build, validate, write.",
    "fmt": "Put the Turtle data in its canonical layout (--check: only report).",
    "new": "Print a filled-in sheet template: kg new broadcast|official|source > sheets/x.csv.",
    "diff": "List the claims added, removed and changed between two versions of the graph.",
    "release": "Validate, stamp the version, and build the release dumps with checksums.",
    "slow-queries": "List the queries the server found slow (the slow-query log), slowest first.",
}


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"kg.cli.{name.replace('-', '_')}")


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """The options naming the graph's source folders, shared by the commands that read them."""
    parser.add_argument("--data", type=Path, help="folder of the Turtle data (default: data/)")
    parser.add_argument("--ontology", type=Path, help="folder of the ontology (default: ontology/)")
    parser.add_argument("--shapes", type=Path, help="folder of the SHACL shapes (default: shapes/)")


def settings_from(args: argparse.Namespace, **overrides: Any) -> Settings:
    """Settings from the environment and the source options of ``args`` (when present)."""
    return Settings.from_env(
        data_dir=getattr(args, "data", None),
        ontology_dir=getattr(args, "ontology", None),
        shapes_dir=getattr(args, "shapes", None),
        **overrides,
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``kg`` argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="kg", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"officials-kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _command(name).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kg`` console script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = _command(args.command).run(args)
    except (LoadError, SettingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
