"""Renderers: command answers and articles as terminal text and as JSON-ready dictionaries."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands import (
    Answer,
    ArticleRef,
    ArticlesAnswer,
    FactHit,
    FactsAnswer,
    FiguresAnswer,
    HelpAnswer,
    NothingFound,
    QuotesAnswer,
    ReloadAnswer,
    ReloadLogAnswer,
    SourcesAnswer,
    SummaryAnswer,
    UserError,
)
from bot.digest import (
    Digest,
    DigestChanged,
    DigestConfig,
    DigestItem,
    DigestPosted,
    DigestPreview,
    DigestStatus,
)
from bot.store import DigestDay, LoadReport
from bot.text import clip, plural

# Everything a command can answer, the digest's answers included.
AnyAnswer = Answer | DigestStatus | DigestChanged | DigestPreview | DigestPosted

# --- Terminal text -----------------------------------------------------------------------------


def date_text(when: datetime | None) -> str:
    return when.strftime("%-d %B %Y, %H:%M") if when else "undated"


def citation(article: ArticleRef) -> str:
    return f"“{article.title}”, {date_text(article.published)} (#{article.id})"


def fact_citation(hit: FactHit) -> str:
    parts = [hit.section, citation(hit.article)]
    if hit.cited:
        parts.append(f"source: {hit.cited}")
    return " · ".join(parts)


def to_text(answer: AnyAnswer) -> str:
    """An answer as a person reads it in a terminal."""
    match answer:
        case DigestPreview(digest=digest):
            return digest_text(digest)
        case DigestStatus():
            return status_text(answer)
        case DigestChanged(change=change, status=status, warning=warning):
            return "\n".join(p for p in (change, warning, status_text(status)) if p)
        case DigestPosted(day=day):
            return posted_text(day)
        case FactsAnswer():
            scope = f" in #{answer.article.id}" if answer.article else ""
            lines = [f"Facts about “{answer.topic}”{scope}:"]
            if answer.understood_as:
                lines.append("(" + "; ".join(answer.understood_as) + ")")
            for number, hit in enumerate(answer.hits, 1):
                lines += [f"{number}. {hit.text}", f"   — {fact_citation(hit)}"]
            return "\n".join(lines)
        case NothingFound():
            scope = f" in #{answer.article.id}" if answer.article else ""
            text = f"Nothing found about “{answer.topic}”{scope}."
            if answer.suggestions:
                text += " Did you mean: " + ", ".join(answer.suggestions) + "?"
            return text
        case SourcesAnswer():
            lines = [f"Sources of {citation(answer.article)}:"]
            lines += [
                f"  • {s.name}" + (f" — {s.description}" if s.description else "")
                for s in answer.sources
            ] or ["  (the article names no source)"]
            if answer.quoted:
                quoted = ", ".join(f"{name} ({n})" for name, n in answer.quoted)
                lines.append(f"Quoted: {quoted}")
            if answer.photo_credit:
                lines.append(f"Photo: {answer.photo_credit}")
            return "\n".join(lines)
        case SummaryAnswer():
            lines = [answer.article.title, date_text(answer.article.published)]
            if answer.author:
                lines[-1] += f" · by {answer.author}"
            lines += ["", answer.lead]
            if answer.key_facts:
                lines += ["", "Key facts:"]
                lines += [f"  • {hit.text} ({hit.section})" for hit in answer.key_facts]
            if answer.sources:
                lines += ["", "Sources: " + "; ".join(s.name for s in answer.sources)]
            return "\n".join(lines)
        case QuotesAnswer():
            if not answer.quotes:
                who = answer.speaker or "the newest article"
                return f"No quotes from {who}."
            lines = [f"Quotes from {answer.speaker}:" if answer.speaker else "Quotes:"]
            for quote in answer.quotes:
                lines.append(f"  “{quote.text}”")
                lines.append(f"     — {quote.speaker or 'unattributed'}, {citation(quote.article)}")
            return "\n".join(lines)
        case FiguresAnswer():
            if not answer.groups:
                return "No figures in " + (citation(answer.article) if answer.article else "it")
            head = f"Figures about “{answer.topic}”" if answer.topic else "Figures"
            if answer.article:
                head += f" in {citation(answer.article)}"
            lines = [head + ":"]
            for group in answer.groups:
                lines.append(f"{group.unit}:")
                for figure in group.figures:
                    who = ", ".join(p for p in (figure.claimant, figure.when) if p)
                    lines.append(f"  • {figure.text}" + (f" ({who})" if who else ""))
            return "\n".join(lines)
        case ArticlesAnswer():
            if not answer.articles:
                return "No articles are loaded yet."
            return "\n".join(
                f"#{item.article.id}  {date_text(item.article.published)}  {item.article.title}"
                for item in answer.articles
            )
        case ReloadAnswer(report=report):
            return report_text(report)
        case ReloadLogAnswer(reloads=reloads):
            if not reloads:
                return "No reloads yet."
            return "\n".join(
                f"{r.at:%Y-%m-%d %H:%M} UTC  {r.user_name}: {r.summary} ({r.seconds:.1f} s)"
                for r in reloads
            )
        case HelpAnswer(commands=commands, example=example):
            width = max(len(spec.usage) for spec in commands)
            readers = [spec for spec in commands if not spec.moderators]
            moderators = [spec for spec in commands if spec.moderators]
            lines = ["Commands:"]
            lines += [f"  {spec.usage:<{width}}  {spec.summary}" for spec in readers]
            if moderators:
                lines.append("For moderators:")
                lines += [f"  {spec.usage:<{width}}  {spec.summary}" for spec in moderators]
            lines.append(f"Options are written name:value, e.g. {example}")
            return "\n".join(lines)
        case UserError(message=message, suggestions=suggestions):
            if suggestions:
                message += " Did you mean: " + ", ".join(suggestions) + "?"
            return message


def report_text(report: LoadReport, *, removals: str = "type /reload allow_removals:true") -> str:
    """A load report: the counts, then a line for each file that did not stay as it was.
    `removals` says how to go ahead with a load that was refused for what it would remove."""
    if report.refused is not None:
        return (
            f"{report.folder}: refused: {report.refused}. If the folder is right and those "
            f"articles are gone for good, {removals}."
        )
    lines = [f"{report.folder}: {report.summary()} ({report.seconds:.2f} s)"]
    for file in report.files:
        if file.outcome == "unchanged":
            continue
        reason = f": {file.reason}" if file.reason else ""
        lines.append(f"  {file.outcome:<9} {file.file_name}{reason}")
    return "\n".join(lines)


# --- JSON ---------------------------------------------------------------------------------------


def to_json(answer: AnyAnswer) -> dict[str, Any]:
    """An answer as plain JSON values; /facts results are always under "results"."""
    kind = {
        DigestPreview: "digest",
        DigestStatus: "digest-status",
        DigestChanged: "digest-settings",
        DigestPosted: "digest-posted",
        FactsAnswer: "facts",
        NothingFound: "facts",
        SourcesAnswer: "source",
        SummaryAnswer: "summary",
        QuotesAnswer: "quote",
        FiguresAnswer: "figures",
        ArticlesAnswer: "articles",
        ReloadAnswer: "reload",
        ReloadLogAnswer: "reload-log",
        HelpAnswer: "help",
        UserError: "error",
    }[type(answer)]
    body = _plain(answer)
    assert isinstance(body, dict)
    if isinstance(answer, FactsAnswer):
        body["results"] = body.pop("hits")
    elif isinstance(answer, NothingFound):
        body["results"] = []
    elif isinstance(answer, ArticlesAnswer):
        body["articles"] = [{**item.pop("article"), **item} for item in body["articles"]]
    elif isinstance(answer, HelpAnswer):
        for spec, command in zip(answer.commands, body["commands"], strict=True):
            command["usage"] = spec.usage
    elif isinstance(answer, UserError):
        body["error"] = body.pop("message")
    return {"kind": kind, **body}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, ZoneInfo):
        return value.key
    return value


# --- Articles -----------------------------------------------------------------------------------


# --- Pages: answers shaped for Discord embeds, within Discord's limits --------------------------
# The one place that knows the limits. Pages are plain data; the Discord layer only copies them
# into discord.Embed objects.

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


def to_reply(answer: AnyAnswer) -> Reply:
    """An answer as Discord shows it, every page within Discord's limits."""
    reply = _reply(answer)
    return dataclasses.replace(reply, pages=tuple(within_limits(p) for p in reply.pages))


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


