"""``kg intake SHEET…``: curators' sheets into ``data/``, reconciled and validated, all or none.

Each sheet is taken in on its own, all or nothing. Several sheets are taken in order, in passes:
a sheet that fails because it refers to another sheet's records (a broadcast it confirms, the
original it copies) is tried again after the others, until a pass takes nothing more in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.config import Settings
from kg.curation.intake import IntakeError, intake
from kg.curation.sheet import Issue, SheetError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sheets", nargs="+", type=Path, help="sheets: sheets/{source-id}.csv")
    add_setting_options(parser, "intake")
    parser.add_argument(
        "--dry-run", action="store_true", help="check, reconcile and validate, but write nothing"
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every sheet was taken in (or would be, with --dry-run), 1 otherwise."""
    settings = settings_from(args)
    pending: list[Path] = list(args.sheets)
    failures: dict[Path, list[Issue]] = {}
    while pending:
        failures = {}
        for sheet in pending:
            issues = take(sheet, settings, dry_run=args.dry_run)
            if issues:
                failures[sheet] = issues
        progressed = len(failures) < len(pending)
        pending = [sheet for sheet in pending if sheet in failures]
        if args.dry_run or not progressed:
            break
    for sheet, issues in failures.items():
        print(f"{sheet}: nothing was written; fix these and run kg intake again:", file=sys.stderr)
        for issue in issues:
            print(f"  {issue}", file=sys.stderr)
    return ExitCode.NOT_CONFORMING if failures else ExitCode.OK


def take(sheet: Path, settings: Settings, *, dry_run: bool) -> list[Issue]:
    """Take one sheet in and print what it did; its issues when it failed (nothing written)."""
    try:
        outcome = intake(sheet, settings, dry_run=dry_run)
    except (SheetError, IntakeError) as error:
        return error.issues
    sys.stdout.write(outcome.render())
    return []
