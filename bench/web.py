"""Benchmark articles from the web: a page made into an article, a link ingested, and a feed
polled, on a server on 127.0.0.1 (the tests' pages and feeds).

    .venv/bin/python -m bench.web

Reports page extraction p50/p95 per layout page (trafilatura and our extractor), /ingest url:
end to end (fetch, parse, load, answer), a first poll of a 30-entry feed, a poll answered 304,
and how long the event loop was held at most while a feed's pages were parsed.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.articles import KYIV
from bot.articles.html import extract_page
from bot.desk import Desk, SeedsFolder
from bot.desk.ingest import IngestAnswer, ingest_url
from bot.desk.polling import ENTRIES_PER_POLL
from bot.desk.service import Web
from bot.store import Requester, Store
from bot.web import FetchPolicy
from tests.conftest import REPO
from tests.local_web import WEB_DATA, LocalWeb

BY = Requester("bench")
PAGES = sorted((WEB_DATA / "pages").glob("*.html")) + sorted(
    (WEB_DATA / "feeds" / "articles").glob("*.html")
)
TARGETS = {"page p95 (ms)": 50.0, "ingest p95 (ms)": 250.0, "loop held max (ms)": 100.0}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def extraction() -> list[float]:
    times = []
    for path in PAGES:
        if path.name == "not_an_article.html":
            continue
        data = path.read_bytes()
        for _ in range(5):
            started = time.perf_counter()
            extract_page(data)
            times.append((time.perf_counter() - started) * 1000)
    return times


def feed_of(web: LocalWeb, count: int) -> str:
    """An RSS feed of `count` entries, each linking its own copy of a page."""
    page = (WEB_DATA / "pages" / "up_wordpress.html").read_bytes()
    items = []
    for number in range(count):
        path = f"/bench/{number}.html"
        web.put(
            path, page.replace(b"10,000 containers", f"{10_000 + number:,} containers".encode())
        )
        items.append(
            f"<item><title>Entry {number}</title><link>{web.url(path)}</link>"
            f"<guid>bench-{number}</guid></item>"
        )
    body = "<rss version='2.0'><channel><title>Bench</title>" + "".join(items) + "</channel></rss>"
    return web.put("/bench.xml", body, "application/rss+xml")


async def loop_held(work: asyncio.Future[Any]) -> float:
    """The longest the event loop went without running a 1 ms ticker while `work` ran."""
    longest = 0.0
    while not work.done():
        started = time.perf_counter()
        await asyncio.sleep(0.001)
        longest = max(longest, time.perf_counter() - started - 0.001)
    return longest * 1000


async def main() -> None:
    pages = extraction()
    web = LocalWeb()
    await web.start()
    folder = Path(tempfile.mkdtemp())
    store = await Store.open(folder / "bench.sqlite3")
    try:
        await store.load_folder(REPO / "seeds")
        desk = Desk(
            store,
            SeedsFolder(REPO / "seeds", KYIV, 2_000_000),
            web=Web.of(FetchPolicy(allow_loopback=True)),
        )
        page = (WEB_DATA / "pages" / "jsonld_newsarticle.html").read_bytes()
        ingests = []
        for number in range(20):
            url = web.put(
                f"/ingest/{number}", page.replace(b"5,000", f"{5_000 + number:,}".encode())
            )
            started = time.perf_counter()
            answer = await ingest_url(desk, url, by=BY)
            ingests.append((time.perf_counter() - started) * 1000)
            assert isinstance(answer, IngestAnswer), answer.text()
        url = feed_of(web, ENTRIES_PER_POLL)
        feed = await store.feeds.add(url, added_by="bench")
        started = time.perf_counter()
        polling = asyncio.ensure_future(desk.poller.poll(feed))
        held = await loop_held(polling)
        first = await polling
        first_ms = (time.perf_counter() - started) * 1000
        assert len(first.added) == ENTRIES_PER_POLL, first.summary()
        again = await store.feeds.get(feed.id)
        assert again is not None
        started = time.perf_counter()
        second = await desk.poller.poll(again)
        second_ms = (time.perf_counter() - started) * 1000
        assert second.not_modified
    finally:
        await store.close()
        await web.close()
    rows = [
        ("page p50 (ms)", statistics.median(pages), None),
        ("page p95 (ms)", percentile(pages, 0.95), TARGETS["page p95 (ms)"]),
        ("ingest p50 (ms)", statistics.median(ingests), None),
        ("ingest p95 (ms)", percentile(ingests, 0.95), TARGETS["ingest p95 (ms)"]),
        (f"first poll, {ENTRIES_PER_POLL} entries (ms)", first_ms, None),
        ("poll answered 304 (ms)", second_ms, None),
        ("loop held max (ms)", held, TARGETS["loop held max (ms)"]),
    ]
    for name, value, target in rows:
        goal = f"<= {target:g}" if target is not None else ""
        met = "" if target is None else ("met" if value <= target else "MISSED")
        print(f"{name:<34} {value:9.1f}  {goal:>8} {met}")


if __name__ == "__main__":
    asyncio.run(main())
