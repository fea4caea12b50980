"""/facts: the facts about a topic, found by the search index, with where each comes from."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from bot.articles import Entity
from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.lookup import resolve_article
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.fuzzy import NoMatch, Picker, names_agree, same_passage
from bot.pages import (
    CITED_TITLE,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    Field,
    Page,
    Reply,
    escape,
    heading,
    highlight,
    numbered,
)
from bot.search import Query, Question, Scored, analyze, rank, read_question
from bot.store import ArticleRow, FactRow, Snapshot
from bot.text import clip, date_text, normalise, surface_words, words

if TYPE_CHECKING:
    from bot.desk.service import Desk

FACTS_SHOWN = 10
FACTS_PER_PAGE = 5
SAME_OPENING = 12  # two facts opening with these many same words are one paragraph, copied
CLAIMS_LOOKED_AT = 500  # of one claimant, the newest: enough to rank "what did X say about Y"


@dataclass(frozen=True, slots=True)
class FactHit:
    id: int
    text: str
    score: float
    section: str  # the label as written, or the kind of an unlabelled section
    article: ArticleRef
    cited: str | None  # who says it, as the reader sees it: "South Korea reported, in March 2024"
    matched: tuple[str, ...]  # the words of `text` that matched, for highlighting
    claimant: str | None = None  # None: the outlet's own reporting, or nobody named
    attribution: str | None = None  # said, reported, according to...; None: stored unparsed
    claimed_at: str | None = None  # ISO date or month
    entities: tuple[Entity, ...] = ()
    party: str | None = None  # the claimant is a party to the story, as the article marks it
    section_kind: str = ""  # lead, details, background, previously...
    also: tuple[ArticleRef, ...] = ()  # other articles of the story that report the same claim

    def citation(self) -> str:
        """Who says it, then where: "South Korea reported, in March 2024 · Background · ..."."""
        parts = [self.section, self.article.citation()]
        if self.cited:
            parts.insert(0, self.cited)
        if self.also:
            parts.append("also reported by " + ", ".join(also_cited(a) for a in self.also))
        return " · ".join(parts)


def also_cited(article: ArticleRef) -> str:
    """Another article that reports a claim, in a line of them: its title, clipped, and id."""
    return f"“{clip(article.title, 60)}” #{article.id}" if article.title else f"#{article.id}"


def once(snapshot: Snapshot, found: list[FactHit]) -> list[FactHit]:
    """Each claim once, where it ranks best: a copy of it word for word (a syndicated article),
    or the same claimant saying the same in another article of its story, becomes "also
    reported by" on the first."""
    kept: list[FactHit] = []
    by_opening: dict[tuple[str, ...], int] = {}
    by_claimant: dict[tuple[int, str], list[int]] = {}
    for hit in found:
        opening = tuple(words(hit.text)[:SAME_OPENING])
        row = snapshot.article(hit.article.id)
        said = (row.story, normalise(hit.claimant)) if row and hit.claimant else None
        at = by_opening.get(opening)
        if at is not None and kept[at].article.id == hit.article.id:
            at = None
        if at is None and said is not None:
            at = next(
                (
                    n
                    for n in by_claimant.get(said, ())
                    if kept[n].article.id != hit.article.id and same_passage(kept[n].text, hit.text)
                ),
                None,
            )
        if at is None:
            by_opening.setdefault(opening, len(kept))
            if said is not None:
                by_claimant.setdefault(said, []).append(len(kept))
            kept.append(hit)
        elif hit.article not in kept[at].also:
            kept[at] = dataclasses.replace(kept[at], also=(*kept[at].also, hit.article))
    return kept


@dataclass(frozen=True, slots=True)
class FactsAnswer(Answer):
    kind: ClassVar[str] = "facts"
    topic: str
    hits: tuple[FactHit, ...]
    understood_as: tuple[str, ...]  # "shipments: also sent, delivered, supply"
    article: ArticleRef | None

    def text(self) -> str:
        scope = f" in #{self.article.id}" if self.article else ""
        lines = [f"Facts about “{self.topic}”{scope}:"]
        if self.understood_as:
            lines.append("(" + "; ".join(self.understood_as) + ")")
        for number, hit in enumerate(self.hits, 1):
            lines += [f"{number}. {hit.text}", f"   — {hit.citation()}"]
        return "\n".join(lines)

    def json(self) -> dict[str, Any]:
        body = Answer.json(self)
        body["results"] = body.pop("hits")
        return body

    def reply(self) -> Reply:
        return Reply(tuple(self._pages()))

    def _pages(self) -> list[Page]:
        title = heading(f"Facts about “{self.topic}”")
        description = ""
        if self.understood_as:  # short, so that five facts fit beside it
            notes = "; ".join(self.understood_as)
            description = clip(notes[:1].upper() + notes[1:], 1000)
        fields = [_fact_field(number, hit) for number, hit in enumerate(self.hits, 1)]
        claimants = sorted({hit.claimant for hit in self.hits if hit.claimant})
        footer = clip("Claimed by: " + "; ".join(claimants), 1000) if claimants else ""
        pages: list[Page] = []
        current: list[Field] = []
        for field_ in fields:
            candidate = Page(title, description, (*current, field_), footer)
            full = len(current) >= FACTS_PER_PAGE or candidate.size > EMBED_TOTAL_LIMIT - 40
            if current and full:
                pages.append(Page(title, description, tuple(current), footer))
                current = []
            current.append(field_)
        if current:
            pages.append(Page(title, description, tuple(current), footer))
        return numbered(pages)


