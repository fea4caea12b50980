"""The Discord client: one start-up point, `setup_hook`, prepares the core and loads the cogs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import pkgutil
import signal
from collections.abc import Iterator

import aiohttp
import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

import cogs
from bot.commands import Desk, SeedsFolder
from bot.config import Settings
from bot.discord_ui import NO_MENTIONS, NewsTree
from bot.model import Clock
from bot.store import Requester, Store, StoreError

log = logging.getLogger(__name__)

# A text-only bot: discord.py's warnings that voice needs PyNaCl and davey are noise here.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

RETRY_DELAYS = (1, 2, 4, 8, 15, 30, 60)  # seconds between tries to reach Discord; then every 60
STARTUP = Requester("bot start-up")


def extension_names() -> list[str]:
    return sorted(f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__))


def point_at(settings: Settings) -> None:
    """Send REST calls and the gateway connection where the settings say: a proxy, or the fake
    Discord of the end-to-end tests. Without those settings, Discord itself."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def tree_hash(tree: discord.app_commands.CommandTree[NewsBot]) -> str:
    """What Discord would be sent by a global sync, hashed: equal hashes, nothing to publish."""
    payload = [command.to_dict(tree) for command in tree.get_commands()]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class NewsBot(commands.Bot):
    desk: Desk

    def __init__(
        self,
        settings: Settings,
        *,
        sync_commands: bool = True,
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
        self.sync_at_start = sync_commands
        # discord.py's clock, which its tasks loops also read; tests run both on virtual time.
        self.clock = clock
        self.store: Store | None = None

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.settings.db_path, clock=self.clock)
        seeds = SeedsFolder(
            self.settings.seeds_dir, self.settings.article_timezone, self.settings.max_file_bytes
        )
        if not self.store.snapshot.articles:
            try:
                report = await self.store.load_folder(
                    seeds.path, timezone=seeds.timezone, max_bytes=seeds.max_bytes, by=STARTUP
                )
                log.info("first load of %s: %s", seeds.path, report.summary())
            except FileNotFoundError as error:
                log.warning("%s; starting with no articles", error)
        self.desk = Desk(self.store, seeds)
        self.desk.prepare()
        for name in extension_names():
            await self.load_extension(name)
        if self.sync_at_start:
            await self.publish_commands()

    async def publish_commands(self) -> None:
        """Make the commands appear: in the dev guild at once, every start; otherwise globally,
        only when the command tree changed since the last sync recorded in the store."""
        assert self.store is not None
        assert self.application_id is not None
        guild_id = self.settings.dev_guild_id
        scope = f"guild:{guild_id}" if guild_id else "global"
        target = discord.Object(id=guild_id) if guild_id else None
        if target is not None:
            self.tree.copy_global_to(guild=target)
        wanted = tree_hash(self.tree)
        if target is None and await self.store.command_sync(self.application_id, scope) == wanted:
            log.info("commands unchanged since the last global sync: not publishing them")
            return
        try:
            synced = await self.tree.sync(guild=target)
        except discord.HTTPException as error:
            # The bot still serves wherever its commands are already published.
            where = (
                f"DEV_GUILD_ID {guild_id}; is the bot in that server?" if guild_id else "Discord"
            )
            log.error("could not sync commands to %s (%s)", where, error.text or error.status)
            return
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.error("could not sync commands: %s; they are tried again at the next start", error)
            return
        await self.store.record_command_sync(self.application_id, scope, wanted)
        where = f"the dev guild {guild_id}" if guild_id else "all servers (global)"
        log.info("synced %d commands to %s", len(synced), where)

    async def close(self) -> None:
        await super().close()  # unloads the extensions, which stops their loops
        if self.store is not None:
            await self.store.close()
            self.store = None


class Unreachable(Exception):
    """Discord could not be reached to log in: no network, a DNS failure, Discord down."""


