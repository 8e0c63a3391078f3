"""SELECT results in any SPARQL results format, with the row cap, written by pyoxigraph only.

pyoxigraph serialises its lazy ``QuerySolutions`` but cannot count them without consuming them.
So solutions are first written as SPARQL TSV (https://www.w3.org/TR/sparql11-results-csv-tsv/)
into a buffer that counts rows as they arrive — in TSV every row is one line, since tabs and
newlines inside terms are escaped — and stops the evaluation past the cap; the TSV, which keeps
every term exactly, is then read back by pyoxigraph and written in the requested format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from kg.formats import Format
from kg.stores import ResultTooLarge

TSV = ox.QueryResultsFormat.TSV
Term = Any  # a pyoxigraph NamedNode, BlankNode, Literal or Triple


class _RowCappedBuffer:
    """A write target for a TSV serialisation that raises :class:`ResultTooLarge` past the cap."""

    def __init__(self, max_rows: int):
        self.max_lines = max_rows + 1  # the header line, then one line per row
        self.lines = 0
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_lines:
            raise too_large(self.max_lines - 1)
        self.data += chunk
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the data stays in memory."""


def too_large(max_rows: int) -> ResultTooLarge:
    """The error for a result over the row cap."""
    return ResultTooLarge(f"the result has more than {max_rows} rows; add a LIMIT to the query")


def write_solutions(solutions: ox.QuerySolutions, fmt: Format, max_rows: int) -> bytes:
    """``solutions`` in ``fmt``; :class:`ResultTooLarge` as soon as they pass ``max_rows``."""
    buffer = _RowCappedBuffer(max_rows)
    solutions.serialize(buffer, TSV)  # type: ignore[arg-type]  # any object with write()
    return _convert(bytes(buffer.data), fmt)


def write_rows(
    variables: Sequence[str], rows: Sequence[Sequence[Term | None]], fmt: Format
) -> bytes:
    """Solutions held as Python rows (e.g. repaired terms of a remote store) in ``fmt``.

    Each term is written by pyoxigraph itself (``str`` of a term is its N-Triples form, with tabs
    and newlines escaped), so the TSV read back is exact.
    """
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    return _convert(("\n".join(lines) + "\n").encode("utf-8"), fmt)


def _convert(tsv: bytes, fmt: Format) -> bytes:
    if fmt.oxigraph == TSV:
        return tsv
    solutions = ox.parse_query_results(tsv, TSV)
    return xml_carriage_returns(solutions.serialize(format=fmt.oxigraph) or b"", fmt)  # type: ignore[arg-type]


XML_FORMATS = (ox.QueryResultsFormat.XML, ox.RdfFormat.RDF_XML)


def xml_carriage_returns(body: bytes, fmt: Format) -> bytes:
    """An XML body with every carriage return written ``&#13;``: XML parsers turn a raw CR into
    a line feed (XML 1.0 §2.11), so a literal's CR would not survive. The serialisers write
    line ends as LF, so any CR in their output belongs to a value."""
    if fmt.oxigraph in XML_FORMATS and b"\r" in body:
        return body.replace(b"\r", b"&#13;")
    return body
