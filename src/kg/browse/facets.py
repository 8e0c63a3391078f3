"""Which facets a browsable class has: from its SHACL shapes, plus a table of derived facets.

A **shape facet** is any ``sh:property`` of a NodeShape targeting the class (or one of its
superclasses) whose ``sh:path`` is a single IRI and whose values are IRIs: it says ``sh:class``,
``sh:nodeKind sh:IRI``, ``sh:in`` or an ``sh:or`` of ``sh:class`` alternatives. Add such a
property to a shape and its facet appears, with no code change. Dependent resources
(``okg:reportedFigure``: one per figure, never shared) are left out.

A **derived facet** follows a longer path that no single shape property states (the province of
a broadcast through ``okg:promotesRegion/okg:locatedIn*``, its month from its date): they are the
rows of :data:`DERIVED_FACETS`, each written once from a broadcast; a browsable class reaches its
broadcasts through its ``to_broadcast`` path and may give its own path for a facet
(``own_paths``: an official's province is that of their office).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.describe import DEPENDENT_LINKS
from kg.namespaces import OKG, SH


@dataclass(frozen=True)
class Facet:
    """One facet: ``pattern`` binds ``{value}`` from ``{item}`` (intermediates use ``{tmp}``).

    ``listing`` adds a constraint used only when listing values with counts (the province facet
    lists provinces, but its filter accepts a region at any level). ``value_check`` is a regular
    expression that literal values must match (None for IRI values).
    """

    name: str
    label: str
    pattern: str
    listing: str = ""
    value_check: str | None = None
    source: str = "shape"  # "shape" or "derived"
    property_iri: str | None = None

    def bind(self, item: str, value: str, tmp: str, *, listing: bool = False) -> str:
        """The pattern (and, when ``listing``, the listing constraint) with its variables named."""
        text = f"{self.pattern} {self.listing}".strip() if listing else self.pattern
        return text.replace("{item}", item).replace("{value}", value).replace("{tmp}", tmp)

    def constraint(self, value: str, tmp: str) -> str:
        """The listing constraint alone, its variables named (it only constrains ``{value}``)."""
        return self.listing.replace("{value}", value).replace("{tmp}", tmp)

    @property
    def literal(self) -> bool:
        return self.value_check is not None

    def accepts(self, value: str) -> bool:
        """Whether a literal value has the expected form (always True for IRI facets)."""
        return self.value_check is None or re.fullmatch(self.value_check, value) is not None


@dataclass(frozen=True)
class DerivedFacet:
    """A row of :data:`DERIVED_FACETS`: a facet written from a broadcast ``{b}``."""

    name: str
    label: str
    from_broadcast: str
    listing: str = ""
    value_check: str | None = None
    same_as: URIRef | None = None  # the one property the path is, when a shape may state it


@dataclass(frozen=True)
class BrowseClass:
    """A class offered at ``/browse/{name}``."""

    name: str
    iri: URIRef
    label: str
    to_broadcast: str  # SPARQL path from an item to its broadcasts; "" for broadcasts
    own_paths: dict[str, str] = field(default_factory=dict)  # facet name -> pattern from {item}

    def broadcast_pattern(self, item: str, broadcast: str) -> str:
        """A pattern binding ``broadcast`` to the broadcasts of ``item`` (not for broadcasts)."""
        return f"{item} {self.to_broadcast} {broadcast} . {broadcast} a okg:Broadcast ."


def within(start: str, end: str, anchor: str, link: str) -> str:
    """A pattern binding ``end`` to ``start`` and everything above it along ``link``
    (``link*``), for the nodes that are objects of the path ``anchor``.

    The hierarchy is walked in a grouped sub-select from a known set, as the competency queries
    do: Virtuoso 7.2 loses rows when a join is pushed into a ``*`` path (docs/deployment.md), and
    a ``*`` path with both ends open would visit every node of the graph.
    """
    return (
        f"{{ SELECT (SAMPLE({{tmp}}x) AS {start}) (SAMPLE({{tmp}}y) AS {end}) WHERE {{ "
        f"[] {anchor} {{tmp}}x . {{tmp}}x {link}* {{tmp}}y }} GROUP BY {{tmp}}x {{tmp}}y }}"
    )


SUBCLASSES = re.compile(r"\{subclasses:(\w+)\}")


def expand_subclasses(text: str, ontology: Graph) -> str:
    """``text`` with each ``{subclasses:X}`` replaced by ``okg:X`` and its subclasses."""

    def terms(match: re.Match[str]) -> str:
        top = OKG[match.group(1)]
        found = {top, *(c for c in ontology.transitive_subjects(RDFS.subClassOf, top) if c)}
        return " ".join(f"<{c}>" for c in sorted(found, key=str))

    return SUBCLASSES.sub(terms, text)


def office_region(person: str) -> str:
    """A pattern binding ``{tmp}r`` to the region of an office of ``person`` (or its body)."""
    return f"{person} okg:holdsOffice/okg:officeOf/okg:basedIn? {{tmp}}r . "


PROVINCE_LISTING = "VALUES {tmp}pc { {subclasses:Province} } {value} a {tmp}pc ."
LEVEL = "{tmp}r a {value} . VALUES {value} { {subclasses:Region} }"
LEVEL_LISTING = "FILTER({value} != okg:Region)"
MONTH = r"\d{4}-(0[1-9]|1[0-2])"

DERIVED_FACETS: tuple[DerivedFacet, ...] = (
    DerivedFacet(
        "province",
        "Province (any region inside it)",
        "{b} okg:promotesRegion {tmp}r . "
        + within("{tmp}r", "{value}", "okg:promotesRegion", "okg:locatedIn"),
        PROVINCE_LISTING,
    ),
    DerivedFacet(
        "month",
        "Month",
        "{b} okg:date|okg:earliestDate {tmp}d . BIND(SUBSTR(STR({tmp}d), 1, 7) AS {value})",
        value_check=MONTH,
    ),
    DerivedFacet("platform", "Platform", "{b} okg:platform {value} .", same_as=OKG.platform),
    DerivedFacet(
        "industry",
        "Industry (and broader)",
        "{b} okg:features/okg:inIndustry {tmp}i . "
        + within("{tmp}i", "{value}", "okg:inIndustry", "skos:broader"),
    ),
    DerivedFacet(
        "level",
        "Office level (region of the office)",
        "{b} okg:host {tmp}h . " + office_region("{tmp}h") + LEVEL,
        LEVEL_LISTING,
    ),
    DerivedFacet("source", "Source", "{b} okg:evidence/okg:source {value} ."),
)

BROWSE_CLASSES: tuple[BrowseClass, ...] = (
    BrowseClass("broadcasts", OKG.Broadcast, "Broadcasts", ""),
    BrowseClass(
        "officials",
        OKG.Official,
        "Officials",
        "^okg:host",
        {
            # a path, not within(): joining the office hierarchy is quadratic in Oxigraph 0.5
            "province": office_region("{item}") + "{tmp}r okg:locatedIn* {value} .",
            "level": office_region("{item}") + LEVEL,
            # people carry no evidence: the sources of their offices (tenures) do
            "source": "{item} ^okg:tenureHolder/okg:evidence/okg:source {value} .",
        },
    ),
    BrowseClass(
        "products",
        OKG.Product,
        "Products",
        "^okg:features",
        {
            "province": "{item} okg:originRegion {tmp}r . "
            + within("{tmp}r", "{value}", "okg:originRegion", "okg:locatedIn"),
            "industry": "{item} okg:inIndustry {tmp}i . "
            + within("{tmp}i", "{value}", "okg:inIndustry", "skos:broader"),
            # a product's sources are those of the broadcasts that feature it
            "source": "{item} ^okg:features/okg:evidence/okg:source {value} .",
        },
    ),
    BrowseClass(
        "figures",
        OKG.ReportedFigure,
        "Reported figures",
        "okg:figureOf|^okg:reportedFigure",
        {"source": "{item} okg:evidence/okg:source {value} ."},
    ),
    BrowseClass("sources", OKG.SourceDocument, "Sources", "^okg:source/^okg:evidence"),
)
BROWSE_BY_NAME = {cls.name: cls for cls in BROWSE_CLASSES}


def superclasses(ontology: Graph, cls: URIRef) -> set[Node]:
    """``cls`` and every class it is a subclass of (transitively)."""
    return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if c is not None}


def iri_valued(shapes: Graph, prop: Node) -> bool:
    """Whether the property shape ``prop`` says its values are IRIs."""
    if (prop, SH["class"], None) in shapes:
        return True
    for members in shapes.objects(prop, SH["in"]):
        return all(isinstance(member, URIRef) for member in shapes.items(members))
    if (prop, SH.nodeKind, SH.IRI) in shapes:
        return True
    return any(
        (member, SH["class"], None) in shapes
        for alternatives in shapes.objects(prop, SH["or"])
        for member in shapes.items(alternatives)
    )


def shape_properties(shapes: Graph, ontology: Graph, cls: URIRef) -> list[URIRef]:
    """The simple ``sh:path`` IRIs of the IRI-valued property shapes that apply to ``cls``."""
    targets = superclasses(ontology, cls)
    found: set[URIRef] = set()
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if not targets.intersection(shapes.objects(shape, SH.targetClass)):
            continue
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if (
                isinstance(path, URIRef)
                and path not in DEPENDENT_LINKS
                and iri_valued(shapes, prop)
            ):
                found.add(path)
    return sorted(found)


def local_name(iri: str) -> str:
    """The part after ``#`` or the last ``/``."""
    return re.split(r"[#/]", iri)[-1]


