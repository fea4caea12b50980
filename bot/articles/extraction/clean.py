"""From a page's text to clean paragraphs: boilerplate gone, hard-wrapped lines joined, labels glued
to a sentence split off, and the comment widgets at the end cut."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.photos import is_photo_line
from bot.articles.extraction.tables import (
    BULLET,
    DROP_LINE,
    END_LINE,
    GLUED_LABEL,
    INVISIBLE,
    ODD_SPACE,
    PARAGRAPH_END,
    PHRASE_MARK,
    PHRASES,
    SPACES,
    SPAM_LINE,
    SPAM_WORDS,
)

_WORD_CHARACTER = re.compile(r"\w")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def article_lines(text: str, deadline: Deadline) -> list[str]:
    """One cleaned paragraph per line, boilerplate gone, the trailing widgets cut off."""
    text = INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Each paragraph's lines, joined once: adding each hard-wrapped line to the paragraph so far
    # copied it again every line.
    paragraphs: list[list[str]] = []
    previous_blank = True
    for raw in text.split("\n"):
        deadline.check()
        # Stripped first: SPACES are all white space to strip(), so the result is the same, and
        # an indented line is often left with no run to fold.
        line = _single_spaced(raw.strip())
        if not line:
            previous_blank = True
            continue
        bullet = BULLET.match(line) is not None
        if (
            not previous_blank
            and not bullet
            and paragraphs
            and line[0].islower()
            and paragraphs[-1][-1][-1] not in PARAGRAPH_END
        ):
            # A hard-wrapped line continues the paragraph above it.
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        previous_blank = False

    cleaned: list[str] = []
    seen_sentence = False  # kept as lines are added, not re-read for every widget line
    for wrapped in paragraphs:
        deadline.check()
        paragraph = " ".join(wrapped)
        if seen_sentence and _ends_article(paragraph):
            break
        if PHRASE_MARK.search(paragraph):
            paragraph = PHRASES.sub(" ", paragraph)
        line = _single_spaced(paragraph).strip()
        if not line or DROP_LINE.fullmatch(line) or not _WORD_CHARACTER.search(line):
            continue
        parts = [line] if is_photo_line(line) else _glued_parts(line)
        cleaned.extend(parts)
        seen_sentence = seen_sentence or has_sentence(parts)
    return cleaned


def _single_spaced(text: str) -> str:
    """Each run of white space one space; a text that has none to change is kept as it is,
    not copied: most lines."""
    return SPACES.sub(" ", text) if "  " in text or ODD_SPACE.search(text) else text


def _ends_article(paragraph: str) -> bool:
    if any(end.fullmatch(paragraph) for end in END_LINE):
        return True
    return SPAM_WORDS.may_be_in(paragraph) and SPAM_LINE.fullmatch(paragraph) is not None


def _glued_parts(line: str) -> list[str]:
    if ":" not in line:  # every label has its colon; most lines have no label
        return [line.strip()] if line.strip() else []
    return [part.strip() for part in GLUED_LABEL.split(line) if part.strip()]


def has_sentence(lines: Iterable[str]) -> bool:
    return any(is_sentence(line) for line in lines)


def is_sentence(line: str) -> bool:
    words = _LETTER_WORD.findall(line)
    return len(words) >= 4


# --- Header -------------------------------------------------------------------------------------
