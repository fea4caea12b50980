"""The desk's autocomplete, from memory."""

from bot.desk import Desk
from bot.store import Store
from tests.conftest import SEED_TITLE


async def test_topic_autocomplete_offers_index_words_that_start_with_the_text(desk: Desk) -> None:
    choices = desk.complete("topic", "conta")

    assert choices[0].name == "containers"
    assert len(choices) <= 25


async def test_topic_autocomplete_is_fuzzy(desk: Desk) -> None:
    assert "artillery" in [c.name for c in desk.complete("topic", "artilery")]


async def test_article_autocomplete_gives_titles_and_ids(desk: Desk, store: Store) -> None:
    choices = desk.complete("article", "kim jong")

    seed = next(a for a in store.snapshot.articles if a.title == SEED_TITLE)
    assert choices[0].value == str(seed.id)
    assert choices[0].name.startswith("Putin and Kim Jong Un sign agreement")
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)


async def test_speaker_autocomplete(desk: Desk) -> None:
    assert [c.value for c in desk.complete("speaker", "put")] == ["Vladimir Putin"]


async def test_autocomplete_without_text_offers_the_first_25(desk: Desk) -> None:
    assert len(desk.complete("topic", "")) == 25


# --- Bad input is a user error, never a crash ----------------------------------------------
