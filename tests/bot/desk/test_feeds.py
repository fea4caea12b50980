"""Feeds, polled against a server on 127.0.0.1: each entry loaded once (by GUID or link), an
updated entry replacing its article, conditional requests, a failing feed backing off with its
error in /feed status, and no entry loaded twice across a restart."""

from datetime import timedelta
from pathlib import Path

import pytest

from bot.desk import Desk, SeedsFolder, UserError
from bot.desk.feeds import FeedAdded, FeedList, PollAnswer
from bot.desk.service import Web
from bot.store import Requester, Store
from tests.conftest import LOOPBACK
from tests.local_web import FEEDS, WEB_DATA, LocalWeb, entry_titles, publish_feed

MODERATOR = Requester("moderator", 7, 9)


async def follow(desk: Desk, url: str) -> FeedAdded:
    answer = await desk.answer_line(f"/feed add {url}", by=MODERATOR)
    assert isinstance(answer, FeedAdded), answer.text()
    return answer


def titles(desk: Desk) -> list[str]:
    return [a.title for a in desk.snapshot.articles]


async def poll(desk: Desk) -> PollAnswer:
    answer = await desk.answer_line("/feed poll", by=MODERATOR)
    assert isinstance(answer, PollAnswer)
    return answer


@pytest.mark.parametrize("feed", ["rss_v1.xml", "atom_v1.xml"])
async def test_following_a_feed_loads_each_of_its_articles(
    web_desk: Desk, local_web: LocalWeb, feed: str
) -> None:
    added = await follow(web_desk, publish_feed(local_web, feed))

    assert len(added.poll.added) == len(FEEDS[feed]["entries"])
    assert added.feed.title == FEEDS[feed]["title"]
    loaded = titles(web_desk)
    for entry in FEEDS[feed]["entries"]:
        page = local_web.served[entry["link"]].body.decode()
        assert any(title in page for title in loaded)


