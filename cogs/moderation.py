"""Moderator commands: /reload the seeds folder, and /reload-log, its audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui import send_answer

if TYPE_CHECKING:
    from bot.client import NewsBot


class NotModerator(app_commands.CheckFailure):
    """The member may not use a moderator command; the message says what they would need."""


def is_moderator(interaction: discord.Interaction, role_name: str) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    wanted = role_name.casefold()
    return any(role.name.casefold() == wanted for role in member.roles)


async def _moderator_check(interaction: discord.Interaction) -> bool:
    role = getattr(getattr(interaction.client, "settings", None), "moderator_role", "Moderator")
    if is_moderator(interaction, role):
        return True
    raise NotModerator(f"You need the Manage Server permission or the “{role}” role to do this.")


# Enforced in code: default permissions only hide a command, and server admins can show it to
# anyone.
moderators_only = app_commands.check(_moderator_check)


class Moderation(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="Load new, changed and removed article files now")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = self.bot.settings
        answer = await self.bot.desk.reload(
            settings.seeds_dir,
            timezone=settings.article_timezone,
            max_bytes=settings.max_file_bytes,
            user_name=str(interaction.user),
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
        )
        await send_answer(interaction, answer)

    @app_commands.command(name="reload-log", description="The last ten reloads: who, when, what")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only
    async def reload_log(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, await self.bot.desk.reload_log())


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Moderation(bot))
