"""The command layer: one parser and one set of typed answers for Discord and the terminal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    summary: str


COMMANDS: tuple[CommandSpec, ...] = (CommandSpec("help", "/help", "List the commands."),)


@dataclass(frozen=True, slots=True)
class HelpAnswer:
    commands: tuple[CommandSpec, ...]


@dataclass(frozen=True, slots=True)
class UserError:
    """The user asked for something we cannot answer; `suggestions` say what might work."""

    message: str
    suggestions: tuple[str, ...] = ()


Answer = HelpAnswer | UserError


@dataclass(frozen=True, slots=True)
class Invocation:
    name: str
    text: str


def parse_invocation(line: str) -> Invocation | UserError:
    """Split `/name rest of line` into the command name and its text."""
    line = line.strip()
    if not line.startswith("/") or len(line) == 1:
        return UserError("Commands start with a slash, e.g. /help.")
    name, _, text = line[1:].partition(" ")
    return Invocation(name.lower(), text.strip())


class Desk:
    """Answers commands; the cogs and the console both call it."""

    async def answer_line(self, line: str) -> Answer:
        invocation = parse_invocation(line)
        if isinstance(invocation, UserError):
            return invocation
        if invocation.name == "help":
            return self.help()
        known = ", ".join(spec.usage for spec in COMMANDS)
        return UserError(f"Unknown command /{invocation.name}. Try one of: {known}.")

    def help(self) -> HelpAnswer:
        return HelpAnswer(COMMANDS)
