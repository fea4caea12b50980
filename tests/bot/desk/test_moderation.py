"""/reload and /reload-log as the local operator and as a server's moderator."""

import sqlite3
from pathlib import Path

from bot.articles import KYIV
from bot.desk import Desk, SeedsFolder, UserError
from bot.desk.moderation import ReloadAnswer, reload, reload_log
from bot.store import Requester, Store


def seeds_desk(store: Store, seeds: Path) -> Desk:
    return Desk(store, SeedsFolder(seeds, KYIV, 2_000_000))


def empty(folder: Path) -> None:
    """The seeds folder as an unmounted disk leaves it: there, and empty."""
    for file in folder.iterdir():
        file.unlink()


async def test_reload_kept_waiting_by_another_process_says_to_try_again(
    store: Store, seeds: Path
) -> None:
    waiting = await Store.open(store.path, write_wait=0.2)
    seed = seeds / "000_cc92a137cd6d6a98.txt"
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = await reload(seeds_desk(waiting, seeds), by=Requester("moderator"))
    finally:
        holder.rollback()
        holder.close()
        await waiting.close()

    assert isinstance(answer, UserError)
    assert answer.message.startswith("Another load is running")
    assert "try again in a moment" in answer.message


async def test_reload_of_an_emptied_folder_is_refused_until_removals_are_allowed(
    store: Store, seeds: Path
) -> None:
    empty(seeds)
    desk = seeds_desk(store, seeds)

    refused = await desk.answer_line("/reload")
    allowed = await desk.answer_line("/reload allow_removals:true")

    assert isinstance(refused, ReloadAnswer)
    assert refused.report.refused is not None
    assert isinstance(allowed, ReloadAnswer)
    assert allowed.report.count("removed") == 3


async def test_reload_log_in_a_server_shows_only_its_own_and_the_operators(
    store: Store, seeds: Path
) -> None:
    desk = seeds_desk(store, seeds)
    await reload(desk, by=Requester("alice", 1, guild_id=10))
    await reload(desk, by=Requester("mallory", 2, guild_id=20))

    shown = await reload_log(desk, guild_id=10)

    assert [r.user_name for r in shown.reloads] == ["alice", "newsdesk"]
