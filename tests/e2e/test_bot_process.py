"""The real bot, started as `python -m bot run`, against the fake Discord of fake_discord.py.

Each test starts the fake and a bot process of its own; the bot logs in over REST, syncs its
commands to the dev guild, connects to the gateway and answers the interactions the test pushes.
Every wait is bounded, and a wait for the bot also ends, with its stderr, if the process dies.
"""

from __future__ import annotations

import asyncio
import signal

from tests.e2e.fake_discord import APP_ID, GUILD_ID, FakeDiscord, Json
from tests.e2e.process import (
    ARTICLE_TITLE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    EPHEMERAL,
    READER_COMMANDS,
    START_SECONDS,
    STOPPING,
    TOKEN,
    BotProcess,
    Launch,
)


def field_values(callback: Json) -> str:
    embeds = callback["data"].get("embeds") or []
    assert embeds, callback
    return "\n".join(field["value"] for field in embeds[0].get("fields", []))


async def test_bot_logs_in_and_syncs_its_commands_to_the_dev_guild(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    logged_in = [(r.method, r.path, r.authorization) for r in fake.requests[:2]]
    assert logged_in == [
        ("GET", "/users/@me", f"Bot {TOKEN}"),
        ("GET", "/oauth2/applications/@me", f"Bot {TOKEN}"),
    ]
    [body] = fake.sync_bodies()
    names = {command["name"] for command in body}
    assert names >= READER_COMMANDS
    facts = next(command for command in body if command["name"] == "facts")
    topic = next(option for option in facts["options"] if option["name"] == "topic")
    assert topic["type"] == 3
    assert topic["required"] is True
    assert topic["autocomplete"] is True
    assert not list(fake.requests_to("PUT", f"/applications/{APP_ID}/commands"))  # not global

    assert fake.identify is not None
    assert fake.identify["token"] == TOKEN
    assert fake.identify["intents"] == 1  # guilds only: no privileged intent
    assert fake.gateway_queries[0]["v"] == "10"
    await bot.wait_for_log(f"synced {len(body)} commands to the dev guild {GUILD_ID}")
    assert "voice will NOT be supported" not in bot.stderr  # a text-only bot: no voice warnings


async def test_facts_answers_an_embed_citing_the_container_facts(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    callback = await bot.until(fake.slash("facts", {"topic": "shipments"}), "/facts")

    assert callback["type"] == CHANNEL_MESSAGE
    data = callback["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    assert data["embeds"][0]["title"] == "Facts about “shipments”"
    values = field_values(callback)
    assert "containers" in values
    assert ARTICLE_TITLE in values


async def test_topic_autocomplete_offers_containers(fake: FakeDiscord, bot: BotProcess) -> None:
    callback = await bot.until(
        fake.autocomplete("facts", {"topic": "conta"}, focused="topic"), "autocomplete"
    )

    assert callback["type"] == AUTOCOMPLETE_RESULT
    choices = callback["data"]["choices"]
    assert "containers" in [choice["name"] for choice in choices]
    assert len(choices) <= 25


async def test_source_of_an_unknown_article_answers_only_the_reader(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    callback = await bot.until(fake.slash("source", {"article": "football results"}), "/source")

    assert callback["type"] == CHANNEL_MESSAGE
    data = callback["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("No article matches")
    assert data["allowed_mentions"] == {"parse": []}


async def test_sigterm_stops_the_bot_cleanly(fake: FakeDiscord, bot: BotProcess) -> None:
    # A session first, so that there is something to close: the store, the gateway.
    facts = await bot.until(fake.slash("facts", {"topic": "shipments"}), "/facts")
    assert facts["type"] == CHANNEL_MESSAGE
    choices = await bot.until(
        fake.autocomplete("quote", {"speaker": "put"}, focused="speaker"), "autocomplete"
    )
    assert choices["type"] == AUTOCOMPLETE_RESULT

    code = await bot.stop()

    assert code == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    assert STOPPING in bot.stderr
    await fake.wait_until(lambda: fake.gateway_close_codes, "the gateway to close")
    # The bot closed the gateway itself rather than dropping it. discord.py asks for 1000, but
    # with aiohttp 3.14 the close wakes the task reading the socket, which closes it with 4000
    # first; a process that just died would leave 1006 (abnormal closure) or no code.
    assert len(fake.gateway_close_codes) == 1
    assert fake.gateway_close_codes[0] in (1000, 4000), bot.stderr
    assert fake.unknown_routes == []
    assert fake.errors == []


async def test_a_refused_token_exits_1_with_one_line(fake: FakeDiscord, launch: Launch) -> None:
    bot = await launch(DISCORD_TOKEN="not-the-token-the-fake-knows")

    code = await bot.wait_exit()

    assert code == 1, bot.stderr
    assert "Discord refused the token in DISCORD_TOKEN" in bot.stderr
    assert "Traceback" not in bot.stderr
    assert [str(r) for r in fake.requests] == ["GET /users/@me"]
    assert fake.unknown_routes == []


async def test_sigterm_during_the_command_sync_still_stops_cleanly(
    fake: FakeDiscord, launch: Launch
) -> None:
    gate = fake.hold("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    bot = await launch()
    await bot.until(asyncio.wait_for(gate.arrived.wait(), START_SECONDS), "the command sync")

    bot.process.send_signal(signal.SIGTERM)  # e.g. systemctl stop while Discord is slow
    await bot.wait_for_log(STOPPING)
    gate.open()
    code = await bot.wait_exit()

    assert "Traceback" not in bot.stderr, bot.stderr
    assert code == 0, bot.stderr
