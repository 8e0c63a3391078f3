"""Which format a response is written in: the one the client named, else its ``Accept``, else 406.

One helper for every route that offers several formats (``/sparql`` results, resource pages and
the ontology, VoID): the client may name a format (a suffix such as ``.ttl``, or a ``format`` /
``output`` parameter); otherwise its ``Accept`` header picks among the offers (the first offer
when it sends none); when nothing offered is acceptable the route answers 406 listing the offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import request
from werkzeug.exceptions import NotAcceptable

from kg import formats
from kg.formats import Format


class FormatNotAcceptable(NotAcceptable):
    """406: nothing offered is acceptable; the message lists the offers."""

    def __init__(self, what: str, offers: Sequence[Format]):
        available = ", ".join(offer.media_type for offer in offers)
        super().__init__(f"cannot write {what} in the requested format; available: {available}")
        self.offers = tuple(offers)


@dataclass(frozen=True)
class Choice:
    """The chosen format, and whether ``Accept`` chose it (the response then varies by it)."""

    format: Format
    negotiated: bool


def accept_header() -> str:
    """Every ``Accept`` header of the request as one value, media-type parameters other than
    ``q`` removed (``; charset=utf-8`` must not keep a range from matching, RFC 9110 §12.5.1)."""
    ranges = []
    for part in ", ".join(request.headers.getlist("Accept")).split(","):
        if not part.strip():
            continue
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        kept = [p for p in parameters if p.lower().replace(" ", "").startswith("q=")]
        ranges.append("; ".join([media_type, *kept]))
    return ", ".join(ranges)


def choose_format(
    offers: Sequence[Format],
    what: str,
    *,
    named: Format | None = None,
    fallback: Sequence[Format] = (),
) -> Choice:
    """``named`` when the client named a format, else the best offer for ``Accept``; the first
    offer when the client accepts only formats of ``fallback`` (another kind of answer, as
    rdflib's SPARQLStore asks results of a CONSTRUCT). Raises :class:`FormatNotAcceptable`."""
    if named is not None:
        return Choice(named, negotiated=False)
    accept = accept_header()
    fmt = formats.negotiate(accept, offers)
    if fmt is None and fallback and formats.negotiate(accept, fallback) is not None:
        fmt = offers[0]
    if fmt is None:
        raise FormatNotAcceptable(what, offers)
    return Choice(fmt, negotiated=True)
