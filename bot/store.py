"""The SQLite store: articles and what was extracted from them, the search index, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiosqlite

from bot.extract import KYIV, ExtractionError, extract_bytes
from bot.model import Article, Clock, Figure, utc_now
from bot.search import STOPWORDS, SearchIndex, stem, words

log = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
PROCESS_POOL_THRESHOLD = 64  # files to parse before worker processes pay for their start-up
PARSE_CHUNK = 64
LOAD_ATTEMPTS = 3  # a load that finds another process wrote meanwhile starts again

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
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    """The database cannot be used: newer than this code, or not a newsdesk database."""


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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the store knew at one commit: readers take one and never see a mix."""

    generation: int
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
class DigestSettingsRow:
    guild_id: int
    channel_id: int | None
    post_time: time
    timezone: ZoneInfo
    enabled: bool
    skip_empty: bool
    schedule_from: datetime | None  # slots before this instant are not posted: set too late


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

    def count(self, outcome: Outcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def counts(self) -> dict[Outcome, int]:
        order: tuple[Outcome, ...] = ("added", "updated", "unchanged", "removed", "failed")
        return {outcome: self.count(outcome) for outcome in order}

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    @property
    def changed(self) -> bool:
        return any(f.outcome in ("added", "updated", "removed") for f in self.files)

    def summary(self) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in self.counts.items() if n) or "no files"


class _StaleRead(Exception):
    """Another process changed the articles between reading them and writing: start again."""


class LoadInProgress(RuntimeError):
    """Another load of the folder is running."""


@dataclass(frozen=True, slots=True)
class ReloadRecord:
    at: datetime
    user_name: str
    summary: str
    failed: int
    seconds: float


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
        article = extract_bytes(data, timezone=ZoneInfo(zone))
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


