"""The Discord client: one start-up point, `setup_hook`, prepares the core and loads the cogs."""

from __future__ import annotations

import logging
import pkgutil

import discord
from discord.ext import commands

import cogs
from bot.config import Settings

log = logging.getLogger(__name__)


def extension_names() -> list[str]:
    return sorted(f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__))


class NewsBot(commands.Bot):
    def __init__(self, settings: Settings) -> None:
        # Slash commands only: the bot needs guild events and never reads message content.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        self.settings = settings

    async def setup_hook(self) -> None:
        for name in extension_names():
            await self.load_extension(name)
            log.info("loaded extension %s", name)


def run_bot(settings: Settings) -> int:
    bot = NewsBot(settings)
    # Logging is already set up by the CLI; log_handler=None keeps discord.py from adding its own.
    bot.run(settings.discord_token or "", log_handler=None)
    return 0