def unreachable_reason(error: BaseException) -> str:
    """A connection failure in a few words, for one log line."""
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return f"cannot resolve {error.host}"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"no connection to {error.host}:{error.port} ({error.os_error.strerror or error})"
    if isinstance(error, discord.DiscordServerError):
        return f"Discord answered {error.status} {error.response.reason}"
    if isinstance(error, aiohttp.ClientResponseError):
        return f"the gateway answered {error.status} {error.message}"
    if isinstance(error, TimeoutError):
        return "the connection timed out"
    return str(error) or type(error).__name__


CONNECTION_ERRORS = (
    aiohttp.ClientError,
    OSError,
    TimeoutError,
    discord.DiscordServerError,
    discord.GatewayNotFound,
)


def connection_failure(error: BaseException) -> BaseException | None:
    """The failure to reach Discord behind `error`, if that is what it is.

    discord.py 2.7 masks a first gateway connection that fails with an AttributeError (its
    reconnect reads the sequence of a session not made yet: Rapptz/discord.py#10520); the error
    it meant to retry is that exception's context."""
    if isinstance(error, CONNECTION_ERRORS):
        return error
    if isinstance(error, AttributeError) and isinstance(error.__context__, CONNECTION_ERRORS):
        return error.__context__
    return None


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
    except discord.HTTPException as error:
        log.error("Discord refused to start the bot: %s %s", error.status, error.text)
        return 1
    except StoreError as error:
        log.error("%s", error)
        return 1


def _delays() -> Iterator[int]:
    yield from RETRY_DELAYS
    while True:
        yield RETRY_DELAYS[-1]


async def _serve(settings: Settings) -> int:
    """Start the bot, and start it again, with back-off, while Discord cannot be reached to log
    in, as discord.py's reconnect does once connected; each try is a line in the log."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    delays = _delays()
    while True:
        try:
            return await _serve_once(NewsBot(settings), settings, stop)
        except Unreachable as error:
            delay = next(delays)
            log.warning(
                "cannot reach Discord (%s); check the network; trying again in %d s", error, delay
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            log.info("stopping before Discord could be reached")
            return 0


async def _serve_once(bot: NewsBot, settings: Settings, stop: asyncio.Event) -> int:
    async with bot:
        serving = asyncio.create_task(bot.start(settings.discord_token or ""))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping not in done:
            stopping.cancel()
            try:
                await serving
            except Exception as error:
                cause = connection_failure(error)
                # Once connected, discord.py reconnects by itself; before, the bot starts again.
                if cause is None or bot.is_ready():
                    raise
                raise Unreachable(unreachable_reason(cause)) from None
            return 0
        log.info("stopping: closing the connection and the store")
        if not bot.is_ready():
            # Still starting (logging in, loading, syncing): stop that work first, so that it
            # does not fail on a connection closed under it.
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError, *CONNECTION_ERRORS):
                await serving
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
    return 0


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Publish the slash commands: to one guild (instant) or globally (can take an hour)."""
    point_at(settings)
    try:
        return asyncio.run(_sync(settings, guild_id))
    except discord.LoginFailure:
        log.error("Discord refused the token in DISCORD_TOKEN; reset it in the developer portal")
    except CONNECTION_ERRORS as error:
        log.error(
            "cannot reach Discord (%s); check the network and try again", unreachable_reason(error)
        )
    except discord.HTTPException as error:
        log.error("Discord refused the sync: %s %s", error.status, error.text)
    except StoreError as error:
        log.error("%s", error)
    return 1


async def _sync(settings: Settings, guild_id: int | None) -> int:
    bot = NewsBot(settings, sync_commands=False)
    async with bot:
        await bot.login(settings.discord_token or "")
        assert bot.store is not None
        assert bot.application_id is not None
        target = discord.Object(id=guild_id) if guild_id else None
        if target is not None:
            bot.tree.copy_global_to(guild=target)
        synced = await bot.tree.sync(guild=target)
        scope = f"guild:{guild_id}" if guild_id else "global"
        await bot.store.record_command_sync(bot.application_id, scope, tree_hash(bot.tree))
        where = f"guild {guild_id}" if guild_id else "globally"
        print(f"synced {len(synced)} commands {where}")  # noqa: T201
    return 0
