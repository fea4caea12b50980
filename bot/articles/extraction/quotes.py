"""Quotes and their speakers: quoted passages, over several paragraphs too, and who said them
(named, "he said" resolved to the person last speaking, or the source of a bare `Quote:`)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.names import is_person, person_name
from bot.articles.extraction.paragraphs import Block
from bot.articles.extraction.tables import (
    AFTER_QUOTE,
    CAPITALISED_RUN,
    QUOTE_MARK,
    QUOTE_PAIRS,
    SITE_NAME_KEYS,
)
from bot.articles.model import Quote, Source


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    block: int  # index of the block where the quote closes
    start: int  # offset of the opening mark in the block where it opens
    end: int  # offset after the closing mark in `block`
    first_block: int


def _quote_spans(blocks: list[Block]) -> Iterator[Span]:
    """Quoted passages, including ones that run over several paragraphs."""
    open_mark: str | None = None
    buffer: list[str] = []
    first_block = start = 0
    for index, block in enumerate(blocks):
        text = block.text
        position = 0
        if open_mark is not None and text[:1] in QUOTE_PAIRS:
            position = 1  # a continued quote re-opens each paragraph with a mark
        segment_start = position
        for mark in QUOTE_MARK.finditer(text, position):
            char, position = mark.group(), mark.start()
            if open_mark is None and char in QUOTE_PAIRS:
                open_mark, first_block, start = char, index, position
                segment_start, buffer = position + 1, []
            elif open_mark is not None and char in QUOTE_PAIRS[open_mark]:
                buffer.append(text[segment_start:position])
                yield Span(" ".join(buffer).strip(), index, start, position + 1, first_block)
                open_mark = None
        if open_mark is not None:
            buffer.append(text[segment_start:])
            if index + 1 < len(blocks) and blocks[index + 1].section is not block.section:
                open_mark = None  # an unclosed mark does not run into the next section


def find_quotes(
    blocks: list[Block], sources: list[Source], focus: Focus, deadline: Deadline
) -> list[tuple[Span, Quote]]:
    quotes: list[tuple[Span, Quote]] = []
    for span in _quote_spans(blocks):
        deadline.check()
        block = blocks[span.block]
        words = len(span.text.split())
        in_quote_section = block.section.kind == "quote"
        if words < 2 and not in_quote_section:
            continue
        attributed = blocks[span.first_block].verb_in_sentence(span.start) or AFTER_QUOTE.match(
            block.text, span.end
        )
        if not (in_quote_section or attributed or span.block != span.first_block or words >= 8):
            continue
        speaker = _speaker(span, blocks, sources, focus)
        # "..., it counts what Ukraine needs,” he said": the comma belongs to the sentence.
        quotes.append((span, Quote(span.text.rstrip(" ,"), speaker, fact=span.first_block)))
    return quotes


def _speaker(span: Span, blocks: list[Block], sources: list[Source], focus: Focus) -> str | None:
    block = blocks[span.block]
    if block.section.quote_speaker:
        return block.section.quote_speaker
    role = _ROLE_AFTER.match(block.text, span.end)
    if role:
        # "..., the official said": the official the paragraph named ("One Western official"),
        # never the last person named speaking.
        named = list(
            re.finditer(rf"\b(?:[A-Z][\w'’-]*\s+){{1,3}}{role['role']}\b", block.text[: span.start])
        )
        return named[-1].group() if named else None
    after = AFTER_QUOTE.match(block.text, span.end)
    if after:
        name = after["name"] or after["name_after"]
        if name and (person := person_name(name)):
            return focus.expand(person)
        if after["pronoun"]:
            return focus.person_before(span.first_block, span.start)
    opening = blocks[span.first_block]
    who = opening.claimant_before(opening.sentence_start(span.start), span.start)
    if who == "":
        return focus.person_before(span.first_block, span.start)
    if who:
        return focus.expand(who)
    if block.section.kind == "quote" and sources:
        # A bare `Quote:` is the source speaking when the source is a person; after "Source:
        # Yonhap" it is the one the paragraphs before quote (an agency issues no quotes).
        person = next((s.name for s in sources if is_person(s.name) and not _is_media(s)), None)
        if person is None and all(_is_media(s) for s in sources):
            person = focus.person_before(span.first_block, span.start)
        return focus.expand(person or sources[0].name)
    return focus.person_before(span.first_block, span.start)


# "..." the official said: a role noun with no name, lower case after the quote.
_ROLE_AFTER = re.compile(
    r"\s*,?\s*the\s+(?P<role>official|officials|source|sources|diplomat|analyst|spokesperson|"
    r"spokesman|spokeswoman|commander|officer)\s+(?:also\s+)?(?:said|says|added|told)\b"
)
_MEDIA = re.compile(
    r"news agency|agency|newspaper|broadcaster|\bmedia\b|\boutlet\b|\btv\b|television|radio", re.I
)


_GIVEN_NAME = re.compile(r"[A-Z][a-z]+-[a-z]+")  # "Won-sik"


def _is_media(source: Source) -> bool:
    """A news outlet or agency: it reports what others say, it is not quoted itself."""
    return bool(
        _MEDIA.search(source.name)
        or (source.description and _MEDIA.search(source.description))
        or source.name.casefold() in SITE_NAME_KEYS
    )


class Focus:
    """Who the text is about at a point: the last person named as saying something.

    Worked out on first use only: many articles never need it.
    """

    def __init__(self, blocks: list[Block], deadline: Deadline) -> None:
        self._blocks = blocks
        self._deadline = deadline
        self._full_names: dict[str, str] | None = None

    def expand(self, name: str) -> str:
        """`Putin` -> `Vladimir Putin` when the article names him in full."""
        if " " in name:
            return name
        if self._full_names is None:
            self._full_names = {}
            for block in self._blocks:
                self._deadline.check()
                for match in CAPITALISED_RUN.finditer(block.text):
                    full = person_name(match["run"])
                    if full and " " in full and is_person(full):
                        parts = full.split()
                        self._full_names.setdefault(parts[-1], full)
                        # Korean names put the family name first: Shin Won-sik is "Shin".
                        if len(parts) == 2 and _GIVEN_NAME.fullmatch(parts[1]):
                            self._full_names.setdefault(parts[0], full)
        return self._full_names.get(name, name)

    def person_before(self, block: int, offset: int) -> str | None:
        places, people = self._mentions
        earlier = bisect_left(places, (block, offset))
        return people[earlier - 1] if earlier else None

    @cached_property
    def _mentions(self) -> tuple[list[tuple[int, int]], list[str]]:
        """Each person named as speaking, in text order: (block, offset of the verb), and who."""
        places: list[tuple[int, int]] = []
        people: list[str] = []
        for index, block in enumerate(self._blocks):
            for start, end in block.verbs:
                self._deadline.check()
                who = block.claimant_before(block.sentence_start(start), end)
                if who and is_person(who):
                    places.append((index, start))
                    people.append(self.expand(who))
        return places, people
