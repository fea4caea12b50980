"""The daily digest on simcord's Discord, on virtual time: when it posts, once, and /digest."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import pytest
import simcord
from simcord import ChannelHandle, InteractionResult, MemberActor

from bot.chat.client import NewsBot
from bot.chat.run import open_desk
from bot.config import Settings
from bot.digest import MAX_ATTEMPTS, RETRY_DELAYS, Digests
from tests.cogs.conftest import GUILD_ID, VIRTUAL_EPOCH, World
from tests.conftest import SEED

pytestmark = pytest.mark.slow  # days of virtual time in each test

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600.0
Restart = Callable[..., Awaitable[NewsBot]]


def newsbot(world: World) -> NewsBot:
    bot = world.env.bot
    assert isinstance(bot, NewsBot)
    return bot


def digests(world: World) -> Digests:
    # discord.py imports an extension afresh for each bot, so the cog's class is not ours.
    found = getattr(newsbot(world).get_cog("Digest"), "digests", None)
    assert isinstance(found, Digests)
    return found


async def advance(world: World, hours: float) -> None:
    """Move virtual time on an hour at a time, the digest loop ticking each minute."""
    while hours > 0:
        await world.env.advance_time(min(hours, 1.0) * HOUR)
        hours -= 1.0


async def advance_to(world: World, when: datetime, offset: timedelta = timedelta(0)) -> None:
    """Move on until the bot's clock (virtual time plus `offset`) reads `when`."""
    await advance(world, (when - (world.env.now() + offset)).total_seconds() / HOUR)


def posts(channel: ChannelHandle) -> list[discord.Message]:
    return [m for m in channel.history() if m.content.startswith("**Daily digest")]


def answer_embed(result: InteractionResult) -> discord.Embed:
    assert result.ephemeral
    assert result.response is not None
    assert result.response.embeds, result.response.content
    return result.response.embeds[0]


def field(embed: discord.Embed, name: str) -> str:
    return next(f.value or "" for f in embed.fields if f.name == name)


async def configure(world: World, **steps: object) -> None:
    """Set the digest up as an admin would, one /digest command per step."""
    for command, options in steps.items():
        result = await world.admin.slash(world.channel, f"digest {command}", **options)  # type: ignore[arg-type]
        answer_embed(result)


async def show_digest_to(world: World, member: MemberActor) -> None:
    """A server admin can show a command to anyone, whatever its default permissions."""
    commands = await newsbot(world).tree.fetch_commands(guild=discord.Object(GUILD_ID))
    digest = next(c for c in commands if c.name == "digest")
    world.guild.set_command_permissions(digest, {member: True})


def local(message: discord.Message, zone: ZoneInfo, offset: timedelta = timedelta(0)) -> datetime:
    return (message.created_at + offset).astimezone(zone)


# --- when it posts ------------------------------------------------------------------------------


async def test_posts_at_the_chosen_local_time_in_two_zones(world: World) -> None:
    await configure(
        world,
        channel={"channel": world.channel},
        timezone={"zone": "Europe/Kyiv"},
        time={"time": "08:30"},
    )
    second = world.env.create_guild("Evening paper")
    wire = second.create_text_channel("wire")
    await digests(world).configure(
        second.id, by=None, change="set up", channel_id=wire.id, at=time(8, 30), zone=NEW_YORK
    )

    await advance(world, 14)

    [kyiv_post] = posts(world.channel)
    [new_york_post] = posts(wire)
    assert local(kyiv_post, KYIV).time() == time(8, 30)
    assert local(new_york_post, NEW_YORK).time() == time(8, 30)
    assert new_york_post.created_at - kyiv_post.created_at == timedelta(hours=7)


