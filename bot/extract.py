"""Article extraction: the text of a copied news page in, a structured, attributed `Article` out."""

from __future__ import annotations

import math
import re
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.model import Article, Fact, Figure, Photo, Quote, Section, SectionKind, Source
from bot.text import normalise, sentence_bounds, singular

KYIV = ZoneInfo("Europe/Kyiv")


class ExtractionError(ValueError):
    """The input cannot be an article; the message says why, in one line."""


class _Deadline:
    """When to give up on one file, checked at loop checkpoints (per block, per match).

    A clock read between steps rather than a signal or a timer thread: parsing runs in worker
    processes and threads of other programs, where neither can interrupt it safely.
    """

    __slots__ = ("_at", "_limit")

    def __init__(self, limit: float | None) -> None:
        if limit is not None and not (limit >= 0 and math.isfinite(limit)):
            raise ValueError(f"time_limit must be a number of seconds, 0 or more, not {limit!r}")
        self._limit = limit if limit is not None else math.inf
        self._at = math.inf if limit is None else time.perf_counter() + limit

    def check(self) -> None:
        if self._at != math.inf and time.perf_counter() >= self._at:
            raise ExtractionError(
                f"too complex to parse: stopped after {_seconds(self._limit)} s, the limit per "
                "file; split the article or shorten its paragraphs"
            )


def _seconds(limit: float) -> str:
    return f"{limit:.1f}" if round(limit, 1) == limit else f"{limit:g}"


_NO_LIMIT = _Deadline(None)


# --- Site furniture, as data --------------------------------------------------------------------
# Removed wherever it stands, also when glued to real text ("Support UsPutin and Kim ...").
BOILERPLATE_PHRASES: tuple[str, ...] = (
    r"Ukrainska Pravda is the place where you will find\b.{0,300}?become our patron!",
    r"Journalists fight on their own frontline\.?\s*Support Ukrainska Pravda or become our patron!",
    r"Support UP or become our patron!",
    r"Support Ukrainska Pravda or become our patron!",
    r"We have launched English Twitter!",
    r"Follow us!",
    r"Oops! Something went wrong\.\s*Please try again later\.?",
    r"Advertisement:",
    r"Support Us(?![a-z])",
    r"Укр\s*Рус\s*Eng",
    r"All Sections",
    r"Purchase Licensing Rights,?\s*(?:opens new tab)?",
    # Not from inside a run of spaces: the run's first space finds the same, and trying from
    # each one made a long run quadratic.
    r"(?:,|(?<!\s))\s*opens new tab",
)
# Lines dropped whole.
BOILERPLATE_LINES: tuple[str, ...] = (
    r"(?:Subjects|Tags|Topics):.*",
    r"(?:Share|Share this article|Print|Read more|Read also|Read the original)[:!.]?",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # a reporter's e-mail address under wire copy
)
# Lines that end the article: comment widgets, and casino spam that trails some copies.
ARTICLE_END_LINES: tuple[str, ...] = (
    r"(?:Comments?|Add a comment|Leave a comment|Write a comment|Show comments|"
    r"Log in to comment)(?:\s*[:(]\s*\d*\)?)?",
    r"\(END\)",
    r"Our Standards:.*",
    # Atomic: the first spam word is the one to look after; backtracking to each later one made
    # a long line that has no second word quadratic.
    r"(?i)(?>.*?\b(?:casino|slots|jackpot|free spins|betting)\b).*\b(?:bonus|promo|deposit|"
    r"register|play now|https?://|www\.)\b.*",
)
# Outlet names and addresses that sit above the headline.
SITE_NAMES: tuple[str, ...] = (
    "Ukrainska Pravda",
    "Українська правда",
    "UP",
    "UP English",
    "European Pravda",
    "Economic Pravda",
    "Yonhap",
    "Yonhap News Agency",
    "Reuters",
    "Associated Press",
    "AP",
    "Kyiv Independent",
    "The Kyiv Independent",
    "Ukrinform",
    "News",
    "Home",
    "Menu",
    "English",
)

_PHRASES = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_PHRASES))
_DROP_LINE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_LINES))
_END_LINE = [re.compile(p) for p in ARTICLE_END_LINES]
_SITE_NAMES = {name.casefold() for name in SITE_NAMES}
_ARTICLE_URL = re.compile(r"https?://[\w.-]+\.\w+/\S+")
_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", re.I)

# --- Section labels, as data ----------------------------------------------------------------------
LABEL_KINDS: dict[str, SectionKind] = {
    "details": "details",
    "update": "details",
    "quote": "quote",
    "background": "background",
    "context": "background",
    "previously": "previously",
    "earlier": "previously",
    "reminder": "reminder",
    "for reference": "reference",
    "reference": "reference",
}
_LABEL_WORDS = "Sources?|Details|Update|Quote(?:\\s+from\\s+[^:\\n]{1,120}?)?|Background|Context|Previously|Earlier|Reminder|For reference|Reference"  # noqa: E501
_LABEL = re.compile(rf"^(?P<label>{_LABEL_WORDS})\s*:\s*(?P<rest>.*)$", re.I | re.S)
# A label glued to the end of the previous sentence: "... aggression.Source: Interfax".
_GLUED_LABEL = re.compile(
    r"(?<=[.!?\"”»)])\s*(?=(?:Source|Details|Quote|Background|Previously|Reminder|"
    r"For reference)(?: from [^:]{1,120})?:\s)"
)
_BULLET = re.compile(r"^(?:[•·▪◦●‣∙*]|-|–|—)\s+")

