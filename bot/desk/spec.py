"""How a command is declared: its name, what it does, its options, and what answers it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.store import Requester

if TYPE_CHECKING:
    from bot.desk.answers import Answer
    from bot.desk.service import Desk

# Discord lets an option hold 6,000 characters; matching that much against every title or name
# would hold the event loop for seconds, and no title or topic is that long.
OPTION_LENGTH = 200


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    description: str
    required: bool = False
    max_length: int = OPTION_LENGTH


@dataclass(frozen=True, slots=True)
class Call:
    """One command as asked: its options as typed, and who asked (for the audit trail)."""

    options: Mapping[str, str]
    by: Requester


Run = Callable[["Desk", Call], Awaitable["Answer"]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # as typed after the slash; a subcommand after its group: "digest status"
    summary: str
    options: tuple[OptionSpec, ...] = ()
    moderators: bool = False  # for moderators, and the local operator at the console
    console_only: bool = False
    run: Run | None = field(default=None, compare=False, repr=False)  # None: the caller answers

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        parts += [f"<{o.name}>" if o.required else f"[{o.name}]" for o in self.options]
        return " ".join(parts)

    def describe(self) -> dict[str, str]:
        """Each option's description, as discord.py's `app_commands.describe` takes them."""
        return {option.name: option.description for option in self.options}

    def json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "summary": self.summary,
            "options": [
                {
                    "name": o.name,
                    "description": o.description,
                    "required": o.required,
                    "max_length": o.max_length,
                }
                for o in self.options
            ],
            "moderators": self.moderators,
            "console_only": self.console_only,
            "usage": self.usage,
        }


ARTICLE_OPTION = OptionSpec(
    "article", "An article's title (or part of it) or its id; the newest article by default"
)