@pytest.mark.parametrize("clock_start", [datetime(2026, 3, 28, 4, 0, tzinfo=UTC)])
async def test_posts_at_the_same_local_time_across_the_spring_change(
    world: World, clock_start: datetime
) -> None:
    offset = clock_start - VIRTUAL_EPOCH
    await configure(
        world,
        channel={"channel": world.channel},
        timezone={"zone": "Europe/Kyiv"},
        time={"time": "08:00"},
    )

    await advance(world, 26)  # to 06:00 UTC on the 29th: past 08:00 in Kyiv on both days

    saturday, sunday = posts(world.channel)
    assert [local(m, KYIV, offset).time() for m in (saturday, sunday)] == [time(8, 0)] * 2
    assert (saturday.created_at + offset).hour == 6  # EET, UTC+2
    assert (sunday.created_at + offset).hour == 5  # EEST, UTC+3


@pytest.fixture
async def restart(world: World, settings: Settings) -> AsyncIterator[Restart]:
    """Stop the bot and start a new one on the same database and Discord, as a restarted
    process would be: new connections, a new loop, nothing remembered in memory. `later` is
    how long the bot was down."""
    started: list[NewsBot] = []

    async def restart(later: timedelta = timedelta(0)) -> NewsBot:
        old = newsbot(world)
        old_clock = old.clock

        def clock() -> datetime:
            return old_clock() + later

        store, desk = await open_desk(settings, clock)
        bot = NewsBot(settings, store, desk, clock=clock)
        started.append(bot)
        await world.env.restart_bot(bot)
        await old.store.close()
        return bot

    yield restart
    for bot in started:
        await bot.store.close()


async def test_a_restart_at_the_scheduled_minute_does_not_post_again(
    world: World, restart: Restart
) -> None:
    await configure(world, channel={"channel": world.channel}, time={"time": "08:00"})
    await advance_to(world, datetime(2026, 1, 1, 8, 0, 20, tzinfo=UTC))
    assert len(posts(world.channel)) == 1

    await restart()
    await world.env.advance_time(30)

    assert len(posts(world.channel)) == 1


async def test_a_reconnect_does_not_start_a_second_loop(world: World) -> None:
    await configure(world, channel={"channel": world.channel}, time={"time": "08:00"})
    newsbot(world).dispatch("ready")  # what discord.py does again after every reconnect
    await world.env.settle()

    await advance(world, 9)

    assert len(posts(world.channel)) == 1


async def test_catches_up_once_when_back_the_same_day(world: World, restart: Restart) -> None:
    await configure(world, channel={"channel": world.channel}, time={"time": "08:00"})

    bot = await restart(later=timedelta(hours=10))  # down from 00:00 to 10:00
    await world.env.settle()

    assert len(posts(world.channel)) == 1
    status = answer_embed(await world.admin.slash(world.channel, "digest status"))
    assert field(status, "Last digest").startswith("Posted Thu 1 Jan 2026, 10:00 UTC")
    await advance(world, 13)  # to 23:00 by the bot's clock: still the same day
    assert len(posts(world.channel)) == 1
    assert bot.clock().hour == 23


async def test_no_catch_up_for_a_day_that_has_ended(world: World, restart: Restart) -> None:
    await configure(world, channel={"channel": world.channel}, time={"time": "08:00"})

    await restart(later=timedelta(hours=31))  # down until 07:00 the next day
    await world.env.settle()
    assert posts(world.channel) == []

    await advance(world, 1.1)
    assert len(posts(world.channel)) == 1


# --- what it posts ------------------------------------------------------------------------------


async def test_the_first_digest_covers_the_articles_with_their_facts(world: World) -> None:
    await configure(world, channel={"channel": world.channel})

    await advance(world, 9)

    [post] = posts(world.channel)
    assert "3 articles: 3 new." in post.content
    putin = next(e for e in post.embeds if (e.title or "").startswith("Putin and Kim"))
    assert "containers" in (putin.description or "")
    assert "Interfax Russia" in (putin.description or "")
    sent = [r for r in world.env.http_requests if r.path.endswith(f"{world.channel.id}/messages")]
    assert [r.json["allowed_mentions"] for r in sent if r.json] == [{"parse": []}]


