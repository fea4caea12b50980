"""The command layer: one parser and one set of typed answers for Discord and the terminal."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.fuzzy import NAMES, TITLES, Choice, Completer, NoMatch, Picker, lookalikes
from bot.search import Query, analyze, rank
from bot.store import (
    ArticleRow,
    FactRow,
    LoadInProgress,
    LoadReport,
    LoadStopped,
    Reads,
    ReloadRecord,
    Requester,
    Snapshot,
    Store,
    StoreBusy,
    StoreError,
)
from bot.text import clip, surface_words

# --- What commands exist -----------------------------------------------------------------------


# Discord lets an option hold 6,000 characters; matching that much against every title or name
# would hold the event loop for seconds, and no title or topic is that long.
OPTION_LENGTH = 200


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    description: str
    required: bool = False
    max_length: int = OPTION_LENGTH


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # as typed after the slash; a subcommand after its group: "digest status"
    summary: str
    options: tuple[OptionSpec, ...] = ()
    moderators: bool = False  # for moderators, and the local operator at the console
    console_only: bool = False

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
    CommandSpec(
        "reload",
        "Load new, changed and removed article files now.",
        (
            OptionSpec(
                "allow_removals",
                "True to go ahead when the load would remove more than half of the articles",
            ),
        ),
        moderators=True,
    ),
    CommandSpec("reload-log", "The last ten reloads: who, when, what.", moderators=True),
    CommandSpec("digest status", "Each server's digest: where, when, how the last went.", (), True),
    CommandSpec(
        "digest preview",
        "The next digest, shown here.",
        (OptionSpec("server", "A server's id; the articles of the last day by default"),),
        moderators=True,
    ),
    CommandSpec("quit", "Leave the console (or /exit, or Ctrl-D).", console_only=True),
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
    example: str  # a command written with an option, that works on the articles loaded


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


_OPTION = re.compile(r"(?:^|\s)([a-z_]+):")


def parse_invocation(line: str) -> Invocation | UserError:
    """`/facts shipments article:3` -> facts(topic="shipments", article="3").

    Options are written `name:value`, as Discord shows them; text before the first one is the
    command's first option. A group's subcommand follows its name: `/digest status`.
    """
    line = line.strip()
    if not line.startswith("/") or len(line) == 1:
        return UserError("Commands start with a slash, e.g. /help.")
    name, _, rest = line[1:].partition(" ")
    name = "quit" if name.lower() == "exit" else name.lower()
    subcommands = [spec.name for spec in COMMANDS if spec.name.startswith(f"{name} ")]
    if subcommands:
        word, _, rest = rest.strip().partition(" ")
        name = f"{name} {word.lower()}"
        if name not in COMMANDS_BY_NAME:
            listed = ", ".join(f"/{sub}" for sub in subcommands)
            return UserError(f"/{name.split()[0]} needs one of: {listed}.")
    spec = COMMANDS_BY_NAME.get(name)
    if spec is None:
        close = lookalikes(name, COMMANDS_BY_NAME, limit=1)
        return UserError(
            f"Unknown command /{name}. Type /help for the list.",
            tuple(f"/{command}" for command, _ in close),
        )
    known = {option.name: option for option in spec.options}
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
        value = options.get(option.name, "")
        if option.required and not value:
            return UserError(f"/{name} needs {option.name}: {spec.usage}, e.g. /facts shipments")
        if len(value) > option.max_length:
            return UserError(
                f"{option.name} is too long: {len(value):,} characters, at most "
                f"{option.max_length}."
            )
    return Invocation(name, options)


# --- The desk -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedsFolder:
    """Where /reload loads the articles from, and how their files are read."""

    path: Path
    timezone: ZoneInfo
    max_bytes: int


CONSOLE = Requester("console")
_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off", "")


class Desk:
    """Answers commands from the store; the cogs and the console both call it."""

    def __init__(self, store: Store | None, seeds: SeedsFolder | None = None) -> None:
        self.store = store
        self.seeds = seeds

    async def answer_line(self, line: str, *, by: Requester = CONSOLE) -> Answer:
        """Answer a typed command; moderator commands are the local operator's, as `by`."""
        invocation = parse_invocation(line)
        if isinstance(invocation, UserError):
            return invocation
        return await self.answer(invocation.name, invocation.options, by=by)

    async def answer(
        self, name: str, options: Mapping[str, str], *, by: Requester = CONSOLE
    ) -> Answer:
        if name == "help":
            return self.help()
        if self.store is None:
            return UserError("No article store is open.")
        match name:
            case "reload":
                allow = options.get("allow_removals", "").strip().lower()
                if allow not in _TRUE + _FALSE:
                    return UserError(f"allow_removals is true or false, not “{allow}”.")
                return await self.reload(by=by, allow_removals=allow in _TRUE)
            case "reload-log":
                return await self.reload_log()
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

    def help(self, commands: tuple[CommandSpec, ...] = COMMANDS) -> HelpAnswer:
        """The commands, with an example that works on the articles loaded now."""
        newest = self.store.snapshot.articles[:1] if self.store is not None else ()
        article = f"article:{newest[0].id}" if newest else "article:Putin"
        return HelpAnswer(commands, f"/facts shipments {article}")

    @property
    def snapshot(self) -> Snapshot:
        assert self.store is not None
        return self.store.snapshot

    def _reading(self) -> contextlib.AbstractContextManager[Snapshot]:
        """The snapshot one command reads, held until it has answered."""
        assert self.store is not None
        return self.store.reading()

    # --- /facts ----------------------------------------------------------------------------

    async def facts(
        self, topic: str, article: str | None = None, *, limit: int = FACTS_SHOWN
    ) -> FactsAnswer | NothingFound | UserError:
        with self._reading() as snapshot:
            return await self._facts(snapshot, topic, article, limit)

    async def _facts(
        self, snapshot: Snapshot, topic: str, article: str | None, limit: int
    ) -> FactsAnswer | NothingFound | UserError:
        topic = topic.strip()
        if not topic:
            return UserError("Tell me what the facts should be about, e.g. /facts shipments.")
        scope = None
        if article:
            found = resolve_article(snapshot, article)
            if isinstance(found, UserError):
                return found
            scope = found
        query = snapshot.index.parse(topic)
        rows = await self._candidate_facts(snapshot, query, scope, limit)
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

    @staticmethod
    async def _candidate_facts(
        snapshot: Snapshot, query: Query, scope: ArticleRow | None, limit: int
    ) -> dict[int, FactRow]:
        if scope is not None:
            return {r.id: r for r in await snapshot.read.article_facts(scope.id)}
        return await snapshot.read.facts(snapshot.index.shortlist(query, max(60, limit * 3)))

    async def _hits(
        self, snapshot: Snapshot, facts: list[tuple[FactRow, float]], query: Query | None
    ) -> list[FactHit]:
        article_ids = sorted({fact.article_id for fact, _ in facts})
        sources = await snapshot.read.sources_of(article_ids)
        stems = {term.term for term in query.terms} if query else set()
        hits = []
        for fact, score in facts:
            row = snapshot.article(fact.article_id)
            if row is None:
                continue
            cited = fact.speaker or ", ".join(s.name for s in sources.get(fact.article_id, []))
            matched = tuple(
                dict.fromkeys(w for w in surface_words(fact.text) if set(analyze(w)) & stems)
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
        with self._reading() as snapshot:
            return await self._source(snapshot, article)

    async def _source(self, snapshot: Snapshot, article: str | None) -> SourcesAnswer | UserError:
        row = resolve_article(snapshot, article)
        if isinstance(row, UserError):
            return row
        sources = await snapshot.read.sources(row.id)
        quotes = await snapshot.read.quotes(article_id=row.id)
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
        with self._reading() as snapshot:
            return await self._summary(snapshot, article)

    async def _summary(self, snapshot: Snapshot, article: str | None) -> SummaryAnswer | UserError:
        row = resolve_article(snapshot, article)
        if isinstance(row, UserError):
            return row
        key = await key_facts(snapshot.read, row.id)
        sources = await snapshot.read.sources(row.id)
        return SummaryAnswer(
            ArticleRef.of(row),
            row.author,
            row.lead,
            tuple(await self._hits(snapshot, [(f, 0.0) for f in key], None)),
            tuple(SourceItem(s.name, s.description) for s in sources),
        )

    # --- /quote -----------------------------------------------------------------------------

    async def quote(self, speaker: str | None) -> QuotesAnswer | UserError:
        with self._reading() as snapshot:
            return await self._quote(snapshot, speaker)

    async def _quote(self, snapshot: Snapshot, speaker: str | None) -> QuotesAnswer | UserError:
        if not speaker:
            if not snapshot.articles:
                return UserError(NO_ARTICLES)
            newest = snapshot.articles[0]
            rows = await snapshot.read.quotes(article_id=newest.id)
        else:
            name = resolve_name(snapshot, speaker, "speaker")
            if isinstance(name, UserError):
                return name
            speaker = name
            rows = await snapshot.read.quotes(speaker=name)
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
        with self._reading() as snapshot:
            return await self._figures(snapshot, topic, article)

    async def _figures(
        self, snapshot: Snapshot, topic: str | None, article: str | None
    ) -> FiguresAnswer | NothingFound | UserError:
        scope: ArticleRow | None = None
        if article or not topic:
            found = resolve_article(snapshot, article)
            if isinstance(found, UserError):
                return found
            scope = found
        if topic:
            facts = await self._facts(snapshot, topic, str(scope.id) if scope else None, 200)
            if not isinstance(facts, FactsAnswer):
                return facts
            rows = await snapshot.read.figures(fact_ids=[hit.id for hit in facts.hits])
            wanted = {t.term for t in snapshot.index.parse(topic).terms}
            about = [r for r in rows if wanted & set(analyze(f"{r.figure.text} {r.figure.unit}"))]
            rows = about or rows
        else:
            assert scope is not None
            rows = await snapshot.read.figures(article_id=scope.id)
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
        self, *, by: Requester, allow_removals: bool = False
    ) -> ReloadAnswer | UserError:
        """Load the seeds folder again, and report on every file; the store writes the audit
        row. A load that would remove most articles is refused unless `allow_removals`."""
        assert self.store is not None
        if self.seeds is None:
            return UserError("No seeds folder is set up here to reload from.")
        try:
            report = await self.store.load_folder(
                self.seeds.path,
                timezone=self.seeds.timezone,
                max_bytes=self.seeds.max_bytes,
                by=by,
                allow_removals=allow_removals,
                wait=False,
            )
        except LoadInProgress:
            return UserError(
                "A reload is already running. Its report comes when it is done; "
                "try again in a moment if you still need one."
            )
        except StoreBusy:
            return UserError(
                "Another load is running (another process is writing the articles); try again "
                "in a moment."
            )
        except LoadStopped:
            return UserError(
                "The bot is shutting down, so this reload was stopped and rolled back: nothing "
                "changed. Run /reload again once the bot is back."
            )
        except (FileNotFoundError, StoreError) as error:
            return UserError(f"Cannot reload: {error}.")
        self.prepare()
        return ReloadAnswer(report)

    async def reload_log(self, guild_id: int | None = None, limit: int = 10) -> ReloadLogAnswer:
        """The last reloads; asked in a server, only its own and the operator's."""
        assert self.store is not None
        return ReloadLogAnswer(tuple(await self.store.recent_reloads(limit, guild_id=guild_id)))

    # --- autocomplete -----------------------------------------------------------------------

    def complete(self, option: str, text: str) -> list[Choice]:
        """Choices for a half-typed option, best first, within Discord's limits; from memory."""
        snapshot = self.snapshot
        return self._completer(snapshot, option).complete(text[:CHOICE_LENGTH])

    async def refresh(self) -> None:
        """Answer from the database as it is now, another process's loads included."""
        assert self.store is not None
        if await self.store.refresh():
            self.prepare()

    def prepare(self) -> None:
        """Build what autocomplete needs now, not on a reader's first keystroke."""
        for option in ("topic", "article", "speaker"):
            self._completer(self.snapshot, option)
        for what in ("article", "speaker"):
            _picker(self.snapshot, what)

    @staticmethod
    def _completer(snapshot: Snapshot, option: str) -> Completer:
        completer = snapshot.memo.get(option)
        if not isinstance(completer, Completer):
            completer = snapshot.memo[option] = _completer_for(snapshot, option)
        return completer

    # --- /articles ------------------------------------------------------------------------

    def articles(self) -> ArticlesAnswer:
        return ArticlesAnswer(
            tuple(
                ArticleItem(ArticleRef.of(a), a.author, a.file_name) for a in self.snapshot.articles
            )
        )


