"""The real bot, started as `python -m bot run`, against the fake Discord of fake_discord.py.

Each test starts the fake and a bot process of its own; the bot logs in over REST, syncs its
commands to the dev guild, connects to the gateway and answers the interactions the test pushes.
Every wait is bounded, and a wait for the bot also ends, with its stderr, if the process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tests.e2e.fake_discord import APP_ID, GUILD_ID, FakeDiscord, Json

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
TOKEN = "MTI1NDMwMDAwMDAwMDAwMDAwMQ.ZmFrZQ.end-to-end-tests-only"
START_SECONDS = 30.0  # python start-up, imports and the first load of the seeds
STOP_SECONDS = 10.0
LOG_SECONDS = 10.0
EPHEMERAL = 1 << 6
CHANNEL_MESSAGE = 4
AUTOCOMPLETE_RESULT = 8
READER_COMMANDS = {"facts", "source", "summary", "quote", "figures", "articles", "help"}
ARTICLE_TITLE = "Putin and Kim Jong Un sign agreement"
STOPPING = "stopping: closing the connection and the store"


class BotProcess:
    """`python -m bot run` in a temporary folder, its stderr collected while it runs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._new_line = asyncio.Condition()
        self._ended = False  # stderr closed: the process has exited
        self._reader = asyncio.create_task(self._read_stderr())

    @classmethod
    async def start(cls, env: dict[str, str], cwd: Path) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            async with self._new_line:
                self.lines.append(line.decode(errors="replace"))
                self._new_line.notify_all()
        async with self._new_line:
            self._ended = True
            self._new_line.notify_all()

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    async def until(self, awaitable: Awaitable[T], what: str) -> T:
        """The awaitable's result; if the bot exits first, fail with what it wrote."""
        waiting = asyncio.ensure_future(awaitable)
        exited = asyncio.ensure_future(self.process.wait())
        try:
            await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exited.cancel()
        if waiting.done():
            return waiting.result()
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        await self._drained()
        raise AssertionError(
            f"the bot exited with {self.process.returncode} while we waited for {what}; "
            f"its stderr:\n{self.stderr}"
        )

    async def wait_for_log(self, text: str) -> None:
        """Until a line of stderr holds `text`: the pipe may lag behind what the bot did."""

        async def logged() -> None:
            async with self._new_line:
                await self._new_line.wait_for(lambda: text in self.stderr or self._ended)

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(logged(), LOG_SECONDS)
        if text not in self.stderr:
            raise AssertionError(f"the bot did not log {text!r}; its stderr:\n{self.stderr}")

    async def wait_exit(self) -> int:
        """The exit code; SIGKILL, and a failure, if the bot does not exit in time."""
        try:
            await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
        except TimeoutError:
            await self.kill()
            raise AssertionError(
                f"the bot did not exit within {STOP_SECONDS:.0f} s; its stderr:\n{self.stderr}"
            ) from None
        await self._drained()
        return self.process.returncode if self.process.returncode is not None else -1

    async def stop(self) -> int:
        """One SIGTERM, as systemd or docker stop send, and the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.wait_exit()

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self._drained()

    async def _drained(self) -> None:
        # The pipe closes when the process exits; its last lines may still be in flight.
        try:
            await asyncio.wait_for(asyncio.shield(self._reader), STOP_SECONDS)
        except TimeoutError:
            self._reader.cancel()


Launch = Callable[..., Awaitable[BotProcess]]


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


def field_values(callback: Json) -> str:
    embeds = callback["data"].get("embeds") or []
    assert embeds, callback
    return "\n".join(field["value"] for field in embeds[0].get("fields", []))


async def test_bot_logs_in_and_syncs_its_commands_to_the_dev_guild(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    logged_in = [(r.method, r.path, r.authorization) for r in fake.requests[:2]]
    assert logged_in == [
        ("GET", "/users/@me", f"Bot {TOKEN}"),
        ("GET", "/oauth2/applications/@me", f"Bot {TOKEN}"),
    ]
    [body] = fake.sync_bodies()
    names = {command["name"] for command in body}
    assert names >= READER_COMMANDS
    facts = next(command for command in body if command["name"] == "facts")
    topic = next(option for option in facts["options"] if option["name"] == "topic")
    assert topic["type"] == 3
    assert topic["required"] is True
    assert topic["autocomplete"] is True
    assert not list(fake.requests_to("PUT", f"/applications/{APP_ID}/commands"))  # not global

    assert fake.identify is not None
    assert fake.identify["token"] == TOKEN
    assert fake.identify["intents"] == 1  # guilds only: no privileged intent
    assert fake.gateway_queries[0]["v"] == "10"
    await bot.wait_for_log(f"synced {len(body)} commands to the dev guild {GUILD_ID}")
    assert "voice will NOT be supported" not in bot.stderr  # a text-only bot: no voice warnings


async def test_facts_answers_an_embed_citing_the_container_facts(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    callback = await bot.until(fake.slash("facts", {"topic": "shipments"}), "/facts")

    assert callback["type"] == CHANNEL_MESSAGE
    data = callback["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    assert data["embeds"][0]["title"] == "Facts about “shipments”"
    values = field_values(callback)
    assert "containers" in values
    assert ARTICLE_TITLE in values


async def test_topic_autocomplete_offers_containers(fake: FakeDiscord, bot: BotProcess) -> None:
    callback = await bot.until(
        fake.autocomplete("facts", {"topic": "conta"}, focused="topic"), "autocomplete"
    )

    assert callback["type"] == AUTOCOMPLETE_RESULT
    choices = callback["data"]["choices"]
    assert "containers" in [choice["name"] for choice in choices]
    assert len(choices) <= 25


async def test_source_of_an_unknown_article_answers_only_the_reader(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    callback = await bot.until(fake.slash("source", {"article": "football results"}), "/source")

    assert callback["type"] == CHANNEL_MESSAGE
    data = callback["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("No article matches")
    assert data["allowed_mentions"] == {"parse": []}


async def test_sigterm_stops_the_bot_cleanly(fake: FakeDiscord, bot: BotProcess) -> None:
    # A session first, so that there is something to close: the store, the gateway.
    facts = await bot.until(fake.slash("facts", {"topic": "shipments"}), "/facts")
    assert facts["type"] == CHANNEL_MESSAGE
    choices = await bot.until(
        fake.autocomplete("quote", {"speaker": "put"}, focused="speaker"), "autocomplete"
    )
    assert choices["type"] == AUTOCOMPLETE_RESULT

    code = await bot.stop()

    assert code == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    assert STOPPING in bot.stderr
    await fake.wait_until(lambda: fake.gateway_close_codes, "the gateway to close")
    # The bot closed the gateway itself rather than dropping it. discord.py asks for 1000, but
    # with aiohttp 3.14 the close wakes the task reading the socket, which closes it with 4000
    # first; a process that just died would leave 1006 (abnormal closure) or no code.
    assert len(fake.gateway_close_codes) == 1
    assert fake.gateway_close_codes[0] in (1000, 4000), bot.stderr
    assert fake.unknown_routes == []
    assert fake.errors == []


async def test_a_refused_token_exits_1_with_one_line(fake: FakeDiscord, launch: Launch) -> None:
    bot = await launch(DISCORD_TOKEN="not-the-token-the-fake-knows")

    code = await bot.wait_exit()

    assert code == 1, bot.stderr
    assert "Discord refused the token in DISCORD_TOKEN" in bot.stderr
    assert "Traceback" not in bot.stderr
    assert [str(r) for r in fake.requests] == ["GET /users/@me"]
    assert fake.unknown_routes == []


async def test_sigterm_during_the_command_sync_still_stops_cleanly(
    fake: FakeDiscord, launch: Launch
) -> None:
    gate = fake.hold("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    bot = await launch()
    await bot.until(asyncio.wait_for(gate.arrived.wait(), START_SECONDS), "the command sync")

    bot.process.send_signal(signal.SIGTERM)  # e.g. systemctl stop while Discord is slow
    await bot.wait_for_log(STOPPING)
    gate.open()
    code = await bot.wait_exit()

    assert "Traceback" not in bot.stderr, bot.stderr
    assert code == 0, bot.stderr
