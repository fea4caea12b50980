"""A load into the store, in one transaction: of the seeds folder (which files are new, changed
or gone; refused when it would remove most of the articles) or of fetched and uploaded pages;
the parsed articles written in batches, the search index rebuilt, and the audit row."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.search import SearchIndex
from bot.store.connection import Database
from bot.store.errors import storage_error
from bot.store.parsing import (
    Candidate,
    Document,
    FileStat,
    Origin,
    Parsed,
    hashed,
    parse_all,
    read_folder,
)
from bot.store.reads import Reads
from bot.store.reports import (
    FileReport,
    LoadReport,
    LoadStopped,
    Outcome,
    Requester,
    StaleRead,
    audit_row,
    removal_refusal,
)
from bot.store.stories import group_stories

# What a load calls to group stories, named here so a benchmark can time it.
__all__ = ["Batch", "Load", "group_stories"]

log = logging.getLogger(__name__)

# A load that writes or removes at most this many articles updates the search index in place;
# a bigger one rebuilds it, which costs less than updating most of its lists one by one.
INCREMENTAL_ARTICLES = 500
ID_CHUNK = 500  # ids per IN (...) list
RESTAT = "UPDATE articles SET file_size = ?, file_mtime_ns = ? WHERE id = ?"


class Load:
    """One load of `folder`, or of `documents` (pages, uploads) named by `folder` in its
    report: what it found, what it wrote, and its report."""

    def __init__(
        self,
        db: Database,
        folder: Path | str,
        *,
        timezone: ZoneInfo,
        max_bytes: int,
        by: Requester,
        started: datetime,
        stopping: Callable[[], bool],
        documents: Sequence[Document] | None = None,
        base: tuple[int, SearchIndex] | None = None,
    ) -> None:
        self.db = db
        self.folder = folder
        # The index readers have, at its generation: what a small load updates in place.
        self.base = base
        self.written_ids: list[int] = []
        self.documents = {d.key: d for d in documents} if documents is not None else None
        self.timezone = timezone
        self.max_bytes = max_bytes
        self.by = by
        self.started = started
        self.stopping = stopping
        self.began = asyncio.get_running_loop().time()
        self.reports: list[FileReport] = []
        self.refused: str | None = None  # why it loaded nothing, when it refused
        # Unchanged files whose stat changed (touched, or not known yet): size, time, id.
        self.restat: list[tuple[int, int, int]] = []

    def report(self, refused: str | None = None) -> LoadReport:
        """The report so far: every file, sorted, and how long the load has taken."""
        seconds = asyncio.get_running_loop().time() - self.began
        files = () if refused else tuple(sorted(self.reports, key=lambda r: r.file_name))
        return LoadReport(str(self.folder), files, self.started, seconds, refused)

    async def run(self, *, allow_removals: bool) -> tuple[int, SearchIndex] | None:
        """Load the folder, or the documents; the index written and its generation, when the
        articles changed. Raises StaleRead when another process wrote articles meanwhile (start
        again)."""
        generation = await self.db.generation()
        reads = Reads(self.db.writer, self.db.path)
        if self.documents is not None:
            return await self._load_documents(reads, generation)
        # The folder's articles only: fetched and uploaded ones are not in the folder, and stay.
        rows = await reads.rows(
            "SELECT file_name, content_hash, id, file_size, file_mtime_ns FROM articles"
            " WHERE origin = 'folder'"
        )
        known = {str(row[0]): (str(row[1]), int(row[2])) for row in rows}
        stats: dict[str, FileStat | None] = {
            str(row[0]): (int(row[3]), int(row[4])) if row[4] is not None else None for row in rows
        }
        del rows
        candidates = await asyncio.to_thread(
            read_folder,
            Path(self.folder),
            self.max_bytes,
            # A forgotten hash (an upgrade's re-parse) is never taken for the file's.
            {
                name: (stat, known[name][0])
                for name, stat in stats.items()
                if stat is not None and known[name][0]
            },
        )
        to_parse: list[Candidate] = []
        for candidate in candidates:
            previous = known.get(candidate.file_name)
            if candidate.reason is not None:
                self.reports.append(FileReport(candidate.file_name, "failed", candidate.reason))
            elif previous is not None and previous[0] == candidate.content_hash:
                self.reports.append(FileReport(candidate.file_name, "unchanged"))
                if candidate.stat is not None and candidate.stat != stats[candidate.file_name]:
                    self.restat.append((*candidate.stat, previous[1]))
            else:
                to_parse.append(candidate)
        present = {c.file_name for c in candidates}
        removed = sorted(name for name in known if name not in present)
        refused = (
            None if allow_removals else removal_refusal(len(removed), len(known), len(present))
        )
        if refused is not None:
            await self.db.execute_write(*audit_row(self.report(refused), self.by))
            log.warning("refused to load %s: %s", self.folder, refused)
            self.refused = refused
            return None
        self.reports += [FileReport(name, "removed") for name in removed]
        # Stored pages whose parse an upgrade forgot (their hash is empty) are parsed again
        # from the page as it was fetched.
        for row in await reads.rows(
            "SELECT a.file_name, a.id, p.body, p.content_type, a.url FROM articles a"
            " JOIN pages p ON p.article_id = a.id WHERE a.content_hash = ''"
        ):
            body = bytes(row[2])
            known[str(row[0])] = ("", int(row[1]))
            html = str(row[3]) in ("text/html", "application/xhtml+xml")
            to_parse.append(Candidate(str(row[0]), None, body, hashed(body), html=html, url=row[4]))
        if not (to_parse or removed):
            await self.db.execute_writes(
                [audit_row(self.report(), self.by)], many=[(RESTAT, self.restat)]
            )
            return None
        return await self._parse_and_write(
            to_parse, [known[n][1] for n in removed], known, generation
        )

    async def _load_documents(
        self, reads: Reads, generation: int
    ) -> tuple[int, SearchIndex] | None:
        assert self.documents is not None
        keys = list(self.documents)
        marks = ", ".join("?" * len(keys))
        known = {
            str(row[0]): (str(row[1]), int(row[2]))
            for row in await reads.rows(
                f"SELECT file_name, content_hash, id FROM articles WHERE file_name IN ({marks})",
                keys,
            )
        }
        to_parse = []
        for document in self.documents.values():
            digest = hashed(document.data)
            previous = known.get(document.key)
            if previous is not None and previous[0] == digest:
                self.reports.append(FileReport(document.key, "unchanged", article_id=previous[1]))
                continue
            to_parse.append(
                Candidate(
                    document.key, None, document.data, digest, html=document.html, url=document.url
                )
            )
        if not to_parse:
            await self.db.execute_write(*audit_row(self.report(), self.by))
            return None
        return await self._parse_and_write(to_parse, [], known, generation)

    async def _parse_and_write(
        self,
        to_parse: list[Candidate],
        removed_ids: list[int],
        known: dict[str, tuple[str, int]],
        generation: int,
    ) -> tuple[int, SearchIndex] | None:
        rewritten = [known[c.file_name][1] for c in to_parse if c.file_name in known]
        async with self.db.write_lock:
            return await self._write(
                parse_all(to_parse, self.timezone.key, self.max_bytes),
                removed_ids,
                known,
                generation,
                rewritten if len(to_parse) + len(removed_ids) <= INCREMENTAL_ARTICLES else None,
            )

    async def _write(
        self,
        parsed_chunks: AsyncGenerator[list[Parsed], None],
        removed_ids: list[int],
        known: dict[str, tuple[str, int]],
        generation: int,
        rewritten: list[int] | None,
    ) -> tuple[int, SearchIndex] | None:
        """Write parsed articles as they come, removals, the index and the audit row: one
        transaction. The index written, and its generation, are returned (None when only the
        audit row was). `rewritten` are the stored articles the load may write again, when it
        is small enough to update the index in place (None: rebuild it).

        A file that failed to parse is only reported; its stored version stays as it was.
        Raises StaleRead when another process wrote articles after `known` was read.
        """
        db = self.db.writer
        changed = bool(removed_ids)
        await self.db.begin_write()
        try:
            if await self.db.generation() != generation:
                raise StaleRead
            base = self.base[1] if self.base and self.base[0] == generation else None
            before: Indexed | None = None
            if base is not None and rewritten is not None:
                before = await Indexed.read(db, [*rewritten, *removed_ids])
            if removed_ids:
                await db.executemany(
                    "DELETE FROM articles WHERE id = ?", [(i,) for i in removed_ids]
                )
            written = generation + 1  # what this load's commit makes the generation
            surface: dict[str, str] = {}
            async with contextlib.aclosing(parsed_chunks) as chunks:
                changed = await self._write_chunks(chunks, known, written, surface) or changed
            index = None
            if changed and base is not None and before is not None:
                index = await self._update_index(base, before, removed_ids, surface)
            elif changed:
                index = await self._rebuild_index(surface)
            await db.executemany(RESTAT, self.restat)
            await db.execute(*audit_row(self.report(), self.by))
            if self.stopping():
                raise LoadStopped("the bot is shutting down")
            await db.commit()
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                await db.rollback()
            if isinstance(error, sqlite3.Error):
                raise storage_error(error, self.db.path) from None
            raise
        return (written, index) if index is not None else None

    async def _write_chunks(
        self,
        chunks: AsyncGenerator[list[Parsed], None],
        known: dict[str, tuple[str, int]],
        written: int,
        surface: dict[str, str],
    ) -> bool:
        """Each chunk of parsed files as one batch of inserts; True when an article was written."""
        db = self.db.writer
        ids = await next_ids(db)
        changed = False
        written_ids: list[int] = []
        async for chunk in chunks:
            if self.stopping():
                raise LoadStopped("the bot is shutting down")
            batch = Batch()
            for item in chunk:
                if item.rows is None:
                    self.reports.append(FileReport(item.file_name, "failed", item.error))
                    continue
                previous = known.get(item.file_name)
                outcome: Outcome = "updated" if previous else "added"
                article_id = previous[1] if previous else ids.take("articles")
                self.reports.append(
                    FileReport(
                        item.file_name, outcome, title=item.rows.title, article_id=article_id
                    )
                )
                document = self.documents.get(item.file_name) if self.documents else None
                origin: Origin = document.origin if document else "folder"
                batch.add(item, article_id, previous is None, self.started, ids, written, origin)
                if document is not None:
                    batch.pages.append(
                        (
                            article_id,
                            document.address,
                            document.content_type,
                            document.data,
                            self.started.isoformat(),
                        )
                    )
                written_ids.append(article_id)
                for term, word in item.rows.surfaces:
                    surface.setdefault(term, word)
            await batch.write(db)
            changed = changed or batch.articles > 0
        await group_stories(db, written_ids)
        self.written_ids = written_ids
        return changed

    async def _update_index(
        self,
        base: SearchIndex,
        before: Indexed,
        removed_ids: list[int],
        surface: dict[str, str],
    ) -> SearchIndex:
        """The readers' index with what this load changed, written in its transaction: the
        facts of the articles it wrote, removed, or whose copy became (or stopped being) the
        one that is found."""
        db = self.db.writer
        replaced = await replaced_articles(db)
        # Whose facts go: those found before, of articles written, removed or replaced now.
        leaving = set(self.written_ids) | set(removed_ids) | (replaced - before.replaced)
        # Whose facts come: articles written, and copies found again, unless replaced now.
        arriving = (set(self.written_ids) | (before.replaced - replaced)) - replaced
        arriving -= set(removed_ids)
        gone = [
            fact for article in leaving - before.replaced for fact in before.facts.get(article, [])
        ]
        # An article replaced now that this load did not write: its facts are as stored.
        unwritten = (replaced - before.replaced) - set(self.written_ids) - set(removed_ids)
        if unwritten:
            gone += [
                f
                for facts in (await Indexed.read(db, list(unwritten))).facts.values()
                for f in facts
            ]
        coming = [
            f for facts in (await Indexed.read(db, list(arriving))).facts.values() for f in facts
        ]
        index, touched = await asyncio.to_thread(base.updated, gone, coming, surface)
        rows = list(index.term_rows(touched))
        kept = {row[0] for row in rows}
        await db.executemany(
            "DELETE FROM search_terms WHERE term = ?", [(t,) for t in touched if t not in kept]
        )
        await db.executemany("INSERT OR REPLACE INTO search_terms VALUES (?, ?, ?, ?)", rows)
        await db.execute(
            "UPDATE search_meta SET generation = generation + 1, fact_count = ?,"
            " average_length = ?",
            (index.fact_count, index.average_length),
        )
        return index

    async def _rebuild_index(self, surface: dict[str, str]) -> SearchIndex:
        """The search index over every stored fact, written in the load's transaction."""
        db = self.db.writer
        for term, word in await db.execute_fetchall("SELECT term, surface FROM search_terms"):
            surface.setdefault(str(term), str(word))
        # The older copy of an updated article is kept, for when its update goes, but not found.
        facts = [
            (int(i), str(t))
            for i, t in await db.execute_fetchall(
                "SELECT id, terms FROM facts WHERE article_id NOT IN"
                " (SELECT id FROM articles WHERE replaced_by IS NOT NULL)"
            )
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


async def replaced_articles(db: aiosqlite.Connection) -> set[int]:
    """The articles an update replaced: kept, but not found."""
    rows = await db.execute_fetchall("SELECT id FROM articles WHERE replaced_by IS NOT NULL")
    return {int(row[0]) for row in rows}


@dataclass(slots=True)
class Indexed:
    """Some articles' facts as the index knows them (id, terms), and which articles are
    replaced copies, as they were when read."""

    facts: dict[int, list[tuple[int, str]]]
    replaced: set[int]

    @classmethod
    async def read(cls, db: aiosqlite.Connection, article_ids: list[int]) -> Indexed:
        facts: dict[int, list[tuple[int, str]]] = {}
        for start in range(0, len(article_ids), ID_CHUNK):
            chunk = article_ids[start : start + ID_CHUNK]
            rows = await db.execute_fetchall(
                f"SELECT article_id, id, terms FROM facts WHERE article_id IN"
                f" ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for article, fact, terms in rows:
                facts.setdefault(int(article), []).append((int(fact), str(terms)))
        return cls(facts, await replaced_articles(db))


class Ids:
    """Next free row ids, so a whole load is inserted in a few batches."""

    def __init__(self, start: dict[str, int]) -> None:
        self._next = dict(start)

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


async def next_ids(db: aiosqlite.Connection) -> Ids:
    start = {}
    for table in ("articles", "sources", "sections", "facts", "quotes", "figures"):
        rows = await db.execute_fetchall(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        row = next(iter(rows), None)
        start[table] = int(row[0]) if row else 1
    return Ids(start)


@dataclass(slots=True)
class Batch:
    articles: int = 0
    new_articles: list[tuple[Any, ...]] = field(default_factory=list)
    updated_articles: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    sections: list[tuple[Any, ...]] = field(default_factory=list)
    facts: list[tuple[Any, ...]] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[tuple[Any, ...]] = field(default_factory=list)
    story_keys: list[tuple[str, int]] = field(default_factory=list)
    pages: list[tuple[Any, ...]] = field(default_factory=list)

    def add(
        self,
        item: Parsed,
        article_id: int,
        new: bool,
        now: datetime,
        ids: Ids,
        generation: int,
        origin: Origin = "folder",
    ) -> None:
        """One parsed article's rows, given their ids: the article (a new row, or its old one
        updated), its sources, sections, facts, quotes, figures and story keys."""
        rows = item.rows
        assert rows is not None
        self.articles += 1
        stamp = now.isoformat()
        size, mtime_ns = item.stat or (None, None)
        values = (*rows.article, size, mtime_ns, item.content_hash, stamp, generation)
        if new:
            self.new_articles.append((article_id, item.file_name, *values, stamp, origin))
        else:
            *fields, content_hash, updated_at, written = values
            self.updated_articles.append((*fields, updated_at, written, content_hash, article_id))
        self.sources += [
            (ids.take("sources"), article_id, n, *source) for n, source in enumerate(rows.sources)
        ]
        fact_ids: list[int] = []
        for position, (label, kind, facts) in enumerate(rows.sections):
            section_id = ids.take("sections")
            self.sections.append((section_id, article_id, position, label, kind))
            for fact in facts:
                fact_id = ids.take("facts")
                self.facts.append((fact_id, article_id, section_id, *fact))
                fact_ids.append(fact_id)
        self.quotes += [
            (ids.take("quotes"), article_id, n, *quote) for n, quote in enumerate(rows.quotes)
        ]
        self.story_keys += [(key, article_id) for key in rows.story_keys]
        for n, (at, *figure) in enumerate(rows.figures):
            figure_fact = fact_ids[at] if at is not None else None
            self.figures.append((ids.take("figures"), article_id, figure_fact, n, *figure))

    async def write(self, db: aiosqlite.Connection) -> None:
        # An updated article keeps its row, so its id and loaded_at survive; its parts are new.
        updated = [(row[-1],) for row in self.updated_articles]
        for table in ("figures", "quotes", "facts", "sections", "sources", "story_keys"):
            await db.executemany(f"DELETE FROM {table} WHERE article_id = ?", updated)
        await db.executemany(
            "INSERT INTO articles (id, file_name, title, published, published_utc, author,"
            " photo_caption, photo_credit, lead, url, revised_utc, file_size, file_mtime_ns,"
            " content_hash, updated_at, generation, loaded_at, origin)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.new_articles,
        )
        # A forgotten hash marks a re-parse after an upgrade (schemas 7 and 8): the article is
        # the same, so it keeps when it was last updated, and the digest does not report it again.
        await db.executemany(
            "UPDATE articles SET title = ?, published = ?, published_utc = ?, author = ?,"
            " photo_caption = ?, photo_credit = ?, lead = ?, url = ?, revised_utc = ?,"
            " file_size = ?, file_mtime_ns = ?,"
            " updated_at = CASE content_hash WHEN '' THEN updated_at ELSE ? END,"
            " generation = CASE content_hash WHEN '' THEN generation ELSE ? END,"
            " content_hash = ? WHERE id = ?",
            self.updated_articles,
        )
        await db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", self.sources)
        await db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)", self.sections)
        await db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.facts)
        await db.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?)", self.quotes)
        await db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.figures
        )
        await db.executemany("INSERT INTO story_keys VALUES (?, ?)", self.story_keys)
        # The page as fetched, so that a re-parse after an upgrade needs no refetch.
        await db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", self.pages)
