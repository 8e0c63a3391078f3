"""Backend-independent safety checks on a SPARQL request, done before any store sees it.

Every backend (embedded Oxigraph, a remote SPARQL 1.1 store) calls :func:`inspect` first. It
reads the query with a tokenizer that implements the lexical grammar of SPARQL 1.1 (§19.8:
IRIs, strings, comments, variables, prefixed names, keywords), so a word such as ``service`` or
``from`` inside a string literal, an IRI, a comment, a variable or a prefixed name is never
mistaken for the keyword. The tokenizer only runs past the prologue when a cheap substring test
finds ``service`` or ``from`` in the text, keeping the hot path short.

What it refuses, and why:

- SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, …): the service is read-only.
- ``SERVICE``: Oxigraph would send the sub-query over HTTP; the service makes no outbound requests.
- ``FROM`` / ``FROM NAMED`` / ``default-graph-uri`` / ``named-graph-uri`` naming a graph that is
  not in the store: nothing is ever fetched, so such a dataset would silently be empty.
- a query longer than the limit.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from kg.stores import QueryError, QueryForm, QueryRefused, QueryRequest, QueryTooLong

READ_ONLY_MESSAGE = "this endpoint is read-only; SPARQL Update is not accepted"
SERVICE_MESSAGE = (
    "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests"
)

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
FORMS = {form.value: form for form in QueryForm}

# One alternative per terminal; order matters (comments and IRIs before punctuation, prefixed
# names before bare words). Only the groups named here are looked at; the rest is skipped.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<var>[?$]\w+)
    | (?P<pname>(?:[^\W\d_](?:[\w.\-]*[\w\-])?)?:
                (?:(?:[\w:%\-]|\\.)(?:(?:[\w.:%\-]|\\.)*(?:[\w:%\-]|\\.))?)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (a group name of ``_TOKEN``) and text."""

    kind: str
    text: str

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass(frozen=True)
class QueryInfo:
    """What the guard learnt about a query: its form and the graphs its dataset clauses name."""

    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def tokens(query: str) -> Iterator[Token]:
    """The tokens of ``query``, comments left out."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield Token(kind, match.group())


def inspect(query: str, *, max_length: int) -> QueryInfo:
    """Check ``query`` and return its form and dataset; raise :class:`QueryError` if refused.

    A query whose form cannot be found is not rejected here unless it is an update: the caller's
    parser gives the precise syntax error.
    """
    if len(query) > max_length:
        raise QueryTooLong(f"the query is {len(query)} characters long; the limit is {max_length}")
    lowered = query.lower()
    if "service" in lowered and any(t.keyword == "SERVICE" for t in tokens(query)):
        raise QueryRefused(SERVICE_MESSAGE)
    form = query_form(query)
    if "from" not in lowered:
        return QueryInfo(form)
    default, named = dataset_clauses(query)
    return QueryInfo(form, default, named)


def query_form(query: str) -> QueryForm:
    """The form of ``query`` from its first keyword after the prologue; updates are refused."""
    for token in tokens(query):
        if token.kind != "word" or token.keyword in ("BASE", "PREFIX"):
            continue
        if token.keyword in UPDATE_KEYWORDS:
            raise QueryRefused(READ_ONLY_MESSAGE)
        if token.keyword in FORMS:
            return FORMS[token.keyword]
        break
    raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")


def dataset_clauses(query: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graph IRIs of the ``FROM`` and ``FROM NAMED`` clauses, resolved against the prologue."""
    prefixes: dict[str, str] = {}
    base = ""
    default: list[str] = []
    named: list[str] = []
    stream = list(tokens(query))
    for index, token in enumerate(stream):
        following = stream[index + 1 : index + 4]
        if token.keyword == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, following[0].text[1:-1])
        elif token.keyword == "PREFIX" and len(following) >= 2 and following[1].kind == "iri":
            prefixes[following[0].text] = urljoin(base, following[1].text[1:-1])
        elif token.keyword == "FROM" and following:
            is_named = following[0].keyword == "NAMED"
            target = following[1] if is_named and len(following) > 1 else following[0]
            (named if is_named else default).append(_resolve(target, prefixes, base))
    return tuple(default), tuple(named)


def _resolve(token: Token, prefixes: dict[str, str], base: str) -> str:
    """The absolute IRI written as ``token`` (an IRI reference or a prefixed name)."""
    if token.kind == "iri":
        return urljoin(base, token.text[1:-1])
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix + ":" in prefixes:
            return prefixes[prefix + ":"] + re.sub(r"\\(.)", r"\1", local)
    raise QueryError(f"FROM must be followed by an IRI, not {token.text!r}")


def check_dataset(request: QueryRequest, info: QueryInfo, graphs: Collection[str]) -> None:
    """Refuse a dataset (protocol parameters or FROM clauses) naming graphs the store lacks."""
    named = (
        *request.default_graph_uris,
        *request.named_graph_uris,
        *info.from_graphs,
        *info.from_named_graphs,
    )
    missing = sorted({iri for iri in named if iri not in graphs})
    if missing:
        listed = ", ".join(f"<{iri}>" for iri in missing)
        raise QueryError(
            f"unknown graph {listed}: this endpoint never fetches remote data; a dataset may only "
            "name the graphs of the store (listed in the service description at GET /sparql)"
        )
