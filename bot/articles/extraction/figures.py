"""Figures: a number with its qualifier, scale and unit, what it counts, who claims it and when;
shares of a whole ("47 of the 52 missiles") with their total."""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.articles.extraction.claims import said_in_sentence
from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.paragraphs import Block
from bot.articles.extraction.quotes import Focus, Span
from bot.articles.extraction.tables import (
    COUNTED_OF,
    COUNTED_OPENERS,
    COUNTED_STOP,
    COUNTED_WORDS,
    CURRENCIES,
    FIGURE_HEAD,
    FIGURE_TAIL,
    MONTHS,
    NUMBER_START,
    NUMBER_WORDS,
    SCALES,
    SHARE,
    SHARE_OF,
    UNCOUNTED,
    UNIT_MODIFIERS,
    UNIT_STOP,
)
from bot.articles.model import Attribution, Claim, Figure, Quote, Source
from bot.text import fold, singular

# A claim that names who makes it: its claimant and time are a figure's when the figure's own
# sentence names none. The article's sources and the outlet's own reporting name nobody.
_CLAIMED: frozenset[Attribution] = frozenset(
    ("said", "reported", "according to", "quoted by", "citing", "quote label")
)


def find_figures(
    blocks: list[Block],
    sources: list[Source],
    quoted: list[tuple[Span, Quote]],
    focus: Focus,
    claims: list[Claim],
    deadline: Deadline,
) -> list[Figure]:
    """The figures of each block (fact), in text order; `claims` are the blocks' claims."""
    figures: list[Figure] = []
    quotes = _QuoteIndex(quoted)
    for index, block in enumerate(blocks):
        context = _Context(block, index, sources, quotes, focus, claims[index])
        found: list[tuple[int, Figure]] = []
        shared: set[int] = set()  # where the counts of a share start: no figures of their own
        shares = SHARE.finditer(block.text) if SHARE_OF.search(block.text) else ()
        for match in shares:
            deadline.check()
            share = _share(match, context)
            if share is not None:
                found.append((match.start(), share))
                shared |= {match.start("part"), match.start("total")}
        for number in NUMBER_START.finditer(block.text):
            deadline.check()
            if number.start() in shared:
                continue
            figure = _figure(number.start(), context)
            if figure is not None:
                found.append((number.start(), figure))
        figures += [figure for _, figure in sorted(found, key=lambda f: f[0])]
    return figures


class _Context:
    """What every figure of one block is read against: who may claim it, and when."""

    def __init__(
        self,
        block: Block,
        index: int,
        sources: list[Source],
        quotes: _QuoteIndex,
        focus: Focus,
        claim: Claim,
    ) -> None:
        self.block = block
        self.index = index
        self.sources = sources
        self.quotes = quotes
        self.focus = focus
        self.claim = claim

    def when(self, sentence: int) -> str | None:
        """The time of the claim the figure is part of: its sentence's attribution's, else the
        paragraph's claim's when the sentence attributes nothing; else the sentence's first
        time, the only one it gives. "In June, Shin said North Korea had sent 10,000
        containers since August": in June."""
        said = said_in_sentence(self.block, sentence)
        if said is not None and said.when:
            return said.when
        if said is None and self.claim.when and self.claim.attribution in _CLAIMED:
            return self.claim.when
        when = self.block.when(sentence)
        # "sent 7,000 containers since July": when the sending began, not when it was claimed.
        if when is None or when.group().lower().startswith("since"):
            return None
        if self.block.text[: when.start()].rstrip().lower().endswith("since"):
            return None
        return _lower_first(when.group())

    def claimant(self, offset: int) -> str | None:
        """Who claims the figure at `offset`: its own claimant, else the paragraph's claim's.
        The claim's is the fuller name for the same one ("Shin Won-sik" for "Shin", the
        minister "the minister" stands for)."""
        own = _claimant(self.block, self.index, offset, self.quotes, self.focus)
        claimed = self.claim.claimant if self.claim.attribution in _CLAIMED else None
        if own is None or (claimed and _shorter_name(own, claimed)):
            return claimed if claimed is not None else self.claim.claimant
        return own


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


_CALIBRES = frozenset({"mm", "mm-calibre", "millimetre", "millimeter", "calibre", "caliber"})
_MONTH_NAMES = "|".join(name for name in MONTHS if len(name) > 3 or name == "may")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH_NAMES})\.?\s*$", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_TOKEN = re.compile(r"\S+")
_COUNTED_WORD = re.compile(r"[^\W\d][\w'’-]*")
_PERCENT = re.compile(r"\s*(?:%|per\s?cent)", re.I)
_UNIT_WORD = re.compile(r"[\w-]+")


