"""`newsdesk ingest FILE|--url` and `newsdesk feed`, each run as its own process against pages
and feeds served on 127.0.0.1: every run is a restart, so a poll that loads nothing twice is
checked across restarts."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.local_web import WEB_DATA, LocalWeb, publish_feed

pytestmark = pytest.mark.slow


async def newsdesk(tmp_path: Path, seeds: Path, *args: str) -> tuple[int, str, str]:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": str(REPO),
        "NEWSDESK_DB": str(tmp_path / "cli.sqlite3"),
        "NEWSDESK_SEEDS": str(seeds),
        "FETCH_ALLOW_LOOPBACK_FOR_TESTS": "true",
        "FETCH_TIMEOUT_SECONDS": "5",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_feed_followed_and_polled_across_restarts_loads_each_entry_once(
    tmp_path: Path, seeds: Path, local_web: LocalWeb
) -> None:
    url = publish_feed(local_web, "rss_v1.xml")

    code, out, _ = await newsdesk(tmp_path, seeds, "feed", "add", url)
    assert code == 0
    assert out.startswith(f"Following #1 Pravda Example — World ({url}): 3 new articles")

    publish_feed(local_web, "rss_v2.xml")
    code, out, _ = await newsdesk(tmp_path, seeds, "feed", "poll")
    assert out.strip() == "#1 Pravda Example — World: 1 new article, 1 updated, 2 unchanged"

    code, out, _ = await newsdesk(tmp_path, seeds, "feed", "poll")
    assert out.strip() == "#1 Pravda Example — World: not changed since the last poll"

    code, out, _ = await newsdesk(tmp_path, seeds, "ask", "/articles")
    assert out.count("\n#") + 1 == 3 + 4  # the seeds, and the feed's four entries, once each

    code, out, _ = await newsdesk(tmp_path, seeds, "feed", "status")
    assert "last error: none" in out
    assert "last new entry: 20" in out


async def test_a_page_and_a_file_are_ingested_and_a_bad_link_exits_1(
    tmp_path: Path, seeds: Path, local_web: LocalWeb
) -> None:
    url = local_web.put("/story", (WEB_DATA / "pages" / "jsonld_newsarticle.html").read_bytes())
    page = tmp_path / "wire.html"
    page.write_bytes((WEB_DATA / "pages" / "amp_wire.html").read_bytes())

    code, out, _ = await newsdesk(tmp_path, seeds, "ingest", "--url", url, str(page))
    assert code == 0
    assert out.count("Added “") == 2

    code, out, _ = await newsdesk(tmp_path, seeds, "ingest", "--url", "http://10.9.9.9/")
    assert code == 1
    assert "refused: 10.9.9.9 is a private or reserved address" in out
