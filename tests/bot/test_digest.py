"""The digest core: slots across daylight saving, what is due, claims that post once, retries."""

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.desk import UserError
from bot.digest import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    Digest,
    DigestPosted,
    Digests,
    DigestSettings,
    PostFailed,
    complete_zone,
    slot,
    zone_named,
)
from bot.store import Store, StoreBusy
from bot.store.digests import DigestRecords
from tests.conftest import ARTICLES

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")
GUILD = 7001
OTHER_GUILD = 7002
CHANNEL = 8001


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, when: datetime) -> None:
        self.now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Channel:
    """Where a digest goes: records each posting, or fails as told."""

    posts: list[Digest] = field(default_factory=list)
    messages: int = 0
    fail_with: str | None = None
    fail_after: int = 0  # messages sent before failing
    skips: list[int] = field(default_factory=list)

    async def __call__(self, channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        self.skips.append(skip)
        if self.fail_with is not None:
            sent = list(range(self.messages + 1, self.messages + 1 + self.fail_after))
            self.messages += self.fail_after
            raise PostFailed(self.fail_with, sent)
        self.posts.append(digest)
        self.messages += 1
        return [self.messages]


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 27, 4, 0, tzinfo=UTC))  # 06:00 in Kyiv, the Friday before DST


@pytest.fixture
async def clocked_store(tmp_path: Path, seeds: Path, clock: Clock) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "digest.sqlite3", clock=clock)
    await store.load_folder(seeds)
    yield store
    await store.close()


def digests_for(store: Store, clock: Clock, *, digest_skip_empty: bool = False) -> Digests:
    settings = Settings(
        digest_channel_id=CHANNEL,
        digest_time=time(8, 0),
        digest_timezone=KYIV,
        digest_skip_empty=digest_skip_empty,
    )
    return Digests(
        store,
        DigestSettings.defaults(settings),
        clock=clock,
        channel_guild=lambda channel: GUILD if channel == CHANNEL else None,
    )


# --- when ---------------------------------------------------------------------------------------


def test_eight_in_kyiv_stays_eight_across_the_spring_change() -> None:
    assert slot(date(2026, 3, 28), time(8, 0), KYIV) == datetime(2026, 3, 28, 6, 0, tzinfo=UTC)
    assert slot(date(2026, 3, 29), time(8, 0), KYIV) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)


def test_new_york_changes_on_its_own_date() -> None:
    assert slot(date(2026, 3, 7), time(8, 30), NEW_YORK) == datetime(2026, 3, 7, 13, 30, tzinfo=UTC)
    assert slot(date(2026, 3, 8), time(8, 30), NEW_YORK) == datetime(2026, 3, 8, 12, 30, tzinfo=UTC)


def test_a_time_in_the_skipped_hour_comes_an_hour_later_by_the_clock() -> None:
    at = slot(date(2026, 3, 29), time(3, 30), KYIV)  # Kyiv jumps from 03:00 to 04:00
    assert at.astimezone(KYIV).time() == time(4, 30)


def test_a_time_in_the_repeated_hour_is_its_first_pass() -> None:
    at = slot(date(2026, 10, 25), time(3, 30), KYIV)  # 03:00-04:00 happens twice
    assert at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


async def test_nothing_is_due_before_the_time_and_today_is_due_after_it(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    config = await digests.config(GUILD)
    assert config.due_date(datetime(2026, 3, 27, 5, 59, tzinfo=UTC)) is None
    assert config.due_date(datetime(2026, 3, 27, 6, 0, tzinfo=UTC)) == date(2026, 3, 27)
    # Until the day ends in Kyiv: that is the catch-up after downtime.
    assert config.due_date(datetime(2026, 3, 27, 21, 59, tzinfo=UTC)) == date(2026, 3, 27)


async def test_the_default_channel_serves_only_its_own_server(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    assert (await digests.config(GUILD)).channel_id == CHANNEL
    assert (await digests.config(OTHER_GUILD)).channel_id is None
    assert (await digests.config(OTHER_GUILD)).due_date(clock.now + timedelta(hours=5)) is None


async def test_a_time_set_after_it_passed_today_first_comes_tomorrow(
    clocked_store: Store, clock: Clock
) -> None:
    clock.move_to(datetime(2026, 3, 27, 10, 0, tzinfo=KYIV))
    digests = digests_for(clocked_store, clock)
    changed = await digests.configure(GUILD, by=1, change="time", at=time(9, 0))
    assert changed.status.next_post == datetime(2026, 3, 28, 9, 0, tzinfo=KYIV)
    assert await digests.run_due([GUILD], Channel()) == []


# --- zones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("europe/kyiv", "Europe/Kyiv"),
        ("Kyiv", "Europe/Kyiv"),
        ("new york", "America/New_York"),
        ("utc", "UTC"),
    ],
)
def test_a_zone_is_found_by_name_or_city(typed: str, zone: str) -> None:
    found = zone_named(typed)
    assert isinstance(found, ZoneInfo)
    assert found.key == zone


