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
    PARAGRAPH_END,
    PHRASES,
    SPACES,
)


def article_lines(text: str, deadline: Deadline) -> list[str]:
    """One cleaned paragraph per line, boilerplate gone, the trailing widgets cut off."""
    text = INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Each paragraph's lines, joined once: adding each hard-wrapped line to the paragraph so far
    # copied it again every line.
    paragraphs: list[list[str]] = []
    previous_blank = True
    for raw in text.split("\n"):
        deadline.check()
        line = SPACES.sub(" ", raw).strip()
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
        if seen_sentence and any(end.fullmatch(paragraph) for end in END_LINE):
            break
        line = SPACES.sub(" ", PHRASES.sub(" ", paragraph)).strip()
        if not line or DROP_LINE.fullmatch(line) or not re.search(r"\w", line):
            continue
        parts = [line] if is_photo_line(line) else _glued_parts(line)
        cleaned.extend(parts)
        seen_sentence = seen_sentence or has_sentence(parts)
    return cleaned


def _glued_parts(line: str) -> list[str]:
    return [part.strip() for part in GLUED_LABEL.split(line) if part.strip()]


def has_sentence(lines: Iterable[str]) -> bool:
    return any(is_sentence(line) for line in lines)


def is_sentence(line: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", line)
    return len(words) >= 4


# --- Header -------------------------------------------------------------------------------------
