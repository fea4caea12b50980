"""Fetched pages and uploaded files in the store: loaded with the page as it came, updated in
place, never half-loaded, left alone by the folder's reloads, and parsed again from the stored
page after an upgrade."""

import shutil
from pathlib import Path

import pytest

from bot.store import Document, Store
from tests.bot.store.helpers import outcomes
from tests.conftest import REPO

WEB = REPO / "tests" / "data" / "web"
PAGE = (WEB / "pages" / "up_wordpress.html").read_bytes()
HEADLINE = "Seoul says North Korean arms factories run at full capacity to supply Russia"
LINK = "https://www.pravda.example/eng/news/2024/06/13/7460012/"


def page(data: bytes = PAGE, key: str = LINK) -> Document:
    return Document(key, data, "link", key, "text/html", url=key)


async def stored_page(store: Store, article_id: int) -> bytes | None:
    row = await store.live.one("SELECT body FROM pages WHERE article_id = ?", (article_id,))
    return bytes(row[0]) if row else None


async def test_a_fetched_page_becomes_a_searchable_article_with_its_page_kept(
    store: Store,
) -> None:
    report = await store.load_documents([page()], label=LINK)

    [file] = report.files
    assert (file.outcome, file.title) == ("added", HEADLINE)
    assert file.article_id is not None
    article = store.snapshot.article(file.article_id)
    assert article is not None
    assert article.url == LINK
    assert await stored_page(store, file.article_id) == PAGE
    row = await store.live.one("SELECT origin FROM articles WHERE id = ?", (file.article_id,))
    assert row is not None
    assert row[0] == "link"
    index = store.snapshot.index
    found = await store.snapshot.read.facts(index.shortlist(index.parse("artillery shells")))
    assert any(fact.article_id == file.article_id for fact in found.values())


async def test_the_same_page_again_is_unchanged_and_a_changed_one_updates_the_article(
    store: Store,
) -> None:
    first = (await store.load_documents([page()], label=LINK)).files[0]
    again = (await store.load_documents([page()], label=LINK)).files[0]
    corrected = PAGE.replace(b"10,000 containers", b"12,000 containers")
    updated = (await store.load_documents([page(corrected)], label=LINK)).files[0]

    assert again.outcome == "unchanged"
    assert updated.outcome == "updated"
    assert first.article_id == again.article_id == updated.article_id
    assert updated.article_id is not None
    assert await stored_page(store, updated.article_id) == corrected


async def test_a_page_that_is_no_article_is_reported_and_nothing_of_it_is_written(
    store: Store,
) -> None:
    before = len(store.snapshot.articles)
    front = (WEB / "pages" / "not_an_article.html").read_bytes()

    report = await store.load_documents([page(front, "https://news.example.org/")], label="x")

    [file] = report.files
    assert file.outcome == "failed"
    assert file.reason is not None
    assert "not an article" in file.reason
    assert len(store.snapshot.articles) == before
    row = await store.live.one("SELECT COUNT(*) FROM pages")
    assert row is not None
    assert row[0] == 0


async def test_a_reload_of_the_folder_leaves_fetched_articles_alone(
    store: Store, seeds: Path
) -> None:
    await store.load_documents([page()], label=LINK)
    (seeds / "04_budanov_missiles.txt").unlink()

    report = await store.load_folder(seeds)

    # The fetched article is neither a file that went nor one that counts against removals.
    assert sorted(outcomes(report).values()) == ["removed", "unchanged", "unchanged"]
    assert any(a.title == HEADLINE for a in store.snapshot.articles)


async def test_after_an_upgrade_a_fetched_article_is_parsed_again_from_its_stored_page(
    store: Store, seeds: Path
) -> None:
    added = (await store.load_documents([page()], label=LINK)).files[0]
    # What a migration that changes the extraction does: the hash is forgotten.
    await store.db.execute_write(
        "UPDATE articles SET content_hash = '', title = 'stale' WHERE id = ?", (added.article_id,)
    )

    report = await store.load_folder(seeds)

    assert outcomes(report)[LINK] == "updated"
    assert added.article_id is not None
    article = store.snapshot.article(added.article_id)
    assert article is not None
    assert article.title == HEADLINE


async def test_an_html_file_in_the_seeds_folder_is_read_as_a_page(
    store: Store, seeds: Path
) -> None:
    shutil.copy(WEB / "pages" / "amp_wire.html", seeds / "amp_wire.html")

    report = await store.load_folder(seeds)

    assert outcomes(report)["amp_wire.html"] == "added"
    titles = {a.title for a in store.snapshot.articles}
    assert any("Seoul" in title or "Pyongyang" in title for title in titles), titles


@pytest.mark.parametrize("origin", ["upload", "feed"])
async def test_each_way_in_is_kept_with_the_article(store: Store, origin: str) -> None:
    document = Document(f"{origin}:a.html", PAGE, origin, "a.html", "text/html")  # type: ignore[arg-type]

    [file] = (await store.load_documents([document], label="a.html")).files

    row = await store.live.one("SELECT origin FROM articles WHERE id = ?", (file.article_id,))
    assert row is not None
    assert row[0] == origin
