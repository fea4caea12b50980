"""Reading RSS and Atom: each entry's key, link and version, and what is not a feed."""

import pytest

from bot.web import FeedError, parse_feed

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Pravda Example — World</title>
<link>https://www.pravda.example/</link><description>News</description>
<item><title>Shin: 10,000 containers</title><link>https://www.pravda.example/a/1</link>
<guid isPermaLink="false">up-1</guid><pubDate>Thu, 13 Jun 2024 12:30:00 GMT</pubDate>
<description>Teaser</description></item>
<item><title>No guid</title><link>/a/2</link></item>
<item><title>Same guid again</title><link>https://www.pravda.example/a/1b</link>
<guid isPermaLink="false">up-1</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire — Asia</title>
<id>tag:news.example.org,2024:feed</id><updated>2024-03-05T09:12:00Z</updated>
<entry><id>tag:news.example.org,2024:1</id><title>Seoul says 6,700 containers</title>
<link rel="alternate" href="https://news.example.org/1"/>
<updated>2024-03-05T09:12:00Z</updated><published>2024-03-05T09:00:00Z</published></entry>
</feed>"""


def test_rss_items_are_keyed_by_guid_and_relative_links_read_against_the_feed() -> None:
    feed = parse_feed(RSS.encode(), "https://www.pravda.example/rss")

    assert feed.title == "Pravda Example — World"
    assert [(e.key, e.link) for e in feed.entries] == [
        ("up-1", "https://www.pravda.example/a/1"),
        ("https://www.pravda.example/a/2", "https://www.pravda.example/a/2"),
    ]  # the second item with guid up-1 is the same entry, read once


def test_an_atom_entry_is_keyed_by_its_id_and_versioned_by_its_updated_time() -> None:
    [entry] = parse_feed(ATOM.encode(), "https://news.example.org/atom").entries
    later = ATOM.replace(
        "<updated>2024-03-05T09:12:00Z</updated><published>",
        "<updated>2024-03-06T10:00:00Z</updated><published>",
    )
    [updated] = parse_feed(later.encode(), "https://news.example.org/atom").entries

    assert entry.key == updated.key == "tag:news.example.org,2024:1"
    assert entry.link == "https://news.example.org/1"
    assert entry.version != updated.version


def test_an_rss_item_whose_title_was_corrected_is_a_new_version() -> None:
    [first, _] = parse_feed(RSS.encode(), "https://www.pravda.example/rss").entries
    corrected = RSS.replace("Shin: 10,000 containers", "Shin: at least 10,000 containers")
    [again, _] = parse_feed(corrected.encode(), "https://www.pravda.example/rss").entries

    assert again.key == first.key
    assert again.version != first.version
    unchanged = parse_feed(RSS.encode(), "https://www.pravda.example/rss").entries[0]
    assert unchanged.version == first.version


@pytest.mark.parametrize(
    "body",
    [
        b"<!doctype html><html><body><p>A web page</p></body></html>",
        b"",
        b"\x89PNG\r\n",
    ],
)
def test_what_is_not_a_feed_is_refused(body: bytes) -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(body, "https://news.example.org/page")
