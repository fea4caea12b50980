"""The real bot process on a bad day: Discord unreachable or down at start, a restart with the
same commands, and SIGTERM in the middle of a reload."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.fake_discord import APP_ID, OWNER, FakeDiscord
from tests.e2e.process import REPO, START_SECONDS, TOKEN, Launch

CHANNEL_MESSAGE, DEFERRED = 4, 5
GLOBAL_COMMANDS = f"/applications/{APP_ID}/commands"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (until a test starts something there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pointed_at(port: int) -> dict[str, str]:
    return {
        "DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10",
        "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
    }


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1:{port}", "no connection to 127.0.0.1:{port}"),
        ("discord.invalid", "cannot resolve discord.invalid"),
    ],
)
async def test_no_route_to_discord_is_a_line_per_try_and_sigterm_ends_it(
    launch: Launch, address: str, reason: str
) -> None:
    port = closed_port()
    host = address.format(port=port)
    bot = await launch(
        DISCORD_API_BASE=f"http://{host}/api/v10", DISCORD_GATEWAY_URL=f"ws://{host}"
    )

    await bot.wait_for_log("trying again in 2 s")  # the second try
    code = await bot.stop()

    assert code == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    tries = [line for line in bot.stderr.splitlines() if "cannot reach Discord" in line]
    assert tries[0].endswith("; check the network; trying again in 1 s")
    assert reason.format(port=port) in tries[0]
    assert "ClientConnector" not in bot.stderr


async def test_discord_down_at_start_is_waited_out_and_then_served(
    launch: Launch, seeds: Path
) -> None:
    port = closed_port()
    bot = await launch(**pointed_at(port))
    await bot.wait_for_log("trying again in 1 s")

    async with FakeDiscord(TOKEN, port=port) as later:  # Discord is back
        await bot.until(later.wait_for_sync(within=START_SECONDS), "the command sync")
        await bot.until(later.wait_ready(), "IDENTIFY")
        callback = await bot.until(later.slash("facts", {"topic": "shipments"}), "/facts")
        assert callback["type"] == CHANNEL_MESSAGE
        assert await bot.stop() == 0
    assert "Traceback" not in bot.stderr


def test_sync_with_no_route_to_discord_is_one_line(tmp_path: Path, seeds: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": TOKEN,
        "NEWSDESK_DB": str(tmp_path / "db.sqlite3"),
        "NEWSDESK_SEEDS": str(seeds),
        **pointed_at(closed_port()),
    }

    done = subprocess.run(
        [sys.executable, "-m", "bot", "sync"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert "cannot reach Discord (no connection to 127.0.0.1:" in done.stderr


async def test_commands_are_published_globally_only_when_they_changed(
    fake: FakeDiscord, launch: Launch, tmp_path: Path
) -> None:
    async def start_and_stop(expected_log: str) -> None:
        bot = await launch(DEV_GUILD_ID="")
        await bot.until(fake.wait_ready(within=START_SECONDS), "IDENTIFY")
        await bot.wait_for_log(expected_log)
        assert await bot.stop() == 0

    await start_and_stop("commands to all servers (global)")
    await start_and_stop("commands unchanged since the last global sync")
    published = len(list(fake.requests_to("PUT", GLOBAL_COMMANDS)))
    with sqlite3.connect(tmp_path / "newsdesk.sqlite3") as db:  # as an older release left it
        db.execute("UPDATE command_syncs SET tree_hash = 'an older tree'")
    db.close()
    await start_and_stop("commands to all servers (global)")

    assert published == 1
    assert len(list(fake.requests_to("PUT", GLOBAL_COMMANDS))) == 2
    assert not list(fake.requests_to("PUT", f"/applications/{APP_ID}/guilds/"))


@pytest.mark.slow
async def test_sigterm_during_a_reload_answers_the_moderator_and_exits_cleanly(
    fake: FakeDiscord, launch: Launch, seeds: Path, tmp_path: Path
) -> None:
    bot = await launch()
    await bot.until(fake.wait_for_sync(within=START_SECONDS), "the command sync")
    await bot.until(fake.wait_ready(), "IDENTIFY")
    seed = (seeds / "000_cc92a137cd6d6a98.txt").read_text("utf-8")
    for number in range(2500):  # a load of seconds
        (seeds / f"copy_{number:04}.txt").write_text(seed.replace("13:03", f"{number % 24:02}:03"))

    deferred = await bot.until(fake.slash("reload", user=OWNER), "/reload")
    assert deferred["type"] == DEFERRED
    bot.process.terminate()  # SIGTERM, as systemd and docker stop send
    followup = await bot.until(
        fake.wait_until(
            lambda: next(
                (r for r in fake.requests if r.method == "POST" and "/webhooks/" in r.path), None
            ),
            "the answer to /reload",
            within=30,
        ),
        "the answer to /reload",
    )
    code = await bot.wait_exit()

    assert code == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    embeds = followup.json.get("embeds") or []
    answer = embeds[0]["title"] if embeds else followup.json.get("content", "")
    assert answer.startswith(("Reload: 2500 added", "The bot is shutting down")), answer
    with sqlite3.connect(tmp_path / "newsdesk.sqlite3") as db:
        [(count,)] = db.execute("SELECT count(*) FROM articles").fetchall()
        [(check,)] = db.execute("PRAGMA integrity_check").fetchall()
    db.close()
    assert count in (3, 2503)  # the load finished, or rolled back: never half of it
    assert check == "ok"
    shutil.rmtree(seeds)


async def test_sync_with_a_refused_token_is_one_line(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": "not-the-token-the-fake-knows",
        "NEWSDESK_DB": str(tmp_path / "db.sqlite3"),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
    }
    sync = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sync", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )

    _, stderr = await asyncio.wait_for(sync.communicate(), START_SECONDS)

    assert sync.returncode == 1
    assert stderr.decode().count("\n") == 1, stderr
    assert b"Discord refused the token in DISCORD_TOKEN" in stderr
