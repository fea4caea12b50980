"""Opening the database: the schema brought up to date, files that are not ours, errors in one line, the write lock."""

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

import bot.store
import bot.store.parsing
from bot.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreBusy, StoreError
from tests.bot.store.helpers import hold_write_lock, open_and_load, outcomes


async def test_new_database_is_at_the_latest_schema(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        assert await store.schema_version() == SCHEMA_VERSION
    finally:
        await store.close()


async def test_old_database_upgrades_in_place_and_keeps_its_articles(
    tmp_path: Path, seeds: Path
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:  # a database written by the first release
        old.executescript(MIGRATIONS[0])
        old.execute("PRAGMA user_version = 1")
        old.execute(
            "INSERT INTO articles (id, file_name, content_hash, title, lead, loaded_at,"
            " updated_at) VALUES (7, 'old.txt', 'x', 'An old article', 'Its lead.',"
            " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
        )
    old.close()

    store = await Store.open(path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        assert [a.title for a in store.snapshot.articles] == ["An old article"]
        assert store.snapshot.articles[0].url is None
        report = await store.load_folder(seeds, allow_removals=True)
        assert outcomes(report)["old.txt"] == "removed"
    finally:
        await store.close()


async def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as future:
        future.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    future.close()

    with pytest.raises(StoreError, match="newer than this newsdesk"):
        await Store.open(path)


async def test_two_processes_opening_a_new_database_together_both_start(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"

    first, second = await asyncio.gather(Store.open(path), Store.open(path))
    try:
        assert await first.schema_version() == await second.schema_version() == SCHEMA_VERSION
    finally:
        await first.close()
        await second.close()


async def test_a_file_that_is_no_database_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 200)

    with pytest.raises(StoreError, match=r"notes\.sqlite3 is not a SQLite database"):
        await Store.open(path)


async def test_opening_a_current_database_does_not_wait_for_another_writer(
    store: Store,
) -> None:
    holder = hold_write_lock(store.path)
    try:
        second = await Store.open(store.path, write_wait=0.2)
        try:
            assert len(second.snapshot.articles) == 3
        finally:
            await second.close()
    finally:
        holder.rollback()
        holder.close()


async def test_another_applications_database_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    other.close()

    with pytest.raises(StoreError, match=r"another application's SQLite database \(notes\)"):
        await Store.open(path)

    with sqlite3.connect(path) as other:
        tables = [row[0] for row in other.execute("SELECT name FROM sqlite_master")]
        journal = other.execute("PRAGMA journal_mode").fetchone()[0]
    other.close()
    assert tables == ["notes"]
    assert journal == "delete"


async def test_a_database_of_this_newsdesk_is_marked_as_ours(store: Store) -> None:
    row = await store.live.one("PRAGMA application_id")

    assert row is not None
    assert row[0] == bot.store.APPLICATION_ID


async def test_a_damaged_database_is_refused_in_one_line(tmp_path: Path, seeds: Path) -> None:
    healthy = tmp_path / "healthy.sqlite3"
    await open_and_load(healthy, seeds)
    data = bytearray(healthy.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * 8192  # pages of the schema and the first tables
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))

    with pytest.raises(StoreError, match=r"damaged|not a SQLite database") as caught:
        await open_and_load(damaged, tmp_path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing/folder/db.sqlite3", "does not exist: create it"),
        (".", "is a folder, not a database file"),
    ],
)
async def test_an_unusable_database_path_is_refused_and_nothing_is_created(
    tmp_path: Path, name: str, expected: str
) -> None:
    with pytest.raises(StoreError, match=expected):
        await Store.open(tmp_path / name)

    assert not (tmp_path / "missing").exists()


async def test_opening_a_new_database_waits_while_another_process_creates_it(
    tmp_path: Path,
) -> None:
    # Another process has just created the file and holds it whole while it sets it up: the
    # moment two bots start on a new database together.
    path = tmp_path / "new.sqlite3"
    creator = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    creator.execute("BEGIN EXCLUSIVE")
    creator.execute("CREATE TABLE notes (x)")
    creator.execute("DROP TABLE notes")
    released = threading.Timer(0.8, creator.commit)
    released.start()
    try:
        store = await Store.open(path, write_wait=5)
        try:
            assert await store.schema_version() == SCHEMA_VERSION
        finally:
            await store.close()
    finally:
        released.join()
        creator.close()


async def test_a_new_database_held_longer_than_the_wait_is_refused_in_words(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.sqlite3"
    creator = sqlite3.connect(path, isolation_level=None)
    creator.execute("BEGIN EXCLUSIVE")
    creator.execute("CREATE TABLE notes (x)")
    try:
        with pytest.raises(StoreBusy, match=r"did not finish within 0\.5 s"):
            await Store.open(path, write_wait=0.5)
    finally:
        creator.rollback()
        creator.close()
