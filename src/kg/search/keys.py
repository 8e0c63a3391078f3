"""Index terms and query expressions: how text becomes what SQLite FTS5 stores and matches.

Text is folded first (:func:`kg.search.variants.fold`: case, diacritics, tone numbers,
Traditional → Simplified), so 秭歸, Zǐguī and zi3gui1 meet 秭归 and zigui. Then:

- a Latin word is one term (matched as a prefix: ``navel or`` finds "navel orange");
- a run of Chinese characters gives its jieba words, its character bigrams (so every two-character
  word is found whatever jieba made of the run) and, for names, its single characters and its
  toneless pinyin: one term per syllable, per jieba word (``zigui``) and for the whole run
  (``ziguixian``).

A query's Chinese run must contain all its bigrams (a single character: that character).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba
from pypinyin import Style, lazy_pinyin

from kg.search import variants
from kg.search.variants import HAN

PIECE = re.compile(rf"(?:{HAN.pattern})+|[0-9a-z]+")
HAN_RUN = re.compile(rf"(?:{HAN.pattern})+")
LATIN_WORD = re.compile(r"^[0-9a-z]+$")

jieba.setLogLevel(logging.WARNING)


def fold(text: str) -> str:
    """:func:`kg.search.variants.fold`, faster: the same steps, but ASCII text skips the Unicode
    work and each run of Chinese characters is converted to Simplified once (cached), as most
    runs recur across labels. ``tests/test_search.py`` checks that both give the same on every
    text of the graph.
    """
    if text.isascii():
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = variants.TONE_NUMBER.sub("", plain)
    if not plain.isascii():
        plain = HAN_RUN.sub(lambda run: simplified_run(run.group()), plain)
    return " ".join(variants.NOT_WORD.split(plain)).strip()


@lru_cache(maxsize=100_000)
def simplified_run(run: str) -> str:
    """One run of Chinese characters in Simplified characters (OpenCC ``t2s``)."""
    return variants.simplified(run)


def label_keys(text: str) -> frozenset[str]:
    """:func:`kg.search.variants.name_keys` of a label, faster: ASCII labels skip the Unicode
    work and the pinyin of Chinese runs is read from this module's cache (same keys)."""
    keys: set[str] = set()
    folded = fold(text)
    for form in {folded, strip_suffix(folded)}:
        if form:
            keys.add(form.replace(" ", ""))
            if HAN.search(form):
                keys.add(compact_pinyin(form))
    return frozenset(key for key in keys if key)


def strip_suffix(folded: str) -> str:
    """:func:`kg.search.variants.strip_suffix` of already folded text."""
    chinese = HAN.search(folded) is not None
    for suffix in variants.ZH_SUFFIXES if chinese else variants.EN_SUFFIXES:
        if chinese and folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)].strip()
        if folded.endswith(" " + suffix):
            return folded[: -len(suffix) - 1].strip()
    return folded


def compact_pinyin(folded: str) -> str:
    """The folded text with each Chinese run replaced by its toneless pinyin, no spaces."""
    return "".join(
        "".join(syllables_of(piece)) if is_han(piece) else piece for piece in PIECE.findall(folded)
    )


def pieces(text: str) -> list[str]:
    """The folded Latin words and Chinese runs of ``text``, in order."""
    return PIECE.findall(fold(text))


def is_han(piece: str) -> bool:
    """Whether a piece (from :func:`pieces`) is a run of Chinese characters."""
    return HAN.match(piece) is not None


def name_terms(text: str) -> list[str]:
    """The index terms of a label: words, bigrams, characters and pinyin of Chinese runs."""
    return _terms(text, names=True)


def text_terms(text: str) -> list[str]:
    """The index terms of a description: words and bigrams (no pinyin, no single characters)."""
    return _terms(text, names=False)


def _terms(text: str, *, names: bool) -> list[str]:
    terms: list[str] = []
    for piece in pieces(text):
        terms.extend(han_terms(piece, names=names) if is_han(piece) else (piece,))
    return terms


@lru_cache(maxsize=100_000)
def han_terms(run: str, *, names: bool) -> tuple[str, ...]:
    """The terms of one run of (Simplified) Chinese characters."""
    words = [word for word in jieba.lcut(run, HMM=False) if word.strip()]
    terms = [*words, *bigrams(run)]
    if names:
        terms.extend(run)
        terms.extend(pinyin_terms(run, words))
    return tuple(dict.fromkeys(terms))


def bigrams(run: str) -> list[str]:
    """The overlapping two-character pieces of ``run``."""
    return [run[i : i + 2] for i in range(len(run) - 1)]


def pinyin_terms(run: str, words: Iterable[str]) -> list[str]:
    """Toneless pinyin terms: each syllable, each word's syllables joined, the run's joined."""
    syllables = syllables_of(run)
    joined = ["".join(syllables_of(word)) for word in words if len(word) > 1 and HAN.match(word)]
    return [*syllables, *joined, "".join(syllables)]


@lru_cache(maxsize=50_000)
def syllables_of(run: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of ``run``, folded as a query is (ü becomes u)."""
    syllables = lazy_pinyin(run, style=Style.NORMAL, v_to_u=True, errors="ignore")
    return tuple(variants.fold(syllable) for syllable in syllables)


def match_expression(query: str, *, prefix: bool = True) -> str:
    """The FTS5 MATCH expression for ``query`` (every piece required), "" when it has none.

    Latin words match as prefixes when ``prefix``; a Chinese run needs all its bigrams. A single
    Latin letter is left out (as a prefix it matches a large part of the vocabulary, and the
    name keys already serve one-letter type-ahead).
    """
    parts: list[str] = []
    for piece in pieces(query):
        if len(piece) == 1 and not is_han(piece):
            continue
        if not is_han(piece):
            parts.append(f'"{piece}"' + ("*" if prefix else ""))
        elif len(piece) == 1:
            parts.append(f'"{piece}"')
        else:
            parts.extend(f'"{pair}"' for pair in bigrams(piece))
    return " AND ".join(dict.fromkeys(parts))


def latin_words(query: str) -> list[str]:
    """The folded Latin words of ``query``."""
    return [piece for piece in pieces(query) if LATIN_WORD.match(piece)]
