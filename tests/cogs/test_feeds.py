"""/ingest and /feed through discord.py's real command tree on simcord's offline Discord: an
uploaded attachment read as an article, a link and a feed fetched from a server on 127.0.0.1,
the poll loop on virtual time, and each new article announced once."""

import dataclasses

import discord
import pytest
import simcord

from bot.chat.client import NewsBot
from bot.config import Settings
from tests.cogs.conftest import World
from tests.local_web import WEB_DATA, LocalWeb, entry_titles, publish_feed

PAGE = (WEB_DATA / "pages" / "up_wordpress.html").read_bytes()
HEADLINE = "Seoul says North Korean arms factories run at full capacity to supply Russia"
MINUTE = 60.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The bot may fetch from the tests' server on 127.0.0.1, as only tests allow."""
    return dataclasses.replace(settings, fetch_allow_loopback=True, fetch_timeout=5)


def reply_embed(result: simcord.InteractionResult) -> discord.Embed:
    assert result.ephemeral
    assert result.response is not None
    assert result.response.embeds, result.response.content
    return result.response.embeds[0]


def reply_text(result: simcord.InteractionResult) -> str:
    assert result.response is not None
    return result.response.content or ""


def newsbot(world: World) -> NewsBot:
    bot = world.env.bot
    assert isinstance(bot, NewsBot)
    return bot


async def test_an_uploaded_html_file_is_added_and_the_answer_says_what_was_understood(
    world: World,
) -> None:
    result = await world.admin.slash(world.channel, "ingest", file=("story.html", PAGE))

    embed = reply_embed(result)
    assert embed.title == f"Added: {HEADLINE}"
    assert "Sources: Yonhap, Reuters" in (embed.description or "")
    assert embed.url == "https://www.pravda.example/eng/news/2024/06/13/7460012/"
    facts = await world.reader.slash(world.channel, "facts", topic="artillery shells")
    assert facts.response is not None
    assert any(HEADLINE in (f.value or "") for f in facts.response.embeds[0].fields)


async def test_an_upload_that_is_not_an_article_file_is_refused(world: World) -> None:
    result = await world.admin.slash(world.channel, "ingest", file=("photo.png", b"\x89PNG"))

    assert result.ephemeral
    assert reply_text(result).startswith("photo.png is not an article file")


async def test_a_link_is_fetched_and_added(world: World, local_web: LocalWeb) -> None:
    url = local_web.put("/eng/news/7460012/", PAGE)

    result = await world.admin.slash(world.channel, "ingest", url=url)

    assert reply_embed(result).title == f"Added: {HEADLINE}"


async def test_a_private_address_is_refused(world: World) -> None:
    result = await world.admin.slash(world.channel, "ingest", url="http://169.254.169.254/")

    assert "169.254.169.254 is a link-local address" in reply_text(result)


async def test_ingest_and_feed_are_for_moderators_only(world: World) -> None:
    assert "ingest" not in world.reader.available_commands(world.channel)
    assert "feed add" not in world.reader.available_commands(world.channel)
    assert "feed add" in world.admin.available_commands(world.channel)


async def test_a_feed_is_followed_polled_on_its_interval_and_new_articles_announced_once(
    world: World, local_web: LocalWeb
) -> None:
    await world.admin.slash(world.channel, "feed announce", channel=world.channel)
    url = publish_feed(local_web, "rss_v1.xml")

    added = reply_embed(await world.admin.slash(world.channel, "feed add", url=url))
    assert added.title == "Following: Pravda Example — World"
    assert "3 new articles" in (added.description or "")

    publish_feed(local_web, "rss_v2.xml")
    await world.env.advance_time(5 * MINUTE)
    assert local_web.hits["/feed"] == 1  # not due yet: 10 minutes, give or take a minute
    await world.env.advance_time(7 * MINUTE)
    assert local_web.hits["/feed"] == 2
    await world.env.advance_time(15 * MINUTE)

    # The new entry's article, once: not those of the first poll, not the updated one.
    [post] = [m for m in world.channel.history() if m.embeds]
    [new] = [
        a
        for a in newsbot(world).desk.snapshot.articles
        if a.file_name.endswith("putin-kim-pact.html")
    ]
    assert post.embeds[0].title == new.title
    assert (post.embeds[0].footer.text or "").startswith("New from Pravda Example — World")
    assert entry_titles("rss_v2.xml")[0].startswith("Putin and Kim Jong Un sign")


async def test_feed_status_shows_the_last_error_of_a_failing_feed(
    world: World, local_web: LocalWeb
) -> None:
    url = publish_feed(local_web, "atom_v1.xml")
    await world.admin.slash(world.channel, "feed add", url=url)
    del local_web.served["/feed"]
    await world.admin.slash(world.channel, "feed poll")

    status = reply_embed(await world.admin.slash(world.channel, "feed status"))

    [field] = status.fields
    assert field.name == "#1 News Example — Asia"
    assert "Last error: the server answered 404 Not Found" in (field.value or "")
