"""``kg load --to URL``: validate, then load the graph into a remote SPARQL 1.1 store.

Credentials come from ``KG_STORE_USER`` / ``KG_STORE_PASSWORD``, a Graph Store Protocol URL that
is not the store's usual one from ``KG_STORE_GSP_URL`` (see docs/deployment.md).
Exit codes: 0 loaded and checked, 1 the graph does not conform (nothing sent), 2 bad input,
3 the store failed or does not hold what was sent (the report says which graphs; rerun to repair).
"""

from __future__ import annotations

import argparse
import sys

from kg.cli import add_source_options, settings_from
from kg.remote_load import NotConforming, load_to_store
from kg.stores import StoreUnavailable
from kg.stores.remote import is_remote

STORE_FAILED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_options(parser)
    parser.add_argument(
        "--to", required=True, metavar="URL", help="the store's SPARQL query URL (http or https)"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="also delete graphs under our graph namespace that no source file produces",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="time limit of each request to the store (default: 120)",
    )
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="load without SHACL validation first (e.g. generated benchmark data)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace) -> int:
    """Load, print what was done; see the module docstring for the exit codes."""
    if not is_remote(args.to):
        print("error: --to takes the store's http:// or https:// query URL", file=sys.stderr)
        return 2
    progress = (lambda message: None) if args.quiet else (lambda message: print(message))
    try:
        report = load_to_store(
            settings_from(args),
            args.to,
            replace=args.replace,
            timeout=args.timeout,
            progress=progress,
            validate_first=args.validate,
        )
    except NotConforming as error:
        sys.stderr.write(error.report.render("text"))
        print(f"error: {error}", file=sys.stderr)
        return 1
    except StoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return STORE_FAILED
    (sys.stdout if report.ok else sys.stderr).write(report.render())
    return 0 if report.ok else STORE_FAILED
