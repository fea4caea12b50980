"""What a digest says: its articles, and the stories a new figure moved."""

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.digest.compose import Digest, compose
from bot.digest.messages import digest_messages
from bot.store import Document, Store
from tests.conftest import REPO, STORY

KYIV = ZoneInfo("Europe/Kyiv")


async def written_after(store: Store, generation: int) -> Digest:
    """The digest of every article the loads after `generation` wrote."""
    return await compose(
        store,
        since=datetime(2024, 1, 1, tzinfo=UTC),
        until=datetime(2030, 1, 1, tzinfo=UTC),
        zone=KYIV,
        after_generation=generation,
    )


async def test_a_new_figure_on_a_story_says_how_it_moved(
    tmp_path: Path, story_folder: Path
) -> None:
    later = tmp_path / "later"
    later.mkdir()
    for name in (
        "07_up_shin_10000.txt",
        "08_up_shin_10000_updated.txt",
        "000_cc92a137cd6d6a98.txt",
    ):
        (story_folder / name).rename(later / name)
    store = await Store.open(tmp_path / "moved.sqlite3")
    try:
        await store.load_folder(story_folder)
        before = await store.live.generation()
        shutil.copy(STORY / "08_up_shin_10000_updated.txt", story_folder)
        await store.load_folder(story_folder)

        digest = await written_after(store, before)
    finally:
        await store.close()

    # Two articles said 7,000 on 4 March; the lone 5,000 three days later is not where the
    # story stood.
    assert digest.moved == ("containers: 7,000 -> 10,000 per Shin Won-sik",)


async def test_a_figure_on_nothing_reported_before_moves_no_story(
    tmp_path: Path, story_folder: Path
) -> None:
    store = await Store.open(tmp_path / "first.sqlite3")
    try:
        await store.load_folder(story_folder)
        digest = await written_after(store, 0)
    finally:
        await store.close()

    # Every article is new: there is no earlier figure in the archive to have moved from.
    assert digest.moved == ()


async def test_a_fetched_article_is_in_the_digest_with_its_headline_linked_to_its_page(
    store: Store,
) -> None:
    page = (REPO / "tests" / "data" / "web" / "pages" / "opengraph_only.html").read_bytes()
    before = store.snapshot.generation
    await store.load_documents(
        [Document("https://example.org/x", page, "link", "https://example.org/x", "text/html")],
        label="a link",
    )

    digest = await written_after(store, before)

    [item] = digest.items
    assert item.article.url is not None
    assert item.article.url.startswith("https://news.example.org/world/2024/03/05/")
    [message] = digest_messages(digest)
    assert message.pages[0].url == item.article.url
