"""The SQLite store: articles and what was extracted from them, the search index, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import itertools
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import sqlite3
import stat
import threading
from collections.abc import (
    AsyncGenerator,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path
from time import monotonic
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiosqlite

from bot.extract import KYIV, ExtractionError, extract_bytes
from bot.model import Article, Clock, Figure, utc_now
from bot.search import STOPWORDS, SearchIndex, stem
from bot.text import words

log = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
PROCESS_POOL_THRESHOLD = 64  # files to parse before worker processes pay for their start-up
PARSE_CHUNK = 64
# A file whose parse takes longer fails as "too complex", so one pathological file cannot hold
# a load (and the moderator waiting on it) for long; a real article takes milliseconds.
PARSE_TIME_LIMIT = 5.0
LOAD_ATTEMPTS = 3  # a load that finds another process wrote meanwhile starts again
# Marks the file as newsdesk's (PRAGMA application_id), so that another application's SQLite
# file is never taken for ours: "nwsd".
APPLICATION_ID = 0x6E777364
WRITE_WAIT = 15.0  # seconds a writer waits for another process's write lock, then gives up
LOCK_POLL_MS = 250  # one try at the write lock waits this long inside SQLite
# A snapshot's read transaction keeps SQLite from checkpointing what was written after it began;
# once something was, the view is renewed after this many seconds.
VIEW_RENEWAL = 600.0
IDLE_VIEWS = 1  # connections kept for the next snapshot, beyond the one in use

# Each entry upgrades the schema by one version; `PRAGMA user_version` says which have run.
MIGRATIONS: tuple[str, ...] = (
    # 1: articles and what was extracted from them; the search index as blobs.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        published TEXT,
        published_utc TEXT,
        author TEXT,
        photo_caption TEXT,
        photo_credit TEXT,
        lead TEXT NOT NULL,
        loaded_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        text TEXT NOT NULL
    );
    CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT,
        kind TEXT NOT NULL
    );
    CREATE TABLE facts (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        terms TEXT NOT NULL,
        speaker TEXT
    );
    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT
    );
    CREATE TABLE figures (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        fact_id INTEGER REFERENCES facts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        qualifier TEXT,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        claimant TEXT,
        when_text TEXT,
        sentence TEXT NOT NULL
    );
    CREATE INDEX sources_article ON sources(article_id);
    CREATE INDEX sections_article ON sections(article_id);
    CREATE INDEX facts_article ON facts(article_id);
    CREATE INDEX facts_section ON facts(section_id);
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE INDEX figures_article ON figures(article_id);
    CREATE INDEX figures_fact ON figures(fact_id);
    CREATE TABLE search_terms (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL,
        postings BLOB NOT NULL,
        surface TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE search_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        fact_count INTEGER NOT NULL,
        average_length REAL NOT NULL
    );
    INSERT INTO search_meta VALUES (1, 0, 0, 1.0);
    """,
    # 2: the page address, when an article file carries it, so that digests can link it.
    """
    ALTER TABLE articles ADD COLUMN url TEXT;
    """,
    # 3: the audit trail of reloads: who, when, and what came of it.
    """
    CREATE TABLE reloads (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        guild_id INTEGER,
        user_id INTEGER,
        user_name TEXT NOT NULL,
        summary TEXT NOT NULL,
        failed INTEGER NOT NULL,
        seconds REAL NOT NULL,
        files TEXT NOT NULL
    );
    CREATE INDEX reloads_at ON reloads(at);
    """,
    # 4: daily digests: each server's schedule, and one row per server and local day, whose
    # primary key is the claim that makes a day's digest go out once. Each article keeps the
    # generation of the load that last wrote it: a digest covers a range of generations, which
    # (unlike clock times) are only seen once committed, so no article falls between two digests.
    """
    ALTER TABLE articles ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_generation ON articles(generation);
    CREATE TABLE digest_settings (
        guild_id INTEGER PRIMARY KEY,
        channel_id INTEGER,
        post_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        skip_empty INTEGER NOT NULL,
        schedule_from TEXT,
        updated_by INTEGER,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE digest_days (
        guild_id INTEGER NOT NULL,
        local_date TEXT NOT NULL,
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        channel_id INTEGER,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        after_generation INTEGER,
        up_to_generation INTEGER NOT NULL,
        claimed_at TEXT NOT NULL,
        finished_at TEXT,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT,
        error TEXT,
        articles INTEGER NOT NULL DEFAULT 0,
        message_ids TEXT NOT NULL DEFAULT '[]',
        article_ids TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (guild_id, local_date)
    ) WITHOUT ROWID;
    """,
    # 5: the command tree last published for each application, by its hash, so that start-up
    # publishes the commands only when they changed (Discord rate-limits global syncs).
    """
    CREATE TABLE command_syncs (
        application_id INTEGER NOT NULL,
        scope TEXT NOT NULL,
        tree_hash TEXT NOT NULL,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (application_id, scope)
    ) WITHOUT ROWID;
    """,
    # 6: a server's digest settings keep only what its moderators set, as JSON, merged over the
    # defaults when read: a default changed later reaches every server that did not set it.
    # The rows of 4 held every value; they are kept, as set.
    """
    CREATE TABLE digest_servers (
        guild_id INTEGER PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_by INTEGER,
        updated_at TEXT NOT NULL
    );
    INSERT INTO digest_servers SELECT guild_id, json_object('channel_id', channel_id, 'at',
        post_time, 'zone', timezone, 'enabled', json(CASE WHEN enabled THEN 'true' ELSE 'false'
        END), 'skip_empty', json(CASE WHEN skip_empty THEN 'true' ELSE 'false' END),
        'schedule_from', schedule_from), updated_by, updated_at FROM digest_settings;
    DROP TABLE digest_settings;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    """The database cannot be used; the message is one line: the cause, and what to do."""


class StoreBusy(StoreError):
    """Another process held the write lock for longer than the store waits for it."""


def storage_error(error: sqlite3.Error, path: Path) -> StoreError:
    """SQLite's error as one line for the operator, by its result code."""
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF  # the primary code
    match code:
        case 5 | 6:  # SQLITE_BUSY, SQLITE_LOCKED
            return StoreBusy(f"another process is writing to {path}; try again in a moment")
        case 13:  # SQLITE_FULL
            return StoreError(
                f"the disk holding {path} is full: nothing was changed; free some space and "
                "try again"
            )
        case 8:  # SQLITE_READONLY
            return StoreError(
                f"the database {path} is read-only: let the bot's user write to it and to its "
                "folder, or set NEWSDESK_DB to a file it may write"
            )
        case 11:  # SQLITE_CORRUPT
            return StoreError(
                f"the database {path} is damaged ({error}): restore it from a backup, or move it "
                "aside and load the seeds into a new one"
            )
        case 26:  # SQLITE_NOTADB
            return StoreError(
                f"{path} is not a SQLite database: set NEWSDESK_DB to a newsdesk database or to "
                "a new file"
            )
        case 14:  # SQLITE_CANTOPEN
            return StoreError(
                f"cannot open the database {path}: check that its folder exists and that the "
                "bot may write there"
            )
        case 10:  # SQLITE_IOERR
            return StoreError(f"cannot read or write {path} ({error}): check the disk")
    return StoreError(f"the database {path} failed: {error}")


