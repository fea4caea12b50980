"""What readers see: the old state or the new during a load, never neither; views renewed and released."""

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.store
import bot.store.parsing
import bot.store.snapshot
import bot.store.store
from bot.desk import Desk
from bot.desk.facts import NothingFound, facts
from bot.store import Document, Store
from tests.bot.store.helpers import SEED_NAME, settled
from tests.conftest import ARTICLES


async def test_reader_during_a_load_sees_the_old_or_the_new_state(
    store: Store, seeds: Path
) -> None:
    for number in range(40):
        text = (seeds / SEED_NAME).read_text("utf-8").replace("Putin", f"Leader{number}")
        (seeds / f"copy_{number:02}.txt").write_text(text, "utf-8")
    counts: list[int] = []

    async def read_while_loading() -> None:
        while store.loading:
            rows = list(await store.live.rows("SELECT count(*) FROM articles"))
            counts.append(int(rows[0][0]))
            await asyncio.sleep(0)

    load = asyncio.create_task(store.load_folder(seeds))
    await asyncio.sleep(0)
    await asyncio.gather(load, read_while_loading())

    assert set(counts) <= {3, 43}
    assert len(store.snapshot.articles) == 43


async def test_readers_see_the_old_facts_or_the_new_never_none(
    desk: Desk, store: Store, seeds: Path
) -> None:
    seed = seeds / SEED_NAME
    text = seed.read_text("utf-8")
    nothing = 0
    for minute in range(5):
        # Every fact of an updated article gets a new id: the old index points at none of them.
        seed.write_text(text.replace("13:03", f"14:0{minute}"), "utf-8")
        load = asyncio.create_task(store.load_folder(seeds))
        while not load.done():
            nothing += isinstance(await facts(desk, "containers"), NothingFound)
        await load

    assert nothing == 0


async def test_a_load_by_another_process_shows_after_a_refresh(store: Store, seeds: Path) -> None:
    shutil.copy(ARTICLES / "13_pokrovsk_evacuation_unlabeled.txt", seeds)
    other = await Store.open(store.path)  # `newsdesk ingest` while the bot runs
    await other.load_folder(seeds)
    await other.close()

    assert await store.refresh() is True
    assert len(store.snapshot.articles) == 4


async def test_a_refresh_with_nothing_written_reads_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.refresh()

    async def no_reads(*args: object) -> None:
        raise AssertionError("an idle refresh read the database")

    monkeypatch.setattr(bot.store.Reads, "rows", no_reads)
    assert await store.refresh() is False


async def test_a_held_snapshot_keeps_its_state_while_a_load_commits(
    store: Store, seeds: Path
) -> None:
    seed = seeds / SEED_NAME
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    query = "SELECT published FROM articles WHERE file_name = ?"

    with store.reading() as held:
        await store.load_folder(seeds)
        await settled(store)
        assert await held.read.one(query, (SEED_NAME,)) == ("2024-06-19T13:03:00+03:00",)
    assert await store.snapshot.read.one(query, (SEED_NAME,)) == ("2024-06-19T14:05:00+03:00",)


async def test_once_no_reader_holds_the_old_state_the_log_goes_into_the_file(
    store: Store, seeds: Path
) -> None:
    seed = seeds / SEED_NAME
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    with store.reading():
        await store.load_folder(seeds)

    await settled(store)

    check = sqlite3.connect(store.path)
    busy, log, copied = check.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    check.close()
    assert (busy, copied) == (0, log)


async def test_a_clock_set_back_renews_the_readers_view(tmp_path: Path, seeds: Path) -> None:
    now = [datetime(2026, 6, 1, tzinfo=UTC)]
    store = await Store.open(tmp_path / "db.sqlite3", clock=lambda: now[0])
    try:
        await store.load_folder(seeds)
        await store.load_folder(seeds)  # a write after the view began: its audit row
        before = store.snapshot
        now[0] -= timedelta(days=1)  # the system clock corrected backwards

        await store.refresh()

        assert store.snapshot is not before
        assert store.snapshot.generation == before.generation
    finally:
        await store.close()


def upload(data: bytes) -> Document:
    return Document("upload:a.txt", data, "upload", "a.txt", "text/plain")


async def test_after_small_loads_readers_see_the_articles_as_a_fresh_start_reads_them(
    store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.snapshot, "REREAD_SHARE", 1.0)  # this store is small
    seed = (seeds / SEED_NAME).read_bytes()
    # A new article, then its update, then a copy of the seed (the same headline and time:
    # it replaces the older copy), then the copy's removal (the seed is back).
    await store.load_documents([upload(seed.replace(b"Putin", b"Lukashenko"))], label="uploads")
    await store.load_documents([upload(seed.replace(b"Putin", b"Tokayev"))], label="uploads")
    (seeds / "copy.txt").write_bytes(seed.replace(b"Source:", b"Sources:"))
    await store.load_folder(seeds)
    shown_with_copy = [a.file_name for a in store.snapshot.articles]
    (seeds / "copy.txt").unlink()
    await store.load_folder(seeds)

    fresh = await Store.open(store.path)
    try:
        assert store.snapshot.articles == fresh.snapshot.articles
    finally:
        await fresh.close()
    assert "copy.txt" in shown_with_copy
    assert SEED_NAME not in shown_with_copy
    assert SEED_NAME in [a.file_name for a in store.snapshot.articles]


async def test_a_big_load_returns_with_its_articles_copied_into_the_database_file(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.store, "INCREMENTAL_ARTICLES", 2)  # three articles are many
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        await store.load_folder(seeds)

        # The file alone, without its write-ahead log: what the load left for the next write.
        shutil.copy(store.path, tmp_path / "file_only.sqlite3")
        check = sqlite3.connect(tmp_path / "file_only.sqlite3")
        [(count,)] = check.execute("SELECT count(*) FROM articles").fetchall()
        check.close()
        assert count == 3
    finally:
        await store.close()
