"""The console as a person uses it: `newsdesk console` on a terminal (a pseudo-terminal here)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WAIT = 30.0  # seconds for the console to start or answer


class Terminal:
    """`newsdesk console` with a pseudo-terminal for its stdin and stdout."""

    def __init__(self, seeds: Path, home: Path) -> None:
        self.master, follower = pty.openpty()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "NEWSDESK_"))},
            "PYTHONPATH": str(REPO),
            "HOME": str(home),
            "TERM": "xterm",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--seeds", str(seeds), "--db", "db.sqlite3"],
            stdin=follower,
            stdout=follower,
            stderr=subprocess.PIPE,
            cwd=home,
            env=env,
        )
        os.close(follower)
        self.screen = ""

    def read_until(self, text: str) -> str:
        """What the terminal shows from now until `text` appears in it."""
        start = len(self.screen)
        deadline = time.monotonic() + WAIT
        while text not in self.screen[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never came; the terminal shows:\n{self.screen}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.screen += os.read(self.master, 4096).decode(errors="replace")
                except OSError:  # the console exited and closed the terminal
                    raise AssertionError(f"{text!r} never came:\n{self.screen}") from None
        return self.screen[start:]

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def exit_code(self, within: float = 5.0) -> int | None:
        """The exit code, or None when the console is still running after `within` seconds."""
        try:
            return self.process.wait(within)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(seeds: Path, tmp_path: Path) -> Iterator[Terminal]:
    opened = Terminal(seeds, tmp_path)
    yield opened
    opened.close()


def test_the_console_says_how_many_articles_are_loaded(terminal: Terminal) -> None:
    screen = terminal.read_until("newsdesk> ")

    assert "3 articles loaded. Type /help for the commands, /quit to leave." in screen


def test_ctrl_c_at_the_prompt_leaves_at_once(terminal: Terminal) -> None:
    terminal.read_until("newsdesk> ")

    terminal.process.send_signal(signal.SIGINT)  # what the terminal sends for Ctrl-C

    assert terminal.exit_code() == 0
    assert terminal.process.stderr is not None
    assert "Traceback" not in terminal.process.stderr.read().decode()


def test_the_up_arrow_brings_back_the_last_command(terminal: Terminal) -> None:
    terminal.read_until("newsdesk> ")
    terminal.type("/quote Putin\r")
    terminal.read_until("newsdesk> ")

    terminal.type("\x1b[A\r")  # up arrow, then Enter: readline's history

    again = terminal.read_until("newsdesk> ")
    assert "/quote Putin" in again
    assert "Quotes from Vladimir Putin:" in again
    terminal.type("/quit\r")
    assert terminal.exit_code() == 0