# --- Dates ----------------------------------------------------------------------------------------
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# "Wednesday, 19 June 2024, 13:03", with an author glued on or before a dash.
_DATE_LINE = re.compile(
    rf"^(?P<author>.{{0,80}}?)\s*[–—-]?\s*(?:(?:{_WEEKDAY}),?\s*)?"
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\.?\s+(?P<year>\d{{4}}),?\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})$",
    re.I,
)
# "October 2, 2024 10:41 AM GMT+3", as wire services write it; an "Updated ..." may be glued on.
_US_DATE_LINE = re.compile(
    rf"^(?P<author>)(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}),?\s+"
    r"(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?:GMT|UTC)(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?)?(?:\s*Updated\b.*)?$",
    re.I,
)
# "Updated: May 14, 2023, 6:20 PM" at the end of some wire copies.
# Spaces are matched by one quantifier wherever two could share them: two, back to back, split
# a long run of spaces in every way before failing. (Lines are stripped: nothing trails.)
_UPDATED_LINE = re.compile(
    rf"^(?:last\s+)?(?P<tag>updated|published|posted)\s*(?::\s*)?(?P<month>{_MONTH})\.?\s+"
    r"(?P<day>\d{1,2}),?\s+(?P<year>\d{4}),?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?))?(?:\s+\w{2,5})?$",
    re.I,
)
# "SEOUL, March 3 (Yonhap) -- North Korea fired ..."
_WIRE_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'-]{{1,40}}),\s+(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+)?"
    r"(?:\d{4}\s+)?\((?P<agency>[^)]{2,40})\)\s*(?:--|—|–|-)\s*",
    re.I,
)
_BYLINE = re.compile(
    r"^[Bb]y\s+(?P<author>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|de|van))*)\b.{0,60}$"
)

# --- Photos ---------------------------------------------------------------------------------------
_PHOTO_WORD = r"(?:(?:stock|illustrative|archive|file|cover|main)\s+)?(?:photo(?:graph)?|collage|screenshot|illustration|infographic|image)"  # noqa: E501
_PHOTO = re.compile(
    rf"^(?:(?P<caption>.{{1,200}}?)[.,;]\s*)?{_PHOTO_WORD}\s*(?::|\s+by\b)\s*(?P<credit>.{{1,150}}?)\.?$",
    re.I,
)
_AGENCY_PHOTO = re.compile(
    r"^(?P<caption>.{1,250}?)\.\s+(?P<credit>(?:REUTERS|AFP|AP|EPA|EPA-EFE|Getty Images|Yonhap)"
    r"(?:/[\w .'-]+)+)$"
)
_PHOTO_SOURCE = re.compile(
    rf"^(?P<caption>.{{0,200}}?\b{_PHOTO_WORD}\b.{{0,80}}?)[.,]?\s*Source:\s*(?P<credit>.{{1,150}}?)\.?$",
    re.I,
)

# --- People and claims ----------------------------------------------------------------------------
SPEECH_VERBS = (
    "said|says|say|stated|states|added|adds|noted|notes|stressed|emphasised|emphasized|explained|"
    "told|wrote|writes|claimed|claims|declared|announced|praised|expressed|complained|warned|urged|"
    "insisted|admitted|asserted|replied|commented|remarked|promised|threatened|vowed|accused|"
    "confirmed|denied|reported|reports|called|described|estimated|estimates|"
    "has information|have information|had information"
)
# The lookahead on first letters lets the engine skip most positions quickly.
_SPEECH = re.compile(rf"\b(?=[a-z])(?:{SPEECH_VERBS})\b")
# Matched where a quote closes (`match(text, end)`), not on the rest of the paragraph sliced off;
# one quantifier for spaces on either side of the comma, as in `_UPDATED_LINE`.
_AFTER_QUOTE = re.compile(
    rf"\s*(?:[,.!?]\s*)?(?:(?P<pronoun>he|she|they)|(?:the\s+)?(?P<name>(?:[A-Z][\w'’()-]*\s+){{0,5}}[A-Z][\w'’()-]*))"
    rf"\s+(?:also\s+|then\s+|later\s+)?(?:{SPEECH_VERBS})\b"
    rf"|\s*(?:,\s*)?(?:{SPEECH_VERBS})\s+(?P<name_after>(?:[A-Z][\w'’-]*\s+){{0,5}}[A-Z][\w'’-]*)"
)
# A trailing attribution, "..., President Volodymyr Zelenskyy said on 1 March." or ", he said".
_PRONOUN_AFTER = rf",\s*(?P<pronoun>he|she|they)\s+(?:{SPEECH_VERBS})\b"
_CLAIM_AFTER = re.compile(
    rf",\s*(?:the\s+)?(?P<name>(?:\(?[A-Z][\w'’()-]*\s+(?:(?:of|the|for)\s+)*){{0,6}}\(?[A-Z][\w'’()-]*)\s+"
    rf"(?:also\s+)?(?:{SPEECH_VERBS})\b[^,]*$|{_PRONOUN_AFTER}"
)
_PRONOUN_CLAIM = re.compile(_PRONOUN_AFTER)
_ACCORDING_AT = re.compile(r"\b[Aa]ccording to ")
_ACCORDING_PHRASE = re.compile(r"[^,.;:]{0,100}")
_PRONOUNS = {"he", "she", "they", "his", "her", "their"}
# Words that introduce a name rather than belong to it: "Defence Minister Shin Won-sik".
TITLE_WORDS = frozenset(
    """president minister prime defence defense foreign interior chief commander head leader
    spokesperson spokesman spokeswoman secretary general colonel lieutenant major mayor governor
    chancellor ambassador dictator adviser advisor deputy senator speaker premier king queen pope
    envoy director official officer representative analyst expert journalist correspondent
    commissioner chair chairman chairwoman ombudsman lawmaker mp sergeant captain admiral marshal
    ceo founder owner""".split()
)
# Words that make a name a place or an organisation, never "he" or "she".
NON_PERSON_WORDS = frozenset(
    """russia ukraine korea china iran belarus america states union kingdom europe poland germany
    france britain japan israel turkey india moldova georgia crimea donbas kyiv moscow pyongyang
    seoul washington beijing kremlin pentagon ministry forces force office agency service council
    staff army navy command government administration parliament rada nato eu un congress senate
    committee department news media publications press interfax tass reuters novosti bloomberg
    western eastern northern southern air defence defense intelligence national security""".split()
)
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]*$")
_CONNECTORS = {"of", "the", "and", "for", "de", "al", "bin", "von", "van", "on"}
_STOP_BEFORE_VERB = {"also", "has", "had", "have", "then", "later", "further", "reportedly", "was"}

