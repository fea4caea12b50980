"""The store: migrations, the load report for each outcome, and what readers see during a load."""

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.store
import bot.store.parsing
from bot.desk import Desk
from bot.desk.facts import NothingFound, facts
from bot.store import MIGRATIONS, SCHEMA_VERSION, Requester, Store, StoreBusy, StoreError

SEED_NAME = "000_cc92a137cd6d6a98.txt"
ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


def outcomes(report: bot.store.LoadReport) -> dict[str, str]:
    return {f.file_name: f.outcome for f in report.files}


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


async def test_two_processes_loading_the_same_folder_together_both_finish(
    tmp_path: Path, seeds: Path
) -> None:
    path = tmp_path / "shared.sqlite3"
    first, second = await Store.open(path), await Store.open(path)
    try:
        reports = await asyncio.gather(first.load_folder(seeds), second.load_folder(seeds))

        # One adds the three articles; the other finds them there and loads nothing twice.
        assert sorted(r.summary() for r in reports) == ["3 added", "3 unchanged"]
        assert len(first.snapshot.articles) == len(second.snapshot.articles) == 3
    finally:
        await first.close()
        await second.close()


async def test_a_file_that_is_no_database_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 200)

    with pytest.raises(StoreError, match=r"notes\.sqlite3 is not a SQLite database"):
        await Store.open(path)


async def test_first_load_adds_every_article(store: Store) -> None:
    titles = {a.title for a in store.snapshot.articles}

    assert len(titles) == 3
    assert "Putin and Kim Jong Un sign agreement foreseeing assistance in case of aggression" in (
        titles
    )


async def test_second_load_of_the_same_folder_changes_nothing(store: Store, seeds: Path) -> None:
    before = store.snapshot

    report = await store.load_folder(seeds)

    assert set(outcomes(report).values()) == {"unchanged"}
    assert store.snapshot is before


async def test_unchanged_files_are_not_parsed_again(
    store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr(bot.store.parsing, "parse_file", refuse)

    report = await store.load_folder(seeds)

    assert report.count("unchanged") == 3


async def test_report_names_each_outcome(store: Store, seeds: Path) -> None:
    seed = seeds / SEED_NAME
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    (seeds / "04_budanov_missiles.txt").unlink()
    shutil.copy(ARTICLES / "13_pokrovsk_evacuation_unlabeled.txt", seeds)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "notes.pdf").write_bytes(b"%PDF ignored")

    report = await store.load_folder(seeds)

    assert outcomes(report) == {
        SEED_NAME: "updated",
        "02_zelenskyy_patriot_crlf.txt": "unchanged",
        "04_budanov_missiles.txt": "removed",
        "13_pokrovsk_evacuation_unlabeled.txt": "added",
        "empty.txt": "failed",
    }
    assert [f.reason for f in report.files if f.outcome == "failed"] == ["the file is empty"]
    assert report.failed
    assert report.summary() == "1 added, 1 updated, 1 unchanged, 1 removed, 1 failed"


async def test_updated_article_keeps_its_id(store: Store, seeds: Path) -> None:
    seed = seeds / SEED_NAME
    before = {a.file_name: a.id for a in store.snapshot.articles}[SEED_NAME]
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")

    await store.load_folder(seeds)

    after = {a.file_name: a for a in store.snapshot.articles}[SEED_NAME]
    assert after.id == before
    assert after.published is not None
    assert after.published.strftime("%H:%M") == "14:05"


async def test_failed_file_keeps_its_last_good_version(store: Store, seeds: Path) -> None:
    (seeds / SEED_NAME).write_bytes(b"\xff\xfe not utf-8 \x00\x01")

    report = await store.load_folder(seeds)

    assert outcomes(report)[SEED_NAME] == "failed"
    assert SEED_NAME in {a.file_name for a in store.snapshot.articles}
    hits = store.snapshot.index.shortlist(store.snapshot.index.parse("containers"))
    assert hits


async def test_removed_file_takes_its_facts_out_of_search(store: Store, seeds: Path) -> None:
    (seeds / SEED_NAME).unlink()

    await store.load_folder(seeds)

    index = store.snapshot.index
    assert index.shortlist(index.parse("Shin Won-sik")) == []
    assert await store.snapshot.read.quotes(speaker="Vladimir Putin") == []