def test_an_unknown_zone_gets_suggestions_not_a_guess() -> None:
    found = zone_named("Europe/Kyev")
    assert isinstance(found, UserError)
    assert "Europe/Kyiv" in found.suggestions


def test_zone_autocomplete_offers_the_city_being_typed_first() -> None:
    choices = complete_zone("kyi")
    assert choices[0] == "Europe/Kyiv"
    assert len(complete_zone("")) == 25
    assert all(len(name) <= 100 for name in complete_zone("a"))
    assert "America/New_York" in complete_zone("new y")


# --- posting once -------------------------------------------------------------------------------


async def test_a_due_digest_is_posted_once(clocked_store: Store, clock: Clock) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, 30, tzinfo=KYIV))
    posted = await digests.run_due([GUILD], channel)
    assert [day.status for day in posted] == ["posted"]
    assert posted[0].message_ids == (1,)
    for _ in range(3):  # the next minutes of the same day
        clock.advance(timedelta(minutes=1))
        assert await digests.run_due([GUILD], channel) == []
    assert len(channel.posts) == 1
    assert channel.posts[0].article_count == 3  # the first digest covers the last day


async def test_two_processes_on_one_database_post_once(
    tmp_path: Path, clocked_store: Store, clock: Clock
) -> None:
    second_store = await Store.open(tmp_path / "digest.sqlite3", clock=clock)
    try:
        channel = Channel()
        first, second = digests_for(clocked_store, clock), digests_for(second_store, clock)
        clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
        results = await asyncio.gather(
            first.run_due([GUILD], channel), second.run_due([GUILD], channel)
        )
        assert sorted(len(r) for r in results) == [0, 1]
        assert len(channel.posts) == 1
    finally:
        await second_store.close()


async def test_a_restart_at_the_scheduled_minute_does_not_post_again(
    tmp_path: Path, clocked_store: Store, clock: Clock
) -> None:
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, 5, tzinfo=KYIV))
    await digests_for(clocked_store, clock).run_due([GUILD], channel)
    # The new process has its own connection and nothing in memory.
    restarted = await Store.open(tmp_path / "digest.sqlite3", clock=clock)
    try:
        clock.advance(timedelta(seconds=40))  # still 08:00
        assert await digests_for(restarted, clock).run_due([GUILD], channel) == []
    finally:
        await restarted.close()
    assert len(channel.posts) == 1


async def test_catch_up_is_for_the_same_day_only(clocked_store: Store, clock: Clock) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 15, 0, tzinfo=KYIV))  # down at 08:00, back at 15:00
    assert len(await digests.run_due([GUILD], channel)) == 1
    clock.move_to(datetime(2026, 3, 29, 7, 0, tzinfo=KYIV))  # down all of the 28th
    assert await digests.run_due([GUILD], channel) == []
    clock.move_to(datetime(2026, 3, 29, 8, 0, tzinfo=KYIV))
    assert len(await digests.run_due([GUILD], channel)) == 1
    assert len(channel.posts) == 2


async def test_the_next_digest_covers_what_changed_since_the_last(
    clocked_store: Store, clock: Clock, seeds: Path
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    clock.advance(timedelta(hours=5))
    shutil.copy(ARTICLES / "03_grain_exports_bom.txt", seeds / "03_grain_exports_bom.txt")
    await clocked_store.load_folder(seeds)
    clock.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    second = channel.posts[1]
    grain = next(a for a in clocked_store.snapshot.articles if a.file_name.startswith("03_"))
    assert [item.article.id for item in second.items] == [grain.id]
    assert second.since == channel.posts[0].until


async def test_nothing_new_posts_a_short_digest(clocked_store: Store, clock: Clock) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    clock.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=KYIV))
    [day] = await digests.run_due([GUILD], channel)
    assert day.status == "posted"
    assert channel.posts[1].article_count == 0


async def test_nothing_new_skips_the_day_when_set_to(clocked_store: Store, clock: Clock) -> None:
    digests = digests_for(clocked_store, clock, digest_skip_empty=True)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    clock.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=KYIV))
    [day] = await digests.run_due([GUILD], channel)
    assert day.status == "skipped"
    assert len(channel.posts) == 1
    assert (await digests.status(GUILD)).last == day


