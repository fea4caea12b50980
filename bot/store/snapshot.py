"""The snapshot of one commit that every command reads: its articles and names in memory, its
search index, and its view of the database pinned there."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from bot.search import SearchIndex
from bot.store.reads import Reads
from bot.store.rows import ARTICLE_COLUMNS, ArticleRow, FactRow, article_row

# A claimant's newest articles are read this many at a time, at most (ids in one IN (...) list),
# and at least, at first.
WALK_CHUNK = 500
WALK_FIRST = 50


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the store knew at one commit, and a view of the database pinned there: a reader
    takes one and sees that state in memory and on disk alike, whatever loads commit meanwhile."""

    generation: int
    read: Reads
    index: SearchIndex
    articles: tuple[ArticleRow, ...]  # newest first
    speakers: tuple[str, ...]  # most quoted first
    source_names: tuple[str, ...] = ()  # the sources articles cite, most cited first
    people: tuple[str, ...] = ()  # everyone credited with a claim or quoted, most claims first
    by_id: dict[int, ArticleRow] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict, compare=False)  # derived, built on use

    def article(self, article_id: int) -> ArticleRow | None:
        return self.by_id.get(article_id)

    async def claimed_by(self, names: Sequence[str], limit: int) -> list[FactRow]:
        """The facts credited to `names` or quoting them, newest article first (the order of
        `articles`), at most `limit`.

        Someone who claims a little has every claim read and sorted. Someone who claims a lot
        (a president in a third of 100,000 articles: 40,000 facts, 40 ms to sort) is found by
        reading the newest articles' facts until `limit` are found, in fewer facts than sorting
        would read; what comes back is the same.
        """
        claims = await self.read.claim_count(names)
        if not claims or not self.articles:
            return []
        facts_per_article = self.index.fact_count / len(self.articles)
        # Claims are spread over the articles about evenly, so finding `limit` reads this many.
        articles_to_walk = limit * len(self.articles) / claims
        if articles_to_walk * facts_per_article >= claims:
            return await self.read.claimed_by(names, limit)
        found: list[FactRow] = []
        start, size = 0, max(WALK_FIRST, min(WALK_CHUNK, int(2 * articles_to_walk)))
        while len(found) < limit and start < len(self.articles):
            chunk = self.articles[start : start + size]
            rank = {article.id: n for n, article in enumerate(chunk)}
            rows = await self.read.claimed_in(names, list(rank))
            found += sorted(rows, key=lambda row: (rank[row.article_id], row.position))
            start += size
            size = min(size * 2, WALK_CHUNK)
        return found[:limit]

    @property
    def topics(self) -> tuple[str, ...]:
        """What readers may ask about, most frequent first: made on first use, as ranking the
        whole vocabulary takes a quarter of a second at 100,000 articles."""
        found = self.memo.get("topics")
        if found is None:
            found = self.memo["topics"] = topics_of(
                self.index, [*self.speakers, *self.source_names]
            )
        return cast(tuple[str, ...], found)


# A snapshot after a load reuses the rows of the articles the load did not write, unless the
# load wrote more than this share of them.
REREAD_SHARE = 0.2


async def read_snapshot(
    view: Reads,
    index: SearchIndex | None = None,
    previous: tuple[Snapshot, Collection[int]] | None = None,
) -> Snapshot:
    """The snapshot at the state `view` is pinned to; `index`, when the caller built it for
    that state, spares reading it back. `previous` is the snapshot before this process's load
    and the articles that load wrote: the others are not read again."""
    meta = await view.one("SELECT generation, fact_count, average_length FROM search_meta")
    assert meta is not None  # written by the first migration
    if index is None:
        terms = await view.rows("SELECT term, df, postings, surface FROM search_terms")
        index = await asyncio.to_thread(
            SearchIndex.from_rows,
            ((str(t), int(d), bytes(p), str(s)) for t, d, p, s in terms),
            int(meta[1]),
            float(meta[2]),
        )
    articles = await _articles(view, previous)
    speakers = tuple(
        str(row[0])
        for row in await view.rows(
            "SELECT speaker FROM quotes WHERE speaker IS NOT NULL"
            " GROUP BY speaker ORDER BY count(*) DESC, speaker"
        )
    )
    names = await view.rows(
        "SELECT name FROM sources GROUP BY name ORDER BY count(*) DESC LIMIT 2000"
    )
    people = tuple(dict.fromkeys([*await view.claimants(), *speakers]))
    return Snapshot(
        int(meta[0]),
        view,
        index,
        articles,
        speakers,
        tuple(str(row[0]) for row in names),
        people,
        {a.id: a for a in articles},
    )


ARTICLE_ORDER = " ORDER BY COALESCE(published_utc, loaded_at) DESC, id DESC"


async def _articles(
    view: Reads, previous: tuple[Snapshot, Collection[int]] | None
) -> tuple[ArticleRow, ...]:
    """The articles shown, newest first. After a load, only those it wrote, those new to the
    list and those moved to another story are read whole."""
    if previous is not None:
        snapshot, written = previous
        order = list(
            await view.rows(
                "SELECT id, COALESCE(story, id) FROM articles"
                " WHERE replaced_by IS NULL" + ARTICLE_ORDER
            )
        )
        kept = snapshot.by_id
        stale = []
        for article_id, story in order:
            known = kept.get(article_id)
            if known is None or known.story != story or article_id in written:
                stale.append(int(article_id))
        if len(stale) <= REREAD_SHARE * len(order):
            fresh: dict[int, ArticleRow] = {}
            for start in range(0, len(stale), 500):  # ids per IN (...) list
                chunk = await view.articles_by_id(stale[start : start + 500])
                fresh.update({a.id: a for a in chunk})
            return tuple(fresh.get(int(row[0])) or kept[int(row[0])] for row in order)
    return tuple(
        article_row(row)
        for row in await view.rows(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE replaced_by IS NULL" + ARTICLE_ORDER
        )
    )


TOPICS_KEPT = 50_000


def topics_of(index: SearchIndex, names: list[str]) -> tuple[str, ...]:
    """Autocomplete material: people and sources by name, then the index's words by frequency."""
    ranked = sorted(index.df.items(), key=lambda item: -item[1])
    surfaces = (
        index.surface.get(term, term) for term, _ in ranked if len(term) > 2 and not term.isdigit()
    )
    return tuple(dict.fromkeys([*names, *surfaces]))[:TOPICS_KEPT]