# --- What readers get --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: int
    file_name: str
    title: str
    published: datetime | None
    author: str | None
    photo_caption: str | None
    photo_credit: str | None
    lead: str
    url: str | None
    loaded_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class FactRow:
    id: int
    article_id: int
    position: int
    text: str
    section_label: str | None
    section_kind: str
    speaker: str | None
    terms: str  # the fact's index terms


@dataclass(frozen=True, slots=True)
class QuoteRow:
    article_id: int
    text: str
    speaker: str | None


@dataclass(frozen=True, slots=True)
class FigureRow:
    article_id: int
    fact_id: int | None
    figure: Figure


class Reads:
    """The article queries on one connection: the store's live view of the database, or a
    snapshot's view, pinned by an open read transaction to the commit the snapshot was read at."""

    __slots__ = ("db", "path")

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    async def rows(self, sql: str, args: Sequence[Any] = ()) -> Iterable[sqlite3.Row]:
        try:
            return await self.db.execute_fetchall(sql, args)
        except sqlite3.Error as error:
            raise storage_error(error, self.path) from None

    async def one(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Any] | None:
        """The first row, its statement finished: a statement left open blocks COMMIT."""
        return next(iter(await self.rows(sql, args)), None)

    async def generation(self) -> int:
        """How many times the articles have changed: each load that changes them counts one."""
        row = await self.one("SELECT generation FROM search_meta")
        assert row is not None  # written by the first migration
        return int(row[0])

    async def facts(self, ids: Iterable[int]) -> dict[int, FactRow]:
        wanted = list(ids)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self.rows(
            "SELECT f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker, f.terms"
            " FROM facts f JOIN sections s ON s.id = f.section_id"
            f" WHERE f.id IN ({marks})",
            wanted,
        )
        return {int(row[0]): FactRow(*row) for row in rows}

    async def article_facts(self, article_id: int) -> list[FactRow]:
        rows = await self.rows(
            "SELECT f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker, f.terms"
            " FROM facts f JOIN sections s ON s.id = f.section_id"
            " WHERE f.article_id = ? ORDER BY f.position",
            (article_id,),
        )
        return [FactRow(*row) for row in rows]

    async def sources(self, article_id: int) -> list[SourceRow]:
        rows = await self.rows(
            "SELECT name, description FROM sources WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [SourceRow(*row) for row in rows]

    async def sources_of(self, article_ids: Sequence[int]) -> dict[int, list[SourceRow]]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        rows = await self.rows(
            "SELECT article_id, name, description FROM sources"
            f" WHERE article_id IN ({marks}) ORDER BY article_id, position",
            list(article_ids),
        )
        found: dict[int, list[SourceRow]] = {}
        for article_id, name, description in rows:
            found.setdefault(int(article_id), []).append(SourceRow(name, description))
        return found

    async def quotes(
        self, *, article_id: int | None = None, speaker: str | None = None
    ) -> list[QuoteRow]:
        clauses: list[str] = []
        args: list[Any] = []
        if article_id is not None:
            clauses.append("article_id = ?")
            args.append(article_id)
        if speaker is not None:
            clauses.append("speaker = ?")
            args.append(speaker)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self.rows(
            f"SELECT article_id, text, speaker FROM quotes {where}"
            " ORDER BY article_id DESC, position",
            args,
        )
        return [QuoteRow(*row) for row in rows]

    async def figures(
        self, *, article_id: int | None = None, fact_ids: Sequence[int] | None = None
    ) -> list[FigureRow]:
        clauses: list[str] = []
        args: list[Any] = []
        if article_id is not None:
            clauses.append("article_id = ?")
            args.append(article_id)
        if fact_ids is not None:
            clauses.append(f"fact_id IN ({','.join('?' * len(fact_ids))})")
            args += list(fact_ids)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self.rows(
            "SELECT article_id, fact_id, text, qualifier, value, unit, claimant, when_text,"
            f" sentence FROM figures {where} ORDER BY article_id DESC, position",
            args,
        )
        return [FigureRow(row[0], row[1], Figure(*row[2:])) for row in rows]

    async def articles_by_id(self, ids: Sequence[int]) -> list[ArticleRow]:
        """The articles with these ids that are still there, in the order given."""
        if not ids:
            return []
        rows = await self.rows(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            list(ids),
        )
        found = {row.id: row for row in map(_article_row, rows)}
        return [found[i] for i in ids if i in found]

    async def changed_articles(
        self, *, after_generation: int | None, up_to_generation: int | None, since: datetime
    ) -> list[ArticleRow]:
        """The articles written by the loads after `after_generation` up to `up_to_generation`
        (None: no bound), newest first; without a lower bound, those updated after `since`."""
        rows = await self.rows(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE (? IS NULL OR generation > ?)"
            " AND (? IS NULL OR generation <= ?)"
            " ORDER BY COALESCE(published_utc, loaded_at) DESC, id DESC",
            (after_generation, after_generation, up_to_generation, up_to_generation),
        )
        articles = [_article_row(row) for row in rows]
        if after_generation is None:
            articles = [a for a in articles if a.updated_at > since]
        return articles


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the store knew at one commit, and a view of the database pinned there: a reader
    takes one and sees that state in memory and on disk alike, whatever loads commit meanwhile."""

    generation: int
    read: Reads
    index: SearchIndex
    articles: tuple[ArticleRow, ...]  # newest first
    speakers: tuple[str, ...]  # most quoted first
    topics: tuple[str, ...] = ()  # what readers may ask about, most frequent first
    by_id: dict[int, ArticleRow] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict, compare=False)  # derived, built on use

    def article(self, article_id: int) -> ArticleRow | None:
        return self.by_id.get(article_id)


DayStatus = Literal["claimed", "posted", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class DigestDay:
    """One server's digest for one local day: claimed, then posted, skipped or failed."""

    guild_id: int
    local_date: date
    trigger: str  # "schedule", or "now" for a moderator's /digest now
    status: DayStatus
    channel_id: int | None
    since: datetime  # the articles added or updated after this instant...
    until: datetime  # ...and up to this one
    after_generation: int | None  # as loads: after this one (None: the first, by time)...
    up_to_generation: int  # ...up to and with this one
    claimed_at: datetime
    finished_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    error: str | None
    articles: int
    message_ids: tuple[int, ...]
    article_ids: tuple[int, ...]  # what the digest held, in order: a retry resumes on the same


# --- Load reports -------------------------------------------------------------------------------

Outcome = Literal["added", "updated", "unchanged", "removed", "failed"]


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asked for a load, for the audit trail: a member of a server, or an entry point."""

    name: str
    user_id: int | None = None
    guild_id: int | None = None


LOCAL = Requester("newsdesk")


@dataclass(frozen=True, slots=True)
class FileReport:
    file_name: str
    outcome: Outcome
    reason: str | None = None  # why it failed
    title: str | None = None


@dataclass(frozen=True, slots=True)
class LoadReport:
    folder: str
    files: tuple[FileReport, ...]
    started_at: datetime
    seconds: float
    # Why nothing was loaded at all: the load would have removed too many articles.
    refused: str | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def counts(self) -> dict[Outcome, int]:
        order: tuple[Outcome, ...] = ("added", "updated", "unchanged", "removed", "failed")
        return {outcome: self.count(outcome) for outcome in order}

    @property
    def failed(self) -> bool:
        return self.refused is not None or self.count("failed") > 0

    @property
    def changed(self) -> bool:
        return any(f.outcome in ("added", "updated", "removed") for f in self.files)

    def summary(self) -> str:
        if self.refused is not None:
            return f"refused: {self.refused}"
        return ", ".join(f"{n} {outcome}" for outcome, n in self.counts.items() if n) or "no files"


def removal_refusal(removing: int, stored: int, found: int) -> str | None:
    """Why a load must not go ahead: it would remove every stored article, or more than half.

    An empty or wrong folder (an unmounted disk, a typo in the path) looks exactly like a folder
    whose articles were all deleted on purpose, so removing that many waits to be asked for.
    """
    if not removing or removing * 2 <= stored:
        return None
    share = f"all {stored}" if removing == stored else f"{removing} of the {stored}"
    return (
        f"it would remove {share} stored articles, and the folder holds "
        f"{found} article {'file' if found == 1 else 'files'}; nothing was changed"
    )


class _StaleRead(Exception):
    """Another process changed the articles between reading them and writing: start again."""


class LoadInProgress(RuntimeError):
    """Another load of the folder is running."""


class LoadStopped(RuntimeError):
    """The load was stopped and rolled back, because the process is shutting down."""


@dataclass(frozen=True, slots=True)
class ReloadRecord:
    at: datetime
    user_name: str
    summary: str
    failed: int
    seconds: float
    guild_id: int | None  # the server whose moderator asked; None for the operator's loads


# --- Parsing, in worker processes for big loads -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parsed:
    file_name: str
    content_hash: str
    article: Article | None
    error: str | None
    fact_terms: tuple[str, ...] = ()
    surfaces: tuple[tuple[str, str], ...] = ()


def _parse(file_name: str, data: bytes, content_hash: str, zone: str) -> _Parsed:
    try:
        article = extract_bytes(data, timezone=ZoneInfo(zone), time_limit=PARSE_TIME_LIMIT)
    except ExtractionError as error:
        return _Parsed(file_name, content_hash, None, str(error))
    terms: list[str] = []
    surfaces: dict[str, str] = {}  # index term -> a word as written, for suggestions
    for _, fact in article.facts:
        fact_terms = []
        for word in words(fact.text):
            if word not in STOPWORDS:
                term = stem(word)
                fact_terms.append(term)
                surfaces.setdefault(term, word)
        terms.append(" ".join(fact_terms))
    return _Parsed(file_name, content_hash, article, None, tuple(terms), tuple(surfaces.items()))


@dataclass(slots=True)
class _Candidate:
    file_name: str
    path: Path
    data: bytes | None = None
    content_hash: str | None = None
    reason: str | None = None


# --- The store ----------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Store:
    """Loads write through one connection; readers read through the snapshot they took.

    Each snapshot holds a connection in a read transaction begun at the commit it was read from,
    so a command sees the same articles in memory (the search index) and on disk (their facts),
    while loads commit and the next snapshot is built. `live` reads the database as it is now,
    for what must see every commit, another process's too: the digest.
    """

    path: Path
    writer: aiosqlite.Connection
    live: Reads
    snapshot: Snapshot
    clock: Clock = utc_now
    write_wait: float = WRITE_WAIT
    _load_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Statements on the writer outside a load must not land inside the load's transaction.
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _views: set[aiosqlite.Connection] = field(default_factory=set)  # every snapshot connection
    _idle: list[aiosqlite.Connection] = field(default_factory=list)  # ... not pinned right now
    # Views held by readers, how many times; and replaced views, released once no reader holds
    # them any more.
    _holds: dict[aiosqlite.Connection, int] = field(default_factory=dict)
    _retired: set[aiosqlite.Connection] = field(default_factory=set)
    _after_checkpoint: aiosqlite.Connection | None = None  # a view that reads the file, not the log
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _stopping: bool = False
    _view_wal: tuple[int, int] | None = None  # the log file as the current view began
    _view_began: datetime | None = None  # by the store's clock: virtual in the bot's tests

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
        _check_location(path)
        async with contextlib.AsyncExitStack() as opened:
            writer = await _connect(path, busy_ms=LOCK_POLL_MS, wal=False)
            opened.push_async_callback(writer.close)
            await _check_owner(Reads(writer, path))
            await _set_wal(writer, path)
            await _migrate(writer, path, write_wait)
            live = await _connect(path)
            opened.push_async_callback(live.close)
            view = await _connect(path)
            opened.push_async_callback(view.close)
            await _begin_view(view, path)
            snapshot = await _read_snapshot(Reads(view, path))
            store = cls(path, writer, Reads(live, path), snapshot, clock, write_wait)
            store._views.add(view)
            store._view_began = clock()
            opened.pop_all()
        return store

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for db in (*self._views, self.live.db, self.writer):
            await db.close()
        self._views.clear()
        self._idle.clear()

    @property
    def loading(self) -> bool:
        return self._load_lock.locked()

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
        if _wal_state(self.path) == self._view_wal:
            return False
        age = (self.clock() - (self._view_began or self.clock())).total_seconds()
        renew = not 0 <= age < VIEW_RENEWAL  # a clock set back since counts as old too
        if not renew and await self.live.generation() == self.snapshot.generation:
            return False
        return await self._refresh()

    async def _refresh(
        self, built: tuple[int, SearchIndex] | None = None, *, after_checkpoint: bool = False
    ) -> bool:
        """A new snapshot from a new pinned view; `built` is the index a load of this process
        wrote at that generation, used instead of reading it back."""
        wal = _wal_state(self.path)  # before the view begins: a write after it shows next time
        db = await self._view()
        try:
            view = Reads(db, self.path)
            current = self.snapshot
            generation = await view.generation()
            if generation == current.generation:
                fresh = dataclasses.replace(current, read=view)  # same articles: same memo
            else:
                index = built[1] if built is not None and built[0] == generation else None
                fresh = await _read_snapshot(view, index)
        except BaseException:
            await self._release(db)
            raise
        self._install(fresh)
        self._view_wal, self._view_began = wal, self.clock()
        if after_checkpoint:
            self._after_checkpoint = db
        return fresh.generation != current.generation

    async def _view(self) -> aiosqlite.Connection:
        db = self._idle.pop() if self._idle else await _connect(self.path)
        self._views.add(db)
        try:
            return await _begin_view(db, self.path)
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
        if self._write_lock.locked():  # a write is under way: the next view's release tries
            return False
        async with self._write_lock:
            row = await Reads(self.writer, self.path).one("PRAGMA wal_checkpoint(PASSIVE)")
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
        if not wait and self._load_lock.locked():
            raise LoadInProgress("a load of the articles is already running")
        async with self._load_lock:
            started = self.clock()
            try:
                if self._stopping:
                    raise LoadStopped("the bot is shutting down")
                for _ in range(LOAD_ATTEMPTS - 1):
                    with contextlib.suppress(_StaleRead):
                        return await self._load(
                            Path(folder), timezone, max_bytes, by, allow_removals
                        )
                return await self._load(Path(folder), timezone, max_bytes, by, allow_removals)
            except (StoreError, LoadStopped) as error:
                stopped = LoadReport(str(folder), (), started, 0.0, refused=str(error))
                # The audit row of a load that could not be done, when the database takes it.
                with contextlib.suppress(StoreError):
                    await self._execute_write(*_audit_row(stopped, by, failed=True))
                raise

    async def _load(
        self,
        folder: Path,
        timezone: ZoneInfo,
        max_bytes: int,
        by: Requester,
        allow_removals: bool,
    ) -> LoadReport:
        started = self.clock()
        began = asyncio.get_running_loop().time()
        generation = await self._generation()
        known = {
            str(row[0]): (str(row[1]), int(row[2]))
            for row in await Reads(self.writer, self.path).rows(
                "SELECT file_name, content_hash, id FROM articles"
            )
        }
        candidates = await asyncio.to_thread(_read_folder, folder, max_bytes)
        reports: list[FileReport] = []
        to_parse: list[_Candidate] = []
        for candidate in candidates:
            previous = known.get(candidate.file_name)
            if candidate.reason is not None:
                reports.append(FileReport(candidate.file_name, "failed", candidate.reason))
            elif previous is not None and previous[0] == candidate.content_hash:
                reports.append(FileReport(candidate.file_name, "unchanged"))
            else:
                to_parse.append(candidate)
        present = {c.file_name for c in candidates}
        removed = sorted(name for name in known if name not in present)

        def report_now(refused: str | None = None) -> LoadReport:
            seconds = asyncio.get_running_loop().time() - began
            files = () if refused else tuple(sorted(reports, key=lambda r: r.file_name))
            return LoadReport(str(folder), files, started, seconds, refused)

        refused = (
            None if allow_removals else removal_refusal(len(removed), len(known), len(present))
        )
        if refused is not None:
            report = report_now(refused)
            await self._execute_write(*_audit_row(report, by))
            log.warning("refused to load %s: %s", folder, refused)
            return report
        reports += [FileReport(name, "removed") for name in removed]
        built = None
        if to_parse or removed:
            async with self._write_lock:
                built = await self._write(
                    _parse_all(to_parse, timezone.key),
                    [known[n][1] for n in removed],
                    known,
                    started,
                    generation,
                    reports,
                    lambda: _audit_row(report_now(), by),
                )
        else:
            await self._execute_write(*_audit_row(report_now(), by))
        # Another process on the same database may have loaded too: read what is there.
        if built is not None or await self._generation() != self.snapshot.generation:
            await self._refresh(built)
        report = report_now()
        log.info("loaded %s: %s in %.2fs", folder, report.summary(), report.seconds)
        for file in report.files:
            if file.outcome == "failed":
                log.warning("could not load %s: %s", file.file_name, file.reason)
        return report

    async def _write(
        self,
        parsed_chunks: AsyncGenerator[list[_Parsed], None],
        removed_ids: list[int],
        known: dict[str, tuple[str, int]],
        now: datetime,
        generation: int,
        reports: list[FileReport],
        audit: Callable[[], tuple[str, tuple[Any, ...]]],
    ) -> tuple[int, SearchIndex] | None:
        """Write parsed articles as they come, removals, the rebuilt index and the audit row:
        one transaction. Reports go to `reports`; the index written, and its generation, are
        returned (None when nothing changed and the transaction was rolled back).

        A file that failed to parse is only reported; its stored version stays as it was.
        Raises _StaleRead when another process wrote articles after `known` was read.
        """
        db = self.writer
        changed = bool(removed_ids)
        await _begin_immediate(db, self.path, self.write_wait)
        try:
            if await self._generation() != generation:
                raise _StaleRead
            if removed_ids:
                await db.executemany(
                    "DELETE FROM articles WHERE id = ?", [(i,) for i in removed_ids]
                )
            ids = await _next_ids(db)
            written = generation + 1  # what this load's commit makes the generation
            surface: dict[str, str] = {}
            async with contextlib.aclosing(parsed_chunks) as chunks:
                async for chunk in chunks:
                    if self._stopping:
                        raise LoadStopped("the bot is shutting down")
                    batch = _Batch()
                    for item in chunk:
                        if item.article is None:
                            reports.append(FileReport(item.file_name, "failed", item.error))
                            continue
                        previous = known.get(item.file_name)
                        outcome: Outcome = "updated" if previous else "added"
                        reports.append(
                            FileReport(item.file_name, outcome, title=item.article.title)
                        )
                        article_id = previous[1] if previous else ids.take("articles")
                        batch.add(item, article_id, previous is None, now, ids, written)
                        for term, word in item.surfaces:
                            surface.setdefault(term, word)
                    await batch.write(db)
                    changed = changed or batch.articles > 0
            if not changed:
                await db.execute(*audit())
                await db.commit()
                return None
            index = await self._rebuild_index(surface)
            await db.execute(*audit())
            if self._stopping:
                raise LoadStopped("the bot is shutting down")
            await db.commit()
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                await db.rollback()
            if isinstance(error, sqlite3.Error):
                raise storage_error(error, self.path) from None
            raise
        return written, index

    async def _rebuild_index(self, surface: dict[str, str]) -> SearchIndex:
        """The search index over every stored fact, written in the load's transaction."""
        db = self.writer
        for term, word in await db.execute_fetchall("SELECT term, surface FROM search_terms"):
            surface.setdefault(str(term), str(word))
        facts = [
            (int(i), str(t)) for i, t in await db.execute_fetchall("SELECT id, terms FROM facts")
        ]
        index = await asyncio.to_thread(SearchIndex.build, facts, surface)
        del facts
        await db.execute("DELETE FROM search_terms")
        await db.executemany("INSERT INTO search_terms VALUES (?, ?, ?, ?)", index.rows())
        await db.execute(
            "UPDATE search_meta SET generation = generation + 1, fact_count = ?,"
            " average_length = ?",
            (index.fact_count, index.average_length),
        )
        return index

    async def _generation(self) -> int:
        return await Reads(self.writer, self.path).generation()

    # --- the audit trail ----------------------------------------------------------------------

    async def recent_reloads(
        self, limit: int = 10, *, guild_id: int | None = None
    ) -> list[ReloadRecord]:
        """The last loads, newest first; given a server, only its own and the operator's
        (which have no server), so no server sees another's moderators."""
        rows = await self.live.rows(
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

    async def _execute_write(self, sql: str, args: Sequence[Any] = ()) -> int:
        """One statement on the writer, outside any load's transaction; the rows it changed.

        It waits for another process's writer within `write_wait`, then raises StoreBusy."""
        async with self._write_lock:
            db = self.writer
            await _begin_immediate(db, self.path, self.write_wait)
            try:
                cursor = await db.execute(sql, args)
                changed = cursor.rowcount
                await cursor.close()
                await db.commit()
            except BaseException as error:
                with contextlib.suppress(sqlite3.Error):
                    await db.rollback()
                if isinstance(error, sqlite3.Error):
                    raise storage_error(error, self.path) from None
                raise
        return changed

    # --- published commands -------------------------------------------------------------------

    async def command_sync(self, application_id: int, scope: str) -> str | None:
        """The hash of the command tree last published for the application in `scope`."""
        row = await self.live.one(
            "SELECT tree_hash FROM command_syncs WHERE application_id = ? AND scope = ?",
            (application_id, scope),
        )
        return str(row[0]) if row else None

    async def record_command_sync(self, application_id: int, scope: str, tree_hash: str) -> None:
        await self._execute_write(
            "INSERT INTO command_syncs VALUES (?, ?, ?, ?) ON CONFLICT (application_id, scope)"
            " DO UPDATE SET tree_hash = excluded.tree_hash, synced_at = excluded.synced_at",
            (application_id, scope, tree_hash, _stamp(self.clock())),
        )

    # --- daily digests ------------------------------------------------------------------------

    async def digest_settings(self) -> dict[int, dict[str, Any]]:
        """The digest values each server has set, by server id; what one has not set is
        missing, for the digest to take from its defaults."""
        rows = await self.live.rows("SELECT guild_id, settings FROM digest_servers")
        return {int(guild): dict(json.loads(values)) for guild, values in rows}

    async def save_digest_settings(
        self, guild_id: int, values: Mapping[str, Any], *, updated_by: int | None
    ) -> None:
        """Keep the values a server has set (JSON values), in place of those it had."""
        await self._execute_write(
            "INSERT INTO digest_servers VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
            " settings = excluded.settings, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (guild_id, json.dumps(dict(values)), updated_by, _stamp(self.clock())),
        )

    async def claim_digest_day(
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
        now = _stamp(self.clock())
        claimed = await self._execute_write(
            "INSERT INTO digest_days (guild_id, local_date, trigger, status, channel_id, since,"
            " until, after_generation, up_to_generation, claimed_at, attempts)"
            " SELECT ?, ?, ?, 'claimed', ?, ?, ?, ?, generation, ?, 1 FROM search_meta"
            " WHERE true ON CONFLICT DO NOTHING",
            (
                guild_id,
                local_date.isoformat(),
                trigger,
                channel_id,
                _stamp(since),
                now,
                after_generation,
                now,
            ),
        )
        return await self.digest_day(guild_id, local_date) if claimed else None

    async def reclaim_digest_day(
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
        now = _stamp(self.clock())
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
            args.append(_stamp(stale_before))
        claimed = await self._execute_write(
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
        return await self.digest_day(guild_id, local_date) if claimed else None

    async def finish_digest_day(
        self,
        guild_id: int,
        local_date: date,
        status: DayStatus,
        *,
        message_ids: Sequence[int] = (),
        article_ids: Sequence[int] = (),
        error: str | None = None,
        next_attempt_at: datetime | None = None,
    ) -> DigestDay:
        await self._execute_write(
            "UPDATE digest_days SET status = ?, finished_at = ?, message_ids = ?, articles = ?,"
            " article_ids = ?, error = ?, next_attempt_at = ? WHERE guild_id = ? AND"
            " local_date = ?",
            (
                status,
                _stamp(self.clock()),
                json.dumps(list(message_ids)),
                len(article_ids),
                json.dumps(list(article_ids)),
                error,
                _stamp(next_attempt_at) if next_attempt_at else None,
                guild_id,
                local_date.isoformat(),
            ),
        )
        day = await self.digest_day(guild_id, local_date)
        assert day is not None  # it was claimed before it was finished
        return day

    async def digest_day(self, guild_id: int, local_date: date) -> DigestDay | None:
        rows = await self.live.rows(
            f"SELECT {_DIGEST_DAY_COLUMNS} FROM digest_days WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date.isoformat()),
        )
        return next((_digest_day(row) for row in rows), None)

    async def latest_digest_day(self, guild_id: int) -> DigestDay | None:
        rows = await self.live.rows(
            f"SELECT {_DIGEST_DAY_COLUMNS} FROM digest_days WHERE guild_id = ?"
            " ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return next((_digest_day(row) for row in rows), None)

    async def digest_covered(self, guild_id: int) -> tuple[datetime, int] | None:
        """Up to when, and up to which load, the server's posted (or rightly skipped) digests
        covered the articles; None before its first."""
        row = await self.live.one(
            "SELECT until, up_to_generation FROM digest_days WHERE guild_id = ? AND status IN"
            " ('posted', 'skipped') ORDER BY up_to_generation DESC, until DESC LIMIT 1",
            (guild_id,),
        )
        return (datetime.fromisoformat(row[0]), int(row[1])) if row else None


# --- Helpers ------------------------------------------------------------------------------------

_ARTICLE_COLUMNS = (
    "id, file_name, title, published, author, photo_caption, photo_credit, lead, url,"
    " loaded_at, updated_at"
)


def _article_row(row: Sequence[Any]) -> ArticleRow:
    published = datetime.fromisoformat(row[3]) if row[3] else None
    return ArticleRow(
        int(row[0]),
        row[1],
        row[2],
        published,
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        datetime.fromisoformat(row[9]),
        datetime.fromisoformat(row[10]),
    )


def _stamp(when: datetime) -> str:
    """An instant as fixed-width UTC text, so that SQL compares instants as it compares text."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


_DIGEST_DAY_COLUMNS = (
    "guild_id, local_date, trigger, status, channel_id, since, until, after_generation,"
    " up_to_generation, claimed_at, finished_at, attempts, next_attempt_at, error, articles,"
    " message_ids, article_ids"
)


def _digest_day(row: Sequence[Any]) -> DigestDay:
    def instant(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return DigestDay(
        int(row[0]),
        date.fromisoformat(row[1]),
        str(row[2]),
        row[3],
        int(row[4]) if row[4] is not None else None,
        datetime.fromisoformat(row[5]),
        datetime.fromisoformat(row[6]),
        int(row[7]) if row[7] is not None else None,
        int(row[8]),
        datetime.fromisoformat(row[9]),
        instant(row[10]),
        int(row[11]),
        instant(row[12]),
        row[13],
        int(row[14]),
        tuple(int(i) for i in json.loads(row[15])),
        tuple(int(i) for i in json.loads(row[16])),
    )


# --- Opening, migrating and locking -------------------------------------------------------------


def _wal_state(path: Path) -> tuple[int, int] | None:
    """The write-ahead log's change time and size: equal, and nothing was committed between."""
    try:
        info = path.with_name(f"{path.name}-wal").stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _check_location(path: Path) -> None:
    """Refuse, in one line, a path SQLite would fail on less clearly; never create folders."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file: give the path of a file")
    if not path.parent.is_dir():
        raise StoreError(
            f"the folder {path.parent} of the database {path} does not exist: create it, or "
            "give another path"
        )


async def _connect(path: Path, *, busy_ms: int = 5000, wal: bool = True) -> aiosqlite.Connection:
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
            await _set_wal(db, path)
    except BaseException as error:
        await db.close()  # its thread would otherwise keep the process alive
        if isinstance(error, sqlite3.Error):
            raise storage_error(error, path) from None
        raise
    return db


async def _set_wal(db: aiosqlite.Connection, path: Path) -> None:
    # Read to the end: a statement left open (journal_mode answers a row) blocks COMMIT.
    await Reads(db, path).rows("PRAGMA journal_mode = WAL")


async def _check_owner(db: Reads) -> None:
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


async def _user_version(db: aiosqlite.Connection) -> int:
    rows = await db.execute_fetchall("PRAGMA user_version")
    return next((int(row[0]) for row in rows), 0)


def _is_busy(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF in (5, 6)


async def _begin_immediate(db: aiosqlite.Connection, path: Path, wait: float) -> None:
    """Take the write lock, waiting up to `wait` seconds for another process's writer, and
    saying so in the log; then StoreBusy."""
    # The wall clock, not the event loop's: this waits on another process, in real time.
    deadline = monotonic() + wait
    warned = False
    while True:
        try:
            await db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.Error as error:
            if not _is_busy(error):
                raise storage_error(error, path) from None
        if monotonic() >= deadline:
            raise StoreBusy(
                f"another process is writing to {path} and did not finish within {wait:g} s; "
                "try again in a moment"
            )
        if not warned:
            log.warning("%s is locked by another writer; waiting up to %g s", path, wait)
            warned = True


async def _migrate(db: aiosqlite.Connection, path: Path, write_wait: float) -> None:
    """Bring the schema up to date in one transaction, the version read again under its lock:
    two processes opening a new database together upgrade it once. A current schema takes no
    lock at all."""
    try:
        version = await _user_version(db)
    except sqlite3.Error as error:
        raise storage_error(error, path) from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database is at schema version {version}, newer than this newsdesk "
            f"({SCHEMA_VERSION}); upgrade newsdesk or use another NEWSDESK_DB"
        )
    if version == SCHEMA_VERSION:
        return
    await _begin_immediate(db, path, write_wait)
    number = version
    try:
        version = number = await _user_version(db)
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


async def _begin_view(db: aiosqlite.Connection, path: Path) -> aiosqlite.Connection:
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


async def _read_snapshot(view: Reads, index: SearchIndex | None = None) -> Snapshot:
    """The snapshot at the state `view` is pinned to; `index`, when the caller built it for
    that state, spares reading it back."""
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
    articles = tuple(
        _article_row(row)
        for row in await view.rows(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles"
            " ORDER BY COALESCE(published_utc, loaded_at) DESC, id DESC"
        )
    )
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
    return Snapshot(
        int(meta[0]),
        view,
        index,
        articles,
        speakers,
        _topics(index, [*speakers, *(str(row[0]) for row in names)]),
        {a.id: a for a in articles},
    )


def _audit_row(
    report: LoadReport, by: Requester, *, failed: bool = False
) -> tuple[str, tuple[Any, ...]]:
    """The audit trail's row for a load: who, when, and what came of it."""
    files = json.dumps(
        [[f.file_name, f.outcome, f.reason] for f in report.files if f.outcome != "unchanged"]
    )
    summary = f"failed: {report.refused}" if failed else report.summary()
    return (
        "INSERT INTO reloads (at, guild_id, user_id, user_name, summary, failed, seconds, files)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            report.started_at.isoformat(),
            by.guild_id,
            by.user_id,
            by.name,
            summary,
            report.count("failed"),
            report.seconds,
            files,
        ),
    )


class FolderUnavailable(FileNotFoundError):
    """The seeds folder does not exist, or is not a folder."""


def _read_folder(folder: Path, max_bytes: int) -> list[_Candidate]:
    """The article files directly in `folder`, read and hashed; refusals carry their reason."""
    if folder.exists() and not folder.is_dir():
        raise FolderUnavailable(f"the seeds folder {folder} is a file, not a folder")
    if not folder.is_dir():
        raise FolderUnavailable(f"the seeds folder {folder} does not exist")
    root = folder.resolve()
    found: list[_Candidate] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if not entry.name.lower().endswith(ACCEPTED_SUFFIXES) or entry.name.startswith("."):
            continue
        candidate = _Candidate(entry.name, path)
        found.append(candidate)
        try:
            if entry.is_symlink() and path.resolve().parent != root:
                candidate.reason = "a link to a file outside the seeds folder; not followed"
                continue
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                candidate.reason = "not a regular file"
                continue
            if info.st_size > max_bytes:
                candidate.reason = (
                    f"too large: {info.st_size:,} bytes, the limit is {max_bytes:,} bytes"
                )
                continue
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
            if len(data) > max_bytes:  # it grew since stat()
                candidate.reason = f"too large: over the limit of {max_bytes:,} bytes"
                continue
        except OSError as error:
            candidate.reason = f"cannot be read: {error.strerror or error}"
            continue
        candidate.data = data
        candidate.content_hash = hashlib.sha256(data).hexdigest()
    return found


async def _parse_all(
    candidates: list[_Candidate], zone: str
) -> AsyncGenerator[list[_Parsed], None]:
    """Parsed files in chunks, as they are ready: in worker processes when there are many."""
    jobs = [(c.file_name, c.data or b"", c.content_hash or "", zone) for c in candidates]
    for candidate in candidates:
        candidate.data = None  # the jobs hold the bytes now; let them go as chunks finish
    chunks = [jobs[i : i + PARSE_CHUNK] for i in range(0, len(jobs), PARSE_CHUNK)]
    if len(jobs) < PROCESS_POOL_THRESHOLD:
        for chunk in chunks:
            yield await asyncio.to_thread(_parse_chunk, chunk)
        return
    loop = asyncio.get_running_loop()
    workers = os.cpu_count() or 1
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=_exit_with_parent
    )
    try:
        # A few chunks in flight keep the workers busy; more would hold thousands of parsed
        # articles in memory while the writer catches up.
        waiting = iter(chunks)
        running = [
            loop.run_in_executor(executor, _parse_chunk, chunk)
            for chunk in itertools.islice(waiting, workers * 2)
        ]
        while running:
            yield await running.pop(0)
            following = next(waiting, None)
            if following is not None:
                running.append(loop.run_in_executor(executor, _parse_chunk, following))
    finally:
        # Never wait here, on the event loop: a stopped load leaves chunks in flight, and the
        # workers exit by themselves once those are done.
        executor.shutdown(wait=False, cancel_futures=True)


def _exit_with_parent() -> None:
    """In a parse worker: exit as soon as the process that started it is gone, also when it was
    killed with SIGKILL, which runs none of its clean-up."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(
        target=watch, args=(parent.sentinel,), name="watch-parent", daemon=True
    ).start()


def _parse_chunk(jobs: list[tuple[str, bytes, str, str]]) -> list[_Parsed]:
    return [_parse(*job) for job in jobs]


class _Ids:
    """Next free row ids, so a whole load is inserted in a few batches."""

    def __init__(self, start: dict[str, int]) -> None:
        self._next = dict(start)

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


async def _next_ids(db: aiosqlite.Connection) -> _Ids:
    start = {}
    for table in ("articles", "sources", "sections", "facts", "quotes", "figures"):
        rows = await db.execute_fetchall(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        row = next(iter(rows), None)
        start[table] = int(row[0]) if row else 1
    return _Ids(start)


@dataclass(slots=True)
class _Batch:
    articles: int = 0
    new_articles: list[tuple[Any, ...]] = field(default_factory=list)
    updated_articles: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    sections: list[tuple[Any, ...]] = field(default_factory=list)
    facts: list[tuple[Any, ...]] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[tuple[Any, ...]] = field(default_factory=list)

    def add(
        self,
        item: _Parsed,
        article_id: int,
        new: bool,
        now: datetime,
        ids: _Ids,
        generation: int,
    ) -> None:
        article = item.article
        assert article is not None
        self.articles += 1
        published = article.published
        title = article.title or _title_from_lead(article.lead)
        stamp = now.isoformat()
        values = (
            title,
            published.isoformat() if published else None,
            published.astimezone(UTC).isoformat() if published else None,
            article.author,
            article.photo.caption if article.photo else None,
            article.photo.credit if article.photo else None,
            article.lead,
            article.url,
            item.content_hash,
            stamp,
            generation,
        )
        if new:
            self.new_articles.append((article_id, item.file_name, *values, stamp))
        else:
            self.updated_articles.append((*values, article_id))
        self.sources += [
            (ids.take("sources"), article_id, n, s.name, s.description, s.text)
            for n, s in enumerate(article.sources)
        ]
        texts = [fact.text for _, fact in article.facts]
        speakers: dict[int, str] = {}  # a fact's position -> who is quoted in it
        for quote in article.quotes:
            at = quote.fact
            if quote.speaker and at is not None and quote.text in texts[at]:
                speakers.setdefault(at, quote.speaker)
        fact_ids: list[int] = []
        position = 0
        for section_position, section in enumerate(article.sections):
            section_id = ids.take("sections")
            self.sections.append(
                (section_id, article_id, section_position, section.label, section.kind)
            )
            for fact in section.facts:
                fact_id = ids.take("facts")
                terms = item.fact_terms[position] if position < len(item.fact_terms) else ""
                speaker = speakers.get(position)
                self.facts.append(
                    (fact_id, article_id, section_id, position, fact.text, terms, speaker)
                )
                fact_ids.append(fact_id)
                position += 1
        self.quotes += [
            (ids.take("quotes"), article_id, n, q.text, q.speaker)
            for n, q in enumerate(article.quotes)
        ]
        for n, figure in enumerate(article.figures):
            figure_fact = fact_ids[figure.fact] if figure.fact is not None else None
            self.figures.append(
                (
                    ids.take("figures"),
                    article_id,
                    figure_fact,
                    n,
                    figure.text,
                    figure.qualifier,
                    figure.value,
                    figure.unit,
                    figure.claimant,
                    figure.when,
                    figure.sentence,
                )
            )

    async def write(self, db: aiosqlite.Connection) -> None:
        # An updated article keeps its row, so its id and loaded_at survive; its parts are new.
        updated = [(row[-1],) for row in self.updated_articles]
        for table in ("figures", "quotes", "facts", "sections", "sources"):
            await db.executemany(f"DELETE FROM {table} WHERE article_id = ?", updated)
        await db.executemany(
            "INSERT INTO articles (id, file_name, title, published, published_utc, author,"
            " photo_caption, photo_credit, lead, url, content_hash, updated_at, generation,"
            " loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.new_articles,
        )
        await db.executemany(
            "UPDATE articles SET title = ?, published = ?, published_utc = ?, author = ?,"
            " photo_caption = ?, photo_credit = ?, lead = ?, url = ?, content_hash = ?,"
            " updated_at = ?, generation = ? WHERE id = ?",
            self.updated_articles,
        )
        await db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", self.sources)
        await db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)", self.sections)
        await db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?)", self.facts)
        await db.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?)", self.quotes)
        await db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.figures
        )


TOPICS_KEPT = 50_000


def _topics(index: SearchIndex, names: list[str]) -> tuple[str, ...]:
    """Autocomplete material: people and sources by name, then the index's words by frequency."""
    ranked = sorted(index.df.items(), key=lambda item: -item[1])
    surfaces = (
        index.surface.get(term, term) for term, _ in ranked if len(term) > 2 and not term.isdigit()
    )
    return tuple(dict.fromkeys([*names, *surfaces]))[:TOPICS_KEPT]


def _title_from_lead(lead: str) -> str:
    """A title for an article whose headline could not be told: its first words."""
    words_ = lead.split()
    return " ".join(words_[:12]) + ("…" if len(words_) > 12 else "")
