"""The format table and content negotiation (RFC 9110 §12.5.1) as a case table."""

from __future__ import annotations

import pytest

from kg.formats import (
    FORMATS,
    HTML,
    RDF_FORMATS,
    RESULT_FORMATS,
    by_extension,
    by_name,
    negotiate,
    prefers_html,
)

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)

# (Accept, offers, expected format name or None for 406)
CASES = [
    (None, RESULT_FORMATS, "json"),
    ("", RDF_FORMATS, "turtle"),
    ("*/*", RESULT_FORMATS, "json"),
    ("*/*", RDF_FORMATS, "turtle"),
    (FIREFOX, RESULT_FORMATS, "xml"),
    (FIREFOX, RDF_FORMATS, "rdfxml"),
    ("text/csv", RESULT_FORMATS, "csv"),
    ("text/csv;q=0.4, application/sparql-results+xml;q=0.6", RESULT_FORMATS, "xml"),
    ("text/*", RESULT_FORMATS, "csv"),
    ("text/*;q=0.5, text/tab-separated-values", RESULT_FORMATS, "tsv"),
    ("application/json", RESULT_FORMATS, "json"),
    ("application/json", RDF_FORMATS, "jsonld"),
    ("text/turtle;q=0, */*", RDF_FORMATS, "ntriples"),
    ("application/n-quads", RDF_FORMATS, "nquads"),
    ("APPLICATION/TRIG", RDF_FORMATS, "trig"),
    ("image/png", RESULT_FORMATS, None),
    ("text/turtle", RESULT_FORMATS, None),
    ("application/sparql-results+json;q=0", RESULT_FORMATS[:1], None),
]


@pytest.mark.parametrize(("accept", "offers", "expected"), CASES)
def test_negotiate(accept: str | None, offers: tuple[object], expected: str | None) -> None:
    chosen = negotiate(accept, offers)  # type: ignore[arg-type]
    assert (chosen.name if chosen else None) == expected


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (FIREFOX, True),
        (CHROME, True),
        ("*/*", False),
        (None, False),
        ("text/turtle", False),
        ("text/html;q=0.5, text/turtle", False),
        ("application/json", False),
    ],
)
def test_prefers_html(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


def test_lookups_by_name_extension_and_media_type() -> None:
    assert by_name("ttl") is by_name("turtle") is by_name("text/turtle")
    assert by_name("json", RDF_FORMATS) is None
    assert by_extension("NQ") is by_name("nquads")
    assert by_name("nonsense") is None


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_every_row_is_complete(fmt: object) -> None:
    assert fmt.content_type.startswith(fmt.media_type)  # type: ignore[attr-defined]
    assert "charset=utf-8" in fmt.content_type  # type: ignore[attr-defined]
    if fmt is not HTML:
        assert fmt.oxigraph is not None and fmt.rdflib_name and fmt.w3c  # type: ignore[attr-defined]
