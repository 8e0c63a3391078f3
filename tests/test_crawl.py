"""Crawl the real server from ``/`` and the sitemap like a link checker and a validator would.

Every same-origin link must answer below 400; every HTML page must name its language, carry a
title and a meta description (and Open Graph title and description), and pass the Nu Html Checker
(``vnu.jar`` from npm's ``vnu-jar``, run once on Debian's Java over all pages: ``tests/checkers``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from crawling import Crawl, crawl, sitemap_paths

from kg.config import PROJECT_ROOT

VNU = (
    PROJECT_ROOT / "tests" / "checkers" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


@pytest.fixture(scope="module")
def crawled(live_url: str) -> Crawl:
    return crawl(live_url, ["/", *sitemap_paths(live_url)])


def test_every_same_origin_link_answers(crawled: Crawl) -> None:
    assert crawled.failures == []
    assert len(crawled.pages) > 50


def test_every_page_names_its_language_title_and_description(crawled: Crawl) -> None:
    missing = [
        f"{path}: {what}"
        for path, facts in crawled.facts.items()
        for what, ok in (
            ("lang", bool(facts.lang)),
            ("title", bool(facts.title.strip())),
            ("description", bool(facts.meta.get("description", "").strip())),
            ("og:title", bool(facts.meta.get("og:title", "").strip())),
            ("og:description", bool(facts.meta.get("og:description", "").strip())),
        )
        if not ok
    ]
    assert missing == []


def test_descriptions_differ_between_entity_pages(crawled: Crawl) -> None:
    descriptions = [
        facts.meta.get("description", "")
        for path, facts in crawled.facts.items()
        if path.startswith("/id/")
    ]
    assert len(descriptions) > 20
    assert len(set(descriptions)) == len(descriptions)


def test_every_page_is_valid_html(crawled: Crawl, tmp_path: Path) -> None:
    java = shutil.which("java")
    assert java, "Java is missing: .ci/install-checkers installs it"
    assert VNU.is_file(), "vnu.jar is missing: .ci/install-checkers installs it"
    names = {}
    for number, (path, body) in enumerate(sorted(crawled.pages.items())):
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(body)
        names[file.name] = path
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{names.get(m.get('url', '').rsplit('/', 1)[-1])}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors[:40])
