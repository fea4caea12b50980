"""/timeline: the claims about a topic across the archive in the order they were claimed, each with
who claims it and the article; a claim repeated by several articles once, with the others as
"also reported by"; figures on one thing that disagree at about the same time flagged, and a
rising or falling series of them shown as one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from bot.articles import number_text
from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.facts import FactHit, FactsAnswer, NothingFound, also_cited, find_facts
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.pages import Reply, escape, heading, paged
from bot.search import analyze, read_question
from bot.store import FigureRow, Snapshot
from bot.text import clip, day_number, normalise, words

if TYPE_CHECKING:
    from bot.desk.service import Desk

TIMELINE_FACTS = 60  # the facts about a topic the timeline is made of, best first
CONFLICT_DAYS = 14  # two figures claimed this close in time describe the same moment
CONFLICT_SHARE = 0.1  # ... and disagree when they differ by more than this share of the larger
SERIES_LENGTH = 3  # this many figures rising (or falling) in turn make a series
TEXT_CHARS = 300  # of a claim, on a line
RECALLED = frozenset({"background", "previously", "reminder", "reference"})
SAME_TEXT_WORDS = 12  # two claims opening with the same words are one claim, copied


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: str | None  # ISO date or month: the claim's own time, else its article's date
    # "claim": the text says when; "article": the article's news, claimed when it was published;
    # "recalled": a Background or Previously line without a time, claimed before the article
    dated_by: str
    claimant: str | None  # None: the outlet's own reporting, or nobody named
    credit: str | None  # who says it, as the reader reads it: "South Korea reported, in March 2024"
    text: str
    value: float | None  # the figure the claim reports, when it reports one
    unit: str | None
    figure: str | None  # the figure as a reader reads it: "about 7,000 containers"
    noun: str | None
    party: str | None  # the claimant is a party to the story, per the article
    article: ArticleRef
    also: tuple[ArticleRef, ...] = ()  # other articles that report the same claim
    conflict: str | None = None  # "disagrees with some 5,000 (The Times, March 2024)"

    def when_text(self) -> str:
        return when_text(self.when, self.dated_by)

    def who(self) -> str:
        who = self.credit or "not attributed"
        return who if not self.party or "party" in who else f"{who} (party to the story)"


@dataclass(frozen=True, slots=True)
class Series:
    unit: str
    values: tuple[float, ...]
    counted: str  # "containers"

    def text(self) -> str:
        if self.unit == "percent":
            return " -> ".join(f"{number_text(v)}%" for v in self.values)
        return " -> ".join(number_text(v) for v in self.values) + f" {self.counted}"


@dataclass(frozen=True, slots=True)
class TimelineAnswer(Answer):
    kind: ClassVar[str] = "timeline"
    topic: str
    entries: tuple[TimelineEntry, ...]
    series: tuple[Series, ...]
    understood_as: tuple[str, ...]

    def text(self) -> str:
        lines = [f"Timeline of “{self.topic}”:"]
        if self.understood_as:
            lines.append("(" + "; ".join(self.understood_as) + ")")
        lines += [f"Series: {s.text()}" for s in self.series]
        for entry in self.entries:
            lines.append(f"{entry.when_text()} — {entry.who()}: {clip(entry.text, TEXT_CHARS)}")
            lines.append(f"    {entry.article.citation()}")
            if entry.also:
                lines.append("    also reported by " + ", ".join(also_cited(a) for a in entry.also))
            if entry.conflict:
                lines.append(f"    ⚠ {entry.conflict}")
        return "\n".join(lines)

    def json(self) -> dict[str, Any]:
        body = Answer.json(self)
        body["series"] = [
            {**s, "text": series.text()}
            for s, series in zip(body["series"], self.series, strict=True)
        ]
        return body

    def reply(self) -> Reply:
        blocks = [f"**{escape(s.text())}**" for s in self.series]
        for entry in self.entries:
            lines = [
                f"**{escape(entry.when_text())}** · {escape(entry.who())}",
                escape(clip(entry.text, TEXT_CHARS)),
                f"*{escape(also_cited(entry.article))}*",
            ]
            if entry.also:
                also = ", ".join(also_cited(a) for a in entry.also)
                lines.append(escape(clip(f"also reported by {also}", 300)))
            if entry.conflict:
                lines.append(f"⚠ {escape(entry.conflict)}")
            blocks.append("\n".join(lines))
        notes = "; ".join(self.understood_as)
        footer = clip(notes[:1].upper() + notes[1:], 1000) if notes else ""
        return Reply(tuple(paged(heading(f"Timeline of “{self.topic}”"), blocks, footer=footer)))


_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def when_text(when: str | None, dated_by: str = "claim") -> str:
    """ "March 2024", "19 June 2024"; "by 4 March 2024" when only the article's date is known."""
    if not when:
        return "undated"
    year, month, *day = when.split("-")
    text = f"{_MONTHS[int(month) - 1]} {year}"
    if day:
        text = f"{int(day[0])} {text}"
    return f"before {text}" if dated_by == "recalled" else text


