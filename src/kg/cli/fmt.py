"""``kg fmt [--check] [FILES]``: put Turtle files in the canonical layout (default: data/*.ttl)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.curation.turtle import FormatError, format_turtle
from kg.loading import display_path, turtle_files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, help="Turtle files (default: data/*.ttl)")
    add_setting_options(parser, "fmt")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a file is not canonical"
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every file is (now) canonical; 1 with --check when one is not; 2 on bad input."""
    files = args.files or turtle_files(settings_from(args).data_dir)
    changed: list[Path] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            canonical = format_turtle(text)
        except (OSError, UnicodeDecodeError, FormatError) as error:
            print(f"error: {display_path(path)}: {error}", file=sys.stderr)
            return ExitCode.BAD_INPUT
        except Exception as error:  # rdflib's parse errors come in assorted types
            print(f"error: {display_path(path)}: not valid Turtle: {error}", file=sys.stderr)
            return ExitCode.BAD_INPUT
        if canonical != text:
            changed.append(path)
            if not args.check:
                path.write_text(canonical, encoding="utf-8")
    verb = "would reformat" if args.check else "reformatted"
    for path in changed:
        print(f"{verb} {display_path(path)}")
    if args.check and changed:
        print(f"{len(changed)} file(s) not in canonical layout: run kg fmt", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    return ExitCode.OK
