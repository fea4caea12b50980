"""/source, /summary and /articles, and naming an article by id or title."""

import pytest

from bot.desk import Desk, UserError
from bot.desk.articles import (
    ArticlesAnswer,
    SourcesAnswer,
    SummaryAnswer,
    source,
    summary,
)
from bot.store import Store
from tests.conftest import SEED_TITLE


async def test_source_lists_sources_descriptions_and_speakers(desk: Desk) -> None:
    answer = await source(desk, "Putin and Kim")

    assert isinstance(answer, SourcesAnswer)
    assert [(s.name, s.description) for s in answer.sources] == [
        ("Interfax Russia", None),
        ("RIA Novosti", "Kremlin-aligned news agency"),
    ]
    assert dict(answer.quoted) == {"Vladimir Putin": 3, "Kim Jong Un": 1}
    assert answer.photo_credit == "RIA Novosti"


async def test_article_is_the_newest_when_not_given(desk: Desk) -> None:
    answer = await source(desk, None)

    assert isinstance(answer, SourcesAnswer)
    assert answer.article.title.startswith("Zelenskyy says Ukraine needs")


async def test_article_by_id(desk: Desk, store: Store) -> None:
    seed = next(a for a in store.snapshot.articles if a.title == SEED_TITLE)

    answer = await summary(desk, str(seed.id))

    assert isinstance(answer, SummaryAnswer)
    assert answer.article.id == seed.id


async def test_unknown_article_is_a_helpful_error(desk: Desk) -> None:
    by_title = await summary(desk, "weather report")
    by_id = await summary(desk, "#999")

    assert isinstance(by_title, UserError)
    assert "No article matches" in by_title.message
    assert isinstance(by_id, UserError)
    assert "no article #999" in by_id.message


async def test_summary_has_headline_date_lead_and_three_key_facts(desk: Desk) -> None:
    answer = await summary(desk, "Putin and Kim")

    assert isinstance(answer, SummaryAnswer)
    assert answer.article.title == SEED_TITLE
    assert answer.article.published is not None
    assert answer.lead.startswith("Russian leader Vladimir Putin and North Korean leader")
    assert len(answer.key_facts) == 3
    assert answer.lead not in [fact.text for fact in answer.key_facts]


async def test_articles_newest_first(desk: Desk) -> None:
    answer = await desk.answer_line("/articles")

    assert isinstance(answer, ArticlesAnswer)
    dates = [item.article.published for item in answer.articles]
    assert dates == sorted((d for d in dates if d), reverse=True)


@pytest.mark.parametrize("article", ["²", "#٣", "9" * 5000, "12345678901234567890"])
async def test_an_article_number_that_is_no_id_is_a_user_error(desk: Desk, article: str) -> None:
    answer = await source(desk, article)

    assert isinstance(answer, UserError)
    assert len(answer.message) < 200


async def test_a_batch_goes_on_after_a_bad_article(desk: Desk) -> None:
    answers = [await desk.answer_line(line) for line in ("/source article:²", "/articles")]

    assert isinstance(answers[0], UserError)
    assert isinstance(answers[1], ArticlesAnswer)


# --- Moderators' commands at the console ------------------------------------------------------
