"""Renderers: command answers as terminal text and as JSON-ready dictionaries."""

from __future__ import annotations

from typing import Any

from bot.commands import Answer, HelpAnswer, UserError


def to_text(answer: Answer) -> str:
    match answer:
        case HelpAnswer(commands=commands):
            width = max(len(spec.usage) for spec in commands)
            lines = ["Commands:"]
            lines += [f"  {spec.usage:<{width}}  {spec.summary}" for spec in commands]
            return "\n".join(lines)
        case UserError(message=message, suggestions=suggestions):
            if suggestions:
                message += "\nDid you mean: " + ", ".join(suggestions) + "?"
            return message


def to_json(answer: Answer) -> dict[str, Any]:
    match answer:
        case HelpAnswer(commands=commands):
            return {
                "kind": "help",
                "commands": [
                    {"name": spec.name, "usage": spec.usage, "summary": spec.summary}
                    for spec in commands
                ],
            }
        case UserError(message=message, suggestions=suggestions):
            return {"kind": "error", "error": message, "suggestions": list(suggestions)}
