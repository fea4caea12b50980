"""What a digest says: the articles a window of loads wrote, newest first, each with its lead's
first sentence, key facts and sources; past 30, the rest by headline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.articles import Claim, number_text
from bot.desk import ArticleRef
from bot.desk.articles import key_facts
from bot.store import ArticleRow, FigureRow, Store
from bot.text import day_number, first_sentence

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
    moved: tuple[str, ...] = ()  # "containers: 7,000 -> 10,000 per Shin Won-sik"

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
        tuple(await moved(store, shown)),
    )


MOVED_SHOWN = 5
EARLIER_READ = 300  # figures on one unit, the newest, that a new one is compared with


async def moved(store: Store, shown: Sequence[ArticleRow]) -> list[str]:
    """One line per story a new figure moved: the last figure on the same thing (same unit,
    naming the same country or body) before it, then the new one and who claims it."""
    article_ids = [row.id for row in shown]
    published = {row.id: row.published for row in shown}
    new = set(article_ids)
    lines: list[str] = []
    units: dict[str, list[tuple[FigureRow, Claim | None, datetime | None]]] = {}
    for article_id in article_ids:
        for row in await store.live.figures(article_id=article_id):
            figure = row.figure
            if not figure.claimant or figure.unit in ("percent", "share") or row.fact_id is None:
                continue
            if figure.unit not in units:
                units[figure.unit] = await store.live.figures_on(figure.unit, EARLIER_READ)
            mine = next((c for r, c, _ in units[figure.unit] if r.fact_id == row.fact_id), None)
            claimed = _when(mine, published.get(article_id))
            archive = [e for e in units[figure.unit] if e[0].article_id not in new]
            # A figure the archive had already (recalled in a Background line) is no news.
            if any(r.figure.value == figure.value and _same_thing(mine, c) for r, c, _ in archive):
                continue
            earlier = [
                (r, c, p)
                for r, c, p in units[figure.unit]
                if r.article_id not in new
                and _same_thing(mine, c)
                and r.figure.value != figure.value
                and _when(c, p) <= claimed
            ]
            if not earlier or len(lines) >= MOVED_SHOWN:
                continue
            before = _last_agreed(earlier)
            values = f"{number_text(before[0].figure.value)} -> {number_text(figure.value)}"
            line = f"{figure.noun()}: {values} per {figure.claimant}"
            if line not in lines:
                lines.append(line)
    return lines


LATEST_DAYS = 14  # figures this close to the last one stand for the same moment


def _last_agreed(
    earlier: list[tuple[FigureRow, Claim | None, datetime | None]],
) -> tuple[FigureRow, Claim | None, datetime | None]:
    """The figure the story stood at: of those claimed about the last time, the one most
    articles reported (7,000 in three articles over a lone 5,000 three days later)."""
    last = max(day_number(_when(c, p)) for _, c, p in earlier)
    recent = [e for e in earlier if last - day_number(_when(e[1], e[2])) <= LATEST_DAYS]
    articles: dict[float, set[int]] = {}
    for row, _, _ in recent:
        articles.setdefault(row.figure.value, set()).add(row.article_id)
    return max(recent, key=lambda e: (len(articles[e[0].figure.value]), _when(e[1], e[2])))


def _same_thing(a: Claim | None, b: Claim | None) -> bool:
    """Two figures' claims name the same country or body, besides whoever claims them."""
    if a is None or b is None:
        return False
    names_a = {e.name for e in a.entities} - {a.claimant}
    names_b = {e.name for e in b.entities} - {b.claimant}
    return bool(names_a & names_b)


def _when(claim: Claim | None, published: datetime | None) -> str:
    if claim is not None and claim.claimed_at:
        return claim.claimed_at
    return published.date().isoformat() if published else ""
