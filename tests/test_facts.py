"""The source's facts, one table row each, checked in the graph; and the curation rules of data/.

Every expected value below was read from the article (sources/000_bb7817d47544a525.txt), not from
query output. Tables first, then the meta-checks: verbatim quotations, namespaces, region chains,
declared terms.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.config import PROJECT_ROOT, Settings
from kg.loading import parse_turtle, turtle_files
from kg.namespaces import ID, OKG, PREFIXES, sparql_prologue
from kg.stores import Store, open_store, select_rows

SOURCE_NAME = "000_bb7817d47544a525.txt"
SOURCE_COPY = PROJECT_ROOT / "sources" / SOURCE_NAME
SEED = PROJECT_ROOT.parent / "shared" / "seed" / SOURCE_NAME
SOURCE_SHA256 = "3224a78e2f2e3dc3fa39872f2c16f8a82fa8f8d36a8076c6b4e7362d4d6f1916"
ARTICLE = ID["source/bb7817d47544a525-en"]

KINDS = (
    *("official", "office", "region", "organization", "brand", "product", "industry"),
    *("broadcast", "figure", "statement", "report", "source", "person", "purchase", "fact"),
    *("tenure", "evidence", "attraction"),
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


def sources_of(store: Store, subject: str) -> set[object]:
    """The sources of the evidence of ``subject``."""
    return values(store, subject, "okg:evidence/okg:source")


def quotes_of(store: Store, subject: str) -> set[object]:
    """The passages the evidence of ``subject`` quotes."""
    return values(store, subject, "okg:evidence/okg:quote")


def _py(term: object) -> object:
    return term.toPython() if isinstance(term, Literal) else str(term)


def iri(curie: str) -> str:
    kind, slug = curie.split(":", 1)
    return str(OKG[slug]) if kind == "okg" else str(ID[f"{kind}/{slug}"])


# --- Officials, their offices and what the offices belong to -------------------------------------
# (official, office, office of, region the body is based in; None: chen-ping's body, whose region
# the article does not give). The one table of these facts: tests/test_competency.py derives the
# answers of cq01 and cq07 from it.
OFFICES = [
    (
        "ma-hongsheng",
        "head-of-doumen-district",
        "organization:doumen-district-peoples-government",
        "doumen-district",
    ),
    (
        "song-junhua",
        "deputy-head-of-zigui-county",
        "organization:zigui-county-peoples-government",
        "zigui-county",
    ),
    (
        "li-qiang",
        "deputy-mayor-of-wuhan",
        "organization:wuhan-municipal-peoples-government",
        "wuhan",
    ),
    (
        "wu-zuyun",
        "secretary-of-cpc-qianjiang-municipal-committee",
        "organization:cpc-qianjiang-municipal-committee",
        "qianjiang",
    ),
    (
        "yao-yingjiu",
        "member-of-standing-committee-of-cpc-zhijiang-municipal-committee",
        "organization:cpc-zhijiang-municipal-committee",
        "zhijiang",
    ),
    (
        "ding-jianhua",
        "second-level-inspector-of-beijing-municipal-bureau-of-commerce",
        "organization:beijing-municipal-bureau-of-commerce",
        "beijing",
    ),
    (
        "liu-meiying",
        "deputy-director-of-beijing-municipal-bureau-of-commerce",
        "organization:beijing-municipal-bureau-of-commerce",
        "beijing",
    ),
    (
        "qing-zhaokun",
        "member-of-standing-committee-of-cpc-mentougou-district-committee",
        "organization:cpc-mentougou-district-committee",
        "mentougou-district",
    ),
    (
        "qing-zhaokun",
        "deputy-head-of-mentougou-district",
        "organization:mentougou-district-peoples-government",
        "mentougou-district",
    ),
    (
        "lu-fangzhou",
        "secretary-of-cpc-jiading-district-committee",
        "organization:cpc-jiading-district-committee",
        "jiading-district",
    ),
    (
        "lu-fangzhou",
        "head-of-jiading-district",
        "organization:jiading-district-peoples-government",
        "jiading-district",
    ),
    (
        "panyu-district-head",
        "head-of-panyu-district",
        "organization:panyu-district-peoples-government",
        "panyu-district",
    ),
    (
        "he-jianwen",
        "head-of-huangpi-district",
        "organization:huangpi-district-peoples-government",
        "huangpi-district",
    ),
    (
        "chen-ping",
        "first-level-inspector-of-mara-market-and-information-department",
        "organization:mara-market-and-information-department",
        None,
    ),
]


@pytest.mark.parametrize(
    ("official", "office", "office_of", "region"), OFFICES, ids=lambda v: str(v)
)
def test_official_holds_office(
    store: Store, official: str, office: str, office_of: str, region: str | None
) -> None:
    assert values(store, f"official:{official}", "okg:holdsOffice") >= {iri(f"office:{office}")}
    assert values(store, f"office:{office}", "okg:heldBy") == {iri(f"official:{official}")}
    assert values(store, f"office:{office}", "okg:officeOf") == {iri(office_of)}
    if region is not None:
        assert values(store, office_of, "okg:basedIn") == {iri(f"region:{region}")}


def test_every_official_holds_exactly_the_offices_of_the_table(seed_store: Store) -> None:
    rows = select_rows(seed_store, PROLOGUE + "SELECT ?p ?o WHERE { ?p okg:holdsOffice ?o }")
    found = {(str(row["p"]), str(row["o"])) for row in rows}
    expected = {(iri(f"official:{p}"), iri(f"office:{o}")) for p, o, _, _ in OFFICES}
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
        {"product:mentougou-special-products", "attraction:mentougou-scenic-spots"},
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
        },
    ),
]


@pytest.mark.parametrize(
    ("broadcast", "date", "platform", "hosts", "features"),
    BROADCASTS,
    ids=lambda v: str(sorted(v)) if isinstance(v, set) else str(v),  # the same in every process
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
    assert values(store, subject, "prov:wasDerivedFrom") == set()
    assert str(ARTICLE) in sources_of(store, subject)  # later sources may confirm it too


def test_the_table_lists_every_broadcast(seed_store: Store) -> None:
    rows = select_rows(seed_store, PROLOGUE + "SELECT ?b { ?b a okg:Broadcast }")
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
        "OfficialsCount",
        150,
        "OfficialUnit",
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
        "2020-05-29-huangpi-participating-officials",
        "broadcast:2020-05-29-huangpi",
        "ParticipatingOfficials",
        9,  # He Jianwen "with eight deputy mayors": the host and eight deputies
        "OfficialUnit",
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


def test_the_table_lists_every_figure(seed_store: Store) -> None:
    rows = select_rows(seed_store, PROLOGUE + "SELECT ?f { ?f a okg:ReportedFigure }")
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
    ("organization:ipason", "okg:basedIn", "region:huangpi-district"),
    ("organization:chow-tai-fook", "okg:basedIn", "region:huangpi-district"),
    ("organization:qianji", "okg:basedIn", "region:huangpi-district"),
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
    ("source:bb7817d47544a525-en", "okg:copyOf", "source:bb7817d47544a525-zh"),
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


LANGUAGE = "http://id.loc.gov/vocabulary/iso639-1/"


def test_the_article_is_an_english_machine_translation(store: Store) -> None:
    assert values(store, "source:bb7817d47544a525-en", "dcterms:language") == {LANGUAGE + "en"}
    assert values(store, "source:bb7817d47544a525-en", "okg:isMachineTranslation") == {True}
    assert values(store, "source:bb7817d47544a525-en", "okg:heldFile") == {SOURCE_NAME}
    assert values(store, "source:bb7817d47544a525-zh", "dcterms:language") == {LANGUAGE + "zh"}
    assert values(store, "source:bb7817d47544a525-zh", "dcterms:title") == set()


# --- Corrections of issue #11, one test each ------------------------------------------------------
# (statement, speaker, broadcast or None, sentences its evidence quotes)
STATEMENTS = [
    (
        "2020-05-doumen-ma-hongsheng-tian-lian",
        "ma-hongsheng",
        "2020-05-doumen",
        {
            'Two years ago, I took the "Tian Lian" aircraft made by Doumen to fly in the blue sky.',
            "If the babies want to buy, they can come to test and inspect the goods.",
        },
    ),
    (
        "qianjiang-crayfish-wu-zuyun-slogan",
        "wu-zuyun",
        "qianjiang-crayfish",
        {
            "Qianjiang is so safe, and crayfish are so sweet. Once they meet, they will fall in "
            "love for life."
        },
    ),
    (
        "panyu-cars-district-head-gac-trumpchi",
        "panyu-district-head",
        "panyu-cars",
        {
            "The private cars and unit buses I drive are all from Guangzhou Automobile Chuanqi.",
            "This car has a first-class price-performance ratio!",
        },
    ),
]


@pytest.mark.parametrize(
    ("statement", "speaker", "broadcast", "sentences"), STATEMENTS, ids=[s[0] for s in STATEMENTS]
)
def test_quoted_lines_are_statements_with_speaker_and_broadcast(
    store: Store, statement: str, speaker: str, broadcast: str, sentences: set[str]
) -> None:
    subject = f"statement:{statement}"
    assert values(store, subject, "okg:speaker") == {iri(f"official:{speaker}")}
    assert values(store, subject, "okg:statedIn") == {iri(f"broadcast:{broadcast}")}
    assert quotes_of(store, subject) == sentences


def test_every_statement_is_in_the_table_or_chen_pings(seed_store: Store) -> None:
    rows = select_rows(seed_store, PROLOGUE + "SELECT ?s { ?s a okg:Statement }")
    expected = {iri(f"statement:{row[0]}") for row in STATEMENTS}
    expected.add(iri("statement:chen-ping-state-council-press-conference"))
    assert {str(row["s"]) for row in rows} == expected


def test_huangpi_features_companies_not_their_brands(store: Store) -> None:
    subject = "broadcast:2020-05-29-huangpi"
    features = values(store, subject, "okg:features")
    assert not any(str(f).startswith(str(ID["brand/"])) for f in features)
    assert not ask(store, "?b okg:features brand:chow-tai-fook")
    assert not ask(store, "?b okg:features brand:qianji")


def test_the_four_huangbei_enterprises_are_read_alike(store: Store) -> None:
    """All four companies the Huangpi head introduced are placed in Huangpi, with evidence."""
    for company in ("zall-aerospace", "chow-tai-fook", "ipason", "qianji"):
        subject = f"organization:{company}"
        assert values(store, subject, "okg:basedIn") == {iri("region:huangpi-district")}
        assert any("Huangbei enterprises" in str(q) for q in quotes_of(store, subject))


@pytest.mark.parametrize(
    "wording",
    ["Wuhan's first live show", "Opened with the slogan", "opened with the slogan"],
)
def test_no_description_says_what_the_article_does_not(data: Graph, wording: str) -> None:
    descriptions = [str(o) for o in data.objects(None, URIRef(PREFIXES["dcterms"] + "description"))]
    assert descriptions and not [d for d in descriptions if wording in d]


@pytest.mark.parametrize(
    ("subject", "label"),
    [
        ("office:head-of-jiading-district", "District Mayor of Shanghai"),
        (
            "office:deputy-head-of-mentougou-district",
            "deputy head of the Mentougou District Committee in Beijing",
        ),
        ("office:head-of-panyu-district", "district chief"),
        ("office:head-of-huangpi-district", "district director"),
        ("product:zhijiang-navel-oranges", "navel orange"),
        ("product:zhijiang-fish-cakes", "fish cakes"),
    ],
)
def test_misleading_alternative_labels_are_gone(store: Store, subject: str, label: str) -> None:
    assert label not in values(store, subject, "skos:altLabel")


def test_the_huangpi_head_and_eight_deputies_make_nine(store: Store) -> None:
    old = "figure:2020-05-29-huangpi-deputy-heads"
    assert values(store, old, "owl:deprecated") == {True}
    assert values(store, old, "dcterms:isReplacedBy") == {
        iri("figure:2020-05-29-huangpi-participating-officials")
    }
    assert values(store, old, "a") == set()


@pytest.mark.parametrize(
    ("figure", "window"),
    [
        ("2020-05-29-huangpi-viewers", "PT1H"),  # "In just one hour ... more than 1 million"
        ("2020-05-29-huangpi-ipason-sales", "PT1H"),  # "7 million yuan in just one hour"
        ("panyu-cars-ordered", "PT2H"),  # "lived for two hours and subscribed for 2,875 cars"
    ],
)
def test_windows_are_durations(store: Store, figure: str, window: str) -> None:
    rows = select_rows(store, PROLOGUE + f"SELECT ?w {{ figure:{figure} okg:window ?w }}")
    assert [(str(r["w"]), str(r["w"].datatype)) for r in rows] == [  # type: ignore[union-attr]
        (window, PREFIXES["xsd"] + "duration")
    ]


def test_scenic_spots_are_an_attraction_not_goods(store: Store) -> None:
    assert values(store, "attraction:mentougou-scenic-spots", "a") == {str(OKG.Attraction)}
    assert values(store, "product:mentougou-scenic-spots", "a") == set()
    assert values(store, "product:mentougou-scenic-spots", "dcterms:isReplacedBy") == {
        iri("attraction:mentougou-scenic-spots")
    }


@pytest.mark.parametrize(
    ("industry", "broader"),
    [
        ("animal-husbandry", "agriculture"),
        ("tea", "agriculture"),
        ("handicrafts", "manufacturing"),
        ("textiles", "manufacturing"),
        ("jewellery", "manufacturing"),  # kept: a value of the sheet's industry column
    ],
)
def test_the_sheet_industries_are_in_the_scheme(store: Store, industry: str, broader: str) -> None:
    subject = f"industry:{industry}"
    assert values(store, subject, "skos:broader") == {iri(f"industry:{broader}")}
    assert values(store, subject, "skos:inScheme") == {iri("industry:scheme")}


def test_every_office_held_is_a_tenure_with_evidence(store: Store) -> None:
    query = """SELECT ?p ?o ?t { ?p okg:holdsOffice ?o .
        OPTIONAL { ?t okg:tenureHolder ?p ; okg:tenureOffice ?o ; okg:evidence ?e } }"""
    rows = select_rows(store, PROLOGUE + query)
    assert len(rows) >= len(OFFICES)
    assert all(row.get("t") is not None for row in rows)


def test_lu_fangzhou_became_party_secretary_on_15_may_2020(store: Store) -> None:
    tenure = "tenure:lu-fangzhou-secretary-of-cpc-jiading-district-committee"
    assert {str(v) for v in values(store, tenure, "okg:startDate")} == {"2020-05-15"}
    assert values(store, tenure, "okg:dateDescription") == {"on the afternoon of May 15th"}
    assert any("assumed the post" in str(q) for q in quotes_of(store, tenure))


@pytest.mark.parametrize("broadcast", ["qianjiang-crayfish", "zhijiang-specialties", "panyu-cars"])
def test_undated_broadcasts_get_the_range_the_article_proves(store: Store, broadcast: str) -> None:
    subject = f"broadcast:{broadcast}"
    assert values(store, subject, "okg:date") == set()
    assert {str(v) for v in values(store, subject, "okg:earliestDate")} == {"2020-01-01"}
    assert {str(v) for v in values(store, subject, "okg:latestDate")} == {"2020-12-31"}
    (basis,) = values(store, subject, "okg:dateBasis")
    assert "this year" in str(basis) and "unsealing" in str(basis)


def test_every_broadcast_has_a_date_or_a_range(store: Store) -> None:
    query = """SELECT ?b { ?b a okg:Broadcast .
        FILTER NOT EXISTS { ?b okg:date ?d }
        FILTER NOT EXISTS { ?b okg:earliestDate ?e ; okg:latestDate ?l ; okg:dateBasis ?r } }"""
    assert select_rows(store, PROLOGUE + query) == []


def test_gac_trumpchi_is_the_brand_and_gac_motor_the_company(store: Store) -> None:
    assert "广汽传祺" in values(store, "brand:gac-trumpchi", "rdfs:label")
    assert values(store, "organization:gac-trumpchi", "rdfs:label") == {"GAC Motor", "广汽乘用车"}


def test_offices_belong_to_government_bodies(store: Store) -> None:
    query = "SELECT ?o { ?o okg:officeOf ?b FILTER NOT EXISTS { ?b a okg:GovernmentBody } }"
    assert select_rows(store, PROLOGUE + query) == []


def test_the_deprecated_person_unit_is_not_used(store: Store) -> None:
    assert values(store, "okg:Person", "dcterms:isReplacedBy") == {str(OKG.PersonUnit)}
    assert not ask(store, "?f okg:unit okg:Person")


def test_no_chinese_label_names_two_ontology_terms(ontology: Graph) -> None:
    seen: dict[str, list[str]] = {}
    for term, label in ontology.subject_objects(RDFS.label):
        if isinstance(label, Literal) and label.language == "zh" and str(term).startswith(str(OKG)):
            seen.setdefault(str(label), []).append(str(term))
    assert {label: terms for label, terms in seen.items() if len(terms) > 1} == {}


@pytest.mark.parametrize(
    ("term", "label"),
    [
        ("speaker", "讲话人"),  # 发言人 is a spokesperson
        ("Viewer", "观众"),  # viewers are people (观看人数); 人次 counts visits
        ("Visit", "人次"),
        ("Viewers", "观看人数"),
        ("Visits", "观看人次"),
    ],
)
def test_chinese_labels(ontology: Graph, term: str, label: str) -> None:
    labels = {str(o) for o in ontology.objects(OKG[term], RDFS.label) if o.language == "zh"}  # type: ignore[attr-defined]
    assert labels == {label}


# --- Curation rules over the data files ----------------------------------------------------------
SEED_DIR = Path(__file__).parent / "fixtures" / "seed-graph"


@pytest.fixture(scope="module")
def seed_store(settings: Settings) -> Store:
    """The seed graph (the article's data, before the growth) in an embedded store: the tables
    above list all of it."""
    return open_store(replace(settings, data_dir=SEED_DIR, store="memory"))


@pytest.fixture(scope="module")
def seed_data() -> Graph:
    graph = Graph()
    for path in turtle_files(SEED_DIR):
        graph += parse_turtle(path)
    return graph


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


def test_every_quote_is_verbatim_in_its_held_source(data: Graph) -> None:
    held = {
        source: (PROJECT_ROOT / "sources" / str(name)).read_text(encoding="utf-8")
        for source, name in data.subject_objects(OKG.heldFile)
    }
    quotes = [(e, q, data.value(e, OKG.source)) for e, q in data.subject_objects(OKG.quote)]
    assert len(quotes) > 60
    misquoted = [(str(e), str(q)) for e, q, source in quotes if str(q) not in held[source]]
    assert not misquoted


def test_every_quote_is_english(data: Graph) -> None:
    assert {text.language for text in data.objects(None, OKG.quote)} == {"en"}


def test_no_resource_uses_the_old_provenance(data: Graph) -> None:
    """No prov:wasDerivedFrom on a claim or a person, no deprecated okg:supportingText."""
    assert list(data.subject_objects(OKG.supportingText)) == []
    derived = {s for s, _ in data.subject_objects(URIRef(PREFIXES["prov"] + "wasDerivedFrom"))}
    assert derived == set()


# Namespaces data/ may use: ours and the known vocabularies of the prefix map.
KNOWN_NAMESPACES = (
    *(iri for prefix, iri in PREFIXES.items() if prefix not in {"id", "okg"}),
    "http://id.loc.gov/vocabulary/iso639-1/",  # languages of sources (dcterms:language)
)
OUR_NAMESPACES = (str(ID), str(OKG))


def test_every_iri_in_data_is_ours_or_a_known_vocabulary(data: Graph) -> None:
    """Except the web addresses of the sources (objects of schema:url), which are anyone's."""
    addresses = set(data.objects(None, URIRef(PREFIXES["schema"] + "url")))
    iris = {term for triple in data for term in triple if isinstance(term, URIRef)} - addresses
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
    assert len(regions) >= len(REGIONS)
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


CLAIM_CLASSES = [
    OKG.Broadcast,
    OKG.ReportedFigure,
    OKG.Statement,
    OKG.AggregateReport,
    OKG.BackgroundFact,
    OKG.Purchase,
    OKG.Tenure,
]


def test_every_claim_has_evidence_from_the_article(seed_data: Graph) -> None:
    """In the seed graph (tests/fixtures/seed-graph/), every claim rests on the one article."""
    data = seed_data
    claims = {s for kind in CLAIM_CLASSES for s in data.subjects(RDF.type, kind)}
    claims |= {
        s for s, _ in data.subject_objects(OKG.basedIn) if (s, RDF.type, OKG.Company) in data
    }
    assert len(claims) >= 60
    sources = {
        c: {data.value(e, OKG.source) for e in data.objects(c, OKG.evidence)} for c in claims
    }
    assert {c for c, found in sources.items() if found != {ARTICLE}} == set()


def test_evidence_iris_name_their_claim_and_source(data: Graph) -> None:
    """…/id/evidence/{claim-kind}-{claim-slug}--{source-slug}, and each node serves one claim."""
    wrong = []
    for claim, evidence in data.subject_objects(OKG.evidence):
        kind, _, slug = str(claim)[len(str(ID)) :].partition("/")
        source = str(data.value(evidence, OKG.source)).rsplit("/", 1)[-1]
        if str(evidence) != str(ID[f"evidence/{kind}-{slug}--{source}"]):
            wrong.append((str(claim), str(evidence)))
    assert not wrong
    evidence_nodes = list(data.objects(None, OKG.evidence))
    assert len(evidence_nodes) == len(set(evidence_nodes))
    assert set(evidence_nodes) == set(data.subjects(RDF.type, OKG.Evidence))


def test_people_carry_no_evidence(data: Graph) -> None:
    """The record of an office held is the claim (a tenure), not the person."""
    people = set(data.subjects(RDF.type, OKG.Official))
    people |= set(data.subjects(RDF.type, URIRef(PREFIXES["foaf"] + "Person")))
    assert people and not {p for p in people if (p, OKG.evidence, None) in data}


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


# --- Facts of the grown graph: one figure from each curated sheet (sheets/*.csv) -----------------
# Each row is read from a sheet's figure row — its stated_as, value, unit, qualifier, window and
# as_of (or, when the sheet gives no as-of time, the date of the broadcast the figure is of) — and
# from the url of the sheet's source row. The graph must hold exactly that figure, with evidence
# whose source has that URL.


class Fact(NamedTuple):
    sheet: str  # sheets/{sheet}.csv
    figure: str  # figure:{figure}
    stated_as: str
    value: str  # plain units
    unit: str
    qualifier: str
    window: str  # xsd:duration, or "" when the sheet gives none
    date: str  # the figure's as-of time, else its broadcast's date, else ""
    url: str  # schema:url of the source of the figure's evidence


SHEET_FACTS = [
    Fact(
        "2079x-2020-04-markit-jujubes",
        "2020-04-09-markit-attention",
        "吸引了69萬拼多多網友的關注",
        "690000",
        "okg:PersonUnit",
        "okg:Exactly",
        "",
        "2020-04-09",
        "http://m.2079x.cn/article/492516.html",
    ),
    Fact(
        "bayannurzx-2020-07-baoqing-rice",
        "2020-07-29-baoqing-viewers",
        "吸引超60万网友围观",
        "600000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-07-29",
        "http://www1.bayannurzx.com/afhzz/7984.html",
    ),
    Fact(
        "bdice-2020-06-changning-honghe",
        "2020-06-23-changning-honghe-viewers",
        "累计吸引超过83万网友观看",
        "830000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-06-23T16:30:00",
        "http://www.bdice.cn/html/91360.html",
    ),
    Fact(
        "ceh-2020-songpan-lettuce-county-heads-in-fields",
        "songpan-viewers",
        "两个小时的直播,吸引了50万人在线围观抢购",
        "500000",
        "okg:Viewer",
        "okg:Exactly",
        "PT2H",
        "2020-07-30",
        "http://tech.jiangsulong.com/a/2020/0802/1596355971.html",
    ),
    Fact(
        "chinadaily-2020-03-24-douyin-anhui-county-heads",
        "shucheng-viewers",
        "近20万网友",
        "200000",
        "okg:Viewer",
        "okg:Nearly",
        "",
        "",
        "https://cn.chinadaily.com.cn/a/202003/24/WS5e79b7c5a3107bb6b57a8733.html",
    ),
    Fact(
        "chinadaily-hb-2020-09-26-macheng-chrysanthemum-pinduoduo",
        "macheng-550k",
        "吸引了55万网友围观拼单",
        "550000",
        "okg:Viewer",
        "okg:Exactly",
        "",
        "2020-09-24",
        "https://hb.chinadaily.com.cn/a/202009/26/WS5f6edbaea3101e7ce9726c05.html",
    ),
    Fact(
        "chinadaily-shanxi-2020-05-08-jingle",
        "2020-04-17-jingle-viewers",
        "more than 930,000 viewers",
        "930000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-04-17T22:00:00",
        "https://subsites.chinadaily.com.cn/shanxi/2020-05/08/c_530048.htm",
    ),
    Fact(
        "chinadaily-zhanjiang-2020-04-02-xuwen",
        "xuwen-pineapples-weight-chinadaily",
        "sold 300,000 tons of pineapples in two hours",
        "300000",
        "okg:Tonne",
        "okg:Exactly",
        "PT2H",
        "2020-02-19",
        "https://regional.chinadaily.com.cn/guangdong/zhanjiang/2020-04/02/c_468518.htm",
    ),
    Fact(
        "chinanews-2020-05-21-guangdong-litchi",
        "2020-05-maoming-litchi-viewers",
        "短短半小时内赢得180万人观看",
        "1800000",
        "okg:Viewer",
        "okg:Exactly",
        "PT30M",
        "",
        "https://www.chinanews.com.cn/cj/2020/05-21/9191151.shtml",
    ),
    Fact(
        "chinanews-hainan-2020-02-25-hainan-leaders",
        "2020-02-13-sanya-viewers",
        "超过2.5万人在线观看",
        "25000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-02-13",
        "http://haikou.baogaosu.com/xinwen/%E6%B5%B7%E5%8D%97%E5%A4%9A%E5%9C%B0%E9%A2%86%E5%AF%BC%E8%BF%9B%E7%9B%B4%E6%92%AD%E9%97%B4%E6%8E%A5%E5%9C%B0%E6%B0%94%E5%8D%96/81794677",
    ),
    Fact(
        "cns-2020-02-25-officials-livestream-farmers-mt",
        "2020-02-24-wenchang-viewers-cns",
        "more than 750,000 people",
        "750000",
        "okg:Viewer",
        "okg:MoreThan",
        "PT1H",
        "2020-02-24",
        "https://www.tellerreport.com/news/2020-02-25---officials-from-many-places-in-china-broadcast-%22carrying-goods%22-into-%22internet-celebrities%22-to-help-farmers-.rk7mwwnzVI.html",
    ),
    Fact(
        "cns-2020-03-11-county-mayors-livestream-mt",
        "2020-03-05-fuqing-viewers-mt",
        "more than 1 million netizens",
        "1000000",
        "okg:Viewer",
        "okg:MoreThan",
        "PT1H",
        "2020-03-05",
        "https://www.tellerreport.com/business/2020-03-11---record-of-%22epidemic%22-in-economic-war--county-and-mayor-%22together%22-live-broadcast-boost-confidence-and-promote-consumption-.rJe2PMMUSI.html",
    ),
    Fact(
        "cns-fuzhou-2020-03-06-fuqing-mayor-livestream",
        "2020-03-05-fuqing-viewers",
        "直播間圍觀人數超百萬",
        "1000000",
        "okg:Viewer",
        "okg:MoreThan",
        "PT1H",
        "2020-03-05",
        "http://www.8d4o.com/show-1-17659.aspx",
    ),
    Fact(
        "cns-taiyuan-2020-03-22-officials-anchors-mt",
        "2020-03-21-qinyuan-viewers",
        "more than 200,000 people",
        "200000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-03-21",
        "https://www.tellerreport.com/life/2020-03-22---small-town-youth-in-live-broadcast--officials-become-anchors--farmers-will-bring-goods-.SkgJw5iNIL.html",
    ),
    Fact(
        "cxz-commerce-2020-dayao-walnut",
        "2020-04-25-dayao-viewers",
        "累计观看人数突破50万",
        "500000",
        "okg:Viewer",
        "okg:MoreThan",
        "PT1H",
        "2020-04-25",
        "https://shangwu.cxz.gov.cn/info/1123/12841.htm",
    ),
    Fact(
        "dazhong-daily-2020-04-21-shandong-county-heads",
        "2020-03-19-caoxian-viewers",
        "后台显示有160万网友观看",
        "1600000",
        "okg:Viewer",
        "okg:Exactly",
        "PT35M",
        "2020-03-19",
        "http://chu-nichi.com/20200421/19909",
    ),
    Fact(
        "fubaore-2021-03-03-xuwen-pdd-stats",
        "xuwen-pdd-2020-weight",
        "实现单场带动菠萝销量近30万斤",
        "300000",
        "okg:Jin",
        "okg:Nearly",
        "",
        "2020-02-19",
        "http://fubaore.com/jingji/20210303/100142782.html",
    ),
    Fact(
        "fuxiaobao-2020-06-11-dangshan-oil-peaches",
        "dangshan-viewers",
        "不到1个小时吸引46万人围观",
        "460000",
        "okg:Viewer",
        "okg:Exactly",
        "PT1H",
        "",
        "https://m.yybnet.net/suzhou/dangshan/202006/10559151.html",
    ),
    Fact(
        "hubei-newspaper-2020-04-county-heads-livestream-page",
        "yiling-tea-visits",
        "吸引300万人次观看",
        "3000000",
        "okg:Visit",
        "okg:Exactly",
        "",
        "2020-04-05",
        "https://vdocuments.mx/download/oe-cie-ci-ic-oei-ecaoeeaioe.html",
    ),
    Fact(
        "jiangsulong-2020-06-20-fengcheng-618",
        "2020-06-18-fengcheng-visits",
        "6个直播间总共吸引了600多万人次观",
        "6000000",
        "okg:Visit",
        "okg:MoreThan",
        "PT2H",
        "2020-06-18",
        "http://tech.jiangsulong.com/a/2020/0620/062011NDR020.html",
    ),
    Fact(
        "jxnews-2020-03-xunwu-county-head-passion-fruit",
        "2020-03-04-xunwu-cctv-visits",
        "超过1000万人次",
        "10000000",
        "okg:Visit",
        "okg:MoreThan",
        "",
        "2020-03-04",
        "https://m.shzx.org/a/31-28108-0.html",
    ),
    Fact(
        "linkshop-2020-06-22-siping",
        "2020-06-19-siping-viewers",
        "累计近百万网友进入直播间",
        "1000000",
        "okg:Viewer",
        "okg:Nearly",
        "P1D",
        "2020-06-19",
        "http://fgwqp.cn/keji/dianshang/21449.html",
    ),
    Fact(
        "nanfang-daily-2020-04-09-officials-livestream-commentary",
        "honghu-orders-450k",
        "网友现场下单45万份",
        "450000",
        "okg:Item",
        "okg:Exactly",
        "",
        "2020-04-01",
        "http://igdzc.com/yaowen/20200409/098748.html",
    ),
    Fact(
        "newsflash-2024-03-xuwen-retrospective",
        "xuwen-2020-02-19-viewers",
        "more than 300,000 netizens to watch",
        "300000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-02-19",
        "https://newsflash.city/2403/27437e36d1798cdf.html",
    ),
    Fact(
        "people-hubei-2020-04-23-huanggang-consumption-poverty-relief",
        "huanggang-douyin-sales",
        "直播銷售額達395萬元",
        "3950000",
        "okg:CNY",
        "okg:Reached",
        "",
        "2020-04-18",
        "http://hb.people.com.cn/BIG5/n2/2020/0423/c194063-33969096.html",
    ),
    Fact(
        "peoplesdaily-en-2020-02-26-officials-livestream",
        "2020-02-24-wenchang-weight-pd",
        "40,000 kg",
        "40000",
        "okg:Kilogram",
        "okg:Exactly",
        "PT1H",
        "2020-02-24",
        "http://en.people.cn/n3/2020/0226/c90000-9662349.html",
    ),
    Fact(
        "peoplesdaily-en-2020-03-23-jiangxi-officials-livestream",
        "2020-03-15-tonggu-eggs",
        "all 10,000 eggs",
        "10000",
        "okg:Item",
        "okg:Exactly",
        "",
        "2020-03-15",
        "https://www.alwihdainfo.com/Government-officials-in-Jiangxi-help-poverty-alleviation-through-livestreaming-e-commerce_a84397.html",
    ),
    Fact(
        "peoplesdaily-en-2020-04-03-officials-livestreaming",
        "2020-03-25-jiaozhou-yanghe-weight",
        "over 250 kilograms",
        "250",
        "okg:Kilogram",
        "okg:MoreThan",
        "",
        "2020-03-25",
        "http://english.people.com.cn/n3/2020/0403/c90000-9675924.html",
    ),
    Fact(
        "ppfocus-2020-02-kaizhou-oranges",
        "2020-02-22-kaizhou-peak-viewers",
        "最高30餘萬網友圍觀",
        "300000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-02-22",
        "https://ppfocus.com/0/ed1cea295.html",
    ),
    Fact(
        "qlwb-2020-04-25-chengwu-secretary-sells-pickles",
        "chengwu-exposures",
        "2小时内曝光量280万",
        "2800000",
        "okg:Visit",
        "okg:Exactly",
        "PT2H",
        "2020-04-24",
        "https://epaper.qlwb.com.cn/mobile/qlwb/content/20200425/ArticelA03002GN.htm",
    ),
    Fact(
        "sdgb-2020-05-06-county-heads-livestream",
        "jinning-flowers-participants",
        "吸引了100多万名网友参与",
        "1000000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-03-08",
        "http://www.sdgb.cn/nkzx/43981.html",
    ),
    Fact(
        "sdgb-2020-05-06-what-county-head-streams-sold",
        "shucheng-orders-first-hour",
        "上线1小时,就收到两万多件茶油订单",
        "20000",
        "okg:Item",
        "okg:MoreThan",
        "PT1H",
        "",
        "http://www.sdgb.cn/nkzx/43981.html",
    ),
    Fact(
        "shaanxi-daily-2020-03-02-quzhou-commentary",
        "2020-02-quzhou-viewers",
        "给53万网友做了一回“客服”",
        "530000",
        "okg:Viewer",
        "okg:Exactly",
        "",
        "",
        "http://www.zgcsb.com/chengshi/2020-03/02/content_156113.html",
    ),
    Fact(
        "sjx0-2020-04-honghu-lotus-pinduoduo",
        "honghu-cctv-viewers",
        "超过2000万的观众通过央视新闻网观看",
        "20000000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-04-01",
        "http://sjx0.com/hsbjw/7061.html",
    ),
    Fact(
        "tellerreport-2020-03-04-dangshan-pears",
        "2020-03-02-dangshan-viewers",
        "600,000 consumers flooded into the live broadcast room",
        "600000",
        "okg:Viewer",
        "okg:Exactly",
        "P1D",
        "2020-03-02",
        "https://www.tellerreport.com/business/2020-03-04---city-and-county-heads-personally-broadcast-the-%22carrying-goods%22-innovation-model-to-help-chinese-farmers-get-out-of-poverty-.ByEmb9CnNU.html",
    ),
    Fact(
        "ttnews-2020-04-huanxian-lamb",
        "2020-04-21-huanxian-visits",
        "當天共吸引了51.81萬人次網友圍觀",
        "518100",
        "okg:Visit",
        "okg:Exactly",
        "P1D",
        "2020-04-21",
        "https://p2.ttnews.xyz/a/6064c62927ba9ee558efa13b",
    ),
    Fact(
        "ttnews-2020-officials-livestream-show-or-service",
        "zigui-oranges-sold-out",
        "6萬斤滯銷臍橙宣告售罄",
        "60000",
        "okg:Jin",
        "okg:Exactly",
        "",
        "2020-03-15",
        "https://p2.ttnews.xyz/a/5fc861e9dc9b5e461223f0a8",
    ),
    Fact(
        "ulanqab-2020-03-26-wang-xinyu-potatoes",
        "ulanqab-viewers",
        "短短半个小时…涌入20万网友",
        "200000",
        "okg:Viewer",
        "okg:Exactly",
        "PT30M",
        "2020-03-26",
        "https://ttnews.xyz/a/5e7dfef4dc9b5e4527d72941?lang=zh-hans",
    ),
    Fact(
        "weiepindan-2020-04-thanks-shaanxi",
        "jiayu-lotus-shoots-bags",
        "當日就賣出5.1萬袋",
        "51000",
        "okg:Item",
        "okg:Exactly",
        "P1D",
        "2020-04-03",
        "http://www.thedullerimage.com/news/detail/198/138053.html",
    ),
    Fact(
        "womenofchina-2020-04-21-dangshan-pears-livestream",
        "2020-03-31-dangshan-weight",
        "Nearly 75,000 kilograms",
        "75000",
        "okg:Kilogram",
        "okg:Nearly",
        "PT30M",
        "2020-03-31",
        "http://m.womenofchina.cn/womenofchina/html1/special/2005/1806-1.htm",
    ),
    Fact(
        "workercn-2020-03-24-aohan-millet",
        "2020-03-22-aohan-viewers",
        "累计超70万网友",
        "700000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-03-22",
        "http://photo.workercn.cn/33100/202003/24/200324153945696.shtml",
    ),
    Fact(
        "xinhua-2020-02-23-yongfu-jd",
        "2020-02-11-yongfu-attention",
        "首场网络直播4小时吸引了31.8万网友关注",
        "318000",
        "okg:PersonUnit",
        "okg:Exactly",
        "PT4H",
        "2020-02-11",
        "https://news.china.com/domesticgd/10000159/20200223/37830236.html",
    ),
    Fact(
        "xinhua-2020-03-31-xuwen-pineapples",
        "2020-02-xuwen-pineapples-weight-xinhua",
        "两小时卖出30万斤菠萝",
        "300000",
        "okg:Jin",
        "okg:Exactly",
        "PT2H",
        "2020-02-19",
        "http://www.lncnw.com/hkmo/686.html",
    ),
    Fact(
        "xinhua-en-2020-zhang-dongdong-zhanma-kuaishou",
        "zhanma-viewers",
        "drew over 300,000 viewers",
        "300000",
        "okg:Viewer",
        "okg:MoreThan",
        "",
        "2020-04-04",
        "https://tdminews.com/anti-poverty-official-who-aspires-to-become-internet-celeb",
    ),
    Fact(
        "yongdui-2020-05-jingyu-ginseng",
        "2020-05-14-jingyu-viewers",
        "最終吸引近百萬網友圍觀",
        "1000000",
        "okg:Viewer",
        "okg:Nearly",
        "P1D",
        "2020-05-14",
        "http://m.yongdui.cn/content/727341.shtml",
    ),
    Fact(
        "yulin-2020-02-29-mizhi-party-secretary-millet",
        "mizhi-popularity",
        "最高人氣超過135萬",
        "1350000",
        "okg:Viewer",
        "okg:MoreThan",
        "PT3H",
        "2020-02-29",
        "https://ttnews.xyz/a/5e6d6eebdc9b5e55a3b01037",
    ),
    Fact(
        "2079x-2020-04-markit-jujubes",
        "2020-04-09-markit-weight",
        "共計銷售出約43噸",
        "43",
        "okg:Tonne",
        "okg:About",
        "",
        "2020-04-09",
        "http://m.2079x.cn/article/492516.html",
    ),
    Fact(
        "chinadaily-2020-03-24-douyin-anhui-county-heads",
        "shucheng-units",
        "6.3万件",
        "63000",
        "okg:Item",
        "okg:Exactly",
        "PT3H",
        "",
        "https://cn.chinadaily.com.cn/a/202003/24/WS5e79b7c5a3107bb6b57a8733.html",
    ),
    Fact(
        "chinadaily-shanxi-2020-05-08-jingle",
        "2020-04-17-jingle-weight",
        "More than 45,000 kilograms",
        "45000",
        "okg:Kilogram",
        "okg:MoreThan",
        "",
        "2020-04-17T22:00:00",
        "https://subsites.chinadaily.com.cn/shanxi/2020-05/08/c_530048.htm",
    ),
    Fact(
        "chinanews-hainan-2020-02-25-hainan-leaders",
        "2020-02-13-sanya-weight",
        "整整6万斤",
        "60000",
        "okg:Jin",
        "okg:Exactly",
        "",
        "2020-02-13",
        "http://haikou.baogaosu.com/xinwen/%E6%B5%B7%E5%8D%97%E5%A4%9A%E5%9C%B0%E9%A2%86%E5%AF%BC%E8%BF%9B%E7%9B%B4%E6%92%AD%E9%97%B4%E6%8E%A5%E5%9C%B0%E6%B0%94%E5%8D%96/81794677",
    ),
    Fact(
        "cns-2020-02-25-officials-livestream-farmers-mt",
        "2020-02-24-wenchang-weight-cns",
        "more than 80,000 catty",
        "80000",
        "okg:Jin",
        "okg:MoreThan",
        "PT1H",
        "2020-02-24",
        "https://www.tellerreport.com/news/2020-02-25---officials-from-many-places-in-china-broadcast-%22carrying-goods%22-into-%22internet-celebrities%22-to-help-farmers-.rk7mwwnzVI.html",
    ),
    Fact(
        "cns-fuzhou-2020-03-06-fuqing-mayor-livestream",
        "2020-03-05-fuqing-waiting",
        "已有35萬網友在線等待",
        "350000",
        "okg:Viewer",
        "okg:Exactly",
        "",
        "2020-03-05",
        "http://www.8d4o.com/show-1-17659.aspx",
    ),
]


def texts(store: Store, subject: str, predicate: str) -> set[str]:
    """The objects of ``subject predicate`` as plain text (IRIs and lexical forms)."""
    rows = select_rows(store, PROLOGUE + f"SELECT ?o WHERE {{ {subject} {predicate} ?o }}")
    return {str(row["o"]) for row in rows}


def test_the_sheet_facts_span_many_sources() -> None:
    assert len(SHEET_FACTS) >= 40
    assert len({fact.url for fact in SHEET_FACTS}) >= 40
    assert len({fact.figure for fact in SHEET_FACTS}) == len(SHEET_FACTS)


@pytest.mark.parametrize("fact", SHEET_FACTS, ids=lambda fact: fact.figure)
def test_sheet_fact(store: Store, fact: Fact) -> None:
    figure = f"figure:{fact.figure}"
    assert (PROJECT_ROOT / "sheets" / f"{fact.sheet}.csv").is_file()
    assert values(store, figure, "okg:value") == {Decimal(fact.value)}
    assert texts(store, figure, "okg:unit") == {iri(fact.unit)}
    assert texts(store, figure, "okg:qualifier") == {iri(fact.qualifier)}
    assert texts(store, figure, "okg:statedAs") == {fact.stated_as}
    assert texts(store, figure, "okg:window") == ({fact.window} if fact.window else set())
    as_of = texts(store, figure, "okg:asOf")
    dated = as_of or texts(store, figure, "okg:figureOf/okg:date")
    assert dated == ({fact.date} if fact.date else set())
    assert fact.url in texts(store, figure, "okg:evidence/okg:source/schema:url")


# People's Daily (23 March 2020): "We sold all 10,000 eggs, 3,000 kilograms of rice noodles, 500
# kilograms of honey, and 1,000 packages of smoked bamboo shoots" — four products, not four
# conflicting counts of one thing.
TONGGU_PRODUCTS = {
    "2020-03-15-tonggu-eggs": "tonggu-free-range-eggs",
    "2020-03-15-tonggu-rice-noodles": "tonggu-rice-noodles",
    "2020-03-15-tonggu-honey": "tonggu-honey",
    "2020-03-15-tonggu-bamboo-shoots": "tonggu-smoked-bamboo-shoots",
}


@pytest.mark.parametrize("figure", sorted(TONGGU_PRODUCTS))
def test_tonggu_figures_name_the_product_they_count(store: Store, figure: str) -> None:
    product = f"product:{TONGGU_PRODUCTS[figure]}"
    assert texts(store, f"figure:{figure}", "okg:aboutProduct") == {iri(product)}
    assert ask(store, f"broadcast:2020-03-15-tonggu okg:features {product}")


def test_no_two_figures_of_different_products_conflict(store: Store) -> None:
    """cq14 on the grown graph: the figures that disagree are Wenchang's and Xuwen's pineapples
    (two documents each) and Xunwu's audiences (CCTV's channels against the shop's room, one
    document); no pair counts different products."""
    query = (PROJECT_ROOT / "queries" / "cq14-conflicting-claims.rq").read_text(encoding="utf-8")
    subjects = {str(row["subject"]) for row in select_rows(store, query)}
    assert subjects == {
        iri("broadcast:2020-02-24-wenchang"),
        iri("broadcast:2020-02-xuwen-pineapples"),
        iri("broadcast:2020-03-04-xunwu"),
    }
