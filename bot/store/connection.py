"""Opening the database and writing to it: where it may be, whose file it is, the schema brought
up to date without the write lock when it is current, the write lock waited for within a bound,
and the writer and live reader every part of the store shares."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from time import monotonic
from typing import Any, TypeVar

import aiosqlite

from bot.store.errors import StoreBusy, StoreError, storage_error
from bot.store.reads import Reads
from bot.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

T = TypeVar("T")

WRITE_WAIT = 15.0  # seconds a writer waits for another process's write lock, then gives up
LOCK_POLL_MS = 250  # one try at the write lock waits this long inside SQLite


class Database:
    """The store's two long-lived connections: the writer, whose statements never land in a
    load's transaction unless they belong to it, and the live reader, which sees every commit
    (another process's too)."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        live: aiosqlite.Connection,
        write_wait: float,
    ) -> None:
        self.path = path
        self.writer = writer
        self.live = Reads(live, path)
        self.write_wait = write_wait
        self.write_lock = asyncio.Lock()

    async def close(self) -> None:
        await self.live.db.close()
        await self.writer.close()

    async def begin_write(self) -> None:
        await begin_immediate(self.writer, self.path, self.write_wait)

    async def generation(self) -> int:
        """The generation as the writer sees it, inside its transaction too."""
        return await Reads(self.writer, self.path).generation()

    async def execute_write(self, sql: str, args: Sequence[Any] = ()) -> int:
        """One statement on the writer, outside any load's transaction; the rows it changed.

        It waits for another process's writer within `write_wait`, then raises StoreBusy."""
        [changed] = await self.execute_writes([(sql, args)])
        return changed

    async def execute_writes(
        self,
        statements: Sequence[tuple[str, Sequence[Any]]],
        *,
        many: Sequence[tuple[str, Sequence[Sequence[Any]]]] = (),
    ) -> list[int]:
        """Statements in one transaction, as `execute_write` runs one; the rows each changed.
        `many` are statements run once for each of their rows, first."""
        async with self.write_lock:
            db = self.writer
            await self.begin_write()
            try:
                for sql, rows in many:
                    await db.executemany(sql, rows)
                changed = []
                for sql, args in statements:
                    cursor = await db.execute(sql, args)
                    changed.append(cursor.rowcount)
                    await cursor.close()
                await db.commit()
            except BaseException as error:
                with contextlib.suppress(sqlite3.Error):
                    await db.rollback()
                if isinstance(error, sqlite3.Error):
                    raise storage_error(error, self.path) from None
                raise
        return changed


