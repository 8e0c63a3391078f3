"""The data of the views of broadcasts: a timeline, a map of regions, a network.

Each view takes the same selection as ``/browse/broadcasts`` (so ``?province=region/hubei`` or
``?host=official/li-qiang`` narrows it), runs one query through the store and returns plain,
JSON-ready data that the page's script draws; the page also shows it as a table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from rdflib import URIRef
from rdflib.term import Node

from kg.browse.facets import within
from kg.browse.page import Labels, Select, fetch_labels
from kg.browse.query import PROLOGUE, BrowseSpec, selection_where
from kg.browse.selection import Selection, compact
from kg.describe import local_href
from kg.namespaces import OKG
from kg.stores import Store, select_rows

REGION_CLOSURE = within("?promoted", "?region", "okg:promotesRegion", "okg:locatedIn").replace(
    "{tmp}", "?m"
)
NETWORK_LIMIT = 300  # broadcasts drawn in one network
TIMELINE_LIMIT = 1000  # broadcasts drawn on one timeline, earliest first
SCHEMA_PREFIX = "PREFIX schema: <https://schema.org/>\n"
LABEL = 'OPTIONAL { ?item rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }'


@dataclass(frozen=True)
class ViewData:
    """What a view page draws (``items``: JSON-ready dicts) and the query that produced it."""

    kind: str
    items: list[dict[str, Any]]
    query: str
    note: str = ""


def timeline_query(spec: BrowseSpec, selection: Selection, base_iri: str) -> str:
    """Broadcasts with their day, or the first and last day they can have taken place."""
    where = selection_where(spec, selection, base_iri)
    return (
        f"{PROLOGUE}SELECT ?item ?label ?date ?earliest ?latest WHERE {{\n"
        "  { SELECT ?item (SAMPLE(?l) AS ?label) (MIN(?d) AS ?date) "
        "(MIN(?e) AS ?earliest) (MAX(?x) AS ?latest) WHERE {\n"
        f"  {where}\n  {LABEL}\n  OPTIONAL {{ ?item okg:date ?d }}\n"
        "  OPTIONAL { ?item okg:earliestDate ?e }\n  OPTIONAL { ?item okg:latestDate ?x }\n"
        "  FILTER(BOUND(?d) || BOUND(?e))\n"
        "  } GROUP BY ?item }\n"
        f"}} ORDER BY COALESCE(?date, ?earliest) ?item LIMIT {TIMELINE_LIMIT}"
    )


def timeline_item(row: dict[str, Node], base_iri: str) -> dict[str, Any] | None:
    """A point (exact day) or a bar (a range of days); None without any date."""
    iri = str(row["item"])
    label = str(row.get("label", iri))
    base = {"id": iri, "label": label, "href": local_href(iri, base_iri)}
    if "date" in row:
        return {**base, "type": "point", "start": str(row["date"])}
    if "earliest" in row:
        end = str(row.get("latest", row["earliest"]))
        return {**base, "type": "range", "start": str(row["earliest"]), "end": end}
    return None


def timeline(
    store: Store,
    spec: BrowseSpec,
    selection: Selection,
    base_iri: str,
    select: Select = select_rows,
) -> ViewData:
    """The timeline of the selected broadcasts (those with a date, earliest first)."""
    query = timeline_query(spec, selection, base_iri)
    rows = select(store, query)
    items = [item for row in rows if (item := timeline_item(row, base_iri)) is not None]
    note = "Broadcasts without a date are not drawn."
    if len(items) >= TIMELINE_LIMIT:
        note += f" The first {TIMELINE_LIMIT} by date are drawn; narrow the selection for more."
    return ViewData("timeline", items, query, note)


def map_query(spec: BrowseSpec, selection: Selection, base_iri: str) -> str:
    """Every region with coordinates: the selected broadcasts in it (at any level below) and
    the sum of their whole-broadcast sales figures in yuan."""
    where = selection_where(spec, selection, base_iri)
    return (
        f"{PROLOGUE}{SCHEMA_PREFIX}SELECT ?region ?code ?lat ?long ?broadcasts ?sales WHERE {{\n"
        "{ SELECT ?region ?code ?lat ?long "
        "(COUNT(?item) AS ?broadcasts) (SUM(?itemSales) AS ?sales) WHERE {\n"
        "  { SELECT ?item (SUM(?amount) AS ?itemSales) WHERE {\n"
        f"    {where}\n"
        "    OPTIONAL { ?item okg:reportedFigure|^okg:figureOf ?figure .\n"
        "      ?figure okg:measures okg:SalesAmount ; okg:unit okg:CNY ; okg:value ?value .\n"
        "      FILTER NOT EXISTS { ?figure okg:aboutProduct ?product } }\n"
        "    BIND(COALESCE(?value, 0) AS ?amount)\n"
        "  } GROUP BY ?item }\n"
        "  { SELECT DISTINCT ?item ?region WHERE {\n"
        f"    ?item okg:promotesRegion ?promoted . {REGION_CLOSURE} }} }}\n"
        "  ?region schema:latitude ?lat ; schema:longitude ?long .\n"
        "  OPTIONAL { ?region okg:adminCode ?code }\n"
        "} GROUP BY ?region ?code ?lat ?long }\n"
        "} ORDER BY DESC(?broadcasts) ?region"
    )


def map_item(row: dict[str, Node], labels: Labels, base_iri: str) -> dict[str, Any]:
    """One region as a circle."""
    iri = str(row["region"])
    return {
        "id": iri,
        "label": labels.get(iri, iri),
        "href": local_href(iri, base_iri),
        "code": str(row.get("code", "")),
        "lat": float(row["lat"]),  # type: ignore[arg-type]
        "long": float(row["long"]),  # type: ignore[arg-type]
        "broadcasts": int(row["broadcasts"]),  # type: ignore[call-overload]
        "sales": float(row.get("sales", 0)),  # type: ignore[arg-type]
    }


def region_map(
    store: Store,
    spec: BrowseSpec,
    selection: Selection,
    base_iri: str,
    select: Select = select_rows,
) -> ViewData:
    """The map of the selected broadcasts."""
    query = map_query(spec, selection, base_iri)
    rows = select(store, query)
    labels = fetch_labels(store, sorted({str(row["region"]) for row in rows}), select)
    note = "Sales: the sum of the whole-broadcast sales figures in yuan as reported (a figure "
    note += "the source gives as 'over' counts as its stated value)."
    return ViewData("map", [map_item(row, labels, base_iri) for row in rows], query, note)


def network_query(spec: BrowseSpec, selection: Selection, base_iri: str) -> str:
    """Hosts, products and industries of (at most NETWORK_LIMIT of) the selected broadcasts."""
    where = selection_where(spec, selection, base_iri)
    return (
        f"{PROLOGUE}SELECT ?item ?host ?product ?industry WHERE {{\n"
        f"  {{ SELECT DISTINCT ?item WHERE {{\n  {where}\n  }} ORDER BY ?item "
        f"LIMIT {NETWORK_LIMIT} }}\n"
        "  { ?item okg:host ?host } UNION { ?item okg:features ?product "
        "OPTIONAL { ?product okg:inIndustry ?industry } }\n}"
    )


NODE_GROUPS = ("official", "broadcast", "product", "industry")


def network_items(rows: list[dict[str, Node]], labels: Labels, base_iri: str) -> dict[str, Any]:
    """Nodes (with their group) and edges official → broadcast → product → industry."""
    nodes: dict[str, str] = {}
    edges: set[tuple[str, str]] = set()

    def add(node: Node, group: str) -> str:
        nodes.setdefault(str(node), group)
        return str(node)

    for row in rows:
        item = add(row["item"], "broadcast")
        if "host" in row:
            edges.add((add(row["host"], "official"), item))
        if "product" in row:
            edges.add((item, add(row["product"], "product")))
        if "product" in row and "industry" in row:
            edges.add((str(row["product"]), add(row["industry"], "industry")))
    node_list = [
        {
            "id": iri,
            "label": labels.get(iri, iri),
            "group": group,
            "href": local_href(iri, base_iri),
        }
        for iri, group in sorted(nodes.items())
    ]
    return {"nodes": node_list, "edges": [{"from": a, "to": b} for a, b in sorted(edges)]}


def network(
    store: Store,
    spec: BrowseSpec,
    selection: Selection,
    base_iri: str,
    select: Select = select_rows,
) -> ViewData:
    """The network of the selected broadcasts."""
    query = network_query(spec, selection, base_iri)
    rows = select(store, query)
    iris = sorted({str(v) for row in rows for v in row.values() if isinstance(v, URIRef)})
    data = network_items(rows, labels=fetch_labels(store, iris, select), base_iri=base_iri)
    broadcasts = sum(1 for node in data["nodes"] if node["group"] == "broadcast")
    note = f"At most {NETWORK_LIMIT} broadcasts are drawn." if broadcasts >= NETWORK_LIMIT else ""
    return ViewData("network", [data], query, note)


ViewBuilder = Callable[[Store, BrowseSpec, Selection, str, Select], ViewData]
VIEWS: dict[str, tuple[str, ViewBuilder]] = {
    "timeline": ("Timeline of broadcasts", timeline),
    "map": ("Map of broadcasts and sales by region", region_map),
    "network": ("Network: official → broadcast → product → industry", network),
}


# An entity page links to the views of its broadcasts: class -> (facet of /browse/broadcasts,
# views offered). A class not listed here gets no links.
ENTITY_VIEWS: tuple[tuple[URIRef, str, tuple[str, ...]], ...] = (
    (OKG.Official, "host", ("timeline", "map", "network")),
    (OKG.Region, "province", ("map", "timeline", "network")),
    (OKG.Platform, "platform", ("timeline", "map", "network")),
    (OKG.Product, "features", ("timeline", "map", "network")),
    (OKG.Industry, "industry", ("timeline", "map", "network")),
    (OKG.SourceDocument, "source", ("timeline", "map", "network")),
    (OKG.Company, "featuredCompany", ("timeline", "network")),
)


def entity_links(classes: set[Node], iri: str, base_iri: str) -> list[tuple[str, str]]:
    """(text, href) of the views and the browse page of an entity's broadcasts."""
    for cls, facet, views in ENTITY_VIEWS:
        if cls in classes:
            query = "?" + urlencode({facet: compact(iri, base_iri)})
            found = [(f"its broadcasts on the {name}", f"/view/{name}{query}") for name in views]
            return [*found, ("browse its broadcasts", f"/browse/broadcasts{query}")]
    return []
