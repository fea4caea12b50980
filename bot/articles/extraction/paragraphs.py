"""One paragraph of the body, worked out once: its sentences, its speech verbs and their subjects,
its "according to" phrases. Every look-back is bounded, so a long paragraph costs linear time."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.names import name_before, person_name
from bot.articles.extraction.tables import (
    ACCORDING_AT,
    ACCORDING_PHRASE,
    CLAIM_AFTER,
    PRONOUN_CLAIM,
    PRONOUNS,
    SPEECH,
    SPEECH_VERBS,
    STOP_BEFORE_VERB,
    WHEN,
)
from bot.articles.model import SectionKind
from bot.text import sentence_bounds

if TYPE_CHECKING:
    from bot.articles.extraction.claims import Said


@dataclass(slots=True)
class SectionBuilder:
    label: str | None
    kind: SectionKind
    quote_speaker: str | None = None
    facts: list[str] = field(default_factory=list)


# How far before a speech verb its subject is looked for. A name, its title and the words between
# it and the verb fit well within it; reading further would make each verb cost the whole sentence.
_LOOKBACK = 300
_LONGEST_VERB = max(len(verb) for verb in SPEECH_VERBS.split("|"))
_WORD_PAIR = re.compile(r"\w\w")
_CAPITALISED_WORDS = re.compile(r"(?:[A-Z][\w'’()-]*\s?)+")


class Block:
    """A paragraph of the body with the section it belongs to, and what the claim steps ask of its
    text: sentences, speech verbs and their subjects, "according to" phrases, attributions after a
    figure. Each is worked out once, on first use; asked again for every quote and every figure,
    it made one long paragraph cost minutes.
    """

    def __init__(self, text: str, section: SectionBuilder, deadline: Deadline) -> None:
        self.text = text
        self.section = section
        self._deadline = deadline
        self._sentences: dict[int, tuple[int, str]] = {}
        self._whens: dict[int, re.Match[str] | None] = {}
        self._after: dict[int, tuple[list[int], int, re.Match[str] | None]] = {}
        self._named: dict[int, str | None] = {}
        # Each sentence's attribution, kept by `claims.said_in_sentence`: the fact's claim reads
        # it, and then every figure in the sentence again.
        self.said: dict[int, Said | None] = {}

    @cached_property
    def bounds(self) -> list[int]:
        return sentence_bounds(self.text, self._deadline.check)

    def sentence_index(self, offset: int) -> int:
        return bisect_right(self.bounds, offset) - 1

    def sentence_start(self, offset: int) -> int:
        return self.bounds[self.sentence_index(offset)]

    def sentence(self, index: int) -> tuple[int, str]:
        """Where the sentence starts once stripped, and its text (one string however often asked:
        every figure in it keeps it)."""
        cached = self._sentences.get(index)
        if cached is None:
            text, bounds = self.text, self.bounds
            start = bounds[index]
            end = bounds[index + 1] if index + 1 < len(bounds) else len(text)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            cached = self._sentences[index] = (start, text[start:end])
        return cached

    def when(self, index: int) -> re.Match[str] | None:
        if index not in self._whens:
            self._whens[index] = WHEN.search(self.sentence(index)[1])
        return self._whens[index]

    @cached_property
    def verbs(self) -> list[tuple[int, int]]:
        found = []
        for verb in SPEECH.finditer(self.text):
            self._deadline.check()
            found.append(verb.span())
        return found

    @cached_property
    def _verb_ends(self) -> list[int]:
        return [end for _, end in self.verbs]

    def verb_in_sentence(self, offset: int) -> bool:
        start, sentence = self.sentence(self.sentence_index(offset))
        first = bisect_left(self.verbs, (start, 0))
        return first < len(self.verbs) and self.verbs[first][0] < start + len(sentence)

    def _last_verb(self, start: int, end: int) -> int:
        """The index of the last speech verb of `text[start:end]` (in one sentence), or -1."""
        last = bisect_right(self._verb_ends, end) - 1
        return last if last >= 0 and self.verbs[last][0] >= start else -1

    def _tail_verb(self, start: int, end: int) -> int | None:
        """A verb that ends `text[start:end]` only because the slice cuts a word ("saidUS$5")."""
        text = self.text
        if not start < end < len(text) or not _WORD_PAIR.match(text, end - 1):
            return None
        for verb in SPEECH.finditer(text, max(start, end - _LONGEST_VERB), end):
            if verb.end() == end:
                return verb.start()
        return None

    @cached_property
    def _subjects(self) -> list[str | None]:
        subjects = []
        for start, _ in self.verbs:
            self._deadline.check()
            subjects.append(_verb_subject(self.text, self.sentence_start(start), start))
        return subjects

    def subject(self, verb: int) -> str | None:
        """The subject of the `verb`-th speech verb: a name, "" for a pronoun, None if neither."""
        return self._subjects[verb]

    @cached_property
    def _known_subject(self) -> list[int]:
        """For each verb, the latest verb up to it in its sentence with a subject, or -1."""
        known: list[int] = []
        previous = -1
        for index, (start, _) in enumerate(self.verbs):
            sentence = self.sentence_index(start)
            if self._subjects[index] is not None:
                known.append(index)
            else:
                known.append(known[-1] if index and sentence == previous else -1)
            previous = sentence
        return known

    def claimant_before(self, start: int, end: int) -> str | None:
        """Who speaks in `text[start:end]`, a sentence's start up to an offset in it: the subject
        of its last speech verb that has one, "" for a pronoun, else an "according to"."""
        tail = self._tail_verb(start, end)
        if tail is not None and (who := _verb_subject(self.text, start, tail)) is not None:
            return who
        last = self._last_verb(start, end)
        if last != -1 and (known := self._known_subject[last]) != -1:
            return self._subjects[known]
        return self.according_to(start, end)

    def named_before(self, start: int, end: int) -> str | None:
        """A name inside the subject of the last verb of `text[start:end]`: "Volunteers from the
        Vostok SOS charitable foundation said"."""
        verb = self._tail_verb(start, end)
        if verb is None:
            last = self._last_verb(start, end)
            if last == -1:
                return None
            verb = self.verbs[last][0]
        if verb not in self._named:
            subject = _tokens_before(self.text, start, verb)[-8:]
            runs = _CAPITALISED_WORDS.findall(" ".join(subject))
            self._named[verb] = person_name(runs[-1].strip()) if runs else None
        return self._named[verb]

    @cached_property
    def _according(self) -> tuple[list[int], list[tuple[int, int]]]:
        """Where each "according to" that has a phrase stands, and its phrase's start and length."""
        starts: list[int] = []
        phrases: list[tuple[int, int]] = []
        if "ccording to " not in self.text:  # what ACCORDING_AT needs; most paragraphs lack it
            return starts, phrases
        for match in ACCORDING_AT.finditer(self.text):
            self._deadline.check()
            phrase = ACCORDING_PHRASE.match(self.text, match.end())
            if phrase is not None and phrase.end() - match.end() >= 2:
                starts.append(match.start())
                phrases.append((match.end(), phrase.end() - match.end()))
        return starts, phrases

    def according_to(self, start: int, end: int) -> str | None:
        """ "according to the local Telegram channel RIA Melitopol" -> "RIA Melitopol", the first
        such phrase of `text[start:end]`, `start` a sentence's start."""
        starts, phrases = self._according
        first = bisect_left(starts, start)
        if first == len(starts) or phrases[first][0] + 2 > end:
            return None
        phrase_start, length = phrases[first]
        name = name_before(self.text[phrase_start : min(phrase_start + length, end)].split())
        return person_name(name) if name else None

    def claimant_after(self, offset: int) -> str | None:
        """A trailing attribution after `offset`, to the end of its sentence: "..., President
        Volodymyr Zelenskyy said on 1 March.", "" for "..., he said"."""
        pronouns, last_comma, at_last = self._attributions(self.sentence_index(offset))
        if last_comma < offset:
            return None
        first = bisect_left(pronouns, offset)
        if first < len(pronouns) and pronouns[first] < last_comma:
            return ""
        if at_last is None:
            return None
        return "" if at_last["pronoun"] else person_name(at_last["name"])

    def _attributions(self, index: int) -> tuple[list[int], int, re.Match[str] | None]:
        """For one sentence: the commas that open "..., he said", the last comma, and what the
        attribution pattern finds there. A named attribution needs no comma after it, so only the
        last comma can open one; a pronoun can follow any."""
        if index not in self._after:
            # The sentence's end as `_claimant` has always measured it.
            end = self.bounds[index] + len(self.sentence(index)[1])
            start = self.bounds[index]
            pronouns = [m.start() for m in PRONOUN_CLAIM.finditer(self.text, start, end)]
            last = self.text.rfind(",", start, end)
            at_last = CLAIM_AFTER.match(self.text, last, end) if last != -1 else None
            self._after[index] = (pronouns, last, at_last)
        return self._after[index]


