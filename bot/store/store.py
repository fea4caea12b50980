"""The store: the articles as SQLite holds them, the snapshot every reader reads, loads of the
seeds folder, and the digest's and the audit trail's records."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
from collections.abc import Callable, Collection, Coroutine, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.articles import KYIV, Clock, utc_now
from bot.search import SearchIndex
from bot.store.audit import AuditTrail
from bot.store.connection import (
    WRITE_WAIT,
    Database,
    begin_view,
    check_location,
    connect,
    open_writer,
    wal_state,
)
from bot.store.digests import DigestRecords
from bot.store.errors import StoreError
from bot.store.feeds import FeedRecords
from bot.store.loader import INCREMENTAL_ARTICLES, Load
from bot.store.parsing import DEFAULT_MAX_BYTES, Document
from bot.store.reads import Reads
from bot.store.reports import (
    LOCAL,
    LoadInProgress,
    LoadReport,
    LoadStopped,
    Requester,
    StaleRead,
    audit_row,
)
from bot.store.snapshot import Snapshot, read_snapshot

log = logging.getLogger(__name__)

LOAD_ATTEMPTS = 3  # a load that finds another process wrote meanwhile starts again
# A snapshot's read transaction keeps SQLite from checkpointing what was written after it began;
# once something was, the view is renewed after this many seconds.
VIEW_RENEWAL = 600.0
IDLE_VIEWS = 1  # connections kept for the next snapshot, beyond the one in use


class Store:
    """Loads write through one connection; readers read through the snapshot they took.

    Each snapshot holds a connection in a read transaction begun at the commit it was read from,
    so a command sees the same articles in memory (the search index) and on disk (their facts),
    while loads commit and the next snapshot is built. `live` reads the database as it is now,
    for what must see every commit, another process's too: the digest.
    """

    def __init__(self, db: Database, snapshot: Snapshot, clock: Clock) -> None:
        self.db = db
        self.path = db.path
        self.snapshot = snapshot
        self.clock = clock
        self.digests = DigestRecords(db, clock)
        self.audit = AuditTrail(db, clock)
        self.feeds = FeedRecords(db, clock)
        self._load_lock = asyncio.Lock()
        self._views: set[aiosqlite.Connection] = {snapshot.read.db}  # every snapshot connection
        self._idle: list[aiosqlite.Connection] = []  # ... not pinned right now
        # Views held by readers, how many times; and replaced views, released once no reader
        # holds them any more.
        self._holds: dict[aiosqlite.Connection, int] = {}
        self._retired: set[aiosqlite.Connection] = set()
        self._after_checkpoint: aiosqlite.Connection | None = None  # reads the file, not the log
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._view_wal: tuple[int, int] | None = None  # the log file as the current view began
        self._view_began: datetime = clock()  # by the store's clock: virtual in the bot's tests

    @classmethod
    async def open(
        cls, path: str | Path, *, clock: Clock = utc_now, write_wait: float = WRITE_WAIT
    ) -> Store:
        """Open (or create) the database and bring its schema up to date.

        A database whose schema is current is opened without taking the write lock, so another
        process writing to it never keeps this one from starting. Raises StoreError, in words
        for the operator, for a file that cannot be newsdesk's database.
        """
        path = Path(path)
        check_location(path)
        async with contextlib.AsyncExitStack() as opened:
            writer = await open_writer(path, write_wait)
            opened.push_async_callback(writer.close)
            live = await connect(path)
            opened.push_async_callback(live.close)
            view = await connect(path)
            opened.push_async_callback(view.close)
            await begin_view(view, path)
            snapshot = await read_snapshot(Reads(view, path))
            store = cls(Database(path, writer, live, write_wait), snapshot, clock)
            opened.pop_all()
        return store

    @property
    def live(self) -> Reads:
        """The database as it is now: every commit, another process's too."""
        return self.db.live

    @property
    def write_wait(self) -> float:
        return self.db.write_wait

    @write_wait.setter
    def write_wait(self, seconds: float) -> None:
        self.db.write_wait = seconds

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for db in self._views:
            await db.close()
        self._views.clear()
        self._idle.clear()
        await self.db.close()

    @property
    def loading(self) -> bool:
        return self._load_lock.locked()

    def write_mark(self) -> object:
        """What the database's write-ahead log looks like now: equal marks, nothing was written
        in between, by this process or another. Costs a file's stat, no read."""
        return wal_state(self.path)

    async def schema_version(self) -> int:
        row = await self.live.one("PRAGMA user_version")
        return int(row[0]) if row else 0

    def stop_loads(self) -> None:
        """Make a running load stop at its next step and roll back, and refuse new ones: the
        process is shutting down."""
        self._stopping = True

    async def loads_done(self) -> None:
        """Until no load is running."""
        async with self._load_lock:
            pass

    # --- snapshots ------------------------------------------------------------------------

    async def refresh(self) -> bool:
        """Move readers to the database as it is now, when it matters: a load by another process
        shows, and a read transaction that holds back a checkpoint ends. True when the articles
        changed. Called every minute; while nothing is written, it reads nothing."""
        if wal_state(self.path) == self._view_wal:
            return False
        age = (self.clock() - (self._view_began or self.clock())).total_seconds()
        renew = not 0 <= age < VIEW_RENEWAL  # a clock set back since counts as old too
        if not renew and await self.live.generation() == self.snapshot.generation:
            return False
        return await self._refresh()

    async def _refresh(
        self,
        built: tuple[int, SearchIndex] | None = None,
        written: Collection[int] | None = None,
        *,
        after_checkpoint: bool = False,
    ) -> bool:
        """A new snapshot from a new pinned view; `built` is the index a load of this process
        wrote at that generation, used instead of reading it back, and `written` the articles
        it wrote, the only ones read again when nothing else wrote since."""
        wal = wal_state(self.path)  # before the view begins: a write after it shows next time
        db = await self._view()
        try:
            view = Reads(db, self.path)
            current = self.snapshot
            generation = await view.generation()
            if generation == current.generation:
                fresh = dataclasses.replace(current, read=view)  # same articles: same memo
            else:
                index = built[1] if built is not None and built[0] == generation else None
                after = (current, written) if written is not None else None
                fresh = await read_snapshot(view, index, after)
        except BaseException:
            await self._release(db)
            raise
        self._install(fresh)
        self._view_wal, self._view_began = wal, self.clock()
        if after_checkpoint:
            self._after_checkpoint = db
        return fresh.generation != current.generation

    async def _view(self) -> aiosqlite.Connection:
        db = self._idle.pop() if self._idle else await connect(self.path)
        self._views.add(db)
        try:
            return await begin_view(db, self.path)
        except BaseException:
            await self._release(db)
            raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """The current snapshot, for one command: its view stays pinned to that state until the
        block ends, however many loads commit meanwhile."""
        snapshot = self.snapshot
        db = snapshot.read.db
        self._holds[db] = self._holds.get(db, 0) + 1
        try:
            yield snapshot
        finally:
            self._holds[db] -= 1
            if not self._holds[db]:
                del self._holds[db]
                if db in self._retired:
                    self._spawn(self._retire(db))

    def _install(self, snapshot: Snapshot) -> None:
        old = self.snapshot.read.db
        self.snapshot = snapshot
        if old is not snapshot.read.db:
            self._retired.add(old)
            if old not in self._holds:
                self._spawn(self._retire(old))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _retire(self, db: aiosqlite.Connection) -> None:
        """Release a replaced view that no reader holds any more. Then, with no old view left,
        SQLite can copy its log into the database file, and a view begun after that reads the
        file: reads through a long log (a big load's) are slower."""
        self._retired.discard(db)
        try:
            await self._release(db)
            if self._retired or self.loading or self._stopping:
                return
            if await self._checkpoint() and self.snapshot.read.db is not self._after_checkpoint:
                await self._refresh(after_checkpoint=True)
        except StoreError as error:
            log.warning("could not renew the readers' view of the database: %s", error)

    async def _checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file; True when all of it was."""
        if self.db.write_lock.locked():  # a write is under way: the next view's release tries
            return False
        async with self.db.write_lock:
            row = await Reads(self.db.writer, self.path).one("PRAGMA wal_checkpoint(PASSIVE)")
        return row is not None and int(row[0]) == 0 and int(row[1]) == int(row[2])

    async def _release(self, db: aiosqlite.Connection) -> None:
        with contextlib.suppress(sqlite3.Error, ValueError):
            await db.rollback()  # ends the read transaction
        if len(self._idle) < IDLE_VIEWS:
            self._idle.append(db)
        else:
            self._views.discard(db)
            await db.close()

    # --- loading ---------------------------------------------------------------------------

    async def load_folder(
        self,
        folder: str | Path,
        *,
        timezone: ZoneInfo = KYIV,
        max_bytes: int = DEFAULT_MAX_BYTES,
        by: Requester = LOCAL,
        allow_removals: bool = False,
        wait: bool = True,
    ) -> LoadReport:
        """Mirror the article files of `folder` into the store, in one transaction, and write
        the audit row of the load, whatever came of it.

        New and changed files are parsed; unchanged ones (same content hash) are not. A file that
        fails keeps its last good version. A load that would remove every stored article, or
        more than half of them, is refused unless `allow_removals`. Raises LoadInProgress when
        `wait` is false and another load is running, StoreError when the database cannot take
        the load, and LoadStopped when the process shut down during it.
        """
        return await self._locked_load(
            str(folder),
            by,
            wait,
            lambda: self._load(Path(folder), timezone, max_bytes, by, allow_removals),
        )

    async def load_documents(
        self,
        documents: Sequence[Document],
        *,
        label: str,
        timezone: ZoneInfo = KYIV,
        by: Requester = LOCAL,
        wait: bool = True,
    ) -> LoadReport:
        """Load fetched pages and uploaded files into the store, in one transaction, with the
        page as it came; the audit row is written as for a folder's load, under `label`.

        A document whose key is stored already is an update of that article (unchanged when
        its bytes are). One that fails to parse is only reported: nothing of it is written.
        Raises as `load_folder` does.
        """
        return await self._locked_load(
            label,
            by,
            wait,
            lambda: self._load(label, timezone, DEFAULT_MAX_BYTES, by, False, documents),
        )

    async def _locked_load(
        self,
        label: str,
        by: Requester,
        wait: bool,
        attempt: Callable[[], Coroutine[Any, Any, LoadReport]],
    ) -> LoadReport:
        """One load at a time, tried again when another process wrote meanwhile; the audit row
        of a load that could not be done is written too, when the database takes it."""
        if not wait and self._load_lock.locked():
            raise LoadInProgress("a load of the articles is already running")
        async with self._load_lock:
            started = self.clock()
            try:
                if self._stopping:
                    raise LoadStopped("the bot is shutting down")
                for _ in range(LOAD_ATTEMPTS - 1):
                    with contextlib.suppress(StaleRead):
                        report = await attempt()
                        break
                else:
                    report = await attempt()
            except (StoreError, LoadStopped) as error:
                stopped = LoadReport(label, (), started, 0.0, refused=str(error))
                with contextlib.suppress(StoreError):
                    await self.db.execute_write(*audit_row(stopped, by, failed=True))
                raise
        counts = report.counts
        if sum(counts.get(o, 0) for o in ("added", "updated", "removed")) > INCREMENTAL_ARTICLES:
            # A big load leaves a long write-ahead log: it is copied into the database file now,
            # as part of the load, not by the next write (a reload waited a second for it after
            # 100,000 articles) nor under the readers, who read a long log slowly.
            await self._settled()
        return report

    async def _settled(self) -> None:
        """Wait for the release of replaced views, and the checkpoint and new view after it."""
        for _ in range(3):  # a view renewed after the checkpoint retires the one before it
            if not self._tasks:
                return
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _load(
        self,
        folder: Path | str,
        timezone: ZoneInfo,
        max_bytes: int,
        by: Requester,
        allow_removals: bool,
        documents: Sequence[Document] | None = None,
    ) -> LoadReport:
        load = Load(
            self.db,
            folder,
            timezone=timezone,
            max_bytes=max_bytes,
            by=by,
            started=self.clock(),
            stopping=lambda: self._stopping,
            documents=documents,
            base=(self.snapshot.generation, self.snapshot.index),
        )
        built = await load.run(allow_removals=allow_removals)
        if load.refused is not None:
            return load.report(load.refused)
        # Another process on the same database may have loaded too: read what is there.
        if built is not None or await self.db.generation() != self.snapshot.generation:
            # What it wrote is all that changed when no other load came before or after it.
            own = (
                built is not None
                and built[0] == self.snapshot.generation + 1
                and await self.db.generation() == built[0]
            )
            await self._refresh(built, set(load.written_ids) if own else None)
        report = load.report()
        log.info("loaded %s: %s in %.2fs", folder, report.summary(), report.seconds)
        for file in report.files:
            if file.outcome == "failed":
                log.warning("could not load %s: %s", file.file_name, file.reason)
        return report
