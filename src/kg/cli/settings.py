"""``kg settings``: the settings in effect and where each comes from, or the docs' table."""

from __future__ import annotations

import argparse
import os
import sys

from kg.cli import ExitCode
from kg.config import SETTINGS, Setting, Settings

TABLE_HEADER = (
    "| setting | environment variable | option | default | meaning |\n|---|---|---|---|---|\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the table of every setting for docs/configuration.md instead",
    )


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(markdown_table() if args.markdown else in_effect(Settings.from_env()))
    return ExitCode.OK


def markdown_table() -> str:
    """Every setting as a row of docs/configuration.md's table."""
    return TABLE_HEADER + "".join(_row(setting) for setting in SETTINGS)


def _row(setting: Setting) -> str:
    commands = ", ".join(f"`kg {name}`" for name in setting.commands)
    option = f"`{setting.option}` ({commands})" if commands else ""
    cells = [
        f"`{setting.name}`",
        f"`{setting.env_var}`",
        option,
        f"`{setting.shown_default}`",
        setting.help.replace("|", "\\|"),
    ]
    return "| " + " | ".join(cells) + " |\n"


def in_effect(settings: Settings) -> str:
    """``name = value  (source)`` for every setting; secrets shown as ``***``."""
    lines = []
    for setting in SETTINGS:
        value = getattr(settings, setting.name)
        source = "environment" if os.environ.get(setting.env_var) else "default"
        shown = "***" if setting.secret and value else str(value)
        lines.append(f"{setting.name} = {shown}  ({source}: {setting.env_var})")
    return "\n".join(lines) + "\n"
