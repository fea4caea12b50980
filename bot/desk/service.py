"""The desk: the one service behind every command, on Discord and at the console alike."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.desk import lookup
from bot.desk.answers import Answer, UserError
from bot.desk.catalogue import COMMANDS, parse_invocation
from bot.desk.polling import Poller
from bot.desk.spec import Call, CommandSpec
from bot.fuzzy import Choice
from bot.store import Requester, Snapshot, Store
from bot.web import Fetcher, FetchPolicy

CONSOLE = Requester("console")


@dataclass(frozen=True, slots=True)
class SeedsFolder:
    """Where /reload loads the articles from, and how their files are read."""

    path: Path
    timezone: ZoneInfo
    max_bytes: int


FEED_INTERVAL = 600.0  # seconds between two polls of a feed, before jitter and back-off


@dataclass(frozen=True, slots=True)
class Web:
    """How the desk reaches the web: the fetcher with its limits, and how often feeds are
    polled."""

    fetcher: Fetcher
    feed_interval: float = FEED_INTERVAL

    @classmethod
    def of(cls, policy: FetchPolicy, feed_interval: float = FEED_INTERVAL) -> Web:
        return cls(Fetcher(policy), feed_interval)

    @classmethod
    def from_settings(cls, settings: Settings) -> Web:
        policy = FetchPolicy(
            timeout=float(settings.fetch_timeout),
            max_bytes=settings.fetch_max_bytes,
            allow_loopback=settings.fetch_allow_loopback,
        )
        return cls.of(policy, feed_interval=settings.feed_poll_minutes * 60.0)


class Desk:
    """Answers commands from the store: a command's name and options in, a typed answer out.

    `commands` is the catalogue it answers; each command's own module does the work."""

    def __init__(
        self,
        store: Store,
        seeds: SeedsFolder,
        commands: tuple[CommandSpec, ...] = COMMANDS,
        *,
        web: Web | None = None,
    ) -> None:
        self.store = store
        self.seeds = seeds
        self.commands = commands
        self.web = web or Web(Fetcher())
        self.poller = Poller(self)

    @property
    def snapshot(self) -> Snapshot:
        """What the store knows now; a command that reads the database holds it instead."""
        return self.store.snapshot

    def reading(self) -> contextlib.AbstractContextManager[Snapshot]:
        """The snapshot one command reads, held until it has answered."""
        return self.store.reading()

    async def answer_line(self, line: str, *, by: Requester = CONSOLE) -> Answer:
        """Answer a typed command; moderator commands are the local operator's, as `by`."""
        invocation = parse_invocation(line, self.commands)
        if isinstance(invocation, UserError):
            return invocation
        return await self.answer(invocation.name, invocation.options, by=by)

    async def answer(
        self, name: str, options: Mapping[str, str], *, by: Requester = CONSOLE
    ) -> Answer:
        command = next((c for c in self.commands if c.name == name and c.run), None)
        if command is None or command.run is None:
            return UserError(f"Unknown command /{name}. Type /help for the list.")
        return await command.run(self, Call(options, by))

    # --- what autocomplete and lookups need, from memory -------------------------------------

    def complete(self, option: str, text: str) -> list[Choice]:
        """Choices for a half-typed option, best first, within Discord's limits."""
        return lookup.completer(self.snapshot, option).complete(text[: lookup.CHOICE_LENGTH])

    def prepare(self) -> None:
        """Build what autocomplete and lookups need now, not on a reader's first keystroke."""
        for option in ("topic", "article", "speaker", "name"):
            lookup.completer(self.snapshot, option)
        for what in ("article", "speaker"):
            lookup.picker(self.snapshot, what)

    async def refresh(self) -> None:
        """Answer from the database as it is now, another process's loads included."""
        if await self.store.refresh():
            self.prepare()
