"""The daily digest on Discord: the loop that posts each server's digest, and /digest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.chat.checks import moderators_only
from bot.chat.embeds import NO_MENTIONS, embed, send_answer
from bot.config import parse_clock_time
from bot.desk import UserError
from bot.digest import (
    Digest,
    Digests,
    DigestSettings,
    PostFailed,
    complete_zone,
    digest_messages,
    zone_named,
)
from bot.text import plural

if TYPE_CHECKING:
    from bot.chat.client import NewsBot

log = logging.getLogger(__name__)

UNLOAD_GRACE = 10.0  # seconds a digest being posted gets to finish when the bot stops
NEEDED = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}


def missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """What the bot lacks to post a digest in `channel`, as Discord names it."""
    me: discord.Member | None = channel.guild.me  # typed as always there; it may not be cached
    if me is None:  # then Discord says so when it refuses the post
        return []
    allowed = channel.permissions_for(me)
    missing = [name for flag, name in NEEDED.items() if not getattr(allowed, flag)]
    # Without the first, Discord takes the others away too: name only what to grant.
    return missing[:1] if missing and missing[0] != "Embed Links" else missing


class DailyDigest(commands.Cog, name="Digest"):
    digest = app_commands.Group(
        name="digest",
        description="The daily digest: where and when it is posted, and what it says",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.digests = Digests(
            bot.store,
            DigestSettings.defaults(bot.settings),
            clock=bot.clock,
            channel_guild=self._guild_of_channel,
        )
        self._round = asyncio.Lock()  # held while a round of posting runs

    def _guild_of_channel(self, channel_id: int) -> int | None:
        channel = self.bot.get_channel(channel_id)
        guild = getattr(channel, "guild", None)
        return guild.id if isinstance(guild, discord.Guild) else None

    async def cog_load(self) -> None:
        # Here and not in on_ready, which runs again on every reconnect.
        self.post_due.start()

    async def cog_unload(self) -> None:
        # Let a digest being posted finish and record its outcome; then no new round starts.
        acquired = False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(UNLOAD_GRACE):
                acquired = await self._round.acquire()
        self.post_due.cancel()
        if acquired:
            self._round.release()

    # --- the loop ---------------------------------------------------------------------------

    @tasks.loop(minutes=1)
    async def post_due(self) -> None:
        """Each minute, post the digests that are due; the first round, at start-up, is also
        the catch-up after downtime."""
        async with self._round:
            guilds = [guild.id for guild in self.bot.guilds]
            try:
                done = await self.digests.run_due(guilds, self.post)
            except Exception:
                # One bad round must not end the loop: the next minute tries again.
                log.exception("a round of digest posting failed")
                return
            if self.post_due.current_loop == 0:
                log.info(
                    "digests checked at start-up for %s: %d posted",
                    plural(len(guilds), "server"),
                    sum(1 for day in done if day.status == "posted"),
                )

    @post_due.before_loop
    async def _wait_for_guilds(self) -> None:
        await self.bot.wait_until_ready()

    async def post(self, channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        """Post a digest's messages after the first `skip`; the ids of those sent."""
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            raise PostFailed(f"channel {channel_id} no longer exists or the bot cannot see it")
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise PostFailed(f"#{getattr(channel, 'name', channel_id)} is not a text channel")
        name = f"#{channel.name}"
        missing = missing_permissions(channel) if isinstance(channel, discord.TextChannel) else []
        if missing:
            raise PostFailed(f"the bot lacks {', '.join(missing)} in {name}")
        sent: list[int] = []
        for message in digest_messages(digest)[skip:]:
            try:
                posted = await channel.send(
                    message.content,
                    embeds=[embed(page) for page in message.pages],
                    allowed_mentions=NO_MENTIONS,
                )
            except discord.Forbidden as error:
                reason = f"Discord refused the post in {name}: {error.text}"
                raise PostFailed(reason, sent) from None
            except discord.NotFound:
                raise PostFailed(f"{name} was deleted", sent) from None
            except discord.HTTPException as error:
                reason = f"Discord answered {error.status} in {name}: {error.text or 'no reason'}"
                raise PostFailed(reason, sent) from None
            except Exception as error:
                # A dropped connection, a timeout, a rate limit too long to wait: record the
                # failure with what did go out, so that the retry picks up after it.
                log.warning("digest post to %s failed", name, exc_info=True)
                reason = f"the post to {name} failed: {type(error).__name__} {error}".strip()
                raise PostFailed(reason, sent) from None
            sent.append(posted.id)
        return sent

    # --- /digest ----------------------------------------------------------------------------

    @digest.command(name="status", description="Where and when the digest goes; how the last went")
    @moderators_only
    async def show_status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # guild_only
        await send_answer(interaction, await self.digests.status(interaction.guild_id))

    @digest.command(name="channel", description="Post the digest in this channel")
    @app_commands.describe(channel="The channel the digest is posted in")
    @moderators_only
    async def set_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        missing = missing_permissions(channel)
        warning = None
        if missing:
            warning = (
                f"The bot lacks {', '.join(missing)} in {channel.mention}: the digest will "
                "fail there until a moderator gives it those permissions."
            )
        await self._configure(
            interaction,
            f"The digest will be posted in #{channel.name}",
            channel_id=channel.id,
            warning=warning,
        )

    @digest.command(name="time", description="The time of day the digest is posted")
    @app_commands.describe(time="24-hour time in the server's time zone, e.g. 08:30")
    @moderators_only
    async def set_time(
        self, interaction: discord.Interaction, time: app_commands.Range[str, 1, 10]
    ) -> None:
        at = parse_clock_time(time)
        if at is None:
            error = UserError(f"“{time}” is not a time: write it as HH:MM, 24-hour, e.g. 08:30.")
            await send_answer(interaction, error)
            return
        await self._configure(interaction, f"The digest will be posted at {at:%H:%M}", at=at)

    @digest.command(name="timezone", description="The time zone the digest time is in")
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Kyiv; start typing a city")
    @moderators_only
    async def set_timezone(
        self, interaction: discord.Interaction, zone: app_commands.Range[str, 1, 64]
    ) -> None:
        found = zone_named(zone)
        if isinstance(found, UserError):
            await send_answer(interaction, found)
            return
        await self._configure(interaction, f"The digest time is now in {found.key}", zone=found)

    @set_timezone.autocomplete("zone")
    async def zone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in complete_zone(current)]

    @digest.command(name="off", description="Stop posting the digest in this server")
    @moderators_only
    async def off(self, interaction: discord.Interaction) -> None:
        await self._configure(interaction, "The digest is off", enabled=False)

    @digest.command(name="on", description="Post the digest again, from the next time it is due")
    @moderators_only
    async def on(self, interaction: discord.Interaction) -> None:
        await self._configure(interaction, "The digest is on", enabled=True)

    async def _configure(
        self, interaction: discord.Interaction, change: str, **changes: Any
    ) -> None:
        """Apply a moderator's change to the server's schedule and show what it is now."""
        assert interaction.guild_id is not None  # guild_only
        answer = await self.digests.configure(
            interaction.guild_id, by=interaction.user.id, change=change, **changes
        )
        await send_answer(interaction, answer)

    @digest.command(name="empty-days", description="What the digest does when nothing is new")
    @app_commands.describe(action="Post a short “no new articles” line, or skip the day")
    @moderators_only
    async def empty_days(
        self, interaction: discord.Interaction, action: Literal["post a line", "skip the day"]
    ) -> None:
        await self._configure(
            interaction,
            f"When nothing is new, the digest will {action}",
            skip_empty=action == "skip the day",
        )

    @digest.command(name="preview", description="See the next digest now, only for you")
    @moderators_only
    async def preview(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_answer(interaction, await self.digests.preview(interaction.guild_id))

    @digest.command(name="now", description="Post today's digest now; none follows today")
    @moderators_only
    async def post_now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self._round:  # never beside the loop posting the same day
            answer = await self.digests.post_now(interaction.guild_id, self.post)
        await send_answer(interaction, answer)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(DailyDigest(bot))
