"""What a load did, file by file, who asked for it, and when a load must not go ahead: the
report, the audit row, and the errors of a load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Outcome = Literal["added", "updated", "unchanged", "removed", "failed"]


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asked for a load, for the audit trail: a member of a server, or an entry point."""

    name: str
    user_id: int | None = None
    guild_id: int | None = None


LOCAL = Requester("newsdesk")


@dataclass(frozen=True, slots=True)
class FileReport:
    file_name: str
    outcome: Outcome
    reason: str | None = None  # why it failed
    title: str | None = None
    article_id: int | None = None  # the article it is, when it was loaded or kept


@dataclass(frozen=True, slots=True)
class LoadReport:
    folder: str
    files: tuple[FileReport, ...]
    started_at: datetime
    seconds: float
    # Why nothing was loaded at all: the load would have removed too many articles.
    refused: str | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def counts(self) -> dict[Outcome, int]:
        order: tuple[Outcome, ...] = ("added", "updated", "unchanged", "removed", "failed")
        return {outcome: self.count(outcome) for outcome in order}

    @property
    def failed(self) -> bool:
        return self.refused is not None or self.count("failed") > 0

    @property
    def changed(self) -> bool:
        return any(f.outcome in ("added", "updated", "removed") for f in self.files)

    def summary(self) -> str:
        if self.refused is not None:
            return f"refused: {self.refused}"
        return ", ".join(f"{n} {outcome}" for outcome, n in self.counts.items() if n) or "no files"


def removal_refusal(removing: int, stored: int, found: int) -> str | None:
    """Why a load must not go ahead: it would remove every stored article, or more than half.

    An empty or wrong folder (an unmounted disk, a typo in the path) looks exactly like a folder
    whose articles were all deleted on purpose, so removing that many waits to be asked for.
    """
    if not removing or removing * 2 <= stored:
        return None
    share = f"all {stored}" if removing == stored else f"{removing} of the {stored}"
    return (
        f"it would remove {share} stored articles, and the folder holds "
        f"{found} article {'file' if found == 1 else 'files'}; nothing was changed"
    )


class StaleRead(Exception):
    """Another process changed the articles between reading them and writing: start again."""


class LoadInProgress(RuntimeError):
    """Another load of the folder is running."""


class LoadStopped(RuntimeError):
    """The load was stopped and rolled back, because the process is shutting down."""


@dataclass(frozen=True, slots=True)
class ReloadRecord:
    at: datetime
    user_name: str
    summary: str
    failed: int
    seconds: float
    guild_id: int | None  # the server whose moderator asked; None for the operator's loads


def audit_row(
    report: LoadReport, by: Requester, *, failed: bool = False
) -> tuple[str, tuple[Any, ...]]:
    """The audit trail's row for a load: who, when, and what came of it."""
    files = json.dumps(
        [[f.file_name, f.outcome, f.reason] for f in report.files if f.outcome != "unchanged"]
    )
    summary = f"failed: {report.refused}" if failed else report.summary()
    return (
        "INSERT INTO reloads (at, guild_id, user_id, user_name, summary, failed, seconds, files)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            report.started_at.isoformat(),
            by.guild_id,
            by.user_id,
            by.name,
            summary,
            report.count("failed"),
            report.seconds,
            files,
        ),
    )
