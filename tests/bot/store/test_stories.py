"""Stories: the articles that report one event grouped, and an update replacing its old copy."""

from pathlib import Path

from bot.store import Store
from tests.conftest import SEED, article_id


def story_of(store: Store, file_name: str) -> int:
    with store.reading() as snapshot:
        return next(a.story for a in snapshot.articles if a.file_name == file_name)


async def test_two_outlets_on_one_statement_are_one_story(story_store: Store) -> None:
    assert story_of(story_store, "01_ap_white_house_1000.txt") == story_of(
        story_store, "02_reuters_white_house_1000.txt"
    )


async def test_a_syndicated_copy_is_in_the_story_of_its_original(story_store: Store) -> None:
    assert story_of(story_store, "05_kyiv_independent_syndicated_7000.txt") == story_of(
        story_store, "04_up_south_korea_7000.txt"
    )


async def test_reports_of_other_events_on_the_topic_stand_apart(story_store: Store) -> None:
    stories = {
        story_of(story_store, name)
        for name in (
            SEED.name,
            "01_ap_white_house_1000.txt",
            "03_yonhap_shin_6700.txt",
            "04_up_south_korea_7000.txt",
            "06_times_western_intelligence_5000.txt",
            "08_up_shin_10000_updated.txt",
        )
    }
    assert len(stories) == 6


async def test_an_update_replaces_the_older_copy(story_store: Store) -> None:
    with story_store.reading() as snapshot:
        names = {a.file_name for a in snapshot.articles}
    assert "08_up_shin_10000_updated.txt" in names
    assert "07_up_shin_10000.txt" not in names


async def test_facts_of_the_replaced_copy_are_not_found(story_store: Store) -> None:
    rows = await story_store.live.rows(
        "SELECT id FROM articles WHERE file_name = ?", ("07_up_shin_10000.txt",)
    )
    older = next(int(row[0]) for row in rows)
    with story_store.reading() as snapshot:
        query = snapshot.index.parse("4.8 million artillery shells")
        found = await snapshot.read.facts(snapshot.index.shortlist(query, 50))

    cited = {f.article_id for f in found.values()}
    assert article_id(story_store, "08_up_shin_10000_updated.txt") in cited
    assert older not in cited


async def test_removing_the_update_brings_the_older_copy_back(
    story_store: Store, story_folder: Path
) -> None:
    (story_folder / "08_up_shin_10000_updated.txt").unlink()

    await story_store.load_folder(story_folder)

    with story_store.reading() as snapshot:
        names = {a.file_name for a in snapshot.articles}
    assert "07_up_shin_10000.txt" in names


async def test_an_unchanged_reload_keeps_the_stories(
    story_store: Store, story_folder: Path
) -> None:
    before = story_of(story_store, "05_kyiv_independent_syndicated_7000.txt")

    await story_store.load_folder(story_folder)

    assert story_of(story_store, "05_kyiv_independent_syndicated_7000.txt") == before
