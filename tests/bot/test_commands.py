"""The command layer: parsing typed commands and each command's answer."""

import sqlite3
from pathlib import Path

import pytest

from bot.desk import Desk, Invocation, SeedsFolder, UserError, parse_invocation
from bot.desk.articles import (
    ArticlesAnswer,
    SourcesAnswer,
    SummaryAnswer,
    source,
    summary,
)
from bot.desk.facts import FactsAnswer, NothingFound, facts
from bot.desk.figures import FiguresAnswer, figures
from bot.desk.help import HelpAnswer, help_for
from bot.desk.moderation import ReloadAnswer, reload, reload_log
from bot.desk.quotes import QuotesAnswer, quote
from bot.extract import KYIV
from bot.store import Requester, Store

REPO = Path(__file__).resolve().parents[2]

SEED_TITLE = "Putin and Kim Jong Un sign agreement foreseeing assistance in case of aggression"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/facts shipments", Invocation("facts", {"topic": "shipments"})),
        (
            "/facts North Korea article:Putin and Kim",
            Invocation("facts", {"topic": "North Korea", "article": "Putin and Kim"}),
        ),
        ("/facts topic:shells article:3", Invocation("facts", {"topic": "shells", "article": "3"})),
        ("/FIGURES", Invocation("figures", {})),
        ("/quote Putin", Invocation("quote", {"speaker": "Putin"})),
    ],
)
def test_typed_commands_are_parsed_like_discord_options(line: str, expected: Invocation) -> None:
    assert parse_invocation(line) == expected


def test_unknown_command_suggests_the_closest() -> None:
    error = parse_invocation("/fcts shipments")

    assert isinstance(error, UserError)
    assert error.suggestions == ("/facts",)


def test_missing_required_option_is_explained() -> None:
    error = parse_invocation("/facts")

    assert isinstance(error, UserError)
    assert "needs topic" in error.message


async def test_facts_cite_article_section_and_source(desk: Desk) -> None:
    answer = await desk.answer_line("/facts shipments")

    assert isinstance(answer, FactsAnswer)
    top = answer.hits[:3]
    assert all("containers" in hit.text for hit in top)
    assert {hit.section for hit in top} == {"Background"}
    assert {hit.article.title for hit in top} == {SEED_TITLE}
    assert top[0].cited == "Interfax Russia, RIA Novosti"
    assert answer.understood_as == ("shipment: also sent, delivered, supplying, containers",)


async def test_facts_highlight_the_words_that_matched(desk: Desk) -> None:
    answer = await facts(desk, "artillery shells")

    assert isinstance(answer, FactsAnswer)
    assert {"artillery", "shells"} <= set(answer.hits[0].matched)


async def test_quoted_fact_cites_its_speaker(desk: Desk) -> None:
    answer = await facts(desk, "gross violation")

    assert isinstance(answer, FactsAnswer)
    assert answer.hits[0].cited == "Vladimir Putin"


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


async def test_quote_by_speaker_fuzzy(desk: Desk) -> None:
    answer = await quote(desk, "putin")

    assert isinstance(answer, QuotesAnswer)
    assert answer.speaker == "Vladimir Putin"
    assert len(answer.quotes) == 3


async def test_quote_by_unknown_speaker_suggests(desk: Desk) -> None:
    answer = await quote(desk, "Obama")

    assert isinstance(answer, UserError)


async def test_figures_on_the_same_unit_stand_side_by_side(desk: Desk) -> None:
    answer = await figures(desk, "containers", None)

    assert isinstance(answer, FiguresAnswer)
    containers = next(group for group in answer.groups if group.unit == "container")
    assert [(f.text, f.claimant, f.when) for f in containers.figures] == [
        ("about 7,000 containers", "South Korea", "in March"),
        ("over 1,000 containers", "United States", None),
        ("at least 10,000 containers", "Shin Won-sik", "in mid-June"),
    ]


async def test_figures_of_the_newest_article_without_topic(desk: Desk) -> None:
    answer = await figures(desk, None, None)

    assert isinstance(answer, FiguresAnswer)
    assert answer.article is not None
    assert answer.article.title.startswith("Zelenskyy")


async def test_articles_newest_first(desk: Desk) -> None:
    answer = await desk.answer_line("/articles")

    assert isinstance(answer, ArticlesAnswer)
    dates = [item.article.published for item in answer.articles]
    assert dates == sorted((d for d in dates if d), reverse=True)


async def test_help_lists_every_command(desk: Desk) -> None:
    answer = await desk.answer_line("/help")

    assert isinstance(answer, HelpAnswer)
    assert [spec.name for spec in answer.commands] == [
        "facts",
        "source",
        "summary",
        "articles",
        "quote",
        "figures",
        "help",
        "reload",
        "reload-log",
    ]
    assert [spec.name for spec in answer.commands if spec.moderators] == ["reload", "reload-log"]


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


@pytest.mark.parametrize("article", ["²", "#٣", "9" * 5000, "12345678901234567890"])
async def test_an_article_number_that_is_no_id_is_a_user_error(desk: Desk, article: str) -> None:
    answer = await source(desk, article)

    assert isinstance(answer, UserError)
    assert len(answer.message) < 200


@pytest.mark.parametrize("option", ["article", "speaker", "topic"])
def test_a_value_longer_than_discord_would_send_is_refused_before_matching(option: str) -> None:
    command = "quote" if option == "speaker" else "facts shipments"

    error = parse_invocation(f"/{command} {option}:{'Kim Jong Un ' * 500}")

    assert isinstance(error, UserError)
    assert error.message == f"{option} is too long: 5,999 characters, at most 200."


async def test_a_batch_goes_on_after_a_bad_article(desk: Desk) -> None:
    answers = [await desk.answer_line(line) for line in ("/source article:²", "/articles")]

    assert isinstance(answers[0], UserError)
    assert isinstance(answers[1], ArticlesAnswer)


# --- Moderators' commands at the console ------------------------------------------------------


def seeds_desk(store: Store, seeds: Path) -> Desk:
    return Desk(store, SeedsFolder(seeds, KYIV, 2_000_000))


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


def empty(folder: Path) -> None:
    """The seeds folder as an unmounted disk leaves it: there, and empty."""
    for file in folder.iterdir():
        file.unlink()
