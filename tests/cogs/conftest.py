"""A NewsBot on simcord's offline Discord: a guild with a reader, a moderator and an admin."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest
import simcord
from simcord import ChannelHandle, GuildHandle, MemberActor

from bot.articles import Clock
from bot.chat.client import NewsBot
from bot.chat.run import open_desk
from bot.config import Settings

GUILD_ID = 1100000000000000001
VIRTUAL_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # where simcord's clock starts


@pytest.fixture
def settings(tmp_path: Path, seeds: Path) -> Settings:
    return Settings(
        discord_token="offline",
        db_path=tmp_path / "bot.sqlite3",
        seeds_dir=seeds,
        dev_guild_id=GUILD_ID,
        moderator_role="Newsroom",
    )


@pytest.fixture
def clock_start() -> datetime | None:
    """Where the bot's calendar starts; parametrize a test with a date to move it there.
    None: simcord's virtual epoch, 2026-01-01 00:00 UTC."""
    return None


@pytest.fixture
def clock(clock_start: datetime | None) -> Clock:
    """discord.py's clock, which simcord runs on virtual time, moved to `clock_start`."""
    if clock_start is None:
        return discord.utils.utcnow
    offset = clock_start - VIRTUAL_EPOCH
    return lambda: discord.utils.utcnow() + offset


@pytest.fixture
async def simcord_bot(settings: Settings, clock: Clock) -> AsyncIterator[NewsBot]:
    """The bot as `newsdesk run` makes it: the store and the desk first, then the bot."""
    store, desk = await open_desk(settings, clock)
    yield NewsBot(settings, store, desk, clock=clock)
    # simcord detaches the bot without closing it; the store's threads must not outlive the test.
    await store.close()


@dataclass
class World:
    env: simcord.Env
    guild: GuildHandle
    channel: ChannelHandle
    reader: MemberActor
    other: MemberActor
    moderator: MemberActor
    admin: MemberActor


@pytest.fixture
def world(simcord_env: simcord.Env) -> World:
    env = simcord_env
    guild = env.create_guild("Newsroom", id=GUILD_ID)
    channel = guild.create_text_channel("news")
    newsroom = guild.create_role("Newsroom")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return World(
        env,
        guild,
        channel,
        guild.add_member(env.create_user("reader")),
        guild.add_member(env.create_user("other")),
        guild.add_member(env.create_user("moderator"), roles=[newsroom]),
        guild.add_member(env.create_user("admin"), roles=[admins]),
    )
