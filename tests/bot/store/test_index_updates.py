"""A small load updates the search index in place: the index it leaves must be the one a full
build over the stored facts gives (same terms, document frequencies and postings), through
additions, updates, removals and copies replaced by their update."""

import shutil
from pathlib import Path

import pytest

from bot.search import SearchIndex
from bot.store import Store, loader
from tests.conftest import OTHER_OUTLETS, STORY


@pytest.fixture(autouse=True)
def no_full_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """These loads are small: each must update the index, never rebuild it."""

    async def refuse(*_: object) -> SearchIndex:
        raise AssertionError("a small load rebuilt the whole index")

    monkeypatch.setattr(loader.Load, "_rebuild_index", refuse)


async def full_build(store: Store) -> SearchIndex:
    rows = await store.live.rows(
        "SELECT id, terms FROM facts WHERE article_id NOT IN"
        " (SELECT id FROM articles WHERE replaced_by IS NOT NULL)"
    )
    return SearchIndex.build([(int(i), str(t)) for i, t in rows], {})


async def assert_same_as_a_full_build(store: Store) -> None:
    built = await full_build(store)
    index = store.snapshot.index
    assert index.fact_count == built.fact_count
    assert index.df == built.df
    for term, postings in built.postings.items():
        assert set(index.postings[term]) == set(postings), term
    assert abs(index.average_length - built.average_length) < 1e-9
    # What readers get after a restart: the index as stored.
    reopened = await Store.open(store.path)
    try:
        assert reopened.snapshot.index.df == built.df
        for term, postings in built.postings.items():
            assert set(reopened.snapshot.index.postings[term]) == set(postings), term
    finally:
        await reopened.close()


async def test_articles_added_one_load_at_a_time_give_the_index_a_full_build_gives(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        # The update (08) replaces its older copy (07) when it comes: that copy's facts go.
        for path in sorted(STORY.glob("*.txt")):
            shutil.copy(path, folder / path.name)
            await store.load_folder(folder)
            await assert_same_as_a_full_build(store)
    finally:
        await store.close()


async def test_updates_and_removals_keep_the_index_equal_to_a_full_build(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(OTHER_OUTLETS, folder)
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        await store.load_folder(folder)
        first = sorted(folder.glob("*.txt"))[0]
        first.write_text(first.read_text("utf-8").replace("containers", "wagons"), "utf-8")
        await store.load_folder(folder)
        await assert_same_as_a_full_build(store)
        assert "wagon" in store.snapshot.index.df

        first.unlink()
        await store.load_folder(folder)
        await assert_same_as_a_full_build(store)
    finally:
        await store.close()


async def test_removing_an_update_brings_back_the_copy_it_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(STORY, folder)
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        await store.load_folder(folder)
        (folder / "08_up_shin_10000_updated.txt").unlink()
        await store.load_folder(folder)
        await assert_same_as_a_full_build(store)
    finally:
        await store.close()
