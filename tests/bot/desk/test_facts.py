"""/facts: what is found, how it is cited, and what is not found."""

from bot.desk import Desk
from bot.desk.facts import FactsAnswer, NothingFound, facts
from tests.conftest import SEED_TITLE, article_id


async def test_facts_cite_their_claimant_section_and_article(desk: Desk) -> None:
    answer = await desk.answer_line("/facts shipments")

    assert isinstance(answer, FactsAnswer)
    top = answer.hits[:3]
    assert all("containers" in hit.text for hit in top)
    assert {hit.section for hit in top} == {"Background"}
    assert {hit.article.title for hit in top} == {SEED_TITLE}
    # Each by who says it, never by the news item's sources (Interfax, RIA Novosti).
    assert {hit.claimant for hit in top} == {"United States", "South Korea", "Shin Won-sik"}
    south_korea = next(hit for hit in top if hit.claimant == "South Korea")
    assert south_korea.cited == "South Korea reported, in March 2024"
    assert (south_korea.attribution, south_korea.claimed_at) == ("reported", "2024-03")
    assert answer.understood_as == ("also: sent, delivered, supplying, containers",)


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
    assert answer.understood_as == ("Showing results for artillery",)


async def test_weather_forecast_finds_nothing_and_suggests_at_most_three(desk: Desk) -> None:
    answer = await facts(desk, "weather forecast")

    assert isinstance(answer, NothingFound)
    assert len(answer.suggestions) <= 3


async def test_how_many_puts_the_facts_with_figures_first(desk: Desk) -> None:
    answer = await facts(desk, "how many containers")

    assert isinstance(answer, FactsAnswer)
    assert [hit.claimant for hit in answer.hits[:3]] == [
        "United States",
        "South Korea",
        "Shin Won-sik",
    ]
    assert answer.understood_as[0] == "facts with figures first"


async def test_what_did_x_say_shows_only_what_x_claimed(desk: Desk) -> None:
    answer = await facts(desk, "what did Shin say")

    assert isinstance(answer, FactsAnswer)
    assert {hit.claimant for hit in answer.hits} == {"Shin Won-sik"}
    assert any("10,000 containers" in hit.text for hit in answer.hits)
    assert answer.understood_as == ("what Shin Won-sik said",)


async def test_what_did_x_say_about_a_topic_ranks_x_claims_by_it(desk: Desk) -> None:
    answer = await facts(desk, "What did Shin Won-sik say about containers?")

    assert isinstance(answer, FactsAnswer)
    assert "10,000 containers" in answer.hits[0].text
    assert {hit.claimant for hit in answer.hits} == {"Shin Won-sik"}


async def test_what_did_x_say_finds_x_quoted_with_who_reports_it(desk: Desk) -> None:
    answer = await facts(desk, "what did Kim say")

    assert isinstance(answer, FactsAnswer)
    full_support = next(hit for hit in answer.hits if "full support" in hit.text)
    assert full_support.claimant == "Russian propaganda publications"  # not Kim: they report it


async def test_what_did_x_say_never_credits_someone_else_x_resembles(desk: Desk) -> None:
    answer = await facts(desk, "what did the Kremlin say")

    assert isinstance(answer, FactsAnswer)  # read as a topic: the Kremlin
    assert "what The United States said" not in answer.understood_as
    assert all("Kremlin" in hit.text or "Russia" in hit.text for hit in answer.hits)


async def test_what_did_x_say_for_someone_unknown_finds_nothing(desk: Desk) -> None:
    answer = await facts(desk, "what did Biden say")

    assert isinstance(answer, NothingFound)


async def test_who_said_a_figure_names_its_claimant_first(desk: Desk) -> None:
    answer = await facts(desk, "who said 10,000 containers")

    assert isinstance(answer, FactsAnswer)
    assert answer.hits[0].claimant == "Shin Won-sik"
    assert answer.hits[0].cited == "Shin Won-sik said, in mid-June 2024"


async def test_a_typo_of_a_word_no_article_uses_is_corrected_through_the_lexicon(
    desk: Desk,
) -> None:
    answer = await facts(desk, "shipmnets")

    assert isinstance(answer, FactsAnswer)
    assert all("containers" in hit.text for hit in answer.hits[:3])
    assert answer.understood_as[0] == "Showing results for shipments"


async def test_what_did_x_say_gathers_every_name_the_articles_give_x(desk: Desk) -> None:
    answer = await facts(desk, "what did Budanov say")

    assert isinstance(answer, FactsAnswer)
    assert answer.understood_as == ("what Kyrylo Budanov said",)
    texts = [hit.text for hit in answer.hits]
    assert any(text.startswith("Budanov said that Russian defence plants") for text in texts)
    assert any("They do not use everything they produce" in text for text in texts)  # his quote


async def test_a_syndicated_copy_of_a_fact_is_shown_once_with_also_reported_by(
    story_desk: Desk,
) -> None:
    answer = await facts(story_desk, "7,000 containers of ammunition")

    assert isinstance(answer, FactsAnswer)
    copies = [h for h in answer.hits if h.text.startswith("North Korea has sent about 7,000")]
    assert len(copies) == 1
    syndicated = article_id(story_desk, "05_kyiv_independent_syndicated_7000.txt")
    assert syndicated in {a.id for a in copies[0].also}
    assert "also reported by" in answer.text()
