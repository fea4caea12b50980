"""One claimant's facts across the archive: newest article first, all of the newest, whether
they are few enough to sort or so many that the newest articles are read first."""

import random
from pathlib import Path

import pytest

import bot.store.snapshot
from bot.store import Snapshot, Store
from bot.store.rows import FactRow
from tests.conftest import SEED, SEED_TITLE


@pytest.fixture
async def archive(tmp_path: Path) -> Store:
    """Forty versions of the seed, each its own article, published at shuffled times, so that
    the order they were loaded in is not the order they were published in."""
    seed = SEED.read_text("utf-8")
    folder = tmp_path / "archive"
    folder.mkdir()
    minutes = list(range(40))
    random.Random(7).shuffle(minutes)
    for number, minute in enumerate(minutes):
        text = seed.replace(SEED_TITLE, f"{SEED_TITLE}, part {number}").replace(
            "19 June 2024, 13:03", f"19 June 2024, 14:{minute:02}"
        )
        (folder / f"{number:02}.txt").write_text(text, "utf-8")
    return await Store.open(tmp_path / "archive.sqlite3")


async def expected(snapshot: Snapshot, name: str, limit: int) -> list[int]:
    """What a reader must get: the facts credited to `name` or quoting them, article by article
    in the order the archive shows them, newest first."""
    found = []
    for article in snapshot.articles:
        for row in await snapshot.read.article_facts(article.id):
            if row.speaker == name or (row.claim is not None and row.claim.claimant == name):
                found.append(row.id)
    return found[:limit]


def ids(rows: list[FactRow]) -> list[int]:
    return [row.id for row in rows]


@pytest.mark.parametrize("limit", [1, 3, 10, 1000])
async def test_a_frequent_claimants_facts_come_newest_first_and_none_is_skipped(
    archive: Store, tmp_path: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few articles a read, so that forty articles are read in several.
    monkeypatch.setattr(bot.store.snapshot, "WALK_FIRST", 2)
    monkeypatch.setattr(bot.store.snapshot, "WALK_CHUNK", 5)
    try:
        await archive.load_folder(tmp_path / "archive")
        with archive.reading() as snapshot:
            name = snapshot.people[0]  # in every article
            claimed = await snapshot.claimed_by([name], limit)
            sorted_in_sql = await snapshot.read.claimed_by([name], limit)
            assert ids(claimed) == await expected(snapshot, name, limit)
            assert ids(sorted_in_sql) == ids(claimed)
    finally:
        await archive.close()


async def test_nobody_claims_nothing(archive: Store, tmp_path: Path) -> None:
    try:
        await archive.load_folder(tmp_path / "archive")
        with archive.reading() as snapshot:
            assert await snapshot.claimed_by(["Nobody Atall"], 10) == []
    finally:
        await archive.close()
