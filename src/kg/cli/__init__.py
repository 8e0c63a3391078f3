"""The ``kg`` command: one sub-command per module, each with ``add_arguments`` and ``run``.

Every command returns an :class:`ExitCode`; options that are settings come from
:data:`kg.config.SETTINGS` (:func:`add_setting_options`), never hand-copied.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from enum import IntEnum
from types import ModuleType

from kg import __version__
from kg.config import SETTINGS, Setting, SettingError, Settings
from kg.loading import LoadError


class ExitCode(IntEnum):
    """What a ``kg`` command's exit status means, the same for every command."""

    OK = 0
    NOT_CONFORMING = 1  # the data fails validation (or a check found differences: diff, fmt)
    BAD_INPUT = 2  # usage, unreadable files, a bad query, a bad setting
    STORE_FAILED = 3  # the store failed or does not hold what was sent
    TIMEOUT = 4  # the query ran past its time limit
    INTERRUPTED = 130


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
    "settings": "Print the settings in effect (or --markdown: the table of docs/configuration.md).",
    "slow-queries": "List the queries the server found slow (the slow-query log), slowest first.",
}


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"kg.cli.{name.replace('-', '_')}")


def add_setting_options(parser: argparse.ArgumentParser, command: str) -> None:
    """The options of ``command`` that are settings, as :data:`kg.config.SETTINGS` lists them."""
    for setting in SETTINGS:
        if command in setting.commands:
            _add_option(parser, setting)


def _add_option(parser: argparse.ArgumentParser, setting: Setting) -> None:
    help_text = f"{setting.help} (env {setting.env_var}"
    if setting.kind is bool:
        action = "store_false" if setting.default else "store_true"
        parser.add_argument(
            setting.option, dest=setting.name, action=action, default=None, help=help_text + ")"
        )
        return
    parser.add_argument(
        setting.option,
        dest=setting.name,
        type=setting.kind,
        default=None,
        metavar=setting.name.removesuffix("_dir").upper(),
        help=f"{help_text}; default {setting.shown_default})".replace("%", "%%"),
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the setting options given in ``args``."""
    return Settings.from_env(**{s.name: getattr(args, s.name, None) for s in SETTINGS})


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
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return code


if __name__ == "__main__":
    sys.exit(main())
