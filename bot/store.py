"""The SQLite store: articles and what was extracted from them, the search index, migrations."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiosqlite

from bot.extract import KYIV, ExtractionError, extract_bytes
from bot.model import Article
from bot.search import STOPWORDS, SearchIndex, analyze, stem, words

log = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
PROCESS_POOL_THRESHOLD = 64  # files to parse before worker processes pay for their start-up

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


@dataclass(frozen=True, slots=True)
class QuoteRow:
    article_id: int
    text: str
    speaker: str | None


@dataclass(frozen=True, slots=True)
class FigureRow:
    article_id: int
    fact_id: int | None
    text: str
    qualifier: str | None
    value: float
    unit: str
    claimant: str | None
    when: str | None
    sentence: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the store knew at one commit: readers take one and never see a mix."""

    generation: int
    index: SearchIndex
    articles: tuple[ArticleRow, ...]  # newest first
    speakers: tuple[str, ...]

    def article(self, article_id: int) -> ArticleRow | None:
        return next((a for a in self.articles if a.id == article_id), None)


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


class LoadInProgress(RuntimeError):
    """Another load of the folder is running."""


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
    terms = tuple(" ".join(analyze(fact.text)) for _, fact in article.facts)
    surfaces: dict[str, str] = {}
    for _, fact in article.facts:
        for word in words(fact.text):
            if word not in STOPWORDS:
                surfaces.setdefault(stem(word), word)
    return _Parsed(file_name, content_hash, article, None, terms, tuple(surfaces.items()))


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
    _load_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        try:
            await _migrate(writer)
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        store = cls(path, reader, writer, Snapshot(0, SearchIndex(), (), ()))
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
            return await self._load(Path(folder), timezone, max_bytes)

    async def _load(self, folder: Path, timezone: ZoneInfo, max_bytes: int) -> LoadReport:
        started = datetime.now(UTC)
        clock = asyncio.get_running_loop().time()
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
        parsed = await _parse_all(to_parse, timezone.key)
        present = {c.file_name for c in candidates}
        removed = sorted(name for name in known if name not in present)

        good = [p for p in parsed if p.article is not None]
        for item in parsed:
            if item.article is None:
                reports.append(FileReport(item.file_name, "failed", item.error))
            else:
                outcome: Outcome = "updated" if item.file_name in known else "added"
                reports.append(FileReport(item.file_name, outcome, title=item.article.title))
        reports += [FileReport(name, "removed") for name in removed]

        if good or removed:
            await self._write(good, [known[name][1] for name in removed], known, started)
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
        parsed: list[_Parsed],
        removed_ids: list[int],
        known: dict[str, tuple[str, int]],
        now: datetime,
    ) -> None:
        db = self.writer
        await db.execute("BEGIN IMMEDIATE")
        try:
            if removed_ids:
                await db.executemany(
                    "DELETE FROM articles WHERE id = ?", [(i,) for i in removed_ids]
                )
            updated_ids = [known[p.file_name][1] for p in parsed if p.file_name in known]
            if updated_ids:
                # Children go; the article row stays, so its id and loaded_at survive an update.
                for table in ("figures", "quotes", "facts", "sections", "sources"):
                    await db.executemany(
                        f"DELETE FROM {table} WHERE article_id = ?",
                        [(i,) for i in updated_ids],
                    )
            rows = await _next_ids(db)
            batch = _Batch()
            for item in parsed:
                previous = known.get(item.file_name)
                article_id = previous[1] if previous else rows.take("articles")
                batch.add(item, article_id, previous is None, now, rows)
            await batch.write(db)
            surfaces = await db.execute_fetchall("SELECT term, surface FROM search_terms")
            facts = await db.execute_fetchall("SELECT id, terms FROM facts")
            surface = {str(t): str(s) for t, s in surfaces}
            for term, word in batch.surfaces:
                surface.setdefault(term, word)
            index = await asyncio.to_thread(
                SearchIndex.build, ((int(i), str(t)) for i, t in facts), surface
            )
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

    async def _read_snapshot(self) -> Snapshot:
        db = self.reader
        meta = await (await db.execute("SELECT * FROM search_meta")).fetchone()
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
        return Snapshot(int(meta[1]), index, articles, speakers)

    # --- reading ---------------------------------------------------------------------------

    async def facts(self, ids: Iterable[int]) -> dict[int, FactRow]:
        wanted = list(ids)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self.reader.execute_fetchall(
            "SELECT f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker"
            " FROM facts f JOIN sections s ON s.id = f.section_id"
            f" WHERE f.id IN ({marks})",
            wanted,
        )
        return {int(row[0]): FactRow(*row) for row in rows}

    async def article_facts(self, article_id: int) -> list[FactRow]:
        rows = await self.reader.execute_fetchall(
            "SELECT f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker"
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
        return [FigureRow(*row) for row in rows]


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


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: transactions are begun and ended explicitly, where they belong.
    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA busy_timeout = 5000")
    await db.execute("PRAGMA synchronous = NORMAL")
    return db


async def _user_version(db: aiosqlite.Connection) -> int:
    row = await (await db.execute("PRAGMA user_version")).fetchone()
    return int(row[0]) if row else 0


async def _migrate(db: aiosqlite.Connection) -> None:
    version = await _user_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database is at schema version {version}, newer than this newsdesk "
            f"({SCHEMA_VERSION}); upgrade newsdesk or use another NEWSDESK_DB"
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        statements = [s for s in MIGRATIONS[number - 1].split(";") if s.strip()]
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
            await db.commit()
        except sqlite3.DatabaseError as error:
            await db.rollback()
            raise StoreError(f"cannot upgrade the database to version {number}: {error}") from None
        log.info("database upgraded to schema version %d", number)


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


async def _parse_all(candidates: list[_Candidate], zone: str) -> list[_Parsed]:
    jobs = [(c.file_name, c.data or b"", c.content_hash or "", zone) for c in candidates]
    if not jobs:
        return []
    loop = asyncio.get_running_loop()
    if len(jobs) < PROCESS_POOL_THRESHOLD:
        return await asyncio.to_thread(lambda: [_parse(*job) for job in jobs])
    executor: Executor = ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1, mp_context=get_context("spawn")
    )
    with executor:
        chunks = [jobs[i : i + 64] for i in range(0, len(jobs), 64)]
        results = await asyncio.gather(
            *(loop.run_in_executor(executor, _parse_chunk, chunk) for chunk in chunks)
        )
    return [item for chunk in results for item in chunk]


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
        cursor = await db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        row = await cursor.fetchone()
        start[table] = int(row[0]) if row else 1
    return _Ids(start)


