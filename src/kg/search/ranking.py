"""Scores (0-100) of a candidate, by how it matched: whole name first, then words, then text.

| how it matched | score |
|---|---|
| a name key equals a query key (秭歸 ~ 秭归, "Zigui" ~ "Zigui County") | 100 |
| a name key starts with a query key (type-ahead) | 80-99, higher the more of the name typed |
| every query word is in a name (FTS5) | 50-79, by fuzzy similarity of the best name |
| the query words only in a description | 20-49, by BM25 rank among those |
| found only after repairing a typo | the above, times 0.8 |

Equal scores are ordered by the shorter name, then by IRI, so results are stable.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.search.variants import best_similarity

EXACT = 100.0
PREFIX_FLOOR, PREFIX_SPAN = 80.0, 19.0
NAME_FLOOR, NAME_SPAN = 50.0, 29.0
TEXT_FLOOR, TEXT_SPAN = 20.0, 29.0
TYPO_FACTOR = 0.8


def prefix_score(query_key: str, key: str) -> float:
    """A name key that starts with the query key: more typed, higher."""
    return PREFIX_FLOOR + PREFIX_SPAN * len(query_key) / max(len(key), 1)


def name_score(query_keys: Iterable[str], name_keys: Iterable[str]) -> float:
    """A name containing every query word: scaled by the best fuzzy similarity of the keys."""
    return NAME_FLOOR + NAME_SPAN * best_similarity(query_keys, name_keys) / 100.0


def text_score(position: int, count: int) -> float:
    """A description match, the ``position``-th best of ``count`` by BM25."""
    return TEXT_FLOOR + TEXT_SPAN * (1.0 - position / max(count, 1))


def typo_score(score: float) -> float:
    """A score found only after repairing a typo."""
    return score * TYPO_FACTOR