@dataclass(slots=True)
class Store:
    """One long-lived reader connection serves every command; loads write through a second one.

    With WAL, the reader sees only committed states, so a command answered during a load sees the
    articles as they were before it or after it, never half of it.
    """

    path: Path
    reader: aiosqlite.Connection
    writer: aiosqlite.Connection
    snapshot: Snapshot
    clock: Clock = utc_now
    _load_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Statements on the writer outside a load must not land inside the load's transaction.
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock = utc_now) -> Store:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            writer = await _connect(path)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot open the database {path}: {error}") from None
        try:
            await _migrate(writer)
            reader = await _connect(path)
        except sqlite3.DatabaseError as error:
            await writer.close()
            raise StoreError(f"cannot open the database {path}: {error}") from None
        except BaseException:
            await writer.close()
            raise
        store = cls(path, reader, writer, Snapshot(0, SearchIndex(), (), ()), clock)
        store.snapshot = await store._read_snapshot()
        return store

    async def close(self) -> None:
        await self.reader.close()
        await self.writer.close()

    @property
    def loading(self) -> bool:
        return self._load_lock.locked()

    async def schema_version(self) -> int:
        return await _user_version(self.reader)

    # --- loading ---------------------------------------------------------------------------

    async def load_folder(
        self,
        folder: str | Path,
        *,
        timezone: ZoneInfo = KYIV,
        max_bytes: int = DEFAULT_MAX_BYTES,
        wait: bool = True,
    ) -> LoadReport:
        """Mirror the article files of `folder` into the store, in one transaction.

        New and changed files are parsed; unchanged ones (same content hash) are not. A file that
        fails keeps its last good version. Raises LoadInProgress when `wait` is false and another
        load is running.
        """
        if not wait and self._load_lock.locked():
            raise LoadInProgress("a load of the articles is already running")
        async with self._load_lock:
            for _ in range(LOAD_ATTEMPTS - 1):
                with contextlib.suppress(_StaleRead):
                    return await self._load(Path(folder), timezone, max_bytes)
            return await self._load(Path(folder), timezone, max_bytes)

    async def _load(self, folder: Path, timezone: ZoneInfo, max_bytes: int) -> LoadReport:
        started = self.clock()
        clock = asyncio.get_running_loop().time()
        generation = await self._generation()
        known = {
            row[0]: (row[1], row[2])
            for row in await self.writer.execute_fetchall(
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
        reports += [FileReport(name, "removed") for name in removed]

        if to_parse or removed:
            async with self._write_lock:
                reports += await self._write(
                    _parse_all(to_parse, timezone.key),
                    [known[n][1] for n in removed],
                    known,
                    started,
                    generation,
                )
        # Another process on the same database may have loaded too: read what is there.
        if await self._generation() != self.snapshot.generation:
            self.snapshot = await self._read_snapshot()
        reports.sort(key=lambda r: r.file_name)
        seconds = asyncio.get_running_loop().time() - clock
        report = LoadReport(str(folder), tuple(reports), started, seconds)
        log.info("loaded %s: %s in %.2fs", folder, report.summary(), seconds)
        for file in reports:
            if file.outcome == "failed":
                log.warning("could not load %s: %s", file.file_name, file.reason)
        return report

    async def _write(
        self,
        parsed_chunks: AsyncIterator[list[_Parsed]],
        removed_ids: list[int],
        known: dict[str, tuple[str, int]],
        now: datetime,
        generation: int,
    ) -> list[FileReport]:
        """Write parsed articles as they come, removals, and the rebuilt index: one transaction.

        A file that failed to parse is only reported; its stored version stays as it was.
        Raises _StaleRead when another process wrote articles after `known` was read.
        """
        db = self.writer
        reports: list[FileReport] = []
        changed = bool(removed_ids)
        await db.execute("BEGIN IMMEDIATE")
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
            async for chunk in parsed_chunks:
                batch = _Batch()
                for item in chunk:
                    if item.article is None:
                        reports.append(FileReport(item.file_name, "failed", item.error))
                        continue
                    previous = known.get(item.file_name)
                    outcome: Outcome = "updated" if previous else "added"
                    reports.append(FileReport(item.file_name, outcome, title=item.article.title))
                    article_id = previous[1] if previous else ids.take("articles")
                    batch.add(item, article_id, previous is None, now, ids, written)
                    for term, word in item.surfaces:
                        surface.setdefault(term, word)
                await batch.write(db)
                changed = changed or batch.articles > 0
            if not changed:
                await db.rollback()
                return reports
            for term, word in await db.execute_fetchall("SELECT term, surface FROM search_terms"):
                surface.setdefault(str(term), str(word))
            facts = [
                (int(i), str(t))
                for i, t in await db.execute_fetchall("SELECT id, terms FROM facts")
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
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
        return reports

    async def _generation(self) -> int:
        """How many times the articles have changed: each load that changes them counts one."""
        row = await _one(self.writer, "SELECT generation FROM search_meta")
        assert row is not None  # written by the first migration
        return int(row[0])

    async def _read_snapshot(self) -> Snapshot:
        db = self.reader
        meta = await _one(db, "SELECT * FROM search_meta")
        assert meta is not None  # written by the first migration
        terms = await db.execute_fetchall("SELECT term, df, postings, surface FROM search_terms")
        index = await asyncio.to_thread(
            SearchIndex.from_rows,
            ((str(t), int(d), bytes(p), str(s)) for t, d, p, s in terms),
            int(meta[2]),
            float(meta[3]),
        )
        articles = tuple(
            _article_row(row)
            for row in await db.execute_fetchall(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles"
                " ORDER BY COALESCE(published_utc, loaded_at) DESC, id DESC"
            )
        )
        speakers = tuple(
            str(row[0])
            for row in await db.execute_fetchall(
                "SELECT speaker FROM quotes WHERE speaker IS NOT NULL"
                " GROUP BY speaker ORDER BY count(*) DESC, speaker"
            )
        )
        names = await db.execute_fetchall(
            "SELECT name FROM sources GROUP BY name ORDER BY count(*) DESC LIMIT 2000"
        )
        return Snapshot(
            int(meta[1]),
            index,
            articles,
            speakers,
            _topics(index, [*speakers, *(str(row[0]) for row in names)]),
            {a.id: a for a in articles},
        )

    # --- the audit trail ----------------------------------------------------------------------

    async def record_reload(
        self,
        report: LoadReport,
        *,
        user_name: str,
        user_id: int | None = None,
        guild_id: int | None = None,
    ) -> None:
        files = json.dumps(
            [[f.file_name, f.outcome, f.reason] for f in report.files if f.outcome != "unchanged"]
        )
        await self._execute_write(
            "INSERT INTO reloads (at, guild_id, user_id, user_name, summary, failed, seconds,"
            " files) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.started_at.isoformat(),
                guild_id,
                user_id,
                user_name,
                report.summary(),
                report.count("failed"),
                report.seconds,
                files,
            ),
        )

    async def recent_reloads(self, limit: int = 10) -> list[ReloadRecord]:
        rows = await self.reader.execute_fetchall(
            "SELECT at, user_name, summary, failed, seconds FROM reloads"
            " ORDER BY at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [
            ReloadRecord(datetime.fromisoformat(at), name, summary, int(failed), float(seconds))
            for at, name, summary, failed, seconds in rows
        ]

    async def _execute_write(self, sql: str, args: Sequence[Any] = ()) -> int:
        """One statement on the writer, outside any load's transaction; the rows it changed."""
        async with self._write_lock:
            cursor = await self.writer.execute(sql, args)
            changed = cursor.rowcount
            await cursor.close()
        return changed

    # --- daily digests ------------------------------------------------------------------------

    async def digest_settings(self) -> dict[int, DigestSettingsRow]:
        """Every server's own digest settings, by server id."""
        rows = await self.reader.execute_fetchall(
            "SELECT guild_id, channel_id, post_time, timezone, enabled, skip_empty, schedule_from"
            " FROM digest_settings"
        )
        return {int(row[0]): _digest_settings_row(row) for row in rows}

    async def save_digest_settings(
        self, settings: DigestSettingsRow, *, updated_by: int | None
    ) -> None:
        await self._execute_write(
            "INSERT INTO digest_settings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
            " post_time = excluded.post_time, timezone = excluded.timezone,"
            " enabled = excluded.enabled, skip_empty = excluded.skip_empty,"
            " schedule_from = excluded.schedule_from, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (
                settings.guild_id,
                settings.channel_id,
                settings.post_time.strftime("%H:%M"),
                settings.timezone.key,
                int(settings.enabled),
                int(settings.skip_empty),
                _stamp(settings.schedule_from) if settings.schedule_from else None,
                updated_by,
                _stamp(self.clock()),
            ),
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
        rows = await self.reader.execute_fetchall(
            f"SELECT {_DIGEST_DAY_COLUMNS} FROM digest_days WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date.isoformat()),
        )
        return next((_digest_day(row) for row in rows), None)

    async def latest_digest_day(self, guild_id: int) -> DigestDay | None:
        rows = await self.reader.execute_fetchall(
            f"SELECT {_DIGEST_DAY_COLUMNS} FROM digest_days WHERE guild_id = ?"
            " ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return next((_digest_day(row) for row in rows), None)

    async def digest_covered(self, guild_id: int) -> tuple[datetime, int] | None:
        """Up to when, and up to which load, the server's posted (or rightly skipped) digests
        covered the articles; None before its first."""
        row = await _one(
            self.reader,
            "SELECT until, up_to_generation FROM digest_days WHERE guild_id = ? AND status IN"
            " ('posted', 'skipped') ORDER BY up_to_generation DESC, until DESC LIMIT 1",
            (guild_id,),
        )
        return (datetime.fromisoformat(row[0]), int(row[1])) if row else None

    async def articles_by_id(self, ids: Sequence[int]) -> list[ArticleRow]:
        """The articles with these ids that are still there, in the order given."""
        if not ids:
            return []
        rows = await self.reader.execute_fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            list(ids),
        )
        found = {row.id: row for row in map(_article_row, rows)}
        return [found[i] for i in ids if i in found]

    async def changed_articles(
        self, *, after_generation: int | None, up_to_generation: int | None, since: datetime
    ) -> list[ArticleRow]:
        """The articles written by the loads after `after_generation` up to `up_to_generation`
        (None: no bound), newest first; without a lower bound, those updated after `since`.
        Read from the database, not the snapshot, which another process's loads do not move."""
        rows = await self.reader.execute_fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE (? IS NULL OR generation > ?)"
            " AND (? IS NULL OR generation <= ?)"
            " ORDER BY COALESCE(published_utc, loaded_at) DESC, id DESC",
            (after_generation, after_generation, up_to_generation, up_to_generation),
        )
        articles = [_article_row(row) for row in rows]
        if after_generation is None:
            articles = [a for a in articles if a.updated_at > since]
        return articles

    # --- reading ---------------------------------------------------------------------------

    async def facts(self, ids: Iterable[int]) -> dict[int, FactRow]:
        wanted = list(ids)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self.reader.execute_fetchall(
            "SELECT f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker, f.terms"
            " FROM facts f JOIN sections s ON s.id = f.section_id"
            f" WHERE f.id IN ({marks})",
            wanted,
        )
        return {int(row[0]): FactRow(*row) for row in rows}

    async def article_facts(self, article_id: int) -> list[FactRow]:
        rows = await self.reader.execute_fetchall(
            "SELECT f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker, f.terms"
            " FROM facts f JOIN sections s ON s.id = f.section_id"
            " WHERE f.article_id = ? ORDER BY f.position",
            (article_id,),
        )
        return [FactRow(*row) for row in rows]

    async def sources(self, article_id: int) -> list[SourceRow]:
        rows = await self.reader.execute_fetchall(
            "SELECT name, description FROM sources WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [SourceRow(*row) for row in rows]

    async def sources_of(self, article_ids: Sequence[int]) -> dict[int, list[SourceRow]]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        rows = await self.reader.execute_fetchall(
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
        rows = await self.reader.execute_fetchall(
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
        rows = await self.reader.execute_fetchall(
            "SELECT article_id, fact_id, text, qualifier, value, unit, claimant, when_text,"
            f" sentence FROM figures {where} ORDER BY article_id DESC, position",
            args,
        )
        return [FigureRow(row[0], row[1], Figure(*row[2:])) for row in rows]


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


def _digest_settings_row(row: Sequence[Any]) -> DigestSettingsRow:
    hours, minutes = str(row[2]).split(":")
    return DigestSettingsRow(
        int(row[0]),
        int(row[1]) if row[1] is not None else None,
        time(int(hours), int(minutes)),
        ZoneInfo(str(row[3])),
        bool(row[4]),
        bool(row[5]),
        datetime.fromisoformat(row[6]) if row[6] else None,
    )


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


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: transactions are begun and ended explicitly, where they belong.
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        # The busy timeout first: switching to WAL waits for another process opening the file.
        for pragma in (
            "busy_timeout = 5000",
            "journal_mode = WAL",
            "foreign_keys = ON",
            "synchronous = NORMAL",
        ):
            # Read to the end: a statement left open (journal_mode answers a row) blocks COMMIT.
            await db.execute_fetchall(f"PRAGMA {pragma}")
    except BaseException:
        await db.close()  # its thread would otherwise keep the process alive
        raise
    return db


async def _one(
    db: aiosqlite.Connection, sql: str, args: Sequence[Any] = ()
) -> Sequence[Any] | None:
    """The first row of a query, with its statement finished: an open one blocks COMMIT."""
    rows = await db.execute_fetchall(sql, args)
    return next(iter(rows), None)


async def _user_version(db: aiosqlite.Connection) -> int:
    row = await _one(db, "PRAGMA user_version")
    return int(row[0]) if row else 0


async def _migrate(db: aiosqlite.Connection) -> None:
    """Bring the schema up to date in one transaction, the version read under its lock: two
    processes opening a new database together upgrade it once."""
    version = number = 0
    await db.execute("BEGIN IMMEDIATE")
    try:
        version = number = await _user_version(db)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the database is at schema version {version}, newer than this newsdesk "
                f"({SCHEMA_VERSION}); upgrade newsdesk or use another NEWSDESK_DB"
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in (s for s in MIGRATIONS[number - 1].split(";") if s.strip()):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
        await db.commit()
    except sqlite3.DatabaseError as error:
        await db.rollback()
        raise StoreError(f"cannot upgrade the database to version {number}: {error}") from None
    except BaseException:
        await db.rollback()
        raise
    if number > version:
        log.info("database upgraded from schema version %d to %d", version, number)


def _read_folder(folder: Path, max_bytes: int) -> list[_Candidate]:
    """The article files directly in `folder`, read and hashed; refusals carry their reason."""
    if not folder.is_dir():
        raise FileNotFoundError(f"the seeds folder {folder} does not exist")
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


async def _parse_all(candidates: list[_Candidate], zone: str) -> AsyncIterator[list[_Parsed]]:
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
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as executor:
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
        row = await _one(db, f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
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
        fact_ids: list[tuple[int, str]] = []
        position = 0
        for section_position, section in enumerate(article.sections):
            section_id = ids.take("sections")
            self.sections.append(
                (section_id, article_id, section_position, section.label, section.kind)
            )
            for fact in section.facts:
                fact_id = ids.take("facts")
                speaker = next(
                    (q.speaker for q in article.quotes if q.speaker and q.text in fact.text), None
                )
                terms = item.fact_terms[position] if position < len(item.fact_terms) else ""
                self.facts.append(
                    (fact_id, article_id, section_id, position, fact.text, terms, speaker)
                )
                fact_ids.append((fact_id, fact.text))
                position += 1
        self.quotes += [
            (ids.take("quotes"), article_id, n, q.text, q.speaker)
            for n, q in enumerate(article.quotes)
        ]
        for n, figure in enumerate(article.figures):
            figure_fact = next((i for i, text in fact_ids if figure.sentence in text), None)
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
