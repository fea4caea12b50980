"""/feed: the feeds the newsroom's articles arrive by. Add one (read at once, its entries
loaded), list them, remove one (its articles stay in the archive), see how their polls went,
poll them now, and name the channel where each new article is announced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from bot.desk.answers import Answer, UserError
from bot.desk.ingest import URL_LENGTH
from bot.desk.polling import PollResult
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.pages import (
    COLOUR,
    DESCRIPTION_LIMIT,
    FIELDS_LIMIT,
    WARNING_COLOUR,
    Field,
    Page,
    Reply,
    escape,
    heading,
    join_within,
)
from bot.store import Announcement, FeedExists, FeedRow, Requester, StoreError
from bot.text import clip, date_text, plural
from bot.web import FetchError
from bot.web.fetch import check_url

if TYPE_CHECKING:
    from bot.desk.service import Desk

ANNOUNCED_LEAD = 600  # characters of the lead an announcement shows
FEED_OPTION = OptionSpec("feed", "The feed: its number in /feed list, or its address")


def when_text(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def when_markup(moment: datetime | None) -> str:
    """A time as Discord shows it, in each reader's own zone."""
    return (
        f"<t:{int(moment.timestamp())}:f> (<t:{int(moment.timestamp())}:R>)" if moment else "never"
    )


@dataclass(frozen=True, slots=True)
class FeedAdded(Answer):
    kind: ClassVar[str] = "feed-added"
    feed: FeedRow
    poll: PollResult
    minutes: int  # between two polls

    def text(self) -> str:
        return (
            f"Following #{self.feed.id} {self.feed.name} ({self.feed.url}): {self.poll.summary()}."
        )

    def reply(self) -> Reply:
        page = Page(
            heading(f"Following: {self.feed.name}"),
            f"{escape(self.feed.url)}\n\nFirst poll: {escape(self.poll.summary())}.\n"
            "Its articles in this first poll are not announced; the next new ones are.",
            footer=f"feed #{self.feed.id} · polled every {plural(self.minutes, 'minute')}",
        )
        return Reply((page,), ephemeral=True)

    def json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "feed": feed_json(self.feed),
            "added": self.poll.added,
            "updated": self.poll.updated,
            "unchanged": self.poll.unchanged,
            "errors": self.poll.entry_errors,
        }


def feed_json(feed: FeedRow) -> dict[str, object]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "added_by": feed.added_by,
        "last_fetch": feed.fetched_at.isoformat() if feed.fetched_at else None,
        "last_checked": feed.checked_at.isoformat() if feed.checked_at else None,
        "last_new_entry": feed.new_entry_at.isoformat() if feed.new_entry_at else None,
        "last_error": feed.error,
        "failures": feed.failures,
        "next_poll": feed.next_poll_at.isoformat() if feed.next_poll_at else None,
        "entries": feed.entries,
        "articles": feed.articles,
    }


@dataclass(frozen=True, slots=True)
class FeedList(Answer):
    kind: ClassVar[str] = "feeds"
    feeds: tuple[FeedRow, ...]
    status: bool = False  # each feed's polls too (/feed status)

    def text(self) -> str:
        if not self.feeds:
            return "No feeds yet. Add one with /feed add <url>."
        lines = []
        for feed in self.feeds:
            lines.append(f"#{feed.id} {feed.name} ({feed.url}): {plural(feed.articles, 'article')}")
            if self.status:
                lines += [
                    f"    last fetch: {when_text(feed.fetched_at)}",
                    f"    last new entry: {when_text(feed.new_entry_at)}",
                    f"    last error: {self._error(feed)}",
                    f"    next poll: {when_text(feed.next_poll_at)}",
                ]
        return "\n".join(lines)

    @staticmethod
    def _error(feed: FeedRow) -> str:
        if feed.error is None:
            return "none"
        tries = f", {plural(feed.failures, 'poll')} in a row" if feed.failures > 1 else ""
        return f"{feed.error} ({when_text(feed.error_at)}{tries})"

    def json(self) -> dict[str, object]:
        return {"kind": self.kind, "feeds": [feed_json(feed) for feed in self.feeds]}

    def reply(self) -> Reply:
        if not self.feeds:
            return Reply(text=self.text(), ephemeral=True)
        if not self.status:
            lines = [
                f"**#{f.id}** {escape(f.name)}: {plural(f.articles, 'article')}\n{escape(f.url)}"
                for f in self.feeds
            ]
            return Reply((Page("Feeds", join_within(lines, DESCRIPTION_LIMIT)),), ephemeral=True)
        fields = []
        for feed in self.feeds[:FIELDS_LIMIT]:
            error = escape(clip(self._error(feed), 300))
            fields.append(
                Field(
                    clip(f"#{feed.id} {escape(feed.name)}", 256),
                    f"Last fetch: {when_markup(feed.fetched_at)}\n"
                    f"Last new entry: {when_markup(feed.new_entry_at)}\n"
                    f"Last error: {error}\nNext poll: {when_markup(feed.next_poll_at)}",
                )
            )
        failing = any(feed.error for feed in self.feeds)
        more = len(self.feeds) - FIELDS_LIMIT
        page = Page(
            "Feed status",
            f"{plural(len(self.feeds), 'feed')}" + (f"; {more} more not shown" if more > 0 else ""),
            tuple(fields),
            colour=WARNING_COLOUR if failing else COLOUR,
        )
        return Reply((page,), ephemeral=True)