async def test_too_large_file_is_refused_without_being_loaded(store: Store, seeds: Path) -> None:
    (seeds / "huge.txt").write_bytes(b"Headline of a huge file\n\n" + b"word " * 5000)

    report = await store.load_folder(seeds, max_bytes=10_000)

    failed = {f.file_name: f.reason for f in report.files if f.outcome == "failed"}
    assert failed["huge.txt"] is not None
    assert "too large" in failed["huge.txt"]


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


async def test_concurrent_loads_run_one_after_the_other(store: Store, seeds: Path) -> None:
    shutil.copy(ARTICLES / "13_pokrovsk_evacuation_unlabeled.txt", seeds)

    first, second = await asyncio.gather(store.load_folder(seeds), store.load_folder(seeds))

    assert first.count("added") == 1
    assert second.count("added") == 0
    assert second.count("unchanged") == 4


async def test_load_that_would_wait_is_refused_when_asked_not_to(store: Store, seeds: Path) -> None:
    async with store._load_lock:
        with pytest.raises(bot.store.LoadInProgress):
            await store.load_folder(seeds, wait=False)


async def test_only_article_files_directly_in_the_folder_are_read(
    store: Store, seeds: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    shutil.copy(ARTICLES / "07_melitopol_explosions.txt", outside)
    (seeds / "link.txt").symlink_to(outside)
    (seeds / "nested").mkdir()
    shutil.copy(ARTICLES / "09_yonhap_nk_missiles.txt", seeds / "nested" / "deep.txt")
    shutil.copy(ARTICLES / "10_charlemagne_updated_footer.txt", seeds / "notes.md")
    (seeds / "image.png").write_bytes(b"\x89PNG")

    report = await store.load_folder(seeds)

    assert outcomes(report)["link.txt"] == "failed"
    assert "outside the seeds folder" in str(
        report.files[[f.file_name for f in report.files].index("link.txt")].reason
    )
    assert outcomes(report)["notes.md"] == "added"
    assert "deep.txt" not in outcomes(report)
    assert "image.png" not in outcomes(report)


async def test_reloads_are_written_to_the_audit_trail(store: Store, seeds: Path) -> None:
    await store.load_folder(seeds, by=Requester("editor", 7, 9))

    entry = (await store.audit.recent_reloads())[0]
    assert (entry.user_name, entry.summary, entry.failed) == ("editor", "3 unchanged", 0)
    assert entry.guild_id == 9


# --- Data safety: nothing lost to an empty folder, a held lock or a reload's commit ------------


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer, holding the database's write lock until it is rolled back."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


async def test_an_empty_folder_removes_nothing_and_says_why(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "unmounted"
    empty.mkdir()

    report = await store.load_folder(empty)

    assert report.refused is not None
    assert "would remove all 3 stored articles" in report.refused
    assert len(store.snapshot.articles) == 3


async def test_a_load_that_would_remove_more_than_half_is_refused(
    store: Store, seeds: Path
) -> None:
    (seeds / "02_zelenskyy_patriot_crlf.txt").unlink()
    (seeds / "04_budanov_missiles.txt").unlink()

    report = await store.load_folder(seeds)

    assert report.refused is not None
    assert "would remove 2 of the 3 stored articles" in report.refused
    assert len(store.snapshot.articles) == 3


async def test_removing_fewer_than_half_goes_ahead(store: Store, seeds: Path) -> None:
    (seeds / "04_budanov_missiles.txt").unlink()

    report = await store.load_folder(seeds)

    assert report.refused is None
    assert outcomes(report)["04_budanov_missiles.txt"] == "removed"


async def test_removals_go_ahead_when_asked_for(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "emptied"
    empty.mkdir()

    report = await store.load_folder(empty, allow_removals=True)

    assert report.refused is None
    assert report.count("removed") == 3
    assert store.snapshot.articles == ()


async def test_every_load_writes_its_audit_row(store: Store, seeds: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    await store.load_folder(seeds, by=Requester("console"))
    await store.load_folder(empty, by=Requester("newsdesk ingest"))

    newest, unchanged = (await store.audit.recent_reloads())[:2]
    assert (newest.user_name, unchanged.user_name) == ("newsdesk ingest", "console")
    assert newest.summary.startswith("refused: it would remove all 3")
    assert unchanged.summary == "3 unchanged"


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


async def test_a_load_kept_waiting_by_another_writer_says_so_and_gives_up(
    store: Store, seeds: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seed = seeds / SEED_NAME
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    waiting = await Store.open(store.path, write_wait=0.3)
    holder = hold_write_lock(store.path)
    try:
        with pytest.raises(StoreBusy, match="another process is writing"):
            await waiting.load_folder(seeds)
    finally:
        holder.rollback()
        holder.close()
        await waiting.close()

    assert "locked by another writer; waiting up to" in caplog.text
    report = await store.load_folder(seeds)  # once the lock is free, the load goes through
    assert outcomes(report)[SEED_NAME] == "updated"


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


async def open_and_load(path: Path, folder: Path) -> None:
    opened = await Store.open(path)
    try:
        await opened.load_folder(folder)
    finally:
        await opened.close()


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


async def test_a_full_disk_fails_the_load_in_one_line_and_keeps_the_articles(
    store: Store, seeds: Path
) -> None:
    for number in range(30):
        text = (seeds / SEED_NAME).read_text("utf-8").replace("Putin", f"Leader{number}")
        (seeds / f"copy_{number:02}.txt").write_text(text, "utf-8")
    pages = await store.live.one("PRAGMA page_count")
    assert pages is not None
    # SQLite's own "database or disk is full", as a disk that fills up mid-load gives it.
    await store.db.writer.execute(f"PRAGMA max_page_count = {int(pages[0]) + 5}")

    with pytest.raises(StoreError, match="is full: nothing was changed; free some space"):
        await store.load_folder(seeds)

    assert len(store.snapshot.articles) == 3
    assert await store.live.one("SELECT count(*) FROM articles") == (3,)


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


async def test_a_load_stopped_by_shut_down_rolls_back(store: Store, seeds: Path) -> None:
    seed = seeds / SEED_NAME
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    store.stop_loads()

    with pytest.raises(bot.store.LoadStopped):
        await store.load_folder(seeds)

    published = {a.file_name: a.published for a in store.snapshot.articles}[SEED_NAME]
    assert published is not None
    assert published.strftime("%H:%M") == "13:03"
    newest = (await store.audit.recent_reloads())[0]
    assert newest.summary == "failed: the bot is shutting down"


WORKERS_SCRIPT = """
import asyncio, sys
from bot.store import Store

async def main():
    store = await Store.open(sys.argv[1])
    await store.load_folder(sys.argv[2])

asyncio.run(main())
"""


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_parse_workers_exit_when_the_loading_process_is_killed(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "many"
    folder.mkdir()
    text = (Path(__file__).resolve().parents[2] / "seeds" / SEED_NAME).read_text("utf-8")
    for number in range(800):  # enough that the load takes a while, in worker processes
        (folder / f"{number:04}.txt").write_text(text.replace("13:03", f"{number % 24:02}:03"))
    loader = subprocess.Popen(
        [sys.executable, "-c", WORKERS_SCRIPT, str(tmp_path / "db.sqlite3"), str(folder)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and loader.poll() is None:
        workers = {pid for pid in children_of(loader.pid) if alive(pid)}
        time.sleep(0.05)
    assert len(workers) >= 2, "the load never started its workers"

    loader.send_signal(signal.SIGKILL)
    loader.wait()

    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


async def settled(store: Store) -> None:
    """Until the store's background work (releasing replaced views) is done."""
    while store._tasks:
        await asyncio.gather(*store._tasks)


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


async def test_a_file_too_complex_to_parse_in_time_fails_alone(
    store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ARTICLES / "13_pokrovsk_evacuation_unlabeled.txt", seeds)
    monkeypatch.setattr(
        bot.store.parsing, "PARSE_TIME_LIMIT", 0.0
    )  # as if every parse took too long

    report = await store.load_folder(seeds)

    [failed] = [f for f in report.files if f.outcome == "failed"]
    assert failed.file_name == "13_pokrovsk_evacuation_unlabeled.txt"
    assert failed.reason is not None
    assert failed.reason.startswith("too complex to parse: stopped after 0.0 s")


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
