"""Finding things: name variants and matching keys (zh, zh-Hant, pinyin, en)."""
