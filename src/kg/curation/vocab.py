"""The sheet's fixed values and the ontology terms they stand for (docs/sheet-format.md).

One table per column; docs/curation.md lists them and a test checks that every term exists in the
ontology. :func:`unknown` words the error for a value not in a table, with a suggestion drawn from
the synonyms curators are likely to type ("catties" -> jin) or from the nearest spelling.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rapidfuzz import fuzz, process
from rdflib import URIRef

from kg.namespaces import ID, OKG, SCHEMA
from kg.search.variants import pinyin

UNITS: dict[str, str] = {
    "cny": OKG.CNY,
    "jin": OKG.Jin,
    "kg": OKG.Kilogram,
    "tonne": OKG.Tonne,
    "viewer": OKG.Viewer,
    "visit": OKG.Visit,
    "like": OKG.Like,
    "order": OKG.Order,
    "item": OKG.Item,
    "product": OKG.ProductItem,
    "exposure": OKG.Exposure,
    "score": OKG.Score,
    "box": OKG.Box,
    "vehicle": OKG.Vehicle,
    "aircraft": OKG.Aircraft,
    "person": OKG.PersonUnit,
    "broadcast": OKG.BroadcastUnit,
    "official": OKG.OfficialUnit,
}

QUALIFIERS: dict[str, str] = {
    "exactly": OKG.Exactly,
    "more-than": OKG.MoreThan,
    "nearly": OKG.Nearly,
    "about": OKG.About,
    "reached": OKG.Reached,
    "at-least": OKG.AtLeast,
}

MEASURES: dict[str, str] = {
    "viewers": OKG.Viewers,
    "visits": OKG.Visits,
    "popularity": OKG.Popularity,
    "likes": OKG.Likes,
    "exposures": OKG.Exposures,
    "orders": OKG.Orders,
    "units-sold": OKG.UnitsSold,
    "units-ordered": OKG.UnitsOrdered,
    "sales-amount": OKG.SalesAmount,
    "weight-sold": OKG.WeightSold,
    "weight-traded": OKG.WeightTraded,
    "officials": OKG.OfficialsCount,
    "broadcasts": OKG.BroadcastsCount,
    "products-presented": OKG.ProductsPresented,
    "participating-officials": OKG.ParticipatingOfficials,
}

RANKS: dict[str, str] = {
    "preferred": OKG.PreferredRank,
    "normal": OKG.NormalRank,
    "deprecated": OKG.DeprecatedRank,
}

REGION_TYPES: dict[str, str] = {
    "country": OKG.Country,
    "province": OKG.Province,
    "autonomous-region": OKG.AutonomousRegion,
    "municipality": OKG.Municipality,
    "city": OKG.City,
    "county-level-city": OKG.CountyLevelCity,
    "county": OKG.County,
    "district": OKG.District,
    "township": OKG.Township,
    "village": OKG.Village,
}

ORGANIZATION_TYPES: dict[str, str] = {
    "company": OKG.Company,
    "platform": OKG.Platform,
    "government-body": OKG.GovernmentBody,
    "media": OKG.MediaOrganization,
}

# A source's kind: an extra rdf:type from schema.org beside okg:SourceDocument.
SOURCE_TYPES: dict[str, str] = {
    "article": SCHEMA.NewsArticle,
    "press-release": SCHEMA.NewsArticle,
    "video": SCHEMA.VideoObject,
    "page": SCHEMA.WebPage,
}

INDUSTRIES: dict[str, str] = {
    name: ID[f"industry/{name}"]
    for name in (
        "agriculture",
        "aquaculture",
        "animal-husbandry",
        "food",
        "tea",
        "manufacturing",
        "general-aviation",
        "automotive",
        "consumer-electronics",
        "jewellery",
        "tourism",
        "handicrafts",
        "textiles",
    )
}

# dcterms:language is an ISO 639-1 IRI (Traditional Chinese is zh too; its titles are @zh-Hant).
ISO_639_1 = "http://id.loc.gov/vocabulary/iso639-1/"
LANGUAGES: dict[str, str] = {
    "zh": ISO_639_1 + "zh",
    "zh-Hant": ISO_639_1 + "zh",
    "en": ISO_639_1 + "en",
    "ja": ISO_639_1 + "ja",
}

# What curators type instead (English, Chinese, plurals) -> the sheet's value.
SYNONYMS: dict[str, str] = {
    "catty": "jin",
    "catties": "jin",
    "斤": "jin",
    "pound": "jin",
    "pounds": "jin",
    "yuan": "cny",
    "rmb": "cny",
    "元": "cny",
    "kilogram": "kg",
    "kilograms": "kg",
    "公斤": "kg",
    "ton": "tonne",
    "tons": "tonne",
    "tonnes": "tonne",
    "吨": "tonne",
    "viewers": "viewer",
    "people": "person",
    "persons": "person",
    "人": "person",
    "人次": "visit",
    "visits": "visit",
    "orders": "order",
    "单": "order",
    "items": "item",
    "products": "product",
    "款": "product",
    "exposures": "exposure",
    "曝光": "exposure",
    "pieces": "item",
    "件": "item",
    "个": "item",
    "份": "item",
    "boxes": "box",
    "箱": "box",
    "cars": "vehicle",
    "vehicles": "vehicle",
    "辆": "vehicle",
    "planes": "aircraft",
    "架": "aircraft",
    "likes": "like",
    "over": "more-than",
    "more than": "more-than",
    "超过": "more-than",
    "逾": "more-than",
    "多": "more-than",
    "近": "nearly",
    "将近": "nearly",
    "almost": "nearly",
    "约": "about",
    "左右": "about",
    "approximately": "about",
    "达": "reached",
    "至少": "at-least",
    "exact": "exactly",
    "sales": "sales-amount",
    "gmv": "sales-amount",
    "销售额": "sales-amount",
    "views": "viewers",
    "观看": "viewers",
    "热度": "popularity",
    "人气": "popularity",
    "点赞": "likes",
    "订单": "orders",
    "prefecture": "city",
    "prefecture-level-city": "city",
    "town": "township",
    "镇": "township",
    "乡": "township",
    "县": "county",
    "区": "district",
    "省": "province",
    "市": "city",
    "村": "village",
    "government": "government-body",
    "news": "article",
    "chinese": "zh",
    "english": "en",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
}


def suggest(value: str, table: dict[str, str]) -> str | None:
    """The table's value a curator most likely meant by ``value``, or None."""
    lowered = value.strip().lower()
    if lowered in table:
        return lowered
    candidate = SYNONYMS.get(lowered) or SYNONYMS.get(lowered.rstrip("s"))
    if candidate in table:
        return candidate
    match = process.extractOne(lowered, list(table), scorer=fuzz.WRatio, score_cutoff=70)
    return str(match[0]) if match else None


def unknown(value: str, table: dict[str, str]) -> str:
    """The message for a value not in ``table``: "'catties' unknown; did you mean jin?"."""
    guess = suggest(value, table)
    if guess:
        return f"'{value}' unknown; did you mean {guess}?"
    return f"'{value}' unknown; one of: {', '.join(table)}"


def term(table: dict[str, str], value: str) -> URIRef:
    """The ontology term of a (checked) sheet value."""
    return URIRef(table[value])


def slugify(text: str) -> str:
    """A lower-case kebab-case slug: Chinese becomes toneless pinyin, the rest ASCII words."""
    words = pinyin(text) if re.search(r"[\u4e00-\u9fff]", text) else text
    folded = words.lower().replace("ü", "u").replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", folded))


CHINESE_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


def expand_chinese_number(text: str) -> str | None:
    """``3.5万`` -> ``35000``; ``7亿`` -> ``700000000``; None when the form is not that simple."""
    match = re.fullmatch(r"\s*([0-9.,]+)\s*([万亿])\s*", text)
    if not match:
        return None
    try:
        number = Decimal(match.group(1).replace(",", "")) * CHINESE_MULTIPLIERS[match.group(2)]
    except InvalidOperation:
        return None
    return format(number.normalize(), "f")
