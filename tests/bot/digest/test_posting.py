"""Posting each server's digest once a day: claims, retries, /digest now, what each covers."""

import asyncio
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.desk import UserError
from bot.digest import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    Digest,
    DigestPosted,
    PostFailed,
)
from bot.store import Store, StoreBusy
from bot.store.digests import DigestRecords
from tests.bot.digest.helpers import CHANNEL, GUILD, KYIV, OTHER_GUILD, Channel, Clock, digests_for
from tests.conftest import ARTICLES


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


@pytest.mark.parametrize(
    ("failure", "failed"),
    [(PostFailed("deleted"), [(GUILD, "failed")]), (RuntimeError("a bug"), [])],
    ids=["refused by Discord", "a bug in the poster"],
)
async def test_one_failing_server_does_not_stop_the_others(
    clocked_store: Store, clock: Clock, failure: Exception, failed: list[tuple[int, str]]
) -> None:
    # A refusal is recorded for its server; a bug is logged and leaves no day behind. Either
    # way the other server gets its digest.
    digests = digests_for(clocked_store, clock)
    await digests.configure(OTHER_GUILD, by=1, change="channel", channel_id=CHANNEL + 1)
    clock.move_to(datetime(2026, 3, 27, 8, 0, tzinfo=KYIV))

    async def post(channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        if channel_id == CHANNEL:
            raise failure
        return [99]

    days = await digests.run_due([GUILD, OTHER_GUILD], post)
    assert sorted((day.guild_id, day.status) for day in days) == sorted(
        [*failed, (OTHER_GUILD, "posted")]
    )


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
