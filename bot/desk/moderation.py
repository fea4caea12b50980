"""Moderators' commands: /reload the seeds folder, with a report on every file, and /reload-log,
the audit trail of loads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bot.desk.answers import Answer, UserError
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.pages import (
    COLOUR,
    DESCRIPTION_LIMIT,
    WARNING_COLOUR,
    Page,
    Reply,
    code,
    escape,
    heading,
    join_within,
)
from bot.store import (
    LoadInProgress,
    LoadReport,
    LoadStopped,
    ReloadRecord,
    Requester,
    StoreBusy,
    StoreError,
)

if TYPE_CHECKING:
    from bot.desk.service import Desk

OUTCOME_MARKS = {"added": "➕", "updated": "✏️", "removed": "➖", "failed": "⚠️", "unchanged": "·"}
_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off", "")


def report_text(report: LoadReport, *, removals: str = "type /reload allow_removals:true") -> str:
    """A load report: the counts, then a line for each file that did not stay as it was.
    `removals` says how to go ahead with a load that was refused for what it would remove."""
    if report.refused is not None:
        return (
            f"{report.folder}: refused: {report.refused}. If the folder is right and those "
            f"articles are gone for good, {removals}."
        )
    lines = [f"{report.folder}: {report.summary()} ({report.seconds:.2f} s)"]
    for file in report.files:
        if file.outcome == "unchanged":
            continue
        reason = f": {file.reason}" if file.reason else ""
        lines.append(f"  {file.outcome:<9} {file.file_name}{reason}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ReloadAnswer(Answer):
    kind: ClassVar[str] = "reload"
    report: LoadReport

    def text(self) -> str:
        return report_text(self.report)

    def reply(self) -> Reply:
        return Reply((self._page(),), ephemeral=True)

    def _page(self) -> Page:
        """Counts in the title; failures first, each with its reason; long lists summarised."""
        report = self.report
        if report.refused is not None:
            return Page(
                "Reload refused",
                f"{escape(report.refused)}.\n\nIf the seeds folder is right and those articles "
                "are gone for good, run `/reload allow_removals:True`.",
                footer=f"{report.folder}",
                colour=WARNING_COLOUR,
            )
        order = {"failed": 0, "added": 1, "updated": 2, "removed": 3, "unchanged": 4}
        files = sorted(report.files, key=lambda f: (order[f.outcome], f.file_name))
        shown = [f for f in files if f.outcome != "unchanged"] or files
        lines = [
            f"{OUTCOME_MARKS[f.outcome]} **{f.outcome}** {code(f.file_name)}"
            + (f": {escape(f.reason)}" if f.reason else "")
            for f in shown
        ]
        unchanged = report.count("unchanged")
        if unchanged and shown is not files:
            lines.append(f"· {unchanged} unchanged")
        return Page(
            heading(f"Reload: {report.summary()}"),
            join_within(lines, DESCRIPTION_LIMIT),
            footer=f"{report.seconds:.2f} s · {len(report.files)} files in the seeds folder",
            colour=WARNING_COLOUR if report.failed else COLOUR,
        )


async def reload(
    desk: Desk, *, by: Requester, allow_removals: bool = False
) -> ReloadAnswer | UserError:
    """Load the seeds folder again, and report on every file; the store writes the audit row.
    A load that would remove most articles is refused unless `allow_removals`."""
    seeds = desk.seeds
    try:
        report = await desk.store.load_folder(
            seeds.path,
            timezone=seeds.timezone,
            max_bytes=seeds.max_bytes,
            by=by,
            allow_removals=allow_removals,
            wait=False,
        )
    except LoadInProgress:
        return UserError(
            "A reload is already running. Its report comes when it is done; "
            "try again in a moment if you still need one."
        )
    except StoreBusy:
        return UserError(
            "Another load is running (another process is writing the articles); try again "
            "in a moment."
        )
    except LoadStopped:
        return UserError(
            "The bot is shutting down, so this reload was stopped and rolled back: nothing "
            "changed. Run /reload again once the bot is back."
        )
    except (FileNotFoundError, StoreError) as error:
        return UserError(f"Cannot reload: {error}.")
    desk.prepare()
    return ReloadAnswer(report)


@dataclass(frozen=True, slots=True)
class ReloadLogAnswer(Answer):
    kind: ClassVar[str] = "reload-log"
    reloads: tuple[ReloadRecord, ...]

    def text(self) -> str:
        if not self.reloads:
            return "No reloads yet."
        return "\n".join(
            f"{r.at:%Y-%m-%d %H:%M} UTC  {r.user_name}: {r.summary} ({r.seconds:.1f} s)"
            for r in self.reloads
        )

    def reply(self) -> Reply:
        lines = [
            f"<t:{int(r.at.timestamp())}:f> **{escape(r.user_name)}**: {r.summary} "
            f"({r.seconds:.1f} s)"
            for r in self.reloads
        ] or ["No reloads yet."]
        page = Page("Last reloads", join_within(lines, DESCRIPTION_LIMIT))
        return Reply((page,), ephemeral=True)


async def reload_log(desk: Desk, guild_id: int | None = None, limit: int = 10) -> ReloadLogAnswer:
    """The last reloads; asked in a server, only its own and the operator's."""
    return ReloadLogAnswer(tuple(await desk.store.audit.recent_reloads(limit, guild_id=guild_id)))


async def _reload(desk: Desk, call: Call) -> Answer:
    allow = call.options.get("allow_removals", "").strip().lower()
    if allow not in _TRUE + _FALSE:
        return UserError(f"allow_removals is true or false, not “{allow}”.")
    return await reload(desk, by=call.by, allow_removals=allow in _TRUE)


async def _reload_log(desk: Desk, call: Call) -> Answer:
    return await reload_log(desk)


COMMANDS = (
    CommandSpec(
        "reload",
        "Load new, changed and removed article files now",
        (
            OptionSpec(
                "allow_removals",
                "True to go ahead when the load would remove more than half of the articles",
            ),
        ),
        moderators=True,
        run=_reload,
    ),
    CommandSpec(
        "reload-log", "The last ten reloads: who, when, what", moderators=True, run=_reload_log
    ),
)
