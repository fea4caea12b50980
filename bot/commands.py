"""The command layer: one parser and one set of typed answers for Discord and the terminal."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process, utils

from bot.search import Query, analyze, rank
from bot.store import (
    ArticleRow,
    FactRow,
    LoadInProgress,
    LoadReport,
    ReloadRecord,
    Snapshot,
    Store,
)

# --- What commands exist -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    description: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    summary: str
    options: tuple[OptionSpec, ...] = ()

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        parts += [f"<{o.name}>" if o.required else f"[{o.name}]" for o in self.options]
        return " ".join(parts)


ARTICLE_OPTION = OptionSpec(
    "article", "An article's title (or part of it) or its id; the newest article by default"
)
COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "facts",
        "Find the facts about a topic, with where each comes from.",
        (
            OptionSpec("topic", "What the facts are about, e.g. shipments", required=True),
            OptionSpec("article", "Only this article: its title or id"),
        ),
    ),
    CommandSpec("source", "Who an article cites, and who it quotes.", (ARTICLE_OPTION,)),
    CommandSpec("summary", "An article's headline, date, lead and key facts.", (ARTICLE_OPTION,)),
    CommandSpec(
        "quote",
        "What someone was quoted as saying.",
        (OptionSpec("speaker", "Who said it; the newest article's quotes by default"),),
    ),
    CommandSpec(
        "figures",
        "The numbers reported, with who claims them and when.",
        (
            OptionSpec("topic", "Only figures about this, e.g. containers"),
            OptionSpec("article", "Only this article: its title or id"),
        ),
    ),
    CommandSpec("articles", "The loaded articles, newest first."),
    CommandSpec("help", "List the commands."),
)
COMMANDS_BY_NAME = {spec.name: spec for spec in COMMANDS}
FACTS_SHOWN = 10
KEY_FACTS = 3


# --- Answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleRef:
    id: int
    title: str
    published: datetime | None
    url: str | None = None

    @classmethod
    def of(cls, row: ArticleRow) -> ArticleRef:
        return cls(row.id, row.title, row.published, row.url)


@dataclass(frozen=True, slots=True)
class FactHit:
    id: int
    text: str
    score: float
    section: str  # the label as written, or the kind of an unlabelled section
    article: ArticleRef
    cited: str | None  # the speaker of a quoted fact, else the article's sources
    matched: tuple[str, ...]  # the words of `text` that matched, for highlighting


@dataclass(frozen=True, slots=True)
class FactsAnswer:
    topic: str
    hits: tuple[FactHit, ...]
    understood_as: tuple[str, ...]  # "shipments: also sent, delivered, supply"
    article: ArticleRef | None


@dataclass(frozen=True, slots=True)
class NothingFound:
    """An honest "no": the query matched nothing well enough to be an answer."""

    topic: str
    suggestions: tuple[str, ...]
    article: ArticleRef | None


@dataclass(frozen=True, slots=True)
class SourceItem:
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class SourcesAnswer:
    article: ArticleRef
    sources: tuple[SourceItem, ...]
    quoted: tuple[tuple[str, int], ...]  # speaker, number of quotes
    photo_credit: str | None


@dataclass(frozen=True, slots=True)
class SummaryAnswer:
    article: ArticleRef
    author: str | None
    lead: str
    key_facts: tuple[FactHit, ...]
    sources: tuple[SourceItem, ...]


@dataclass(frozen=True, slots=True)
class QuoteItem:
    text: str
    speaker: str | None
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class QuotesAnswer:
    speaker: str | None
    quotes: tuple[QuoteItem, ...]


@dataclass(frozen=True, slots=True)
class FigureItem:
    text: str
    qualifier: str | None
    value: float
    claimant: str | None
    when: str | None
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class FigureGroup:
    unit: str
    figures: tuple[FigureItem, ...]


@dataclass(frozen=True, slots=True)
class FiguresAnswer:
    topic: str | None
    groups: tuple[FigureGroup, ...]
    article: ArticleRef | None


@dataclass(frozen=True, slots=True)
class ArticleItem:
    article: ArticleRef
    author: str | None
    file_name: str


@dataclass(frozen=True, slots=True)
class ArticlesAnswer:
    articles: tuple[ArticleItem, ...]


@dataclass(frozen=True, slots=True)
class ReloadAnswer:
    report: LoadReport


@dataclass(frozen=True, slots=True)
class ReloadLogAnswer:
    reloads: tuple[ReloadRecord, ...]


@dataclass(frozen=True, slots=True)
class HelpAnswer:
    commands: tuple[CommandSpec, ...]


@dataclass(frozen=True, slots=True)
class UserError:
    """The user asked for something we cannot answer; `suggestions` say what might work."""

    message: str
    suggestions: tuple[str, ...] = ()


Answer = (
    FactsAnswer
    | NothingFound
    | SourcesAnswer
    | SummaryAnswer
    | QuotesAnswer
    | FiguresAnswer
    | ArticlesAnswer
    | ReloadAnswer
    | ReloadLogAnswer
    | HelpAnswer
    | UserError
)


# --- Parsing a typed command -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invocation:
    name: str
    options: dict[str, str]


_OPTION = re.compile(r"(?:^|\s)([a-z]+):")


def parse_invocation(line: str) -> Invocation | UserError:
    """`/facts shipments article:3` -> facts(topic="shipments", article="3").

    Options are written `name:value`, as Discord shows them; text before the first one is the
    command's first option.
    """
    line = line.strip()
    if not line.startswith("/") or len(line) == 1:
        return UserError("Commands start with a slash, e.g. /help.")
    name, _, rest = line[1:].partition(" ")
    name = name.lower()
    spec = COMMANDS_BY_NAME.get(name)
    if spec is None:
        close = process.extractOne(
            name, list(COMMANDS_BY_NAME), scorer=fuzz.ratio, processor=None, score_cutoff=60
        )
        return UserError(
            f"Unknown command /{name}. Type /help for the list.",
            (f"/{close[0]}",) if close else (),
        )
    known = {option.name for option in spec.options}
    options: dict[str, str] = {}
    pieces = [m for m in _OPTION.finditer(rest) if m.group(1) in known]
    head = rest[: pieces[0].start()] if pieces else rest
    if head.strip():
        if not spec.options:
            return UserError(f"/{name} takes no options.")
        options[spec.options[0].name] = head.strip()
    for number, piece in enumerate(pieces):
        end = pieces[number + 1].start() if number + 1 < len(pieces) else len(rest)
        options[piece.group(1)] = rest[piece.end() : end].strip()
    for option in spec.options:
        if option.required and not options.get(option.name):
            return UserError(f"/{name} needs {option.name}: {spec.usage}, e.g. /facts shipments")
    return Invocation(name, options)


# --- The desk -----------------------------------------------------------------------------------


class Desk:
    """Answers commands from the store; the cogs and the console both call it."""

    def __init__(self, store: Store | None) -> None:
        self.store = store

    async def answer_line(self, line: str) -> Answer:
        invocation = parse_invocation(line)
        if isinstance(invocation, UserError):
            return invocation
        return await self.answer(invocation.name, **invocation.options)

    async def answer(self, name: str, **options: str) -> Answer:
        if name == "help":
            return self.help()
        if self.store is None:
            return UserError("No article store is open.")
        match name:
            case "facts":
                return await self.facts(options.get("topic", ""), options.get("article"))
            case "source":
                return await self.source(options.get("article"))
            case "summary":
                return await self.summary(options.get("article"))
            case "quote":
                return await self.quote(options.get("speaker"))
            case "figures":
                return await self.figures(options.get("topic"), options.get("article"))
            case "articles":
                return self.articles()
        return UserError(f"Unknown command /{name}. Type /help for the list.")

    def help(self) -> HelpAnswer:
        return HelpAnswer(COMMANDS)

    @property
    def snapshot(self) -> Snapshot:
        assert self.store is not None
        return self.store.snapshot

    # --- /facts ----------------------------------------------------------------------------

    async def facts(
        self, topic: str, article: str | None = None, *, limit: int = FACTS_SHOWN
    ) -> FactsAnswer | NothingFound | UserError:
        topic = topic.strip()
        if not topic:
            return UserError("Tell me what the facts should be about, e.g. /facts shipments.")
        snapshot = self.snapshot
        scope = None
        if article:
            found = resolve_article(snapshot, article)
            if isinstance(found, UserError):
                return found
            scope = found
        query = snapshot.index.parse(topic)
        rows = await self._candidate_facts(snapshot, query, scope, limit)
        if rows is None:  # the articles changed under us: answer from the new state
            return await self.facts(topic, article, limit=limit)
        facts = {i: (r.text, r.terms) for i, r in rows.items()}
        ranked = rank(snapshot.index, query, facts, limit)
        if not ranked:
            return NothingFound(
                topic,
                query.suggestions or tuple(snapshot.index.suggestions(topic)),
                ArticleRef.of(scope) if scope else None,
            )
        hits = await self._hits(snapshot, [(rows[s.fact_id], s.score) for s in ranked], query)
        return FactsAnswer(
            topic,
            tuple(hits),
            _understood_as(query, snapshot),
            ArticleRef.of(scope) if scope else None,
        )

    async def _candidate_facts(
        self, snapshot: Snapshot, query: Query, scope: ArticleRow | None, limit: int
    ) -> dict[int, FactRow] | None:
        assert self.store is not None
        if scope is not None:
            rows = {r.id: r for r in await self.store.article_facts(scope.id)}
            return rows
        ids = snapshot.index.shortlist(query, max(60, limit * 3))
        rows = await self.store.facts(ids)
        if len(rows) < len(ids) and self.store.snapshot is not snapshot:
            return None
        return rows

    async def _hits(
        self, snapshot: Snapshot, facts: list[tuple[FactRow, float]], query: Query | None
    ) -> list[FactHit]:
        assert self.store is not None
        article_ids = sorted({fact.article_id for fact, _ in facts})
        sources = await self.store.sources_of(article_ids)
        stems = {term.term for term in query.terms} if query else set()
        hits = []
        for fact, score in facts:
            row = snapshot.article(fact.article_id)
            if row is None:
                continue
            cited = fact.speaker or ", ".join(s.name for s in sources.get(fact.article_id, []))
            matched = tuple(
                dict.fromkeys(w for w in _surface_words(fact.text) if set(analyze(w)) & stems)
            )
            hits.append(
                FactHit(
                    fact.id,
                    fact.text,
                    round(score, 3),
                    fact.section_label or fact.section_kind,
                    ArticleRef.of(row),
                    cited or None,
                    matched,
                )
            )
        return hits

    # --- /source, /summary ------------------------------------------------------------------

    async def source(self, article: str | None) -> SourcesAnswer | UserError:
        assert self.store is not None
        row = resolve_article(self.snapshot, article)
        if isinstance(row, UserError):
            return row
        sources = await self.store.sources(row.id)
        quotes = await self.store.quotes(article_id=row.id)
        counted: dict[str, int] = defaultdict(int)
        for quote in quotes:
            if quote.speaker:
                counted[quote.speaker] += 1
        return SourcesAnswer(
            ArticleRef.of(row),
            tuple(SourceItem(s.name, s.description) for s in sources),
            tuple(counted.items()),
            row.photo_credit,
        )

    async def summary(self, article: str | None) -> SummaryAnswer | UserError:
        assert self.store is not None
        snapshot = self.snapshot
        row = resolve_article(snapshot, article)
        if isinstance(row, UserError):
            return row
        key = await key_facts(self.store, row.id)
        sources = await self.store.sources(row.id)
        return SummaryAnswer(
            ArticleRef.of(row),
            row.author,
            row.lead,
            tuple(await self._hits(snapshot, [(f, 0.0) for f in key], None)),
            tuple(SourceItem(s.name, s.description) for s in sources),
        )

    # --- /quote -----------------------------------------------------------------------------

    async def quote(self, speaker: str | None) -> QuotesAnswer | UserError:
        assert self.store is not None
        snapshot = self.snapshot
        if not speaker:
            if not snapshot.articles:
                return UserError(NO_ARTICLES)
            newest = snapshot.articles[0]
            rows = await self.store.quotes(article_id=newest.id)
        else:
            name = resolve_name(speaker, snapshot.speakers, "speaker")
            if isinstance(name, UserError):
                return name
            speaker = name
            rows = await self.store.quotes(speaker=name)
        items = []
        for quote in rows:
            article = snapshot.article(quote.article_id)
            if article is not None:
                items.append(QuoteItem(quote.text, quote.speaker, ArticleRef.of(article)))
        return QuotesAnswer(speaker, tuple(items))

    # --- /figures ---------------------------------------------------------------------------

    async def figures(
        self, topic: str | None, article: str | None
    ) -> FiguresAnswer | NothingFound | UserError:
        assert self.store is not None
        snapshot = self.snapshot
        scope: ArticleRow | None = None
        if article or not topic:
            found = resolve_article(snapshot, article)
            if isinstance(found, UserError):
                return found
            scope = found
        if topic:
            facts = await self.facts(topic, str(scope.id) if scope else None, limit=200)
            if not isinstance(facts, FactsAnswer):
                return facts
            rows = await self.store.figures(fact_ids=[hit.id for hit in facts.hits])
            wanted = {t.term for t in snapshot.index.parse(topic).terms}
            about = [r for r in rows if wanted & set(analyze(f"{r.figure.text} {r.figure.unit}"))]
            rows = about or rows
        else:
            assert scope is not None
            rows = await self.store.figures(article_id=scope.id)
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

    # --- moderators ---------------------------------------------------------------------------

    async def reload(
        self,
        folder: Path,
        *,
        timezone: ZoneInfo,
        max_bytes: int,
        user_name: str,
        user_id: int | None = None,
        guild_id: int | None = None,
    ) -> ReloadAnswer | UserError:
        """Load the seeds folder again, write the audit row, and report on every file."""
        assert self.store is not None
        try:
            report = await self.store.load_folder(
                folder, timezone=timezone, max_bytes=max_bytes, wait=False
            )
        except LoadInProgress:
            return UserError(
                "A reload is already running. Its report comes when it is done; "
                "try again in a moment if you still need one."
            )
        except FileNotFoundError as error:
            return UserError(f"Cannot reload: {error}.")
        await self.store.record_reload(
            report, user_name=user_name, user_id=user_id, guild_id=guild_id
        )
        self.prepare()
        return ReloadAnswer(report)

    async def reload_log(self, limit: int = 10) -> ReloadLogAnswer:
        assert self.store is not None
        return ReloadLogAnswer(tuple(await self.store.recent_reloads(limit)))

    # --- autocomplete -----------------------------------------------------------------------

    def complete(self, option: str, text: str) -> list[Choice]:
        """Choices for a half-typed option, best first, within Discord's limits; from memory."""
        snapshot = self.snapshot
        return self._completer(snapshot, option).complete(text)

    def prepare(self) -> None:
        """Build what autocomplete needs now, not on a reader's first keystroke."""
        for option in ("topic", "article", "speaker"):
            self._completer(self.snapshot, option)

    @staticmethod
    def _completer(snapshot: Snapshot, option: str) -> _Completer:
        completer = snapshot.memo.get(option)
        if not isinstance(completer, _Completer):
            completer = snapshot.memo[option] = _Completer.for_option(snapshot, option)
        return completer

    # --- /articles ------------------------------------------------------------------------

    def articles(self) -> ArticlesAnswer:
        return ArticlesAnswer(
            tuple(
                ArticleItem(ArticleRef.of(a), a.author, a.file_name) for a in self.snapshot.articles
            )
        )


