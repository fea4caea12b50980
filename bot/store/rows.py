"""What a reader gets from the store: articles, facts, sources, quotes, figures and digest days, as
rows; and how they are read from SQLite's rows and stamped back."""

from __future__ import annotations

import json
from collections.abc import (
    Sequence,
)
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from bot.articles import Claim, Figure


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
    story: int = 0  # the smallest id among the articles that report the same event
    replaced_by: int | None = None  # the newer copy of the same article, when there is one


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
    claim_json: str | None  # None for a fact stored before claims were extracted

    @property
    def claim(self) -> Claim | None:
        return Claim.from_json(json.loads(self.claim_json)) if self.claim_json else None


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

    @property
    def counted(self) -> str:
        """What the figure counts: "containers of ammunition"; its unit for a figure stored
        before schema 8."""
        return self.figure.counted or self.figure.unit

    @property
    def of_total(self) -> float | None:
        """The whole of a share ("47 of 52": 52); None for any other figure."""
        return self.figure.of_total


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


@dataclass(frozen=True, slots=True)
class DayOutcome:
    """How a claimed day ended: the messages that went out (some, when it failed part way)."""

    status: DayStatus
    message_ids: tuple[int, ...] = ()
    article_ids: tuple[int, ...] = ()
    error: str | None = None
    next_attempt_at: datetime | None = None  # a failed day's next try; None: given up


ARTICLE_COLUMNS = (
    "id, file_name, title, published, author, photo_caption, photo_credit, lead, url,"
    " loaded_at, updated_at, COALESCE(story, id), replaced_by"
)


def article_row(row: Sequence[Any]) -> ArticleRow:
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
        int(row[11]),
        int(row[12]) if row[12] is not None else None,
    )


def figure_row(row: Sequence[Any]) -> FigureRow:
    """article_id, fact_id, text, qualifier, value, unit, claimant, when_text, sentence,
    counted, of_total: a figure stored before schema 8 counts its unit."""
    text, qualifier, value, unit, claimant, when, sentence, counted, of_total = row[2:]
    figure = Figure(
        text,
        qualifier,
        float(value),
        unit,
        claimant,
        when,
        sentence,
        counted=counted or unit,
        of_total=float(of_total) if of_total is not None else None,
    )
    return FigureRow(int(row[0]), int(row[1]) if row[1] is not None else None, figure)


def stamp(when: datetime) -> str:
    """An instant as fixed-width UTC text, so that SQL compares instants as it compares text."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


DIGEST_DAY_COLUMNS = (
    "guild_id, local_date, trigger, status, channel_id, since, until, after_generation,"
    " up_to_generation, claimed_at, finished_at, attempts, next_attempt_at, error, articles,"
    " message_ids, article_ids"
)


def digest_day_of(row: Sequence[Any]) -> DigestDay:
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
