"""/figures: the numbers an article (or a topic) reports, with what they count, who claims them
and when, and the article each is from; figures on the same unit side by side."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.facts import FactsAnswer, NothingFound, find_facts
from bot.desk.lookup import resolve_article
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.pages import DESCRIPTION_LIMIT, Reply, escape, heading, paged
from bot.search import analyze
from bot.store import ArticleRow, FigureRow, Snapshot
from bot.text import clip, date_text

if TYPE_CHECKING:
    from bot.desk.service import Desk

TOPIC_FACTS = 200  # the facts about a topic whose figures are looked at
TITLE_CHARS = 48  # of an article's title, where each figure says which article it is from


@dataclass(frozen=True, slots=True)
class FigureItem:
    text: str  # as written: "47 of the 52 missiles"
    qualifier: str | None
    value: float
    claimant: str | None
    when: str | None
    article: ArticleRef
    counted: str  # what the number counts: "containers of ammunition"
    of_total: float | None  # the whole of a share: 52
    reads: str  # the figure with what it counts, as a reader reads it: "47 of 52 missiles"

    @property
    def who(self) -> str:
        return ", ".join(part for part in (self.claimant, self.when) if part)

    def source(self) -> str:
        return source(self.article)


def source(article: ArticleRef) -> str:
    """Which article a figure is from: its title, clipped, and id; or the id alone."""
    title = article.title.strip()
    return f"“{clip(title, TITLE_CHARS)}” #{article.id}" if title else f"#{article.id}"


@dataclass(frozen=True, slots=True)
class FigureGroup:
    unit: str
    figures: tuple[FigureItem, ...]


@dataclass(frozen=True, slots=True)
class FiguresAnswer(Answer):
    kind: ClassVar[str] = "figures"
    topic: str | None
    groups: tuple[FigureGroup, ...]
    article: ArticleRef | None

    def text(self) -> str:
        if not self.groups:
            return "No figures in " + (self.article.citation() if self.article else "it")
        head = f"Figures about “{self.topic}”" if self.topic else "Figures"
        only = self.only_article()
        if only:
            head += f" in {only.citation()}"
        lines = [head + ":"]
        for group in self.groups:
            lines.append(f"{group.unit}:")
            for figure in group.figures:
                line = f"  • {figure.reads}" + (f" ({figure.who})" if figure.who else "")
                # Over several articles, each number says which one it is from.
                lines.append(line if only else f"{line} — {figure.source()}")
        return "\n".join(lines)

    def reply(self) -> Reply:
        if not self.groups:
            return Answer.reply(self)
        head = f"Figures about “{self.topic}”" if self.topic else "Figures"
        only = self.only_article()
        blocks = []
        for group in self.groups:
            lines = [f"**{escape(group.unit)}**"]
            for figure in group.figures:
                who = f" ({escape(figure.who)})" if figure.who else ""
                from_ = "" if only else f" — *{escape(figure.source())}*"
                lines.append(f"• {escape(figure.reads)}{who}{from_}")
            blocks.append(clip("\n".join(lines), DESCRIPTION_LIMIT // 2))
        if self.article:
            footer = self.article.footer()
        elif only:
            footer = f"{source(only)} · {date_text(only.published)}"
        else:
            footer = ""
        return Reply(tuple(paged(heading(head), blocks, footer=footer)))

    def only_article(self) -> ArticleRef | None:
        """The one article every figure is from: the one asked about, or the only one found;
        None when they are from several."""
        if self.article:
            return self.article
        found = {f.article.id: f.article for group in self.groups for f in group.figures}
        return next(iter(found.values())) if len(found) == 1 else None


async def figures(
    desk: Desk, topic: str | None, article: str | None
) -> FiguresAnswer | NothingFound | UserError:
    with desk.reading() as snapshot:
        scope: ArticleRow | None = None
        if article or not topic:
            found = resolve_article(snapshot, article)
            if isinstance(found, UserError):
                return found
            scope = found
        if topic:
            rows = await _about(snapshot, topic, scope)
            if not isinstance(rows, list):
                return rows
        else:
            assert scope is not None
            rows = await snapshot.read.figures(article_id=scope.id)
        return _grouped(snapshot, rows, topic, scope)


async def _about(
    snapshot: Snapshot, topic: str, scope: ArticleRow | None
) -> list[FigureRow] | NothingFound | UserError:
    """The figures in the facts about `topic`: those whose words name it, else all of them."""
    found = await find_facts(snapshot, topic, str(scope.id) if scope else None, TOPIC_FACTS)
    if not isinstance(found, FactsAnswer):
        return found
    rows = await snapshot.read.figures(fact_ids=[hit.id for hit in found.hits])
    wanted = {t.term for t in snapshot.index.parse(topic).terms}
    about = [r for r in rows if wanted & set(analyze(f"{r.figure.text} {r.figure.unit}"))]
    return about or rows


def _grouped(
    snapshot: Snapshot, rows: list[FigureRow], topic: str | None, scope: ArticleRow | None
) -> FiguresAnswer | NothingFound:
    groups: dict[str, list[FigureItem]] = defaultdict(list)
    for row in rows:
        ref = snapshot.article(row.article_id)
        if ref is None:
            continue
        figure = row.figure
        groups[_unit_head(figure.unit)].append(
            FigureItem(
                figure.text,
                figure.qualifier,
                figure.value,
                figure.claimant,
                figure.when,
                ArticleRef.of(ref),
                row.counted,
                row.of_total,
                figure.reads(),
            )
        )
    ordered = sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
    if not ordered and topic:
        return NothingFound(topic, (), ArticleRef.of(scope) if scope else None)
    return FiguresAnswer(
        topic,
        tuple(FigureGroup(unit, tuple(items)) for unit, items in ordered),
        ArticleRef.of(scope) if scope else None,
    )


def _unit_head(unit: str) -> str:
    """Figures on "artillery shells" and "shells" stand side by side."""
    return unit.split()[-1] if unit.islower() else unit


async def _run(desk: Desk, call: Call) -> Answer:
    return await figures(desk, call.options.get("topic"), call.options.get("article"))


COMMANDS = (
    CommandSpec(
        "figures",
        "The numbers reported, with who claims them and when",
        (
            OptionSpec("topic", "Only figures about this, e.g. containers"),
            OptionSpec("article", "Only this article: its title or id"),
        ),
        run=_run,
    ),
)
