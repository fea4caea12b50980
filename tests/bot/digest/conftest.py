"""The digest tests' fixtures: a clock before the spring's daylight-saving change, and a store on it."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from tests.bot.digest.helpers import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 27, 4, 0, tzinfo=UTC))  # 06:00 in Kyiv, the Friday before DST


@pytest.fixture
async def clocked_store(tmp_path: Path, seeds: Path, clock: Clock) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "digest.sqlite3", clock=clock)
    await store.load_folder(seeds)
    yield store
    await store.close()
