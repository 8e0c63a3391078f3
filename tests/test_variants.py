"""Name variants: Simplified/Traditional, pinyin with and without tones, case, diacritics, typos."""

from __future__ import annotations

import pytest

from kg.search.variants import (
    compact,
    display_variants,
    fold,
    name_keys,
    pinyin,
    same_name,
    similarity,
    simplified,
    strip_suffix,
    traditional,
)

ZIGUI_SPELLINGS = [
    "秭归",
    "秭歸",
    "Zigui",
    "zǐguī",
    "zigui",
    "ZIGUI",
    "zi3gui1",
    "Zǐ Guī",
    "秭归县",
]


@pytest.mark.parametrize("spelling", ZIGUI_SPELLINGS)
def test_every_spelling_of_zigui_has_the_common_key(spelling: str) -> None:
    assert "zigui" in name_keys(spelling)


def test_county_suffix_meets_the_bare_name_in_both_scripts() -> None:
    assert same_name("Zigui County", "秭歸縣")
    assert same_name("Hubei Province", "湖北")
    assert same_name("Wuhan", "武漢市")


def test_different_names_do_not_share_a_key() -> None:
    assert not same_name("Zigui County", "Zhijiang")
    assert not same_name("秭归县", "枝江市")


def test_traditional_and_simplified_convert_both_ways() -> None:
    assert simplified("秭歸縣") == "秭归县"
    assert traditional("秭归县") == "秭歸縣"
    assert simplified("Zigui") == "Zigui"


def test_pinyin_with_and_without_tones() -> None:
    assert pinyin("秭归") == "zi gui"
    assert pinyin("秭歸", tones=True) == "zǐ guī"
    assert pinyin("绿") == "lü"
    assert compact(pinyin("绿")) == "lu"


def test_fold_drops_case_diacritics_tone_numbers_and_punctuation() -> None:
    assert fold("  Zǐguī,  County! ") == "zigui county"
    assert fold("Lü3 Fang1zhou1") == "lu fangzhou"
    assert fold("Airbus A380") == "airbus a380"


def test_suffix_is_stripped_once_and_never_to_nothing() -> None:
    assert strip_suffix("Zall Aerospace Co., Ltd.") == "zall aerospace"
    assert strip_suffix("沙市") == "沙市"
    assert strip_suffix("County") == "county"


def test_similarity_tolerates_a_light_typo_and_separates_other_names() -> None:
    assert similarity("Chow Tai Fook", "Chow Tai Fok") > 90
    assert similarity("Zigui", "秭歸") == 100
    assert similarity("Zigui", "Wuhan") < 50


def test_display_variants_cover_both_scripts_and_pinyin() -> None:
    assert display_variants("秭归县") >= {"秭归县", "秭歸縣", "zi gui xian", "zǐ guī xiàn"}
    assert display_variants("Zigui") == {"Zigui"}
