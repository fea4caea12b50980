"""Loading the seeds folder: a report on each file, nothing lost, every load in the audit trail."""

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

import bot.store
import bot.store.parsing
from bot.store import Requester, Store, StoreBusy, StoreError
from tests.bot.store.helpers import SEED_NAME, hold_write_lock, open_and_load, outcomes
from tests.conftest import ARTICLES


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


async def test_reloads_are_written_to_the_audit_trail(store: Store, seeds: Path) -> None:
    await store.load_folder(seeds, by=Requester("editor", 7, 9))

    entry = (await store.audit.recent_reloads())[0]
    assert (entry.user_name, entry.summary, entry.failed) == ("editor", "3 unchanged", 0)
    assert entry.guild_id == 9


# --- Data safety: nothing lost to an empty folder, a held lock or a reload's commit ------------


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


async def test_articles_stored_before_claims_are_parsed_again_and_keep_their_dates(
    tmp_path: Path, seeds: Path
) -> None:
    path = tmp_path / "upgraded.sqlite3"
    await open_and_load(path, seeds)
    with sqlite3.connect(path) as old:  # as schema 6 left them: no claims
        old.execute("UPDATE facts SET claim = NULL")
        old.execute("UPDATE articles SET content_hash = ''")
        before = old.execute("SELECT id, updated_at, generation FROM articles").fetchall()
    store = await Store.open(path)
    try:
        await store.load_folder(seeds)

        with sqlite3.connect(path) as new:
            after = new.execute("SELECT id, updated_at, generation FROM articles").fetchall()
            unclaimed = new.execute("SELECT count(*) FROM facts WHERE claim IS NULL").fetchone()
        assert sorted(after) == sorted(before)  # no news for the digest
        assert unclaimed == (0,)
        seed = next(a for a in store.snapshot.articles if a.file_name == SEED_NAME)
        claims = [f.claim for f in await store.snapshot.read.article_facts(seed.id)]
        assert "South Korea" in {c.claimant for c in claims if c}
    finally:
        await store.close()


async def test_facts_are_found_by_their_claimant_not_by_the_sources_they_fall_back_to(
    store: Store,
) -> None:
    with store.reading() as snapshot:
        claimants = await snapshot.read.claimants()
        shin = await snapshot.read.claimed_by(["Shin Won-sik"], 20)

    assert "Shin Won-sik" in claimants
    assert "Interfax Russia, RIA Novosti" not in claimants  # the seed's sources: a fallback
    assert shin
    assert all(row.claim is not None and row.claim.claimant == "Shin Won-sik" for row in shin)
    assert any("10,000 containers" in row.text for row in shin)


async def test_figures_keep_what_they_count_and_the_whole_of_a_share(store: Store) -> None:
    with store.reading() as snapshot:
        rows = await snapshot.read.figures()

    counted = {row.figure.text: row.counted for row in rows}
    assert counted["over 1,000 containers"] == "containers of ammunition"
    assert all(row.of_total is None for row in rows if row.figure.text.startswith("over 1,000"))


async def test_figures_stored_before_schema_8_count_their_unit(tmp_path: Path, seeds: Path) -> None:
    path = tmp_path / "upgraded.sqlite3"
    await open_and_load(path, seeds)
    with sqlite3.connect(path) as old:  # as schema 7 left them: no counted, no total
        old.execute("UPDATE figures SET counted = NULL, of_total = NULL")
    store = await Store.open(path)
    try:
        with store.reading() as snapshot:
            rows = await snapshot.read.figures()

        assert rows
        assert all(row.counted == row.figure.unit for row in rows)
    finally:
        await store.close()


async def test_figures_stored_before_schema_8_are_parsed_again_and_keep_their_dates(
    tmp_path: Path, seeds: Path
) -> None:
    path = tmp_path / "upgraded.sqlite3"
    await open_and_load(path, seeds)
    with sqlite3.connect(path) as old:  # as migration 8 leaves them
        old.execute("UPDATE figures SET counted = NULL, of_total = NULL")
        old.execute("UPDATE articles SET content_hash = ''")
        before = old.execute("SELECT id, updated_at, generation FROM articles").fetchall()
    store = await Store.open(path)
    try:
        await store.load_folder(seeds)

        with sqlite3.connect(path) as new:
            after = new.execute("SELECT id, updated_at, generation FROM articles").fetchall()
            uncounted = new.execute("SELECT count(*) FROM figures WHERE counted IS NULL").fetchone()
        assert sorted(after) == sorted(before)  # no news for the digest
        assert uncounted == (0,)
    finally:
        await store.close()
