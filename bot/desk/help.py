"""/help: the commands a member may use, from whichever list the caller keeps (the catalogue at
the console, the published command tree on Discord), with an example that works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from bot.desk.answers import Answer
from bot.desk.spec import Call, CommandSpec
from bot.pages import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    Field,
    Page,
    Reply,
    join_within,
    split_within,
)
from bot.text import clip

if TYPE_CHECKING:
    from bot.desk.service import Desk


@dataclass(frozen=True, slots=True)
class HelpAnswer(Answer):
    kind: ClassVar[str] = "help"
    commands: tuple[CommandSpec, ...]
    example: str  # a command written with an option, that works on the articles loaded

    def text(self) -> str:
        width = max(len(spec.usage) for spec in self.commands)
        readers = [spec for spec in self.commands if not spec.moderators]
        moderators = [spec for spec in self.commands if spec.moderators]
        lines = ["Commands:"]
        lines += [f"  {spec.usage:<{width}}  {spec.summary}" for spec in readers]
        if moderators:
            lines.append("For moderators:")
            lines += [f"  {spec.usage:<{width}}  {spec.summary}" for spec in moderators]
        lines.append(f"Options are written name:value, e.g. {self.example}")
        return "\n".join(lines)

    def json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "commands": [spec.json() for spec in self.commands],
            "example": self.example,
        }

    def reply(self) -> Reply:
        """Readers' commands in the description; moderators' (for moderators) in fields, as
        many as their lines need."""

        def lines(moderators: bool) -> list[str]:
            specs = [spec for spec in self.commands if spec.moderators is moderators]
            return [f"`{spec.usage}` — {spec.summary}" for spec in specs]

        blocks = split_within(lines(True), FIELD_VALUE_LIMIT)
        fields = tuple(
            Field("For moderators" if number == 0 else "For moderators (more)", block)
            for number, block in enumerate(blocks)
        )
        page = Page(
            "newsdesk commands",
            join_within(lines(False), DESCRIPTION_LIMIT),
            fields,
            footer=clip(f"Options are written name:value, e.g. {self.example}", FOOTER_LIMIT),
        )
        return Reply((page,), ephemeral=True)


def help_for(desk: Desk, commands: tuple[CommandSpec, ...]) -> HelpAnswer:
    """The commands, with an example that works on the articles loaded now."""
    newest = desk.snapshot.articles[:1]
    article = f"article:{newest[0].id}" if newest else "article:Putin"
    return HelpAnswer(commands, f"/facts shipments {article}")


async def _run(desk: Desk, call: Call) -> Answer:
    return help_for(desk, desk.commands)


COMMANDS = (CommandSpec("help", "List the commands", run=_run),)
