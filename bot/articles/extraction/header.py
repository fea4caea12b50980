"""The header above the lead: the headline, the date line (and an `Updated:` line), the byline
and the page's address."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.articles.extraction.clean import has_sentence, is_sentence
from bot.articles.extraction.photos import is_photo_line, photo_of, untitle
from bot.articles.extraction.tables import (
    ADDRESS,
    AGENCY_DATE_LINE,
    ARTICLE_URL,
    BULLET,
    BYLINE,
    CLOCK,
    DATE_LINE,
    ISO_DATE_LINE,
    LABEL,
    MONTHS,
    SITE_NAME_KEYS,
    TIME_FIRST_DATE_LINE,
    UPDATED_LINE,
    US_DATE_LINE,
    WEEKDAY_MONTH_DATE_LINE,
)
from bot.articles.model import Photo
from bot.text import normalise


@dataclass(frozen=True, slots=True)
class Header:
    title: str | None
    published: datetime | None
    author: str | None
    photo: Photo | None
    url: str | None


# --- Entry points ---------------------------------------------------------------------------------


_ENDS_SENTENCE = re.compile(r"[.!?\"”»)]$")


def find_lead(lines: list[str]) -> int | None:
    dated = [i for i, line in enumerate(lines[:12]) if date_line(line)]
    first = dated[0] + 1 if dated else 0
    counts = Counter(lines)  # once: counting per line made many short lines quadratic
    for index, line in enumerate(lines):
        if date_line(line) or is_photo_line(line) or BYLINE.match(line):
            continue
        if index < first or counts[line] > 1:
            continue  # the header: above the date line, or the repeated headline
        words = len(line.split())
        if LABEL.match(line) or BULLET.match(line):
            return index if has_sentence(lines[index:]) else None
        if words >= 6 and (_ENDS_SENTENCE.search(line) or words >= 25):
            return index
    return None if first == 0 else _find_lead_anywhere(lines)


def _find_lead_anywhere(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if is_sentence(line)), None)


def read_header(lines: list[str], timezone: ZoneInfo) -> Header:
    published: datetime | None = None
    author: str | None = None
    photo: Photo | None = None
    url: str | None = None
    candidates: list[str] = []
    above_date: list[str] = []
    for line in lines:
        date = date_line(line)
        if date and published is None:
            above_date = list(candidates)
            published = _datetime(date, timezone)
            if published is not None:
                author = _tidy_name(date["author"].strip(" –—-,")) or author
                continue
        byline = BYLINE.match(line)
        if byline:
            author = author or byline["author"]
            continue
        if photo is None and (found := photo_of(line)):
            photo = found
            continue
        if url is None and ARTICLE_URL.fullmatch(line):
            url = line
            continue
        if _is_site_name(line) or len(line.split()) < 3:
            continue
        candidates.append(line)
    return Header(_choose_title(candidates, above_date), published, author, photo, url)


def _choose_title(candidates: list[str], above_date: list[str]) -> str | None:
    seen: set[str] = set()
    for line in candidates:
        key = normalise(line)
        if key in seen:
            return line  # the headline is often repeated right after the date line
        seen.add(key)
    # "World | Asia" is where the page sits, not its headline.
    above = [line for line in above_date if not (" | " in line and len(line.split()) <= 7)]
    if len(above) >= 2 and len(above[-1].split()) > len(above[-2].split()):
        # A headline, then a longer standfirst that explains it, then the date (The Times).
        return above[-2]
    if above:
        return above[-1]
    return max(candidates, key=len) if candidates else None


def _is_site_name(line: str) -> bool:
    return line.casefold().strip(" .|") in SITE_NAME_KEYS or ADDRESS.fullmatch(line) is not None


def date_line(line: str) -> re.Match[str] | None:
    return None if len(line) > 160 else _short_date_line(line)


# The search for the lead, the header and the body's reading each ask it of the same lines.
@lru_cache(maxsize=1024)
def _short_date_line(line: str) -> re.Match[str] | None:
    if CLOCK.search(line) is None:
        return None
    return (
        DATE_LINE.match(line)
        or US_DATE_LINE.match(line)
        or TIME_FIRST_DATE_LINE.match(line)
        or ISO_DATE_LINE.match(line)
        or AGENCY_DATE_LINE.match(line)
        or WEEKDAY_MONTH_DATE_LINE.match(line)
    )


def _month(match: re.Match[str]) -> int:
    found = match.groupdict()
    if found.get("month_number"):
        return int(found["month_number"])
    return MONTHS[(found.get("month") or found.get("month_after") or "").lower()]


def _datetime(match: re.Match[str], timezone: tzinfo) -> datetime | None:
    offset = match.groupdict().get("offset")
    if offset:
        digits = offset[1:].replace(":", "")
        hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
        sign = -1 if offset.startswith("-") else 1
        if int(hours) > 14 or int(minutes) > 59:
            return None
        timezone = dt_timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    hour = int(match["hour"])
    if match.groupdict().get("ampm"):
        hour = hour % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
    try:
        return datetime(
            int(match["year"]),
            _month(match),
            int(match["day"] or match.groupdict().get("day_first") or 0),
            hour,
            int(match["minute"]),
            tzinfo=timezone,
        )
    except ValueError:
        return None


def take_updated_line(lines: list[str], timezone: ZoneInfo) -> tuple[datetime | None, list[str]]:
    for index, line in enumerate(lines):
        match = UPDATED_LINE.match(line)
        if match:
            return _datetime(match, timezone), lines[:index] + lines[index + 1 :]
    return None, lines


def _tidy_name(name: str) -> str | None:
    name = name.strip()
    if not name or len(name.split()) > 6:
        return None
    return untitle(name)


# --- Body ---------------------------------------------------------------------------------------
