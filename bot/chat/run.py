"""Running the bot: the composition root (the store and the desk made first, the bot given
them), a start-up tried again while Discord cannot be reached, a clean stop on SIGTERM, and
`newsdesk sync`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import aiohttp
import discord

from bot.articles import Clock
from bot.chat.client import NewsBot, point_at, tree_hash
from bot.config import Settings
from bot.desk import Desk, SeedsFolder
from bot.desk.service import Web
from bot.store import LoadStopped, Requester, Store, StoreError

log = logging.getLogger(__name__)

RETRY_DELAYS = (1, 2, 4, 8, 15, 30, 60)  # seconds between tries to reach Discord; then every 60
STARTUP = Requester("bot start-up")
STARTING_GRACE = 2.0  # seconds a start-up that was cancelled gets to end before close()


async def open_desk(settings: Settings, clock: Clock) -> tuple[Store, Desk]:
    """The store the bot serves, loaded from the seeds folder when it is empty, and its desk.
    The caller closes the store."""
    store = await Store.open(settings.db_path, clock=clock)
    try:
        seeds = SeedsFolder(settings.seeds_dir, settings.article_timezone, settings.max_file_bytes)
        if not store.snapshot.articles:
            try:
                report = await store.load_folder(
                    seeds.path, timezone=seeds.timezone, max_bytes=seeds.max_bytes, by=STARTUP
                )
                log.info("first load of %s: %s", seeds.path, report.summary())
            except FileNotFoundError as error:
                log.warning("%s; starting with no articles", error)
        desk = Desk(store, seeds, web=Web.from_settings(settings))
        desk.prepare()
    except BaseException:
        await store.close()
        raise
    return store, desk


def run_bot(settings: Settings) -> int:
    """Serve until Discord closes the connection or SIGINT/SIGTERM arrives; 0 on a clean stop."""
    point_at(settings)
    try:
        return asyncio.run(_serve(settings))
    except discord.LoginFailure:
        log.error("Discord refused the token in DISCORD_TOKEN; reset it in the developer portal")
    except discord.PrivilegedIntentsRequired:
        log.error("Discord asks for privileged intents this bot does not use")
    except discord.HTTPException as error:
        log.error("Discord refused to start the bot: %s %s", error.status, error.text)
    except StoreError as error:
        log.error("%s", error)
    return 1


async def _serve(settings: Settings) -> int:
    """Open the store, then start the bot, and start it again, with back-off, while Discord
    cannot be reached, as discord.py's reconnect does once connected; each try is a line in
    the log. The store is closed last, after the bot."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    opening = asyncio.create_task(open_desk(settings, discord.utils.utcnow))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({opening, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not opening.done():  # stopped during the first load: it rolls back
        opening.cancel()
    try:
        store, desk = await opening
    except (asyncio.CancelledError, LoadStopped):
        log.info("stopping before the bot started")
        return 0
    finally:
        stopping.cancel()
    try:
        return await _serve_with_retries(settings, store, desk, stop)
    finally:
        await store.close()


async def _serve_with_retries(
    settings: Settings, store: Store, desk: Desk, stop: asyncio.Event
) -> int:
    delays = _delays()
    while not stop.is_set():
        try:
            return await _serve_once(NewsBot(settings, store, desk), settings, stop)
        except Unreachable as error:
            delay = next(delays)
            log.warning(
                "cannot reach Discord (%s); check the network; trying again in %d s", error, delay
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
    log.info("stopping before Discord could be reached")
    return 0


def _delays() -> Iterator[int]:
    yield from RETRY_DELAYS
    while True:
        yield RETRY_DELAYS[-1]


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


async def _serve_once(bot: NewsBot, settings: Settings, stop: asyncio.Event) -> int:
    """Serve until Discord closes the connection or `stop` is set; Unreachable when Discord
    could not be reached to start."""
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
            # does not fail on a connection closed under it. Python 3.11's asyncio.wait_for,
            # around discord.py's gateway connection, can swallow a cancellation that lands as
            # the connection is made: then close() below ends that connection.
            serving.cancel()
            await asyncio.wait({serving}, timeout=STARTING_GRACE)
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, *CONNECTION_ERRORS):
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
    store = await Store.open(settings.db_path)
    try:
        seeds = SeedsFolder(settings.seeds_dir, settings.article_timezone, settings.max_file_bytes)
        bot = NewsBot(settings, store, Desk(store, seeds), publish=False)
        async with bot:
            await bot.login(settings.discord_token or "")
            assert bot.application_id is not None  # known once logged in
            target = discord.Object(id=guild_id) if guild_id else None
            if target is not None:
                bot.tree.copy_global_to(guild=target)
            synced = await bot.tree.sync(guild=target)
            scope = f"guild:{guild_id}" if guild_id else "global"
            await store.audit.record_command_sync(bot.application_id, scope, tree_hash(bot.tree))
            where = f"guild {guild_id}" if guild_id else "globally"
            print(f"synced {len(synced)} commands {where}")  # noqa: T201
    finally:
        await store.close()
    return 0
