"""The daily digest: each server's schedule, what a digest says, and posting each day once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, available_timezones

from bot.commands import ArticleRef, UserError, key_facts
from bot.config import Settings
from bot.fuzzy import LOOKALIKE, Choice, Completer, NoMatch, Picker, key
from bot.model import Clock, utc_now
from bot.store import DayStatus, DigestDay, DigestSettingsRow, Store, StoreError
from bot.text import first_sentence, plural

log = logging.getLogger(__name__)

FIRST_LOOKBACK = timedelta(days=1)  # what a server's first digest covers
ARTICLES_IN_FULL = 30  # more than this are listed by headline only, so a busy day stays readable
FACTS_PER_ARTICLE = 3
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


# --- Schedules ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestDefaults:
    """What a server that has not configured its digest gets, from the settings."""

    channel_id: int | None = None
    at: time = time(8, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    skip_empty: bool = False

    @classmethod
    def of(cls, settings: Settings) -> DigestDefaults:
        return cls(
            settings.digest_channel_id,
            settings.digest_time,
            settings.digest_timezone,
            settings.digest_skip_empty,
        )


@dataclass(frozen=True, slots=True)
class DigestConfig:
    guild_id: int
    channel_id: int | None
    at: time
    zone: ZoneInfo
    enabled: bool
    skip_empty: bool
    schedule_from: datetime | None  # slots before this instant were set too late to be posted
    configured: bool  # False: the defaults from the settings

    @property
    def active(self) -> bool:
        return self.enabled and self.channel_id is not None

    def local_date(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def slot(self, day: date) -> datetime:
        return slot(day, self.at, self.zone)

    def due_date(self, now: datetime) -> date | None:
        """The local day whose digest is due at `now`: today once its time has come (and
        until the day ends, which is the catch-up after downtime), unless the schedule was set
        after today's time."""
        if not self.active:
            return None
        today = self.local_date(now)
        at = self.slot(today)
        if now < at or (self.schedule_from is not None and at < self.schedule_from):
            return None
        return today

    def next_post(self, now: datetime, days: Mapping[date, DigestDay]) -> datetime | None:
        """When the next digest goes out; `now` when today's is due and not yet out. `days`:
        the days already claimed from today on (after a change of zone, even tomorrow's may be)."""
        if not self.active:
            return None
        local_today = self.local_date(now)
        today = days.get(local_today)
        if today is not None:
            if today.status == "failed" and today.next_attempt_at is not None:
                return max(today.next_attempt_at, now)
        elif self.due_date(now) is not None:
            return now
        else:
            at = self.slot(local_today)
            if now < at and (self.schedule_from is None or at >= self.schedule_from):
                return at
        following = local_today + timedelta(days=1)
        while following in days:
            following += timedelta(days=1)
        return self.slot(following)

    def to_row(self) -> DigestSettingsRow:
        return DigestSettingsRow(
            self.guild_id,
            self.channel_id,
            self.at,
            self.zone,
            self.enabled,
            self.skip_empty,
            self.schedule_from,
        )


