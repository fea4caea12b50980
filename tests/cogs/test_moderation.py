"""/reload and /reload-log: who may use them, the report, the audit trail and overlapping runs."""

from pathlib import Path

import discord
import pytest
import simcord

from bot.client import NewsBot
from tests.cogs.conftest import GUILD_ID, World

SEED_NAME = "000_cc92a137cd6d6a98.txt"


def newsbot(world: World) -> NewsBot:
    bot = world.env.bot
    assert isinstance(bot, NewsBot)
    return bot


def report_embed(result: simcord.InteractionResult) -> discord.Embed:
    assert result.ephemeral
    assert result.response is not None
    assert result.response.embeds, result.response.content
    return result.response.embeds[0]


async def show_reload_to(world: World, member: simcord.MemberActor) -> None:
    """A server admin can show a command to anyone, whatever its default permissions."""
    commands = await newsbot(world).tree.fetch_commands(guild=discord.Object(GUILD_ID))
    reload_command = next(c for c in commands if c.name == "reload")
    world.guild.set_command_permissions(reload_command, {member: True})


async def test_reload_is_hidden_from_plain_members(world: World) -> None:
    assert "reload" not in world.reader.available_commands(world.channel)
    assert "reload" in world.admin.available_commands(world.channel)


async def test_plain_member_is_refused_even_when_the_command_is_shown(world: World) -> None:
    await show_reload_to(world, world.reader)

    result = await world.reader.slash(world.channel, "reload")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content == (
        "You need the Manage Server permission or the “Newsroom” role to do this."
    )
    # discord.py imports an extension afresh for each bot, so compare by kind and message.
    simcord.assert_error(world.env, discord.app_commands.CheckFailure, contains="Manage Server")


async def test_moderator_role_may_reload(world: World) -> None:
    await show_reload_to(world, world.moderator)

    embed = report_embed(await world.moderator.slash(world.channel, "reload"))

    assert embed.title == "Reload: 3 unchanged"


async def test_manage_server_may_reload_and_sees_each_outcome(world: World, seeds: Path) -> None:
    (seeds / SEED_NAME).write_bytes(b"")
    (seeds / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    (seeds / "latin1.txt").write_bytes("Новини: Київ".encode("cp1251"))
    (seeds / "no_article.txt").write_text("Support Us\nAdvertisement:\n", "utf-8")
    (seeds / "04_budanov_missiles.txt").unlink()
    (seeds / "huge.txt").write_bytes(b"Headline\n\n" + b"words " * 500_000)

    embed = report_embed(await world.admin.slash(world.channel, "reload"))

    assert embed.title == "Reload: 1 unchanged, 1 removed, 5 failed"
    text = embed.description or ""
    assert f"`{SEED_NAME}`: the file is empty" in text
    assert "`binary.txt`: the file is binary, not text" in text
    assert "`latin1.txt`: the file is not UTF-8 text" in text
    assert "`no_article.txt`: no article text found" in text
    assert "`huge.txt`: too large" in text
    assert "**removed** `04_budanov_missiles.txt`" in text


async def test_failed_file_keeps_its_last_good_version(world: World, seeds: Path) -> None:
    (seeds / SEED_NAME).write_bytes(b"\xff\xfe\x00")
    await world.admin.slash(world.channel, "reload")

    result = await world.reader.slash(world.channel, "facts", topic="shipments")

    assert result.response is not None
    assert "containers" in (result.response.embeds[0].fields[0].value or "")


async def test_second_reload_while_one_runs_is_told_to_wait(world: World) -> None:
    store = newsbot(world).store
    assert store is not None

    async with store._load_lock:  # a reload that has not finished yet
        result = await world.admin.slash(world.channel, "reload")

    assert result.response is not None
    assert result.response.content.startswith("A reload is already running.")


async def test_every_reload_is_in_the_audit_log(world: World) -> None:
    await world.admin.slash(world.channel, "reload")

    log = await world.admin.slash(world.channel, "reload-log")

    embed = report_embed(log)
    assert embed.title == "Last reloads"
    assert "**admin**: 3 unchanged" in (embed.description or "")


@pytest.mark.parametrize("command", ["reload", "reload-log"])
async def test_moderator_commands_are_guild_only(world: World, command: str) -> None:
    assert command in world.admin.available_commands(world.channel)
