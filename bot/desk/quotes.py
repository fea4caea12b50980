"""/quote: what someone was quoted as saying, across the articles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.lookup import NO_ARTICLES, resolve_speaker
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.pages import CITED_TITLE, Reply, escape, heading, paged
from bot.text import clip, date_text

if TYPE_CHECKING:
    from bot.desk.service import Desk


@dataclass(frozen=True, slots=True)
class QuoteItem:
    text: str
    speaker: str | None
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class QuotesAnswer(Answer):
    kind: ClassVar[str] = "quote"
    speaker: str | None
    quotes: tuple[QuoteItem, ...]

    def text(self) -> str:
        if not self.quotes:
            return f"No quotes from {self.speaker or 'the newest article'}."
        lines = [f"Quotes from {self.speaker}:" if self.speaker else "Quotes:"]
        for quote in self.quotes:
            lines.append(f"  “{quote.text}”")
            lines.append(f"     — {quote.speaker or 'unattributed'}, {quote.article.citation()}")
        return "\n".join(lines)

    def reply(self) -> Reply:
        if not self.quotes:
            return Reply(text=self.text(), ephemeral=True)
        title = f"Quotes from {self.speaker}" if self.speaker else "Quotes"
        blocks = [
            f"> {escape(clip(q.text, 900))}\n— **{escape(q.speaker or 'unattributed')}**, "
            f"{escape(clip(q.article.title, CITED_TITLE))} ({date_text(q.article.published)})"
            for q in self.quotes
        ]
        return Reply(tuple(paged(heading(title), blocks, footer="")))


async def quote(desk: Desk, speaker: str | None) -> QuotesAnswer | UserError:
    with desk.reading() as snapshot:
        if not speaker:
            if not snapshot.articles:
                return UserError(NO_ARTICLES)
            rows = await snapshot.read.quotes(article_id=snapshot.articles[0].id)
        else:
            name = resolve_speaker(snapshot, speaker)
            if isinstance(name, UserError):
                return name
            speaker = name
            rows = await snapshot.read.quotes(speaker=name)
        items = []
        for row in rows:
            article = snapshot.article(row.article_id)
            if article is not None:
                items.append(QuoteItem(row.text, row.speaker, ArticleRef.of(article)))
        return QuotesAnswer(speaker, tuple(items))


async def _run(desk: Desk, call: Call) -> Answer:
    return await quote(desk, call.options.get("speaker"))


COMMANDS = (
    CommandSpec(
        "quote",
        "What someone was quoted as saying",
        (OptionSpec("speaker", "Who said it; the newest article's quotes by default"),),
        run=_run,
    ),
)
