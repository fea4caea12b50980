"""The store: migrations, the load report for each outcome, and what readers see during a load."""

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

import bot.store
from bot.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError

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
        report = await store.load_folder(seeds)
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

    with pytest.raises(StoreError, match=r"cannot open the database .*notes\.sqlite3"):
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

    monkeypatch.setattr(bot.store, "_parse", refuse)

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
    assert await store.quotes(speaker="Vladimir Putin") == []


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
            rows = list(await store.reader.execute_fetchall("SELECT count(*) FROM articles"))
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
    report = await store.load_folder(seeds)

    await store.record_reload(report, user_name="editor", user_id=7, guild_id=9)

    [entry] = await store.recent_reloads()
    assert (entry.user_name, entry.summary, entry.failed) == ("editor", "3 unchanged", 0)
