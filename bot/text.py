"""The text toolbox: folding, words, sentences, plurals and clipping, for every room."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

# --- Folding and words ------------------------------------------------------------------------

_FOLD = tuple(zip("“”„«»’‘–—", '"""""\'\'--', strict=True))
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_SURFACE_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def fold(text: str) -> str:
    """Case, quote marks and dashes folded; hyphens split words ("Kim Jong-un" = "Kim Jong Un")."""
    if text.isascii():
        # Most text: no curly quote or dash to replace, and casefold() is lower() there.
        return text.lower().replace("-", " ")
    # One replace() per mark: on text that is not ASCII, translate() is several times slower.
    for mark, plain in _FOLD:
        text = text.replace(mark, plain)
    return text.casefold().replace("-", " ")


# The only characters a case-blind (re.I) pattern takes for an ASCII letter that lower() does not
# make one: "İ" and "ı" for i, "ſ" for s, the Kelvin sign for k.
_CASE_BLIND_LETTER = re.compile("[\u0130\u0131\u017f\u212a]")


class CaseBlindWords:
    """Words one of which a costly case-blind (re.I) pattern needs, to rule a text out before
    searching it: most texts hold none, and a plain search of the lowered text is cheap."""

    __slots__ = ("_pattern",)

    def __init__(self, words: Iterable[str]) -> None:
        words = sorted(words)
        if not all(word.isascii() and word == word.lower() for word in words):
            raise ValueError("the words must be lower-case ASCII")
        self._pattern = re.compile("|".join(re.escape(word) for word in words))

    def may_be_in(self, text: str) -> bool:
        """False only when `text` holds none of the words, in any case."""
        if not text.isascii() and _CASE_BLIND_LETTER.search(text):
            return True
        return self._pattern.search(text.lower()) is not None


def normalise(text: str | None) -> str:
    """Folded, with its white space folded too: two lines are the same line when these are."""
    return " ".join(fold(text).split()) if text else ""


def words(text: str) -> list[str]:
    """Folded words, stopwords included: what people type and what phrases are made of."""
    return _WORD.findall(fold(text))


def surface_words(text: str) -> list[str]:
    """The words as written, hyphenated ones whole: what a reader sees highlighted."""
    return _SURFACE_WORD.findall(text)


# --- Sentences ------------------------------------------------------------------------------

# From the first mark of a run only ("?!..."): a later one ends the same sentence or none. A
# sentence starts with a capital, Latin or Cyrillic, a digit, or an opening mark. The look back
# comes after the first mark, not before it: a pattern that opens with a mark is only tried where
# one stands.
_SENTENCE_END = re.compile(
    r"[.!?…](?<![.!?…]{2})[.!?…]*[\"”»’')]*\s+(?=[\"“„«(\[]?[A-Z0-9А-ЯІЇЄҐ])"
)
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no gen col lt maj sgt jr sr vs etc e.g i.e u.s u.k jan feb mar apr jun jul "
    "aug sep sept oct nov dec approx".split()
)
_LONGEST_ABBREVIATION = max(len(abbreviation) for abbreviation in ABBREVIATIONS)
_LETTER = re.compile("[a-z]")
_WORD_STRIP = '("“'
_SHORT_SENTENCE = 40  # a shorter first "sentence" is most likely an abbreviation: "5 Sept."


def sentence_bounds(text: str, tick: Callable[[], None] | None = None) -> list[int]:
    """Where the sentences of `text` start, 0 first; a full stop after an abbreviation ("Gen.",
    "U.S.") or an initial ends none. `tick` is called at each candidate end, for a caller
    that bounds its time."""
    bounds = [0]
    for match in _SENTENCE_END.finditer(text):
        if tick is not None:
            tick()
        before = _short_word_before(text, match.start(), _LONGEST_ABBREVIATION)
        if before is not None and (before in ABBREVIATIONS or _LETTER.fullmatch(before)):
            continue
        bounds.append(match.end())
    return bounds


def _short_word_before(text: str, end: int, longest: int) -> str | None:
    """`text[:end].rsplit(" ", 1)[-1].lower().strip('("“')` when that is at most `longest`
    characters long, else None. Reads back only over that word, never the text before it."""
    start = end
    while start > 0 and text[start - 1] in _WORD_STRIP:
        start -= 1
    core_end = start
    # Past `longest` characters only strip characters can still belong to a short word.
    while (
        start > 0
        and text[start - 1] != " "
        and (core_end - start < longest or text[start - 1] in _WORD_STRIP)
    ):
        start -= 1
    if start > 0 and text[start - 1] != " ":
        return None
    return text[start:end].lower().strip(_WORD_STRIP)


def first_sentence(text: str) -> str:
    """A paragraph's first sentence, for one line. Beyond the abbreviations every sentence
    split knows, a word with a full stop inside it, or a short capitalised one ("Sept."), does
    not end it either."""
    text = " ".join(text.split())
    for end in sentence_bounds(text)[1:]:
        sentence = text[:end].rstrip()
        last_word = sentence.rsplit(" ", 1)[-1].rstrip(".!?…”\"»'")
        if len(sentence) < _SHORT_SENTENCE or "." in last_word:
            continue
        if len(last_word) <= 4 and last_word[:1].isupper():
            continue
        return sentence
    return text


# --- Plurals and counts ---------------------------------------------------------------------


def singular(word: str) -> str:
    """A plural noun's singular by the regular endings: supplies, boxes, shells; "bus", "glass"
    and "analysis" are left as they are."""
    lowered = word.lower()
    if lowered.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lowered.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if lowered.endswith("s") and not lowered.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plural(count: int, noun: str) -> str:
    """ "1 article", "3 articles": for nouns that take an s."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def day_number(when: str) -> int:
    """An ISO date or month ("2024-03": its middle) as a day number, to tell how far apart two
    claims are; 0 when unknown."""
    if not when:
        return 0
    parts = [int(p) for p in when.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 15).toordinal()


def date_text(when: datetime | None) -> str:
    """A date and time as readers see it: "19 June 2024, 13:03"."""
    return when.strftime("%-d %B %Y, %H:%M") if when else "undated"


# --- Clipping ---------------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """Cut at a word boundary, with an ellipsis, so that the text fits `limit` characters."""
    if len(text) <= limit:
        return text
    if limit < 2:
        return "…"[:limit]
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:·") + "…"
