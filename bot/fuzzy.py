"""Matching what people type against what the bot knows: named cut-offs, picking in stages,
look-alike words, and one autocomplete."""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

# Cut-offs, as rapidfuzz scores from 0 to 100, named for what they decide.
CLEAR_WINNER = 85  # a title or a name this close to what was typed is what was meant
CLOSE_ENOUGH = 50  # ... this close is worth offering as "did you mean"
LOOKALIKE = 60  # a word, command or zone this close looks like what was typed
COMPLETION = 70  # an autocomplete choice this close is worth offering
# Choices a fuzzy pass looks through, the first (newest, most frequent) ones: a pass over more
# would hold the event loop.
FUZZY_POOL = 5_000
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
Scorer = Callable[..., float]
# How two names compare: as written (names, words), or as sets of words (titles, where order and
# extra words matter little).
NAMES: Scorer = fuzz.WRatio
TITLES: Scorer = fuzz.token_set_ratio


def key(text: str) -> str:
    """What is compared: lower case, punctuation and extra spaces gone ("Europe/Kyiv" and
    "europe kyiv" are the same)."""
    return str(utils.default_process(text))


def passage_likeness(wanted: str, text: str) -> float:
    """How closely some stretch of `text` reads like `wanted`, both already folded: 0 to 1."""
    return float(fuzz.partial_ratio(wanted, text, processor=None)) / 100


SAME_PASSAGE = 80  # two passages this alike, word for word in any order, tell the same claim


def same_passage(a: str, b: str) -> bool:
    """Two reports of one claim: the same words, give or take a few and their order."""
    return fuzz.token_set_ratio(key(a), key(b)) >= SAME_PASSAGE


def typo_cutoff(word: str) -> int:
    """How close a known word must be to stand for a typo of `word`: closer for short words,
    where one letter is a larger share."""
    return 80 if len(word) <= 6 else 85 if len(word) <= 9 else 88


def lookalikes(
    text: str, choices: Iterable[str], *, cutoff: float = LOOKALIKE, limit: int = 3
) -> list[tuple[str, float]]:
    """The choices that look like `text` letter by letter, as a typo would, best first."""
    found = process.extract(
        text, list(choices), scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=limit
    )
    return [(str(choice), float(score)) for choice, score, _ in found]


def lookalikes_in(text: str, choices: list[str], limit: int) -> list[tuple[str, float, int]]:
    """As `lookalikes`, on a list the caller keeps (not copied), with each one's place in it."""
    found = process.extract(
        text, choices, scorer=fuzz.ratio, processor=None, score_cutoff=LOOKALIKE, limit=limit
    )
    return [(str(choice), float(score), int(at)) for choice, score, at in found]


@dataclass(frozen=True, slots=True)
class NoMatch:
    """Nothing was picked; `close` says what might have been meant."""

    close: tuple[str, ...]


class Picker:
    """Picks one of `texts` from what was typed, in stages, as people expect: the same text (or
    one of `also`, more keys for a choice); every typed word present; a clear fuzzy winner; else
    the close ones, to ask "did you mean". The first choice wins a tie, so `texts` come in order
    of preference (newest article, most quoted speaker). With `guesses=False`, only the first
    stage picks: for what must never be guessed, such as a time zone.

    Each stage's work is bounded, whatever the number of choices: a dictionary, a substring scan
    in C, a fuzzy pass over the first FUZZY_POOL."""

    def __init__(
        self, texts: Sequence[str], *, also: Mapping[str, int] | None = None, guesses: bool = True
    ) -> None:
        self.texts = texts
        self.guesses = guesses
        self.keys = [key(text) for text in texts]
        self.exact: dict[str, int] = {}
        for position, folded in enumerate(self.keys):
            self.exact.setdefault(folded, position)
        for folded, position in (also or {}).items():
            self.exact.setdefault(key(folded), position)

    def pick(self, text: str) -> int | NoMatch:
        """The position of the choice meant, or what might have been."""
        if not self.texts:
            return NoMatch(())
        folded = key(text)
        if folded in self.exact:
            return self.exact[folded]
        if self.guesses:
            found = self._every_word(folded)
            if found is not None:
                return found
        close = process.extract(
            folded, self.keys[:FUZZY_POOL], scorer=NAMES, processor=None, limit=3
        )
        if self.guesses and close and close[0][1] >= CLEAR_WINNER:
            return int(close[0][2])
        return NoMatch(tuple(self.texts[at] for _, score, at in close if score >= CLOSE_ENOUGH))

    def _every_word(self, folded: str) -> int | None:
        wanted = folded.split()
        if not wanted:
            return None
        shortest = min(wanted, key=len)  # every choice with all the words contains this one
        for position, choice in enumerate(self.keys):
            if shortest in choice and _has_every_word(choice.split(), wanted):
                return position
        return None