# --- Figures --------------------------------------------------------------------------------------
QUALIFIERS = (
    "no fewer than",
    "no more than",
    "as many as",
    "as much as",
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "close to",
    "an estimated",
    "just over",
    "just under",
    "well over",
    "approximately",
    "roughly",
    "around",
    "about",
    "nearly",
    "almost",
    "over",
    "under",
    "some",
    "only",
    "exactly",
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
_CURRENCIES = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "₴": "UAH",
    "uah": "UAH",
}
# A figure is found from its number: what stands before it, then what follows.
_NUMBER_START = re.compile(r"(?<![\w.,:/-])\d")
_FIGURE_HEAD = re.compile(
    rf"(?:(?P<qualifier>\b(?:{'|'.join(QUALIFIERS)}))\s+)?"
    r"(?P<currency>US\$|\$|€|£|₴|\bUAH\s?|\bUSD\s?|\bEUR\s?)?$",
    re.I,
)
_FIGURE_TAIL = re.compile(
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d:/]|\.\d)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    # The unit is only looked at, not consumed: "120 missiles and almost 1,300 drones" holds two.
    r"(?=(?P<unit>\s*%|\s+per\s?cent\b|\s+[A-Za-z][\w-]*(?:\s+[\w-]+){0,4})?)",
    re.I,
)
_UNIT_STOP = frozenset(
    """of to in on at by for from with and or but that which who were was are is have has had
    will would could can may might be been being the a an this these those it its their his her
    into onto over under since per than as across near after before during while when where
    containing including reportedly each every last next year years old""".split()
)
_WHEN = re.compile(
    r"\b(?:(?:[Ii]n|[Oo]n|[Bb]y|[Ss]ince|[Dd]uring|[Uu]ntil|[Aa]s of|[Ff]rom)\s+)?"
    r"(?:(?:early|late|mid)-?\s*)?"
    r"(?:the\s+(?:end|beginning|start|middle)\s+of\s+)?(?:\d{1,2}\s+)?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+\d{1,2}(?!\d))?(?:,?\s+\d{4})?\b"
    r"|\b(?:yesterday|today|overnight|last (?:week|month|year|night)|this (?:week|month|year)|"
    r"(?:in|since|by) (?:19|20)\d\d)\b",
)

_QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“”", "«": "»"}
_QUOTE_MARK = re.compile('["“”„«»]')


@dataclass(slots=True)
class _SectionBuilder:
    label: str | None
    kind: SectionKind
    quote_speaker: str | None = None
    facts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Header:
    title: str | None
    published: datetime | None
    author: str | None
    photo: Photo | None
    url: str | None


# --- Entry points ---------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of an article file, or ExtractionError saying why it is not one."""
    if not data.strip():
        raise ExtractionError("the file is empty" if not data else "the file holds only whitespace")
    if b"\x00" in data[:65536]:
        raise ExtractionError("the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractionError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def extract_bytes(
    data: bytes, *, timezone: ZoneInfo = KYIV, time_limit: float | None = None
) -> Article:
    """`extract` of a file's bytes; `time_limit` counts decoding too."""
    deadline = _Deadline(time_limit)
    return _extract(decode(data), timezone, deadline)


_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def extract(text: str, *, timezone: ZoneInfo = KYIV, time_limit: float | None = None) -> Article:
    """Understand one article. Raises ExtractionError when the text cannot be an article, or when
    understanding it takes longer than `time_limit` seconds (None: no limit)."""
    return _extract(text, timezone, _Deadline(time_limit))


