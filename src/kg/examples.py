"""The competency queries (``queries/*.rq``) as examples: question in English and Chinese, query.

Each file starts with a comment header written by the curator::

    # Question: Which officials sold goods in live broadcasts, …?
    # 问题: <the same question in Chinese>

The tests run the same files, so the examples shown in the query editor are the queries the graph
is known to answer: one source of truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QUERY_SUFFIX = ".rq"

# header key (as written after "# ") -> Example field it fills
HEADER_FIELDS: dict[str, str] = {"question": "question_en", "问题": "question_zh"}

# "# Key: value"; the colon may be ASCII or full-width (U+FF1A)
_HEADER_LINE = re.compile("#\\s*(?P<key>[^:\uff1a]+?)\\s*[:\uff1a]\\s*(?P<value>.*\\S)\\s*$")


@dataclass(frozen=True)
class Example:
    """One competency query: its file name (without ``.rq``), questions and SPARQL text."""

    name: str
    question_en: str
    question_zh: str
    query: str

    @property
    def title(self) -> str:
        """The English question, or the file name when the header has none."""
        return self.question_en or self.name


def header_fields(text: str) -> dict[str, str]:
    """The known ``# Key: value`` lines of the comment block that opens ``text``."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        field = match and HEADER_FIELDS.get(match["key"].strip().lower())
        if match and field and field not in fields:
            fields[field] = match["value"]
    return fields


def read_example(path: Path) -> Example:
    """The example stored in the query file ``path``."""
    text = path.read_text(encoding="utf-8")
    fields = header_fields(text)
    return Example(
        name=path.stem,
        question_en=fields.get("question_en", ""),
        question_zh=fields.get("question_zh", ""),
        query=text,
    )


def load_examples(folder: Path) -> list[Example]:
    """Every ``*.rq`` file of ``folder`` as an example, in file-name order (none if no folder)."""
    if not folder.is_dir():
        return []
    return [read_example(path) for path in sorted(folder.glob("*" + QUERY_SUFFIX))]
