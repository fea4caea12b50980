"""The audit trail: every load, who asked for it and what came of it; and the command tree last
published for each application, so start-up publishes only what changed."""

from __future__ import annotations

from datetime import datetime

from bot.articles import Clock
from bot.store.connection import Database
from bot.store.reports import ReloadRecord
from bot.store.rows import stamp


class AuditTrail:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def recent_reloads(
        self, limit: int = 10, *, guild_id: int | None = None
    ) -> list[ReloadRecord]:
        """The last loads, newest first; given a server, only its own and the operator's
        (which have no server), so no server sees another's moderators."""
        rows = await self.db.live.rows(
            "SELECT at, user_name, summary, failed, seconds, guild_id FROM reloads"
            " WHERE ? IS NULL OR guild_id IS NULL OR guild_id = ?"
            " ORDER BY at DESC, id DESC LIMIT ?",
            (guild_id, guild_id, limit),
        )
        return [
            ReloadRecord(
                datetime.fromisoformat(at),
                name,
                summary,
                int(failed),
                float(seconds),
                int(guild) if guild is not None else None,
            )
            for at, name, summary, failed, seconds, guild in rows
        ]

    async def command_sync(self, application_id: int, scope: str) -> str | None:
        """The hash of the command tree last published for the application in `scope`."""
        row = await self.db.live.one(
            "SELECT tree_hash FROM command_syncs WHERE application_id = ? AND scope = ?",
            (application_id, scope),
        )
        return str(row[0]) if row else None

    async def record_command_sync(self, application_id: int, scope: str, tree_hash: str) -> None:
        await self.db.execute_write(
            "INSERT INTO command_syncs VALUES (?, ?, ?, ?) ON CONFLICT (application_id, scope)"
            " DO UPDATE SET tree_hash = excluded.tree_hash, synced_at = excluded.synced_at",
            (application_id, scope, tree_hash, stamp(self.clock())),
        )
