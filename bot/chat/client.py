"""The Discord client: `NewsBot`, given the store and the desk it serves; its one start-up
point, `setup_hook`, loads the extensions and publishes the commands."""

from __future__ import annotations

import hashlib
import json
import logging

import aiohttp
import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from bot.articles import Clock
from bot.chat.embeds import NO_MENTIONS, NewsTree
from bot.config import Settings
from bot.desk import Desk
from bot.store import Store

log = logging.getLogger(__name__)

# A text-only bot: discord.py's warnings that voice needs PyNaCl and davey are noise here.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

# The extensions, named: a new cog is one more line here, never a file that happens to lie in
# the folder.
EXTENSIONS = ("cogs.newsroom", "cogs.moderation", "cogs.digest", "cogs.feeds")


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
    """The bot on Discord. The store and the desk are made before it and closed after it by
    whoever made them (`bot.chat.run`, or a test), as discord.py's advanced start-up does."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        desk: Desk,
        *,
        publish: bool = True,
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
        self.store = store
        self.desk = desk
        self.publish_at_start = publish
        # discord.py's clock, which its tasks loops also read; tests run both on virtual time.
        self.clock = clock

    async def setup_hook(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)
        if self.publish_at_start:
            await self.publish_commands()

    async def publish_commands(self) -> None:
        """Make the commands appear: in the dev guild at once, every start; otherwise globally,
        only when the command tree changed since the last sync recorded in the store."""
        assert self.application_id is not None  # known once logged in, before setup_hook
        guild_id = self.settings.dev_guild_id
        scope = f"guild:{guild_id}" if guild_id else "global"
        target = discord.Object(id=guild_id) if guild_id else None
        if target is not None:
            self.tree.copy_global_to(guild=target)
        wanted = tree_hash(self.tree)
        if (
            target is None
            and await self.store.audit.command_sync(self.application_id, scope) == wanted
        ):
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
        await self.store.audit.record_command_sync(self.application_id, scope, wanted)
        where = f"the dev guild {guild_id}" if guild_id else "all servers (global)"
        log.info("synced %d commands to %s", len(synced), where)
