"""The daily digest of the real bot process, counted at the fake Discord.

DIGEST_TIME=00:00 in UTC makes today's digest due whenever a test runs, so the loop's first
round, right after READY, posts it as the catch-up. Every wait is on a log line or on what the
fake recorded, never on the clock; the bot logs the start-up round after it has posted, and the
fake records a request before it answers it, so that counting after that line is final.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import DigestDay, Store
from tests.e2e.fake_discord import (
    CHANNEL_ID,
    EMBED_LINKS,
    GUILD_ID,
    SEND_MESSAGES,
    FakeDiscord,
    RecordedRequest,
)
from tests.e2e.process import START_SECONDS, TOKEN, BotProcess, Launch

CHANNEL_MESSAGE = 4
DIGEST_ENV = {
    "DIGEST_CHANNEL_ID": str(CHANNEL_ID),
    "DIGEST_TIME": "00:00",
    "DIGEST_TIMEZONE": "UTC",
}
MESSAGES_PATH = f"/channels/{CHANNEL_ID}/messages"
HEADING = "**Daily digest · "
SEED_ARTICLES = 3  # in the seeds fixture's folder
STARTUP_ROUND = re.compile(
    r" INFO +cogs\.digest: digests checked at start-up for (\d+) servers?: (\d+) posted$",
    re.MULTILINE,
)
POSTED = f"digest for server {GUILD_ID} posted: "
NOT_POSTED = re.compile(
    rf" WARNING +[\w.]+: digest for server {GUILD_ID} not posted \(attempt 1\): (.+); "
    r"trying again at (\d\d:\d\d) UTC$",
    re.MULTILINE,
)
FIRST_RETRY = timedelta(minutes=2)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "digest.sqlite3"


@pytest.fixture
def env(database: Path) -> dict[str, str]:
    """The settings that make today's digest due at start-up, in the default channel."""
    return {**DIGEST_ENV, "NEWSDESK_DB": str(database)}


def channel_posts(fake: FakeDiscord) -> list[RecordedRequest]:
    """Every POST /channels/{CHANNEL_ID}/messages, answered or refused."""
    return [r for r in fake.requests if r.method == "POST" and r.path == MESSAGES_PATH]


def digest_posts(fake: FakeDiscord) -> list[RecordedRequest]:
    return [r for r in channel_posts(fake) if str(body(r).get("content", "")).startswith(HEADING)]


def body(request: RecordedRequest) -> dict[str, Any]:
    assert isinstance(request.json, dict), request
    return request.json


def channel_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Messages the fake created in the channel itself, not for an interaction."""
    return [m for m in fake.messages.values() if "interaction_metadata" not in m]


async def started(fake: FakeDiscord, *bots: BotProcess) -> None:
    """Until `bots`, just launched, have gateway sessions with the guild (after their command
    sync); it ends early, with its stderr, if one of them exits."""
    wanted = fake.sessions + len(bots)

    async def sessions() -> None:
        await fake.wait_until(
            lambda: fake.sessions >= wanted, f"{wanted} gateway sessions", within=START_SECONDS
        )

    waiting: Awaitable[None] = sessions()
    for bot in bots:
        waiting = bot.until(waiting, "its gateway session")
    await waiting


async def startup_round(bot: BotProcess) -> tuple[int, int]:
    """Until the loop's first round is logged: (servers checked, digests posted)."""
    await bot.wait_for_log("digests checked at start-up")
    found = STARTUP_ROUND.findall(bot.stderr)
    assert len(found) == 1, bot.stderr
    [(servers, posted)] = found
    return int(servers), int(posted)


def not_posted(bot: BotProcess) -> tuple[str, str]:
    """The one failure logged: (reason, the HH:MM UTC of the next try)."""
    found = NOT_POSTED.findall(bot.stderr)
    assert len(found) == 1, bot.stderr
    [(reason, retry)] = found
    return reason, retry


async def recorded_day(database: Path) -> DigestDay | None:
    """The guild's latest digest day in the bot's database, once the bot has stopped."""
    store = await Store.open(database)
    try:
        return await store.digests.latest(GUILD_ID)
    finally:
        await store.close()


def skip_if_a_new_day(since: datetime) -> None:
    """At 00:00 UTC a second day's digest is rightly due: the counts below no longer hold."""
    if datetime.now(UTC).date() != since.date():
        pytest.skip("the UTC date changed during the test")