def _extract(text: str, timezone: ZoneInfo, deadline: _Deadline) -> Article:
    if not text.strip():
        raise ExtractionError("the text is empty")
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or controls > len(text) // 20:
        raise ExtractionError("the text is binary, not an article")
    lines = _article_lines(text, deadline)
    updated, lines = _take_updated_line(lines, timezone)
    lead_at = _find_lead(lines)
    if lead_at is None:
        raise ExtractionError("no article text found: no sentence of four words or more")
    header = _read_header(lines[:lead_at], timezone)
    lead_text, sources, blocks, photo, author = _read_body(lines[lead_at:], header, deadline)
    sections = _build_sections(blocks)
    focus = _Focus(blocks, deadline)
    quoted = _find_quotes(blocks, sources, focus, deadline)
    figures = _find_figures(blocks, sources, quoted, focus, deadline)
    return Article(
        title=header.title,
        published=header.published,
        author=author,
        photo=photo,
        lead=lead_text,
        sources=tuple(sources),
        sections=sections,
        quotes=tuple(quote for _, quote in quoted),
        figures=tuple(figures),
        updated=updated,
        url=header.url,
    )


# --- Text clean-up --------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\f\v]+")
_INVISIBLE = re.compile(r"[\ufeff\u200b-\u200d\u2060\u00ad\x00-\x08\x0e-\x1f\x7f]")


