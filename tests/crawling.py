"""Crawling the real server as a link checker does: fetch, parse a page's facts, follow links."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Dumps are large downloads (checked by test_dumps.py): the crawl only HEADs them.
HEAD_ONLY_PREFIXES = ("/dumps/",)


class PageFacts(HTMLParser):
    """What the crawl needs from one HTML page: links, language, title, description, OG tags."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.lang: str | None = None
        self.title = ""
        self.meta: dict[str, str] = {}
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "html":
            self.lang = named.get("lang")
        elif tag == "a" and "href" in named and "nofollow" not in named.get("rel", "").split():
            self.links.append(named["href"])  # rel=nofollow: facet links, as crawlers do
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = named.get("name") or named.get("property")
            if key:
                self.meta[key] = named.get("content", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class Crawl:
    """The result of a crawl: HTML bodies by path, and every failure met."""

    pages: dict[str, bytes] = field(default_factory=dict)
    facts: dict[str, PageFacts] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def fetch(url: str, *, method: str = "GET") -> tuple[int, str, bytes]:
    """(status, content type, body) of ``url``, as a browser asks for a page."""
    request = urllib.request.Request(url, method=method, headers={"Accept": "text/html,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def sitemap_paths(base: str) -> list[str]:
    """The paths the sitemap lists."""
    status, _, body = fetch(base + "sitemap.xml")
    assert status == 200, f"/sitemap.xml answered {status}"
    root = ElementTree.fromstring(body)
    return [urlsplit(loc.text or "").path for loc in root.iter(SITEMAP_NS + "loc")]


def same_origin_path(base: str, page: str, href: str) -> str | None:
    """``href`` on ``page`` as a local path (with query), or None when it leaves the site."""
    absolute, _ = urldefrag(urljoin(base + page.lstrip("/"), href))
    parts, origin = urlsplit(absolute), urlsplit(base)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# Requests in flight at once: the server's two workers stay busy while pages are parsed here.
CRAWL_THREADS = 4


def crawl(base: str, starts: list[str]) -> Crawl:
    """Breadth-first over same-origin links from ``starts``, one level of pages at a time (the
    level's pages fetched concurrently)."""
    result, seen, level = Crawl(), set(starts), list(dict.fromkeys(starts))
    with ThreadPoolExecutor(max_workers=CRAWL_THREADS) as pool:
        while level:
            answers = pool.map(lambda path: visit(base, path), level)
            found: list[str] = []
            for path, answer in zip(level, answers, strict=True):
                found.extend(record(result, base, path, answer))
            level = [target for target in dict.fromkeys(found) if target not in seen]
            seen.update(level)
    return result


def visit(base: str, path: str) -> tuple[int, str, bytes]:
    """Fetch ``path`` as the crawl does: HEAD for a large download, GET for anything else."""
    head_only = path.startswith(HEAD_ONLY_PREFIXES)
    return fetch(base + path.lstrip("/"), method="HEAD" if head_only else "GET")


def record(result: Crawl, base: str, path: str, answer: tuple[int, str, bytes]) -> list[str]:
    """Record the answer to ``path`` in ``result``; the same-origin links of an HTML page."""
    status, content_type, body = answer
    if status >= 400:
        result.failures.append(f"{path} answered {status}")
        return []
    if path.startswith(HEAD_ONLY_PREFIXES) or not content_type.startswith("text/html"):
        return []
    facts = PageFacts()
    facts.feed(body.decode("utf-8"))
    result.pages[path], result.facts[path] = body, facts
    found = (same_origin_path(base, path, href) for href in facts.links)
    return [target for target in found if target is not None]


def page_links(base: str, path: str) -> list[str]:
    """The same-origin links of the HTML page at ``path``, in document order."""
    status, _, body = fetch(base + path.lstrip("/"))
    assert status == 200, f"{path} answered {status}"
    facts = PageFacts()
    facts.feed(body.decode("utf-8"))
    found = (same_origin_path(base, path, href) for href in facts.links)
    return [link for link in found if link is not None]
