"""``kg slow-queries``: the queries the server found slow, slowest first (docs/operations.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.observability.access_log import timestamp
from kg.observability.slow_queries import SlowQuery, SlowQueryLog

SHOWN_QUERY_CHARS = 80  # the table shows the start of each query; --json gives it whole


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "slow-queries")
    parser.add_argument(
        "--limit", type=int, default=50, help="show this many queries at most (default: 50)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (one array of objects)")
    parser.add_argument("--clear", action="store_true", help="empty the log after printing it")


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return ExitCode.BAD_INPUT
    log = SlowQueryLog.in_folder(settings_from(args).cache_dir)
    entries = log.entries(args.limit)
    if args.json:
        print(json.dumps([entry.as_json() for entry in entries], ensure_ascii=False, indent=2))
    else:
        print(render_table(entries, log.path))
    if args.clear:
        log.clear()
    return ExitCode.OK


def render_table(entries: list[SlowQuery], path: Path) -> str:
    """The entries as an aligned text table (or a line saying there are none)."""
    if not entries:
        return f"no slow queries recorded ({path})"
    header = f"{'hash':<12}  {'count':>5}  {'max s':>8}  {'last s':>8}  {'last seen':<24}  query"
    lines = [header, "-" * len(header)]
    for entry in entries:
        query = entry.query
        if len(query) > SHOWN_QUERY_CHARS:
            query = query[: SHOWN_QUERY_CHARS - 1] + "…"
        lines.append(
            f"{entry.hash:<12}  {entry.count:>5}  {entry.max_seconds:>8.3f}  "
            f"{entry.last_seconds:>8.3f}  {timestamp(entry.last_seen):<24}  {query}"
        )
    return "\n".join(lines)
