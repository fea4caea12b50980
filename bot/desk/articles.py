"""Article views: /source (who an article cites), /summary (its gist), /article (its whole
structure), /articles (the list)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import groupby
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
from bot.text import clip, date_text, plural

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


# --- /article -------------------------------------------------------------------------------

SECTION_BLOCK = 1500  # a long section goes on over pages in parts of about this size


@dataclass(frozen=True, slots=True)
class SectionItem:
    label: str | None  # as the article writes it ("Details", "Previously"); None when unlabelled
    kind: str  # what the extractor took it for: details, background, body...
    facts: tuple[str, ...]

    @property
    def heading(self) -> str:
        return self.label or self.kind.capitalize()


@dataclass(frozen=True, slots=True)
class ArticleAnswer(Answer):
    kind: ClassVar[str] = "article"
    article: ArticleRef
    file_name: str
    author: str | None
    photo_caption: str | None
    photo_credit: str | None
    lead: str
    sections: tuple[SectionItem, ...]
    sources: tuple[SourceItem, ...]
    quote_count: int
    figure_count: int

    def _byline(self) -> str:
        by = f" · by {self.author}" if self.author else ""
        return f"{date_text(self.article.published)}{by}"

    def _photo(self) -> str | None:
        if not self.photo_caption:
            return f"Photo credit: {self.photo_credit}" if self.photo_credit else None
        credit = f" (credit: {self.photo_credit})" if self.photo_credit else ""
        return f"Photo: {self.photo_caption}{credit}"

    def _counts(self) -> str:
        return f"{plural(self.quote_count, 'quote')} · {plural(self.figure_count, 'figure')}"

    def _sources(self, mark: Callable[[str], str]) -> list[str]:
        return [
            f"• {mark(s.name)}" + (f" — {mark(s.description)}" if s.description else "")
            for s in self.sources
        ] or ["The article names no source."]

    def text(self) -> str:
        lines = [f"{self.article.title} (#{self.article.id})", self._byline()]
        lines.append(" · ".join(p for p in (self.file_name, self.article.url) if p))
        if photo := self._photo():
            lines.append(photo)
        lines += ["", self.lead]
        for section in self.sections:
            lines += ["", section.heading]
            lines += [f"  • {fact}" for fact in section.facts]
        lines += ["", "Sources:", *(f"  {line}" for line in self._sources(str))]
        lines.append(self._counts())
        return "\n".join(lines)

    def reply(self) -> Reply:
        header = [f"*{escape(self._byline())}*"]
        if photo := self._photo():
            header.append(escape(photo))
        blocks = ["\n".join(header), escape(self.lead)]
        for section in self.sections:
            blocks += _section_blocks(section)
        blocks.append("**Sources**\n" + "\n".join(self._sources(escape)))
        blocks.append(self._counts())
        footer = f"{self.article.footer()} · {self.file_name}"
        pages = paged(heading(self.article.title), blocks, footer=clip(footer, FOOTER_LIMIT))
        return Reply(tuple(replace(page, url=self.article.url) for page in pages))


def _section_blocks(section: SectionItem) -> list[str]:
    """A section as blocks of its bullets under its heading; a long one in parts, each headed,
    so that paging never cuts a fact in two."""
    blocks: list[str] = []
    current: list[str] = []
    for fact in section.facts:
        bullet = f"• {escape(fact)}"
        if current and len("\n".join([*current, bullet])) > SECTION_BLOCK:
            blocks.append("\n".join(current))
            current = []
        if not current:
            more = " (continued)" if blocks else ""
            current.append(f"**{escape(section.heading)}**{more}")
        current.append(bullet)
    if current:
        blocks.append("\n".join(current))
    return blocks


async def article_view(desk: Desk, article: str | None) -> ArticleAnswer | UserError:
    with desk.reading() as snapshot:
        row = resolve_article(snapshot, article)
        if isinstance(row, UserError):
            return row
        facts = await snapshot.read.article_facts(row.id)
        # The lead is shown as the lead; what else its section holds is kept with the others.
        facts = [f for f in facts if not (f.section_kind == "lead" and f.text == row.lead)]
        sections = tuple(
            SectionItem(label, kind, tuple(f.text for f in group))
            for (label, kind), group in groupby(
                facts, key=lambda f: (f.section_label, f.section_kind)
            )
        )
        sources = await snapshot.read.sources(row.id)
        return ArticleAnswer(
            ArticleRef.of(row),
            row.file_name,
            row.author,
            row.photo_caption,
            row.photo_credit,
            row.lead,
            sections,
            tuple(SourceItem(s.name, s.description) for s in sources),
            len(await snapshot.read.quotes(article_id=row.id)),
            len(await snapshot.read.figures(article_id=row.id)),
        )


# --- /articles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleItem:
    article: ArticleRef
    author: str | None
    file_name: str
    story: int = 0  # the id of the first article of its story, itself when it stands alone
    # other articles of the same story: a syndicated copy, other outlets on the same event
    same_story: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticlesAnswer(Answer):
    kind: ClassVar[str] = "articles"
    articles: tuple[ArticleItem, ...]

    def text(self) -> str:
        if not self.articles:
            return "No articles are loaded yet."
        return "\n".join(
            f"#{item.article.id}  {date_text(item.article.published)}  {item.article.title}"
            + _same_story(item)
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
            f"{date_text(item.article.published)}{_same_story(item)}"
            for item in self.articles
        ]
        return Reply(tuple(paged("Articles, newest first", lines, footer="")))


def _same_story(item: ArticleItem) -> str:
    if not item.same_story:
        return ""
    return "  (same story as " + ", ".join(f"#{i}" for i in item.same_story) + ")"


def articles(desk: Desk) -> ArticlesAnswer:
    """Newest first; each story's articles together, where its newest stands."""
    rows = desk.snapshot.articles
    stories: dict[int, list[int]] = {}
    for row in rows:
        stories.setdefault(row.story or row.id, []).append(row.id)
    order = {story: n for n, story in enumerate(stories)}
    grouped = sorted(rows, key=lambda row: order[row.story or row.id])  # stable: newest first
    return ArticlesAnswer(
        tuple(
            ArticleItem(
                ArticleRef.of(a),
                a.author,
                a.file_name,
                a.story or a.id,
                tuple(i for i in stories[a.story or a.id] if i != a.id),
            )
            for a in grouped
        )
    )


async def _source(desk: Desk, call: Call) -> Answer:
    return await source(desk, call.options.get("article"))


async def _summary(desk: Desk, call: Call) -> Answer:
    return await summary(desk, call.options.get("article"))


async def _article(desk: Desk, call: Call) -> Answer:
    return await article_view(desk, call.options.get("article"))


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
    CommandSpec(
        "article",
        "One article in full: header, each section with its label, sources, quotes, figures",
        (ARTICLE_OPTION,),
        run=_article,
    ),
    CommandSpec("articles", "The loaded articles, newest first", run=_articles),
)
