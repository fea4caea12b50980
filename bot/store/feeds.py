"""The feeds' records: each feed with what its conditional requests send and how its polls
went; the entries it gave, each once, with the article it became; and where each server's new
articles are announced, and which were."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.articles import Clock
from bot.store.connection import Database
from bot.store.rows import stamp


@dataclass(frozen=True, slots=True)
class FeedRow:
    id: int
    url: str
    title: str | None
    added_by: str
    added_at: datetime
    etag: str | None
    last_modified: str | None
    checked_at: datetime | None  # the last poll, whatever came of it
    fetched_at: datetime | None  # the last poll that read the feed (or heard it had not changed)
    new_entry_at: datetime | None  # when the last new entry was loaded
    error: str | None  # why the last poll failed; None once one succeeds
    error_at: datetime | None
    failures: int  # polls failed in a row
    next_poll_at: datetime | None
    entries: int
    articles: int

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class EntryRow:
    key: str
    link: str | None
    version: str
    article_id: int | None


@dataclass(frozen=True, slots=True)
class SeenEntry:
    """An entry a poll loaded (or found unchanged), to record."""

    key: str
    link: str | None
    version: str
    article_id: int | None


@dataclass(frozen=True, slots=True)
class Announcement:
    """A new article from a feed, to post once in a server's announcement channel."""

    guild_id: int
    channel_id: int
    article_id: int
    feed: str


class FeedExists(ValueError):
    """The feed is followed already."""


FEED_COLUMNS = (
    "f.id, f.url, f.title, f.added_by, f.added_at, f.etag, f.last_modified, f.checked_at,"
    " f.fetched_at, f.new_entry_at, f.error, f.error_at, f.failures, f.next_poll_at,"
    " (SELECT COUNT(*) FROM feed_entries e WHERE e.feed_id = f.id),"
    " (SELECT COUNT(article_id) FROM feed_entries e WHERE e.feed_id = f.id)"
)


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _feed(row: Sequence[Any]) -> FeedRow:
    return FeedRow(
        int(row[0]),
        str(row[1]),
        row[2],
        str(row[3]),
        datetime.fromisoformat(str(row[4])),
        row[5],
        row[6],
        _when(row[7]),
        _when(row[8]),
        _when(row[9]),
        row[10],
        _when(row[11]),
        int(row[12]),
        _when(row[13]),
        int(row[14]),
        int(row[15]),
    )