async def test_a_day_with_nothing_new_gets_a_short_line(world: World) -> None:
    await configure(world, channel={"channel": world.channel})

    await advance(world, 33)

    _, second = posts(world.channel)
    assert second.embeds == []
    assert "No new articles." in second.content


async def test_a_day_with_nothing_new_is_skipped_when_set_to(world: World) -> None:
    await configure(
        world, channel={"channel": world.channel}, **{"empty-days": {"action": "skip the day"}}
    )

    await advance(world, 33)

    assert len(posts(world.channel)) == 1
    status = answer_embed(await world.admin.slash(world.channel, "digest status"))
    assert field(status, "Last digest").startswith("Skipped Fri 2 Jan 2026, 08:00 UTC")


def story(number: int) -> str:
    text = SEED.read_text("utf-8")
    title = "Putin and Kim Jong Un sign agreement foreseeing assistance in case of aggression"
    return text.replace(title, f"Story {number}: {title} " + "and more " * 20)


@pytest.fixture
def many_stories(seeds: Path) -> Path:
    for number in range(40):
        (seeds / f"story_{number:02}.txt").write_text(story(number), "utf-8")
    return seeds


async def test_a_very_long_digest_is_split_within_discords_limits(
    world: World, many_stories: Path
) -> None:
    await configure(world, channel={"channel": world.channel})
    await world.admin.slash(world.channel, "reload")

    await advance(world, 9)

    messages = [m for m in world.channel.history() if m.author.bot and m.embeds]
    assert len(messages) > 1
    assert messages[0].content.startswith("**Daily digest")
    shown = []
    for message in messages:
        assert len(message.content) <= 2000
        assert 1 <= len(message.embeds) <= 10
        assert sum(len(embed) for embed in message.embeds) <= 6000
        shown += [f"{embed.title}\n{embed.description}" for embed in message.embeds]
    # Thirty in full, the rest by headline: every story is there.
    assert all(any(f"Story {n}:" in text for text in shown) for n in range(40))


# --- failures -----------------------------------------------------------------------------------


async def test_a_channel_without_permission_is_recorded_and_retried(world: World) -> None:
    me = world.guild.me
    assert me is not None
    locked = world.guild.create_text_channel(
        "locked", overwrites={me: discord.PermissionOverwrite(send_messages=False)}
    )
    setting = await world.admin.slash(world.channel, "digest channel", channel=locked)
    assert "lacks Send Messages" in (answer_embed(setting).description or "")

    await advance_to(world, datetime(2026, 1, 1, 8, 0, 30, tzinfo=UTC))

    status = answer_embed(await world.admin.slash(world.channel, "digest status"))
    last = field(status, "Last digest")
    assert last.startswith("Failed Thu 1 Jan 2026, 08:00 UTC (attempt 1)")
    assert "lacks Send Messages in #locked" in last
    assert "next try Thu 1 Jan 2026, 08:02 UTC" in last

    await advance(world, sum(d.total_seconds() for d in RETRY_DELAYS) / HOUR + 0.1)

    status = answer_embed(await world.admin.slash(world.channel, "digest status"))
    assert f"(attempt {MAX_ATTEMPTS})" in field(status, "Last digest")
    assert "no more tries today" in field(status, "Last digest")
    assert locked.history() == []
    await advance(world, 2)
    assert f"(attempt {MAX_ATTEMPTS})" in field(
        answer_embed(await world.admin.slash(world.channel, "digest status")), "Last digest"
    )


async def test_a_refused_post_is_tried_again_and_then_goes_out(world: World) -> None:
    await configure(world, channel={"channel": world.channel})
    world.env.inject_error("POST", f"/channels/{world.channel.id}/messages", status=403, code=50013)

    await advance_to(world, datetime(2026, 1, 1, 8, 5, tzinfo=UTC))

    [post] = posts(world.channel)
    assert post.created_at == datetime(2026, 1, 1, 8, 2, tzinfo=UTC)