CHOICE_LENGTH = 100


def _completer_for(snapshot: Snapshot, option: str) -> Completer:
    """Autocomplete over one snapshot's articles (by title, newest first), speakers or topics
    (most frequent first)."""
    if option == "article":
        choices = [
            Choice(
                clip(
                    f"{a.title} · {a.published:%-d %b %Y}" if a.published else a.title,
                    CHOICE_LENGTH,
                ),
                str(a.id),
            )
            for a in snapshot.articles
        ]
        return Completer(choices, TITLES)
    pool = snapshot.speakers if option == "speaker" else snapshot.topics
    shown = [clip(name, CHOICE_LENGTH) for name in pool]
    return Completer([Choice(name, name) for name in shown], NAMES)


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


def resolve_article(snapshot: Snapshot, text: str | None) -> ArticleRow | UserError:
    """An article from an id or a (fuzzy) title; the newest when nothing is given."""
    if not snapshot.articles:
        return UserError(NO_ARTICLES)
    text = (text or "").strip()[:OPTION_LENGTH]
    if not text:
        return snapshot.articles[0]
    number = text.lstrip("#")
    if number.isascii() and number.isdigit():  # "²" is a digit to str.isdigit, not to int()
        found = snapshot.article(int(number)) if len(number) <= 18 else None
        if found is None:
            return UserError(f"There is no article #{clip(number, 20)}. /articles lists them.")
        return found
    chosen = _picker(snapshot, "article").pick(text)
    if isinstance(chosen, NoMatch):
        return UserError(f"No article matches “{clip(text, 150)}”.", chosen.close)
    return snapshot.articles[chosen]