class FeedRecords:
    """Feeds and their entries, read live (another process's polls count) and written outside
    any load: an entry is recorded after its article's load committed, so a crash between the
    two loads the page again at the next poll and finds it unchanged, never twice."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def all(self) -> list[FeedRow]:
        rows = await self.db.live.rows(f"SELECT {FEED_COLUMNS} FROM feeds f ORDER BY f.id")
        return [_feed(row) for row in rows]

    async def get(self, feed_id: int) -> FeedRow | None:
        row = await self.db.live.one(
            f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)
        )
        return _feed(row) if row else None

    async def by_url(self, url: str) -> FeedRow | None:
        row = await self.db.live.one(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (url,))
        return _feed(row) if row else None

    async def add(self, url: str, *, added_by: str) -> FeedRow:
        """Follow a feed, polled at once. Raises FeedExists when it is followed already."""
        changed = await self.db.execute_write(
            "INSERT INTO feeds (url, added_by, added_at, next_poll_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (url) DO NOTHING",
            (url, added_by, stamp(self.clock()), stamp(self.clock())),
        )
        feed = await self.by_url(url)
        assert feed is not None
        if not changed:
            raise FeedExists(url)
        return feed

    async def remove(self, feed_id: int) -> bool:
        """Stop following a feed; the articles it gave stay in the archive."""
        return bool(await self.db.execute_write("DELETE FROM feeds WHERE id = ?", (feed_id,)))

    async def due(self, now: datetime) -> list[FeedRow]:
        rows = await self.db.live.rows(
            f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.next_poll_at IS NULL"
            " OR f.next_poll_at <= ? ORDER BY f.next_poll_at, f.id",
            (stamp(now),),
        )
        return [_feed(row) for row in rows]

    async def next_due(self) -> datetime | None:
        """When the next feed is due; None when no feed is followed."""
        row = await self.db.live.one("SELECT MIN(COALESCE(next_poll_at, '')) FROM feeds")
        if row is None or row[0] is None:
            return None
        return _when(row[0]) or datetime.min.replace(tzinfo=UTC)

    async def entries(self, feed_id: int) -> dict[str, EntryRow]:
        rows = await self.db.live.rows(
            "SELECT key, link, version, article_id FROM feed_entries WHERE feed_id = ?",
            (feed_id,),
        )
        return {str(r[0]): EntryRow(str(r[0]), r[1], str(r[2]), r[3]) for r in rows}

    async def record_poll(
        self,
        feed: FeedRow,
        *,
        next_poll_at: datetime,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        seen: Sequence[SeenEntry] = (),
        new_entries: int = 0,
        error: str | None = None,
    ) -> None:
        """What a poll found, in one transaction: the entries it loaded (new ones, found in a
        feed's first poll, are never announced), and the feed's state. A poll with an `error`
        keeps the validators it had, so the entries it could not load are asked for again."""
        now = stamp(self.clock())
        first = feed.fetched_at is None
        statements: list[tuple[str, Sequence[Any]]] = [
            (
                "INSERT INTO feed_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (feed_id, key) DO UPDATE SET link = excluded.link,"
                " version = excluded.version, article_id = excluded.article_id,"
                " loaded_at = excluded.loaded_at",
                (feed.id, e.key, e.link, e.version, e.article_id, now, now, int(first)),
            )
            for e in seen
        ]
        if error is None:
            statements.append(
                (
                    "UPDATE feeds SET title = COALESCE(?, title), etag = ?, last_modified = ?,"
                    " checked_at = ?, fetched_at = ?, error = NULL, error_at = NULL,"
                    " failures = 0, next_poll_at = ?,"
                    " new_entry_at = CASE WHEN ? > 0 THEN ? ELSE new_entry_at END WHERE id = ?",
                    (
                        title,
                        etag,
                        last_modified,
                        now,
                        now,
                        stamp(next_poll_at),
                        new_entries,
                        now,
                        feed.id,
                    ),
                )
            )
        else:
            statements.append(
                (
                    "UPDATE feeds SET title = COALESCE(?, title), checked_at = ?, error = ?,"
                    " error_at = ?, failures = failures + 1, next_poll_at = ?,"
                    " new_entry_at = CASE WHEN ? > 0 THEN ? ELSE new_entry_at END WHERE id = ?",
                    (title, now, error, now, stamp(next_poll_at), new_entries, now, feed.id),
                )
            )
        await self.db.execute_writes(statements)

    # --- announcements ----------------------------------------------------------------------

    async def announce_in(self, guild_id: int, channel_id: int | None, *, by: int | None) -> None:
        """Post each new article from now on in `channel_id`; None: stop posting them."""
        if channel_id is None:
            await self.db.execute_write(
                "DELETE FROM feed_announcements WHERE guild_id = ?", (guild_id,)
            )
            return
        await self.db.execute_write(
            "INSERT INTO feed_announcements VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE"
            " SET channel_id = excluded.channel_id, set_by = excluded.set_by,"
            " set_at = CASE WHEN feed_announcements.channel_id = excluded.channel_id"
            " THEN feed_announcements.set_at ELSE excluded.set_at END",
            (guild_id, channel_id, by, stamp(self.clock())),
        )

    async def announcement_channel(self, guild_id: int) -> int | None:
        row = await self.db.live.one(
            "SELECT channel_id FROM feed_announcements WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row else None

    async def to_announce(self, limit: int = 10) -> list[Announcement]:
        """New articles from feeds not yet posted in each announcing server: entries first
        loaded after the server asked for them, never those of a feed's first poll."""
        rows = await self.db.live.rows(
            "SELECT a.guild_id, a.channel_id, e.article_id, COALESCE(f.title, f.url)"
            " FROM feed_announcements a JOIN feed_entries e ON e.first_seen_at >= a.set_at"
            " JOIN feeds f ON f.id = e.feed_id"
            " WHERE e.initial = 0 AND e.article_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
            " announced d WHERE d.guild_id = a.guild_id AND d.article_id = e.article_id)"
            " GROUP BY a.guild_id, e.article_id ORDER BY e.first_seen_at, e.article_id LIMIT ?",
            (limit,),
        )
        return [Announcement(int(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows]

    async def mark_announced(self, guild_id: int, article_id: int) -> bool:
        """Claim an article's post in a server: True for the one caller that should post it."""
        return bool(
            await self.db.execute_write(
                "INSERT INTO announced VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (guild_id, article_id, stamp(self.clock())),
            )
        )