async def timeline(desk: Desk, topic: str) -> TimelineAnswer | NothingFound | UserError:
    with desk.reading() as snapshot:
        return await find_timeline(snapshot, topic)


async def find_timeline(
    snapshot: Snapshot, topic: str
) -> TimelineAnswer | NothingFound | UserError:
    found = await find_facts(snapshot, topic, None, TIMELINE_FACTS, folded=False)
    if not isinstance(found, FactsAnswer):
        return found
    # A timeline is of the reader's own words: facts only a synonym found wait for none.
    meant = snapshot.index.parse(read_question(topic).topic or topic).meant
    own = set(analyze(" ".join(meant)))
    literal = [hit for hit in found.hits if own & set(analyze(hit.text))]
    chosen = literal or list(found.hits)
    figures = await snapshot.read.figures(fact_ids=[hit.id for hit in chosen])
    entries = _conflicts(entries_of(chosen, figures, topic))
    return TimelineAnswer(topic, tuple(entries), _series(entries), found.understood_as)


def entries_of(
    found: Sequence[FactHit], figures: Sequence[FigureRow], about: str
) -> list[TimelineEntry]:
    """The facts as claims in the order they were claimed, each claim once; a fact's figure is
    the one on what was asked `about` ("containers"), else its first."""
    wanted = set(words(about.lower()))
    by_fact: dict[int, FigureRow] = {}
    for row in figures:
        if row.fact_id is None:
            continue
        kept = by_fact.get(row.fact_id)
        if kept is None or (
            wanted & set(words(row.counted)) and not wanted & set(words(kept.counted))
        ):
            by_fact[row.fact_id] = row
    entries = [_entry(hit, by_fact.get(hit.id)) for hit in found]
    return _merged(sorted(entries, key=_order))


def _entry(hit: FactHit, figure: FigureRow | None) -> TimelineEntry:
    published = hit.article.published
    when, dated_by = hit.claimed_at, "claim"
    if when is None:
        when = published.date().isoformat() if published else None
        dated_by = "recalled" if hit.section_kind in RECALLED else "article"
    return TimelineEntry(
        when,
        dated_by,
        hit.claimant if hit.attribution != "article sources" else None,
        hit.cited,
        hit.text,
        figure.figure.value if figure else None,
        figure.figure.unit if figure else None,
        figure.figure.reads() if figure else None,
        figure.figure.noun() if figure else None,
        hit.party,
        hit.article,
        hit.also,
    )


def _order(entry: TimelineEntry) -> tuple[int, str, str, int]:
    """By when claimed: a month before the days in it; undated last."""
    if entry.when is None:
        return (1, "", "", entry.article.id)
    published = entry.article.published.isoformat() if entry.article.published else ""
    return (0, entry.when, published, entry.article.id)