async def test_an_unchanged_feed_is_answered_not_modified_and_no_page_is_fetched_again(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    await follow(web_desk, publish_feed(local_web, "rss_v1.xml"))
    pages = {e["link"]: local_web.hits[e["link"]] for e in FEEDS["rss_v1.xml"]["entries"]}

    [result] = (await poll(web_desk)).results

    assert result.not_modified
    assert local_web.headers["/feed"]["If-None-Match"] == local_web.served["/feed"].etag
    assert {link: local_web.hits[link] for link in pages} == pages


@pytest.mark.parametrize(
    ("first", "then"), [("rss_v1.xml", "rss_v2.xml"), ("atom_v1.xml", "atom_v2.xml")]
)
async def test_new_entries_are_added_updated_ones_replace_their_article_repeated_ones_stay(
    web_desk: Desk, local_web: LocalWeb, first: str, then: str
) -> None:
    added = await follow(web_desk, publish_feed(local_web, first))
    count = len(web_desk.snapshot.articles)
    publish_feed(local_web, then)

    [result] = (await poll(web_desk)).results

    changes = [entry["change"] for entry in FEEDS[then]["entries"]]
    assert len(result.added) == changes.count("new")
    assert len(result.updated) == changes.count("updated")
    assert result.unchanged == changes.count("unchanged")
    assert set(result.updated) <= set(added.poll.added)  # the same article, replaced in place
    assert len(web_desk.snapshot.articles) == count + changes.count("new")


async def test_an_updated_entry_answers_with_its_corrected_page(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    await follow(web_desk, publish_feed(local_web, "atom_v1.xml"))
    publish_feed(local_web, "atom_v2.xml")
    await poll(web_desk)

    answer = await web_desk.answer_line("/facts artillery shells article:Western intelligence")

    # The correction: up to 2.5 million shells, not 1.5 million; the old figure is gone.
    assert "up to 2.5 million artillery shells" in answer.text()
    assert "1.5 million artillery shells" not in answer.text()


async def test_no_entry_is_loaded_twice_across_a_restart(
    tmp_path: Path, seeds_folder: SeedsFolder, local_web: LocalWeb
) -> None:
    path = tmp_path / "restart.sqlite3"
    url = publish_feed(local_web, "rss_v1.xml")
    store = await Store.open(path)
    try:
        await store.load_folder(seeds_folder.path)
        await follow(Desk(store, seeds_folder, web=Web.of(LOOPBACK)), url)
        before = len(store.snapshot.articles)
    finally:
        await store.close()
    publish_feed(local_web, "rss_v2.xml")  # the feed changed while the bot was down

    store = await Store.open(path)
    try:
        desk = Desk(store, seeds_folder, web=Web.of(LOOPBACK))
        [result] = (await poll(desk)).results
        [again] = (await poll(desk)).results
        assert len(result.added) == 1
        assert len(store.snapshot.articles) == before + 1
        assert again.not_modified
    finally:
        await store.close()


async def test_a_failing_feed_backs_off_and_shows_its_error_in_status(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = publish_feed(local_web, "rss_v1.xml")
    await follow(web_desk, url)
    del local_web.served["/feed"]  # the newsroom's site now answers 404

    await poll(web_desk)
    await poll(web_desk)

    [feed] = await web_desk.store.feeds.all()
    assert feed.error == "the server answered 404 Not Found"
    assert feed.failures == 2
    assert feed.next_poll_at is not None
    assert feed.checked_at is not None
    # Twice failed: four times the interval, give or take the jitter.
    assert feed.next_poll_at - feed.checked_at >= timedelta(seconds=4 * 600 * 0.9)
    status = await web_desk.answer_line("/feed status", by=MODERATOR)
    assert isinstance(status, FeedList)
    assert "last error: the server answered 404 Not Found" in status.text()
    assert "2 polls in a row" in status.text()

    publish_feed(local_web, "rss_v1.xml")
    await poll(web_desk)
    [feed] = await web_desk.store.feeds.all()
    assert (feed.error, feed.failures) == (None, 0)


async def test_an_entry_whose_page_failed_is_fetched_again_at_the_next_poll(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = publish_feed(local_web, "rss_v1.xml")
    missing = FEEDS["rss_v1.xml"]["entries"][0]["link"]
    page = local_web.served.pop(missing)

    added = await follow(web_desk, url)
    assert len(added.poll.added) == 2
    assert added.poll.entry_errors[0].endswith("the server answered 404 Not Found")

    local_web.served[missing] = page
    [result] = (await poll(web_desk)).results
    assert len(result.added) == 1  # the feed was read again, not answered "not modified"


async def test_a_link_that_is_no_feed_is_not_followed(web_desk: Desk, local_web: LocalWeb) -> None:
    url = local_web.put("/news.html", "<!doctype html><html><body><p>Hello</p></body></html>")

    answer = await web_desk.answer_line(f"/feed add {url}", by=MODERATOR)

    assert isinstance(answer, UserError)
    assert answer.message.startswith(f"Cannot follow {url}: not an RSS or Atom feed")
    assert await web_desk.store.feeds.all() == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://192.168.0.10/rss", "192.168.0.10 is a private or reserved address"),
        ("file:///etc/passwd", "only http and https"),
        ("not a url", "is not a web address"),
    ],
)
async def test_bad_feed_addresses_are_refused(web_desk: Desk, url: str, why: str) -> None:
    answer = await web_desk.answer_line(f"/feed add {url}", by=MODERATOR)

    assert isinstance(answer, UserError)
    assert why in answer.message
    assert await web_desk.store.feeds.all() == []


async def test_a_feed_followed_already_is_not_added_twice(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = publish_feed(local_web, "rss_v1.xml")
    await follow(web_desk, url)

    answer = await web_desk.answer_line(f"/feed add {url}", by=MODERATOR)

    assert isinstance(answer, UserError)
    assert "followed already" in answer.message


async def test_removing_a_feed_keeps_its_articles(web_desk: Desk, local_web: LocalWeb) -> None:
    added = await follow(web_desk, publish_feed(local_web, "rss_v1.xml"))

    answer = await web_desk.answer_line(f"/feed remove {added.feed.id}", by=MODERATOR)

    assert answer.text() == (
        f"Stopped following #{added.feed.id} Pravda Example — World. Its 3 articles stay in the "
        "archive."
    )
    assert await web_desk.store.feeds.all() == []
    assert set(added.poll.added) <= {a.id for a in web_desk.snapshot.articles}


async def test_a_reload_of_the_folder_leaves_the_feeds_articles_alone(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    added = await follow(web_desk, publish_feed(local_web, "rss_v1.xml"))

    await web_desk.answer_line("/reload")

    assert set(added.poll.added) <= {a.id for a in web_desk.snapshot.articles}


async def test_new_articles_are_announced_once_and_not_those_of_the_first_poll(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    await web_desk.answer_line("/feed announce channel:555", by=MODERATOR)
    await follow(web_desk, publish_feed(local_web, "rss_v1.xml"))
    assert await web_desk.store.feeds.to_announce() == []

    publish_feed(local_web, "rss_v2.xml")
    [result] = (await poll(web_desk)).results

    [announcement] = await web_desk.store.feeds.to_announce()
    assert (announcement.guild_id, announcement.channel_id) == (9, 555)
    assert [announcement.article_id] == result.added  # not the updated one
    assert await web_desk.store.feeds.mark_announced(9, announcement.article_id)
    assert not await web_desk.store.feeds.mark_announced(9, announcement.article_id)
    assert await web_desk.store.feeds.to_announce() == []


def test_the_entry_titles_in_the_test_feeds_are_distinct() -> None:
    for name in FEEDS:
        assert len(set(entry_titles(name))) == len(FEEDS[name]["entries"])


async def test_the_loop_reads_nothing_until_a_feed_is_due_or_another_process_adds_one(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    assert await web_desk.poller.poll_due() == []  # asked the store: no feed
    assert await web_desk.poller.poll_due() is None  # nothing written since: not asked again

    other = await Store.open(web_desk.store.path)  # `newsdesk feed add` in another process
    try:
        await other.feeds.add(publish_feed(local_web, "atom_v1.xml"), added_by="newsdesk feed")
    finally:
        await other.close()

    results = await web_desk.poller.poll_due()
    assert results is not None
    [result] = results
    assert len(result.added) == 2
    assert await web_desk.poller.poll_due() is None  # the next poll is ten minutes away


async def test_two_entries_that_link_the_same_page_load_it_once_and_are_both_remembered(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    link = local_web.put(
        "/one.html", (WEB_DATA / "feeds" / "articles" / "seoul-7000.html").read_bytes()
    )
    items = "".join(
        f"<item><title>Seoul: 7,000 ({n})</title><link>{link}</link><guid>g-{n}</guid></item>"
        for n in (1, 2)
    )
    url = local_web.put(
        "/twice.xml",
        f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>",
        "application/rss+xml",
    )

    added = await follow(web_desk, url)
    local_web.put("/twice.xml", local_web.served["/twice.xml"].body + b" ", "application/rss+xml")
    [again] = (await poll(web_desk)).results

    assert len(added.poll.added) == 1
    assert local_web.hits["/one.html"] == 1
    assert (again.added, again.updated, again.unchanged) == ([], [], 2)