@dataclass(frozen=True, slots=True)
class Choice:
    name: str  # what Discord shows
    value: str  # what comes back when it is picked


AUTOCOMPLETE_LIMIT = 25
CHOICE_LENGTH = 100
FUZZY_POOL = 5_000  # the most frequent choices; a fuzzy pass over more would be too slow


def plural(count: int, noun: str) -> str:
    """ "1 article", "3 articles": for nouns that take an s."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def clip(text: str, limit: int = CHOICE_LENGTH) -> str:
    """Cut at a word boundary, with an ellipsis, so that the text fits `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:·") + "…"


class _Completer:
    """Autocomplete over one snapshot's choices, folded and sorted once.

    Choices whose words start with the typed text come first (found by bisection, most frequent
    first), then fuzzy matches among the most frequent choices.
    """

    def __init__(self, choices: list[Choice], scorer: Any) -> None:
        self.choices = choices
        self.folded = [utils.default_process(c.name) for c in choices]
        self.scorer = scorer
        starts = []
        for position, name in enumerate(self.folded):
            offset = 0
            for word in name.split(" "):
                starts.append((name[offset:], position))
                offset += len(word) + 1
        starts.sort()
        self.starts = starts

    @classmethod
    def for_option(cls, snapshot: Snapshot, option: str) -> _Completer:
        if option == "article":
            choices = [
                Choice(
                    clip(f"{a.title} · {a.published:%-d %b %Y}" if a.published else a.title),
                    str(a.id),
                )
                for a in snapshot.articles
            ]
            return cls(choices, fuzz.token_set_ratio)
        pool = snapshot.speakers if option == "speaker" else snapshot.topics
        return cls([Choice(clip(name), clip(name)) for name in pool], fuzz.WRatio)

    def complete(self, text: str) -> list[Choice]:
        folded = utils.default_process(text)
        if not folded:
            return self.choices[:AUTOCOMPLETE_LIMIT]
        matches: set[int] = set()
        at = bisect_left(self.starts, (folded, -1))
        while at < len(self.starts) and self.starts[at][0].startswith(folded):
            matches.add(self.starts[at][1])
            at += 1
        found = heapq.nsmallest(AUTOCOMPLETE_LIMIT, matches)
        if len(found) < AUTOCOMPLETE_LIMIT:
            for _, _, position in process.extract(
                folded,
                self.folded[:FUZZY_POOL],
                scorer=self.scorer,
                processor=None,
                limit=AUTOCOMPLETE_LIMIT,
                score_cutoff=70,
            ):
                if position not in matches:
                    found.append(position)
                    matches.add(position)
        return [self.choices[position] for position in found[:AUTOCOMPLETE_LIMIT]]


NO_ARTICLES = (
    "No articles are loaded yet. A moderator can add files to the seeds folder and /reload."
)
_KIND_ORDER = {
    "details": 0,
    "body": 1,
    "quote": 2,
    "background": 3,
    "previously": 4,
    "reminder": 5,
    "reference": 6,
}


async def key_facts(store: Store, article_id: int, count: int = KEY_FACTS) -> list[FactRow]:
    """An article's key facts in reading order: details before background, figures first."""
    facts = await store.article_facts(article_id)
    with_figures = {f.fact_id for f in await store.figures(article_id=article_id)}
    key = sorted(
        (f for f in facts if f.section_kind != "lead"),
        key=lambda f: (_KIND_ORDER.get(f.section_kind, 9), f.id not in with_figures, f.position),
    )[:count]
    key.sort(key=lambda f: f.position)
    return key


def resolve_article(snapshot: Snapshot, text: str | None) -> ArticleRow | UserError:
    """An article from an id or a (fuzzy) title; the newest when nothing is given."""
    if not snapshot.articles:
        return UserError(NO_ARTICLES)
    text = (text or "").strip()
    if not text:
        return snapshot.articles[0]
    number = text.lstrip("#")
    if number.isdigit():
        found = snapshot.article(int(number))
        if found is None:
            return UserError(f"There is no article #{number}. /articles lists them.")
        return found
    titles = {a.id: a.title for a in snapshot.articles}
    chosen = _fuzzy_pick(text, titles, "article")
    if isinstance(chosen, UserError):
        return chosen
    article = snapshot.article(chosen)
    assert article is not None
    return article


def resolve_name(text: str, names: tuple[str, ...], what: str) -> str | UserError:
    chosen = _fuzzy_pick(text, dict(enumerate(names)), what)
    return chosen if isinstance(chosen, UserError) else names[chosen]


def _fuzzy_pick(text: str, choices: dict[int, str], what: str) -> int | UserError:
    """Match in stages, as people expect: exact, every word present, a clear fuzzy winner, else
    "did you mean". `choices` come newest first, and the newest wins a tie."""
    if not choices:
        return UserError(f"There is no {what} to choose from yet.")
    folded = utils.default_process(text)
    processed = {key: utils.default_process(value) for key, value in choices.items()}
    for key, value in processed.items():
        if value == folded:
            return key
    wanted = folded.split()
    for key, value in processed.items():
        present = value.split()
        if all(
            any(word == w or (len(word) > 3 and w.startswith(word)) for w in present)
            for word in wanted
        ):
            return key
    found = process.extract(folded, processed, scorer=fuzz.WRatio, processor=None, limit=3)
    if found and found[0][1] >= 85:
        return int(found[0][2])
    close = tuple(choices[key] for _, score, key in found if score >= 50)
    return UserError(f"No {what} matches “{text}”.", close)


def _understood_as(query: Query, snapshot: Snapshot) -> tuple[str, ...]:
    notes: dict[str, list[str]] = defaultdict(list)
    for term in query.terms:
        if term.why:
            concept = query.concepts[term.concept]
            notes[snapshot.index.surface.get(concept, concept)].append(
                snapshot.index.surface.get(term.term, term.term)
            )
    return tuple(f"{word}: also {', '.join(dict.fromkeys(alts))}" for word, alts in notes.items())


def _surface_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", text)


def _unit_head(unit: str) -> str:
    """Figures on "artillery shells" and "shells" stand side by side."""
    return unit.split()[-1] if unit.islower() else unit
