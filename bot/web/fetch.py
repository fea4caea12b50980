"""Fetching a page or a feed from the web, safely: http and https only, public addresses only
(no private, loopback or link-local host, however its name resolves), a size cap, a time-out,
at most five redirects, and the content type checked; never blocking the event loop."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "newsdesk/0.1 (a newsroom bot for Discord; reads the newsroom's own pages and feeds)"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "text/markdown"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        # Many feed servers label their feeds loosely; feedparser tells a feed from a page.
        "text/plain",
        "text/html",
    }
)


class FetchError(Exception):
    """The address could not be fetched; the message says why, in words for a moderator."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What a fetch may do. `allow_loopback` exists for tests that serve pages on 127.0.0.1;
    a bot never needs it."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_loopback: bool = False


@dataclass(frozen=True, slots=True)
class Fetched:
    """What an address gave: the body (empty when the server said it was not modified), the
    address it finally came from, and what a conditional request sends next time."""

    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_address(address: str, policy: FetchPolicy) -> None:
    """Refuse an IP address a bot must not reach: private, loopback, link-local, multicast,
    reserved or unspecified (SSRF), unless it is loopback and the policy allows loopback."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        raise FetchError(f"{address} is not an address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback and policy.allow_loopback:
        return
    if ip.is_loopback:
        raise FetchError(f"refused: {ip} is this machine (a loopback address)")
    if ip.is_link_local:
        raise FetchError(f"refused: {ip} is a link-local address")
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        raise FetchError(f"refused: {ip} is a private or reserved address, not the public web")


class PublicResolver(AbstractResolver):
    """Resolves a host name and refuses it when any of its addresses is not public. Checked
    where aiohttp connects, so a redirect, or a name that resolves differently the second time
    (DNS rebinding), cannot reach an address the first check did not see."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._resolver.resolve(host, port, family)
        for result in found:
            check_address(result["host"], self.policy)
        return found

    async def close(self) -> None:
        await self._resolver.close()


def check_url(url: str, policy: FetchPolicy) -> str:
    """The URL, if the bot may fetch it: http or https, with a host; an IP literal is checked
    here, for aiohttp connects to one without asking the resolver."""
    try:
        parts = urlsplit(url.strip())
        hostname = parts.hostname
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        raise FetchError(f"“{url}” is not a web address") from None
    if not parts.scheme:
        raise FetchError(f"“{url}” is not a web address: it needs http:// or https://")
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https addresses can be fetched, not {parts.scheme}:")
    if not hostname:
        raise FetchError(f"“{url}” has no host name")
    if parts.username or parts.password:
        raise FetchError("addresses with a user name or password are not fetched")
    try:
        ipaddress.ip_address(hostname.split("%", 1)[0])
    except ValueError:
        if hostname.rstrip(".").lower() == "localhost" or hostname.endswith(".localhost"):
            check_address("127.0.0.1", policy)
    else:
        check_address(hostname, policy)
    return url.strip()


class Fetcher:
    """Fetches through one client session at a time (`session()`), with the policy's limits."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        connector = aiohttp.TCPConnector(resolver=PublicResolver(self.policy), limit=4)
        async with aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": USER_AGENT},
            timeout=aiohttp.ClientTimeout(total=self.policy.timeout),
            trust_env=False,  # never a proxy from the environment: it would see past the checks
        ) as client:
            yield Session(client, self.policy)

    async def fetch(self, url: str, accept: Collection[str] = PAGE_TYPES) -> Fetched:
        async with self.session() as session:
            return await session.fetch(url, accept)


class Session:
    def __init__(self, client: aiohttp.ClientSession, policy: FetchPolicy) -> None:
        self.client = client
        self.policy = policy

    async def fetch(
        self,
        url: str,
        accept: Collection[str] = PAGE_TYPES,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET `url`, following at most five redirects, within the time-out and the size cap.
        Raises FetchError, its message for the moderator, for anything that is not a whole
        answer of an accepted type; a 304 to a conditional request is an answer."""
        try:
            async with asyncio.timeout(self.policy.timeout):
                return await self._follow(url, accept, etag, last_modified)
        except TimeoutError:
            raise FetchError(f"timed out after {self.policy.timeout:g} s") from None
        except aiohttp.ClientConnectorDNSError:
            host = urlsplit(url).hostname
            raise FetchError(f"the host {host} was not found") from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.__cause__, FetchError):
                raise error.__cause__ from None
            raise FetchError(f"cannot connect to {error.host}: {error.strerror}") from None
        except aiohttp.ClientResponseError as error:
            raise FetchError(f"the server's answer is not valid HTTP: {error.message}") from None
        except aiohttp.ClientError as error:
            raise FetchError(f"the fetch failed: {error}") from None

    async def _follow(
        self, url: str, accept: Collection[str], etag: str | None, last_modified: str | None
    ) -> Fetched:
        seen: list[str] = []
        current = check_url(url, self.policy)
        headers = {"Accept": ", ".join(sorted(accept)) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        while True:
            seen.append(current)
            async with self.client.get(current, headers=headers, allow_redirects=False) as answer:
                if answer.status in REDIRECTS and "Location" in answer.headers:
                    following = urljoin(current, answer.headers["Location"])
                    if following in seen:
                        raise FetchError(f"a redirect loop: {following} leads back to itself")
                    if len(seen) > MAX_REDIRECTS:
                        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
                    current = check_url(following, self.policy)
                    continue
                return await self._read(current, answer, accept)

    async def _read(
        self, url: str, answer: aiohttp.ClientResponse, accept: Collection[str]
    ) -> Fetched:
        etag, modified = answer.headers.get("ETag"), answer.headers.get("Last-Modified")
        if answer.status == 304:
            return Fetched(url, 304, "", b"", etag, modified)
        if answer.status != 200:
            raise FetchError(f"the server answered {answer.status} {answer.reason or ''}".strip())
        content_type = answer.content_type.lower()
        if content_type not in accept:
            raise FetchError(f"not a page the bot reads: the server says it is {content_type}")
        cap = self.policy.max_bytes
        if answer.content_length is not None and answer.content_length > cap:
            raise FetchError(
                f"too large: {answer.content_length:,} bytes, the limit is {cap:,} bytes"
            )
        body = bytearray()
        async for chunk in answer.content.iter_chunked(CHUNK):
            body += chunk
            if len(body) > cap:
                raise FetchError(f"too large: over the limit of {cap:,} bytes")
        return Fetched(url, 200, content_type, bytes(body), etag, modified)