def _fact_field(number: int, hit: FactHit) -> Field:
    """A fact with its citation; the citation's parts are clipped so the fact keeps its room."""
    cited = f"\n— **{escape(clip(hit.cited, 300))}**" if hit.cited else ""
    citation_line = (
        f"{cited}\n*{escape(clip(hit.section, 60))}*, "
        f"{escape(clip(hit.article.title, CITED_TITLE))}, "
        f"{date_text(hit.article.published)} (#{hit.article.id})"
    )
    body = highlight(clip(hit.text, FIELD_VALUE_LIMIT - len(citation_line) - 60), hit.matched)
    return Field(f"{number}.", clip(body + citation_line, FIELD_VALUE_LIMIT))


@dataclass(frozen=True, slots=True)
class NothingFound(Answer):
    """An honest "no": the query matched nothing well enough to be an answer."""

    kind: ClassVar[str] = "facts"
    topic: str
    suggestions: tuple[str, ...]
    article: ArticleRef | None

    def text(self) -> str:
        scope = f" in #{self.article.id}" if self.article else ""
        text = f"Nothing found about “{self.topic}”{scope}."
        if self.suggestions:
            text += " Did you mean: " + ", ".join(self.suggestions) + "?"
        return text

    def json(self) -> dict[str, Any]:
        return {**Answer.json(self), "results": []}


async def facts(
    desk: Desk, topic: str, article: str | None = None, *, limit: int = FACTS_SHOWN
) -> FactsAnswer | NothingFound | UserError:
    with desk.reading() as snapshot:
        return await find_facts(snapshot, topic, article, limit)


async def find_facts(
    snapshot: Snapshot, topic: str, article: str | None, limit: int, *, folded: bool = True
) -> FactsAnswer | NothingFound | UserError:
    """The facts about `topic` in one snapshot, best first; in one article when one is named.
    `topic` may be a question: "how many containers", "what did Shin say about the pact"."""
    topic = topic.strip()
    if not topic:
        return UserError("Tell me what the facts should be about, e.g. /facts shipments.")
    scope = None
    if article:
        found = resolve_article(snapshot, article)
        if isinstance(found, UserError):
            return found
        scope = found
    question = read_question(topic)
    if question.speaker:
        speakers = await claimant_names(snapshot, question.speaker)
        if speakers:
            return await _claims_of(snapshot, question, speakers, scope, limit)
        # Nobody of that name claims anything: the name may still be a topic ("the pact").
        question = read_question(f"{question.speaker} {question.topic}")
    query = snapshot.index.parse(question.topic or topic)
    rows = await _candidates(snapshot, query, scope, limit)
    wanted = limit * 3 if question.wants_figure else limit
    ranked = rank(snapshot.index, query, {i: (r.text, r.terms) for i, r in rows.items()}, wanted)
    if not ranked:
        return NothingFound(
            topic,
            query.suggestions or tuple(snapshot.index.suggestions(topic)),
            ArticleRef.of(scope) if scope else None,
        )
    notes = snapshot.index.understood_as(query)
    if question.wants_figure:
        ranked = await _figures_first(snapshot, ranked)
        notes = ("facts with figures first", *notes)
    # Twice as many, so that copies of one claim folded into one still leave `limit`.
    found_hits = await hits(
        snapshot, [(rows[s.fact_id], s.score) for s in ranked[: limit * 2]], query
    )
    # Unfolded for /timeline, which tells each claim by the article that reported it first.
    shown = (once(snapshot, found_hits) if folded else found_hits)[:limit]
    return FactsAnswer(topic, tuple(shown), notes, ArticleRef.of(scope) if scope else None)


async def _figures_first(snapshot: Snapshot, ranked: list[Scored]) -> list[Scored]:
    """ "How many" asks for a number: the facts that report one come first, each in its rank."""
    with_figures = {
        row.fact_id for row in await snapshot.read.figures(fact_ids=[s.fact_id for s in ranked])
    }
    return sorted(ranked, key=lambda s: s.fact_id not in with_figures)


