"""The article model: what the extractor understands of one news article, as frozen dataclasses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

# What says the time now, aware and in UTC: the bot passes discord.py's (which tests drive on
# virtual time), everything else the system's.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


SectionKind = Literal[
    "lead", "details", "quote", "background", "previously", "reminder", "reference", "body"
]


@dataclass(frozen=True, slots=True)
class Photo:
    caption: str | None
    credit: str | None


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the `Source:` line: `Kremlin-aligned news agency RIA Novosti`."""

    name: str
    description: str | None
    text: str


_MONTH_NAME = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December"
)

# How a claim is attributed: a speech verb ("said", "reported"), an "according to", a quote
# passed on by another ("quoted by"), a report resting on others ("citing"), a `Quote from X:`
# label, the article's `Source:` line, or the outlet's own reporting.
Attribution = Literal[
    "said",
    "reported",
    "according to",
    "quoted by",
    "citing",
    "quote label",
    "article sources",
    "own reporting",
    "not attributed",
]


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, country or organisation a fact names: as written, and under the one name
    every spelling of it shares ("Kim Jong-un" and "Kim" are "Kim Jong Un")."""

    text: str
    name: str


@dataclass(frozen=True, slots=True)
class Claim:
    """Who says a fact, how, and when.

    A lead or Details paragraph that names no claimant of its own is credited to the article's
    `Source:` line ("article sources", the sources' names as claimant); a Background or
    Previously bullet that names none is the outlet's own reporting (claimant None). Nobody is
    ever credited by guess.
    """

    claimant: str | None
    attribution: Attribution
    when: str | None = None  # as written: "in mid-June"
    claimed_at: str | None = None  # resolved against the article's date: "2024-06", "2024-06-19"
    entities: tuple[Entity, ...] = ()
    party: str | None = None  # a party to the story: "Kremlin-aligned news agency RIA Novosti"
    via: str | None = None  # who passed it on: "quoted by RIA Novosti", "citing Western sources"

    def to_json(self) -> dict[str, Any]:
        return {
            "claimant": self.claimant,
            "attribution": self.attribution,
            "claimed_when": self.when,
            "claimed_at": self.claimed_at,
            "entities": [{"text": e.text, "name": e.name} for e in self.entities],
            "party": self.party,
            "via": self.via,
        }

    def credit(self) -> str:
        """Who says it, as a reader reads it: "South Korea reported, in March 2024"."""
        who, how = self.claimant, self.attribution
        match how:
            case "own reporting":
                text = "the outlet's own reporting"
            case "not attributed":
                text = "not attributed"
            case "article sources":
                text = f"per the article's sources: {who}"
            case "according to":
                text = f"according to {who}"
            case "quote label":
                text = f"quote from {who}"
            case "citing":
                text = f"citing {who}"
            case "quoted by":
                text = f"{who} said, quoted by {self.via}"
            case _:
                text = f"{who} {how}" + (f", citing {self.via}" if self.via else "")
        if when := self.when_text():
            text += f", {when}"
        if self.party:
            text += (
                " (a party to the story)"
                if self.party == who
                else f" (party to the story: {self.party})"
            )
        return text

    def when_text(self) -> str | None:
        """The claim's time as written, with its year when the text leaves it out: "in March
        2024"."""
        if not self.when:
            return None
        year = self.claimed_at[:4] if self.claimed_at else None
        if year and year not in self.when and _MONTH_NAME.search(self.when):
            return f"{self.when} {year}"
        return self.when

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Claim:
        return cls(
            body["claimant"],
            body["attribution"],
            body["claimed_when"],
            body["claimed_at"],
            tuple(Entity(e["text"], e["name"]) for e in body["entities"]),
            body["party"],
            body["via"],
        )


NOT_ATTRIBUTED = Claim(None, "not attributed")


@dataclass(frozen=True, slots=True)
class Fact:
    text: str
    claim: Claim = NOT_ATTRIBUTED


@dataclass(frozen=True, slots=True)
class Section:
    label: str | None  # as written in the article, e.g. "Details"; None for unlabelled text
    kind: SectionKind
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    speaker: str | None
    # Index into `Article.facts` of the paragraph the quote opens in, so a reader of the store
    # finds it in one step rather than by searching every fact's text; None when not known.
    fact: int | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A quantity claim: `about 7,000 containers`, claimed by South Korea in March.

    `unit` is what figures are grouped by (singular, lower-case: "container"); `counted` is what
    the number counts as the reader reads it ("containers of ammunition", "of the shells" for a
    percentage); `of_total` is the whole of a share ("47 of the 52 missiles": 52).
    """

    text: str
    qualifier: str | None
    value: float
    unit: str
    claimant: str | None
    when: str | None
    sentence: str
    fact: int | None = None  # index into `Article.facts` of the paragraph it stands in
    # Defaults for figures stored before they were extracted: what they count is their unit.
    counted: str = ""
    of_total: float | None = None

    def reads(self) -> str:
        """The figure with what it counts, as a reader reads it: "over 1,000 containers of
        ammunition", "about 45% of the shells", "47 of 52 missiles"."""
        counted = self.counted or self.unit
        if self.of_total is not None:
            share = f"{_number(self.value)} of {_number(self.of_total)}"
            return f"{self.qualifier} {share} {counted}" if self.qualifier else f"{share} {counted}"
        said, more = self.text.split(), counted.split()
        # The text ends with the first words of what is counted ("containers"): only the rest
        # ("of ammunition") is added.
        for overlap in range(min(len(said), len(more)), 0, -1):
            if [w.lower() for w in said[-overlap:]] == [w.lower() for w in more[:overlap]]:
                return " ".join([*said, *more[overlap:]])
        if counted.lower() == self.unit.lower():
            return self.text  # "45%", "US$5 million": the unit says nothing more
        return f"{self.text} {counted}"

    def noun(self) -> str:
        """What it counts, in one word: "containers" of "at least 10,000 containers of
        ammunition"; its unit when no word says."""
        return next(
            (w for w in self.reads().split() if w.isalpha() and w.lower() not in _QUALIFIERS),
            self.unit,
        )


_QUALIFIERS = frozenset(
    "about over more than at least up to some nearly almost around roughly approximately of"
    " under fewer less".split()
)


def number_text(value: float) -> str:
    """A figure's value as written: "10,000", "4.8"."""
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


_number = number_text


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None
    published: datetime | None
    author: str | None
    photo: Photo | None
    lead: str
    sources: tuple[Source, ...]
    sections: tuple[Section, ...]
    quotes: tuple[Quote, ...]
    figures: tuple[Figure, ...]
    updated: datetime | None = None
    url: str | None = None  # the page's address, when the copy carries it

    @property
    def facts(self) -> tuple[tuple[Section, Fact], ...]:
        return tuple((section, fact) for section in self.sections for fact in section.facts)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of `newsdesk parse --json`."""
        return {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "url": self.url,
            "author": self.author,
            "photo": (
                {"caption": self.photo.caption, "credit": self.photo.credit} if self.photo else None
            ),
            "lead": self.lead,
            "sources": [
                {"name": s.name, "description": s.description, "text": s.text} for s in self.sources
            ],
            "sections": [
                {
                    "label": s.label,
                    "kind": s.kind,
                    "facts": [{"text": f.text, **f.claim.to_json()} for f in s.facts],
                }
                for s in self.sections
            ],
            "quotes": [{"text": q.text, "speaker": q.speaker} for q in self.quotes],
            "figures": [
                {
                    "text": f.text,
                    "qualifier": f.qualifier,
                    "value": int(f.value) if f.value.is_integer() else f.value,
                    "unit": f.unit,
                    "counted": f.counted or f.unit,
                    "of_total": (
                        None
                        if f.of_total is None
                        else int(f.of_total)
                        if f.of_total.is_integer()
                        else f.of_total
                    ),
                    "claimant": f.claimant,
                    "when": f.when,
                    "sentence": f.sentence,
                }
                for f in self.figures
            ],
        }

    def to_text(self) -> str:
        """The article laid out for reading in a terminal: `newsdesk parse FILE`."""
        article = self
        lines = [article.title or "(no headline found)"]
        meta = []
        if article.published:
            meta.append(article.published.isoformat(" ", "minutes"))
        if article.author:
            meta.append(f"by {article.author}")
        if meta:
            lines.append(" · ".join(meta))
        if article.photo:
            caption = article.photo.caption or "Photo"
            lines.append(f"[{caption}. Photo: {article.photo.credit or 'unknown'}]")
        for source in article.sources:
            description = f" ({source.description})" if source.description else ""
            lines.append(f"Source: {source.name}{description}")
        for section in article.sections:
            lines += ["", f"{section.label or section.kind.capitalize()}:"]
            for fact in section.facts:
                lines += [f"  • {fact.text}", f"      — {fact.claim.credit()}"]
        if article.quotes:
            lines += ["", "Quotes:"]
            lines += [f"  “{q.text}” ({q.speaker or 'speaker unknown'})" for q in article.quotes]
        if article.figures:
            lines += ["", "Figures:"]
            for figure in article.figures:
                who = ", ".join(part for part in (figure.claimant, figure.when) if part)
                lines.append(f"  {figure.reads()}" + (f" ({who})" if who else ""))
        return "\n".join(lines)