def _tokens_before(text: str, start: int, end: int) -> list[str]:
    """The words of `text[start:end]` that lie in the `_LOOKBACK` characters before `end`."""
    low = max(start, end - _LOOKBACK)
    tokens = text[low:end].split()
    if tokens and low > start and not text[low - 1].isspace() and not text[low].isspace():
        tokens.pop(0)  # a word cut by the window is not a word
    return tokens


def _verb_subject(text: str, start: int, verb: int) -> str | None:
    """The subject of the speech verb at `verb`, in the sentence from `start`: a name, "" for a
    pronoun, None when there is neither."""
    end = verb
    while end > start and text[end - 1].isspace():
        end -= 1
    name_start, name_end = start, end
    if end - start >= 4 and text[end - 1] == ",":
        # "Vadym Filashkin, Head of the Oblast Military Administration, said": the name stands
        # before the last clause, of 2 to 120 characters between commas.
        second = text.rfind(",", max(start, end - 122), end - 1)
        if start <= second <= end - 4:
            first = text.rfind(",", max(start, second - _LOOKBACK), second)
            clause = first + 1 if first != -1 else start
            if clause < second:
                name_start, name_end = clause, second
    tokens = _tokens_before(text, name_start, name_end)
    while tokens and tokens[-1].lower() in STOP_BEFORE_VERB:
        tokens.pop()
    if tokens and tokens[-1].lower() in PRONOUNS:
        return ""
    name = name_before(tokens)
    return person_name(name) if name else None


# --- Quotes and speakers ----------------------------------------------------------------------
