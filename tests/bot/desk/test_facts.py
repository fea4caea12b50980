"""/facts: what is found, how it is cited, and what is not found."""

from bot.desk import Desk
from bot.desk.facts import FactsAnswer, NothingFound, facts
from tests.conftest import SEED_TITLE


async def test_facts_cite_their_claimant_section_and_article(desk: Desk) -> None:
    answer = await desk.answer_line("/facts shipments")

    assert isinstance(answer, FactsAnswer)
    top = answer.hits[:3]
    assert all("containers" in hit.text for hit in top)
    assert {hit.section for hit in top} == {"Background"}
    assert {hit.article.title for hit in top} == {SEED_TITLE}
    # Each by who says it, never by the news item's sources (Interfax, RIA Novosti).
    assert {hit.claimant for hit in top} == {"The United States", "South Korea", "Shin Won-sik"}
    south_korea = next(hit for hit in top if hit.claimant == "South Korea")
    assert south_korea.cited == "South Korea reported, in March 2024"
    assert (south_korea.attribution, south_korea.claimed_at) == ("reported", "2024-03")
    assert answer.understood_as == ("shipment: also sent, delivered, supplying, containers",)


async def test_facts_highlight_the_words_that_matched(desk: Desk) -> None:
    answer = await facts(desk, "artillery shells")

    assert isinstance(answer, FactsAnswer)
    assert {"artillery", "shells"} <= set(answer.hits[0].matched)


async def test_quoted_fact_cites_its_speaker(desk: Desk) -> None:
    answer = await facts(desk, "gross violation")

    assert isinstance(answer, FactsAnswer)
    assert answer.hits[0].claimant == "Vladimir Putin"
    assert answer.hits[0].cited == "Vladimir Putin said"


async def test_facts_in_one_article_only(desk: Desk) -> None:
    answer = await facts(desk, "missiles", "Budanov")

    assert isinstance(answer, FactsAnswer)
    assert answer.article is not None
    assert {hit.article.id for hit in answer.hits} == {answer.article.id}


async def test_typo_is_answered_and_the_reading_shown(desk: Desk) -> None:
    answer = await facts(desk, "artilery")

    assert isinstance(answer, FactsAnswer)
    assert "artillery" in answer.hits[0].text
    assert answer.understood_as == ("artilery: also artillery",)


async def test_weather_forecast_finds_nothing_and_suggests_at_most_three(desk: Desk) -> None:
    answer = await facts(desk, "weather forecast")

    assert isinstance(answer, NothingFound)
    assert len(answer.suggestions) <= 3
