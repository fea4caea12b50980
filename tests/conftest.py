"""Shared fixtures: article folders and loaded stores, built in temporary directories."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.articles import KYIV
from bot.desk import Desk, SeedsFolder
from bot.desk.service import Web
from bot.store import Store
from bot.web import FetchPolicy
from tests.local_web import LocalWeb

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_cc92a137cd6d6a98.txt"
ARTICLES = REPO / "tests" / "data" / "articles"
STORY = REPO / "tests" / "data" / "containers"  # one story told by several outlets and dates
# The same story as other outlets wrote it, with traps: a quote under a bare `Quote:` after a news
# agency's `Source:`, containers going the other way, one statement's quote with ’ and with '.
OTHER_OUTLETS = REPO / "tests" / "data" / "containers_other_outlets"
SEED_TITLE = "Putin and Kim Jong Un sign agreement foreseeing assistance in case of aggression"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A seeds folder holding the Ukrainska Pravda seed and two more articles."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    for name in ("02_zelenskyy_patriot_crlf.txt", "04_budanov_missiles.txt"):
        shutil.copy(ARTICLES / name, folder / name)
    return folder


@pytest.fixture
def seeds_folder(seeds: Path) -> SeedsFolder:
    return SeedsFolder(seeds, KYIV, 2_000_000)


@pytest.fixture
async def store(tmp_path: Path, seeds: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "newsdesk.sqlite3")
    await opened.load_folder(seeds)
    yield opened
    await opened.close()


@pytest.fixture
def desk(store: Store, seeds_folder: SeedsFolder) -> Desk:
    return Desk(store, seeds_folder)


@pytest.fixture(params=[STORY, OTHER_OUTLETS], ids=["containers", "other-outlets"])
def story_source(request: pytest.FixtureRequest) -> Path:
    """Each telling of the story, for the tests that hold over both."""
    source: Path = request.param
    return source


@pytest.fixture
def story_folder(tmp_path: Path) -> Path:
    """The seed and the story folder's articles."""
    return copy_story(tmp_path, STORY)


def copy_story(tmp_path: Path, source: Path) -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    for path in source.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
async def story_store(tmp_path: Path, story_folder: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "story.sqlite3")
    await opened.load_folder(story_folder)
    yield opened
    await opened.close()


@pytest.fixture
def story_desk(story_store: Store, story_folder: Path) -> Desk:
    return Desk(story_store, SeedsFolder(story_folder, KYIV, 2_000_000))


def article_id(desk: Desk | Store, file_name: str) -> int:
    """The id of the article loaded from `file_name`, as readers see it."""
    with desk.reading() as snapshot:
        for row in snapshot.articles:
            if row.file_name == file_name:
                return row.id
    raise KeyError(file_name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e starts real processes: mark it, so `make test-fast` can
    leave it out."""
    e2e = REPO / "tests" / "e2e"
    for item in items:
        if e2e in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
async def local_web() -> AsyncIterator[LocalWeb]:
    """A web server on 127.0.0.1, on a free port, serving what the test puts there."""
    server = LocalWeb()
    await server.start()
    yield server
    await server.close()


# The tests' own web server is on 127.0.0.1, which a bot refuses to fetch from: they allow it.
LOOPBACK = FetchPolicy(timeout=5.0, allow_loopback=True)


@pytest.fixture
def web_desk(store: Store, seeds_folder: SeedsFolder) -> Desk:
    """A desk that may fetch from the tests' web server on 127.0.0.1."""
    return Desk(store, seeds_folder, web=Web.of(LOOPBACK, feed_interval=600.0))
