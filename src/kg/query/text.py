"""A query's text read by the SPARQL lexical grammar, without parsing or evaluating it.

https://www.w3.org/TR/sparql11-query/#grammar: ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are undone
before anything else (§19.2, "codepoint escape sequences"); comments, strings and IRIs are
skipped as the grammar's terminals define them, so a bracket or a ``#`` inside them counts for
nothing. One pass, no recursion: a query nested deeper than any parser can take costs a scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
_LEXER = re.compile(
    rf"(?P<skip>{_SKIP})"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<bracket>[()\[\]{}])",
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


def nesting_depth(query: str) -> int:
    """The deepest nesting of ``( [ {`` outside strings and comments (brackets inside an IRI
    count from the depth the IRI is at)."""
    depth = deepest = 0
    for match in _LEXER.finditer(query):
        if match.lastgroup == "bracket":
            depth = depth + 1 if match[0] in OPENING else max(depth - 1, 0)
            deepest = max(deepest, depth)
        elif match.lastgroup == "iri":  # a less-than sign may look like an IRI: count inside too
            deepest = max(deepest, depth + _excursion(match[0]))
    return deepest


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


def check_nesting(query: str, max_nesting: int) -> None:
    """Refuse a query nested deeper than ``max_nesting`` before any parser sees it."""
    depth = nesting_depth(query)
    if depth > max_nesting:
        raise QueryTooDeep(
            f"the query nests brackets {depth} deep; the limit is {max_nesting} "
            "(kgs:maxNesting in the service description)"
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