def _article_lines(text: str, deadline: _Deadline) -> list[str]:
    """One cleaned paragraph per line, boilerplate gone, the trailing widgets cut off."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Each paragraph's lines, joined once: adding each hard-wrapped line to the paragraph so far
    # copied it again every line.
    paragraphs: list[list[str]] = []
    previous_blank = True
    for raw in text.split("\n"):
        deadline.check()
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            previous_blank = True
            continue
        bullet = _BULLET.match(line) is not None
        if (
            not previous_blank
            and not bullet
            and paragraphs
            and line[0].islower()
            and paragraphs[-1][-1][-1] not in _PARAGRAPH_END
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
        if seen_sentence and any(end.fullmatch(paragraph) for end in _END_LINE):
            break
        line = _SPACES.sub(" ", _PHRASES.sub(" ", paragraph)).strip()
        if not line or _DROP_LINE.fullmatch(line) or not re.search(r"\w", line):
            continue
        parts = [line] if _is_photo_line(line) else _glued_parts(line)
        cleaned.extend(parts)
        seen_sentence = seen_sentence or _has_sentence(parts)
    return cleaned


_PARAGRAPH_END = frozenset('.!?:;"”»)]')


def _glued_parts(line: str) -> list[str]:
    return [part.strip() for part in _GLUED_LABEL.split(line) if part.strip()]


def _has_sentence(lines: Iterable[str]) -> bool:
    return any(_is_sentence(line) for line in lines)


def _is_sentence(line: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", line)
    return len(words) >= 4


# --- Header -------------------------------------------------------------------------------------


def _find_lead(lines: list[str]) -> int | None:
    dated = [i for i, line in enumerate(lines[:12]) if _date_line(line)]
    first = dated[0] + 1 if dated else 0
    counts = Counter(lines)  # once: counting per line made many short lines quadratic
    for index, line in enumerate(lines):
        if _date_line(line) or _is_photo_line(line) or _BYLINE.match(line):
            continue
        if index < first or counts[line] > 1:
            continue  # the header: above the date line, or the repeated headline
        words = len(line.split())
        if _LABEL.match(line) or _BULLET.match(line):
            return index if _has_sentence(lines[index:]) else None
        if words >= 6 and (re.search(r"[.!?\"”»)]$", line) or words >= 25):
            return index
    return None if first == 0 else _find_lead_anywhere(lines)


def _find_lead_anywhere(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if _is_sentence(line)), None)


def _read_header(lines: list[str], timezone: ZoneInfo) -> _Header:
    published: datetime | None = None
    author: str | None = None
    photo: Photo | None = None
    url: str | None = None
    candidates: list[str] = []
    above_date: list[str] = []
    for line in lines:
        date = _date_line(line)
        if date and published is None:
            above_date = list(candidates)
            published = _datetime(date, timezone)
            if published is not None:
                author = _tidy_name(date["author"].strip(" –—-,")) or author
                continue
        byline = _BYLINE.match(line)
        if byline:
            author = author or byline["author"]
            continue
        if photo is None and (found := _photo(line)):
            photo = found
            continue
        if url is None and _ARTICLE_URL.fullmatch(line):
            url = line
            continue
        if _is_site_name(line) or len(line.split()) < 3:
            continue
        candidates.append(line)
    return _Header(_choose_title(candidates, above_date), published, author, photo, url)


def _choose_title(candidates: list[str], above_date: list[str]) -> str | None:
    seen: set[str] = set()
    for line in candidates:
        key = normalise(line)
        if key in seen:
            return line  # the headline is often repeated right after the date line
        seen.add(key)
    if above_date:
        return above_date[-1]
    return max(candidates, key=len) if candidates else None


def _is_site_name(line: str) -> bool:
    return line.casefold().strip(" .|") in _SITE_NAMES or _ADDRESS.fullmatch(line) is not None


_CLOCK = re.compile(r"\d:\d\d")


def _date_line(line: str) -> re.Match[str] | None:
    if len(line) > 160 or _CLOCK.search(line) is None:
        return None
    return _DATE_LINE.match(line) or _US_DATE_LINE.match(line)


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
            _MONTHS[match["month"].lower()],
            int(match["day"]),
            hour,
            int(match["minute"]),
            tzinfo=timezone,
        )
    except ValueError:
        return None


def _take_updated_line(lines: list[str], timezone: ZoneInfo) -> tuple[datetime | None, list[str]]:
    for index, line in enumerate(lines):
        match = _UPDATED_LINE.match(line)
        if match:
            return _datetime(match, timezone), lines[:index] + lines[index + 1 :]
    return None, lines


_PHOTO_HINT = re.compile(
    r"photo|collage|screenshot|illustration|infographic|image|REUTERS|AFP|EPA|Getty|Yonhap", re.I
)


def _is_photo_line(line: str) -> bool:
    return (
        len(line) <= 300
        and _PHOTO_HINT.search(line) is not None
        and any(pattern.match(line) for pattern in (_PHOTO, _PHOTO_SOURCE, _AGENCY_PHOTO))
    )


def _photo(line: str) -> Photo | None:
    if len(line) > 300:
        return None
    if _PHOTO_HINT.search(line) is None:
        return None
    match = _PHOTO_SOURCE.match(line) or _PHOTO.match(line) or _AGENCY_PHOTO.match(line)
    if match is None or len(match["credit"].split()) > 12:
        return None
    caption = (match["caption"] or "").strip(" .,;") or None
    return Photo(_untitle(caption) if caption else None, _untitle(match["credit"].strip(" .")))


def _untitle(text: str) -> str:
    """ALL-CAPS captions and credits read better in title case (`Port of Odesa`)."""
    if not text.isupper() or len(text) <= 3:
        return text
    words = text.title().split(" ")
    small = {"Of", "The", "And", "In", "On", "At", "For", "By"}
    return " ".join(w.lower() if i and w in small else w for i, w in enumerate(words))


def _tidy_name(name: str) -> str | None:
    name = name.strip()
    if not name or len(name.split()) > 6:
        return None
    return _untitle(name)


# --- Body ---------------------------------------------------------------------------------------


def _read_body(
    lines: list[str], header: _Header, deadline: _Deadline
) -> tuple[str, list[Source], list[_Block], Photo | None, str | None]:
    photo, author = header.photo, header.author
    sources: list[Source] = []
    blocks: list[_Block] = []
    lead_section = _SectionBuilder(None, "lead")
    current: _SectionBuilder | None = None
    lead_text: str | None = None
    expecting_sources = False
    title = normalise(header.title)

    for line in lines:
        deadline.check()
        if _is_photo_line(line):
            photo = photo or _photo(line)
            continue
        if _date_line(line) or _BYLINE.match(line) or normalise(line) == title:
            continue
        label = _LABEL.match(line)
        if label:
            name, rest = label["label"].strip(), label["rest"].strip()
            if name.lower().startswith("source"):
                sources.extend(_sources(rest))
                expecting_sources = not rest
                current = None
                continue
            current = _start_section(name)
            if not rest:
                continue
            line = rest
        elif expecting_sources and not _is_sentence(line):
            sources.extend(_sources(line))
            expecting_sources = False
            continue
        expecting_sources = False
        line = _BULLET.sub("", line)
        if lead_text is None and current is None:
            wire = _WIRE_DATELINE.match(line)
            if wire:
                line = line[wire.end() :]
                sources.append(Source(wire["agency"].strip(), None, f"({wire['agency']})"))
            lead_text = line
            blocks.append(_Block(line, lead_section, deadline))
            lead_section.facts.append(line)
            continue
        if current is None:
            current = _SectionBuilder(None, "body")
        current.facts.append(line)
        blocks.append(_Block(line, current, deadline))

    if lead_text is None:
        lead_text = blocks[0].text if blocks else lines[0]
    return lead_text, sources, blocks, photo, author


def _start_section(label: str) -> _SectionBuilder:
    quote_from = re.match(r"quote\s+from\s+(?P<who>.+)$", label, re.I)
    if quote_from:
        who = re.sub(
            r"\s*\((?:quoted by|via|as quoted by|cited by)[^)]*\)\s*", "", quote_from["who"]
        )
        who = who.split(",")[0]  # "Mykola Horbachov, President of the Grain Association"
        return _SectionBuilder(label, "quote", quote_speaker=_person_name(who.strip()) or who)
    return _SectionBuilder(label, LABEL_KINDS.get(label.lower(), "body"))


def _build_sections(blocks: list[_Block]) -> tuple[Section, ...]:
    """The sections, in block order. A section's blocks are consecutive (`_read_body` never goes
    back to an earlier section) and a section without blocks has no facts, so block i is
    `Article.facts[i]`: quotes and figures name their fact by block index."""
    builders: list[_SectionBuilder] = []
    for block in blocks:
        if not builders or builders[-1] is not block.section:
            builders.append(block.section)
    return tuple(
        Section(b.label, b.kind, tuple(Fact(text) for text in b.facts)) for b in builders if b.facts
    )


# --- Sources --------------------------------------------------------------------------------------

# How the source spoke, kept in its description: "on Telegram", "in an interview with Reuters".
# Not tried from inside a run of spaces, as in BOILERPLATE_PHRASES.
_CHANNEL = re.compile(
    r"(?:,|(?<!\s))\s+(?P<channel>(?:on|via)\s+(?:Telegram|Facebook|X|Twitter|YouTube|Instagram|"
    r"TikTok|Viber|television|TV|the air|national television|the national telethon)\b.*|"
    r"(?:in|during)\s+(?:an?\s+)?(?:interview|statement|comment|video address|address|briefing|"
    r"post|speech)\b.*|at\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}(?:press conference|briefing|"
    r"meeting|summit|forum)\b.*|citing\b.*|with reference to\b.*)$"
)
_APPOSITION = re.compile(r"^(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.()-]*){0,5}),\s+(?P<rest>.+)$")


def _sources(text: str) -> list[Source]:
    found = []
    for part in (p.strip(" .") for p in text.split(";")):
        if not part:
            continue
        body, channel = part, None
        match = _CHANNEL.search(part)
        if match and match.start() > 0:
            body, channel = part[: match.start()].strip(" ,"), match["channel"]
        apposition = _APPOSITION.match(body)
        if apposition:  # "Ukrenergo, Ukraine's national grid operator"
            name, description = apposition["name"], apposition["rest"].strip(" ,")
        else:
            name, description = _split_name(body)
        if channel:
            description = f"{description} {channel}" if description else channel
        found.append(Source(name, description, part))
    return found


def _split_name(text: str) -> tuple[str, str | None]:
    """Name and description: `Kremlin-aligned news agency RIA Novosti` gives `RIA Novosti`."""
    tokens = text.split()
    start = len(tokens)
    while start > 0:
        token = tokens[start - 1]
        connector = (
            token.lower() in _CONNECTORS and start > 1 and _NAME_TOKEN.match(tokens[start - 2])
        )
        if _NAME_TOKEN.match(token) or token.startswith("(") or connector:
            start -= 1
        else:
            break
    while start < len(tokens) and tokens[start].lower() in _CONNECTORS:
        start += 1
    name_tokens = tokens[start:]
    # Titles belong to the description: "Finance Minister Serhii Marchenko".
    titles = [i for i, t in enumerate(name_tokens[:-1]) if t.lower() in TITLE_WORDS]
    if titles and _is_person(" ".join(name_tokens[titles[-1] + 1 :])):
        name_tokens = name_tokens[titles[-1] + 1 :]
    if not name_tokens:
        return text, None
    cut = len(tokens) - len(name_tokens)
    description = " ".join(tokens[:cut]).strip(" ,") or None
    return " ".join(name_tokens), description


# --- Paragraphs -----------------------------------------------------------------------------------

# How far before a speech verb its subject is looked for. A name, its title and the words between
# it and the verb fit well within it; reading further would make each verb cost the whole sentence.
_LOOKBACK = 300
_LONGEST_VERB = max(len(verb) for verb in SPEECH_VERBS.split("|"))
_WORD_PAIR = re.compile(r"\w\w")
_CAPITALISED_WORDS = re.compile(r"(?:[A-Z][\w'’()-]*\s?)+")


class _Block:
    """A paragraph of the body with the section it belongs to, and what the claim steps ask of its
    text: sentences, speech verbs and their subjects, "according to" phrases, attributions after a
    figure. Each is worked out once, on first use; asked again for every quote and every figure,
    it made one long paragraph cost minutes.
    """

    def __init__(self, text: str, section: _SectionBuilder, deadline: _Deadline) -> None:
        self.text = text
        self.section = section
        self._deadline = deadline
        self._sentences: dict[int, tuple[int, str]] = {}
        self._whens: dict[int, re.Match[str] | None] = {}
        self._after: dict[int, tuple[list[int], int, re.Match[str] | None]] = {}
        self._named: dict[int, str | None] = {}

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
            self._whens[index] = _WHEN.search(self.sentence(index)[1])
        return self._whens[index]

    @cached_property
    def verbs(self) -> list[tuple[int, int]]:
        found = []
        for verb in _SPEECH.finditer(self.text):
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
        for verb in _SPEECH.finditer(text, max(start, end - _LONGEST_VERB), end):
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
            self._named[verb] = _person_name(runs[-1].strip()) if runs else None
        return self._named[verb]

    @cached_property
    def _according(self) -> tuple[list[int], list[tuple[int, int]]]:
        """Where each "according to" that has a phrase stands, and its phrase's start and length."""
        starts: list[int] = []
        phrases: list[tuple[int, int]] = []
        for match in _ACCORDING_AT.finditer(self.text):
            self._deadline.check()
            phrase = _ACCORDING_PHRASE.match(self.text, match.end())
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
        name = _name_before(self.text[phrase_start : min(phrase_start + length, end)].split())
        return _person_name(name) if name else None

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
        return "" if at_last["pronoun"] else _person_name(at_last["name"])

    def _attributions(self, index: int) -> tuple[list[int], int, re.Match[str] | None]:
        """For one sentence: the commas that open "..., he said", the last comma, and what the
        attribution pattern finds there. A named attribution needs no comma after it, so only the
        last comma can open one; a pronoun can follow any."""
        if index not in self._after:
            # The sentence's end as `_claimant` has always measured it.
            end = self.bounds[index] + len(self.sentence(index)[1])
            start = self.bounds[index]
            pronouns = [m.start() for m in _PRONOUN_CLAIM.finditer(self.text, start, end)]
            last = self.text.rfind(",", start, end)
            at_last = _CLAIM_AFTER.match(self.text, last, end) if last != -1 else None
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
    while tokens and tokens[-1].lower() in _STOP_BEFORE_VERB:
        tokens.pop()
    if tokens and tokens[-1].lower() in _PRONOUNS:
        return ""
    name = _name_before(tokens)
    return _person_name(name) if name else None


