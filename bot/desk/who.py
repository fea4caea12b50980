"""/who: a person or body across the archive: how the articles describe them, the other names
they go by, what they claimed in time order, their quotes, and the articles that name them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from bot.articles import describe
from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.facts import FactsAnswer, claimant_names, find_facts, hits
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.desk.timeline import TimelineEntry, entries_of
from bot.fuzzy import NoMatch, Picker
from bot.pages import Reply, escape, heading, paged
from bot.store import Snapshot
from bot.text import clip, normalise, words

if TYPE_CHECKING:
    from bot.desk.service import Desk

CLAIMS_READ = 60  # of one person's, the newest
MENTIONS_READ = 40  # facts that name them without being theirs, the best matches
DESCRIBED_FROM = 60  # facts read for how the articles describe them, newest claims first
QUOTES_SHOWN = 10
QUOTES_READ = 50  # of each name's, the newest articles' first
ARTICLES_SHOWN = 20
TEXT_CHARS = 300


@dataclass(frozen=True, slots=True)
class ProfileQuote:
    text: str
    speaker: str
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class WhoAnswer(Answer):
    kind: ClassVar[str] = "who"
    name: str
    aliases: tuple[str, ...]  # the other names the articles give them
    descriptions: tuple[str, ...]  # "South Korean Defence Minister", most often first
    claims: tuple[TimelineEntry, ...]  # in the order they were claimed
    quotes: tuple[ProfileQuote, ...]
    articles: tuple[ArticleRef, ...]  # that name them, newest first

    def text(self) -> str:
        lines = [self.name]
        if self.descriptions:
            lines.append("Described as: " + "; ".join(self.descriptions))
        if self.aliases:
            lines.append("Also called: " + ", ".join(self.aliases))
        if self.claims:
            lines += ["", "Claims:"]
            for entry in self.claims:
                party = " (party to the story)" if entry.party else ""
                lines.append(f"  {entry.when_text()}{party} — {clip(entry.text, TEXT_CHARS)}")
                lines.append(f"      {entry.article.citation()}")
        if self.quotes:
            lines += ["", "Quotes:"]
            lines += [f"  “{q.text}” — {q.article.citation()}" for q in self.quotes]
        lines += ["", self.named_in() + ":"]
        lines += [f"  {a.citation()}" for a in self.articles]
        return "\n".join(lines)

    def json(self) -> dict[str, Any]:
        return Answer.json(self)

    def named_in(self) -> str:
        if len(self.articles) >= ARTICLES_SHOWN:
            return f"The {len(self.articles)} newest articles that name them"
        return f"Named in {len(self.articles)} article" + ("" if len(self.articles) == 1 else "s")

    def reply(self) -> Reply:
        head = []
        if self.descriptions:
            head.append("**Described as:** " + escape("; ".join(self.descriptions)))
        if self.aliases:
            head.append("**Also called:** " + escape(", ".join(self.aliases)))
        blocks = ["\n".join(head)] if head else []
        for entry in self.claims:
            blocks.append(
                f"**{escape(entry.when_text())}**{' (party to the story)' if entry.party else ''}"
                f" · {escape(clip(entry.text, TEXT_CHARS))}\n"
                f"*{escape(clip(entry.article.title, 80))}* #{entry.article.id}"
            )
        for quote in self.quotes:
            blocks.append(
                f"> {escape(clip(quote.text, TEXT_CHARS))}\n"
                f"*{escape(clip(quote.article.title, 80))}* #{quote.article.id}"
            )
        named = ", ".join(f"#{a.id}" for a in self.articles)
        footer = clip(f"{self.named_in()}: {named}", 1000)
        return Reply(tuple(paged(heading(self.name), blocks, footer=footer)))


async def who(desk: Desk, name: str) -> WhoAnswer | UserError:
    with desk.reading() as snapshot:
        return await profile(snapshot, name)


async def profile(snapshot: Snapshot, typed: str) -> WhoAnswer | UserError:
    typed = typed.strip()
    if not typed:
        return UserError("Tell me whom to look up, e.g. /who Shin Won-sik.")
    names = await claimant_names(snapshot, typed)
    if not names:
        chosen = Picker(list(snapshot.people)).pick(typed)
        close = chosen.close if isinstance(chosen, NoMatch) else ()
        return UserError(f"Nobody called “{clip(typed, 150)}” claims or says anything.", close)
    name = names[0]
    rows = await snapshot.claimed_by(names, CLAIMS_READ)
    claimed = await hits(snapshot, [(row, 1.0) for row in rows], None)
    figures = await snapshot.read.figures(fact_ids=[hit.id for hit in claimed])
    claims = entries_of(claimed, figures, name)
    quotes = []
    for alias in names:
        for row in await snapshot.read.quotes(speaker=alias, limit=QUOTES_READ):
            article = snapshot.article(row.article_id)
            if article is not None:
                quotes.append(ProfileQuote(row.text, alias, ArticleRef.of(article)))
    named = {hit.article.id for hit in claimed} | {q.article.id for q in quotes}
    mentioned = []
    # Someone quoted in fewer articles than are shown is looked for where others name them.
    if len(named) < ARTICLES_SHOWN:
        mentions = await find_facts(snapshot, name, None, MENTIONS_READ)
        mentioned = [
            hit
            for hit in (mentions.hits if isinstance(mentions, FactsAnswer) else ())
            if any(alias.lower() in hit.text.lower() for alias in names)
        ]
    descriptions: dict[str, int] = {}
    spelled: dict[str, str] = {}  # "defence minister" and "Defense Minister" are one
    for hit in [*claimed, *mentioned][:DESCRIBED_FROM]:
        for description in describe(hit.text, names):
            key = normalise(description).replace("defense", "defence")
            shown = spelled.setdefault(key, description)
            descriptions[shown] = descriptions.get(shown, 0) + 1
    articles = {hit.article.id: hit.article for hit in [*claimed, *mentioned]}
    articles.update({q.article.id: q.article for q in quotes})
    newest = sorted(
        articles.values(), key=lambda a: (a.published is not None, a.published, a.id), reverse=True
    )
    return WhoAnswer(
        name,
        names[1:],
        tuple(sorted(descriptions, key=lambda d: -descriptions[d])),
        tuple(claims),
        tuple(_unique_quotes(quotes))[:QUOTES_SHOWN],
        tuple(newest[:ARTICLES_SHOWN]),
    )


def _unique_quotes(quotes: list[ProfileQuote]) -> list[ProfileQuote]:
    """Each quote once, from the first article to carry it."""
    seen: dict[str, ProfileQuote] = {}
    for quote in sorted(quotes, key=lambda q: q.article.id):
        seen.setdefault(" ".join(words(quote.text)), quote)  # ’ and ' alike
    return list(seen.values())


async def _run(desk: Desk, call: Call) -> Answer:
    return await who(desk, call.options.get("name", ""))


COMMANDS = (
    CommandSpec(
        "who",
        "A person or body across the articles: who they are, what they claimed and said",
        (OptionSpec("name", "Whom to look up, e.g. Shin Won-sik", required=True),),
        run=_run,
    ),
)