@dataclass(frozen=True, slots=True)
class FeedRemoved(Answer):
    kind: ClassVar[str] = "feed-removed"
    feed: FeedRow

    def text(self) -> str:
        return (
            f"Stopped following #{self.feed.id} {self.feed.name}. Its "
            f"{plural(self.feed.articles, 'article')} stay in the archive."
        )


@dataclass(frozen=True, slots=True)
class PollAnswer(Answer):
    kind: ClassVar[str] = "feed-poll"
    results: tuple[PollResult, ...]

    def text(self) -> str:
        if not self.results:
            return "No feeds to poll. Add one with /feed add <url>."
        return "\n".join(f"#{r.feed.id} {r.feed.name}: {r.summary()}" for r in self.results)

    def json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "feeds": [
                {
                    "id": r.feed.id,
                    "url": r.feed.url,
                    "added": r.added,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "not_modified": r.not_modified,
                    "error": r.error,
                    "entry_errors": r.entry_errors,
                }
                for r in self.results
            ],
        }


@dataclass(frozen=True, slots=True)
class AnnounceAnswer(Answer):
    kind: ClassVar[str] = "feed-announce"
    channel_id: int | None

    def text(self) -> str:
        if self.channel_id is None:
            return "New articles from feeds are no longer announced here."
        return (
            f"Each new article from the feeds is now announced once in channel {self.channel_id}."
        )

    def reply(self) -> Reply:
        if self.channel_id is None:
            return Reply(text=self.text(), ephemeral=True)
        return Reply(
            text=f"Each new article from the feeds is now announced once in <#{self.channel_id}>.",
            ephemeral=True,
        )


async def find_feed(desk: Desk, text: str) -> FeedRow | UserError:
    """The feed a moderator named: by its number in /feed list, or its address."""
    wanted = text.strip().removeprefix("#")
    feeds = await desk.store.feeds.all()
    if wanted.isdigit():
        found = next((f for f in feeds if f.id == int(wanted)), None)
    else:
        found = next((f for f in feeds if f.url == wanted), None)
        named = [f for f in feeds if f.title and wanted.casefold() in f.title.casefold()]
        found = found or (named[0] if len(named) == 1 else None)
    if found is None:
        listed = ", ".join(f"#{f.id} {f.name}" for f in feeds[:10]) or "none yet"
        return UserError(f"No feed “{clip(text, 100)}”. The feeds: {listed}.")
    return found


async def feed_add(desk: Desk, url: str, *, by: Requester) -> Answer:
    """Follow a feed: read at once, and refused (not followed) when it cannot be read."""
    url = url.strip()
    try:
        check_url(url, desk.web.fetcher.policy)
    except FetchError as error:
        return UserError(f"Cannot follow {url}: {error}.")
    if await desk.store.feeds.by_url(url) is not None:
        return UserError(f"{url} is followed already: see /feed status.")
    try:
        feed = await desk.store.feeds.add(url, added_by=by.name)
    except FeedExists:
        return UserError(f"{url} is followed already: see /feed status.")
    except StoreError as error:
        return UserError(f"Cannot follow {url}: {error}.")
    result = await desk.poller.poll(feed)
    if result.error is not None:
        await desk.store.feeds.remove(feed.id)
        return UserError(f"Cannot follow {url}: {result.error}. Nothing was added.")
    minutes = round(desk.web.feed_interval / 60)
    return FeedAdded(await desk.store.feeds.get(feed.id) or feed, result, minutes)


