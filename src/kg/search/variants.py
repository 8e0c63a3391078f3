"""Name variants for matching: one comparable key for 秭归, 秭歸, Zigui, zǐguī and zi3gui1.

A *key* is a compact, lower-case ASCII-or-Han string: Latin text is case-folded, stripped of
diacritics and tone numbers and of everything that is not a letter or digit; Chinese text is
converted to Simplified characters (OpenCC's ``t2s`` table) and also romanised to toneless pinyin,
so a Chinese label and its pinyin spelling share a key. Administrative and corporate suffixes
("County", 县, "Co., Ltd.", 有限公司) are dropped in a second key, so "Zigui County" meets 秭归.
Fuzzy similarity (RapidFuzz's normalised Indel ratio, 0-100) compares keys for light typos.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TONE_NUMBER = re.compile(r"(?<=[a-z\u00fc])[1-5](?![0-9])")
NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Longest first: a suffix is removed once, from the end, and only when something remains.
ZH_SUFFIXES: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "公司",
    "集团",
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "村",
)
EN_SUFFIXES: tuple[str, ...] = (
    "special administrative region",
    "autonomous region",
    "autonomous prefecture",
    "autonomous county",
    "county level city",
    "co ltd",
    "company limited",
    "co",
    "ltd",
    "limited",
    "inc",
    "group",
    "company",
    "province",
    "municipality",
    "prefecture",
    "county",
    "district",
    "city",
    "township",
    "town",
    "village",
)


@lru_cache(maxsize=4)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


def has_han(text: str) -> bool:
    """True when ``text`` contains a Chinese character."""
    return HAN.search(text) is not None


def simplified(text: str) -> str:
    """``text`` in Simplified Chinese characters (unchanged when it has none)."""
    return _converter("t2s").convert(text) if has_han(text) else text


def traditional(text: str) -> str:
    """``text`` in Traditional Chinese characters (unchanged when it has none)."""
    return _converter("s2t").convert(text) if has_han(text) else text


def pinyin(text: str, *, tones: bool = False) -> str:
    """The Hanyu pinyin of the Chinese characters in ``text``, syllables separated by spaces.

    ``tones=True`` writes tone marks (``zǐ guī``); otherwise plain letters with ü (``lü``).
    Characters that are not Chinese are kept as they are.
    """
    style = Style.TONE if tones else Style.NORMAL
    syllables = lazy_pinyin(simplified(text), style=style, v_to_u=True)
    return " ".join(part.strip() for part in syllables if part.strip())


def fold(text: str) -> str:
    """Case-folded words without diacritics, tone numbers or punctuation, one space apart."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = TONE_NUMBER.sub("", plain)
    return " ".join(NOT_WORD.split(simplified(plain))).strip()


def compact(text: str) -> str:
    """The folded text with no spaces: the basic key."""
    return fold(text).replace(" ", "")


def strip_suffix(text: str) -> str:
    """``text`` (folded) without one trailing administrative or corporate suffix, if any."""
    folded = fold(text)
    suffixes = ZH_SUFFIXES if has_han(folded) else EN_SUFFIXES
    for suffix in suffixes:
        if has_han(suffix) and folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)].strip()
        if folded.endswith(" " + suffix):
            return folded[: -len(suffix) - 1].strip()
    return folded


def name_keys(label: str, lang: str | None = None) -> frozenset[str]:
    """The comparable keys of one label: compact forms with and without a suffix, and for
    Chinese text its Simplified form and toneless pinyin (``lang`` is advisory: the script of
    the text decides).
    """
    keys: set[str] = set()
    for form in {fold(label), strip_suffix(label)}:
        if not form:
            continue
        keys.add(form.replace(" ", ""))
        if has_han(form):
            keys.add(compact(pinyin(form)))
    return frozenset(key for key in keys if key)


def display_variants(label: str) -> frozenset[str]:
    """Human-readable spellings of ``label`` worth indexing: Simplified, Traditional, pinyin with
    and without tones (for Chinese text), the label itself otherwise.
    """
    if not has_han(label):
        return frozenset({label})
    return frozenset(
        {label, simplified(label), traditional(label), pinyin(label), pinyin(label, tones=True)}
    )


def similarity(first: str, second: str) -> float:
    """The best fuzzy similarity (0-100) between any key of ``first`` and any key of ``second``."""
    return best_similarity(name_keys(first), name_keys(second))


def best_similarity(first: Iterable[str], second: Iterable[str]) -> float:
    """The best RapidFuzz ratio (0-100) between two sets of keys; 100 when they share a key."""
    seconds = list(second)
    best = 0.0
    for key in first:
        for other in seconds:
            best = max(best, float(fuzz.ratio(key, other)))
    return best


def same_name(first: str, second: str) -> bool:
    """True when the two labels share a key (an exact match up to script, case and suffix)."""
    return not name_keys(first).isdisjoint(name_keys(second))