async def claimant_names(snapshot: Snapshot, typed: str) -> tuple[str, ...]:
    """The claimant a reader named ("Shin" for Shin Won-sik), among everyone facts are
    credited to and everyone quoted, with the other names the articles give them ("Budanov"
    for Kyrylo Budanov), fullest first; none when nobody agrees with what was typed."""
    found = snapshot.memo.get("pick:claimant")
    if not isinstance(found, tuple):
        names = list(snapshot.people)
        found = snapshot.memo["pick:claimant"] = (names, Picker(names))
    names, picker = found
    for text in dict.fromkeys((typed, re.sub(r"^the\s+", "", typed, flags=re.IGNORECASE))):
        chosen = picker.pick(text)
        if isinstance(chosen, NoMatch) or not names_agree(text, names[chosen]):
            continue
        name = str(names[chosen])
        last = name.split()[-1].lower()[:5]  # "zelen": Zelensky and Zelenskyy alike
        # A shorter spelling of the same name ("Budanov") or a fuller one ("Kyrylo Budanov");
        # never another person who shares a word ("Kim Yo Jong" for "Kim Jong Un").
        same = [
            str(n)
            for n in names
            if last in n.lower() and (names_agree(n, name) or names_agree(name, n))
        ]
        return tuple(sorted(dict.fromkeys([name, *same]), key=len, reverse=True))
    return ()


async def _claims_of(
    snapshot: Snapshot,
    question: Question,
    speakers: tuple[str, ...],
    scope: ArticleRow | None,
    limit: int,
) -> FactsAnswer | NothingFound:
    """What `speaker` claimed, newest article first, or the claims about the question's topic
    best first."""
    rows = await snapshot.claimed_by(speakers, CLAIMS_LOOKED_AT)
    speaker = speakers[0]
    if scope is not None:
        rows = [row for row in rows if row.article_id == scope.id]
    said = f"what {speaker} said"
    shown = f"{question.topic} ({said})" if question.topic else said
    reference = ArticleRef.of(scope) if scope else None
    if not question.topic:
        found = once(
            snapshot, await hits(snapshot, [(row, 1.0) for row in rows[: limit * 2]], None)
        )
        found = found[:limit]
        if not found:
            return NothingFound(shown, (), reference)
        return FactsAnswer(question.text, tuple(found), (said,), reference)
    query = snapshot.index.parse(question.topic)
    by_id = {row.id: row for row in rows}
    ranked = rank(
        snapshot.index, query, {i: (r.text, r.terms) for i, r in by_id.items()}, limit * 2
    )
    if not ranked:
        return NothingFound(shown, query.suggestions, reference)
    found = await hits(snapshot, [(by_id[s.fact_id], s.score) for s in ranked], query)
    found = once(snapshot, found)[:limit]
    notes = (f"{said} about {question.topic}", *snapshot.index.understood_as(query))
    return FactsAnswer(question.text, tuple(found), notes, reference)


async def _candidates(
    snapshot: Snapshot, query: Query, scope: ArticleRow | None, limit: int
) -> dict[int, FactRow]:
    if scope is not None:
        return {r.id: r for r in await snapshot.read.article_facts(scope.id)}
    return await snapshot.read.facts(snapshot.index.shortlist(query, max(60, limit * 3)))


async def hits(
    snapshot: Snapshot, facts: list[tuple[FactRow, float]], query: Query | None
) -> list[FactHit]:
    """Facts as answers cite them: section, article, who they are credited to, what matched."""
    article_ids = sorted({fact.article_id for fact, _ in facts})
    sources = await snapshot.read.sources_of(article_ids)
    stems = {term.term for term in query.terms} if query else set()
    found = []
    for fact, score in facts:
        row = snapshot.article(fact.article_id)
        if row is None:
            continue
        matched = (
            tuple(dict.fromkeys(w for w in surface_words(fact.text) if set(analyze(w)) & stems))
            if stems
            else ()
        )
        claim = fact.claim
        if claim is None:  # stored before claims were extracted: as it was credited then
            names = ", ".join(s.name for s in sources.get(fact.article_id, []))
            cited = fact.speaker or names
            found.append(
                FactHit(
                    fact.id,
                    fact.text,
                    round(score, 3),
                    fact.section_label or fact.section_kind,
                    ArticleRef.of(row),
                    f"source: {cited}" if cited else None,
                    matched,
                )
            )
            continue
        found.append(
            FactHit(
                fact.id,
                fact.text,
                round(score, 3),
                fact.section_label or fact.section_kind,
                ArticleRef.of(row),
                claim.credit(),
                matched,
                claim.claimant,
                claim.attribution,
                claim.claimed_at,
                claim.entities,
                claim.party,
                fact.section_kind,
            )
        )
    return found


async def _run(desk: Desk, call: Call) -> Answer:
    return await facts(desk, call.options.get("topic", ""), call.options.get("article"))


COMMANDS = (
    CommandSpec(
        "facts",
        "Find the facts about a topic, with where each comes from",
        (
            OptionSpec("topic", "What the facts are about, e.g. shipments", required=True),
            OptionSpec("article", "Only this article: its title or id"),
        ),
        run=_run,
    ),
)
