"""Reader commands through discord.py's real command tree, on simcord's offline Discord."""

import sys

import discord
import pytest
import simcord

from bot.chat.client import NewsBot
from bot.chat.embeds import PAGE_TIMEOUT
from cogs.newsroom import READS
from tests.cogs.conftest import World

READER_COMMANDS = {"facts", "source", "summary", "article", "quote", "figures", "articles", "help"}


def embed_of(result: simcord.InteractionResult) -> discord.Embed:
    assert result.response is not None
    assert result.response.embeds, result.response.content
    return result.response.embeds[0]


def field_text(embed: discord.Embed) -> str:
    return "\n".join(f"{f.name}\n{f.value}" for f in embed.fields)


def sent_payloads(world: World) -> list[dict[str, object]]:
    payloads = []
    for entry in world.env.http_requests:
        body = entry.json or {}
        data = body.get("data", body) if isinstance(body, dict) else {}
        if isinstance(data, dict) and ("content" in data or "embeds" in data):
            payloads.append(data)
    return payloads


async def test_commands_are_synced_to_the_dev_guild(world: World) -> None:
    assert set(world.reader.available_commands(world.channel)) >= READER_COMMANDS


async def test_facts_answers_an_embed_citing_the_container_facts(world: World) -> None:
    result = await world.reader.slash(world.channel, "facts", topic="shipments")

    embed = embed_of(result)
    assert not result.ephemeral
    assert embed.title == "Facts about “shipments”"
    first = embed.fields[0].value or ""
    assert "**containers**" in first
    assert "Background" in first
    assert "Putin and Kim Jong Un sign agreement" in first
    assert "19 June 2024" in first
    claims = field_text(embed)
    assert "South Korea reported, in March 2024" in claims
    assert "Shin Won-sik said, in mid-June 2024" in claims
    assert "Interfax" not in claims
    assert embed.footer.text is not None
    assert "South Korea" in embed.footer.text


async def test_every_message_goes_out_with_mentions_disabled(world: World) -> None:
    await world.reader.slash(world.channel, "facts", topic="shipments")
    await world.reader.slash(world.channel, "facts", topic="weather forecast")

    payloads = sent_payloads(world)
    assert payloads
    assert all(p.get("allowed_mentions") == {"parse": []} for p in payloads)


async def test_topic_autocomplete_offers_index_words(world: World) -> None:
    choices = await world.reader.autocomplete(world.channel, "facts", "topic", "conta")

    assert choices[0]["name"] == "containers"
    assert len(choices) <= 25
    assert all(len(c["name"]) <= 100 for c in choices)


async def test_article_shows_the_whole_article_as_one_embed_with_labelled_sections(
    world: World,
) -> None:
    result = await world.reader.slash(world.channel, "article", article="Putin and Kim")

    embed = embed_of(result)
    assert (embed.title or "").startswith("Putin and Kim Jong Un sign agreement")
    text = embed.description or ""
    assert text.index("**Details**") < text.index("**Previously**") < text.index("**Background**")
    assert "RIA Novosti — Kremlin-aligned news agency" in text
    assert "4 quotes · 4 figures" in text


async def test_article_autocomplete_offers_titles_with_ids(world: World) -> None:
    choices = await world.reader.autocomplete(world.channel, "summary", "article", "kim jong")

    assert choices[0]["name"].startswith("Putin and Kim Jong Un sign agreement")
    summary = await world.reader.slash(world.channel, "summary", article=choices[0]["value"])
    assert (embed_of(summary).title or "").startswith("Putin and Kim Jong Un")


async def test_speaker_autocomplete(world: World) -> None:
    choices = await world.reader.autocomplete(world.channel, "quote", "speaker", "put")

    assert [c["value"] for c in choices] == ["Vladimir Putin"]


async def test_unknown_article_is_an_ephemeral_error(world: World) -> None:
    result = await world.reader.slash(world.channel, "source", article="football results")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content.startswith("No article matches “football results”")


async def test_nothing_found_is_ephemeral_with_suggestions(world: World) -> None:
    result = await world.reader.slash(world.channel, "facts", topic="weather forecast")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content.startswith("Nothing found about “weather forecast”.")


async def test_source_lists_sources_and_speakers(world: World) -> None:
    result = await world.reader.slash(world.channel, "source", article="Putin and Kim")

    embed = embed_of(result)
    assert "**RIA Novosti** — Kremlin-aligned news agency" in (embed.description or "")
    assert "Vladimir Putin (3)" in field_text(embed)


async def test_summary_has_lead_and_three_key_facts(world: World) -> None:
    embed = embed_of(await world.reader.slash(world.channel, "summary", article="Putin and Kim"))

    assert "Russian leader Vladimir Putin" in (embed.description or "")
    assert len(embed.fields) == 3


async def test_quote_by_speaker(world: World) -> None:
    embed = embed_of(await world.reader.slash(world.channel, "quote", speaker="Vladimir Putin"))

    assert embed.title == "Quotes from Vladimir Putin"
    assert "gross violation" in (embed.description or "")


async def test_figures_side_by_side(world: World) -> None:
    embed = embed_of(await world.reader.slash(world.channel, "figures", topic="containers"))

    text = embed.description or ""
    assert "• about 7,000 containers (South Korea, in March)" in text
    assert "• at least 10,000 containers (Shin Won-sik, in mid-June)" in text


async def test_help_is_ephemeral(world: World) -> None:
    result = await world.reader.slash(world.channel, "help")

    assert result.ephemeral
    assert "/facts" in (embed_of(result).description or "")


async def test_long_answers_page_with_buttons_only_the_asker_can_use(world: World) -> None:
    result = await world.reader.slash(world.channel, "facts", topic="Russia")
    assert result.response is not None
    first = embed_of(result)
    assert first.footer.text is not None
    assert "Page 1/" in first.footer.text

    refused = await world.other.click(result.response, label="Next")
    turned = await world.reader.click(result.response, label="Next")

    assert refused.ephemeral
    assert refused.response is not None
    assert refused.response.content.startswith("Only the person who asked")
    assert turned.response is not None
    assert "Page 2/" in (turned.response.embeds[0].footer.text or "")


async def test_page_buttons_go_grey_when_they_time_out(world: World) -> None:
    result = await world.reader.slash(world.channel, "facts", topic="Russia")
    assert result.response is not None

    await world.env.advance_time(PAGE_TIMEOUT + 1)

    buttons = [c for row in result.response.components for c in row.get("components", [])]
    assert buttons
    assert all(button.get("disabled") for button in buttons)


async def test_readers_get_a_friendly_cooldown(world: World) -> None:
    for _ in range(READS):
        await world.reader.slash(world.channel, "articles")

    result = await world.reader.slash(world.channel, "articles")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content.startswith("Easy there: you can ask again in")
    simcord.assert_error(world.env, discord.app_commands.CommandOnCooldown)


async def test_unexpected_error_is_logged_and_told_without_a_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bot = world.env.bot
    assert isinstance(bot, NewsBot)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(sys.modules["cogs.newsroom"], "source", broken)

    result = await world.reader.slash(world.channel, "source", article="Putin")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content.startswith("Something went wrong while answering.")
    assert "Traceback" not in result.response.content
    assert "/source {'article': 'Putin'} failed" in caplog.text
    simcord.assert_error(world.env, RuntimeError)
