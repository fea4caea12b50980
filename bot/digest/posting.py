"""Posting each server's digest once a day: claiming the day in the store, posting through a
Poster the Discord side supplies, recording the outcome, and trying again after a failure.
Nothing here knows Discord."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from bot.articles import Clock, utc_now
from bot.desk import UserError
from bot.digest.answers import DigestChanged, DigestPosted, DigestPreview, DigestStatus
from bot.digest.compose import FIRST_LOOKBACK, Digest, compose
from bot.digest.schedule import SETTABLE, DigestSettings, encode
from bot.store import DayOutcome, DigestDay, Store, StoreError
from bot.text import plural

log = logging.getLogger(__name__)

# A failed post is tried again after each of these; then the day is given up and shown as failed.
RETRY_DELAYS = (timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claim this old with no outcome belongs to a process that stopped while posting. It is not
# retried by itself (that might post twice); /digest now may take it over.
STALE_CLAIM = timedelta(minutes=15)
# The loop keeps the schedules in memory between reads; changes made through this process are
# seen at once, those of another process on the same database within this time.
SETTINGS_REFRESH = timedelta(hours=1)
FINISH_RETRIES = (0.5, 2.0, 5.0)  # seconds between tries to record an outcome


class PostFailed(Exception):
    """A digest could not be posted: why, in words for moderators, and what did go out."""

    def __init__(self, reason: str, sent: Sequence[int] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = tuple(sent)


class Poster(Protocol):
    async def __call__(self, channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        """Post the digest's messages after the first `skip` (already sent by an earlier
        attempt); the ids of those sent now. Raises PostFailed."""
        ...


class Digests:
    """Digest schedules and posts for every server, on the store; nothing here knows Discord.

    `channel_guild` tells which server a channel is in, so that the default channel from the
    settings serves only its own server.
    """

    def __init__(
        self,
        store: Store,
        defaults: DigestSettings,
        *,
        clock: Clock = utc_now,
        channel_guild: Callable[[int], int | None] = lambda _: None,
    ) -> None:
        self.store = store
        self.defaults = defaults
        self.clock = clock
        self.channel_guild = channel_guild
        # What the loop knows without asking the database, so that an idle minute costs nothing:
        self._stored: dict[int, dict[str, Any]] | None = None
        self._stored_at = datetime.min.replace(tzinfo=UTC)
        self._settled: dict[int, date] = {}  # each server's last day done, here or elsewhere
        self._retry_at: dict[int, tuple[date, datetime]] = {}  # a failed day's next try
        # Outcomes the store refused, as the calls that record them.
        self._unrecorded: dict[tuple[int, date], Callable[[], Awaitable[DigestDay]]] = {}

    # --- settings -------------------------------------------------------------------------

    async def config(self, guild_id: int) -> DigestSettings:
        return self._config(guild_id, await self.store.digests.settings())

    def _config(self, guild_id: int, stored: Mapping[int, Mapping[str, Any]]) -> DigestSettings:
        return self.defaults.merged(guild_id, stored.get(guild_id), self.channel_guild)

    async def configure(
        self,
        guild_id: int,
        *,
        by: int | None,
        change: str,
        warning: str | None = None,
        **changes: Any,
    ) -> DigestChanged:
        """Set some of a server's values (`channel_id`, `at`, `zone`, `enabled`, `skip_empty`);
        the rest stay the defaults. A new time, zone, channel or switching on applies from now:
        a time that has already passed today first comes tomorrow."""
        unknown = set(changes) - set(SETTABLE)
        if unknown:
            raise TypeError(f"not a digest setting: {', '.join(sorted(unknown))}")
        stored = dict((await self.store.digests.settings()).get(guild_id, {}))
        current = self.defaults.merged(guild_id, stored, self.channel_guild)
        stored |= {name: encode(name, value) for name, value in changes.items()}
        updated = self.defaults.merged(guild_id, stored, self.channel_guild)
        now = self.clock()
        if (updated.channel_id, updated.at, updated.zone.key, updated.enabled) != (
            current.channel_id,
            current.at,
            current.zone.key,
            current.enabled,
        ):
            stored["schedule_from"] = encode("schedule_from", now)
            updated = replace(updated, schedule_from=now)
        await self.store.digests.save_settings(guild_id, stored, updated_by=by)
        self._stored = None
        return DigestChanged(change, await self._status(updated, now), warning)

    async def status(self, guild_id: int) -> DigestStatus:
        return await self._status(await self.config(guild_id), self.clock())

    async def statuses(self) -> list[DigestStatus]:
        """The status of every server that has set up its digest, by server id."""
        stored = await self.store.digests.settings()
        now = self.clock()
        return [await self._status(self._config(guild, stored), now) for guild in sorted(stored)]

    async def _status(self, config: DigestSettings, now: datetime) -> DigestStatus:
        last = await self.store.digests.latest(config.guild_id)
        today = config.local_date(now)
        days = {}
        for offset in range(3):  # days a zone further east may have claimed already
            day = await self.store.digests.day(config.guild_id, today + timedelta(days=offset))
            if day is not None:
                days[day.local_date] = day
        return DigestStatus(config, now, config.next_post(now, days), last)

    # --- content --------------------------------------------------------------------------

    async def preview(self, guild_id: int) -> DigestPreview:
        """What the server's next digest would say if it went out now."""
        config = await self.config(guild_id)
        now = self.clock()
        since, after = await self._window_start(guild_id, now)
        digest = await compose(
            self.store, since=since, until=now, zone=config.zone, after_generation=after
        )
        return DigestPreview(digest)

    async def _window_start(self, guild_id: int, now: datetime) -> tuple[datetime, int | None]:
        """Where the next digest starts: after what the last one covered, or a day back."""
        covered = await self.store.digests.covered(guild_id)
        return covered if covered is not None else (now - FIRST_LOOKBACK, None)

    # --- posting --------------------------------------------------------------------------

    async def run_due(self, guild_ids: Iterable[int], post: Poster) -> list[DigestDay]:
        """Post every digest that is due, each server on its own: one failing does not stop
        the others. What was claimed and finished here is returned."""
        now = self.clock()
        if self._stored is None or now - self._stored_at >= SETTINGS_REFRESH:
            self._stored = await self.store.digests.settings()
            self._stored_at = now
        await self._record_unrecorded()
        done = []
        for guild_id in guild_ids:
            config = self._config(guild_id, self._stored)
            try:
                day = await self._run_one(config, post, now)
            except Exception:
                # The database busy (another process loading) or a bug: the next minute tries
                # again, and the other servers go on now.
                log.exception("digest for server %d not run this time", guild_id)
                continue
            if day is not None:
                done.append(day)
        return done

    async def _run_one(
        self, config: DigestSettings, post: Poster, now: datetime
    ) -> DigestDay | None:
        guild_id = config.guild_id
        if not config.active or config.channel_id is None:
            return None
        due = config.due_date(now)
        retry = self._retry_at.get(guild_id)
        if due is None and retry is not None and retry[0] == config.local_date(now):
            due = retry[0]  # today's failed digest, rescheduled since: its retries go on
        if due is None or self._settled.get(guild_id) == due:
            return None
        if retry is not None and retry[0] == due and now < retry[1]:
            return None
        existing = await self.store.digests.day(guild_id, due)
        if existing is None:
            claimed = await self._claim(config.guild_id, due, "schedule", config.channel_id, now)
        elif existing.status == "failed" and existing.next_attempt_at is not None:
            claimed = await self.store.digests.reclaim(
                guild_id,
                due,
                trigger=existing.trigger,
                channel_id=config.channel_id,
                max_attempts=MAX_ATTEMPTS,
            )
            if claimed is None and now < existing.next_attempt_at:
                self._retry_at[guild_id] = (due, existing.next_attempt_at)
                return None
        else:
            claimed = None
        if claimed is None:
            # Posted, skipped or given up; or another process has it, and retries it itself.
            self._settled[guild_id] = due
            return None
        return await self._post(claimed, config, post)

    async def post_now(self, guild_id: int, post: Poster) -> DigestPosted | UserError:
        """Post today's digest at once; it counts as today's, so none follows at the set time."""
        config = await self.config(guild_id)
        if config.channel_id is None:
            return UserError("No digest channel is set: pick one with /digest channel.")
        now = self.clock()
        today = config.local_date(now)
        if (guild_id, today) in self._unrecorded:
            return UserError(_already(None))
        existing = await self.store.digests.day(guild_id, today)
        if existing is None:
            claimed = await self._claim(guild_id, today, "now", config.channel_id, now)
        else:
            claimed = await self.store.digests.reclaim(
                guild_id,
                today,
                trigger="now",
                channel_id=config.channel_id,
                max_attempts=None,
                stale_before=now - STALE_CLAIM,
            )
        if claimed is None:
            return UserError(_already(existing or await self.store.digests.day(guild_id, today)))
        day = await self._post(claimed, config, post)
        return DigestPosted(day)

    async def _claim(
        self, guild_id: int, day: date, trigger: str, channel_id: int, now: datetime
    ) -> DigestDay | None:
        """Claim a day nobody has claimed, to cover what came after the previous digest."""
        since, after = await self._window_start(guild_id, now)
        return await self.store.digests.claim(
            guild_id,
            day,
            trigger=trigger,
            channel_id=channel_id,
            since=since,
            after_generation=after,
        )

    async def _post(self, day: DigestDay, config: DigestSettings, post: Poster) -> DigestDay:
        """Post a claimed day's digest and remember the outcome here as well as in the store."""
        finished = await self._compose_and_post(day, config, post)
        if finished.status == "failed" and finished.next_attempt_at is not None:
            self._retry_at[day.guild_id] = (day.local_date, finished.next_attempt_at)
        else:
            self._retry_at.pop(day.guild_id, None)
            self._settled[day.guild_id] = day.local_date
        return finished

    async def _compose_and_post(
        self, day: DigestDay, config: DigestSettings, post: Poster
    ) -> DigestDay:
        """Compose the claimed day's digest and post it, resuming after what an earlier
        attempt sent; record the outcome, and when to try again if it failed."""
        digest = await compose(
            self.store,
            since=day.since,
            until=day.until,
            zone=config.zone,
            after_generation=day.after_generation,
            up_to_generation=day.up_to_generation,
            # Resuming: the same articles in the same order, so that the messages still to go
            # are the ones that did not; an article edited meanwhile must not shift them.
            article_ids=day.article_ids if day.message_ids else (),
        )
        if not digest.article_count and config.skip_empty:
            log.info("digest for server %d skipped: no new articles", day.guild_id)
            return await self._finish(day, DayOutcome("skipped"))
        sent = list(day.message_ids)
        assert day.channel_id is not None  # a day is only claimed for a channel
        try:
            sent += await post(day.channel_id, digest, skip=len(sent))
        except PostFailed as failure:
            sent += failure.sent
            retry = None
            if day.trigger == "schedule" and day.attempts < MAX_ATTEMPTS:
                retry = self.clock() + RETRY_DELAYS[day.attempts - 1]
            log.warning(
                "digest for server %d not posted (attempt %d): %s%s",
                day.guild_id,
                day.attempts,
                failure.reason,
                f"; trying again at {retry:%H:%M} UTC" if retry else "; giving up for today",
            )
            failed = DayOutcome("failed", tuple(sent), digest.article_ids, failure.reason, retry)
            return await self._finish(day, failed)
        log.info(
            "digest for server %d posted: %s in %s",
            day.guild_id,
            plural(digest.article_count, "article"),
            plural(len(sent), "message"),
        )
        return await self._finish(day, DayOutcome("posted", tuple(sent), digest.article_ids))

    async def _finish(self, day: DigestDay, outcome: DayOutcome) -> DigestDay:
        """Record a day's outcome. Messages may have gone out already, so the outcome must not
        be lost to a busy database: it is tried again, then kept here and written later."""

        async def record() -> DigestDay:
            return await self.store.digests.finish(day.guild_id, day.local_date, outcome)

        for delay in (*FINISH_RETRIES, None):
            try:
                return await record()
            except StoreError:  # busy, or the disk full: the posts went out all the same
                if delay is None:
                    break
                await asyncio.sleep(delay)
        log.error(
            "digest for server %d: could not record that it was %s; keeping it to record later",
            day.guild_id,
            outcome.status,
        )
        self._unrecorded[(day.guild_id, day.local_date)] = record
        return replace(
            day,
            status=outcome.status,
            message_ids=outcome.message_ids,
            article_ids=outcome.article_ids,
            articles=len(outcome.article_ids),
            error=outcome.error,
            next_attempt_at=outcome.next_attempt_at,
        )

    async def _record_unrecorded(self) -> None:
        for day, record in list(self._unrecorded.items()):
            try:
                await record()
            except StoreError:
                continue
            del self._unrecorded[day]


def _already(day: DigestDay | None) -> str:
    if day is None or day.status == "claimed":
        return "Today's digest is being posted right now."
    if day.status == "skipped":
        return "Today's digest was skipped: there was nothing new. The next one comes tomorrow."
    if day.status == "failed":
        return "Today's digest failed and is waiting for its next try; see /digest status."
    return "Today's digest has already been posted; the next one comes tomorrow."
