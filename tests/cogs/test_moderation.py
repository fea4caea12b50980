"""/reload and /reload-log: who may use them, the report, the audit trail and overlapping runs."""

import dataclasses
import sqlite3
from pathlib import Path

import discord
import pytest
import simcord

from bot.chat.client import NewsBot
from bot.desk.moderation import reload
from bot.store import Requester
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


async def test_a_role_named_alike_is_not_the_moderator_role(world: World) -> None:
    lookalike = world.guild.create_role("newsroom")  # the setting says "Newsroom"
    member = world.guild.add_member(world.env.create_user("lookalike"), roles=[lookalike])
    await show_reload_to(world, member)

    result = await member.slash(world.channel, "reload")

    assert result.response is not None
    assert result.response.content.startswith("You need the Manage Server permission")
    simcord.assert_error(world.env, discord.app_commands.CheckFailure, contains="Newsroom")


async def test_the_moderator_role_may_be_given_by_id(world: World) -> None:
    renamed = world.guild.create_role("Desk editors")
    member = world.guild.add_member(world.env.create_user("editor"), roles=[renamed])
    bot = newsbot(world)
    bot.settings = dataclasses.replace(bot.settings, moderator_role=str(renamed.id))
    await show_reload_to(world, member)

    embed = report_embed(await member.slash(world.channel, "reload"))

    assert embed.title == "Reload: 3 unchanged"


async def test_reload_of_an_emptied_folder_is_refused_until_removals_are_allowed(
    world: World, seeds: Path
) -> None:
    empty(seeds)

    refused = report_embed(await world.admin.slash(world.channel, "reload"))
    allowed = report_embed(await world.admin.slash(world.channel, "reload", allow_removals=True))

    assert refused.title == "Reload refused"
    assert "it would remove all 3 stored articles" in (refused.description or "")
    assert "`/reload allow_removals:True`" in (refused.description or "")
    assert allowed.title == "Reload: 3 removed"


async def test_reload_kept_waiting_by_another_process_says_to_try_again(
    world: World, seeds: Path
) -> None:
    store = newsbot(world).store
    store.write_wait = 0.2
    seed = seeds / SEED_NAME
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # `newsdesk ingest` in another process
    try:
        result = await world.admin.slash(world.channel, "reload")
    finally:
        holder.rollback()
        holder.close()

    assert result.response is not None
    assert result.response.content.startswith("Another load is running")


async def test_reload_log_shows_no_other_servers_moderators(world: World) -> None:
    bot = newsbot(world)
    await reload(bot.desk, by=Requester("mallory", 7, guild_id=GUILD_ID + 1))
    await world.admin.slash(world.channel, "reload")

    embed = report_embed(await world.admin.slash(world.channel, "reload-log"))

    text = embed.description or ""
    assert "**admin**: 3 unchanged" in text
    assert "mallory" not in text


async def test_help_shows_moderators_their_commands_and_readers_only_theirs(
    world: World,
) -> None:
    reader = await world.reader.slash(world.channel, "help")
    moderator = await world.moderator.slash(world.channel, "help")

    assert reader.response is not None
    assert moderator.response is not None
    [reader_help] = reader.response.embeds
    [moderator_help] = moderator.response.embeds
    assert "/facts <topic> [article]" in (reader_help.description or "")
    assert reader_help.fields == []
    shown = "\n".join(field.value or "" for field in moderator_help.fields)
    assert "`/reload [allow_removals]`" in shown
    assert "`/reload-log`" in shown
    assert "`/digest status`" in shown


async def test_article_and_speaker_options_are_capped_like_topic(world: World) -> None:
    tree = newsbot(world).tree
    lengths = {
        (command.name, option["name"]): option.get("max_length")
        for command in tree.get_commands()
        for option in command.to_dict(tree).get("options", [])
        if option["type"] == discord.AppCommandOptionType.string.value
    }

    assert lengths[("facts", "topic")] == 200
    assert lengths[("facts", "article")] == 200
    assert lengths[("source", "article")] == 200
    assert lengths[("quote", "speaker")] == 200


def empty(folder: Path) -> None:
    """The seeds folder as an unmounted disk leaves it: there, and empty."""
    for file in folder.iterdir():
        file.unlink()
