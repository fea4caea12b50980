"""Figures: a number with its qualifier, scale and unit, who claims it and when."""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.paragraphs import Block
from bot.articles.extraction.quotes import Focus, Span
from bot.articles.extraction.tables import (
    CURRENCIES,
    FIGURE_HEAD,
    FIGURE_TAIL,
    MONTHS,
    NUMBER_START,
    SCALES,
    UNCOUNTED,
    UNIT_MODIFIERS,
    UNIT_STOP,
)
from bot.articles.model import Figure, Quote, Source
from bot.text import singular


def find_figures(
    blocks: list[Block],
    sources: list[Source],
    quoted: list[tuple[Span, Quote]],
    focus: Focus,
    deadline: Deadline,
) -> list[Figure]:
    figures: list[Figure] = []
    quotes = _QuoteIndex(quoted)
    for index, block in enumerate(blocks):
        for number in NUMBER_START.finditer(block.text):
            deadline.check()
            figure = _figure(block, index, number.start(), sources, quotes, focus)
            if figure is not None:
                figures.append(figure)
    return figures


class _QuoteIndex:
    """The kept quotes in text order, to find the one around a figure by bisection. Quotes never
    overlap: one opens only after the last has closed."""

    def __init__(self, quoted: list[tuple[Span, Quote]]) -> None:
        self._quoted = quoted
        self._starts = [(span.first_block, span.start) for span, _ in quoted]

    def around(self, block: int, offset: int) -> Quote | None:
        last = bisect_right(self._starts, (block, offset)) - 1
        if last < 0:
            return None
        span, quote = self._quoted[last]
        return quote if (block, offset) < (span.block, span.end) else None


def _figure(
    block: Block,
    index: int,
    at: int,
    sources: list[Source],
    quotes: _QuoteIndex,
    focus: Focus,
) -> Figure | None:
    text = block.text
    tail = FIGURE_TAIL.match(text, at)
    head = FIGURE_HEAD.search(text, max(0, at - 24), at)
    if tail is None or head is None:
        return None
    number, scale_word = tail["number"], (tail["scale"] or "").lower()
    qualifier, currency_mark = head["qualifier"], head["currency"]
    currency = CURRENCIES.get((currency_mark or "").strip().lower())
    unit_words, unit_length = _unit_words(tail["unit"] or "")
    if re.fullmatch(r"(?:19|20)\d\d", number) and not (qualifier or scale_word or currency):
        return None  # a year
    if unit_words and unit_words[0].lower() in MONTHS:
        return None  # a date: "19 June"
    unit = currency or _singular(" ".join(unit_words))
    if not unit:
        return None
    value = float(number.replace(",", "")) * SCALES.get(scale_word, 1)
    start = (
        head.start("qualifier") if qualifier else head.start("currency") if currency_mark else at
    )
    if unit_words and not currency:
        end = tail.start("unit") + unit_length
    else:
        end = tail.end("scale") if tail["scale"] else tail.end("number")
    sentence = block.sentence_index(start)
    when = block.when(sentence)
    return Figure(
        text=text[start:end],
        qualifier=qualifier.lower() if qualifier else None,
        value=value,
        unit=unit,
        claimant=_claimant(block, index, start, sources, quotes, focus),
        when=_lower_first(when.group()) if when else None,
        sentence=block.sentence(sentence)[1],
        fact=index,
    )


def _claimant(
    block: Block,
    index: int,
    offset: int,
    sources: list[Source],
    quotes: _QuoteIndex,
    focus: Focus,
) -> str | None:
    """Who claims the figure at `offset`: the quote it stands in, the sentence's speaker, or the
    source the section reports."""
    quote = quotes.around(index, offset)
    if quote is not None:
        return quote.speaker
    sentence = block.sentence_index(offset)
    sentence_start = block.bounds[sentence]
    sentence_end = sentence_start + len(block.sentence(sentence)[1])
    who = block.claimant_before(sentence_start, offset)
    if who is None:
        who = block.claimant_after(offset)
    if who is None:
        who = block.according_to(sentence_start, sentence_end)
    if who is None:
        who = block.named_before(sentence_start, offset)
    if who == "":
        return focus.person_before(index, offset)
    if who:
        return focus.expand(who)
    if block.section.quote_speaker:
        return block.section.quote_speaker
    if block.section.kind in ("lead", "details", "quote", "body") and sources:
        return sources[0].name
    return None


def _unit_words(text: str) -> tuple[list[str], int]:
    """The unit's words after a number, and how many characters of `text` they span."""
    if re.fullmatch(r"\s*(?:%|per\s?cent)", text, re.I):
        return ["percent"], len(text)
    tokens = list(re.finditer(r"[\w-]+", text))
    kept: list[re.Match[str]] = []
    for token in tokens:
        word = token.group()
        after_plural = bool(kept) and kept[-1].group().lower().endswith("s")
        if word.lower() in UNIT_STOP or (word.endswith("ing") and after_plural):
            break
        kept.append(token)
    # "Shahed drones overnight": the noun phrase ends at its last plural.
    plural = [
        i for i, t in enumerate(kept) if t.group().lower().endswith("s") and len(t.group()) > 2
    ]
    if plural:
        kept = kept[: plural[-1] + 1]
    elif len(kept) > 1:
        kept = kept[:1]
    while len(kept) > 1 and kept[0].group().lower() in UNIT_MODIFIERS:
        kept = kept[1:]
    if not kept or kept[0].group().lower() in UNIT_MODIFIERS:
        return [], 0
    return [t.group() for t in kept], kept[-1].end()


def _singular(phrase: str) -> str:
    words = phrase.split()
    if not words:
        return ""
    last = words[-1]
    if last.lower() not in UNCOUNTED:
        last = singular(last)
    return " ".join([*words[:-1], last]).lower() if not phrase.isupper() else phrase


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first.lower() in ("in", "on", "by", "since") else text
