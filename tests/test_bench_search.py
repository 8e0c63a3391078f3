"""Smoke test of the search benchmark (bench/search.py) on the repository's graph: it measures
something real (a built index, timed searches) and its bigram claim holds on real labels."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench import search
from kg.config import Settings


def test_search_benchmark_runs_and_bigrams_beat_trigrams(tmp_path: Path) -> None:
    result = search.run(Settings(validate=False), queries=40, words=60, seed=1, folder=tmp_path)
    assert result.documents > 100 and result.index_bytes > 0
    assert len(result.latencies) == 40 and all(t > 0 for t in result.latencies)
    assert result.two_char_words == 60
    assert result.found_by_ours == result.two_char_words  # every two-character word is found
    assert result.found_by_trigram < result.found_by_ours  # a trigram index alone misses them
    section = search.markdown(result, 1_788)
    assert section.startswith("## Search") and "type-ahead p95" in section