# --- Quotes and speakers ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    text: str
    block: int  # index of the block where the quote closes
    start: int  # offset of the opening mark in the block where it opens
    end: int  # offset after the closing mark in `block`
    first_block: int


def _quote_spans(blocks: list[_Block]) -> Iterator[_Span]:
    """Quoted passages, including ones that run over several paragraphs."""
    open_mark: str | None = None
    buffer: list[str] = []
    first_block = start = 0
    for index, block in enumerate(blocks):
        text = block.text
        position = 0
        if open_mark is not None and text[:1] in _QUOTE_PAIRS:
            position = 1  # a continued quote re-opens each paragraph with a mark
        segment_start = position
        for mark in _QUOTE_MARK.finditer(text, position):
            char, position = mark.group(), mark.start()
            if open_mark is None and char in _QUOTE_PAIRS:
                open_mark, first_block, start = char, index, position
                segment_start, buffer = position + 1, []
            elif open_mark is not None and char in _QUOTE_PAIRS[open_mark]:
                buffer.append(text[segment_start:position])
                yield _Span(" ".join(buffer).strip(), index, start, position + 1, first_block)
                open_mark = None
        if open_mark is not None:
            buffer.append(text[segment_start:])
            if index + 1 < len(blocks) and blocks[index + 1].section is not block.section:
                open_mark = None  # an unclosed mark does not run into the next section


