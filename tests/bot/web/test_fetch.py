"""Fetching pages and feeds against a server on 127.0.0.1: what comes back, and every way a
fetch is refused with a reason a moderator can act on."""

import asyncio
import re

import pytest

from bot.web.fetch import FEED_TYPES, Fetcher, FetchError, FetchPolicy, PublicResolver
from tests.local_web import LocalWeb

ARTICLE = "<html><head><title>A page</title></head><body><p>Words.</p></body></html>"
LOOPBACK = FetchPolicy(timeout=5.0, max_bytes=2 * 1024 * 1024, allow_loopback=True)


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(LOOPBACK)


async def test_a_page_comes_with_its_type_address_and_validators(
    local_web: LocalWeb, fetcher: Fetcher
) -> None:
    url = local_web.put("/article.html", ARTICLE)

    page = await fetcher.fetch(url)

    assert page.status == 200
    assert page.body == ARTICLE.encode()
    assert page.content_type == "text/html"
    assert page.url == url
    assert page.etag == local_web.served["/article.html"].etag
    assert page.last_modified


async def test_a_conditional_request_gets_not_modified(
    local_web: LocalWeb, fetcher: Fetcher
) -> None:
    url = local_web.put("/feed.xml", "<rss version='2.0'></rss>", "application/rss+xml")
    first = await fetcher.fetch(url, FEED_TYPES)

    async with fetcher.session() as session:
        again = await session.fetch(url, FEED_TYPES, etag=first.etag)

    assert again.not_modified
    assert again.body == b""
    assert local_web.headers["/feed.xml"]["If-None-Match"] == first.etag


async def test_five_redirects_are_followed_to_the_page(
    local_web: LocalWeb, fetcher: Fetcher
) -> None:
    local_web.put("/article.html", ARTICLE)

    page = await fetcher.fetch(local_web.url("/hops/5"))

    assert page.body == ARTICLE.encode()
    assert page.url == local_web.url("/hops/0")


async def test_a_sixth_redirect_is_refused(local_web: LocalWeb, fetcher: Fetcher) -> None:
    local_web.put("/article.html", ARTICLE)

    with pytest.raises(FetchError, match=re.escape("more than 5 redirects")):
        await fetcher.fetch(local_web.url("/hops/6"))


async def test_a_redirect_loop_is_refused_at_once(local_web: LocalWeb, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=re.escape("redirect loop")):
        await fetcher.fetch(local_web.url("/loop/a"))

    assert local_web.hits["/loop/a"] == 1
    assert local_web.hits["/loop/b"] == 1


async def test_a_50_mb_body_is_cut_off_at_the_cap(local_web: LocalWeb, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=re.escape("too large: over the limit of 2,097,152 bytes")):
        await fetcher.fetch(local_web.url("/huge"))


async def test_a_declared_50_mb_body_is_refused_before_reading_it(
    local_web: LocalWeb, fetcher: Fetcher
) -> None:
    with pytest.raises(FetchError, match=re.escape("too large: 52,428,800 bytes")):
        await fetcher.fetch(local_web.url("/huge-declared"))


async def test_a_slow_server_times_out_without_holding_the_event_loop(
    local_web: LocalWeb,
) -> None:
    fetcher = Fetcher(FetchPolicy(timeout=1.0, allow_loopback=True))
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        with pytest.raises(FetchError, match=re.escape("timed out after 1 s")):
            await fetcher.fetch(local_web.url("/slow"))
    finally:
        ticker.cancel()

    assert ticks >= 10  # the loop kept running while the fetch waited


async def test_a_page_that_is_not_html_is_refused(local_web: LocalWeb, fetcher: Fetcher) -> None:
    url = local_web.put("/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")

    with pytest.raises(FetchError, match=re.escape("the server says it is image/png")):
        await fetcher.fetch(url)


async def test_a_missing_page_says_what_the_server_answered(
    local_web: LocalWeb, fetcher: Fetcher
) -> None:
    with pytest.raises(FetchError, match=re.escape("the server answered 404 Not Found")):
        await fetcher.fetch(local_web.url("/gone.html"))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://10.0.0.7/admin", "10.0.0.7 is a private or reserved address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private or reserved address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[::ffff:10.1.2.3]/", "10.1.2.3 is a private or reserved address"),
        ("http://0.0.0.0/", "0.0.0.0 is a private or reserved address"),
    ],
)
async def test_private_addresses_are_refused(url: str, why: str, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=re.escape(f"refused: {why}")):
        await fetcher.fetch(url)


async def test_loopback_is_refused_unless_the_policy_allows_it(local_web: LocalWeb) -> None:
    url = local_web.put("/article.html", ARTICLE)
    strict = Fetcher(FetchPolicy(timeout=5.0))

    with pytest.raises(FetchError, match=re.escape("127.0.0.1 is this machine")):
        await strict.fetch(url)
    with pytest.raises(FetchError, match=re.escape("is this machine")):
        await strict.fetch(url.replace("127.0.0.1", "localhost"))
    assert local_web.hits["/article.html"] == 0


async def test_a_name_that_resolves_to_loopback_is_refused_where_aiohttp_connects() -> None:
    resolver = PublicResolver(FetchPolicy())
    try:
        with pytest.raises(FetchError, match=re.escape("is this machine")):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


async def test_a_redirect_to_a_private_address_is_refused(
    local_web: LocalWeb, fetcher: Fetcher
) -> None:
    with pytest.raises(FetchError, match=re.escape("10.0.0.7 is a private or reserved address")):
        await fetcher.fetch(local_web.url("/to-private"))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "only http and https addresses can be fetched, not file:"),
        ("ftp://example.org/a.html", "not ftp:"),
        ("javascript:alert(1)", "not javascript:"),
        ("example.org/news", "it needs http:// or https://"),
        ("http:///nohost", "has no host name"),
        ("http://user:secret@example.org/", "with a user name or password"),
        ("http://example.org:port/", "is not a web address"),
    ],
)
async def test_addresses_that_are_not_web_pages_are_refused(
    url: str, why: str, fetcher: Fetcher
) -> None:
    with pytest.raises(FetchError, match=why):
        await fetcher.fetch(url)


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1"])
async def test_loopback_written_as_a_legacy_number_is_refused(
    host: str, local_web: LocalWeb
) -> None:
    strict = Fetcher(FetchPolicy(timeout=5.0))
    local_web.put("/article.html", ARTICLE)

    with pytest.raises(FetchError):
        await strict.fetch(f"http://{host}:{local_web.port}/article.html")
    assert local_web.hits["/article.html"] == 0
