"""A small web server on 127.0.0.1 for the tests that fetch: pages and feeds served as a
newsroom's site would serve them (ETag and Last-Modified, 304s), and the bad servers a bot meets:
a redirect loop, a 50 MB body, a server too slow to answer, a page that is not HTML."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from multidict import CIMultiDictProxy

HUGE_BYTES = 50 * 1024 * 1024
SLOW_SECONDS = 30.0


@dataclass
class Served:
    body: bytes
    content_type: str
    etag: str
    last_modified: str


class LocalWeb:
    """Serves what a test put at a path; `hits` counts the requests to each path, `headers`
    keeps the last request's headers for each."""

    def __init__(self) -> None:
        self.port = 0
        self.served: dict[str, Served] = {}
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, CIMultiDictProxy[str]] = {}
        self._runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes | str, content_type: str = "text/html") -> str:
        """Serve `body` at `path` from now on, with a fresh ETag; its URL."""
        data = body.encode() if isinstance(body, str) else body
        stamp = format_datetime(datetime.now(UTC), usegmt=True)
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        self.served[path] = Served(data, content_type, etag, stamp)
        return self.url(path)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/loop/a", self._loop_a)
        app.router.add_get("/loop/b", self._loop_b)
        app.router.add_get("/hops/{n}", self._hops)
        app.router.add_get("/huge", self._huge)
        app.router.add_get("/huge-declared", self._huge_declared)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/to-private", self._to_private)
        app.router.add_get("/{tail:.*}", self._page)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _seen(self, request: web.Request) -> None:
        self.hits[request.path] += 1
        self.headers[request.path] = request.headers

    async def _page(self, request: web.Request) -> web.StreamResponse:
        self._seen(request)
        served = self.served.get(request.path)
        if served is None:
            return web.Response(status=404, text="Not found")
        headers = {"ETag": served.etag, "Last-Modified": served.last_modified}
        if request.headers.get("If-None-Match") == served.etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=served.body, content_type=served.content_type, headers=headers)

    async def _loop_a(self, request: web.Request) -> web.StreamResponse:
        self._seen(request)
        raise web.HTTPFound("/loop/b")

    async def _loop_b(self, request: web.Request) -> web.StreamResponse:
        self._seen(request)
        raise web.HTTPFound("/loop/a")

    async def _hops(self, request: web.Request) -> web.StreamResponse:
        """/hops/3 redirects to /hops/2 ... /hops/0, which serves /article.html."""
        self._seen(request)
        left = int(request.match_info["n"])
        if left > 0:
            raise web.HTTPMovedPermanently(f"/hops/{left - 1}")
        served = self.served["/article.html"]
        return web.Response(body=served.body, content_type=served.content_type)

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        """50 MB of HTML, chunked: no Content-Length tells the size in advance."""
        self._seen(request)
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<p>" + b"words " * 10_000 + b"</p>"
        sent = 0
        try:
            while sent < HUGE_BYTES:
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionResetError, RuntimeError):
            return response  # the client stopped reading, as it should
        await response.write_eof()
        return response

    async def _huge_declared(self, request: web.Request) -> web.StreamResponse:
        self._seen(request)
        response = web.StreamResponse(
            headers={"Content-Type": "text/html", "Content-Length": str(HUGE_BYTES)}
        )
        await response.prepare(request)
        try:
            await response.write(b"<p>")
            await asyncio.sleep(SLOW_SECONDS)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        """Headers at once, then a byte every second: only a total time-out stops it."""
        self._seen(request)
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for _ in range(int(SLOW_SECONDS)):
                await response.write(b" ")
                await asyncio.sleep(1.0)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def _to_private(self, request: web.Request) -> web.StreamResponse:
        self._seen(request)
        raise web.HTTPFound("http://10.0.0.7/admin")


WEB_DATA = Path(__file__).resolve().parent / "data" / "web"
FEEDS: dict[str, Any] = json.loads((WEB_DATA / "expected.json").read_text("utf-8"))["feeds"]


def publish_feed(web: LocalWeb, name: str, path: str = "/feed") -> str:
    """Serve a feed of tests/data/web/feeds (rss_v1.xml, atom_v2.xml, ...) at `path`, and
    each of its entries' pages as that version of the feed links them; the feed's URL."""
    feed = FEEDS[name]
    kind = "application/rss+xml" if feed["format"].startswith("rss") else "application/atom+xml"
    for entry in feed["entries"]:
        web.put(entry["link"], (WEB_DATA / entry["file"]).read_bytes())
    body = (WEB_DATA / "feeds" / name).read_text("utf-8").replace("{base}", web.base)
    return web.put(path, body, kind)


def entry_titles(name: str) -> list[str]:
    return [entry["title"] for entry in FEEDS[name]["entries"]]
