"""Reading an RSS or Atom feed with feedparser: its title, and each entry as the bot keeps it
(a stable key, the link to the article, and the version an update changes)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import feedparser


class FeedError(ValueError):
    """The document is not a feed the bot can read; the message says why."""


@dataclass(frozen=True, slots=True)
class Entry:
    key: str  # the entry's GUID or id, else its link: what makes it the same entry next time
    link: str | None
    title: str
    version: str  # changes when the feed says the entry changed
    content: str | None = None  # the entry's own HTML, for an entry with no link


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    entries: tuple[Entry, ...]


def parse_feed(body: bytes, url: str) -> Feed:
    """The feed in `body`, fetched from `url` (relative links are read against it). Raises
    FeedError for a document that is not RSS or Atom, e.g. a web page."""
    parsed: Any = feedparser.parse(body, response_headers={"content-location": url})
    version = parsed.get("version") or ""
    if not version:
        problem = parsed.get("bozo_exception")
        why = f": {problem}" if problem else ""
        raise FeedError(f"not an RSS or Atom feed{why}")
    entries = []
    seen: set[str] = set()
    for item in parsed.entries:
        entry = _entry(item)
        if entry is not None and entry.key not in seen:
            seen.add(entry.key)
            entries.append(entry)
    title = parsed.feed.get("title") or None
    return Feed(title.strip() if title else None, tuple(entries))


def _entry(item: Any) -> Entry | None:
    link = item.get("link") or None
    key = item.get("id") or link
    if not key:
        return None
    content = None
    for part in item.get("content") or ():
        if part.get("value"):
            content = str(part["value"])
            break
    title = str(item.get("title") or "").strip()
    # Atom says when an entry changed; RSS has only its publication date, so a changed title or
    # description is what tells an RSS item was corrected.
    # (dict.get: feedparser's own get maps a missing "updated" to "published", with a warning.)
    stamp = dict.get(item, "updated") or dict.get(item, "published") or ""
    described = item.get("summary") or ""
    fingerprint = hashlib.sha256(f"{title}\n{described}\n{content or ''}".encode()).hexdigest()
    return Entry(
        str(key), str(link) if link else None, title, f"{stamp}|{fingerprint[:16]}", content
    )
