"""Storage errors, each one line for the operator: SQLite's result codes in words."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(RuntimeError):
    """The database cannot be used; the message is one line: the cause, and what to do."""


class StoreBusy(StoreError):
    """Another process held the write lock for longer than the store waits for it."""


def storage_error(error: sqlite3.Error, path: Path) -> StoreError:
    """SQLite's error as one line for the operator, by its result code."""
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF  # the primary code
    match code:
        case 5 | 6:  # SQLITE_BUSY, SQLITE_LOCKED
            return StoreBusy(f"another process is writing to {path}; try again in a moment")
        case 13:  # SQLITE_FULL
            return StoreError(
                f"the disk holding {path} is full: nothing was changed; free some space and "
                "try again"
            )
        case 8:  # SQLITE_READONLY
            return StoreError(
                f"the database {path} is read-only: let the bot's user write to it and to its "
                "folder, or set NEWSDESK_DB to a file it may write"
            )
        case 11:  # SQLITE_CORRUPT
            return StoreError(
                f"the database {path} is damaged ({error}): restore it from a backup, or move it "
                "aside and load the seeds into a new one"
            )
        case 26:  # SQLITE_NOTADB
            return StoreError(
                f"{path} is not a SQLite database: set NEWSDESK_DB to a newsdesk database or to "
                "a new file"
            )
        case 14:  # SQLITE_CANTOPEN
            return StoreError(
                f"cannot open the database {path}: check that its folder exists and that the "
                "bot may write there"
            )
        case 10:  # SQLITE_IOERR
            return StoreError(f"cannot read or write {path} ({error}): check the disk")
    return StoreError(f"the database {path} failed: {error}")