async def test_a_digest_due_at_start_up_is_posted_once(
    fake: FakeDiscord, launch: Launch, env: dict[str, str], database: Path
) -> None:
    bot = await launch(**env)
    await started(fake, bot)

    assert await startup_round(bot) == (1, 1)

    [post] = channel_posts(fake)
    assert post.authorization == f"Bot {TOKEN}"
    data = body(post)
    assert data["content"].startswith(HEADING)
    assert f"\n{SEED_ARTICLES} articles: {SEED_ARTICLES} new." in data["content"]
    assert len(data["embeds"]) == SEED_ARTICLES  # one per article
    assert all(embed["title"] for embed in data["embeds"])
    assert data["allowed_mentions"] == {"parse": []}
    [message] = channel_messages(fake)
    assert message["content"] == data["content"]
    assert f"{POSTED}{SEED_ARTICLES} articles in 1 message\n" in bot.stderr
    assert await bot.stop() == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    assert fake.unknown_routes == []
    assert fake.errors == []

    day = await recorded_day(database)
    assert day is not None
    assert (day.status, day.trigger, day.attempts) == ("posted", "schedule", 1)
    assert (day.channel_id, day.articles) == (CHANNEL_ID, SEED_ARTICLES)
    assert day.message_ids == (int(message["id"]),)


async def test_a_restarted_bot_does_not_post_the_day_again(
    fake: FakeDiscord, launch: Launch, env: dict[str, str]
) -> None:
    began = datetime.now(UTC)
    first = await launch(**env)
    await started(fake, first)
    assert await startup_round(first) == (1, 1)
    assert await first.stop() == 0, first.stderr

    second = await launch(**env)  # the same NEWSDESK_DB, the same fake
    await started(fake, second)
    assert await startup_round(second) == (1, 0)

    skip_if_a_new_day(began)
    assert len(channel_posts(fake)) == 1
    assert len(digest_posts(fake)) == 1
    assert POSTED not in second.stderr
    assert "first load of" not in second.stderr  # it did open the first one's database
    assert await second.stop() == 0, second.stderr
    assert "Traceback" not in first.stderr + second.stderr
    assert fake.unknown_routes == []
    assert fake.errors == []


async def test_two_bots_on_one_database_post_the_day_once(
    fake: FakeDiscord, launch: Launch, env: dict[str, str]
) -> None:
    # A new database: both create its tables and load the seeds at the same moment too.
    began = datetime.now(UTC)
    one = await launch(**env)
    two = await launch(**env)
    await started(fake, one, two)

    rounds = [await startup_round(one), await startup_round(two)]

    skip_if_a_new_day(began)
    assert fake.sessions == 2
    assert [servers for servers, _ in rounds] == [1, 1]
    assert sorted(posted for _, posted in rounds) == [0, 1], one.stderr + two.stderr
    assert len(channel_posts(fake)) == 1
    assert len(digest_posts(fake)) == 1
    assert [POSTED in one.stderr, POSTED in two.stderr].count(True) == 1
    assert await one.stop() == 0, one.stderr
    assert await two.stop() == 0, two.stderr
    assert "Traceback" not in one.stderr + two.stderr
    assert fake.unknown_routes == []
    assert fake.errors == []


async def test_a_refused_digest_is_logged_and_the_bot_keeps_answering(
    fake: FakeDiscord, launch: Launch, env: dict[str, str], database: Path
) -> None:
    fake.refuse("POST", MESSAGES_PATH)  # 403, code 50013 Missing Permissions
    bot = await launch(**env)
    await started(fake, bot)

    assert await startup_round(bot) == (1, 0)

    reason, retry = not_posted(bot)
    assert reason == "Discord refused the post in #news: Missing Permissions"
    expected = datetime.now(UTC) + FIRST_RETRY
    assert retry in {f"{expected + timedelta(minutes=m):%H:%M}" for m in (-1, 0, 1)}
    [post] = channel_posts(fake)
    assert fake.errors == [(post, 403, {"message": "Missing Permissions", "code": 50013})]
    assert POSTED not in bot.stderr

    facts = await bot.until(fake.slash("facts", {"topic": "shipments"}), "/facts")

    assert facts["type"] == CHANNEL_MESSAGE
    assert facts["data"]["embeds"]
    assert bot.process.returncode is None
    assert channel_messages(fake) == []
    assert len(channel_posts(fake)) == 1  # no retry before its time
    assert await bot.stop() == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    assert fake.unknown_routes == []

    day = await recorded_day(database)
    assert day is not None
    assert (day.status, day.attempts, day.message_ids) == ("failed", 1, ())
    assert day.error == reason
    assert day.next_attempt_at is not None
    assert f"{day.next_attempt_at:%H:%M}" == retry


@pytest.mark.parametrize(
    ("denied", "named"),
    [
        # Without Send Messages Discord takes Embed Links away too: the bot names what to grant.
        (SEND_MESSAGES, "Send Messages"),
        (EMBED_LINKS, "Embed Links"),  # text alone would go out: the digest's embeds would not
    ],
)
async def test_missing_permissions_are_found_before_posting(
    fake: FakeDiscord, launch: Launch, env: dict[str, str], denied: int, named: str
) -> None:
    fake.deny(denied)  # a channel overwrite in the guild the bot caches
    bot = await launch(**env)
    await started(fake, bot)

    assert await startup_round(bot) == (1, 0)

    reason, _ = not_posted(bot)
    assert reason == f"the bot lacks {named} in #news"
    assert channel_posts(fake) == []  # nothing asked that Discord would refuse
    assert await bot.stop() == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    assert fake.unknown_routes == []
    assert fake.errors == []
