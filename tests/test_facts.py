"""The source's facts, one table row each, checked in the graph; and the curation rules of data/.

Every expected value below was read from the article (sources/000_bb7817d47544a525.txt), not from
query output. Tables first, then the meta-checks: verbatim quotations, namespaces, region chains,
declared terms.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.config import PROJECT_ROOT, Settings
from kg.loading import parse_turtle, turtle_files
from kg.namespaces import ID, OKG, PREFIXES, sparql_prologue
from kg.stores import Store, select_rows

SOURCE_NAME = "000_bb7817d47544a525.txt"
SOURCE_COPY = PROJECT_ROOT / "sources" / SOURCE_NAME
SEED = PROJECT_ROOT.parent / "shared" / "seed" / SOURCE_NAME
SOURCE_SHA256 = "3224a78e2f2e3dc3fa39872f2c16f8a82fa8f8d36a8076c6b4e7362d4d6f1916"
ARTICLE = ID["source/bb7817d47544a525-en"]

KINDS = (
    *("official", "office", "region", "organization", "brand", "product", "industry"),
    *("broadcast", "figure", "statement", "report", "source", "person", "purchase", "fact"),
)
PROLOGUE = sparql_prologue() + "".join(f"PREFIX {kind}: <{ID}{kind}/>\n" for kind in KINDS)


def ask(store: Store, pattern: str) -> bool:
    """Whether ``pattern`` (a group graph pattern body, prefixes above) has a solution."""
    rows = select_rows(store, PROLOGUE + f"SELECT (1 AS ?found) WHERE {{ {pattern} }} LIMIT 1")
    return bool(rows)


def values(store: Store, subject: str, predicate: str) -> set[object]:
    """The objects of ``subject predicate`` as Python values (IRIs as str)."""
    rows = select_rows(store, PROLOGUE + f"SELECT ?o WHERE {{ {subject} {predicate} ?o }}")
    return {_py(row["o"]) for row in rows}


def _py(term: object) -> object:
    return term.toPython() if isinstance(term, Literal) else str(term)


def iri(curie: str) -> str:
    kind, slug = curie.split(":", 1)
    return str(OKG[slug]) if kind == "okg" else str(ID[f"{kind}/{slug}"])


# --- Officials, their offices and what the offices belong to -------------------------------------
# (official, office, office of)
OFFICES = [
    ("ma-hongsheng", "head-of-doumen-district", "region:doumen-district"),
    ("song-junhua", "deputy-head-of-zigui-county", "region:zigui-county"),
    ("li-qiang", "deputy-mayor-of-wuhan", "region:wuhan"),
    (
        "wu-zuyun",
        "secretary-of-cpc-qianjiang-municipal-committee",
        "organization:cpc-qianjiang-municipal-committee",
    ),
    (
        "yao-yingjiu",
        "member-of-standing-committee-of-cpc-zhijiang-municipal-committee",
        "organization:cpc-zhijiang-municipal-committee",
    ),
    (
        "ding-jianhua",
        "second-level-inspector-of-beijing-municipal-bureau-of-commerce",
        "organization:beijing-municipal-bureau-of-commerce",
    ),
    (
        "liu-meiying",
        "deputy-director-of-beijing-municipal-bureau-of-commerce",
        "organization:beijing-municipal-bureau-of-commerce",
    ),
    (
        "qing-zhaokun",
        "member-of-standing-committee-of-cpc-mentougou-district-committee",
        "organization:cpc-mentougou-district-committee",
    ),
    ("qing-zhaokun", "deputy-head-of-mentougou-district", "region:mentougou-district"),
    (
        "lu-fangzhou",
        "secretary-of-cpc-jiading-district-committee",
        "organization:cpc-jiading-district-committee",
    ),
    ("lu-fangzhou", "head-of-jiading-district", "region:jiading-district"),
    ("panyu-district-head", "head-of-panyu-district", "region:panyu-district"),
    ("he-jianwen", "head-of-huangpi-district", "region:huangpi-district"),
    (
        "chen-ping",
        "first-level-inspector-of-mara-market-and-information-department",
        "organization:mara-market-and-information-department",
    ),
]


@pytest.mark.parametrize(("official", "office", "office_of"), OFFICES, ids=lambda v: str(v))
def test_official_holds_office(store: Store, official: str, office: str, office_of: str) -> None:
    assert values(store, f"official:{official}", "okg:holdsOffice") >= {iri(f"office:{office}")}
    assert values(store, f"office:{office}", "okg:heldBy") == {iri(f"official:{official}")}
    assert values(store, f"office:{office}", "okg:officeOf") == {iri(office_of)}


def test_every_official_holds_exactly_the_offices_of_the_table(store: Store) -> None:
    rows = select_rows(store, PROLOGUE + "SELECT ?p ?o WHERE { ?p okg:holdsOffice ?o }")
    found = {(str(row["p"]), str(row["o"])) for row in rows}
    expected = {(iri(f"official:{p}"), iri(f"office:{o}")) for p, o, _ in OFFICES}
    assert found == expected


@pytest.mark.parametrize(
    ("office", "rank"),
    [
        (
            "second-level-inspector-of-beijing-municipal-bureau-of-commerce",
            "second-level inspector",
        ),
        (
            "first-level-inspector-of-mara-market-and-information-department",
            "first-level inspector",
        ),
    ],
)
def test_inspector_ranks(store: Store, office: str, rank: str) -> None:
    assert values(store, f"office:{office}", "okg:rank") == {rank}


# --- Regions and their direct parents ------------------------------------------------------------
# (region, class, direct parent)
REGIONS = [
    ("china", "Country", None),
    ("hubei", "Province", "china"),
    ("hunan", "Province", "china"),
    ("guangdong", "Province", "china"),
    ("beijing", "Municipality", "china"),
    ("shanghai", "Municipality", "china"),
    ("wuhan", "City", "hubei"),
    ("yichang", "City", "hubei"),
    ("zigui-county", "County", "yichang"),
    ("zhijiang", "CountyLevelCity", "yichang"),
    ("qianjiang", "CountyLevelCity", "hubei"),
    ("huangpi-district", "District", "wuhan"),
    ("zhuhai", "City", "guangdong"),
    ("doumen-district", "District", "zhuhai"),
    ("guangzhou", "City", "guangdong"),
    ("panyu-district", "District", "guangzhou"),
    ("shenzhen", "City", "guangdong"),
    ("foshan", "City", "guangdong"),
    ("mentougou-district", "District", "beijing"),
    ("jiading-district", "District", "shanghai"),
]


@pytest.mark.parametrize(("region", "kind", "parent"), REGIONS, ids=lambda v: str(v))
def test_region_level_and_parent(store: Store, region: str, kind: str, parent: str | None) -> None:
    assert values(store, f"region:{region}", "a") == {str(OKG[kind])}
    expected = {iri(f"region:{parent}")} if parent else set()
    assert values(store, f"region:{region}", "okg:locatedIn") == expected


def test_huangbei_is_recorded_as_huangpi(store: Store) -> None:
    assert "Huangbei District" in values(store, "region:huangpi-district", "skos:altLabel")
    assert "黄陂区" in values(store, "region:huangpi-district", "rdfs:label")


# --- Broadcasts: date, platform, hosts, what they featured ---------------------------------------
# (broadcast, date or None, platform or None, hosts, features)
BROADCASTS = [
    ("2020-03-15-zigui", "2020-03-15", None, {"song-junhua"}, {"product:zigui-navel-oranges"}),
    (
        "2020-04-08-wuhan",
        "2020-04-08",
        None,
        {"li-qiang"},
        {"brand:liangpin-shop", "brand:cai-linji", "brand:zhou-heiya", "product:qianji-cakes"},
    ),
    ("qianjiang-crayfish", None, None, {"wu-zuyun"}, {"product:qianjiang-crayfish"}),
    (
        "zhijiang-specialties",
        None,
        None,
        {"yao-yingjiu"},
        {
            "product:zhijiang-agate-rice",
            "product:zhijiang-navel-oranges",
            "product:zhijiang-water-chestnuts",
            "product:zhijiang-fish-cakes",
        },
    ),
    (
        "2020-04-22-beijing",
        "2020-04-22",
        "taobao",
        {"ding-jianhua"},
        {"product:beijing-time-honoured-brand-goods"},
    ),
    (
        "2020-05-14-beijing",
        "2020-05-14",
        "taobao",
        {"liu-meiying"},
        {"product:beijing-time-honoured-brand-goods"},
    ),
    (
        "2020-05-17-mentougou",
        "2020-05-17",
        None,
        {"qing-zhaokun"},
        {"product:mentougou-special-products", "product:mentougou-scenic-spots"},
    ),
    ("2020-05-17-jiading", "2020-05-17", None, {"lu-fangzhou"}, {"product:nanxiang-xiaolongbao"}),
    (
        "2020-05-doumen",
        None,
        None,
        {"ma-hongsheng"},
        {"product:skytrek-light-sport-aircraft"},
    ),
    (
        "panyu-cars",
        None,
        None,
        {"panyu-district-head"},
        {"product:gac-trumpchi-cars", "brand:gac-trumpchi"},
    ),
    (
        "2020-05-29-huangpi",
        "2020-05-29",
        None,
        {"he-jianwen"},
        {
            "product:ipason-custom-computers",
            "product:made-in-wuhan-aircraft",
            "brand:chow-tai-fook",
            "brand:qianji",
        },
    ),
]


@pytest.mark.parametrize(
    ("broadcast", "date", "platform", "hosts", "features"), BROADCASTS, ids=lambda v: str(v)
)
def test_broadcast(
    store: Store,
    broadcast: str,
    date: str | None,
    platform: str | None,
    hosts: set[str],
    features: set[str],
) -> None:
    subject = f"broadcast:{broadcast}"
    dates = {str(value) for value in values(store, subject, "okg:date")}
    assert dates == ({date} if date else set())
    assert values(store, subject, "okg:platform") == (
        {iri(f"organization:{platform}")} if platform else set()
    )
    assert values(store, subject, "okg:host") == {iri(f"official:{host}") for host in hosts}
    assert values(store, subject, "okg:features") == {iri(feature) for feature in features}
    assert values(store, subject, "prov:wasDerivedFrom") == {str(ARTICLE)}


def test_the_table_lists_every_broadcast(store: Store) -> None:
    rows = select_rows(store, PROLOGUE + "SELECT ?b { ?b a okg:Broadcast }")
    assert {str(row["b"]) for row in rows} == {iri(f"broadcast:{row[0]}") for row in BROADCASTS}


def test_mid_may_doumen_broadcast_is_bounded_to_days_11_to_20(store: Store) -> None:
    subject = "broadcast:2020-05-doumen"
    assert {str(v) for v in values(store, subject, "okg:earliestDate")} == {"2020-05-11"}
    assert {str(v) for v in values(store, subject, "okg:latestDate")} == {"2020-05-20"}
    assert values(store, subject, "okg:dateDescription") == {"mid-May", "A few days ago"}


@pytest.mark.parametrize(
    ("broadcast", "duration"), [("panyu-cars", "PT2H")], ids=["panyu lived for two hours"]
)
def test_broadcast_duration(store: Store, broadcast: str, duration: str) -> None:
    rows = select_rows(store, PROLOGUE + f"SELECT ?d {{ broadcast:{broadcast} okg:duration ?d }}")
    assert [str(row["d"]) for row in rows] == [duration]


def test_huangpi_broadcast_names_its_companies_and_participants(store: Store) -> None:
    subject = "broadcast:2020-05-29-huangpi"
    companies = {"zall-aerospace", "chow-tai-fook", "ipason", "qianji"}
    assert values(store, subject, "okg:featuredCompany") == {
        iri(f"organization:{company}") for company in companies
    }
    participants = values(store, subject, "okg:participants")
    assert any("eight deputy" in str(text) for text in participants)


# --- Reported figures ----------------------------------------------------------------------------
# (figure, of, measure, value, unit, qualifier)
FIGURES = [
    (
        "2020-03-15-zigui-navel-oranges-sold",
        "broadcast:2020-03-15-zigui",
        "WeightSold",
        60_000,
        "Jin",
        "MoreThan",
    ),
    (
        "2020-04-08-wuhan-viewers",
        "broadcast:2020-04-08-wuhan",
        "Viewers",
        2_520_000,
        "Viewer",
        "MoreThan",
    ),
    (
        "2020-04-08-wuhan-sales",
        "broadcast:2020-04-08-wuhan",
        "SalesAmount",
        17_930_000,
        "CNY",
        "Reached",
    ),
    (
        "qianjiang-crayfish-traded",
        "broadcast:qianjiang-crayfish",
        "WeightTraded",
        6_000,
        "Tonne",
        "Exactly",
    ),
    (
        "2020-04-30-pinduoduo-officials",
        "report:2020-04-30-pinduoduo",
        "ParticipatingOfficials",
        150,
        "Person",
        "MoreThan",
    ),
    (
        "2020-04-30-pinduoduo-orders",
        "report:2020-04-30-pinduoduo",
        "Orders",
        110_000_000,
        "Order",
        "MoreThan",
    ),
    (
        "2020-04-30-pinduoduo-agricultural-products-sold",
        "report:2020-04-30-pinduoduo",
        "WeightSold",
        700_000_000,
        "Jin",
        "MoreThan",
    ),
    (
        "2020-05-14-beijing-viewers",
        "broadcast:2020-05-14-beijing",
        "Viewers",
        2_000_000,
        "Viewer",
        "Nearly",
    ),
    (
        "2020-05-doumen-aircraft-sold",
        "broadcast:2020-05-doumen",
        "UnitsSold",
        20,
        "Aircraft",
        "Exactly",
    ),
    ("panyu-cars-ordered", "broadcast:panyu-cars", "UnitsOrdered", 2_875, "Vehicle", "Exactly"),
    (
        "2020-05-29-huangpi-viewers",
        "broadcast:2020-05-29-huangpi",
        "Viewers",
        1_000_000,
        "Viewer",
        "MoreThan",
    ),
    (
        "2020-05-29-huangpi-products-presented",
        "broadcast:2020-05-29-huangpi",
        "ProductsPresented",
        60,
        "ProductItem",
        "MoreThan",
    ),
    (
        "2020-05-29-huangpi-ipason-sales",
        "broadcast:2020-05-29-huangpi",
        "SalesAmount",
        7_000_000,
        "CNY",
        "Reached",
    ),
    (
        "2020-05-29-huangpi-aircraft-ordered",
        "broadcast:2020-05-29-huangpi",
        "UnitsOrdered",
        3,
        "Aircraft",
        "Exactly",
    ),
    (
        "2020-05-29-huangpi-deputy-heads",
        "broadcast:2020-05-29-huangpi",
        "ParticipatingOfficials",
        8,
        "Person",
        "Exactly",
    ),
]

FIGURE_QUERY = """SELECT ?of ?measure ?value ?unit ?qualifier ?owner WHERE {{
    figure:{slug} okg:figureOf ?of ; okg:measures ?measure ; okg:value ?value ;
        okg:unit ?unit ; okg:qualifier ?qualifier .
    ?owner okg:reportedFigure figure:{slug} .
}}"""


@pytest.mark.parametrize(
    ("figure", "of", "measure", "value", "unit", "qualifier"), FIGURES, ids=[f[0] for f in FIGURES]
)
def test_figure(
    store: Store, figure: str, of: str, measure: str, value: int, unit: str, qualifier: str
) -> None:
    rows = select_rows(store, PROLOGUE + FIGURE_QUERY.format(slug=figure))
    assert len(rows) == 1, rows
    row = rows[0]
    assert str(row["of"]) == str(row["owner"]) == iri(of)
    assert (str(row["measure"]), str(row["unit"]), str(row["qualifier"])) == (
        str(OKG[measure]),
        str(OKG[unit]),
        str(OKG[qualifier]),
    )
    assert row["value"].toPython() == Decimal(value)
    assert str(row["value"].datatype) == PREFIXES["xsd"] + "decimal"


def test_the_table_lists_every_figure(store: Store) -> None:
    rows = select_rows(store, PROLOGUE + "SELECT ?f { ?f a okg:ReportedFigure }")
    assert {str(row["f"]) for row in rows} == {iri(f"figure:{row[0]}") for row in FIGURES}


@pytest.mark.parametrize(
    ("figure", "as_of"),
    [
        ("2020-04-08-wuhan-viewers", "2020-04-09T00:00:00"),  # "As of 24:00 on April 8"
        ("2020-04-30-pinduoduo-orders", "2020-04-30"),  # "as of April 30"
    ],
)
def test_figure_as_of(store: Store, figure: str, as_of: str) -> None:
    rows = select_rows(store, PROLOGUE + f"SELECT ?d {{ figure:{figure} okg:asOf ?d }}")
    assert [str(row["d"]) for row in rows] == [as_of]


# --- Products, makers, brands, companies ---------------------------------------------------------
# (subject, predicate, object) facts stated or implied by the article
FACTS = [
    ("product:skytrek-light-sport-aircraft", "okg:madeBy", "organization:triton-technology"),
    ("product:skytrek-light-sport-aircraft", "okg:inIndustry", "industry:general-aviation"),
    ("product:skytrek-light-sport-aircraft", "okg:originRegion", "region:doumen-district"),
    ("product:gac-trumpchi-cars", "okg:madeBy", "organization:gac-trumpchi"),
    ("product:gac-trumpchi-cars", "okg:brand", "brand:gac-trumpchi"),
    ("product:gac-trumpchi-cars", "okg:inIndustry", "industry:automotive"),
    ("product:ipason-custom-computers", "okg:madeBy", "organization:ipason"),
    ("product:ipason-custom-computers", "okg:inIndustry", "industry:consumer-electronics"),
    ("product:qianji-cakes", "okg:madeBy", "organization:qianji"),
    ("product:qianjiang-crayfish", "okg:inIndustry", "industry:aquaculture"),
    ("product:zigui-navel-oranges", "okg:originRegion", "region:zigui-county"),
    ("product:nanxiang-xiaolongbao", "okg:originRegion", "region:jiading-district"),
    ("product:kunlong-ag600", "okg:inIndustry", "industry:general-aviation"),
    ("brand:qianji", "okg:brandOf", "organization:qianji"),
    ("brand:chow-tai-fook", "okg:brandOf", "organization:chow-tai-fook"),
    ("brand:gac-trumpchi", "okg:brandOf", "organization:gac-trumpchi"),
    ("brand:zhou-heiya", "okg:originRegion", "region:wuhan"),
    ("organization:gac-trumpchi", "okg:basedIn", "region:panyu-district"),
    ("organization:zall-aerospace", "okg:basedIn", "region:huangpi-district"),
    ("organization:hunan-aviation-service-company", "okg:basedIn", "region:hunan"),
    ("organization:taobao", "a", "okg:Platform"),
    ("organization:pinduoduo", "a", "okg:Platform"),
    ("industry:aquaculture", "skos:broader", "industry:agriculture"),
    ("industry:general-aviation", "skos:broader", "industry:manufacturing"),
    ("report:2020-04-30-pinduoduo", "okg:publishedBy", "organization:pinduoduo"),
    ("statement:chen-ping-state-council-press-conference", "okg:speaker", "official:chen-ping"),
    ("fact:guangzhou-automobile-pillar-industry", "okg:aboutIndustry", "industry:automotive"),
    ("fact:zhuhai-general-aviation-industry", "okg:mentions", "product:kunlong-ag600"),
    ("fact:zhuhai-general-aviation-industry", "okg:mentions", "organization:cessna"),
    ("fact:zhuhai-general-aviation-industry", "okg:mentions", "organization:cirrus"),
    ("source:bb7817d47544a525-en", "okg:translatedFrom", "source:bb7817d47544a525-zh"),
    ("source:bb7817d47544a525-en", "schema:author", "person:chen-si"),
]


@pytest.mark.parametrize(("subject", "predicate", "obj"), FACTS, ids=lambda v: str(v))
def test_fact(store: Store, subject: str, predicate: str, obj: str) -> None:
    assert ask(store, f"{subject} {predicate} {obj}")


def test_tian_lian_and_skytrek_are_one_product(store: Store) -> None:
    rows = select_rows(
        store,
        PROLOGUE
        + 'SELECT DISTINCT ?p { ?p skos:altLabel ?l FILTER (STR(?l) IN ("Tian Lian", "SkyTrek")) }',
    )
    assert [str(row["p"]) for row in rows] == [iri("product:skytrek-light-sport-aircraft")]


def test_huangpi_aircraft_buyers(store: Store) -> None:
    query = """SELECT ?from {
        ?p a okg:Purchase ; okg:placedDuring broadcast:2020-05-29-huangpi ; okg:orderedFrom ?from
    }"""
    rows = select_rows(store, PROLOGUE + query)
    origins = sorted(str(row["from"]) for row in rows)
    assert origins == sorted([iri("region:hunan"), iri("region:wuhan"), iri("region:wuhan")])


def test_the_article_is_an_english_machine_translation(store: Store) -> None:
    assert values(store, "source:bb7817d47544a525-en", "dcterms:language") == {"en"}
    assert values(store, "source:bb7817d47544a525-en", "okg:isMachineTranslation") == {True}
    assert values(store, "source:bb7817d47544a525-zh", "dcterms:language") == {"zh"}
    assert values(store, "source:bb7817d47544a525-zh", "dcterms:title") == set()


# --- Curation rules over the data files ----------------------------------------------------------
@pytest.fixture(scope="module")
def data(settings: Settings) -> Graph:
    graph = Graph()
    for path in turtle_files(settings.data_dir):
        graph += parse_turtle(path)
    return graph


@pytest.fixture(scope="module")
def ontology(settings: Settings) -> Graph:
    graph = Graph()
    for path in turtle_files(settings.ontology_dir):
        graph += parse_turtle(path)
    return graph


def test_source_copy_is_the_seed_article() -> None:
    copy = SOURCE_COPY.read_bytes()
    assert hashlib.sha256(copy).hexdigest() == SOURCE_SHA256
    if SEED.exists():
        assert copy == SEED.read_bytes()


def test_every_supporting_text_is_quoted_verbatim(data: Graph) -> None:
    article = SOURCE_COPY.read_text(encoding="utf-8")
    quotes = list(data.subject_objects(OKG.supportingText))
    assert len(quotes) > 40
    misquoted = [(str(s), str(text)) for s, text in quotes if str(text) not in article]
    assert not misquoted


def test_every_supporting_text_is_english(data: Graph) -> None:
    assert {text.language for text in data.objects(None, OKG.supportingText)} == {"en"}


# Namespaces data/ may use: ours and the known vocabularies of the prefix map.
KNOWN_NAMESPACES = tuple(iri for prefix, iri in PREFIXES.items() if prefix not in {"id", "okg"})
OUR_NAMESPACES = (str(ID), str(OKG))


def test_every_iri_in_data_is_ours_or_a_known_vocabulary(data: Graph) -> None:
    iris = {term for triple in data for term in triple if isinstance(term, URIRef)}
    strangers = sorted(
        str(i) for i in iris if not str(i).startswith(OUR_NAMESPACES + KNOWN_NAMESPACES)
    )
    assert not strangers


def test_every_resource_iri_is_kind_and_kebab_slug(data: Graph) -> None:
    ours = {term for triple in data for term in triple if str(term).startswith(str(ID))}
    bad = []
    for term in ours:
        kind, _, slug = str(term)[len(str(ID)) :].partition("/")
        if kind not in KINDS or not slug or slug != slug.lower() or "/" in slug or " " in slug:
            bad.append(str(term))
    assert not bad


def test_every_okg_term_in_data_is_declared_in_the_ontology(data: Graph, ontology: Graph) -> None:
    used = {term for triple in data for term in triple if str(term).startswith(str(OKG))}
    undeclared = sorted(str(term) for term in used if (term, RDF.type, None) not in ontology)
    assert not undeclared


def test_every_region_chains_up_to_china(store: Store) -> None:
    query = """SELECT ?r WHERE {
        ?r a/rdfs:subClassOf* okg:Region .
        FILTER NOT EXISTS { ?r okg:locatedIn* region:china }
    }"""
    assert select_rows(store, PROLOGUE + query) == []


def test_every_region_but_china_has_one_direct_parent(data: Graph, ontology: Graph) -> None:
    region_classes = set(ontology.transitive_subjects(RDFS.subClassOf, OKG.Region))
    regions = {s for c in region_classes for s in data.subjects(RDF.type, c)}
    parents = {region: set(data.objects(region, OKG.locatedIn)) for region in regions}
    assert len(regions) == len(REGIONS)
    assert {r for r, p in parents.items() if len(p) != 1} == {ID["region/china"]}


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(OKG.holdsOffice, OKG.heldBy), (OKG.reportedFigure, OKG.figureOf)],
    ids=["holdsOffice/heldBy", "reportedFigure/figureOf"],
)
def test_inverse_links_are_stated_both_ways(data: Graph, forward: URIRef, inverse: URIRef) -> None:
    pairs = set(data.subject_objects(forward))
    assert pairs
    assert pairs == {(o, s) for s, o in data.subject_objects(inverse)}


def test_every_fact_bearing_resource_cites_the_article(data: Graph) -> None:
    kinds = [
        OKG.Broadcast,
        OKG.ReportedFigure,
        OKG.Statement,
        OKG.AggregateReport,
        OKG.BackgroundFact,
        OKG.Purchase,
    ]
    resources = {s for kind in kinds for s in data.subjects(RDF.type, kind)}
    uncited = [
        r
        for r in resources
        if (r, URIRef(PREFIXES["prov"] + "wasDerivedFrom"), ARTICLE) not in data
    ]
    unquoted = [r for r in resources if (r, OKG.supportingText, None) not in data]
    assert resources and not uncited and not unquoted


def test_data_files_are_the_agreed_named_graphs(settings: Settings) -> None:
    stems = {path.stem for path in turtle_files(settings.data_dir)}
    assert stems == {
        "sources",
        "regions",
        "region-codes",
        "organizations",
        "officials",
        "products",
        "broadcasts",
        "reports",
    }
