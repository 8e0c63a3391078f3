"""Read and check an intake sheet (docs/sheet-format.md): one CSV per source, one row per record.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
Every problem is an :class:`Issue` naming the row and the column in the curator's terms.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kg.curation import vocab

COLUMNS: tuple[str, ...] = (
    "kind",
    "id",
    "name_en",
    "name_zh",
    "alt",
    "type",
    "within",
    "office_en",
    "office_zh",
    "date",
    "date_end",
    "platform",
    "hosts",
    "region",
    "products",
    "industry",
    "company",
    "of",
    "measure",
    "value",
    "unit",
    "qualifier",
    "window",
    "as_of",
    "speaker",
    "stated_as",
    "url",
    "language",
    "copy_of",
    "locator",
    "evidence",
    "rank",
    "rank_reason",
    "note",
    "match",
)

ENTITY_KINDS = ("region", "official", "organization", "product")
CLAIM_KINDS = ("broadcast", "figure", "statement", "aggregate")
KINDS = ("source", *ENTITY_KINDS, *CLAIM_KINDS)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CJK_NUMBER = re.compile(r"[万亿千百]")
DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)

# Columns each kind must fill (besides kind and id).
# What a row that names an existing entity in `match` may leave out: the graph already says it.
KNOWN_WHEN_MATCHED = frozenset({"hosts", "within", "type"})

REQUIRED: dict[str, tuple[str, ...]] = {
    "source": ("type", "language"),
    "region": ("type",),
    "official": ("within",),
    "organization": ("type",),
    "product": (),
    "broadcast": ("hosts", "locator", "evidence"),
    "figure": ("of", "measure", "value", "unit", "qualifier", "stated_as", "locator", "evidence"),
    "statement": ("speaker", "locator", "evidence"),
    "aggregate": (
        "measure",
        "value",
        "unit",
        "qualifier",
        "stated_as",
        "locator",
        "evidence",
    ),
}

# Columns whose values come from a fixed list, per kind (``type`` depends on the kind).
CHOICES: dict[str, dict[str, str]] = {
    "measure": vocab.MEASURES,
    "unit": vocab.UNITS,
    "qualifier": vocab.QUALIFIERS,
    "rank": vocab.RANKS,
    "industry": vocab.INDUSTRIES,
    "language": vocab.LANGUAGES,
}
TYPE_CHOICES: dict[str, dict[str, str]] = {
    "region": vocab.REGION_TYPES,
    "organization": vocab.ORGANIZATION_TYPES,
    "source": vocab.SOURCE_TYPES,
}


@dataclass(frozen=True)
class Issue:
    """One problem in a sheet: where (row, column) and what, with a suggestion when we have one."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class SheetError(Exception):
    """The sheet has problems; nothing was written."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass
class Row:
    """One record of the sheet: its spreadsheet row number and its cells by column."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    @property
    def kind(self) -> str:
        return self["kind"]

    @property
    def id(self) -> str:
        return self["id"]

    def values(self, column: str) -> list[str]:
        """The ``;``-separated values of a cell, stripped, empty ones dropped."""
        return [part.strip() for part in self[column].split(";") if part.strip()]


@dataclass
class Sheet:
    """A parsed sheet: its header, its rows and the file it came from."""

    path: Path
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    delimiter: str = ","

    @property
    def source(self) -> Row:
        return self.rows[0]

    def by_id(self) -> dict[str, Row]:
        return {row.id: row for row in self.rows if row.id}

    def of_kind(self, *kinds: str) -> Iterator[Row]:
        return (row for row in self.rows if row.kind in kinds)


def read_sheet(path: Path) -> Sheet:
    """Parse a sheet file; a missing file or a wrong header raises :class:`SheetError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SheetError([Issue(None, None, f"{path}: no such file")]) from None
    except UnicodeDecodeError:
        raise SheetError(
            [Issue(None, None, f"{path}: not UTF-8 text; export as CSV UTF-8")]
        ) from None
    separator = delimiter(text)
    records = list(csv.reader(io.StringIO(text), delimiter=separator))
    if not records:
        raise SheetError([Issue(1, None, "the sheet is empty; start with the header row")])
    header = [cell.strip() for cell in records[0]]
    _check_header(header)
    rows = [
        Row(number, dict(zip(header, record, strict=False)))
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    return Sheet(path, header, rows, separator)


def delimiter(text: str) -> str:
    """The sheet's separator, from its header: a comma, or a tab (TSV) or semicolon (some
    spreadsheets' CSV export) when the header has none."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return "\t" if "\t" in header else ";" if ";" in header else ","


def _check_header(header: list[str]) -> None:
    issues = []
    for position, column in enumerate(COLUMNS):
        if column not in header:
            issues.append(Issue(1, column, "column missing from the header"))
        elif header.index(column) != position:
            issues.append(
                Issue(1, column, f"column out of order; expected in position {position + 1}")
            )
    if issues:
        raise SheetError(issues)