# --- failures -----------------------------------------------------------------------------------


async def test_a_failed_post_is_recorded_and_retried_with_back_off(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel(fail_with="the bot lacks Send Messages in #news")
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    [failed] = await digests.run_due([GUILD], channel)
    assert failed.status == "failed"
    assert failed.error == "the bot lacks Send Messages in #news"
    assert failed.next_attempt_at == clock.now + RETRY_DELAYS[0]
    status = await digests.status(GUILD)
    assert status.last == failed
    assert status.next_post == failed.next_attempt_at

    clock.advance(RETRY_DELAYS[0] - timedelta(seconds=1))
    assert await digests.run_due([GUILD], channel) == []  # not yet
    attempts = 1
    for delay in RETRY_DELAYS:
        clock.advance(delay)
        [again] = await digests.run_due([GUILD], channel)
        attempts += 1
        assert again.attempts == attempts
    assert again.status == "failed"
    assert again.attempts == MAX_ATTEMPTS
    assert again.next_attempt_at is None  # given up for today
    clock.advance(timedelta(hours=2))
    assert await digests.run_due([GUILD], channel) == []
    assert len(channel.skips) == MAX_ATTEMPTS


async def test_a_retry_resumes_after_the_messages_that_went_out(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel(fail_with="Discord answered 500", fail_after=1)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    channel.fail_with = None
    clock.advance(RETRY_DELAYS[0])
    [day] = await digests.run_due([GUILD], channel)
    assert channel.skips == [0, 1]
    assert day.status == "posted"
    assert day.message_ids == (1, 2)


async def test_one_failing_server_does_not_stop_the_others(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    await digests.configure(OTHER_GUILD, by=1, change="channel", channel_id=CHANNEL + 1)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))

    async def post(channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        if channel_id == CHANNEL:
            raise PostFailed("deleted")
        return [99]

    days = await digests.run_due([GUILD, OTHER_GUILD], post)
    assert {day.guild_id: day.status for day in days} == {GUILD: "failed", OTHER_GUILD: "posted"}


# --- /digest now ---------------------------------------------------------------------------------


async def test_digest_now_counts_as_todays(clocked_store: Store, clock: Clock) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 7, 0, tzinfo=KYIV))
    posted = await digests.post_now(GUILD, channel)
    assert isinstance(posted, DigestPosted)
    assert posted.day.trigger == "now"
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    assert await digests.run_due([GUILD], channel) == []
    again = await digests.post_now(GUILD, channel)
    assert isinstance(again, UserError)
    assert "already been posted" in again.message
    assert len(channel.posts) == 1


async def test_digest_now_takes_over_a_day_that_failed(clocked_store: Store, clock: Clock) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel(fail_with="missing permissions")
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    channel.fail_with = None  # a moderator fixed the permissions
    posted = await digests.post_now(GUILD, channel)
    assert isinstance(posted, DigestPosted)
    assert posted.day.status == "posted"
    assert len(channel.posts) == 1


