"""``kg intake SHEET``: a curator's sheet into ``data/``, reconciled and validated, all or none."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import add_source_options, settings_from
from kg.curation.intake import IntakeError, intake
from kg.curation.sheet import SheetError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sheet", type=Path, help="the sheet: sheets/{source-id}.csv")
    add_source_options(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="check, reconcile and validate, but write nothing"
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 when the sheet was taken in (or would be, with --dry-run), 1 when it has problems."""
    try:
        outcome = intake(args.sheet, settings_from(args), dry_run=args.dry_run)
    except (SheetError, IntakeError) as error:
        print(
            f"{args.sheet}: nothing was written; fix these and run kg intake again:",
            file=sys.stderr,
        )
        for issue in error.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    sys.stdout.write(outcome.render())
    return 0
