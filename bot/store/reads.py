"""Reading the articles: the queries on one connection, the live database's or a snapshot's
view pinned to one commit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.articles import Claim
from bot.store.errors import storage_error
from bot.store.rows import (
    ARTICLE_COLUMNS,
    ArticleRow,
    FactRow,
    FigureRow,
    QuoteRow,
    SourceRow,
    article_row,
    figure_row,
)

# A FactRow's columns, of facts f joined to their sections s.
FACT_COLUMNS = (
    "f.id, f.article_id, f.position, f.text, s.label, s.kind, f.speaker, f.terms, f.claim"
)


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
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN sections s ON s.id = f.section_id"
            f" WHERE f.id IN ({marks})",
            wanted,
        )
        return {int(row[0]): FactRow(*row) for row in rows}

    async def claimants(self) -> list[str]:
        """Everyone a fact is credited to, most claims first."""
        rows = await self.rows(
            "SELECT claimant FROM facts WHERE claimant IS NOT NULL"
            " GROUP BY claimant ORDER BY count(*) DESC, claimant"
        )
        return [str(row[0]) for row in rows]

    async def claim_count(self, names: Sequence[str]) -> int:
        """About how many facts are credited to `names` or quote them: a fact that is both is
        counted twice. Counted in the two indexes alone, so cheap for anyone."""
        marks = ",".join("?" * len(names))
        row = await self.one(
            f"SELECT (SELECT count(*) FROM facts WHERE claimant IN ({marks}))"
            f" + (SELECT count(*) FROM facts WHERE speaker IN ({marks}))",
            [*names, *names],
        )
        assert row is not None
        return int(row[0])

    async def claimed_by(self, names: Sequence[str], limit: int) -> list[FactRow]:
        """The facts credited to `names` or quoting them, newest article first, in the articles
        shown (not those replaced by a later copy): "Russian propaganda publications said Kim
        expressed 'full support'" is what Kim said, as they report it. Every such fact is read
        and sorted: for someone who claims a lot, Snapshot.claimed_by walks the newest articles
        instead."""
        marks = ",".join("?" * len(names))
        rows = await self.rows(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN sections s ON s.id = f.section_id"
            " JOIN articles a ON a.id = f.article_id"
            f" WHERE (f.claimant IN ({marks}) OR f.speaker IN ({marks}))"
            " AND a.replaced_by IS NULL"
            " ORDER BY COALESCE(a.published_utc, a.loaded_at) DESC, a.id DESC, f.position"
            " LIMIT ?",
            [*names, *names, limit],
        )
        return [FactRow(*row) for row in rows]

    async def claimed_in(self, names: Sequence[str], article_ids: Sequence[int]) -> list[FactRow]:
        """The facts of these articles credited to `names` or quoting them, in no order."""
        if not article_ids:
            return []
        marks = ",".join("?" * len(names))
        # The unary + keeps SQLite off the claimant and speaker indexes: the articles are few,
        # the facts of a frequent claimant are not.
        rows = await self.rows(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN sections s ON s.id = f.section_id"
            f" WHERE f.article_id IN ({','.join('?' * len(article_ids))})"
            f" AND (+f.claimant IN ({marks}) OR +f.speaker IN ({marks}))",
            [*article_ids, *names, *names],
        )
        return [FactRow(*row) for row in rows]

    async def article_facts(self, article_id: int) -> list[FactRow]:
        rows = await self.rows(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN sections s ON s.id = f.section_id"
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
        self,
        *,
        article_id: int | None = None,
        speaker: str | None = None,
        limit: int | None = None,
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
            " ORDER BY article_id DESC, position LIMIT ?",
            [*args, -1 if limit is None else limit],
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
            f" sentence, counted, of_total FROM figures {where} ORDER BY article_id DESC, position",
            args,
        )
        return [figure_row(row) for row in rows]

    async def figures_on(
        self, unit: str, limit: int
    ) -> list[tuple[FigureRow, Claim | None, datetime | None]]:
        """The figures on `unit`, each with its fact's claim and its article's publication,
        newest article first; none of an article a newer copy replaced."""
        rows = await self.rows(
            "SELECT g.article_id, g.fact_id, g.text, g.qualifier, g.value, g.unit, g.claimant,"
            " g.when_text, g.sentence, g.counted, g.of_total, f.claim, a.published"
            " FROM figures g JOIN articles a ON a.id = g.article_id"
            " LEFT JOIN facts f ON f.id = g.fact_id"
            " WHERE g.unit = ? AND a.replaced_by IS NULL"
            " ORDER BY COALESCE(a.published_utc, a.loaded_at) DESC LIMIT ?",
            (unit, limit),
        )
        return [
            (
                figure_row(row[:11]),
                Claim.from_json(json.loads(row[11])) if row[11] else None,
                datetime.fromisoformat(row[12]) if row[12] else None,
            )
            for row in rows
        ]

    async def articles_by_id(self, ids: Sequence[int]) -> list[ArticleRow]:
        """The articles with these ids that are still there, in the order given."""
        if not ids:
            return []
        rows = await self.rows(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            list(ids),
        )
        found = {row.id: row for row in map(article_row, rows)}
        return [found[i] for i in ids if i in found]

    async def changed_articles(
        self, *, after_generation: int | None, up_to_generation: int | None, since: datetime
    ) -> list[ArticleRow]:
        """The articles written by the loads after `after_generation` up to `up_to_generation`
        (None: no bound), newest first; without a lower bound, those updated after `since`."""
        rows = await self.rows(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE (? IS NULL OR generation > ?)"
            " AND (? IS NULL OR generation <= ?) AND replaced_by IS NULL"
            " ORDER BY COALESCE(published_utc, loaded_at) DESC, id DESC",
            (after_generation, after_generation, up_to_generation, up_to_generation),
        )
        articles = [article_row(row) for row in rows]
        if after_generation is None:
            articles = [a for a in articles if a.updated_at > since]
        return articles
