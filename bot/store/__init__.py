"""The SQLite store: the articles and what was extracted from them, loaded from the seeds folder
in one transaction; snapshots that readers read; the digest's and the audit trail's records.
Nothing above this room imports sqlite3: its errors leave it as StoreError, in one line."""

from bot.store.errors import StoreBusy, StoreError
from bot.store.feeds import Announcement, EntryRow, FeedExists, FeedRow, SeenEntry
from bot.store.parsing import DEFAULT_MAX_BYTES, Document, FolderUnavailable, Origin
from bot.store.reads import Reads
from bot.store.reports import (
    LOCAL,
    FileReport,
    LoadInProgress,
    LoadReport,
    LoadStopped,
    ReloadRecord,
    Requester,
)
from bot.store.rows import (
    ArticleRow,
    DayOutcome,
    DayStatus,
    DigestDay,
    FactRow,
    FigureRow,
    QuoteRow,
    SourceRow,
)
from bot.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from bot.store.snapshot import Snapshot
from bot.store.store import Store

__all__ = [
    "APPLICATION_ID",
    "DEFAULT_MAX_BYTES",
    "LOCAL",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Announcement",
    "ArticleRow",
    "DayOutcome",
    "DayStatus",
    "DigestDay",
    "Document",
    "EntryRow",
    "FactRow",
    "FeedExists",
    "FeedRow",
    "FigureRow",
    "FileReport",
    "FolderUnavailable",
    "LoadInProgress",
    "LoadReport",
    "LoadStopped",
    "Origin",
    "QuoteRow",
    "Reads",
    "ReloadRecord",
    "Requester",
    "SeenEntry",
    "Snapshot",
    "SourceRow",
    "Store",
    "StoreBusy",
    "StoreError",
]
