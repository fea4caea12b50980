"""/help: every command, and an example that works."""

from pathlib import Path

from bot.articles import KYIV
from bot.desk import Desk, SeedsFolder
from bot.desk.facts import FactsAnswer
from bot.desk.help import HelpAnswer, help_for
from bot.store import Store
from tests.conftest import REPO


async def test_help_lists_every_command(desk: Desk) -> None:
    answer = await desk.answer_line("/help")

    assert isinstance(answer, HelpAnswer)
    assert [spec.name for spec in answer.commands] == [
        "facts",
        "source",
        "summary",
        "article",
        "articles",
        "quote",
        "figures",
        "timeline",
        "who",
        "help",
        "reload",
        "reload-log",
        "ingest",
        "feed add",
        "feed list",
        "feed remove",
        "feed status",
        "feed poll",
        "feed announce",
    ]
    assert [spec.name for spec in answer.commands if spec.moderators][:3] == [
        "reload",
        "reload-log",
        "ingest",
    ]


async def test_the_example_in_help_works_on_the_shipped_seed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "shipped.sqlite3")
    try:
        await store.load_folder(REPO / "seeds")
        desk = Desk(store, SeedsFolder(REPO / "seeds", KYIV, 2_000_000))

        example = help_for(desk, desk.commands).example
        answer = await desk.answer_line(example)
    finally:
        await store.close()

    assert isinstance(answer, FactsAnswer), example
