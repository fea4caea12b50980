"""Polling the feeds: a conditional request for each feed that is due, each new or changed
entry's page fetched and loaded once, a feed that fails backing off, and the next poll set with
jitter, so that feeds added together do not stay in step."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.desk.answers import UserError
from bot.desk.ingest import load_documents
from bot.store import Document, FeedRow, Requester, SeenEntry
from bot.text import plural
from bot.web import FEED_TYPES, PAGE_TYPES, Entry, FeedError, FetchError, Session, parse_feed

if TYPE_CHECKING:
    from bot.desk.service import Desk

log = logging.getLogger(__name__)

JITTER = 0.1  # a poll comes up to 10% early or late
MAX_BACKOFF = 6 * 3600.0  # a failing feed is still tried every six hours
ENTRIES_PER_POLL = 30  # pages fetched in one poll of one feed; the rest come at the next one


@dataclass(slots=True)
class PollResult:
    """What one poll of one feed did."""

    feed: FeedRow
    added: list[int] = field(default_factory=list)  # article ids
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    not_modified: bool = False
    error: str | None = None  # the feed could not be read at all
    entry_errors: list[str] = field(default_factory=list)  # entries that could not be loaded
    later: int = 0  # entries left for the next poll

    def summary(self) -> str:
        if self.error is not None:
            return f"failed: {self.error}"
        if self.not_modified:
            return "not changed since the last poll"
        parts = [
            plural(len(self.added), "new article"),
            f"{len(self.updated)} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.entry_errors:
            parts.append(f"{len(self.entry_errors)} failed ({self.entry_errors[0]})")
        if self.later:
            parts.append(f"{self.later} left for the next poll")
        return ", ".join(parts)


class Poller:
    """Polls the desk's feeds; `random` is the jitter's source, for tests to fix."""

    def __init__(self, desk: Desk, *, random_unit: Callable[[], float] = random.random) -> None:
        self.desk = desk
        self.random_unit = random_unit
        self._lock = asyncio.Lock()
        # The earliest next poll the store gave when last asked (None: no feed), and how the
        # database looked then: until that time, while nothing is written, nothing is read.
        self._next_due: datetime | None = None
        self._mark: object | None = None
        self._known = False

    def forget(self) -> None:
        """The feeds changed (one added or removed): ask the store again at the next round."""
        self._known = False

    def next_delay(self, failures: int) -> float:
        """Seconds to the next poll: the interval, doubled for each failure in a row up to
        six hours, moved by up to 10% either way."""
        base = min(self.desk.web.feed_interval * (1 << min(failures, 16)), MAX_BACKOFF)
        return base * (1 + JITTER * (2 * self.random_unit() - 1))

    async def poll_due(self) -> list[PollResult] | None:
        """Poll every feed that is due, one after another; a poll already running is waited
        for, so two never fetch the same feed at once. None when the store was not even asked:
        no feed can be due yet."""
        async with self._lock:
            now = self.desk.store.clock()
            if self._idle_until(now):
                return None
            records = self.desk.store.feeds
            results = []
            due = await records.due(now)
            if due:
                async with self.desk.web.fetcher.session() as session:
                    for feed in due:
                        results.append(await self._poll(session, feed))
            self._next_due = await records.next_due()
            self._mark, self._known = self.desk.store.write_mark(), True
            return results

    def _idle_until(self, now: datetime) -> bool:
        """Nothing can be due: no feed's next poll has come, and nothing was written since
        (another process may have added a feed: `newsdesk feed add`)."""
        if not self._known or self.desk.store.write_mark() != self._mark:
            return False
        return self._next_due is None or now < self._next_due

    async def poll_all(self) -> list[PollResult]:
        """Poll every feed now, due or not: a moderator asked."""
        async with self._lock:
            self.forget()
            feeds = await self.desk.store.feeds.all()
            async with self.desk.web.fetcher.session() as session:
                return [await self._poll(session, feed) for feed in feeds]

    async def poll(self, feed: FeedRow) -> PollResult:
        async with self._lock, self.desk.web.fetcher.session() as session:
            self.forget()
            return await self._poll(session, feed)

    async def _poll(self, session: Session, feed: FeedRow) -> PollResult:
        result = PollResult(feed)
        records = self.desk.store.feeds
        try:
            fetched = await session.fetch(
                feed.url, FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified
            )
            parsed = (
                None
                if fetched.not_modified
                else await asyncio.to_thread(parse_feed, fetched.body, fetched.url)
            )
        except (FetchError, FeedError) as error:
            result.error = str(error)
            log.warning("feed %s: %s", feed.url, error)
            await records.record_poll(
                feed, next_poll_at=self._after(feed.failures + 1), error=result.error
            )
            return result
        if parsed is None:
            result.not_modified = True
            await records.record_poll(
                feed,
                next_poll_at=self._after(0),
                etag=fetched.etag or feed.etag,
                last_modified=fetched.last_modified or feed.last_modified,
            )
            return result
        known = await records.entries(feed.id)
        waiting = [
            entry
            for entry in parsed.entries
            if entry.key not in known or known[entry.key].version != entry.version
        ]
        result.unchanged = len(parsed.entries) - len(waiting)
        result.later = max(0, len(waiting) - ENTRIES_PER_POLL)
        seen = await self._load_entries(session, feed, waiting[:ENTRIES_PER_POLL], result)
        # Validators only once every entry was read: otherwise the next poll, answered 304,
        # would never ask again for the entries this one could not load.
        complete = not result.entry_errors and not result.later
        await records.record_poll(
            feed,
            next_poll_at=self._after(0),
            title=parsed.title,
            etag=fetched.etag if complete else None,
            last_modified=fetched.last_modified if complete else None,
            seen=seen,
            new_entries=len(result.added),
        )
        return result

    async def _load_entries(
        self, session: Session, feed: FeedRow, entries: list[Entry], result: PollResult
    ) -> list[SeenEntry]:
        """Fetch the entries' pages and load them in one load; the entries to record. An entry
        whose page could not be fetched is not recorded, so the next poll tries it again; one
        whose page is no article is recorded without one, until the feed changes it."""
        documents: dict[str, Document] = {}
        entries_of: dict[str, list[Entry]] = {}  # two entries may link the same page
        for entry in entries:
            document = documents.get(entry.link or "") or await self._document(
                session, entry, result
            )
            if document is not None:
                documents[document.key] = document
                entries_of.setdefault(document.key, []).append(entry)
        if not documents:
            return []
        name = feed.title or feed.url
        report = await load_documents(
            self.desk, list(documents.values()), label=f"feed {name}", by=Requester(f"feed {name}")
        )
        if isinstance(report, UserError):
            result.entry_errors.append(report.message)
            return []
        seen = []
        for file in report.files:
            if file.outcome == "failed":
                result.entry_errors.append(f"{file.file_name}: {file.reason}")
            elif file.outcome == "added" and file.article_id is not None:
                result.added.append(file.article_id)
            elif file.outcome == "updated" and file.article_id is not None:
                result.updated.append(file.article_id)
            else:
                result.unchanged += 1
            seen += [
                SeenEntry(entry.key, entry.link, entry.version, file.article_id)
                for entry in entries_of[file.file_name]
            ]
        return seen

    async def _document(
        self, session: Session, entry: Entry, result: PollResult
    ) -> Document | None:
        if entry.link is None:
            if entry.content is None:
                result.entry_errors.append(f"{entry.key}: the entry has no link and no text")
                return None
            data = entry.content.encode()
            return Document(entry.key, data, "feed", entry.key, "text/html")
        try:
            page = await session.fetch(entry.link, PAGE_TYPES)
        except FetchError as error:
            result.entry_errors.append(f"{entry.link}: {error}")
            return None
        return Document(entry.link, page.body, "feed", page.url, page.content_type, url=page.url)

    def _after(self, failures: int) -> datetime:
        return self.desk.store.clock() + timedelta(seconds=self.next_delay(failures))