def resolve_name(snapshot: Snapshot, text: str, what: str) -> str | UserError:
    """A speaker's name from what was typed, matched as titles are."""
    chosen = _picker(snapshot, what).pick(text[:OPTION_LENGTH])
    if isinstance(chosen, NoMatch):
        if not snapshot.speakers:
            return UserError(f"There is no {what} to choose from yet.")
        return UserError(f"No {what} matches “{clip(text, 150)}”.", chosen.close)
    return snapshot.speakers[chosen]


def _picker(snapshot: Snapshot, what: str) -> Picker:
    """The snapshot's titles (newest first) or speakers (most quoted first), folded once."""
    picker = snapshot.memo.get(f"pick:{what}")
    if not isinstance(picker, Picker):
        texts = [a.title for a in snapshot.articles] if what == "article" else snapshot.speakers
        picker = snapshot.memo[f"pick:{what}"] = Picker(texts)
    return picker


def _understood_as(query: Query, snapshot: Snapshot) -> tuple[str, ...]:
    notes: dict[str, list[str]] = defaultdict(list)
    for term in query.terms:
        if term.why:
            concept = query.concepts[term.concept]
            notes[snapshot.index.surface.get(concept, concept)].append(
                snapshot.index.surface.get(term.term, term.term)
            )
    return tuple(f"{word}: also {', '.join(dict.fromkeys(alts))}" for word, alts in notes.items())


def _unit_head(unit: str) -> str:
    """Figures on "artillery shells" and "shells" stand side by side."""
    return unit.split()[-1] if unit.islower() else unit