def shape_facet(prop: URIRef, label: str) -> Facet:
    """The facet of one shape property; named as its derived twin if it has one (``source``)."""
    twin = next((row for row in DERIVED_FACETS if row.same_as == prop), None)
    name, label = (
        (twin.name, twin.label) if twin else (local_name(prop), label[:1].upper() + label[1:])
    )
    return Facet(name, label, f"{{item}} <{prop}> {{value}} .", property_iri=str(prop))


def derived_facet(cls: BrowseClass, row: DerivedFacet) -> Facet:
    """A derived facet as seen from ``cls``: its own path, or through its broadcasts."""
    if row.name in cls.own_paths:
        pattern = cls.own_paths[row.name]
    elif not cls.to_broadcast:
        pattern = row.from_broadcast.replace("{b}", "{item}")
    else:
        path = cls.broadcast_pattern("{item}", "{tmp}b")
        pattern = path + " " + row.from_broadcast.replace("{b}", "{tmp}b")
    return Facet(row.name, row.label, pattern, row.listing, row.value_check, source="derived")


def class_facets(
    cls: BrowseClass, shapes: Graph, ontology: Graph, labels: dict[URIRef, str]
) -> list[Facet]:
    """The facets of ``cls``: the derived ones (in table order, a shape property standing in for
    its twin), then the other shape facets."""
    from_shapes = {
        facet.name: facet
        for facet in (
            shape_facet(prop, labels.get(prop, local_name(prop)))
            for prop in shape_properties(shapes, ontology, cls.iri)
        )
    }
    facets = [
        from_shapes.pop(row.name) if row.name in from_shapes else derived_facet(cls, row)
        for row in DERIVED_FACETS
    ]
    return facets + list(from_shapes.values())