def slot(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant the clocks of `zone` show `at` on `day`, in UTC.

    Across daylight saving this is what a reader expects: 08:00 stays 08:00 by the local clock.
    In the autumn's repeated hour it is the first pass; in the spring's skipped hour, the time
    an hour on (02:30 on a day that jumps from 02:00 to 03:00 is 03:30), as PEP 495 reads it,
    unless that is the next day.
    """
    instant = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).date() != day:
        # A skipped hour just before midnight: an hour on would be the next day, so an hour
        # earlier by the clock instead, still on its own day.
        instant = datetime.combine(day, at, tzinfo=zone).replace(fold=1).astimezone(UTC)
    return instant


_ZONE_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC", "kiev": "Europe/Kyiv"}
_LEGACY_ZONES = ("Etc/", "SystemV/", "US/", "posix", "right/", "Factory")


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zones a moderator would pick from: Region/City names, and UTC."""
    names = {n for n in available_timezones() if "/" in n and not n.startswith(_LEGACY_ZONES)}
    return ("UTC", *sorted(names))


@cache
def _zone_picker() -> Picker:
    """Zones by their name in any case, an alias, or a city only one zone is named after
    ("kyiv", "new york"); never a guess, for a wrong zone posts at the wrong hour."""
    names = zone_names()
    cities: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        cities.setdefault(key(name.rsplit("/", 1)[-1]), []).append(position)
    also = {city: found[0] for city, found in cities.items() if len(found) == 1}
    also |= {alias: names.index(zone) for alias, zone in _ZONE_ALIASES.items()}
    return Picker(names, also=also, guesses=False)


@cache
def _zone_completer() -> Completer:
    return Completer([Choice(name, name) for name in zone_names()], cutoff=LOOKALIKE)


def zone_named(text: str) -> ZoneInfo | UserError:
    """An IANA zone from what a moderator typed; anything else gets suggestions."""
    wanted = " ".join(text.split())
    found = _zone_picker().pick(wanted)
    if isinstance(found, NoMatch):
        return UserError(f"“{wanted}” is not a time zone I know.", tuple(complete_zone(wanted)[:3]))
    return ZoneInfo(zone_names()[found])


def complete_zone(text: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: a name or city starting with the text, then close ones."""
    return [choice.value for choice in _zone_completer().complete(text, limit)]


# --- What a digest says -------------------------------------------------------------------------


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


# --- Posting each day once ----------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class DigestStatus:
    config: DigestConfig
    now: datetime
    next_post: datetime | None
    last: DigestDay | None


@dataclass(frozen=True, slots=True)
class DigestChanged:
    """A moderator changed the schedule; what it is now."""

    change: str
    status: DigestStatus
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class DigestPreview:
    digest: Digest


@dataclass(frozen=True, slots=True)
class DigestPosted:
    """The outcome of /digest now."""

    day: DigestDay


class Digests:
    """Digest schedules and posts for every server, on the store; nothing here knows Discord.

    `channel_guild` tells which server a channel is in, so that the default channel from the
    settings serves only its own server.
    """

    def __init__(
        self,
        store: Store,
        defaults: DigestDefaults,
        *,
        clock: Clock = utc_now,
        channel_guild: Callable[[int], int | None] = lambda _: None,
    ) -> None:
        self.store = store
        self.defaults = defaults
        self.clock = clock
        self.channel_guild = channel_guild
        # What the loop knows without asking the database, so that an idle minute costs nothing:
        self._stored: dict[int, DigestSettingsRow] | None = None
        self._stored_at = datetime.min.replace(tzinfo=UTC)
        self._settled: dict[int, date] = {}  # each server's last day done, here or elsewhere
        self._retry_at: dict[int, tuple[date, datetime]] = {}  # a failed day's next try
        # Outcomes the store refused, as the calls that record them.
        self._unrecorded: dict[tuple[int, date], Callable[[], Awaitable[DigestDay]]] = {}

    # --- settings -------------------------------------------------------------------------

    async def config(self, guild_id: int) -> DigestConfig:
        return self._config(guild_id, await self.store.digest_settings())

    def _config(self, guild_id: int, stored: dict[int, DigestSettingsRow]) -> DigestConfig:
        row = stored.get(guild_id)
        if row is not None:
            return DigestConfig(
                guild_id,
                row.channel_id,
                row.post_time,
                row.timezone,
                row.enabled,
                row.skip_empty,
                row.schedule_from,
                configured=True,
            )
        channel = self.defaults.channel_id
        if channel is not None and self.channel_guild(channel) != guild_id:
            channel = None
        return DigestConfig(
            guild_id,
            channel,
            self.defaults.at,
            self.defaults.zone,
            enabled=True,
            skip_empty=self.defaults.skip_empty,
            schedule_from=None,
            configured=False,
        )

    async def configure(
        self,
        guild_id: int,
        *,
        by: int | None,
        change: str,
        channel_id: int | None = None,
        at: time | None = None,
        zone: ZoneInfo | None = None,
        enabled: bool | None = None,
        skip_empty: bool | None = None,
        warning: str | None = None,
    ) -> DigestChanged:
        """Change a server's schedule. A new time, zone, channel or switching on applies from
        now: a time that has already passed today first comes tomorrow."""
        current = await self.config(guild_id)
        updated = replace(
            current,
            channel_id=current.channel_id if channel_id is None else channel_id,
            at=current.at if at is None else at,
            zone=current.zone if zone is None else zone,
            enabled=current.enabled if enabled is None else enabled,
            skip_empty=current.skip_empty if skip_empty is None else skip_empty,
            configured=True,
        )
        now = self.clock()
        if (updated.channel_id, updated.at, updated.zone.key, updated.enabled) != (
            current.channel_id,
            current.at,
            current.zone.key,
            current.enabled,
        ):
            updated = replace(updated, schedule_from=now)
        await self.store.save_digest_settings(updated.to_row(), updated_by=by)
        self._stored = None
        return DigestChanged(change, await self._status(updated, now), warning)

    async def status(self, guild_id: int) -> DigestStatus:
        return await self._status(await self.config(guild_id), self.clock())

    async def statuses(self) -> list[DigestStatus]:
        """The status of every server that has set up its digest, by server id."""
        stored = await self.store.digest_settings()
        now = self.clock()
        return [await self._status(self._config(guild, stored), now) for guild in sorted(stored)]

    async def _status(self, config: DigestConfig, now: datetime) -> DigestStatus:
        last = await self.store.latest_digest_day(config.guild_id)
        today = config.local_date(now)
        days = {}
        for offset in range(3):  # days a zone further east may have claimed already
            day = await self.store.digest_day(config.guild_id, today + timedelta(days=offset))
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
        covered = await self.store.digest_covered(guild_id)
        return covered if covered is not None else (now - FIRST_LOOKBACK, None)

    # --- posting --------------------------------------------------------------------------

    async def run_due(self, guild_ids: Iterable[int], post: Poster) -> list[DigestDay]:
        """Post every digest that is due, each server on its own: one failing does not stop
        the others. What was claimed and finished here is returned."""
        now = self.clock()
        if self._stored is None or now - self._stored_at >= SETTINGS_REFRESH:
            self._stored = await self.store.digest_settings()
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

    async def _run_one(self, config: DigestConfig, post: Poster, now: datetime) -> DigestDay | None:
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
        existing = await self.store.digest_day(guild_id, due)
        if existing is None:
            claimed = await self._claim(config.guild_id, due, "schedule", config.channel_id, now)
        elif existing.status == "failed" and existing.next_attempt_at is not None:
            claimed = await self.store.reclaim_digest_day(
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
        existing = await self.store.digest_day(guild_id, today)
        if existing is None:
            claimed = await self._claim(guild_id, today, "now", config.channel_id, now)
        else:
            claimed = await self.store.reclaim_digest_day(
                guild_id,
                today,
                trigger="now",
                channel_id=config.channel_id,
                max_attempts=None,
                stale_before=now - STALE_CLAIM,
            )
        if claimed is None:
            return UserError(_already(existing or await self.store.digest_day(guild_id, today)))
        day = await self._post(claimed, config, post)
        return DigestPosted(day)

    async def _claim(
        self, guild_id: int, day: date, trigger: str, channel_id: int, now: datetime
    ) -> DigestDay | None:
        """Claim a day nobody has claimed, to cover what came after the previous digest."""
        since, after = await self._window_start(guild_id, now)
        return await self.store.claim_digest_day(
            guild_id,
            day,
            trigger=trigger,
            channel_id=channel_id,
            since=since,
            after_generation=after,
        )

    async def _post(self, day: DigestDay, config: DigestConfig, post: Poster) -> DigestDay:
        """Post a claimed day's digest and remember the outcome here as well as in the store."""
        finished = await self._compose_and_post(day, config, post)
        if finished.status == "failed" and finished.next_attempt_at is not None:
            self._retry_at[day.guild_id] = (day.local_date, finished.next_attempt_at)
        else:
            self._retry_at.pop(day.guild_id, None)
            self._settled[day.guild_id] = day.local_date
        return finished

    async def _compose_and_post(
        self, day: DigestDay, config: DigestConfig, post: Poster
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
            return await self._finish(day, "skipped")
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
            return await self._finish(
                day,
                "failed",
                message_ids=sent,
                article_ids=digest.article_ids,
                error=failure.reason,
                next_attempt_at=retry,
            )
        log.info(
            "digest for server %d posted: %s in %s",
            day.guild_id,
            plural(digest.article_count, "article"),
            plural(len(sent), "message"),
        )
        return await self._finish(day, "posted", message_ids=sent, article_ids=digest.article_ids)

    async def _finish(
        self,
        day: DigestDay,
        status: DayStatus,
        *,
        message_ids: Sequence[int] = (),
        article_ids: Sequence[int] = (),
        error: str | None = None,
        next_attempt_at: datetime | None = None,
    ) -> DigestDay:
        """Record a day's outcome. Messages may have gone out already, so the outcome must not
        be lost to a busy database: it is tried again, then kept here and written later."""

        async def record() -> DigestDay:
            return await self.store.finish_digest_day(
                day.guild_id,
                day.local_date,
                status,
                message_ids=message_ids,
                article_ids=article_ids,
                error=error,
                next_attempt_at=next_attempt_at,
            )

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
            status,
        )
        self._unrecorded[(day.guild_id, day.local_date)] = record
        return replace(
            day,
            status=status,
            message_ids=tuple(message_ids),
            article_ids=tuple(article_ids),
            articles=len(article_ids),
            error=error,
            next_attempt_at=next_attempt_at,
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