def _has_every_word(present: list[str], wanted: list[str]) -> bool:
    """Each wanted word is a word of the choice, or (from four letters) the start of one."""
    return all(
        any(word == w or (len(word) > 3 and w.startswith(word)) for w in present) for word in wanted
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: what is shown, and what comes back when it is picked."""

    name: str
    value: str


class Completer:
    """Autocomplete over choices folded once: those with a word that starts with the typed text
    first, in the choices' order, then fuzzy matches among the first FUZZY_POOL choices.

    Choices are found through their words: each word, once, with the positions of the choices
    that have it. Keeping each word's rest of the choice instead, to bisect on, cost 150 MB and
    a 1.4 s sort over 100,000 titles.
    """

    def __init__(
        self, choices: Sequence[Choice], scorer: Scorer = NAMES, cutoff: float = COMPLETION
    ) -> None:
        self.choices = choices
        self.scorer = scorer
        self.cutoff = cutoff
        self.folded = [key(choice.name) for choice in choices]
        having: dict[str, array[int]] = {}
        for position, name in enumerate(self.folded):
            for word in dict.fromkeys(name.split(" ")):
                found = having.get(word)
                if found is None:
                    found = having[word] = array("i")
                found.append(position)
        self.words = sorted(having)
        self.having = [having[word] for word in self.words]

    def complete(self, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Choice]:
        folded = key(text)
        if not folded:
            return list(self.choices[:limit])
        found = self._starting(folded, limit)
        if len(found) < limit:
            matches = set(found)
            for _, _, position in process.extract(
                folded,
                self.folded[:FUZZY_POOL],
                scorer=self.scorer,
                processor=None,
                limit=limit,
                score_cutoff=self.cutoff,
            ):
                if position not in matches:
                    found.append(position)
                    matches.add(position)
        return [self.choices[position] for position in found[:limit]]

    def _starting(self, folded: str, limit: int) -> list[int]:
        """The first `limit` choices, in order, where some word starts the typed text: "kor"
        finds "North Korea", "kim jo" finds "Kim Jong Un"."""
        first, space, _ = folded.partition(" ")
        lists = []
        at = bisect_left(self.words, first)
        while at < len(self.words) and self.words[at].startswith(first):
            if not space or self.words[at] == first:  # a word typed whole is a word whole
                lists.append(self.having[at])
            at += 1
        found: list[int] = []
        for position in heapq.merge(*lists):
            if found and found[-1] == position:
                continue  # two of its words start with what was typed
            if space and f" {folded}" not in f" {self.folded[position]}":
                continue
            found.append(position)
            if len(found) == limit:
                break
        return found


def names_agree(typed: str, name: str) -> bool:
    """Every word typed is a word of `name`, its start, or a typo of it: "shin" and "Shin
    Won-sik" agree, "kremlin" and "The United States" do not, however a fuzzy score ranks them."""
    present = key(name).replace("-", " ").split()
    wanted = [word for word in key(typed).replace("-", " ").split() if word != "the"]
    return bool(wanted) and all(
        any(
            (len(word) >= 3 and w.startswith(word))
            or w == word
            or fuzz.ratio(word, w) >= typo_cutoff(word)
            for w in present
        )
        for word in wanted
    )
