"""From a page's text to an `Article`: `extract()` and `extract_bytes()`, and `ExtractionError`
for a text that cannot be one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.articles.extraction.claims import find_claims
from bot.articles.extraction.clean import article_lines
from bot.articles.extraction.deadline import Deadline, ExtractionError
from bot.articles.extraction.figures import find_figures
from bot.articles.extraction.header import find_lead, read_header, take_updated_line
from bot.articles.extraction.quotes import Focus, find_quotes
from bot.articles.extraction.sections import build_sections, read_body
from bot.articles.extraction.tables import CONTROLS
from bot.articles.model import Article, Claim, Fact, Section

KYIV = ZoneInfo("Europe/Kyiv")  # Ukrainska Pravda writes its date lines in Kyiv time
__all__ = ["KYIV", "ExtractionError", "decode", "extract", "extract_bytes"]


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
    deadline = Deadline(time_limit)
    return _extract(decode(data), timezone, deadline)


def extract(text: str, *, timezone: ZoneInfo = KYIV, time_limit: float | None = None) -> Article:
    """Understand one article. Raises ExtractionError when the text cannot be an article, or when
    understanding it takes longer than `time_limit` seconds (None: no limit)."""
    return _extract(text, timezone, Deadline(time_limit))


def _extract(text: str, timezone: ZoneInfo, deadline: Deadline) -> Article:
    if not text.strip():
        raise ExtractionError("the text is empty")
    controls = len(CONTROLS.findall(text))
    if "\x00" in text or controls > len(text) // 20:
        raise ExtractionError("the text is binary, not an article")
    lines = article_lines(text, deadline)
    updated, lines = take_updated_line(lines, timezone)
    lead_at = find_lead(lines)
    if lead_at is None:
        raise ExtractionError("no article text found: no sentence of four words or more")
    header = read_header(lines[:lead_at], timezone)
    lead_text, sources, blocks, photo, author = read_body(lines[lead_at:], header, deadline)
    focus = Focus(blocks, deadline)
    quoted = find_quotes(blocks, sources, focus, deadline)
    claims = find_claims(blocks, sources, quoted, header.published, deadline)
    # After the claims: a figure is claimed by its paragraph's claimant, when, unless it names
    # its own.
    figures = find_figures(blocks, sources, quoted, focus, claims, deadline)
    sections = _with_claims(build_sections(blocks), claims)
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


def _with_claims(sections: tuple[Section, ...], claims: list[Claim]) -> tuple[Section, ...]:
    """The sections with each fact's claim: fact i is block i."""
    remaining = iter(claims)
    return tuple(
        Section(s.label, s.kind, tuple(Fact(f.text, next(remaining)) for f in s.facts))
        for s in sections
    )


# --- Text clean-up --------------------------------------------------------------------------------
