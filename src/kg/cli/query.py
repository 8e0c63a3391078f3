"""``kg query``: run one SPARQL query on the embedded store and print the result."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from rdflib.query import Result
from rdflib.term import Literal, Node, URIRef

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.formats import FORMATS_BY_NAME, RDF_FORMATS, RESULT_FORMATS, Format
from kg.namespaces import PREFIXES
from kg.stores import (
    QueryAborted,
    QueryError,
    QueryRequest,
    QueryTimeout,
    ResultTooLarge,
    open_store,
)

TABLE = "table"
CHOICES = [TABLE] + [fmt.name for fmt in (*RESULT_FORMATS, *RDF_FORMATS)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "query")
    parser.add_argument("query", nargs="?", help="the SPARQL query (or use --file)")
    parser.add_argument("--file", type=Path, help="read the query from this file (.rq)")
    parser.add_argument(
        "--format", choices=CHOICES, default=TABLE, help="output format (default: table)"
    )


def run(args: argparse.Namespace) -> int:
    """Print the result (see :class:`ExitCode` for the failures)."""
    text = _query_text(args)
    if text is None:
        print("error: give a query or --file", file=sys.stderr)
        return ExitCode.BAD_INPUT
    settings = settings_from(args)
    store = open_store(settings)
    try:
        form = store.query_form(text)
        fmt = output_format(args.format, form.returns_graph)
        body = store.query(QueryRequest(text), fmt, timeout=settings.timeout)
    except (QueryError, ResultTooLarge, QueryAborted) as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except QueryTimeout as error:  # the evaluator running it has been stopped
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.TIMEOUT
    finally:
        store.close()
    sys.stdout.write(render_table(body) if args.format == TABLE and not form.returns_graph else "")
    if args.format != TABLE or form.returns_graph:
        sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return ExitCode.OK


def _query_text(args: argparse.Namespace) -> str | None:
    if args.file is not None:
        return str(args.file.read_text(encoding="utf-8"))
    return str(args.query) if args.query else None


def output_format(name: str, returns_graph: bool) -> Format:
    """The format to ask the store for; ``table`` means JSON results (rendered) or Turtle."""
    if name == TABLE:
        return FORMATS_BY_NAME["turtle" if returns_graph else "json"]
    fmt = FORMATS_BY_NAME[name]
    if (fmt in RDF_FORMATS) != returns_graph:
        kind = "graph" if returns_graph else "results"
        raise QueryError(f"--format {name} cannot carry this query's {kind}")
    return fmt


def render_table(body: bytes) -> str:
    """SPARQL JSON results as an aligned text table (or ``true`` / ``false`` for ASK)."""
    result = Result.parse(io.BytesIO(body), format="json")
    if result.type == "ASK":
        return f"{str(result.askAnswer).lower()}\n"
    names = [str(var) for var in result.vars or []]
    rows = [[short(row.get(name)) for name in names] for row in result]  # type: ignore[union-attr]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [_line(names, widths), _line(["-" * width for width in widths], widths)]
    lines += [_line(row, widths) for row in rows]
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def short(term: Node | None) -> str:
    """A compact rendering: prefixed names for our namespaces, literals with their language."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, iri in PREFIXES.items():
            if term.startswith(iri) and len(term) > len(iri):
                return f"{prefix}:{term[len(iri) :]}"
        return f"<{term}>"
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)
