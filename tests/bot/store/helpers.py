"""What the store tests share: outcomes by file, another process's write lock, a store opened and loaded once."""

import asyncio
import sqlite3
from pathlib import Path

import bot.store
import bot.store.parsing
from bot.store import Store

SEED_NAME = "000_cc92a137cd6d6a98.txt"


def outcomes(report: bot.store.LoadReport) -> dict[str, str]:
    return {f.file_name: f.outcome for f in report.files}


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer, holding the database's write lock until it is rolled back."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


async def open_and_load(path: Path, folder: Path) -> None:
    opened = await Store.open(path)
    try:
        await opened.load_folder(folder)
    finally:
        await opened.close()


async def settled(store: Store) -> None:
    """Until the store's background work (releasing replaced views) is done."""
    while store._tasks:
        await asyncio.gather(*store._tasks)
