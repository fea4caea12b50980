"""Renderers: command answers and articles as terminal text and as JSON-ready dictionaries."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from bot.commands import (
    Answer,
    ArticleRef,
    ArticlesAnswer,
    FactHit,
    FactsAnswer,
    FiguresAnswer,
    HelpAnswer,
    NothingFound,
    QuotesAnswer,
    SourcesAnswer,
    SummaryAnswer,
    UserError,
)
from bot.model import Article

# --- Terminal text -----------------------------------------------------------------------------


def date_text(when: datetime | None) -> str:
    return when.strftime("%-d %B %Y, %H:%M") if when else "undated"


def citation(article: ArticleRef) -> str:
    return f"“{article.title}”, {date_text(article.published)} (#{article.id})"


def fact_citation(hit: FactHit) -> str:
    parts = [hit.section, citation(hit.article)]
    if hit.cited:
        parts.append(f"source: {hit.cited}")
    return " · ".join(parts)


def to_text(answer: Answer) -> str:
    """An answer as a person reads it in a terminal."""
    match answer:
        case FactsAnswer():
            scope = f" in #{answer.article.id}" if answer.article else ""
            lines = [f"Facts about “{answer.topic}”{scope}:"]
            if answer.understood_as:
                lines.append("(" + "; ".join(answer.understood_as) + ")")
            for number, hit in enumerate(answer.hits, 1):
                lines += [f"{number}. {hit.text}", f"   — {fact_citation(hit)}"]
            return "\n".join(lines)
        case NothingFound():
            scope = f" in #{answer.article.id}" if answer.article else ""
            text = f"Nothing found about “{answer.topic}”{scope}."
            if answer.suggestions:
                text += " Did you mean: " + ", ".join(answer.suggestions) + "?"
            return text
        case SourcesAnswer():
            lines = [f"Sources of {citation(answer.article)}:"]
            lines += [
                f"  • {s.name}" + (f" — {s.description}" if s.description else "")
                for s in answer.sources
            ] or ["  (the article names no source)"]
            if answer.quoted:
                quoted = ", ".join(f"{name} ({n})" for name, n in answer.quoted)
                lines.append(f"Quoted: {quoted}")
            if answer.photo_credit:
                lines.append(f"Photo: {answer.photo_credit}")
            return "\n".join(lines)
        case SummaryAnswer():
            lines = [answer.article.title, date_text(answer.article.published)]
            if answer.author:
                lines[-1] += f" · by {answer.author}"
            lines += ["", answer.lead]
            if answer.key_facts:
                lines += ["", "Key facts:"]
                lines += [f"  • {hit.text} ({hit.section})" for hit in answer.key_facts]
            if answer.sources:
                lines += ["", "Sources: " + "; ".join(s.name for s in answer.sources)]
            return "\n".join(lines)
        case QuotesAnswer():
            if not answer.quotes:
                who = answer.speaker or "the newest article"
                return f"No quotes from {who}."
            lines = [f"Quotes from {answer.speaker}:" if answer.speaker else "Quotes:"]
            for quote in answer.quotes:
                lines.append(f"  “{quote.text}”")
                lines.append(f"     — {quote.speaker or 'unattributed'}, {citation(quote.article)}")
            return "\n".join(lines)
        case FiguresAnswer():
            if not answer.groups:
                return "No figures in " + (citation(answer.article) if answer.article else "it")
            head = f"Figures about “{answer.topic}”" if answer.topic else "Figures"
            if answer.article:
                head += f" in {citation(answer.article)}"
            lines = [head + ":"]
            for group in answer.groups:
                lines.append(f"{group.unit}:")
                for figure in group.figures:
                    who = ", ".join(p for p in (figure.claimant, figure.when) if p)
                    lines.append(f"  • {figure.text}" + (f" ({who})" if who else ""))
            return "\n".join(lines)
        case ArticlesAnswer():
            if not answer.articles:
                return "No articles are loaded yet."
            return "\n".join(
                f"#{item.article.id}  {date_text(item.article.published)}  {item.article.title}"
                for item in answer.articles
            )
        case HelpAnswer(commands=commands):
            width = max(len(spec.usage) for spec in commands)
            lines = ["Commands:"]
            lines += [f"  {spec.usage:<{width}}  {spec.summary}" for spec in commands]
            lines.append("Options are written name:value, e.g. /facts shipments article:3")
            return "\n".join(lines)
        case UserError(message=message, suggestions=suggestions):
            if suggestions:
                message += " Did you mean: " + ", ".join(suggestions) + "?"
            return message


# --- JSON ---------------------------------------------------------------------------------------


def to_json(answer: Answer) -> dict[str, Any]:
    """An answer as plain JSON values; /facts results are always under "results"."""
    kind = {
        FactsAnswer: "facts",
        NothingFound: "facts",
        SourcesAnswer: "source",
        SummaryAnswer: "summary",
        QuotesAnswer: "quote",
        FiguresAnswer: "figures",
        ArticlesAnswer: "articles",
        HelpAnswer: "help",
        UserError: "error",
    }[type(answer)]
    body = _plain(answer)
    assert isinstance(body, dict)
    if isinstance(answer, FactsAnswer):
        body["results"] = body.pop("hits")
    elif isinstance(answer, NothingFound):
        body["results"] = []
    elif isinstance(answer, ArticlesAnswer):
        body["articles"] = [{**item.pop("article"), **item} for item in body["articles"]]
    elif isinstance(answer, HelpAnswer):
        for spec, command in zip(answer.commands, body["commands"], strict=True):
            command["usage"] = spec.usage
    elif isinstance(answer, UserError):
        body["error"] = body.pop("message")
    return {"kind": kind, **body}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


# --- Articles -----------------------------------------------------------------------------------


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
