"""The offline console: the bot's commands typed at a prompt or piped in, answered by the desk.

The loop runs in the main thread and each answer on one event loop (`asyncio.Runner`), so that
Ctrl-C stops it at once and `input()` gets readline's line editing and history.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.desk import COMMANDS, CommandSpec, Desk, UserError, parse_invocation
from bot.digest import CONSOLE_COMMANDS as DIGEST_COMMANDS
from bot.digest import FIRST_LOOKBACK, Digests, compose, digest_text
from bot.text import plural

log = logging.getLogger(__name__)

PROMPT = "newsdesk> "
HISTORY_FILE = Path("~/.newsdesk_history")
HISTORY_LENGTH = 1000


# What the local operator may type: every command of the desk, the digest's, and /quit.
CONSOLE_COMMANDS = (
    *COMMANDS,
    *DIGEST_COMMANDS,
    CommandSpec("quit", "Leave the console (or /exit, or Ctrl-D)", console_only=True),
)


class Quit(Exception):
    """The operator typed /quit or /exit."""


@dataclass(frozen=True, slots=True)
class Printed:
    text: str
    failed: bool = False  # the command could not be answered: bad input, or a bug


class Console:
    """Answers one typed line: the desk's commands, and the operator's digest commands."""

    def __init__(self, desk: Desk, digests: Digests | None = None) -> None:
        self.desk = desk
        self.digests = digests

    async def answer(self, line: str) -> Printed | None:
        """What to print for `line`; None for a blank line or a comment. Raises Quit.

        A bug in one command is one line here, and the next command is still answered."""
        line = line.strip()
        if not line or line.startswith("#"):
            return None
        invocation = parse_invocation(line, self.desk.commands)
        if isinstance(invocation, UserError):
            return Printed(invocation.text(), failed=True)
        if invocation.name == "quit":
            raise Quit
        try:
            if invocation.name.startswith("digest "):
                return await self._digest(invocation.name, invocation.options.get("server", ""))
            answer = await self.desk.answer(invocation.name, invocation.options)
        except Exception as error:
            log.debug("%r failed", line, exc_info=True)
            reason = f"{type(error).__name__}: {error}"
            return Printed(f"Something went wrong answering that ({reason}).", failed=True)
        return Printed(answer.text(), failed=isinstance(answer, UserError))

    async def _digest(self, name: str, server: str) -> Printed:
        store = self.desk.store
        if self.digests is None:
            return Printed("No digest schedule is open here.", failed=True)
        if name == "digest status":
            statuses = await self.digests.statuses()
            if not statuses:
                defaults = (await self.digests.status(0)).text()
                return Printed(
                    f"No server has set up its digest; each gets the defaults:\n{defaults}"
                )
            return Printed(
                "\n\n".join(
                    f"Server {status.config.guild_id}:\n{status.text()}" for status in statuses
                )
            )
        if server:
            if not (server.isascii() and server.isdigit()) or len(server) > 20:
                return Printed(f"server is a server's id, digits only, not “{server}”.", True)
            return Printed(digest_text((await self.digests.preview(int(server))).digest))
        now = self.digests.clock()
        zone = self.digests.defaults.zone
        digest = await compose(store, since=now - FIRST_LOOKBACK, until=now, zone=zone)
        return Printed(digest_text(digest))


def drive(runner: asyncio.Runner, console: Console, stdin: TextIO, stdout: TextIO) -> int:
    """Answer one command per line until end of input or /quit; prompt only when a person is
    typing. Ctrl-C ends it at once."""
    interactive = stdin.isatty() and stdout.isatty()
    history = _line_editing() if interactive else None
    try:
        while True:
            if interactive:
                line = input(PROMPT)
            else:
                line = stdin.readline()
                if not line:
                    return 0
            printed = runner.run(console.answer(line))
            if printed is not None:
                stdout.write(printed.text + "\n")
                stdout.flush()
    except (EOFError, KeyboardInterrupt):
        if interactive:
            stdout.write("\n")
        return 0
    except Quit:
        return 0
    finally:
        if history is not None:
            _save_history(history)


def greeting(desk: Desk) -> str:
    count = len(desk.snapshot.articles)
    return f"{plural(count, 'article')} loaded. Type /help for the commands, /quit to leave."


def _line_editing() -> Path | None:
    """Line editing and a history kept between sessions, where Python has readline."""
    try:
        import readline
    except ImportError:  # Windows, or a Python built without it
        return None
    path = HISTORY_FILE.expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    return path


def _save_history(path: Path) -> None:
    import readline

    # A history that cannot be written (a read-only home) is not worth a failure.
    with contextlib.suppress(OSError):
        readline.write_history_file(path)
        path.chmod(0o600)  # commands may name what an operator looked into