async def test_digest_now_without_a_channel_says_how_to_set_one(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    answer = await digests.post_now(OTHER_GUILD, Channel())
    assert isinstance(answer, UserError)
    assert "/digest channel" in answer.message


# --- what a digest covers ------------------------------------------------------------------------


async def test_an_article_committed_after_a_claim_comes_in_the_next_digest(
    clocked_store: Store, clock: Clock, seeds: Path
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    # A reload that started at 07:59:50 and committed only after the digest was claimed.
    clock.move_to(datetime(2026, 3, 27, 7, 59, 50, tzinfo=KYIV))
    shutil.copy(ARTICLES / "03_grain_exports_bom.txt", seeds / "03_grain_exports_bom.txt")
    await clocked_store.load_folder(seeds)

    clock.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)

    grain = next(a for a in clocked_store.snapshot.articles if a.file_name.startswith("03_"))
    assert [item.article.id for item in channel.posts[1].items] == [grain.id]


async def test_articles_another_process_loaded_are_in_the_digest(
    tmp_path: Path, clocked_store: Store, clock: Clock, seeds: Path
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    shutil.copy(ARTICLES / "03_grain_exports_bom.txt", seeds / "03_grain_exports_bom.txt")
    other = await Store.open(tmp_path / "digest.sqlite3", clock=clock)  # `newsdesk ingest`
    try:
        await other.load_folder(seeds)
    finally:
        await other.close()

    clock.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)

    assert channel.posts[1].article_count == 1


async def test_a_new_article_corrected_before_its_first_digest_is_new(
    clocked_store: Store, clock: Clock, seeds: Path
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    copy = seeds / "03_grain_exports_bom.txt"
    clock.advance(timedelta(hours=1))
    shutil.copy(ARTICLES / copy.name, copy)
    await clocked_store.load_folder(seeds)
    clock.advance(timedelta(hours=1))
    copy.write_text(copy.read_text("utf-8") + "\nCorrection: a figure was fixed.\n", "utf-8")
    await clocked_store.load_folder(seeds)

    clock.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)

    [item] = channel.posts[1].items
    assert not item.updated


def test_a_skipped_hour_before_midnight_keeps_the_digest_on_its_day() -> None:
    nuuk = ZoneInfo("America/Nuuk")  # its clocks skip from 23:00 to 00:00 on 28 March 2026
    at = slot(date(2026, 3, 28), time(23, 30), nuuk)
    assert at.astimezone(nuuk).date() == date(2026, 3, 28)
    assert at.astimezone(nuuk).time() == time(22, 30)  # an hour earlier, not the next day


# --- failures and changes -----------------------------------------------------------------------


async def test_a_new_channel_after_a_failure_gets_the_retry_afresh(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel(fail_with="Discord answered 500", fail_after=1)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], channel)
    clock.advance(timedelta(minutes=1))
    await digests.configure(GUILD, by=1, change="channel", channel_id=CHANNEL + 5)
    channel.fail_with = None

    clock.advance(RETRY_DELAYS[0])
    [day] = await digests.run_due([GUILD], channel)

    assert day.status == "posted"
    assert day.channel_id == CHANNEL + 5
    assert channel.skips == [0, 0]  # the whole digest in the new channel
    assert day.message_ids == (2,)


async def test_an_outcome_the_database_refuses_is_kept_and_recorded_later(
    clocked_store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.digest.posting.FINISH_RETRIES", (0.0,))
    digests = digests_for(clocked_store, clock)
    channel = Channel()
    finish = DigestRecords.finish

    async def locked(*args: object, **kwargs: object) -> None:
        raise StoreBusy("another process is writing to the database; try again in a moment")

    monkeypatch.setattr(DigestRecords, "finish", locked)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    [day] = await digests.run_due([GUILD], channel)
    assert day.status == "posted"
    refused = await digests.post_now(GUILD, channel)
    assert isinstance(refused, UserError)

    monkeypatch.setattr(DigestRecords, "finish", finish)
    clock.advance(timedelta(minutes=20))
    await digests.run_due([GUILD], channel)

    recorded = await clocked_store.digests.day(GUILD, date(2026, 3, 27))
    assert recorded is not None
    assert recorded.status == "posted"
    assert recorded.message_ids == (1,)
    assert len(channel.posts) == 1


async def test_a_poster_that_breaks_does_not_stop_other_servers(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    await digests.configure(OTHER_GUILD, by=1, change="channel", channel_id=CHANNEL + 1)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))

    async def post(channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        if channel_id == CHANNEL:
            raise RuntimeError("a bug")
        return [99]

    days = await digests.run_due([GUILD, OTHER_GUILD], post)

    assert [(day.guild_id, day.status) for day in days] == [(OTHER_GUILD, "posted")]


async def test_a_retry_resumes_on_the_same_articles_even_if_one_was_edited(
    clocked_store: Store, clock: Clock, seeds: Path
) -> None:
    digests = digests_for(clocked_store, clock)
    channel = Channel(fail_with="Discord answered 500", fail_after=1)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))
    [failed] = await digests.run_due([GUILD], channel)
    seed = seeds / "000_cc92a137cd6d6a98.txt"
    seed.write_text(seed.read_text("utf-8") + "\nUpdated: a line was added.\n", "utf-8")
    await clocked_store.load_folder(seeds)
    channel.fail_with = None

    clock.advance(RETRY_DELAYS[0])
    await digests.run_due([GUILD], channel)

    resumed = channel.posts[0]
    assert resumed.article_ids == failed.article_ids
    assert len(failed.article_ids) == 3


async def test_after_a_move_west_status_skips_a_day_already_posted(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    clock.move_to(datetime(2026, 6, 10, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], Channel())  # the 10th, by Kyiv's calendar
    clock.move_to(datetime(2026, 6, 10, 6, 0, tzinfo=UTC))  # still the 9th in Los Angeles

    changed = await digests.configure(
        GUILD, by=1, change="zone", zone=ZoneInfo("America/Los_Angeles"), at=time(0, 30)
    )

    la = ZoneInfo("America/Los_Angeles")
    assert changed.status.next_post == datetime(2026, 6, 11, 0, 30, tzinfo=la)
