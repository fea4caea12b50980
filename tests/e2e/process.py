"""The bot as a process for the end-to-end tests: `python -m bot run` with its stderr collected,
and the waits on it, each bounded."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

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