def _merged(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Each claim once, told by the article that reported it first: the same figure by the
    same claimant, a copied paragraph, or a figure an article recalls without a time of its
    own; the other articles become "also reported by"."""
    kept: list[TimelineEntry] = []
    # Where to look, so each entry is compared with the few that may be the same claim:
    # those opening with its words, and those reporting its figure.
    by_opening: dict[tuple[str, ...], int] = {}
    by_figure: dict[tuple[float, str | None], list[int]] = {}
    for entry in entries:
        opening = tuple(words(entry.text)[:SAME_TEXT_WORDS])
        figure = (entry.value, entry.unit) if entry.value is not None else None
        at = by_opening.get(opening)
        if at is None and figure is not None:
            at = next((n for n in by_figure.get(figure, ()) if _same_claim(kept[n], entry)), None)
        if at is None:
            by_opening.setdefault(opening, len(kept))
            if figure is not None:
                by_figure.setdefault(figure, []).append(len(kept))
            kept.append(entry)
            continue
        first, other = sorted((kept[at], entry), key=_first_reported)
        articles = [other.article, *kept[at].also, *entry.also]
        also = sorted(
            {a.id: a for a in articles if a.id != first.article.id}.values(),
            key=_published,
        )
        kept[at] = replace(first, also=tuple(also))
    return sorted(kept, key=_order)


def _published(article: ArticleRef) -> tuple[bool, str, int]:
    when = article.published.isoformat() if article.published else ""
    return (not when, when, article.id)


def _first_reported(entry: TimelineEntry) -> tuple[bool, tuple[bool, str, int]]:
    """The report to tell a claim by: the article's own news before what another recalls,
    then the earliest article."""
    return (entry.dated_by == "recalled", _published(entry.article))


def _same_claim(earlier: TimelineEntry, later: TimelineEntry) -> bool:
    """The same figure, claimed once: by one claimant in one month, or recalled later."""
    if earlier.value is None or earlier.value != later.value or earlier.unit != later.unit:
        return False
    if "recalled" in (earlier.dated_by, later.dated_by):
        return True  # an older claim an article recalls
    if not _claimants_agree(earlier.claimant, later.claimant):
        return False
    # "South Korea" in March and "South Korea's Defence Ministry" on 4 March: one claim.
    return bool(earlier.when and later.when and earlier.when[:7] == later.when[:7])


def _claimants_agree(a: str | None, b: str | None) -> bool:
    """One names the other: "South Korea" and "South Korea's Defence Ministry"."""
    if not a or not b:
        return False
    words_a = set(normalise(a).replace("'s", "").split())
    words_b = set(normalise(b).replace("'s", "").split())
    return words_a <= words_b or words_b <= words_a


def _timed(entry: TimelineEntry) -> tuple[int, float] | None:
    """A figure's day and value, when its time is known: claimed when it says, or in the
    article's own news; None for a figure an article recalls, or none."""
    if entry.value is None or entry.when is None or entry.dated_by == "recalled":
        return None
    return day_number(entry.when), entry.value


def _conflicts(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Figures on the same thing, by different claimants, about the same time, that disagree:
    each says which other figure, the nearest in time, it disagrees with."""
    flagged = list(entries)
    by_unit: dict[str, list[tuple[int, float, int]]] = {}  # unit -> (day, value, position)
    for n, entry in enumerate(entries):
        timed = _timed(entry)
        if timed is not None and entry.unit:
            by_unit.setdefault(entry.unit, []).append((*timed, n))
    for figures in by_unit.values():
        for day, value, n in figures:
            entry = entries[n]
            against = [
                (abs(day - other_day), m)
                for other_day, other_value, m in figures
                if m != n
                and abs(day - other_day) <= CONFLICT_DAYS
                and abs(value - other_value) > CONFLICT_SHARE * max(abs(value), abs(other_value))
                and not _claimants_agree(entries[m].claimant, entry.claimant)
            ]
            if against:
                other = entries[min(against)[1]]
                who = other.claimant or "the outlet"
                flagged[n] = replace(
                    entry, conflict=f"disagrees with {other.figure} ({who}, {other.when_text()})"
                )
    return flagged


def _series(entries: list[TimelineEntry]) -> tuple[Series, ...]:
    """Per unit, the longest run of figures rising (or falling) in time order, when it is long
    enough to tell a trend; of runs as long, the one more articles reported."""
    units: dict[str, list[TimelineEntry]] = {}
    for entry in entries:
        if _timed(entry) is not None and entry.unit:
            units.setdefault(entry.unit, []).append(entry)
    found = []
    for unit, series in units.items():
        points = [(e.value, 1 + len(e.also)) for e in series if e.value is not None]
        best = max(_longest(points, rising=True), _longest(points, rising=False))
        if best[0] >= SERIES_LENGTH:
            noun = series[-1].noun or unit
            found.append(Series(unit, best[2], noun))
    return tuple(found)


Run = tuple[int, int, tuple[float, ...]]  # length, articles reporting it, values


def _longest(points: list[tuple[float, int]], *, rising: bool) -> Run:
    """The longest strictly rising (or falling) run of values, in order; of those as long, the
    one reported by the most articles."""
    runs: list[Run] = []
    for value, reports in points:
        before: Run = (0, 0, ())
        for run in runs:
            last = run[2][-1]
            if (last < value if rising else last > value) and run[:2] > before[:2]:
                before = run
        runs.append((before[0] + 1, before[1] + reports, (*before[2], value)))
    return max(runs, default=(0, 0, ()))


async def _run(desk: Desk, call: Call) -> Answer:
    return await timeline(desk, call.options.get("topic", ""))


COMMANDS = (
    CommandSpec(
        "timeline",
        "How the claims about a topic moved over time, who made them, and where",
        (OptionSpec("topic", "What the claims are about, e.g. containers", required=True),),
        run=_run,
    ),
)
