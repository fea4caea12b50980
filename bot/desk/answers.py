"""What every command answers: the answer that lays itself out (text, JSON, Discord reply), the
article as answers cite it, and the user's error."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from bot.pages import CONTENT_LIMIT, Reply
from bot.store import ArticleRow
from bot.text import clip, date_text


class Answer:
    """An answer to a command, laid out by itself: for a terminal (`text`), as the documented
    JSON (`json`), and as a Discord reply (`reply`, pages within Discord's limits)."""

    __slots__ = ()
    kind: ClassVar[str]  # the JSON's "kind"

    def text(self) -> str:
        raise NotImplementedError

    def json(self) -> dict[str, Any]:
        body = plain(self)
        assert isinstance(body, dict)
        return {"kind": self.kind, **body}

    def reply(self) -> Reply:
        """By default the text, shown only to the asker: errors, "nothing found", empty lists."""
        return Reply(text=clip(self.text(), CONTENT_LIMIT), ephemeral=True)


def plain(value: Any) -> Any:
    """A dataclass, and what it holds, as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, ZoneInfo):
        return value.key
    return value


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article as an answer cites it."""

    id: int
    title: str
    published: datetime | None
    url: str | None = None

    @classmethod
    def of(cls, row: ArticleRow) -> ArticleRef:
        return cls(row.id, row.title, row.published, row.url)

    def citation(self) -> str:
        return f"“{self.title}”, {date_text(self.published)} (#{self.id})"

    def footer(self) -> str:
        return f"#{self.id} · {date_text(self.published)}"


@dataclass(frozen=True, slots=True)
class UserError(Answer):
    """The user asked for something we cannot answer; `suggestions` say what might work."""

    kind: ClassVar[str] = "error"
    message: str
    suggestions: tuple[str, ...] = ()

    def text(self) -> str:
        if self.suggestions:
            return f"{self.message} Did you mean: {', '.join(self.suggestions)}?"
        return self.message

    def json(self) -> dict[str, Any]:
        body = Answer.json(self)
        body["error"] = body.pop("message")
        return body
