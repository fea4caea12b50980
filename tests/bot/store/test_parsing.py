"""Reading and parsing the folder's files: refusals, what is read, worker processes."""

import os
import shutil
from pathlib import Path

import pytest

import bot.store
import bot.store.parsing
from bot.store import Store
from bot.store.parsing import TooLarge, hashed, parse_job, read_capped, read_folder
from tests.bot.store.helpers import outcomes
from tests.conftest import ARTICLES, REPO, SEED


async def test_unchanged_files_are_not_parsed_again(
    store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr(bot.store.parsing, "parse_file", refuse)

    report = await store.load_folder(seeds)

    assert report.count("unchanged") == 3


async def test_too_large_file_is_refused_without_being_loaded(store: Store, seeds: Path) -> None:
    (seeds / "huge.txt").write_bytes(b"Headline of a huge file\n\n" + b"word " * 5000)

    report = await store.load_folder(seeds, max_bytes=10_000)

    failed = {f.file_name: f.reason for f in report.files if f.outcome == "failed"}
    assert failed["huge.txt"] is not None
    assert "too large" in failed["huge.txt"]


def memory_mappings() -> int:
    with Path("/proc/self/maps").open() as maps:
        return sum(1 for _ in maps)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_reading_a_big_folder_takes_no_memory_mapping_per_file(tmp_path: Path) -> None:
    # A process has at most 65,530 mappings: one per file stopped a 100,000-file folder.
    for number in range(2000):
        (tmp_path / f"{number}.txt").write_text("A short article\n\n" + "word " * 800)
    before = memory_mappings()

    found = read_folder(tmp_path, max_bytes=2 * 1024 * 1024)

    assert len(found) == 2000
    assert all(candidate.content_hash for candidate in found)
    assert memory_mappings() - before < 200


def test_a_file_that_grew_past_the_limit_since_it_was_listed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(b"word " * 100)

    with pytest.raises(TooLarge):
        read_capped(path, size=20, max_bytes=100)

    assert read_capped(path, size=20, max_bytes=1000) == b"word " * 100


def test_a_file_changed_after_it_was_hashed_is_kept_with_the_hash_of_what_was_parsed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED.read_bytes())
    listed = hashed(path.read_bytes())
    path.write_bytes(SEED.read_bytes().replace(b"Kim Jong Un", b"Kim Yo Jong"))

    parsed = parse_job("seed.txt", str(path), None, listed, "Europe/Kyiv", False, None, 10**7)

    assert parsed.rows is not None
    assert parsed.content_hash == hashed(path.read_bytes()) != listed
    assert "Kim Yo Jong" in parsed.rows.article[6]  # the lead


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
    text = SEED.read_text("utf-8")
    for number in range(800):  # enough that the load takes a while, in worker processes
        (folder / f"{number:04}.txt").write_text(text.replace("13:03", f"{number % 24:02}:03"))
    loader = subprocess.Popen(
        [sys.executable, "-c", WORKERS_SCRIPT, str(tmp_path / "db.sqlite3"), str(folder)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
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


def age(folder: Path, seconds: float = 3600) -> None:
    """Set the folder's files' times to `seconds` ago, past the time a change may not show."""
    for path in folder.iterdir():
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - int(seconds * 1e9)))


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = bot.store.parsing.read_capped

    def spy(path: Path, size: int, max_bytes: int) -> bytes:
        read.append(path.name)
        return real(path, size, max_bytes)

    monkeypatch.setattr(bot.store.parsing, "read_capped", spy)
    return read


async def test_files_whose_size_and_time_are_unchanged_are_not_read_again(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(seeds)
    store = await Store.open(tmp_path / "stat.sqlite3")
    try:
        await store.load_folder(seeds)
        read = counting_reads(monkeypatch)

        report = await store.load_folder(seeds)

        assert report.summary() == "3 unchanged"
        assert read == []
    finally:
        await store.close()


async def test_a_file_changed_to_the_same_size_is_read_again_by_its_new_time(
    tmp_path: Path, seeds: Path
) -> None:
    age(seeds)
    store = await Store.open(tmp_path / "stat.sqlite3")
    try:
        await store.load_folder(seeds)
        seed = seeds / SEED.name
        seed.write_bytes(seed.read_bytes().replace(b"Kim Jong Un", b"Kim Yo Jong"))  # same size

        report = await store.load_folder(seeds)

        assert outcomes(report)[SEED.name] == "updated"
    finally:
        await store.close()


async def test_a_change_too_soon_after_a_read_to_show_in_the_files_time_is_still_found(
    tmp_path: Path, seeds: Path
) -> None:
    store = await Store.open(tmp_path / "stat.sqlite3")
    try:
        await store.load_folder(seeds)  # the files were written just now
        seed = seeds / SEED.name
        before = seed.stat()
        seed.write_bytes(seed.read_bytes().replace(b"Kim Jong Un", b"Kim Yo Jong"))
        os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same tick

        report = await store.load_folder(seeds)

        assert outcomes(report)[SEED.name] == "updated"
    finally:
        await store.close()


async def test_files_read_before_their_time_could_be_trusted_are_not_read_once_it_can(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(tmp_path / "stat.sqlite3")
    try:
        await store.load_folder(seeds)  # too recent: read again, and its time kept, next load
        age(seeds)
        assert (await store.load_folder(seeds)).summary() == "3 unchanged"
        read = counting_reads(monkeypatch)

        report = await store.load_folder(seeds)

        assert report.summary() == "3 unchanged"
        assert read == []
    finally:
        await store.close()
