"""The daily digest's records: what each server set, and one row per server and local day whose
primary key is the claim that makes a day's digest go out once, with its outcome."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.articles import Clock
from bot.store.connection import Database
from bot.store.rows import DIGEST_DAY_COLUMNS, DayOutcome, DigestDay, digest_day_of, stamp


class DigestRecords:
    """Digest settings and days, read live (another process's claims count) and written outside
    any load."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def settings(self) -> dict[int, dict[str, Any]]:
        """The digest values each server has set, by server id; what one has not set is
        missing, for the digest to take from its defaults."""
        rows = await self.db.live.rows("SELECT guild_id, settings FROM digest_servers")
        return {int(guild): dict(json.loads(values)) for guild, values in rows}

    async def save_settings(
        self, guild_id: int, values: Mapping[str, Any], *, updated_by: int | None
    ) -> None:
        """Keep the values a server has set (JSON values), in place of those it had."""
        await self.db.execute_write(
            "INSERT INTO digest_servers VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
            " settings = excluded.settings, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (guild_id, json.dumps(dict(values)), updated_by, stamp(self.clock())),
        )

    async def claim(
        self,
        guild_id: int,
        local_date: date,
        *,
        trigger: str,
        channel_id: int,
        since: datetime,
        after_generation: int | None,
    ) -> DigestDay | None:
        """Claim a server's day: the one caller that gets the row back posts; None for the rest,
        in this process or another on the same database. It covers what was committed up to
        now: articles after `after_generation` (or, for a first digest, updated after `since`)."""
        now = stamp(self.clock())
        claimed = await self.db.execute_write(
            "INSERT INTO digest_days (guild_id, local_date, trigger, status, channel_id, since,"
            " until, after_generation, up_to_generation, claimed_at, attempts)"
            " SELECT ?, ?, ?, 'claimed', ?, ?, ?, ?, generation, ?, 1 FROM search_meta"
            " WHERE true ON CONFLICT DO NOTHING",
            (
                guild_id,
                local_date.isoformat(),
                trigger,
                channel_id,
                stamp(since),
                now,
                after_generation,
                now,
            ),
        )
        return await self.day(guild_id, local_date) if claimed else None

    async def reclaim(
        self,
        guild_id: int,
        local_date: date,
        *,
        trigger: str,
        channel_id: int,
        max_attempts: int | None,
        stale_before: datetime | None = None,
    ) -> DigestDay | None:
        """Claim a day whose digest failed again: a retry that is due (within `max_attempts`),
        or, when `stale_before` is given, also a claim older than it that never recorded an
        outcome. Only one caller gets the row back.

        A retry in the same channel picks up after the messages already sent, so it covers
        what the first attempt covered; one with nothing sent yet, or in another channel,
        starts afresh and covers up to now."""
        now = stamp(self.clock())
        resumed = "message_ids != '[]' AND channel_id = ?"  # old values: SET reads the old row
        conditions = ["(status = 'failed' AND (? IS NULL OR attempts < ?)"]
        args: list[Any] = [trigger, channel_id, channel_id, channel_id]
        args += [channel_id, now, channel_id, now]
        args += [guild_id, local_date.isoformat(), max_attempts, max_attempts]
        if max_attempts is not None:
            conditions[0] += " AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
            args.append(now)
        conditions[0] += ")"
        if stale_before is not None:
            conditions.append("(status = 'claimed' AND claimed_at < ?)")
            args.append(stamp(stale_before))
        claimed = await self.db.execute_write(
            "UPDATE digest_days SET status = 'claimed', trigger = ?, channel_id = ?,"
            " message_ids = CASE WHEN channel_id = ? THEN message_ids ELSE '[]' END,"
            f" article_ids = CASE WHEN {resumed} THEN article_ids ELSE '[]' END,"
            f" until = CASE WHEN {resumed} THEN until ELSE ? END,"
            f" up_to_generation = CASE WHEN {resumed} THEN up_to_generation"
            " ELSE (SELECT generation FROM search_meta) END,"
            " claimed_at = ?, attempts = attempts + 1, next_attempt_at = NULL"
            f" WHERE guild_id = ? AND local_date = ? AND ({' OR '.join(conditions)})",
            args,
        )
        return await self.day(guild_id, local_date) if claimed else None

    async def finish(self, guild_id: int, local_date: date, outcome: DayOutcome) -> DigestDay:
        await self.db.execute_write(
            "UPDATE digest_days SET status = ?, finished_at = ?, message_ids = ?, articles = ?,"
            " article_ids = ?, error = ?, next_attempt_at = ? WHERE guild_id = ? AND"
            " local_date = ?",
            (
                outcome.status,
                stamp(self.clock()),
                json.dumps(list(outcome.message_ids)),
                len(outcome.article_ids),
                json.dumps(list(outcome.article_ids)),
                outcome.error,
                stamp(outcome.next_attempt_at) if outcome.next_attempt_at else None,
                guild_id,
                local_date.isoformat(),
            ),
        )
        day = await self.day(guild_id, local_date)
        assert day is not None  # it was claimed before it was finished
        return day

    async def day(self, guild_id: int, local_date: date) -> DigestDay | None:
        rows = await self.db.live.rows(
            f"SELECT {DIGEST_DAY_COLUMNS} FROM digest_days WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date.isoformat()),
        )
        return next((digest_day_of(row) for row in rows), None)

    async def latest(self, guild_id: int) -> DigestDay | None:
        rows = await self.db.live.rows(
            f"SELECT {DIGEST_DAY_COLUMNS} FROM digest_days WHERE guild_id = ?"
            " ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return next((digest_day_of(row) for row in rows), None)

    async def covered(self, guild_id: int) -> tuple[datetime, int] | None:
        """Up to when, and up to which load, the server's posted (or rightly skipped) digests
        covered the articles; None before its first."""
        row = await self.db.live.one(
            "SELECT until, up_to_generation FROM digest_days WHERE guild_id = ? AND status IN"
            " ('posted', 'skipped') ORDER BY up_to_generation DESC, until DESC LIMIT 1",
            (guild_id,),
        )
        return (datetime.fromisoformat(row[0]), int(row[1])) if row else None