def _figure(at: int, context: _Context) -> Figure | None:
    block = context.block
    text = block.text
    tail = FIGURE_TAIL.match(text, at)
    head = FIGURE_HEAD.search(text, max(0, at - 24), at)
    if tail is None or head is None:
        return None
    number, scale_word = tail["number"], (tail["scale"] or "").lower()
    qualifier, currency_mark = head["qualifier"], head["currency"]
    currency = CURRENCIES.get((currency_mark or "").strip().lower())
    unit_words, unit_from, unit_length = _unit_words(tail["unit"] or "")
    if _YEAR.fullmatch(number) and not (qualifier or scale_word or currency):
        return None  # a year
    if unit_words and unit_words[0].lower() in MONTHS:
        return None  # a date: "19 June"
    if unit_words and unit_words[0].lower() in _CALIBRES:
        return None  # a calibre: the "152 mm" of "152 mm shells" counts nothing
    if _MONTH_BEFORE.search(text[max(0, at - 12) : at]):
        return None  # a date: "the April 10 elections"
    unit = currency or _singular(" ".join(unit_words))
    if not unit:
        return None
    value = float(number.replace(",", "")) * SCALES.get(scale_word, 1)
    start = (
        head.start("qualifier") if qualifier else head.start("currency") if currency_mark else at
    )
    if unit_words and not currency:
        end = tail.start("unit") + unit_length
        # A percentage counts what it is of ("of the shells"), not "percent".
        counted_from = end if unit == "percent" else tail.start("unit") + unit_from
    else:
        end = tail.end("scale") if tail["scale"] else tail.end("number")
        counted_from = end
    sentence = block.sentence_index(start)
    return Figure(
        text=text[start:end],
        qualifier=qualifier.lower() if qualifier else None,
        value=value,
        unit=unit,
        claimant=context.claimant(start),
        when=context.when(sentence),
        sentence=block.sentence(sentence)[1],
        fact=context.index,
        counted=_counted(text, counted_from, end) or unit,
    )


def _share(match: re.Match[str], context: _Context) -> Figure | None:
    """ "47 of the 52 missiles", "three out of four drones": the part, of a whole, of a unit."""
    part, total = _count(match["part"]), _count(match["total"])
    unit_words, unit_from, unit_length = _unit_words(match["unit"] or "")
    unit = _singular(" ".join(unit_words))
    if not unit or unit == "percent" or unit_words[0].lower() in MONTHS or part > total:
        return None
    text = context.block.text
    head = FIGURE_HEAD.search(text, max(0, match.start() - 24), match.start())
    qualifier = head["qualifier"] if head is not None and not head["currency"] else None
    start = head.start("qualifier") if head is not None and qualifier else match.start()
    end = match.start("unit") + unit_length
    sentence = context.block.sentence_index(start)
    return Figure(
        text=text[start:end],
        qualifier=qualifier.lower() if qualifier else None,
        value=part,
        unit=unit,
        claimant=context.claimant(start),
        when=context.when(sentence),
        sentence=context.block.sentence(sentence)[1],
        fact=context.index,
        counted=_counted(text, match.start("unit") + unit_from, end) or unit,
        of_total=total,
    )


def _count(written: str) -> float:
    word = written.lower()
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(written.replace(",", ""))


def _counted(text: str, start: int, end: int) -> str:
    """What the figure counts, as written: its unit's words from `start` to `end`, and what they
    are of ("containers of ammunition", "of the shells"), at most `COUNTED_WORDS` words; never a
    phrase cut short ("launchers of the newest short"): then only the unit's words."""
    words = text[start:end].split()
    of = COUNTED_OF.match(text, end)
    if of is None:
        return " ".join(words)
    complement: list[str] = []
    room = COUNTED_WORDS - len(words) - 1
    for token in _TOKEN.finditer(text[of.end() : of.end() + 120]):
        word = token.group()
        bare = word.strip(".,;:!?()\"“”'’")
        if not _goes_on(bare, complement):
            break
        if len(complement) == room:
            return " ".join(words)  # the phrase goes on past what a reader takes in
        complement.append(bare)
        if bare != word:
            break  # punctuation ends the phrase
    while complement and complement[-1].lower() in COUNTED_OPENERS:
        complement.pop()
    if not complement:
        return " ".join(words)
    return " ".join([*words, "of", *complement])


def _goes_on(word: str, phrase: list[str]) -> bool:
    """Whether `word` goes on the noun phrase after "of": not a verb, a clause, a preposition,
    a number or a date."""
    low = word.lower()
    if not word or low in COUNTED_STOP or low in MONTHS or not _COUNTED_WORD.fullmatch(word):
        return False
    # "of the shells failed": a verb after the plural is not what is counted.
    return not (phrase and phrase[-1].lower().endswith("s") and low.endswith(("ed", "ing")))


def _shorter_name(own: str, full: str) -> bool:
    """`own` names no more than `full` does: "Shin" of "Shin Won-sik", a bare "The"."""
    said = fold(own).split()
    return (
        not said
        or said in (["the"], ["he"], ["she"], ["it"], ["they"])
        or set(said) <= set(fold(full).split())
    )


def _claimant(
    block: Block,
    index: int,
    offset: int,
    quotes: _QuoteIndex,
    focus: Focus,
) -> str | None:
    """Who the figure at `offset` says claims it: the quote it stands in, or its sentence's
    speaker; None when it names nobody."""
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
    return None


def _unit_words(text: str) -> tuple[list[str], int, int]:
    """The unit's words after a number, and where in `text` they start and end."""
    if _PERCENT.fullmatch(text):
        return ["percent"], 0, len(text)
    tokens = list(_UNIT_WORD.finditer(text))
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
        return [], 0, 0
    return [t.group() for t in kept], kept[0].start(), kept[-1].end()


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
