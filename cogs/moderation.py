"""Moderator commands: /reload the seeds folder, and /reload-log, its audit trail."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.checks import moderators_only
from bot.chat.embeds import send_answer
from bot.desk import spec
from bot.desk.moderation import reload, reload_log
from bot.store import Requester

if TYPE_CHECKING:
    from bot.chat.client import NewsBot

# When the bot stops, a running reload gets this long to finish; then it is rolled back at its
# next step. Either way the moderator gets the answer before the connection closes.
RELOAD_GRACE = 5.0
ANSWER_GRACE = 5.0


class Moderation(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self._answering: set[asyncio.Task[None]] = set()  # reloads whose answer is not sent yet

    async def cog_unload(self) -> None:
        store = self.bot.store
        try:
            await asyncio.wait_for(store.loads_done(), RELOAD_GRACE)
        except TimeoutError:
            store.stop_loads()  # the load rolls back at its next step; none starts from now on
            await store.loads_done()
        if self._answering:
            await asyncio.wait(self._answering, timeout=ANSWER_GRACE)

    @app_commands.command(description=spec("reload").summary)
    @app_commands.describe(**spec("reload").describe())
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only
    async def reload(self, interaction: discord.Interaction, allow_removals: bool = False) -> None:
        answering = asyncio.current_task()
        if answering is not None:
            self._answering.add(answering)
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            by = Requester(str(interaction.user), interaction.user.id, interaction.guild_id)
            answer = await reload(self.bot.desk, by=by, allow_removals=allow_removals)
            await send_answer(interaction, answer)
        finally:
            if answering is not None:
                self._answering.discard(answering)

    @app_commands.command(name="reload-log", description=spec("reload-log").summary)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only
    async def reload_log(self, interaction: discord.Interaction) -> None:
        # Only this server's reloads, and the operator's: never other servers' moderators.
        answer = await reload_log(self.bot.desk, guild_id=interaction.guild_id)
        await send_answer(interaction, answer)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Moderation(bot))
