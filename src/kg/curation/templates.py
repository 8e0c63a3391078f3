"""Filled-in sheet templates for ``kg new``: the header and example rows of docs/sheet-format.md.

The examples are the documentation's own (example.org, "Li Si", "Some County"): a curator replaces
every cell with what the source says, and ``kg intake`` rejects what is left over.
"""

from __future__ import annotations

import csv
import io

from kg.curation.sheet import COLUMNS

Cells = dict[str, str]

SOURCE: Cells = {
    "kind": "source",
    "id": "example-2020-04-22",
    "name_en": "Example county head sells tea",
    "name_zh": "某县长直播卖茶",
    "type": "article",
    "date": "2020-04-22",
    "url": "https://example.org/news/1",
    "language": "zh",
    "note": "Replace every example cell; one sheet per source, this row first.",
}
REGION: Cells = {
    "kind": "region",
    "id": "some-county",
    "name_en": "Some County",
    "type": "county",
    "within": "region:hubei",
    "note": "Reconciled with the graph; write its CURIE in match to reuse one for sure.",
}
OFFICIAL: Cells = {
    "kind": "official",
    "id": "li-si",
    "name_en": "Li Si",
    "name_zh": "李四",
    "within": "some-county",
    "office_en": "Head of Some County",
    "office_zh": "某县县长",
    "locator": "para 1",
    "evidence": "Li Si is named as the head of Some County.",
    "note": "name_zh only as a Chinese source writes it.",
}
PRODUCT: Cells = {
    "kind": "product",
    "id": "some-county-tea",
    "name_en": "Some County tea",
    "within": "some-county",
    "industry": "tea",
}
BROADCAST: Cells = {
    "kind": "broadcast",
    "id": "2020-04-21-some-county",
    "date": "2020-04-21",
    "platform": "Taobao Live",
    "hosts": "li-si",
    "region": "some-county",
    "products": "some-county-tea",
    "locator": "para 2",
    "evidence": "Li Si sold Some County tea on Taobao Live on 21 April.",
}
FIGURE: Cells = {
    "kind": "figure",
    "id": "2020-04-21-some-county-sales",
    "of": "2020-04-21-some-county",
    "measure": "sales-amount",
    "value": "1200000",
    "unit": "cny",
    "qualifier": "more-than",
    "window": "PT2H",
    "stated_as": "超过120万元",
    "locator": "para 2",
    "evidence": "The two-hour broadcast sold more than 1.2 million yuan of tea.",
}

TEMPLATES: dict[str, tuple[Cells, ...]] = {
    "source": (SOURCE,),
    "official": (SOURCE, REGION, OFFICIAL),
    "broadcast": (SOURCE, REGION, OFFICIAL, PRODUCT, BROADCAST, FIGURE),
}


def template(kind: str) -> str:
    """The CSV text of the template for ``kind`` (a key of :data:`TEMPLATES`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in TEMPLATES[kind]:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return buffer.getvalue()