@dataclass(frozen=True)
class Column:
    """A column of the result table: a single-valued property (``sh:maxCount 1``) of a shape."""

    name: str
    label: str
    property_iri: str


RESERVED = frozenset({"item", "label", "broadcasts"})


def single_valued(shapes: Graph, ontology: Graph, cls: URIRef) -> list[URIRef]:
    """The simple ``sh:path`` IRIs that a shape applying to ``cls`` allows at most once."""
    targets = superclasses(ontology, cls)
    found: set[URIRef] = set()
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if targets.intersection(shapes.objects(shape, SH.targetClass)):
            for prop in shapes.objects(shape, SH.property):
                path = shapes.value(prop, SH.path)
                if isinstance(path, URIRef) and (prop, SH.maxCount, None) in shapes:
                    found.add(path)
    return sorted(found)


def class_columns(
    cls: BrowseClass, shapes: Graph, ontology: Graph, labels: dict[URIRef, str]
) -> list[Column]:
    """The columns of the result table of ``cls`` after its label (order: property IRI)."""
    columns: list[Column] = []
    for prop in single_valued(shapes, ontology, cls.iri):
        name = re.sub(r"\W", "_", local_name(prop))
        if name not in RESERVED and name not in {c.name for c in columns}:
            label = labels.get(prop, name)
            columns.append(Column(name, label[:1].upper() + label[1:], str(prop)))
    return columns