def _find_quotes(
    blocks: list[_Block], sources: list[Source], focus: _Focus, deadline: _Deadline
) -> list[tuple[_Span, Quote]]:
    quotes: list[tuple[_Span, Quote]] = []
    for span in _quote_spans(blocks):
        deadline.check()
        block = blocks[span.block]
        words = len(span.text.split())
        in_quote_section = block.section.kind == "quote"
        if words < 2 and not in_quote_section:
            continue
        attributed = blocks[span.first_block].verb_in_sentence(span.start) or _AFTER_QUOTE.match(
            block.text, span.end
        )
        if not (in_quote_section or attributed or span.block != span.first_block or words >= 8):
            continue
        speaker = _speaker(span, blocks, sources, focus)
        # "..., it counts what Ukraine needs,” he said": the comma belongs to the sentence.
        quotes.append((span, Quote(span.text.rstrip(" ,"), speaker, fact=span.first_block)))
    return quotes


def _speaker(span: _Span, blocks: list[_Block], sources: list[Source], focus: _Focus) -> str | None:
    block = blocks[span.block]
    if block.section.quote_speaker:
        return block.section.quote_speaker
    after = _AFTER_QUOTE.match(block.text, span.end)
    if after:
        name = after["name"] or after["name_after"]
        if name and (person := _person_name(name)):
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
        return focus.expand(_quoted_source(sources))
    return focus.person_before(span.first_block, span.start)


def _quoted_source(sources: list[Source]) -> str:
    """A bare `Quote:` is the source speaking; people speak, organisations issue statements."""
    return next((s.name for s in sources if _is_person(s.name)), sources[0].name)


# Tried once per word, at its first capital: a later capital of the same word succeeds or fails
# just the same, and trying each one made a long capitalised word quadratic.
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])(?:(?![A-Z])[\w'’-])*+(?P<run>(?:[A-Z][\w'’-]*\s+){1,5}[A-Z][\w'’-]*)"
)


class _Focus:
    """Who the text is about at a point: the last person named as saying something.

    Worked out on first use only: many articles never need it.
    """

    def __init__(self, blocks: list[_Block], deadline: _Deadline) -> None:
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
                for match in _CAPITALISED_RUN.finditer(block.text):
                    full = _person_name(match["run"])
                    if full and " " in full and _is_person(full):
                        self._full_names.setdefault(full.split()[-1], full)
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
                if who and _is_person(who):
                    places.append((index, start))
                    people.append(self.expand(who))
        return places, people


def _name_before(tokens: list[str]) -> str | None:
    """The run of capitalised words that ends `tokens`: "the Joint Chiefs of Staff (JCS)"."""
    name: list[str] = []
    for token in reversed(tokens):
        bare = token.strip("()")
        if token.endswith(",") or not bare:
            break
        if _NAME_TOKEN.match(bare) or (bare.lower() in ("of", "for", "the") and name):
            name.insert(0, token)
        else:
            break
    while name and name[0].lower() in ("of", "for", "the"):
        name.pop(0)
    return " ".join(name) or None


