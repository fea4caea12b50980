"""The digest's answers to moderators: its status, a change of schedule, a preview, and how
/digest now went; each laid out for a terminal and for Discord."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from bot.desk import Answer, CommandSpec, OptionSpec
from bot.digest.compose import Digest
from bot.digest.messages import digest_messages, digest_text
from bot.digest.schedule import DigestSettings
from bot.pages import (
    COLOUR,
    CONTENT_LIMIT,
    FIELD_VALUE_LIMIT,
    WARNING_COLOUR,
    Field,
    Page,
    Reply,
    escape,
    heading,
)
from bot.store import DigestDay
from bot.text import clip, plural

# The digest's commands at the console, for the local operator (on Discord, cogs.digest).
CONSOLE_COMMANDS = (
    CommandSpec("digest status", "Each server's digest: where, when, how the last went", (), True),
    CommandSpec(
        "digest preview",
        "The next digest, shown here",
        (OptionSpec("server", "A server's id; the articles of the last day by default"),),
        moderators=True,
    ),
)


@dataclass(frozen=True, slots=True)
class DigestStatus(Answer):
    kind: ClassVar[str] = "digest-status"
    config: DigestSettings
    now: datetime
    next_post: datetime | None
    last: DigestDay | None

    def text(self) -> str:
        return status_text(self)

    def reply(self) -> Reply:
        return Reply((_status_page("Daily digest", self),), ephemeral=True)


@dataclass(frozen=True, slots=True)
class DigestChanged(Answer):
    """A moderator changed the schedule; what it is now."""

    kind: ClassVar[str] = "digest-settings"
    change: str
    status: DigestStatus
    warning: str | None = None

    def text(self) -> str:
        return "\n".join(p for p in (self.change, self.warning, status_text(self.status)) if p)

    def reply(self) -> Reply:
        page = _status_page(self.change, self.status)
        if self.warning:
            page = dataclasses.replace(page, description=self.warning, colour=WARNING_COLOUR)
        return Reply((page,), ephemeral=True)


@dataclass(frozen=True, slots=True)
class DigestPreview(Answer):
    kind: ClassVar[str] = "digest"
    digest: Digest

    def text(self) -> str:
        return digest_text(self.digest)

    def reply(self) -> Reply:
        messages = digest_messages(self.digest)
        pages = tuple(page for message in messages for page in message.pages)
        return Reply(pages, text=messages[0].content, ephemeral=True)


@dataclass(frozen=True, slots=True)
class DigestPosted(Answer):
    """The outcome of /digest now."""

    kind: ClassVar[str] = "digest-posted"
    day: DigestDay

    def text(self) -> str:
        return posted_text(self.day)

    def reply(self) -> Reply:
        return Reply(text=clip(posted_text(self.day, markdown=True), CONTENT_LIMIT), ephemeral=True)


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


def _local(when: datetime, config: DigestSettings) -> str:
    local = when.astimezone(config.zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def last_digest_text(day: DigestDay | None, config: DigestSettings, now: datetime) -> str:
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