async def feed_list(desk: Desk, *, status: bool = False) -> FeedList:
    return FeedList(tuple(await desk.store.feeds.all()), status)


async def feed_status(desk: Desk, feed: str | None = None) -> Answer:
    if not feed:
        return await feed_list(desk, status=True)
    found = await find_feed(desk, feed)
    return found if isinstance(found, UserError) else FeedList((found,), status=True)


async def feed_remove(desk: Desk, feed: str) -> Answer:
    found = await find_feed(desk, feed)
    if isinstance(found, UserError):
        return found
    await desk.store.feeds.remove(found.id)
    desk.poller.forget()
    return FeedRemoved(found)


async def feed_poll(desk: Desk) -> PollAnswer:
    """Poll every feed now, due or not."""
    return PollAnswer(tuple(await desk.poller.poll_all()))


async def feed_announce(desk: Desk, channel_id: int | None, *, by: Requester) -> Answer:
    if by.guild_id is None:
        return UserError("/feed announce names a channel of a server: use it there.")
    await desk.store.feeds.announce_in(by.guild_id, channel_id, by=by.user_id)
    return AnnounceAnswer(channel_id)


async def _add(desk: Desk, call: Call) -> Answer:
    return await feed_add(desk, call.options.get("url", ""), by=call.by)


async def _list(desk: Desk, call: Call) -> Answer:
    return await feed_list(desk)


async def _remove(desk: Desk, call: Call) -> Answer:
    return await feed_remove(desk, call.options.get("feed", ""))


async def _status(desk: Desk, call: Call) -> Answer:
    return await feed_status(desk, call.options.get("feed") or None)


async def _poll(desk: Desk, call: Call) -> Answer:
    return await feed_poll(desk)


async def _announce(desk: Desk, call: Call) -> Answer:
    channel = call.options.get("channel", "").strip().lstrip("<#").rstrip(">")
    if channel and not channel.isdigit():
        return UserError(f"channel is a channel's id or #mention, not “{clip(channel, 100)}”.")
    return await feed_announce(desk, int(channel) if channel else None, by=call.by)


URL_OPTION = OptionSpec("url", "The feed's address (RSS or Atom)", True, max_length=URL_LENGTH)
COMMANDS = (
    CommandSpec(
        "feed add",
        "Follow an RSS or Atom feed: its articles load as they appear",
        (URL_OPTION,),
        moderators=True,
        run=_add,
    ),
    CommandSpec("feed list", "The feeds followed", moderators=True, run=_list),
    CommandSpec(
        "feed remove",
        "Stop following a feed; its articles stay",
        (OptionSpec(FEED_OPTION.name, FEED_OPTION.description, True),),
        moderators=True,
        run=_remove,
    ),
    CommandSpec(
        "feed status",
        "Each feed's last fetch, last new entry and last error",
        (FEED_OPTION,),
        moderators=True,
        run=_status,
    ),
    CommandSpec("feed poll", "Poll every feed now", moderators=True, run=_poll),
    CommandSpec(
        "feed announce",
        "Announce each new article from the feeds once in a channel; no channel: stop",
        (OptionSpec("channel", "The channel; leave out to stop announcing"),),
        moderators=True,
        run=_announce,
    ),
)


def announcement_page(desk: Desk, item: Announcement) -> Page | None:
    """A new article as the announcement channel shows it: its headline linked, its lead, and
    where it came from. None when the article is gone, or replaced by a newer copy."""
    row = desk.snapshot.article(item.article_id)
    if row is None or row.replaced_by is not None:
        return None
    return Page(
        heading(row.title),
        escape(clip(row.lead, ANNOUNCED_LEAD)),
        footer=clip(f"New from {item.feed} · {date_text(row.published)} · #{row.id}", 2048),
        url=row.url,
    )
