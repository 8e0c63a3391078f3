"""``kg diff [OLD] [NEW]``: the claims added, removed and changed between two versions.

A version is a git revision or release tag, a dump file (ttl, nt, nq, trig, jsonld, .gz) or a
folder of Turtle; OLD defaults to the last release tag (``v*``), NEW to the working tree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import ExitCode
from kg.config import PROJECT_ROOT
from kg.curation.diff import RENDERERS, WORKING_TREE, DiffError, compare, last_release, load_version


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", nargs="?", help="old version (default: the last release tag)")
    parser.add_argument(
        "new", nargs="?", default=WORKING_TREE, help="new version (default: the working tree)"
    )
    parser.add_argument(
        "--format",
        choices=sorted(RENDERERS),
        default="md",
        help="md (default), json or patch (RDF Patch)",
    )
    parser.add_argument(
        "--repo", type=Path, default=PROJECT_ROOT, help="the git repository (default: this project)"
    )
    parser.add_argument("--exit-code", action="store_true", help="exit 1 when the versions differ")


def run(args: argparse.Namespace) -> int:
    """Print the diff; exit 2 when a version cannot be read."""
    old = args.old or last_release(args.repo)
    if old is None:
        print("error: no release tag (v*) yet: name the OLD version", file=sys.stderr)
        return ExitCode.BAD_INPUT
    try:
        diff = compare(load_version(old, repo=args.repo), load_version(args.new, repo=args.repo))
    except DiffError as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    sys.stdout.write(RENDERERS[args.format](diff))
    return ExitCode.NOT_CONFORMING if args.exit_code and not diff.empty else ExitCode.OK