def write_sheet(sheet: Sheet) -> None:
    """Write the sheet back (after intake filled in ``match``), keeping its header and rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sheet.delimiter, lineterminator="\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([row.cells.get(column, "") for column in sheet.header])
    sheet.path.write_text(buffer.getvalue(), encoding="utf-8")


def check_sheet(sheet: Sheet) -> list[Issue]:
    """Every problem that can be seen in the sheet alone (the graph is consulted later)."""
    issues: list[Issue] = []
    if not sheet.rows or sheet.rows[0].kind != "source":
        issues.append(Issue(2, "kind", "the first row must be the one 'source' row"))
    seen: dict[str, int] = {}
    for row in sheet.rows:
        issues.extend(check_row(row))
        if row.kind == "source" and row is not sheet.rows[0]:
            issues.append(Issue(row.number, "kind", "only one 'source' row, the first"))
        if row.id in seen:
            issues.append(Issue(row.number, "id", f"'{row.id}' is used by row {seen[row.id]} too"))
        seen.setdefault(row.id, row.number)
    return issues


def check_row(row: Row) -> list[Issue]:
    """The problems of one row taken alone: kind, id, required cells, fixed values, formats."""
    if row.kind not in KINDS:
        return [Issue(row.number, "kind", vocab.unknown(row.kind, dict.fromkeys(KINDS, "")))]
    issues = _check_id(row)
    issues.extend(
        Issue(row.number, column, f"required for a {row.kind} row")
        for column in REQUIRED[row.kind]
        if not row[column] and not (row["match"] and column in KNOWN_WHEN_MATCHED)
    )
    issues.extend(_check_choices(row))
    issues.extend(_check_formats(row))
    if row.kind in ENTITY_KINDS and not (row["name_en"] or row["name_zh"] or row["match"]):
        issues.append(Issue(row.number, "name_en", "give the name (name_en, or name_zh)"))
    if row["rank"] in {"preferred", "deprecated"} and not row["rank_reason"]:
        issues.append(Issue(row.number, "rank_reason", f"say why the rank is {row['rank']}"))
    return issues


def _check_id(row: Row) -> list[Issue]:
    if not row.id:
        return [Issue(row.number, "id", "required: a lower-case kebab-case reference")]
    if not SLUG.match(row.id):
        suggestion = vocab.slugify(row.id)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        return [Issue(row.number, "id", f"'{row.id}' is not lower-case kebab-case{hint}")]
    return []


def _check_choices(row: Row) -> Iterator[Issue]:
    for column, table in CHOICES.items():
        values = (
            row.values(column) if column == "industry" else [row[column]] if row[column] else []
        )
        for value in values:
            if value not in table:
                yield Issue(row.number, column, vocab.unknown(value, table))
    types = TYPE_CHOICES.get(row.kind)
    if types is not None and row["type"] and row["type"] not in types:
        yield Issue(row.number, "type", vocab.unknown(row["type"], types))


def _check_formats(row: Row) -> Iterator[Issue]:
    for column in ("date", "date_end"):
        if row[column] and parse_date(row[column]) is None:
            yield Issue(row.number, column, f"'{row[column]}' is not a date YYYY-MM-DD")
    start, end = parse_date(row["date"]), parse_date(row["date_end"])
    if start and end and end < start:
        yield Issue(row.number, "date_end", f"{end} is before date {start}")
    if row["date_end"] and not row["date"] and row.kind != "aggregate":
        message = (
            "a range needs its earliest date too: the earliest the source allows "
            "(e.g. 2020-01-01 for 'recently' in a 2020 report), with the reason in note"
        )
        yield Issue(row.number, "date", message)
    if row.kind != "broadcast" and ";" in row["platform"]:
        message = "one platform here (a report has one publisher); name the others in note"
        yield Issue(row.number, "platform", message)
    if row.kind == "broadcast" and row["date_end"] and not row["note"]:
        message = "a date range needs a note saying which words of the source bound it"
        yield Issue(row.number, "note", message)
    if row["as_of"] and parse_date(row["as_of"]) is None and parse_datetime(row["as_of"]) is None:
        yield Issue(row.number, "as_of", f"'{row['as_of']}' is not a date or date-time")
    if row["window"] and not valid_duration(row["window"]):
        yield Issue(row.number, "window", f"'{row['window']}' is not an ISO 8601 duration (PT1H)")
    if row["value"]:
        problem = value_problem(row["value"])
        if problem:
            yield Issue(row.number, "value", problem)


def parse_date(text: str) -> date | None:
    """An ISO date ``YYYY-MM-DD``, or None."""
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """An ISO date-time ``YYYY-MM-DDThh:mm:ss`` (offset optional), or None."""
    try:
        return datetime.fromisoformat(text) if "T" in text else None
    except ValueError:
        return None


def valid_duration(text: str) -> bool:
    """True for an ISO 8601 duration such as ``PT1H`` or ``P3D``."""
    return DURATION.match(text) is not None


def value_problem(text: str) -> str | None:
    """Why ``text`` is not a plain non-negative decimal (with a suggestion), or None."""
    if CJK_NUMBER.search(text):
        suggestion = vocab.expand_chinese_number(text)
        hint = f"; write {suggestion}" if suggestion else ""
        return f"'{text}': expand 万/亿 into a plain number{hint}"
    try:
        number = Decimal(text)
    except InvalidOperation:
        plain = text.replace(",", "").replace(" ", "")
        hint = f"; write {plain}" if _is_decimal(plain) else ""
        return f"'{text}' is not a plain decimal number{hint}"
    if not number.is_finite() or number < 0:
        return f"'{text}' must be a non-negative number"
    return None


def _is_decimal(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False