def _person_name(text: str) -> str | None:
    """Drop titles and nationalities before a name: `South Korean Defence Minister Shin Won-sik`."""
    tokens = text.split()
    while len(tokens) > 1 and tokens[0].lower() == "the":
        tokens = tokens[1:]
    titles = [i for i, t in enumerate(tokens[:-1]) if t.lower() in TITLE_WORDS]
    if titles and _is_person(" ".join(tokens[titles[-1] + 1 :])):
        tokens = tokens[titles[-1] + 1 :]
    while len(tokens) > 1 and re.fullmatch(r"[A-Z]\w*(?:an|ese|ish|i)", tokens[0]):
        if tokens[0] in ("North", "South"):
            break
        tokens = tokens[1:]
    if (
        len(tokens) > 2
        and tokens[0] in ("North", "South")
        and re.fullmatch(r"[A-Z]\w*(?:an|ese)", tokens[1])
    ):
        tokens = tokens[2:]
    name = " ".join(tokens).strip(" ,.'’")
    if not name or name.casefold() in _SITE_NAMES or name.split()[0].lower() in _MONTHS:
        return None
    return name


def _is_person(name: str) -> bool:
    return not any(token.lower().strip(".'’") in NON_PERSON_WORDS for token in name.split())


# --- Figures --------------------------------------------------------------------------------------


def _find_figures(
    blocks: list[_Block],
    sources: list[Source],
    quoted: list[tuple[_Span, Quote]],
    focus: _Focus,
    deadline: _Deadline,
) -> list[Figure]:
    figures: list[Figure] = []
    quotes = _QuoteIndex(quoted)
    for index, block in enumerate(blocks):
        for number in _NUMBER_START.finditer(block.text):
            deadline.check()
            figure = _figure(block, index, number.start(), sources, quotes, focus)
            if figure is not None:
                figures.append(figure)
    return figures


class _QuoteIndex:
    """The kept quotes in text order, to find the one around a figure by bisection. Quotes never
    overlap: one opens only after the last has closed."""

    def __init__(self, quoted: list[tuple[_Span, Quote]]) -> None:
        self._quoted = quoted
        self._starts = [(span.first_block, span.start) for span, _ in quoted]

    def around(self, block: int, offset: int) -> Quote | None:
        last = bisect_right(self._starts, (block, offset)) - 1
        if last < 0:
            return None
        span, quote = self._quoted[last]
        return quote if (block, offset) < (span.block, span.end) else None


def _figure(
    block: _Block,
    index: int,
    at: int,
    sources: list[Source],
    quotes: _QuoteIndex,
    focus: _Focus,
) -> Figure | None:
    text = block.text
    tail = _FIGURE_TAIL.match(text, at)
    head = _FIGURE_HEAD.search(text, max(0, at - 24), at)
    if tail is None or head is None:
        return None
    number, scale_word = tail["number"], (tail["scale"] or "").lower()
    qualifier, currency_mark = head["qualifier"], head["currency"]
    currency = _CURRENCIES.get((currency_mark or "").strip().lower())
    unit_words, unit_length = _unit_words(tail["unit"] or "")
    if re.fullmatch(r"(?:19|20)\d\d", number) and not (qualifier or scale_word or currency):
        return None  # a year
    if unit_words and unit_words[0].lower() in _MONTHS:
        return None  # a date: "19 June"
    unit = currency or _singular(" ".join(unit_words))
    if not unit:
        return None
    value = float(number.replace(",", "")) * _SCALES.get(scale_word, 1)
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
    block: _Block,
    index: int,
    offset: int,
    sources: list[Source],
    quotes: _QuoteIndex,
    focus: _Focus,
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


_UNIT_MODIFIERS = frozenset("more additional extra new other further".split())


def _unit_words(text: str) -> tuple[list[str], int]:
    """The unit's words after a number, and how many characters of `text` they span."""
    if re.fullmatch(r"\s*(?:%|per\s?cent)", text, re.I):
        return ["percent"], len(text)
    tokens = list(re.finditer(r"[\w-]+", text))
    kept: list[re.Match[str]] = []
    for token in tokens:
        word = token.group()
        after_plural = bool(kept) and kept[-1].group().lower().endswith("s")
        if word.lower() in _UNIT_STOP or (word.endswith("ing") and after_plural):
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
    while len(kept) > 1 and kept[0].group().lower() in _UNIT_MODIFIERS:
        kept = kept[1:]
    if not kept or kept[0].group().lower() in _UNIT_MODIFIERS:
        return [], 0
    return [t.group() for t in kept], kept[-1].end()


_UNCOUNTED = frozenset("people percent km series news tonnes kg".split())  # no singular to take


def _singular(phrase: str) -> str:
    words = phrase.split()
    if not words:
        return ""
    last = words[-1]
    if last.lower() not in _UNCOUNTED:
        last = singular(last)
    return " ".join([*words[:-1], last]).lower() if not phrase.isupper() else phrase


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first.lower() in ("in", "on", "by", "since") else text
