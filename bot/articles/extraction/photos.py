"""Photo lines: a caption and its credit; a photo line is never a fact."""

from __future__ import annotations

from functools import lru_cache

from bot.articles.extraction.tables import (
    AGENCY_PHOTO,
    PHOTO,
    PHOTO_HINT,
    PHOTO_HINT_WORDS,
    PHOTO_SOURCE,
)
from bot.articles.model import Photo


def is_photo_line(line: str) -> bool:
    return len(line) <= 300 and _is_short_photo_line(line)


# The clean-up, the search for the lead and the body's reading each ask it of the same lines.
@lru_cache(maxsize=1024)
def _is_short_photo_line(line: str) -> bool:
    return _hinted(line) and any(
        pattern.match(line) for pattern in (PHOTO, PHOTO_SOURCE, AGENCY_PHOTO)
    )


def photo_of(line: str) -> Photo | None:
    if len(line) > 300:
        return None
    if not _hinted(line):
        return None
    match = PHOTO_SOURCE.match(line) or PHOTO.match(line) or AGENCY_PHOTO.match(line)
    if match is None or len(match["credit"].split()) > 12:
        return None
    caption = (match["caption"] or "").strip(" .,;") or None
    return Photo(untitle(caption) if caption else None, untitle(match["credit"].strip(" .")))


def _hinted(line: str) -> bool:
    # Every line is asked, and few are photo lines: substring tests rule most out before the
    # case-blind search.
    return PHOTO_HINT_WORDS.may_be_in(line) and PHOTO_HINT.search(line) is not None


def untitle(text: str) -> str:
    """ALL-CAPS captions and credits read better in title case (`Port of Odesa`)."""
    if not text.isupper() or len(text) <= 3:
        return text
    words = text.title().split(" ")
    small = {"Of", "The", "And", "In", "On", "At", "For", "By"}
    return " ".join(w.lower() if i and w in small else w for i, w in enumerate(words))