@dataclass(slots=True)
class _Batch:
    new_articles: list[tuple[Any, ...]] = field(default_factory=list)
    updated_articles: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    sections: list[tuple[Any, ...]] = field(default_factory=list)
    facts: list[tuple[Any, ...]] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[tuple[Any, ...]] = field(default_factory=list)
    surfaces: list[tuple[str, str]] = field(default_factory=list)

    def add(self, item: _Parsed, article_id: int, new: bool, now: datetime, ids: _Ids) -> None:
        article = item.article
        assert article is not None
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
        self.surfaces += item.surfaces

    async def write(self, db: aiosqlite.Connection) -> None:
        await db.executemany(
            "INSERT INTO articles (id, file_name, title, published, published_utc, author,"
            " photo_caption, photo_credit, lead, url, content_hash, updated_at, loaded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.new_articles,
        )
        await db.executemany(
            "UPDATE articles SET title = ?, published = ?, published_utc = ?, author = ?,"
            " photo_caption = ?, photo_credit = ?, lead = ?, url = ?, content_hash = ?,"
            " updated_at = ? WHERE id = ?",
            self.updated_articles,
        )
        await db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", self.sources)
        await db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)", self.sections)
        await db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?)", self.facts)
        await db.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?)", self.quotes)
        await db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.figures
        )


def _title_from_lead(lead: str) -> str:
    """A title for an article whose headline could not be told: its first words."""
    words_ = lead.split()
    return " ".join(words_[:12]) + ("…" if len(words_) > 12 else "")