def wal_state(path: Path) -> tuple[int, int] | None:
    """The write-ahead log's change time and size: equal, and nothing was committed between."""
    try:
        info = path.with_name(f"{path.name}-wal").stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def check_location(path: Path) -> None:
    """Refuse, in one line, a path SQLite would fail on less clearly; never create folders."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file: give the path of a file")
    if not path.parent.is_dir():
        raise StoreError(
            f"the folder {path.parent} of the database {path} does not exist: create it, or "
            "give another path"
        )


async def connect(path: Path, *, busy_ms: int = 5000, wal: bool = True) -> aiosqlite.Connection:
    try:
        # isolation_level=None: transactions are begun and ended explicitly, where they belong.
        db = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise storage_error(error, path) from None
    pragmas = [f"busy_timeout = {busy_ms}", "foreign_keys = ON", "synchronous = NORMAL"]
    try:
        for pragma in pragmas:
            await db.execute_fetchall(f"PRAGMA {pragma}")
        if wal:
            await set_wal(db, path)
    except BaseException as error:
        await db.close()  # its thread would otherwise keep the process alive
        if isinstance(error, sqlite3.Error):
            raise storage_error(error, path) from None
        raise
    return db


async def set_wal(db: aiosqlite.Connection, path: Path) -> None:
    # Read to the end: a statement left open (journal_mode answers a row) blocks COMMIT.
    await Reads(db, path).rows("PRAGMA journal_mode = WAL")


async def check_owner(db: Reads) -> None:
    """Refuse a SQLite file that belongs to another application: adding our tables to it, or
    switching its journal to WAL, would change a file that is not ours."""
    row = await db.one("PRAGMA application_id")
    application = int(row[0]) if row else 0
    tables = {
        str(name)
        for (name,) in await db.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    ours = application == APPLICATION_ID or {"articles", "search_meta"} <= tables
    if application not in (0, APPLICATION_ID) or (tables and not ours):
        shown = ", ".join(sorted(tables)[:5]) or f"application id {application:#x}"
        raise StoreError(
            f"{db.path} is another application's SQLite database ({shown}): newsdesk will not "
            "add its tables to it; set NEWSDESK_DB to a newsdesk database or to a new file"
        )


async def user_version(db: aiosqlite.Connection) -> int:
    rows = await db.execute_fetchall("PRAGMA user_version")
    return next((int(row[0]) for row in rows), 0)


def is_busy(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF in (5, 6)


async def patiently(attempt: Callable[[], Awaitable[T]], path: Path, wait: float) -> T:
    """Try `attempt` again while another process holds the lock it needs, up to `wait` seconds,
    saying so in the log; then StoreBusy. Each try waits LOCK_POLL_MS inside SQLite."""
    # The wall clock, not the event loop's: this waits on another process, in real time.
    deadline = monotonic() + wait
    warned = False
    while True:
        try:
            return await attempt()
        except StoreBusy:
            pass
        if monotonic() >= deadline:
            raise StoreBusy(
                f"another process is writing to {path} and did not finish within {wait:g} s; "
                "try again in a moment"
            )
        if not warned:
            log.warning("%s is locked by another writer; waiting up to %g s", path, wait)
            warned = True


async def begin_immediate(db: aiosqlite.Connection, path: Path, wait: float) -> None:
    """Take the write lock, waiting up to `wait` seconds for another process's writer."""

    async def attempt() -> None:
        try:
            await db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise storage_error(error, path) from None

    await patiently(attempt, path, wait)


async def open_writer(path: Path, wait: float) -> aiosqlite.Connection:
    """The writer's connection to a file made sure to be ours, in WAL mode, at the current
    schema. On a new database another process may be doing the same at this moment and hold
    the whole file for a while: that is waited for as a writer waits, not failed at once."""
    writer = await patiently(lambda: connect(path, busy_ms=LOCK_POLL_MS, wal=False), path, wait)
    try:

        async def claim() -> None:
            await check_owner(Reads(writer, path))
            await set_wal(writer, path)

        await patiently(claim, path, wait)
        await migrate(writer, path, wait)
    except BaseException:
        await writer.close()
        raise
    return writer


async def migrate(db: aiosqlite.Connection, path: Path, write_wait: float) -> None:
    """Bring the schema up to date in one transaction, the version read again under its lock:
    two processes opening a new database together upgrade it once. A current schema takes no
    lock at all."""
    try:
        version = await user_version(db)
    except sqlite3.Error as error:
        raise storage_error(error, path) from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database is at schema version {version}, newer than this newsdesk "
            f"({SCHEMA_VERSION}); upgrade newsdesk or use another NEWSDESK_DB"
        )
    if version == SCHEMA_VERSION:
        return
    await begin_immediate(db, path, write_wait)
    number = version
    try:
        version = number = await user_version(db)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in (s for s in MIGRATIONS[number - 1].split(";") if s.strip()):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
        await db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        await db.commit()
    except BaseException as error:
        with contextlib.suppress(sqlite3.Error):
            await db.rollback()
        if isinstance(error, sqlite3.Error):
            cause = storage_error(error, path)
            raise StoreError(f"cannot upgrade the database to version {number}: {cause}") from None
        raise
    if number > version:
        log.info("database upgraded from schema version %d to %d", version, number)


async def begin_view(db: aiosqlite.Connection, path: Path) -> aiosqlite.Connection:
    """Pin `db` to the latest commit: in WAL, a read transaction sees the state at its first
    read for as long as it lasts."""
    try:
        await db.execute("BEGIN")
        await db.execute_fetchall("SELECT generation FROM search_meta")
    except sqlite3.Error as error:
        with contextlib.suppress(sqlite3.Error):
            await db.rollback()
        raise storage_error(error, path) from None
    return db
