"""The Discord client: one start-up point, `setup_hook`, prepares the core and loads the cogs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pkgutil
import signal

import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

import cogs
from bot.commands import Desk
from bot.config import Settings
from bot.discord_ui import NO_MENTIONS, NewsTree
from bot.model import Clock
from bot.store import Store

log = logging.getLogger(__name__)


def extension_names() -> list[str]:
    return sorted(f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__))


def point_at(settings: Settings) -> None:
    """Send REST calls and the gateway connection where the settings say: a proxy, or the fake
    Discord of the end-to-end tests. Without those settings, Discord itself."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class NewsBot(commands.Bot):
    desk: Desk

    def __init__(
        self,
        settings: Settings,
        *,
        sync_dev_guild: bool = True,
        clock: Clock = discord.utils.utcnow,
    ) -> None:
        # Slash commands only: the bot needs guild events and never reads message content.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            tree_cls=NewsTree,
        )
        self.settings = settings
        self.sync_dev_guild = sync_dev_guild
        # discord.py's clock, which its tasks loops also read; tests run both on virtual time.
        self.clock = clock
        self.store: Store | None = None

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.settings.db_path, clock=self.clock)
        if not self.store.snapshot.articles:
            try:
                report = await self.store.load_folder(
                    self.settings.seeds_dir,
                    timezone=self.settings.article_timezone,
                    max_bytes=self.settings.max_file_bytes,
                )
                log.info("first load of %s: %s", self.settings.seeds_dir, report.summary())
            except FileNotFoundError as error:
                log.warning("%s; starting with no articles", error)
        self.desk = Desk(self.store)
        self.desk.prepare()
        for name in extension_names():
            await self.load_extension(name)
        if self.sync_dev_guild and self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException as error:
                # The bot still serves wherever its commands are already published.
                log.error(
                    "could not sync commands to DEV_GUILD_ID %d (%s); is the bot in that server?",
                    guild.id,
                    error.text or error.status,
                )
            else:
                log.info("synced %d commands to the dev guild %d", len(synced), guild.id)

    async def close(self) -> None:
        await super().close()  # unloads the extensions, which stops their loops
        if self.store is not None:
            await self.store.close()
            self.store = None


def run_bot(settings: Settings) -> int:
    """Serve until Discord closes the connection or SIGINT/SIGTERM arrives; 0 on a clean stop."""
    point_at(settings)
    try:
        return asyncio.run(_serve(settings))
    except discord.LoginFailure:
        log.error("Discord refused the token in DISCORD_TOKEN; reset it in the developer portal")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("Discord asks for privileged intents this bot does not use")
        return 1


async def _serve(settings: Settings) -> int:
    bot = NewsBot(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with bot:
        serving = asyncio.create_task(bot.start(settings.discord_token or ""))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping not in done:
            stopping.cancel()
            await serving
            return 0
        log.info("stopping: closing the connection and the store")
        if not bot.is_ready():
            # Still starting (logging in, loading, syncing): stop that work first, so that it
            # does not fail on a connection closed under it.
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
    return 0


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Publish the slash commands: to one guild (instant) or globally (can take an hour)."""
    point_at(settings)
    bot = NewsBot(settings, sync_dev_guild=False)
    async with bot:
        await bot.login(settings.discord_token or "")
        if guild_id:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"synced {len(synced)} commands to guild {guild_id}")  # noqa: T201
        else:
            synced = await bot.tree.sync()
            print(f"synced {len(synced)} commands globally")  # noqa: T201
    return 0
