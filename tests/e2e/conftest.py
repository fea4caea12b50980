"""The end-to-end tests' fixtures: a fake Discord on 127.0.0.1, and bot processes pointed at it,
stopped (or killed) when the test ends."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.fake_discord import GUILD_ID, FakeDiscord
from tests.e2e.process import REPO, START_SECONDS, TOKEN, BotProcess, Launch


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN) as started:
        yield started


@pytest.fixture
async def launch(fake: FakeDiscord, seeds: Path, tmp_path: Path) -> AsyncIterator[Launch]:
    """Starts bot processes pointed at the fake; stops (or kills) them all at the end."""
    started: list[BotProcess] = []

    async def start(**overrides: str) -> BotProcess:
        workdir = tmp_path / f"cwd{len(started)}"  # no .env here: only `env` counts
        workdir.mkdir()
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DEV_GUILD_ID": str(GUILD_ID),
            "NEWSDESK_DB": str(tmp_path / "newsdesk.sqlite3"),
            "NEWSDESK_SEEDS": str(seeds),
            "LOG_LEVEL": "INFO",
            **overrides,
        }
        process = await BotProcess.start(env, workdir)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            try:
                await process.stop()
            finally:
                await process.kill()


@pytest.fixture
async def bot(fake: FakeDiscord, launch: Launch) -> AsyncIterator[BotProcess]:
    """A bot that has logged in, synced its commands and received READY and the guild."""
    process = await launch()
    await process.until(fake.wait_for_sync(within=START_SECONDS), "the command sync")
    await process.until(fake.wait_ready(), "IDENTIFY")
    yield process
    await process.stop()
    # Checked after every test: the bot called nothing the fake does not know, and nothing wrong.
    assert fake.unknown_routes == [], process.stderr
    assert fake.errors == [], process.stderr
