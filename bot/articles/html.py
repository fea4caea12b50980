"""An article web page (a saved .html file, an upload, a fetched link) made into an article:
trafilatura finds the article in the page and drops the rest (menus, banners, related links,
comments); its paragraphs are laid out as an article's text, so the extractor reads `Source:`,
`Details:` and the rest as in any text file; the page's title, date, author and canonical
address fill what the text does not say."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree, html
from trafilatura.settings import Document as Extracted

from bot.articles.extraction import KYIV, ExtractionError, extract
from bot.articles.model import Article
from bot.text import normalise

HTML_SUFFIXES = (".html", ".htm")
_MARKUP = re.compile(rb"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]", re.I)
# Meta tags that say when a page was published or changed, in the order they are trusted.
PUBLISHED_META = ("article:published_time", "og:article:published_time", "datePublished")
MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified")
MAX_URL = 2000  # longer addresses are no page's own; Discord refuses them as links
LISTED_ARTICLES = 3  # a page of that many <article> teasers is a front page or an index


def looks_like_html(data: bytes) -> bool:
    return bool(_MARKUP.search(data[:4096]))


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the page says of itself, outside the article's text."""

    title: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    author: str | None = None
    url: str | None = None


def extract_page(
    data: bytes,
    *,
    url: str | None = None,
    timezone: ZoneInfo = KYIV,
    time_limit: float | None = None,
) -> Article:
    """The article of a web page. Raises ExtractionError for a page with no article in it
    (a front page, a list of links) or one that cannot be parsed."""
    text, facts = page_text(data, url=url, timezone=timezone)
    article = extract(text, timezone=timezone, time_limit=time_limit)
    return dataclasses.replace(
        article,
        title=article.title or facts.title,
        published=article.published or facts.published,
        updated=article.updated or _later(facts.modified, article.published or facts.published),
        author=article.author or facts.author,
        url=article.url or facts.url or url,
    )


def page_text(
    data: bytes, *, url: str | None = None, timezone: ZoneInfo = KYIV
) -> tuple[str, PageFacts]:
    """The page's article laid out as the extractor reads a text file: headline, date line,
    then paragraphs, with lists as bullets; and what the page says of itself."""
    if not data.strip():
        raise ExtractionError("the page is empty")
    try:
        tree = html.fromstring(data)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"the page cannot be parsed as HTML: {error}") from None
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not isinstance(document, Extracted) or document.body is None:
        raise ExtractionError("no article found in the page: it may be a list of links")
    declared = _declared_kind(tree)
    if declared is not None:
        raise ExtractionError(
            f"the page is not an article: it says it is {declared} (a front page, or a list "
            "of links?)"
        )
    facts = _page_facts(tree, document, url)
    blocks = _blocks(document.body)
    if not blocks:
        raise ExtractionError("no article found in the page: it may be a list of links")
    header = [facts.title] if facts.title else []
    if facts.published is not None:
        header.append(date_line(facts.published.astimezone(timezone)))
    # The page's own headline and date line, when they say what the header already does.
    said = {normalise(line) for line in header}
    while blocks and normalise(blocks[0]) in said:
        blocks = blocks[1:]
    return "\n\n".join([*header, *blocks]) + "\n", facts


def date_line(moment: datetime) -> str:
    """A date line as Ukrainska Pravda writes it: Thursday, 13 June 2024, 15:30."""
    return f"{moment:%A}, {moment.day} {moment:%B %Y, %H:%M}"


def _blocks(body: Any) -> list[str]:
    """Paragraphs, headings, and lists as runs of bullets; a pull quote that repeats the
    text is left out, so a claim is not read twice."""
    blocks: list[str] = []
    for element in body:
        tag = element.tag
        if tag == "list":
            items = [_text(item) for item in element.iter("item")]
            bullets = [f"  • {item}" for item in items if item]
            if bullets:
                blocks.append("\n".join(bullets))
        elif tag == "table":
            rows = [
                " | ".join(_text(cell) for cell in row.iter("cell")) for row in element.iter("row")
            ]
            blocks.extend(row for row in rows if row.strip(" |"))
        elif tag in ("p", "head", "quote"):
            text = _text(element)
            if tag == "quote" and any(normalise(text) in normalise(b) for b in blocks):
                continue
            if text:
                blocks.append(text)
    return blocks


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _page_facts(tree: Any, document: Extracted, url: str | None) -> PageFacts:
    meta = _meta(tree)
    linked = _json_ld(tree)
    published = _first_time(
        [meta.get(name) for name in PUBLISHED_META]
        + [linked.get("datePublished"), *tree.xpath("//time/@datetime")[:1]]
    )
    modified = _first_time(
        [meta.get(name) for name in MODIFIED_META] + [linked.get("dateModified")]
    )
    if published is None and document.date:
        published = _first_time([document.date])  # trafilatura's guess: a day, no time
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    address = web_address(
        (canonical[0] if canonical else None) or meta.get("og:url") or linked.get("url"), url
    )
    return PageFacts(
        title=_clean(linked.get("headline") or meta.get("og:title") or document.title or None),
        published=published,
        modified=modified,
        author=_clean(_author(linked) or meta.get("author") or document.author or None),
        url=address or url,
    )


def _declared_kind(tree: Any) -> str | None:
    """What a page that is no article says it is ("a website"), or shows it is (a list of
    articles); None for an article, or a page that does not say."""
    kind = _meta(tree).get("og:type", "").lower()
    if _json_ld(tree) or kind.startswith("article"):
        return None
    if kind:
        return f"a {kind}"
    listed = len(tree.xpath("//article"))
    return f"a list of {listed} articles" if listed >= LISTED_ARTICLES else None


def web_address(value: Any, base: str | None) -> str | None:
    """The page's own address, read against where it came from, if it is a web address: a
    page is not trusted to give one (headlines and the digest link to it)."""
    if not isinstance(value, str) or not value.strip():
        return None
    address = urljoin(base or "", " ".join(value.split()))
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(address) > MAX_URL:
        return None
    return address


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tree.iter("meta"):
        name = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if name and content:
            found.setdefault(name.strip(), content.strip())
    return found


def _json_ld(tree: Any) -> dict[str, Any]:
    """The page's schema.org article, from its JSON-LD, when it has one."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data])
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(str(k).endswith("Article") or k == "BlogPosting" for k in kinds):
                return item
    return {}


def _author(linked: dict[str, Any]) -> str | None:
    author = linked.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return str(author) if author else None


def _first_time(values: list[Any]) -> datetime | None:
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None:
            continue  # a time with no zone cannot be placed; the text's date line may say
        return moment
    return None


def _later(modified: datetime | None, published: datetime | None) -> datetime | None:
    if modified is None or (published is not None and modified <= published):
        return None
    return modified


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None
