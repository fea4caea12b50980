"""Articles from the web on Discord: /ingest (a link or an uploaded file) and /feed, the poll
loop (started in cog_load) that reads the feeds, and the posts that announce each new article
once."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.chat.checks import moderators_only
from bot.chat.embeds import NO_MENTIONS, embed, send_answer
from bot.desk import UserError, spec
from bot.desk.feeds import (
    announcement_page,
    feed_add,
    feed_announce,
    feed_list,
    feed_poll,
    feed_remove,
    feed_status,
)
from bot.desk.ingest import INGEST_USAGE, URL_LENGTH, ingest_upload, ingest_url
from bot.store import Requester, StoreError

if TYPE_CHECKING:
    from bot.chat.client import NewsBot

log = logging.getLogger(__name__)

Address = app_commands.Range[str, 1, URL_LENGTH]
MODERATORS = discord.Permissions(manage_guild=True)


def requester(interaction: discord.Interaction) -> Requester:
    return Requester(str(interaction.user), interaction.user.id, interaction.guild_id)


class Feeds(commands.Cog):
    feed = app_commands.Group(
        name="feed",
        description="The feeds new articles arrive by",
        guild_only=True,
        default_permissions=MODERATORS,
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.desk = bot.desk

    async def cog_load(self) -> None:
        # Here and not in on_ready, which runs again on every reconnect.
        self.poll_feeds.start()

    async def cog_unload(self) -> None:
        self.poll_feeds.cancel()

    # --- the loop ---------------------------------------------------------------------------

    @tasks.loop(minutes=1)
    async def poll_feeds(self) -> None:
        """Each minute, poll the feeds that are due (each feed's own interval, with jitter and
        back-off, is kept in the store, so a restart keeps it), then announce what is new."""
        try:
            results = await self.desk.poller.poll_due()
            if results is None:  # nothing can be due yet: the store was not even read
                return
            for result in results:
                if result.added or result.updated:
                    log.info("feed %s: %s", result.feed.url, result.summary())
            await self.announce()
        except (StoreError, OSError):
            log.warning(
                "a round of feed polling failed; the next minute tries again", exc_info=True
            )
        except Exception:
            # One bad round must not end the loop.
            log.exception("a round of feed polling failed")

    @poll_feeds.before_loop
    async def _wait_for_guilds(self) -> None:
        await self.bot.wait_until_ready()

    async def announce(self) -> None:
        """Post each new article once in each announcing server: claimed first, so a crash
        mid-post never posts it twice."""
        for item in await self.desk.store.feeds.to_announce():
            if not await self.desk.store.feeds.mark_announced(item.guild_id, item.article_id):
                continue
            page = announcement_page(self.desk, item)
            channel = self.bot.get_channel(item.channel_id)
            if page is None:
                continue
            if not isinstance(channel, discord.TextChannel | discord.Thread):
                log.warning(
                    "cannot announce article #%d: channel %d is gone",
                    item.article_id,
                    item.channel_id,
                )
                continue
            try:
                await channel.send(embed=embed(page), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning(
                    "could not announce article #%d in #%s: %s %s",
                    item.article_id,
                    channel.name,
                    error.status,
                    error.text,
                )

    # --- /ingest ----------------------------------------------------------------------------

    @app_commands.command(description=spec("ingest").summary)
    @app_commands.describe(**spec("ingest").describe())
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only
    async def ingest(
        self,
        interaction: discord.Interaction,
        url: Address | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        if (url is None) == (file is None):
            await send_answer(interaction, UserError(INGEST_USAGE))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if file is None:
            assert url is not None
            answer = await ingest_url(self.desk, url, by=requester(interaction))
        elif file.size > self.desk.seeds.max_bytes:
            answer = UserError(
                f"{file.filename} is too large: {file.size:,} bytes, the limit is "
                f"{self.desk.seeds.max_bytes:,} bytes."
            )
        else:
            try:
                data = await file.read()
            except discord.HTTPException as error:
                answer = UserError(f"Could not download {file.filename} from Discord: {error}.")
            else:
                answer = await ingest_upload(
                    self.desk, file.filename, data, by=requester(interaction)
                )
        await send_answer(interaction, answer)

    # --- /feed ------------------------------------------------------------------------------

    @feed.command(name="add", description=spec("feed add").summary)
    @app_commands.describe(**spec("feed add").describe())
    @moderators_only
    async def add(self, interaction: discord.Interaction, url: Address) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_answer(interaction, await feed_add(self.desk, url, by=requester(interaction)))

    @feed.command(name="list", description=spec("feed list").summary)
    @moderators_only
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, await feed_list(self.desk))

    @feed.command(name="remove", description=spec("feed remove").summary)
    @app_commands.describe(**spec("feed remove").describe())
    @moderators_only
    async def remove(self, interaction: discord.Interaction, feed: Address) -> None:
        await send_answer(interaction, await feed_remove(self.desk, feed))

    @feed.command(name="status", description=spec("feed status").summary)
    @app_commands.describe(**spec("feed status").describe())
    @moderators_only
    async def status(self, interaction: discord.Interaction, feed: Address | None = None) -> None:
        await send_answer(interaction, await feed_status(self.desk, feed))

    @feed.command(name="poll", description=spec("feed poll").summary)
    @moderators_only
    async def poll(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_answer(interaction, await feed_poll(self.desk))
        await self.announce()

    @feed.command(name="announce", description=spec("feed announce").summary)
    @app_commands.describe(**spec("feed announce").describe())
    @moderators_only
    async def announce_in(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        answer = await feed_announce(
            self.desk, channel.id if channel else None, by=requester(interaction)
        )
        await send_answer(interaction, answer)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Feeds(bot))
