"""The archive views over both tellings of the containers story: what must hold whichever
outlets wrote it (the series, the conflict, the grouped copies, the update, Shin's profile)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.articles import KYIV
from bot.desk import Desk, SeedsFolder
from bot.desk.timeline import TimelineAnswer, timeline
from bot.desk.who import WhoAnswer, who
from bot.store import Store
from tests.conftest import copy_story


@pytest.fixture
async def told(tmp_path: Path, story_source: Path) -> AsyncIterator[Desk]:
    folder = copy_story(tmp_path, story_source)
    store = await Store.open(tmp_path / "told.sqlite3")
    await store.load_folder(folder)
    yield Desk(store, SeedsFolder(folder, KYIV, 2_000_000))
    await store.close()


async def test_the_series_is_the_story_of_the_shipments(told: Desk) -> None:
    answer = await timeline(told, "containers")

    assert isinstance(answer, TimelineAnswer)
    assert [s.text() for s in answer.series] == ["1,000 -> 6,700 -> 7,000 -> 10,000 containers"]


async def test_the_lone_5000_disagrees_with_the_7000_of_the_same_days(told: Desk) -> None:
    answer = await timeline(told, "containers")

    assert isinstance(answer, TimelineAnswer)
    five = next(e for e in answer.entries if e.value == 5000)
    assert five.conflict is not None
    assert "7,000" in five.conflict


async def test_the_syndicated_copy_and_the_older_update_are_no_entries_of_their_own(
    told: Desk,
) -> None:
    answer = await timeline(told, "containers")

    assert isinstance(answer, TimelineAnswer)
    entries = [e for e in answer.entries if e.unit == "container"]
    assert [e.value for e in entries].count(7000) == 1
    assert [e.value for e in entries].count(10000) == 1
    names = {a.file_name for a in told.snapshot.articles}
    assert "07_up_shin_10000.txt" not in names


async def test_shin_is_the_defence_minister_who_claimed_6700_then_10000(told: Desk) -> None:
    answer = await who(told, "Shin Won-sik")

    assert isinstance(answer, WhoAnswer)
    assert "Defence Minister" in answer.descriptions[0].title()
    claimed = [c.value for c in answer.claims]
    assert claimed.index(6700) < claimed.index(10000)
    quoted = [" ".join(q.text.split()[:4]) for q in answer.quotes]
    assert len(quoted) == len(set(quoted))