async def test_a_deleted_channel_fails_without_stopping_other_servers(world: World) -> None:
    doomed = world.guild.create_text_channel("doomed")
    await configure(world, channel={"channel": doomed})
    second = world.env.create_guild("Evening paper")
    wire = second.create_text_channel("wire")
    await digests(world).configure(second.id, by=None, change="set up", channel_id=wire.id)
    channel = newsbot(world).get_channel(doomed.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.delete()
    await world.env.settle()

    await advance(world, 9)

    assert len(posts(wire)) == 1
    status = answer_embed(await world.admin.slash(world.channel, "digest status"))
    assert "no longer exists" in field(status, "Last digest")


# --- /digest ------------------------------------------------------------------------------------


async def test_digest_commands_are_hidden_from_plain_members(world: World) -> None:
    assert not any(c.startswith("digest") for c in world.reader.available_commands(world.channel))
    assert "digest status" in world.admin.available_commands(world.channel)


async def test_a_plain_member_is_refused_even_when_digest_is_shown(world: World) -> None:
    await show_digest_to(world, world.reader)

    result = await world.reader.slash(world.channel, "digest now")

    assert result.ephemeral
    assert result.response is not None
    assert "Manage Server permission or the “Newsroom” role" in result.response.content
    assert posts(world.channel) == []
    simcord.assert_error(world.env, discord.app_commands.CheckFailure, contains="Manage Server")


async def test_the_moderator_role_may_configure_the_digest(world: World) -> None:
    await show_digest_to(world, world.moderator)

    result = await world.moderator.slash(world.channel, "digest time", time="07:15")

    assert field(answer_embed(result), "Time") == "07:15 UTC"


async def test_status_shows_the_next_post_in_the_servers_zone(world: World) -> None:
    await configure(
        world,
        channel={"channel": world.channel},
        timezone={"zone": "new york"},
        time={"time": "18:45"},
    )

    status = answer_embed(await world.admin.slash(world.channel, "digest status"))

    assert field(status, "Time") == "18:45 America/New_York"
    # 00:00 UTC is 19:00 the day before in New York: today's 18:45 has gone.
    assert field(status, "Next post").startswith("Thu 1 Jan 2026, 18:45 EST")
    assert field(status, "Last digest") == "None yet"


async def test_preview_is_for_the_moderator_only_and_posts_nothing(world: World) -> None:
    await configure(world, channel={"channel": world.channel})

    result = await world.admin.slash(world.channel, "digest preview")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content.startswith("**Daily digest")
    assert len(result.response.embeds) == 1
    assert world.channel.history() == []


async def test_now_posts_at_once_and_counts_as_todays(world: World) -> None:
    await configure(world, channel={"channel": world.channel})

    result = await world.admin.slash(world.channel, "digest now")

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content.startswith("Posted today's digest in")
    await advance(world, 9)
    assert len(posts(world.channel)) == 1
    again = await world.admin.slash(world.channel, "digest now")
    assert again.response is not None
    assert "already been posted" in again.response.content


async def test_off_stops_the_digest_and_on_brings_it_back(world: World) -> None:
    await configure(world, channel={"channel": world.channel}, off={})
    await advance(world, 9)
    assert posts(world.channel) == []

    await configure(world, on={})
    await advance(world, 24)

    assert len(posts(world.channel)) == 1


async def test_timezone_autocomplete_offers_iana_names(world: World) -> None:
    choices = await world.admin.autocomplete(world.channel, "digest timezone", "zone", "kyi")

    assert choices[0] == {"name": "Europe/Kyiv", "value": "Europe/Kyiv"}
    assert len(choices) <= 25


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        ("time", {"time": "25:00"}, "“25:00” is not a time"),
        ("timezone", {"zone": "Europe/Kyev"}, "Europe/Kyiv"),
    ],
)
async def test_a_bad_setting_is_refused_with_help(
    world: World, command: str, options: dict[str, str], message: str
) -> None:
    result = await world.admin.slash(world.channel, f"digest {command}", **options)

    assert result.ephemeral
    assert result.response is not None
    assert message in result.response.content
