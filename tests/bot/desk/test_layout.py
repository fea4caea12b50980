"""Answers laid out for Discord: every page within its limits, nothing lost, text escaped."""

from datetime import UTC, datetime

from bot.desk import COMMANDS, Answer, ArticleRef, UserError
from bot.desk.facts import FactHit, FactsAnswer
from bot.desk.help import HelpAnswer
from bot.pages import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    Reply,
    fitted,
)


def to_reply(answer: Answer) -> Reply:
    """What the Discord side sends: the answer's reply, fitted within Discord's limits."""
    return fitted(answer.reply())


ARTICLE = ArticleRef(1, "A" * 400, datetime(2024, 6, 19, 10, 3, tzinfo=UTC))


def huge_answer(count: int = 40) -> FactsAnswer:
    hits = tuple(
        FactHit(
            n,
            "containers " * 500,
            1.0,
            "Background " * 40,
            ARTICLE,
            "Source " * 300,
            ("containers",),
        )
        for n in range(count)
    )
    return FactsAnswer("shipments " * 60, hits, ("shipments: also " + "sent, " * 900,), None)


def test_every_page_of_a_huge_answer_is_within_discords_limits() -> None:
    pages = to_reply(huge_answer()).pages

    assert len(pages) > 1
    for page in pages:
        assert len(page.title) <= TITLE_LIMIT
        assert len(page.description) <= DESCRIPTION_LIMIT
        assert len(page.fields) <= FIELDS_LIMIT
        assert all(len(f.name) <= FIELD_NAME_LIMIT for f in page.fields)
        assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in page.fields)
        assert len(page.footer) <= FOOTER_LIMIT
        assert page.size <= EMBED_TOTAL_LIMIT


def test_pages_number_themselves_and_lose_no_fact() -> None:
    pages = to_reply(huge_answer(12)).pages

    assert sum(len(page.fields) for page in pages) == 12
    assert pages[-1].footer.endswith(f"Page {len(pages)}/{len(pages)}")


def test_long_error_fits_a_message() -> None:
    reply = to_reply(UserError("no " * 2000))

    assert reply.ephemeral
    assert len(reply.text) <= CONTENT_LIMIT


def test_help_json_lists_usages() -> None:
    body = (HelpAnswer(COMMANDS, "/facts shipments article:1")).json()

    assert body["kind"] == "help"
    assert body["commands"][0]["usage"] == "/facts <topic> [article]"


# --- The daily digest ---------------------------------------------------------------------------


def facts_answer(title: str, fact: str, topic: str = "containers") -> FactsAnswer:
    article = ArticleRef(7, title, datetime(2024, 6, 19, 10, 3, tzinfo=UTC))
    hit = FactHit(1, fact, 1.0, "Background", article, "Interfax", ("containers",))
    return FactsAnswer(topic, (hit,), (), None)


def test_a_very_long_headline_leaves_the_fact_whole() -> None:
    fact = "North Korea has sent about 7,000 containers of ammunition to Russia."

    reply = to_reply(facts_answer("Headline " * 230, fact))  # about 2,000 characters

    [field] = reply.pages[0].fields
    assert "7,000 **containers** of ammunition to Russia." in field.value
    assert len(field.value) <= FIELD_VALUE_LIMIT


def test_titles_are_escaped_like_bodies() -> None:
    answer = facts_answer("**Leaked** @everyone", "A fact about containers.", "__secret__ <@123>")

    page = to_reply(answer).pages[0]

    assert page.title == "Facts about “\\_\\_secret\\_\\_ <\u200b@123>”"
    assert "\\*\\*Leaked\\*\\* @\u200beveryone" in page.fields[0].value


def test_cut_text_ends_at_a_word_with_an_ellipsis() -> None:
    value = to_reply(huge_answer(1)).pages[0].fields[0].value

    assert "containers…" in value or "**containers**…" in value
