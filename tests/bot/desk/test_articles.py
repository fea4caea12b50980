"""/source, /summary, /article and /articles, and naming an article by id or title."""

import pytest

from bot.desk import Desk, UserError
from bot.desk.answers import ArticleRef
from bot.desk.articles import (
    ArticleAnswer,
    ArticlesAnswer,
    SectionItem,
    SourceItem,
    SourcesAnswer,
    SummaryAnswer,
    article_view,
    articles,
    source,
    summary,
)
from bot.pages import DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT, FOOTER_LIMIT, TITLE_LIMIT, fitted
from bot.store import Store
from tests.conftest import SEED_TITLE, article_id


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


async def test_article_shows_each_section_under_its_label_in_reading_order(desk: Desk) -> None:
    answer = await article_view(desk, "Putin and Kim")

    assert isinstance(answer, ArticleAnswer)
    assert [(s.label, len(s.facts)) for s in answer.sections] == [
        ("Details", 2),
        ("Previously", 2),
        ("Background", 4),
    ]
    assert answer.sections[2].facts[0].startswith("In March, South Korea reported")


async def test_article_shows_its_header_once_and_does_not_repeat_the_lead(desk: Desk) -> None:
    answer = await article_view(desk, "Putin and Kim")

    assert isinstance(answer, ArticleAnswer)
    assert answer.article.title == SEED_TITLE
    assert answer.lead.startswith("Russian leader Vladimir Putin and North Korean leader")
    assert answer.photo_credit == "RIA Novosti"
    assert all(answer.lead not in section.facts for section in answer.sections)
    assert answer.text().count(answer.lead) == 1


async def test_article_counts_its_quotes_and_figures_and_names_its_sources(desk: Desk) -> None:
    answer = await article_view(desk, "Putin and Kim")

    assert isinstance(answer, ArticleAnswer)
    assert (answer.quote_count, answer.figure_count) == (4, 4)
    assert [s.name for s in answer.sources] == ["Interfax Russia", "RIA Novosti"]
    assert "4 quotes · 4 figures" in answer.text()


async def test_article_json_keeps_sections_with_their_labels(desk: Desk) -> None:
    answer = await article_view(desk, "Putin and Kim")

    assert isinstance(answer, ArticleAnswer)
    body = answer.json()
    assert body["kind"] == "article"
    assert body["article"]["title"] == SEED_TITLE
    assert [s["label"] for s in body["sections"]] == ["Details", "Previously", "Background"]
    assert body["sources"][1] == {
        "name": "RIA Novosti",
        "description": "Kremlin-aligned news agency",
    }
    assert (body["quote_count"], body["figure_count"]) == (4, 4)


async def test_article_of_an_unknown_title_is_a_helpful_error(desk: Desk) -> None:
    answer = await article_view(desk, "weather report")

    assert isinstance(answer, UserError)
    assert "No article matches" in answer.message


def long_article(facts: int = 60) -> ArticleAnswer:
    return ArticleAnswer(
        ArticleRef(7, "Headline " * 60, None),
        "07_long.txt",
        None,
        None,
        None,
        "Lead " * 300,
        (
            SectionItem(
                "Details", "details", tuple(f"fact {n} " + "word " * 150 for n in range(facts))
            ),
            SectionItem(None, "body", ("a short paragraph",)),
        ),
        (SourceItem("Source " * 100, None),),
        0,
        0,
    )


def test_a_long_article_goes_over_pages_within_discords_limits_losing_no_fact() -> None:
    answer = long_article()

    pages = fitted(answer.reply()).pages

    assert len(pages) > 1
    for page in pages:
        assert len(page.title) <= TITLE_LIMIT
        assert len(page.description) <= DESCRIPTION_LIMIT
        assert len(page.footer) <= FOOTER_LIMIT
        assert page.size <= EMBED_TOTAL_LIMIT
    shown = "\n".join(page.description for page in pages)
    for fact in answer.sections[0].facts:
        assert f"• {fact.strip()}" in shown
    assert "**Details** (continued)" in shown
    assert "**Body**" in shown


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


async def test_articles_lists_a_story_together_and_says_so(story_desk: Desk) -> None:
    answer = articles(story_desk)

    ap = article_id(story_desk, "01_ap_white_house_1000.txt")
    reuters = article_id(story_desk, "02_reuters_white_house_1000.txt")
    order = [item.article.id for item in answer.articles]
    assert abs(order.index(ap) - order.index(reuters)) == 1
    assert f"(same story as #{ap})" in answer.text()