def _reply(answer: AnyAnswer) -> Reply:
    match answer:
        case DigestPreview(digest=digest):
            messages = digest_messages(digest)
            pages = tuple(page for message in messages for page in message.pages)
            return Reply(pages, text=messages[0].content, ephemeral=True)
        case DigestStatus():
            return Reply((_status_page("Daily digest", answer),), ephemeral=True)
        case DigestChanged(change=change, status=status, warning=warning):
            page = _status_page(change, status)
            if warning:
                page = dataclasses.replace(page, description=warning, colour=WARNING_COLOUR)
            return Reply((page,), ephemeral=True)
        case DigestPosted(day=day):
            return Reply(text=clip(posted_text(day, markdown=True), CONTENT_LIMIT), ephemeral=True)
        case FactsAnswer():
            return Reply(tuple(_facts_pages(answer)))
        case NothingFound():
            return Reply(text=clip(to_text(answer), CONTENT_LIMIT), ephemeral=True)
        case UserError():
            return Reply(text=clip(to_text(answer), CONTENT_LIMIT), ephemeral=True)
        case SourcesAnswer():
            lines = [
                f"**{escape(s.name)}**" + (f" — {escape(s.description)}" if s.description else "")
                for s in answer.sources
            ] or ["The article names no source."]
            fields = []
            if answer.quoted:
                quoted = ", ".join(f"{escape(name)} ({n})" for name, n in answer.quoted)
                fields.append(Field("Quoted", clip(quoted, FIELD_VALUE_LIMIT)))
            if answer.photo_credit:
                fields.append(Field("Photo", clip(escape(answer.photo_credit), FIELD_VALUE_LIMIT)))
            page = Page(
                heading(f"Sources: {answer.article.title}"),
                _join_within(lines, DESCRIPTION_LIMIT),
                tuple(fields),
                clip(_article_footer(answer.article), FOOTER_LIMIT),
                answer.article.url,
            )
            return Reply((page,))
        case SummaryAnswer():
            key_facts = tuple(
                Field(
                    clip(f"{number}. {hit.section}", FIELD_NAME_LIMIT),
                    clip(escape(hit.text), FIELD_VALUE_LIMIT),
                )
                for number, hit in enumerate(answer.key_facts, 1)
            )
            by = f" · by {answer.author}" if answer.author else ""
            footer = (
                "Sources: " + "; ".join(s.name for s in answer.sources) if answer.sources else ""
            )
            page = Page(
                heading(answer.article.title),
                clip(
                    f"*{date_text(answer.article.published)}{escape(by)}*\n\n{escape(answer.lead)}",
                    DESCRIPTION_LIMIT,
                ),
                key_facts,
                clip(footer or _article_footer(answer.article), FOOTER_LIMIT),
                answer.article.url,
            )
            return Reply((page,))
        case QuotesAnswer():
            if not answer.quotes:
                return Reply(text=to_text(answer), ephemeral=True)
            title = f"Quotes from {answer.speaker}" if answer.speaker else "Quotes"
            blocks = [
                f"> {escape(clip(q.text, 900))}\n— **{escape(q.speaker or 'unattributed')}**, "
                f"{escape(clip(q.article.title, CITED_TITLE))} ({date_text(q.article.published)})"
                for q in answer.quotes
            ]
            return Reply(tuple(_paged(heading(title), blocks, footer="")))
        case FiguresAnswer():
            if not answer.groups:
                return Reply(text=to_text(answer), ephemeral=True)
            head = f"Figures about “{answer.topic}”" if answer.topic else "Figures"
            blocks = []
            for group in answer.groups:
                lines = [f"**{escape(group.unit)}**"]
                for figure in group.figures:
                    who = ", ".join(p for p in (figure.claimant, figure.when) if p)
                    lines.append(f"• {escape(figure.text)}" + (f" ({escape(who)})" if who else ""))
                blocks.append(clip("\n".join(lines), DESCRIPTION_LIMIT // 2))
            footer = _article_footer(answer.article) if answer.article else ""
            return Reply(tuple(_paged(heading(head), blocks, footer=footer)))
        case ArticlesAnswer():
            if not answer.articles:
                return Reply(text=to_text(answer), ephemeral=True)
            lines = [
                f"`#{item.article.id}` {escape(item.article.title)} · "
                f"{date_text(item.article.published)}"
                for item in answer.articles
            ]
            return Reply(tuple(_paged("Articles, newest first", lines, footer="")))
        case ReloadAnswer(report=report):
            return Reply((_report_page(report),), ephemeral=True)
        case ReloadLogAnswer(reloads=reloads):
            lines = [
                f"<t:{int(r.at.timestamp())}:f> **{escape(r.user_name)}**: {r.summary} "
                f"({r.seconds:.1f} s)"
                for r in reloads
            ] or ["No reloads yet."]
            return Reply(
                (Page("Last reloads", _join_within(lines, DESCRIPTION_LIMIT)),), ephemeral=True
            )
        case HelpAnswer():
            return Reply((_help_page(answer),), ephemeral=True)


def _help_page(answer: HelpAnswer) -> Page:
    """Readers' commands in the description; moderators' (shown to moderators) in a field."""

    def lines(moderators: bool) -> list[str]:
        specs = [spec for spec in answer.commands if spec.moderators is moderators]
        return [f"`{spec.usage}` — {spec.summary}" for spec in specs]

    moderators = lines(True)
    fields = (Field("For moderators", _join_within(moderators, FIELD_VALUE_LIMIT)),)
    return Page(
        "newsdesk commands",
        _join_within(lines(False), DESCRIPTION_LIMIT),
        fields if moderators else (),
        footer=clip(f"Options are written name:value, e.g. {answer.example}", FOOTER_LIMIT),
    )


OUTCOME_MARKS = {"added": "➕", "updated": "✏️", "removed": "➖", "failed": "⚠️", "unchanged": "·"}


def _report_page(report: LoadReport) -> Page:
    """Counts in the title; failures first, each with its reason; long lists summarised."""
    if report.refused is not None:
        return Page(
            "Reload refused",
            f"{escape(report.refused)}.\n\nIf the seeds folder is right and those articles are "
            "gone for good, run `/reload allow_removals:True`.",
            footer=f"{report.folder}",
            colour=WARNING_COLOUR,
        )
    order = {"failed": 0, "added": 1, "updated": 2, "removed": 3, "unchanged": 4}
    files = sorted(report.files, key=lambda f: (order[f.outcome], f.file_name))
    shown = [f for f in files if f.outcome != "unchanged"] or files
    lines = [
        f"{OUTCOME_MARKS[f.outcome]} **{f.outcome}** {code(f.file_name)}"
        + (f": {escape(f.reason)}" if f.reason else "")
        for f in shown
    ]
    unchanged = report.count("unchanged")
    if unchanged and shown is not files:
        lines.append(f"· {unchanged} unchanged")
    return Page(
        heading(f"Reload: {report.summary()}"),
        _join_within(lines, DESCRIPTION_LIMIT),
        footer=f"{report.seconds:.2f} s · {len(report.files)} files in the seeds folder",
        colour=WARNING_COLOUR if report.failed else COLOUR,
    )


def _facts_pages(answer: FactsAnswer) -> list[Page]:
    title = heading(f"Facts about “{answer.topic}”")
    description = ""
    if answer.understood_as:  # short, so that five facts fit beside it
        description = clip("Also searched: " + "; ".join(answer.understood_as), 1000)
    fields = []
    for number, hit in enumerate(answer.hits, 1):
        cited = f" · source: {escape(clip(hit.cited, 200))}" if hit.cited else ""
        citation_line = (
            f"\n— *{escape(clip(hit.section, 60))}*, "
            f"{escape(clip(hit.article.title, CITED_TITLE))}, "
            f"{date_text(hit.article.published)} (#{hit.article.id}){cited}"
        )
        body = highlight(clip(hit.text, FIELD_VALUE_LIMIT - len(citation_line) - 60), hit.matched)
        fields.append(Field(f"{number}.", clip(body + citation_line, FIELD_VALUE_LIMIT)))
    sources = sorted({hit.cited for hit in answer.hits if hit.cited})
    footer = clip("Sources: " + "; ".join(sources), 1000) if sources else ""
    pages: list[Page] = []
    current: list[Field] = []
    for field_ in fields:
        candidate = Page(title, description, (*current, field_), footer)
        if current and (len(current) >= FACTS_PER_PAGE or candidate.size > EMBED_TOTAL_LIMIT - 40):
            pages.append(Page(title, description, tuple(current), footer))
            current = []
        current.append(field_)
    if current:
        pages.append(Page(title, description, tuple(current), footer))
    return _numbered(pages)


def _paged(
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
    return _numbered(pages)


def _numbered(pages: list[Page]) -> list[Page]:
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


def _join_within(lines: list[str], limit: int) -> str:
    kept: list[str] = []
    for number, line in enumerate(lines):
        more = f"… and {len(lines) - number} more"
        if len("\n".join([*kept, line])) > limit - len(more) - 1:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)


def _article_footer(article: ArticleRef) -> str:
    return f"#{article.id} · {date_text(article.published)}"


# --- The daily digest ---------------------------------------------------------------------------

MESSAGE_EMBEDS_LIMIT = 10  # embeds in one message; their 6,000 characters are counted together
LEAD_LENGTH = 350
FACT_LENGTH = 400
HEADLINES_SHOWN = 40
HEADLINE_LENGTH = 150
HEADLINES_PAGE = 2000  # characters of headlines in one embed, so several fit in a message


@dataclass(frozen=True, slots=True)
class DiscordMessage:
    """One channel message: content and embeds, within Discord's limits for a message."""

    content: str
    pages: tuple[Page, ...] = ()


def digest_heading(digest: Digest) -> str:
    zone = ZoneInfo(digest.zone)
    day = f"{digest.day:%A} {digest.day.day} {digest.day:%B %Y}"
    since = digest.since.astimezone(zone)
    return f"Daily digest · {day} · since {since:%A} {since.day} {since:%B, %H:%M} ({digest.zone})"


def digest_count(digest: Digest) -> str:
    if not digest.article_count:
        return "No new articles."
    added = sum(1 for item in digest.items if not item.updated)
    updated = len(digest.items) - added
    parts = [f"{added} new" if added else "", f"{updated} updated" if updated else ""]
    if digest.more:
        parts.append(f"{len(digest.more)} more by headline")
    return f"{plural(digest.article_count, 'article')}: " + ", ".join(p for p in parts if p) + "."


def digest_messages(digest: Digest) -> list[DiscordMessage]:
    """A digest as channel messages: a heading, then one embed per article, as many to a
    message as Discord allows; headlines beyond those shown in full close the last one."""
    pages = [_digest_page(item) for item in digest.items]
    if digest.more:
        lines = [
            f"• {_headline(ref)} · {date_text(ref.published)} (#{ref.id})"
            for ref in digest.more[:HEADLINES_SHOWN]
        ]
        if len(digest.more) > HEADLINES_SHOWN:
            lines.append(f"… and {len(digest.more) - HEADLINES_SHOWN} more: see /articles")
        title = f"Also new or updated: {len(digest.more)} more"
        pages += [
            dataclasses.replace(page, footer="")
            for page in _paged(title, lines, footer="", limit=HEADLINES_PAGE)
        ]
    pages = [within_limits(page) for page in pages]
    batches: list[list[Page]] = []
    for page in pages:
        last = batches[-1] if batches else None
        if (
            last is not None
            and len(last) < MESSAGE_EMBEDS_LIMIT
            and sum(p.size for p in last) + page.size <= EMBED_TOTAL_LIMIT
        ):
            last.append(page)
        else:
            batches.append([page])
    heading = f"**{escape(digest_heading(digest))}**\n{digest_count(digest)}"
    if not batches:
        return [DiscordMessage(clip(heading, CONTENT_LIMIT))]
    messages = [DiscordMessage(clip(heading, CONTENT_LIMIT), tuple(batches[0]))]
    messages += [
        DiscordMessage(f"Daily digest, continued ({n}/{len(batches)})", tuple(batch))
        for n, batch in enumerate(batches[1:], 2)
    ]
    return messages


def _headline(ref: ArticleRef) -> str:
    title = escape(clip(ref.title, HEADLINE_LENGTH))
    if not ref.url:
        return title
    # The address comes from the article: keep it from closing the link early.
    url = ref.url.replace(" ", "%20").replace(")", "%29").replace(">", "%3E")
    return f"[{title}]({url})"


def _digest_page(item: DigestItem) -> Page:
    state = "updated" if item.updated else "new"
    lines = [
        f"*{date_text(item.article.published)}* · {state}",
        escape(clip(item.lead, LEAD_LENGTH)),
    ]
    if item.key_facts:
        lines.append("")
        lines += [f"• {escape(clip(fact, FACT_LENGTH))}" for fact in item.key_facts]
    if item.sources:
        lines += ["", clip("**Sources:** " + escape("; ".join(item.sources)), 600)]
    return Page(
        heading(item.article.title),
        "\n".join(lines),
        footer=f"#{item.article.id} · /summary article:{item.article.id} for more",
        url=item.article.url,
    )


def digest_text(digest: Digest) -> str:
    """A digest for the terminal."""
    lines = [digest_heading(digest), digest_count(digest)]
    for number, item in enumerate(digest.items, 1):
        meta = [date_text(item.article.published), "updated" if item.updated else "new"]
        if item.article.url:
            meta.append(item.article.url)
        lines += ["", f"{number}. {item.article.title} (#{item.article.id})"]
        lines += [f"   {' · '.join(meta)}", f"   {item.lead}"]
        lines += [f"   • {fact}" for fact in item.key_facts]
        if item.sources:
            lines.append("   Sources: " + "; ".join(item.sources))
    if digest.more:
        lines += ["", "Also new or updated:"]
        lines += [f"   {citation(ref)}" for ref in digest.more]
    return "\n".join(lines)


def next_post_text(status: DigestStatus) -> str:
    config = status.config
    if not config.enabled:
        return "Off: /digest on to turn it back on"
    if config.channel_id is None:
        return "None until a channel is set with /digest channel"
    if status.next_post is None:
        return "None"
    if status.next_post <= status.now:
        return "Due now: it goes out within a minute"
    return _local(status.next_post, config)


def _local(when: datetime, config: DigestConfig) -> str:
    local = when.astimezone(config.zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def last_digest_text(day: DigestDay | None, config: DigestConfig, now: datetime) -> str:
    if day is None:
        return "None yet"
    when = _local(day.finished_at or day.claimed_at, config)
    how = "by /digest now" if day.trigger == "now" else "on schedule"
    match day.status:
        case "posted":
            size = f"{plural(day.articles, 'article')} in {plural(len(day.message_ids), 'message')}"
            return f"Posted {when} {how}: {size}"
        case "skipped":
            return f"Skipped {when}: no new articles"
        case "claimed":
            return (
                f"Started {when} {how} with no outcome recorded: the bot may have stopped while "
                "posting. It is not tried again by itself, so it never posts twice; "
                "after 15 minutes, /digest now may post it."
            )
    if day.local_date != config.local_date(now):
        retry = "not tried again: that day is over"
    elif day.next_attempt_at:
        retry = f"next try {_local(day.next_attempt_at, config)}"
    else:
        retry = "no more tries today; fix it, then /digest now"
    return f"Failed {when} (attempt {day.attempts}): {day.error}; {retry}"


def status_text(status: DigestStatus) -> str:
    config = status.config
    channel = f"#{config.channel_id}" if config.channel_id else "not set"
    default = "" if config.configured else " (defaults from the settings)"
    return "\n".join(
        [
            f"Channel: {channel}{default}",
            f"Time: {config.at:%H:%M} {config.zone.key}",
            "When nothing is new: " + ("skip the day" if config.skip_empty else "post a line"),
            f"Next post: {next_post_text(status)}",
            f"Last digest: {last_digest_text(status.last, config, status.now)}",
        ]
    )


def _status_page(title: str, status: DigestStatus) -> Page:
    config = status.config
    channel = f"<#{config.channel_id}>" if config.channel_id else "Not set: /digest channel"
    next_post = next_post_text(status)
    if status.next_post is not None and status.next_post > status.now and config.active:
        next_post += f" · <t:{int(status.next_post.timestamp())}:R>"
    last = escape(last_digest_text(status.last, config, status.now))
    if status.last is not None and status.last.message_ids and status.last.channel_id:
        link = (
            f"https://discord.com/channels/{config.guild_id}/{status.last.channel_id}/"
            f"{status.last.message_ids[0]}"
        )
        last += f" · [jump]({link})"
    failed = status.last is not None and status.last.status == "failed"
    fields = (
        Field("Channel", channel, inline=True),
        Field("Time", f"{config.at:%H:%M} {config.zone.key}", inline=True),
        Field("When nothing is new", "Skip the day" if config.skip_empty else "Post a line", True),
        Field("Next post", clip(next_post, FIELD_VALUE_LIMIT)),
        Field("Last digest", clip(last, FIELD_VALUE_LIMIT)),
    )
    return Page(
        heading(title),
        "" if config.configured else "Using the defaults from the bot's settings.",
        fields,
        colour=WARNING_COLOUR if failed else COLOUR,
    )


def posted_text(day: DigestDay, *, markdown: bool = False) -> str:
    where = f"<#{day.channel_id}>" if markdown else f"channel {day.channel_id}"
    if day.status == "posted":
        size = f"{plural(day.articles, 'article')} in {plural(len(day.message_ids), 'message')}"
        return f"Posted today's digest in {where}: {size}. No other digest follows today."
    if day.status == "skipped":
        return "Nothing is new since the last digest, and empty days are skipped: nothing posted."
    return f"Could not post today's digest in {where}: {day.error}"
