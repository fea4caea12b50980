"""The house's rules, read from the imports: each room uses only the rooms below it, Discord
stays in the Discord side, SQLite in the store, matching in one module."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

# Bottom first. A room may import the rooms of the groups below its own, never those beside or
# above it: the toolbox knows nothing of articles, the store nothing of the desk, the core
# nothing of the Discord side (bot.chat and cogs).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.text", "bot.logs", "bot.config", "bot.fuzzy"),
    ("bot.pages", "bot.web"),
    ("bot.articles",),
    ("bot.search",),
    ("bot.store",),
    ("bot.desk",),
    ("bot.digest",),
    ("bot.console", "bot.chat"),
    ("bot.cli",),
    ("bot.__main__", "cogs"),
)

# Who may import a library directly; everyone else goes through these rooms.
LIBRARY_OWNERS = {
    "discord": {"bot.chat", "cogs"},
    "sqlite3": {"bot.store"},
    "aiosqlite": {"bot.store"},
    "rapidfuzz": {"bot.fuzzy"},
    "dotenv": {"bot.config"},
    # The web: fetching (aiohttp, which discord.py also uses), feeds, and pages to articles.
    "aiohttp": {"bot.web", "bot.chat"},
    "feedparser": {"bot.web"},
    "trafilatura": {"bot.articles"},
    "lxml": {"bot.articles"},
}

SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "CREATE TABLE", "PRAGMA ")


def modules() -> Iterator[tuple[str, Path]]:
    for folder in ("bot", "cogs"):
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def room(module: str) -> str:
    """The room a module belongs to: its package under bot/, or cogs as one."""
    parts = module.split(".")
    return "cogs" if parts[0] == "cogs" else ".".join(parts[:2])


def imported(path: Path) -> Iterator[tuple[str, int]]:
    """Every module the file imports, with its line; relative imports are not used."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: a relative import"
            assert node.module is not None
            yield node.module, node.lineno


def layer_of(name: str) -> int:
    for number, rooms in enumerate(LAYERS):
        if name in rooms:
            return number
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


def upward_imports(module: str, path: Path) -> list[str]:
    mine = room(module)
    return [
        f"line {line}: {name}"
        for name, line in imported(path)
        if name.split(".")[0] in ("bot", "cogs")
        and room(name) != mine
        and layer_of(room(name)) >= layer_of(mine)
    ]


def foreign_libraries(module: str, path: Path) -> list[str]:
    return [
        f"line {line}: {name}"
        for name, line in imported(path)
        if name.split(".")[0] in LIBRARY_OWNERS
        and room(module) not in LIBRARY_OWNERS[name.split(".")[0]]
    ]


MODULES = list(modules())


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_a_room_imports_only_the_rooms_below_it(module: str, path: Path) -> None:
    wrong = upward_imports(module, path)
    assert not wrong, f"{module} ({room(module)}) imports from its own level or above: {wrong}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_libraries_are_imported_only_by_the_rooms_that_own_them(module: str, path: Path) -> None:
    wrong = foreign_libraries(module, path)
    assert not wrong, f"{module} imports a library another room owns: {wrong}"


@pytest.mark.parametrize(
    ("module", "path"),
    [(m, p) for m, p in MODULES if room(m) == "cogs"],
    ids=[m for m, _ in MODULES if room(m) == "cogs"],
)
def test_a_cog_imports_no_other_cog_and_writes_no_sql(module: str, path: Path) -> None:
    others = [name for name, _ in imported(path) if name.startswith("cogs") and name != module]
    assert not others, f"{module} imports {others}"
    text = path.read_text(encoding="utf-8")
    assert not [word for word in SQL_WORDS if word in text], f"{module} holds SQL"


def test_every_room_is_placed_in_a_layer() -> None:
    placed = {name for rooms in LAYERS for name in rooms}
    assert {room(module) for module, _ in MODULES} - {"bot"} <= placed


def test_a_store_module_importing_the_desk_or_discord_is_caught(tmp_path: Path) -> None:
    # The rules are only as good as their reading of imports.
    upward = tmp_path / "upward.py"
    upward.write_text(
        "from bot.store.rows import ArticleRow\n"
        "from bot.desk import Desk\n"
        "if True:\n    import discord.ext\n",
        encoding="utf-8",
    )
    assert upward_imports("bot.store.upward", upward) == ["line 2: bot.desk"]
    assert foreign_libraries("bot.store.upward", upward) == ["line 4: discord.ext"]
