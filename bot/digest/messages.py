"""A digest laid out: as channel messages within Discord's limits (a heading, an embed per
article, as many to a message as Discord allows, headlines past those), and for a terminal."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.desk import ArticleRef
from bot.digest.compose import Digest, DigestItem
from bot.pages import CONTENT_LIMIT, EMBED_TOTAL_LIMIT, Page, escape, heading, paged, within_limits
from bot.text import clip, date_text, plural

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
            for page in paged(title, lines, footer="", limit=HEADLINES_PAGE)
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
    if digest.moved:
        heading += "\n" + "\n".join(f"• {escape(line)}" for line in digest.moved)
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
    lines += [f"Moved: {line}" for line in digest.moved]
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
        lines += [f"   {ref.citation()}" for ref in digest.more]
    return "\n".join(lines)
