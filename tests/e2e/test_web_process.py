"""The real bot process, against the fake Discord, taking articles from the web: an uploaded
attachment (its URL served by the fake, as Discord's CDN serves uploads), a link and a feed
served on 127.0.0.1, and a feed polled again after a restart loading no entry twice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.fake_discord import OWNER, FakeDiscord, Json
from tests.e2e.process import START_SECONDS, BotProcess, Launch
from tests.local_web import WEB_DATA, LocalWeb, publish_feed

DEFERRED = 5
PAGE = (WEB_DATA / "pages" / "up_wordpress.html").read_bytes()
HEADLINE = "Seoul says North Korean arms factories run at full capacity to supply Russia"
WEB_SETTINGS = {"FETCH_ALLOW_LOOPBACK_FOR_TESTS": "true", "FETCH_TIMEOUT_SECONDS": "5"}


async def started(fake: FakeDiscord, launch: Launch) -> BotProcess:
    """A bot process with its own gateway session: a restarted bot's too."""
    wanted = fake.sessions + 1
    bot = await launch(**WEB_SETTINGS)
    await bot.until(fake.wait_for_sync(within=START_SECONDS), "the command sync")
    await bot.until(
        fake.wait_until(lambda: fake.sessions >= wanted, "a gateway session", within=START_SECONDS),
        "IDENTIFY",
    )
    return bot


@pytest.fixture
async def web_bot(fake: FakeDiscord, launch: Launch) -> AsyncIterator[BotProcess]:
    bot = await started(fake, launch)
    yield bot
    await bot.stop()
    assert fake.unknown_routes == [], bot.stderr
    assert fake.errors == [], bot.stderr


async def answer_to(fake: FakeDiscord, bot: BotProcess, name: str, options: Json) -> Json:
    """Run a moderator's command the bot defers, and return its follow-up message."""
    before = len(list(fake.requests_to("POST", "/webhooks/")))
    callback = await bot.until(fake.slash(name, options, user=OWNER), f"/{name}")
    assert callback["type"] == DEFERRED, callback

    def followup() -> Json | None:
        sent = list(fake.requests_to("POST", "/webhooks/"))
        return sent[before].json if len(sent) > before else None

    found: Json = await bot.until(fake.wait_until(followup, f"the answer to /{name}"), name)
    return found


async def test_an_uploaded_attachment_is_downloaded_from_the_cdn_and_added(
    fake: FakeDiscord, web_bot: BotProcess
) -> None:
    answer = await answer_to(fake, web_bot, "ingest", {"file": ("story.html", PAGE)})

    [embed] = answer["embeds"]
    assert embed["title"] == f"Added: {HEADLINE}"
    assert "Sources: Yonhap, Reuters" in embed["description"]
    assert answer["allowed_mentions"] == {"parse": []}
    assert [r.path for r in fake.requests if r.path.startswith("/attachments/")]


async def test_a_link_is_fetched_and_a_private_one_refused(
    fake: FakeDiscord, web_bot: BotProcess, local_web: LocalWeb
) -> None:
    url = local_web.put("/eng/news/7460012/", PAGE)

    added = await answer_to(fake, web_bot, "ingest", {"url": url})
    refused = await answer_to(fake, web_bot, "ingest", {"url": "http://10.0.0.1/"})

    assert added["embeds"][0]["title"] == f"Added: {HEADLINE}"
    assert "10.0.0.1 is a private or reserved address" in refused["content"]


async def test_a_feed_polled_after_a_restart_loads_only_what_is_new(
    fake: FakeDiscord, launch: Launch, local_web: LocalWeb
) -> None:
    url = publish_feed(local_web, "rss_v1.xml")
    bot = await started(fake, launch)
    added = await answer_to(fake, bot, "feed add", {"url": url})
    assert "3 new articles" in added["embeds"][0]["description"]
    assert await bot.stop() == 0

    publish_feed(local_web, "rss_v2.xml")  # the feed changed while the bot was down
    bot = await started(fake, launch)
    polled = await answer_to(fake, bot, "feed poll", {})
    again = await answer_to(fake, bot, "feed poll", {})
    await bot.stop()

    assert polled["content"] == "#1 Pravda Example — World: 1 new article, 1 updated, 2 unchanged"
    assert again["content"] == "#1 Pravda Example — World: not changed since the last poll"
    assert fake.unknown_routes == [], bot.stderr
    assert fake.errors == [], bot.stderr
