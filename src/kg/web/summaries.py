"""One-sentence summaries of pages for readers and link previews (``<meta name="description">``).

A summary is made from the page's own data: an official reads as name, office(s) and the
broadcasts hosted; a broadcast as who, when, where and what. No Flask here: plain functions of the
view models, tested without a server.
"""

from __future__ import annotations

from kg.namespaces import OKG
from kg.web.views import ResourceView, Row

MAX_LENGTH = 300
MAX_VALUES = 3

# Per class: (property IRI, phrase before its values), in reading order. Incoming links are
# phrased from the resource's side ("hosted").
OUTGOING: dict[str, tuple[tuple[str, str], ...]] = {
    str(OKG.Official): ((str(OKG.holdsOffice), ""),),
    str(OKG.Broadcast): (
        (str(OKG.host), "hosted by"),
        (str(OKG.date), "on"),
        (str(OKG.earliestDate), "between"),
        (str(OKG.latestDate), "and"),
        (str(OKG.platform), "on"),
        (str(OKG.promotesRegion), "for"),
        (str(OKG.features), "featuring"),
    ),
    str(OKG.Product): (
        (str(OKG.inIndustry), "industry:"),
        (str(OKG.originRegion), "from"),
        (str(OKG.madeBy), "made by"),
    ),
    str(OKG.Office): ((str(OKG.officeOf), "office of"), (str(OKG.heldBy), "held by")),
    str(OKG.ReportedFigure): (
        (str(OKG.figureOf), "reported for"),
        (str(OKG.statedAs), "stated as"),
        (str(OKG.evidence), "evidence"),
    ),
    str(OKG.AggregateReport): ((str(OKG.evidence), "evidence"),),
}
INCOMING: dict[str, tuple[tuple[str, str], ...]] = {
    str(OKG.Official): ((str(OKG.host), "hosted"),),
    str(OKG.Region): ((str(OKG.promotesRegion), "promoted in"),),
}


def resource_summary(view: ResourceView) -> str:
    """``view`` in one sentence: label, type, then what its class says about it."""
    types = [t.iri for t in view.types if t.iri]
    kind = ", ".join(t.text for t in view.types) or "resource"
    head = view.label + (f" ({view.label_zh})" if view.label_zh else "")
    phrases = _phrases(view.rows, _table(OUTGOING, types)) + _counted(
        view.incoming, _table(INCOMING, types)
    )
    if not phrases:
        phrases = _phrases(view.rows, tuple((row.prop.iri or "", "") for row in view.rows[:2]))
    sentence = f"{head}: {kind} in officials-kg"
    if phrases:
        sentence += "; " + "; ".join(phrases)
    return shorten(sentence + ".")


def _table(
    table: dict[str, tuple[tuple[str, str], ...]], types: list[str]
) -> tuple[tuple[str, str], ...]:
    return next((table[t] for t in types if t in table), ())


def _values(rows: list[Row], iri: str) -> list[str]:
    return next(([v.text for v in row.values] for row in rows if row.prop.iri == iri), [])


def _phrases(rows: list[Row], wanted: tuple[tuple[str, str], ...]) -> list[str]:
    """``phrase values`` for each wanted property the page has."""
    found = []
    for iri, phrase in wanted:
        values = _values(rows, iri)
        if values:
            shown = ", ".join(values[:MAX_VALUES]) + (" …" if len(values) > MAX_VALUES else "")
            found.append(f"{phrase} {shown}".strip())
    return found


def _counted(rows: list[Row], wanted: tuple[tuple[str, str], ...]) -> list[str]:
    """``phrase N: first values`` for each wanted incoming link."""
    found = []
    for iri, phrase in wanted:
        values = _values(rows, iri)
        if values:
            found.append(f"{phrase} {len(values)}: " + ", ".join(values[:MAX_VALUES]))
    return found


def shorten(text: str, limit: int = MAX_LENGTH) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
