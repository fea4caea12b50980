"""Article views: /source (who an article cites), /summary (its gist), /articles (the list)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.facts import FactHit, hits
from bot.desk.lookup import resolve_article
from bot.desk.spec import ARTICLE_OPTION, Call, CommandSpec
from bot.pages import (
    DESCRIPTION_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    Field,
    Page,
    Reply,
    escape,
    heading,
    join_within,
    paged,
)
from bot.store import FactRow, Reads
from bot.text import clip, date_text

if TYPE_CHECKING:
    from bot.desk.service import Desk

KEY_FACTS = 3
# Sections in the order their facts matter for a summary: what happened before its background.
_KIND_ORDER = {
    "details": 0,
    "body": 1,
    "quote": 2,
    "background": 3,
    "previously": 4,
    "reminder": 5,
    "reference": 6,
}


async def key_facts(read: Reads, article_id: int, count: int = KEY_FACTS) -> list[FactRow]:
    """An article's key facts in reading order: details before background, figures first."""
    facts = await read.article_facts(article_id)
    with_figures = {f.fact_id for f in await read.figures(article_id=article_id)}
    key = sorted(
        (f for f in facts if f.section_kind != "lead"),
        key=lambda f: (_KIND_ORDER.get(f.section_kind, 9), f.id not in with_figures, f.position),
    )[:count]
    key.sort(key=lambda f: f.position)
    return key


# --- /source --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceItem:
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class SourcesAnswer(Answer):
    kind: ClassVar[str] = "source"
    article: ArticleRef
    sources: tuple[SourceItem, ...]
    quoted: tuple[tuple[str, int], ...]  # speaker, number of quotes
    photo_credit: str | None

    def text(self) -> str:
        lines = [f"Sources of {self.article.citation()}:"]
        lines += [
            f"  • {s.name}" + (f" — {s.description}" if s.description else "") for s in self.sources
        ] or ["  (the article names no source)"]
        if self.quoted:
            lines.append("Quoted: " + ", ".join(f"{name} ({n})" for name, n in self.quoted))
        if self.photo_credit:
            lines.append(f"Photo: {self.photo_credit}")
        return "\n".join(lines)

    def reply(self) -> Reply:
        lines = [
            f"**{escape(s.name)}**" + (f" — {escape(s.description)}" if s.description else "")
            for s in self.sources
        ] or ["The article names no source."]
        fields = []
        if self.quoted:
            quoted = ", ".join(f"{escape(name)} ({n})" for name, n in self.quoted)
            fields.append(Field("Quoted", clip(quoted, FIELD_VALUE_LIMIT)))
        if self.photo_credit:
            fields.append(Field("Photo", clip(escape(self.photo_credit), FIELD_VALUE_LIMIT)))
        page = Page(
            heading(f"Sources: {self.article.title}"),
            join_within(lines, DESCRIPTION_LIMIT),
            tuple(fields),
            clip(self.article.footer(), FOOTER_LIMIT),
            self.article.url,
        )
        return Reply((page,))


async def source(desk: Desk, article: str | None) -> SourcesAnswer | UserError:
    with desk.reading() as snapshot:
        row = resolve_article(snapshot, article)
        if isinstance(row, UserError):
            return row
        sources = await snapshot.read.sources(row.id)
        counted: dict[str, int] = defaultdict(int)
        for quote in await snapshot.read.quotes(article_id=row.id):
            if quote.speaker:
                counted[quote.speaker] += 1
        return SourcesAnswer(
            ArticleRef.of(row),
            tuple(SourceItem(s.name, s.description) for s in sources),
            tuple(counted.items()),
            row.photo_credit,
        )


# --- /summary -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryAnswer(Answer):
    kind: ClassVar[str] = "summary"
    article: ArticleRef
    author: str | None
    lead: str
    key_facts: tuple[FactHit, ...]
    sources: tuple[SourceItem, ...]

    def text(self) -> str:
        lines = [self.article.title, date_text(self.article.published)]
        if self.author:
            lines[-1] += f" · by {self.author}"
        lines += ["", self.lead]
        if self.key_facts:
            lines += ["", "Key facts:"]
            lines += [f"  • {hit.text} ({hit.section})" for hit in self.key_facts]
        if self.sources:
            lines += ["", "Sources: " + "; ".join(s.name for s in self.sources)]
        return "\n".join(lines)

    def reply(self) -> Reply:
        facts = tuple(
            Field(
                clip(f"{number}. {hit.section}", FIELD_NAME_LIMIT),
                clip(escape(hit.text), FIELD_VALUE_LIMIT),
            )
            for number, hit in enumerate(self.key_facts, 1)
        )
        by = f" · by {self.author}" if self.author else ""
        footer = "Sources: " + "; ".join(s.name for s in self.sources) if self.sources else ""
        page = Page(
            heading(self.article.title),
            clip(
                f"*{date_text(self.article.published)}{escape(by)}*\n\n{escape(self.lead)}",
                DESCRIPTION_LIMIT,
            ),
            facts,
            clip(footer or self.article.footer(), FOOTER_LIMIT),
            self.article.url,
        )
        return Reply((page,))


async def summary(desk: Desk, article: str | None) -> SummaryAnswer | UserError:
    with desk.reading() as snapshot:
        row = resolve_article(snapshot, article)
        if isinstance(row, UserError):
            return row
        key = await key_facts(snapshot.read, row.id)
        sources = await snapshot.read.sources(row.id)
        return SummaryAnswer(
            ArticleRef.of(row),
            row.author,
            row.lead,
            tuple(await hits(snapshot, [(f, 0.0) for f in key], None)),
            tuple(SourceItem(s.name, s.description) for s in sources),
        )


# --- /articles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleItem:
    article: ArticleRef
    author: str | None
    file_name: str


@dataclass(frozen=True, slots=True)
class ArticlesAnswer(Answer):
    kind: ClassVar[str] = "articles"
    articles: tuple[ArticleItem, ...]

    def text(self) -> str:
        if not self.articles:
            return "No articles are loaded yet."
        return "\n".join(
            f"#{item.article.id}  {date_text(item.article.published)}  {item.article.title}"
            for item in self.articles
        )

    def json(self) -> dict[str, Any]:
        body = Answer.json(self)
        body["articles"] = [{**item.pop("article"), **item} for item in body["articles"]]
        return body

    def reply(self) -> Reply:
        if not self.articles:
            return Answer.reply(self)
        lines = [
            f"`#{item.article.id}` {escape(item.article.title)} · "
            f"{date_text(item.article.published)}"
            for item in self.articles
        ]
        return Reply(tuple(paged("Articles, newest first", lines, footer="")))


def articles(desk: Desk) -> ArticlesAnswer:
    return ArticlesAnswer(
        tuple(ArticleItem(ArticleRef.of(a), a.author, a.file_name) for a in desk.snapshot.articles)
    )


async def _source(desk: Desk, call: Call) -> Answer:
    return await source(desk, call.options.get("article"))


async def _summary(desk: Desk, call: Call) -> Answer:
    return await summary(desk, call.options.get("article"))


async def _articles(desk: Desk, call: Call) -> Answer:
    return articles(desk)


COMMANDS = (
    CommandSpec(
        "source", "Who an article cites, and who it quotes", (ARTICLE_OPTION,), run=_source
    ),
    CommandSpec(
        "summary",
        "An article's headline, date, lead and key facts",
        (ARTICLE_OPTION,),
        run=_summary,
    ),
    CommandSpec("articles", "The loaded articles, newest first", run=_articles),
)
