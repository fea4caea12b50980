"""The web: fetching pages and feeds safely, and reading RSS and Atom feeds."""

from bot.web.feeds import Entry, Feed, FeedError, parse_feed
from bot.web.fetch import (
    FEED_TYPES,
    PAGE_TYPES,
    Fetched,
    Fetcher,
    FetchError,
    FetchPolicy,
    Session,
)

__all__ = [
    "FEED_TYPES",
    "PAGE_TYPES",
    "Entry",
    "Feed",
    "FeedError",
    "FetchError",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "Session",
    "parse_feed",
]
