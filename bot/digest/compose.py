"""What a digest says: the articles a window of loads wrote, newest first, each with its lead's
first sentence, key facts and sources; past 30, the rest by headline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.desk import ArticleRef
from bot.desk.articles import key_facts
from bot.store import Store
from bot.text import first_sentence

FIRST_LOOKBACK = timedelta(days=1)  # what a server's first digest covers
ARTICLES_IN_FULL = 30  # more than this are listed by headline only, so a busy day stays readable
FACTS_PER_ARTICLE = 3


@dataclass(frozen=True, slots=True)
class DigestItem:
    article: ArticleRef
    lead: str  # the lead's first sentence
    key_facts: tuple[str, ...]
    sources: tuple[str, ...]
    updated: bool  # changed since it was first loaded, rather than new


@dataclass(frozen=True, slots=True)
class Digest:
    """The articles added or updated between `since` and `until`, newest first."""

    day: date
    zone: str
    since: datetime
    until: datetime
    items: tuple[DigestItem, ...]
    more: tuple[ArticleRef, ...] = ()  # beyond those shown in full

    @property
    def article_count(self) -> int:
        return len(self.items) + len(self.more)

    @property
    def article_ids(self) -> tuple[int, ...]:
        return tuple(item.article.id for item in self.items) + tuple(r.id for r in self.more)


async def compose(
    store: Store,
    *,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    after_generation: int | None = None,
    up_to_generation: int | None = None,
    article_ids: Sequence[int] = (),
) -> Digest:
    """A digest of the articles written by the loads in (after_generation, up_to_generation],
    newest first; without `after_generation`, of those updated after `since`. Given
    `article_ids` (what an earlier attempt held), of those, in that order."""
    if article_ids:
        changed = await store.live.articles_by_id(article_ids)
    else:
        changed = await store.live.changed_articles(
            after_generation=after_generation, up_to_generation=up_to_generation, since=since
        )
    shown, more = changed[:ARTICLES_IN_FULL], changed[ARTICLES_IN_FULL:]
    sources = await store.live.sources_of([a.id for a in shown])
    items = []
    for row in shown:
        facts = await key_facts(store.live, row.id, FACTS_PER_ARTICLE)
        items.append(
            DigestItem(
                ArticleRef.of(row),
                first_sentence(row.lead),
                tuple(f.text for f in facts),
                tuple(s.name for s in sources.get(row.id, [])),
                updated=row.loaded_at <= since,  # it was there before this digest's window
            )
        )
    return Digest(
        until.astimezone(zone).date(),
        zone.key,
        since,
        until,
        tuple(items),
        tuple(ArticleRef.of(row) for row in more),
    )
