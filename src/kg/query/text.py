"""A query's text read by the SPARQL lexical grammar, without parsing or evaluating it.

https://www.w3.org/TR/sparql11-query/#grammar: ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are undone
before anything else (§19.2, "codepoint escape sequences"); comments, strings and IRIs are
skipped as the grammar's terminals define them, so a bracket or a ``#`` inside them counts for
nothing. One pass, no recursion: a query nested deeper than any parser can take costs a scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.stores import QueryError, QueryForm, QueryRefused

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The terminals that matter, one regular expression scanned by the C engine (a 1 MB query in
# milliseconds): skipped ones (white space, comments, strings — an unterminated one runs to the
# end of its line), IRIREF ::= '<' ([^<>"{}|^`\]-[#x00-#x20])* '>', words, brackets.
_SKIP = (
    r"\s+|#[^\n\r]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"
    r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
    r"|'(?:[^'\\\n\r]|\\.)*(?:'|$)"
    r'|"(?:[^"\\\n\r]|\\.)*(?:"|$)'
)
# variables, numbers and prefixed names: their '-', '.' and ':' are not operators or separators
_NAME = (
    r"[?$]\w+"
    r"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
    r"|(?:[^\W\d][\w.-]*)?:[\w.:%-]*"
)
_LEXER = re.compile(
    rf"(?P<skip>{_SKIP})"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    rf"|(?P<name>{_NAME})"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<bracket>[()\[\]{}])"
    r"|(?P<operator>[-+*/|&=!<>^])"
    r"|(?P<separator>[.;,])",
    re.MULTILINE,
)
OPENING = "([{"
CLOSING = ")]}"
UPDATE_KEYWORDS = frozenset(
    {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
)
READ_ONLY_MESSAGE = "this endpoint is read-only; SPARQL Update is not accepted"


class QueryTooDeep(QueryRefused):
    """The query nests brackets deeper than the ``max_nesting`` setting (HTTP 400)."""


def unescape(query: str) -> str:
    """``query`` with its ``\\u`` and ``\\U`` codepoint escapes replaced (SPARQL §19.2)."""
    if "\\u" not in query and "\\U" not in query:
        return query
    return _ESCAPE.sub(_codepoint, query)


def _codepoint(match: re.Match[str]) -> str:
    value = int(match[1] or match[2], 16)
    return chr(value) if value <= 0x10FFFF else match[0]


def tokens(query: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of every ``bracket``, ``word`` and ``iri`` of ``query``, in order;
    white space, comments and strings are skipped, and so is every other character."""
    for match in _LEXER.finditer(query):
        kind = match.lastgroup
        if kind is not None and kind != "skip":
            yield kind, match[0], match.start()


@dataclass(frozen=True)
class Shape:
    """How deep a query's brackets nest, and its longest run of operators between brackets."""

    depth: int
    chain: int


def shape(query: str) -> Shape:
    """The nesting of ``( [ {`` outside strings and comments (brackets inside an IRI count from
    the depth the IRI is at), and the most operator characters (``+ - * / | & = ! < > ^``) in
    one bracket group between separators (``. ; ,``): a chain such as ``1+1+…`` is parsed into
    an expression as deep as it is long."""
    depth = deepest = chain = 0
    runs = [0]  # operators so far in each open group
    for match in _LEXER.finditer(query):
        kind = match.lastgroup
        if kind == "operator":
            runs[-1] += 1
            chain = max(chain, runs[-1])
        elif kind == "separator":
            runs[-1] = 0
        elif kind == "bracket":
            if match[0] in OPENING:
                depth += 1
                runs.append(0)
            else:
                depth = max(depth - 1, 0)
                if len(runs) > 1:
                    runs.pop()
            deepest = max(deepest, depth)
        elif kind == "iri":  # a less-than sign may look like an IRI: count inside too
            deepest = max(deepest, depth + _excursion(match[0]))
    return Shape(deepest, chain)


def nesting_depth(query: str) -> int:
    """The deepest nesting of ``( [ {`` (see :func:`shape`)."""
    return shape(query).depth


def _excursion(text: str) -> int:
    """How deep the brackets of ``text`` alone go."""
    depth = deepest = 0
    for char in text:
        if char in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif char in CLOSING:
            depth -= 1
    return deepest


def check_shape(query: str, max_nesting: int, max_operators: int) -> None:
    """Refuse a query nested deeper than ``max_nesting``, or with a longer run of operators
    than ``max_operators``, before any parser sees it."""
    found = shape(query)
    if found.depth > max_nesting:
        raise QueryTooDeep(
            f"the query nests brackets {found.depth} deep; the limit is {max_nesting} "
            "(kgs:maxNesting in the service description)"
        )
    if found.chain > max_operators:
        raise QueryTooDeep(
            f"the query chains {found.chain} operators in one expression; the limit is "
            f"{max_operators} (kgs:maxOperators in the service description): use brackets, "
            "IN (…) or VALUES"
        )


def query_form(query: str) -> QueryForm:
    """The form named by the first keyword after the prologue; an update is refused (read-only),
    anything else is a syntax error."""
    keyword, offset = _first_keyword(query)
    if keyword.lower() in UPDATE_KEYWORDS:
        raise QueryRefused(READ_ONLY_MESSAGE)
    try:
        return QueryForm(keyword.upper())
    except ValueError:
        shown = f"'{keyword}'" if keyword else "the end of the query"
        line = query.count("\n", 0, offset) + 1
        column = offset - (query.rfind("\n", 0, offset) + 1) + 1
        raise QueryError(
            f"error at {line}:{column}: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the "
            f"prologue, found {shown}"
        ) from None


def _first_keyword(query: str) -> tuple[str, int]:
    """The first word that is not part of a BASE or PREFIX declaration, and its offset."""
    units = tokens(query)
    for kind, text, offset in units:
        word = text.lower() if kind == "word" else ""
        if word == "base":
            next(units, None)  # the IRI
        elif word == "prefix":
            _skip_prefix_name(units)
        else:
            return (text if word else ""), offset
    return "", len(query)


def _skip_prefix_name(units: Iterator[tuple[str, str, int]]) -> None:
    """Skip ``PNAME_NS IRIREF`` (``ex: <…>``; the name may be empty, ``:``)."""
    for kind, _, _ in units:
        if kind == "iri":
            return
