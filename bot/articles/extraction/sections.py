"""The body read into sections (the lead, Details, Background, `Quote from X`...), and the
`Source:` lines into sources with their descriptions."""

from __future__ import annotations

import re

from bot.articles.extraction.clean import is_sentence
from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.header import Header, date_line
from bot.articles.extraction.names import is_person, person_name
from bot.articles.extraction.paragraphs import Block, SectionBuilder
from bot.articles.extraction.photos import is_photo_line, photo_of
from bot.articles.extraction.tables import (
    APPOSITION,
    BULLET,
    BYLINE,
    CHANNEL,
    CONNECTORS,
    LABEL,
    LABEL_KINDS,
    NAME_TOKEN,
    TITLE_WORDS,
    WIRE_DATELINE,
    WIRE_DATELINE_BARE,
)
from bot.articles.model import Fact, Photo, Section, Source
from bot.text import normalise


def read_body(
    lines: list[str], header: Header, deadline: Deadline
) -> tuple[str, list[Source], list[Block], Photo | None, str | None]:
    """The body's lead, sources, paragraphs (each in its section), photo and author.

    One pass over the lines, as a small state machine (the section under way, whether a bare
    `Source:` line's names follow on the next line); split in parts, that state would travel
    between them, so it is kept whole, a little past 50 lines."""
    photo, author = header.photo, header.author
    sources: list[Source] = []
    blocks: list[Block] = []
    lead_section = SectionBuilder(None, "lead")
    current: SectionBuilder | None = None
    lead_text: str | None = None
    expecting_sources = False
    title = normalise(header.title)

    for line in lines:
        deadline.check()
        if is_photo_line(line):
            photo = photo or photo_of(line)
            continue
        if date_line(line) or BYLINE.match(line) or normalise(line) == title:
            continue
        label = LABEL.match(line)
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
        elif expecting_sources and not is_sentence(line):
            sources.extend(_sources(line))
            expecting_sources = False
            continue
        expecting_sources = False
        line = BULLET.sub("", line)
        if lead_text is None and current is None:
            wire = WIRE_DATELINE.match(line) or WIRE_DATELINE_BARE.match(line)
            if wire:
                line = line[wire.end() :]
                sources.append(Source(wire["agency"].strip(), None, f"({wire['agency']})"))
            lead_text = line
            blocks.append(Block(line, lead_section, deadline))
            lead_section.facts.append(line)
            continue
        if current is None:
            current = SectionBuilder(None, "body")
        current.facts.append(line)
        blocks.append(Block(line, current, deadline))

    if lead_text is None:
        lead_text = blocks[0].text if blocks else lines[0]
    return lead_text, sources, blocks, photo, author


_QUOTE_FROM = re.compile(r"quote\s+from\s+(?P<who>.+)$", re.I)
_QUOTED_VIA = re.compile(r"\s*\((?:quoted by|via|as quoted by|cited by)[^)]*\)\s*")


def _start_section(label: str) -> SectionBuilder:
    quote_from = _QUOTE_FROM.match(label)
    if quote_from:
        who = _QUOTED_VIA.sub("", quote_from["who"])
        who = who.split(",")[0]  # "Mykola Horbachov, President of the Grain Association"
        return SectionBuilder(label, "quote", quote_speaker=person_name(who.strip()) or who)
    return SectionBuilder(label, LABEL_KINDS.get(label.lower(), "body"))


def build_sections(blocks: list[Block]) -> tuple[Section, ...]:
    """The sections, in block order. A section's blocks are consecutive (`read_body` never goes
    back to an earlier section) and a section without blocks has no facts, so block i is
    `Article.facts[i]`: quotes and figures name their fact by block index."""
    builders: list[SectionBuilder] = []
    for block in blocks:
        if not builders or builders[-1] is not block.section:
            builders.append(block.section)
    return tuple(
        Section(b.label, b.kind, tuple(Fact(text) for text in b.facts)) for b in builders if b.facts
    )


# --- Sources --------------------------------------------------------------------------------------


def _sources(text: str) -> list[Source]:
    found = []
    for part in (p.strip(" .") for p in text.split(";")):
        if not part:
            continue
        body, channel = part, None
        match = CHANNEL.search(part)
        if match and match.start() > 0:
            body, channel = part[: match.start()].strip(" ,"), match["channel"]
        apposition = APPOSITION.match(body)
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
            token.lower() in CONNECTORS and start > 1 and NAME_TOKEN.match(tokens[start - 2])
        )
        if NAME_TOKEN.match(token) or token.startswith("(") or connector:
            start -= 1
        else:
            break
    while start < len(tokens) and tokens[start].lower() in CONNECTORS:
        start += 1
    name_tokens = tokens[start:]
    # Titles belong to the description: "Finance Minister Serhii Marchenko".
    titles = [i for i, t in enumerate(name_tokens[:-1]) if t.lower() in TITLE_WORDS]
    if titles and is_person(" ".join(name_tokens[titles[-1] + 1 :])):
        name_tokens = name_tokens[titles[-1] + 1 :]
    if not name_tokens:
        return text, None
    cut = len(tokens) - len(name_tokens)
    description = " ".join(tokens[:cut]).strip(" ,") or None
    return " ".join(name_tokens), description


# --- Paragraphs -----------------------------------------------------------------------------------
