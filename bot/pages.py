"""Discord's limits, as plain data: pages of an answer, their fields, and text fitted and escaped
to go in them. Nothing here imports discord.py: the Discord side copies pages into embeds, and
every answer lays out its own pages with these."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.text import clip

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000
FACTS_PER_PAGE = 5
LINES_PER_PAGE = 15

COLOUR = 0x1F6FEB
WARNING_COLOUR = 0xD29922


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""
    url: str | None = None
    colour: int = COLOUR

    @property
    def size(self) -> int:
        """What Discord counts towards the 6,000 characters of an embed."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """A Discord reply: either a short text (errors, "nothing found"), or pages of embeds."""

    pages: tuple[Page, ...] = ()
    text: str = ""
    ephemeral: bool = False


_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
_LINE_MARKDOWN = re.compile(r"^(\s*)([#>-])", re.M)  # headers, quotes and lists start a line
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>")


def escape(text: str) -> str:
    """Article text as literal Discord text: markdown shown as typed, mentions that cannot ping
    (a zero-width space breaks them; every message is also sent with mentions disabled)."""
    text = _LINE_MARKDOWN.sub(r"\1\\\2", _MARKDOWN.sub(r"\\\1", text))
    return _MENTION.sub(lambda m: f"@\u200b{m[1]}" if m[1] else f"<\u200b{m[2]}{m[3]}>", text)


def heading(text: str) -> str:
    """Plain text (an article's headline, a reader's topic) as an embed title: escaped as
    bodies are, since Discord renders markdown in titles too, and within the title limit."""
    return clip(escape(clip(text, TITLE_LIMIT)), TITLE_LIMIT)


# An article's headline inside a citation: long enough to recognise, never so long that it
# leaves no room for the fact it cites.
CITED_TITLE = 150


def code(text: str) -> str:
    """Text in a code span, where escapes would show: only its backticks need replacing."""
    return f"`{text.replace('`', 'ˋ')}`"


def highlight(text: str, words: Sequence[str]) -> str:
    """Escaped text with the matched words in bold."""
    escaped = escape(text)
    if not words:
        return escaped
    pattern = "|".join(re.escape(escape(w)) for w in sorted(words, key=len, reverse=True))
    return re.sub(rf"(?<![\w\\])({pattern})(?!\w)", r"**\1**", escaped)


def within_limits(page: Page) -> Page:
    """The last guard: each part cut to its limit, then the whole to 6,000 characters, taking
    from the description first, then dropping trailing fields, then from the footer."""
    page = Page(
        clip(page.title, TITLE_LIMIT),
        clip(page.description, DESCRIPTION_LIMIT),
        tuple(
            Field(clip(f.name, FIELD_NAME_LIMIT), clip(f.value, FIELD_VALUE_LIMIT), f.inline)
            for f in page.fields[:FIELDS_LIMIT]
        ),
        clip(page.footer, FOOTER_LIMIT),
        page.url,
        page.colour,
    )
    excess = page.size - EMBED_TOTAL_LIMIT
    if excess > 0 and page.description:
        keep = len(page.description) - excess - 1
        page = dataclasses.replace(
            page, description=clip(page.description, keep) if keep > 0 else ""
        )
    while page.size > EMBED_TOTAL_LIMIT and len(page.fields) > 1:
        page = dataclasses.replace(page, fields=page.fields[:-1])
    excess = page.size - EMBED_TOTAL_LIMIT
    if excess > 0:
        keep = len(page.footer) - excess - 1
        page = dataclasses.replace(page, footer=clip(page.footer, keep) if keep > 0 else "")
    return page


def fitted(reply: Reply) -> Reply:
    """A reply whose every page is within Discord's limits."""
    return dataclasses.replace(reply, pages=tuple(within_limits(p) for p in reply.pages))


def paged(
    title: str, blocks: list[str], *, footer: str, limit: int = DESCRIPTION_LIMIT
) -> list[Page]:
    """Blocks of text spread over as many pages as the description limit needs."""
    pages: list[Page] = []
    current: list[str] = []
    for block in blocks:
        block = clip(block, limit)
        joined = "\n\n".join([*current, block])
        if current and (len(joined) > limit or len(current) >= LINES_PER_PAGE):
            pages.append(Page(title, "\n\n".join(current), footer=footer))
            current = []
        current.append(block)
    if current:
        pages.append(Page(title, "\n\n".join(current), footer=footer))
    return numbered(pages)


def numbered(pages: list[Page]) -> list[Page]:
    if len(pages) < 2:
        return pages
    return [
        dataclasses.replace(
            page,
            footer=clip(
                " · ".join(p for p in (page.footer, f"Page {n}/{len(pages)}") if p), FOOTER_LIMIT
            ),
        )
        for n, page in enumerate(pages, 1)
    ]


def join_within(lines: list[str], limit: int) -> str:
    kept: list[str] = []
    for number, line in enumerate(lines):
        more = f"… and {len(lines) - number} more"
        if len("\n".join([*kept, line])) > limit - len(more) - 1:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)


def split_within(lines: list[str], limit: int) -> list[str]:
    """Lines in as few blocks of at most `limit` characters as they fit, none cut off; a line
    longer than `limit` is clipped."""
    blocks: list[list[str]] = []
    size = 0
    for line in lines:
        line = clip(line, limit)
        if blocks and size + 1 + len(line) <= limit:
            blocks[-1].append(line)
            size += 1 + len(line)
        else:
            blocks.append([line])
            size = len(line)
    return ["\n".join(block) for block in blocks]
