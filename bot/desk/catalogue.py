"""The command catalogue: every command the desk answers, as the console, /help, the cogs and
the JSON read them; and a typed command line parsed against a catalogue."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.desk import (
    articles,
    facts,
    feeds,
    figures,
    help,
    ingest,
    moderation,
    quotes,
    timeline,
    who,
)
from bot.desk.answers import UserError
from bot.desk.spec import CommandSpec
from bot.fuzzy import lookalikes

# Each group's commands, in the order /help lists them: a command added to a group's module
# comes with it.
COMMANDS: tuple[CommandSpec, ...] = (
    *facts.COMMANDS,
    *articles.COMMANDS,
    *quotes.COMMANDS,
    *figures.COMMANDS,
    *timeline.COMMANDS,
    *who.COMMANDS,
    *help.COMMANDS,
    *moderation.COMMANDS,
    *ingest.COMMANDS,
    *feeds.COMMANDS,
)


def spec(name: str, commands: Sequence[CommandSpec] = COMMANDS) -> CommandSpec:
    """The command named `name`; a KeyError names a command no catalogue has."""
    for command in commands:
        if command.name == name:
            return command
    raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Invocation:
    name: str
    options: dict[str, str]


_OPTION = re.compile(r"(?:^|\s)([a-z_]+):")


def parse_invocation(
    line: str, commands: Sequence[CommandSpec] = COMMANDS
) -> Invocation | UserError:
    """`/facts shipments article:3` -> facts(topic="shipments", article="3").

    Options are written `name:value`, as Discord shows them; text before the first one is the
    command's first option. A group's subcommand follows its name: `/digest status`.
    """
    line = line.strip()
    if not line.startswith("/") or len(line) == 1:
        return UserError("Commands start with a slash, e.g. /help.")
    name, _, rest = line[1:].partition(" ")
    name = "quit" if name.lower() == "exit" else name.lower()
    by_name = {command.name: command for command in commands}
    subcommands = [command for command in by_name if command.startswith(f"{name} ")]
    if subcommands:
        word, _, rest = rest.strip().partition(" ")
        name = f"{name} {word.lower()}"
        if name not in by_name:
            listed = ", ".join(f"/{sub}" for sub in subcommands)
            return UserError(f"/{name.split()[0]} needs one of: {listed}.")
    command = by_name.get(name)
    if command is None:
        close = lookalikes(name, by_name, limit=1)
        return UserError(
            f"Unknown command /{name}. Type /help for the list.",
            tuple(f"/{found}" for found, _ in close),
        )
    return _options(command, rest)


def _options(command: CommandSpec, rest: str) -> Invocation | UserError:
    known = {option.name for option in command.options}
    options: dict[str, str] = {}
    pieces = [m for m in _OPTION.finditer(rest) if m.group(1) in known]
    head = rest[: pieces[0].start()] if pieces else rest
    if head.strip():
        if not command.options:
            return UserError(f"/{command.name} takes no options.")
        options[command.options[0].name] = head.strip()
    for number, piece in enumerate(pieces):
        end = pieces[number + 1].start() if number + 1 < len(pieces) else len(rest)
        options[piece.group(1)] = rest[piece.end() : end].strip()
    for option in command.options:
        value = options.get(option.name, "")
        if option.required and not value:
            return UserError(
                f"/{command.name} needs {option.name}: {command.usage}, e.g. /facts shipments"
            )
        if len(value) > option.max_length:
            return UserError(
                f"{option.name} is too long: {len(value):,} characters, at most "
                f"{option.max_length}."
            )
    return Invocation(command.name, options)
