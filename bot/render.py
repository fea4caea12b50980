"""Renderers: command answers as terminal text and as JSON-ready dictionaries."""

from __future__ import annotations

from typing import Any

from bot.commands import Answer, HelpAnswer, UserError
from bot.model import Article


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


def article_text(article: Article) -> str:
    """An extracted article, laid out for reading in a terminal."""
    lines = [article.title or "(no headline found)"]
    meta = []
    if article.published:
        meta.append(article.published.isoformat(" ", "minutes"))
    if article.author:
        meta.append(f"by {article.author}")
    if meta:
        lines.append(" · ".join(meta))
    if article.photo:
        caption = article.photo.caption or "Photo"
        lines.append(f"[{caption}. Photo: {article.photo.credit or 'unknown'}]")
    for source in article.sources:
        description = f" ({source.description})" if source.description else ""
        lines.append(f"Source: {source.name}{description}")
    for section in article.sections:
        lines += ["", f"{section.label or section.kind.capitalize()}:"]
        lines += [f"  • {fact.text}" for fact in section.facts]
    if article.quotes:
        lines += ["", "Quotes:"]
        lines += [f"  “{q.text}” ({q.speaker or 'speaker unknown'})" for q in article.quotes]
    if article.figures:
        lines += ["", "Figures:"]
        for figure in article.figures:
            who = ", ".join(part for part in (figure.claimant, figure.when) if part)
            lines.append(f"  {figure.text}" + (f" ({who})" if who else ""))
    return "\n".join(lines)
