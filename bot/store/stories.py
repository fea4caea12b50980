"""One story, many copies: the keys that tell two articles report the same event (a headline, a
quote, a paragraph, a claimed figure), the grouping of a load's articles into stories, and the
update of an article that replaces its older copy."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

import aiosqlite

from bot.articles import Article
from bot.text import normalise, words

# The parts of an article that report its news; Background and Previously recall older news,
# which every article on a long story repeats, so they tell nothing about the event.
NEWS_KINDS = frozenset({"lead", "details", "quote", "body"})
QUOTE_WORDS = 6  # a quote this long, word for word in two articles, is the same statement
PARAGRAPH_WORDS = 12  # ... and a paragraph whose first words these are, the same copy
TITLE_WORDS = 5  # a shorter headline ("Live updates") is no sign of one story
STORY_DAYS = 3  # articles on one event are published within days of each other
COMMON_KEY = 20  # a key more articles share than this is boilerplate, not one event


def story_keys(article: Article) -> set[str]:
    """What another report of the same event would share with `article`, hashed."""
    keys: set[str] = set()
    title = words(article.title or "")
    if len(title) >= TITLE_WORDS:
        keys.add("t:" + " ".join(title))
    if article.url:
        keys.add("u:" + article.url.strip().rstrip("/").lower())
    for quote in article.quotes:
        said = words(quote.text)
        if len(said) >= QUOTE_WORDS:
            keys.add("q:" + " ".join(said))
    news = [
        fact for section, fact in article.facts if section.kind in NEWS_KINDS
    ]  # in order, as `figure.fact` counts
    positions = {n for n, (section, _) in enumerate(article.facts) if section.kind in NEWS_KINDS}
    for fact in news:
        said = words(fact.text)
        if len(said) >= PARAGRAPH_WORDS:
            keys.add("p:" + " ".join(said[:PARAGRAPH_WORDS]))
    for figure in article.figures:
        if figure.claimant and figure.fact in positions:
            keys.add(f"c:{normalise(figure.claimant)}:{figure.value:g}:{figure.unit}")
    return {_hashed(key) for key in keys}


def _hashed(key: str) -> str:
    kind, _, text = key.partition(":")
    return kind + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class _Groups:
    """Union-find over article ids; each group is named by its smallest id."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


async def group_stories(db: aiosqlite.Connection, written: Sequence[int]) -> None:
    """Put each article written by a load in the story of the articles that share a key with
    it (published within days), merging stories it bridges; and mark the older copy of an
    updated article (same address, or same headline and publication time) replaced."""
    if not written:
        return
    await db.execute("CREATE TEMP TABLE IF NOT EXISTS written_articles (id INTEGER PRIMARY KEY)")
    await db.execute("DELETE FROM written_articles")
    await db.executemany("INSERT INTO written_articles VALUES (?)", [(i,) for i in written])
    shared = await db.execute_fetchall(
        "SELECT key, article_id FROM story_keys WHERE key IN (SELECT key FROM story_keys"
        " JOIN written_articles ON written_articles.id = story_keys.article_id)"
    )
    holders: dict[str, list[int]] = {}
    for key, article in shared:
        holders.setdefault(str(key), []).append(int(article))
    mine = set(written)
    pairs = [
        (a, b, key)
        for key, ids in holders.items()
        if 1 < len(ids) <= COMMON_KEY
        for a in ids
        if a in mine
        for b in ids
        if b != a
    ]
    involved = sorted({b for _, b, _ in pairs} | mine)
    dates = await _article_dates(db, involved)
    groups = _Groups()
    same_copy: set[tuple[int, int]] = set()
    for a, b, key in pairs:
        if not _near_in_time(dates[a][0], dates[b][0]):
            continue
        groups.join(a, b)
        if key.startswith("u") or (
            key.startswith("t") and dates[a][0] is not None and dates[a][0] == dates[b][0]
        ):
            same_copy.add((min(a, b), max(a, b)))
    # The stories the partners were in come along whole.
    partner_stories = sorted({dates[i][2] for i in involved if i not in mine})
    members = await _story_members(db, partner_stories)
    for story, ids in members.items():
        for member in ids:
            groups.join(story, member)
    for article in involved:
        groups.find(article)
    everyone = set(groups.parent)
    await db.executemany(
        "UPDATE articles SET story = ? WHERE id = ?",
        [(groups.find(i), i) for i in sorted(everyone)],
    )
    await db.execute(
        "UPDATE articles SET replaced_by = NULL WHERE id IN (SELECT id FROM written_articles)"
        " OR replaced_by IN (SELECT id FROM written_articles)"
    )
    replaced = []
    for a, b in sorted(same_copy):
        newer, older = (a, b) if _newer(dates[a], a, dates[b], b) else (b, a)
        replaced.append((newer, older))
    await db.executemany("UPDATE articles SET replaced_by = ? WHERE id = ?", replaced)


Dates = tuple[str | None, str | None, int]  # published (UTC), revised (UTC), story


async def _article_dates(db: aiosqlite.Connection, ids: Iterable[int]) -> dict[int, Dates]:
    found: dict[int, Dates] = {}
    batch = list(ids)
    for start in range(0, len(batch), 500):
        part = batch[start : start + 500]
        rows = await db.execute_fetchall(
            "SELECT id, published_utc, revised_utc, COALESCE(story, id) FROM articles"
            f" WHERE id IN ({','.join('?' * len(part))})",
            part,
        )
        for row in rows:
            found[int(row[0])] = (row[1], row[2], int(row[3]))
    return found


async def _story_members(db: aiosqlite.Connection, stories: Sequence[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for start in range(0, len(stories), 500):
        part = list(stories[start : start + 500])
        rows = await db.execute_fetchall(
            "SELECT COALESCE(story, id), id FROM articles"
            f" WHERE COALESCE(story, id) IN ({','.join('?' * len(part))})",
            part,
        )
        for story, article in rows:
            members.setdefault(int(story), []).append(int(article))
    return members


def _near_in_time(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    apart = abs(datetime.fromisoformat(a) - datetime.fromisoformat(b))
    return apart.days < STORY_DAYS


def _newer(a: Dates, a_id: int, b: Dates, b_id: int) -> bool:
    """Of two copies of one article, the one revised last; the one loaded last when neither
    says."""
    return (a[1] or "", a_id) > (b[1] or "", b_id)
