"""Rendering: terminal text, JSON, and Discord pages that respect every limit."""

from datetime import UTC, datetime

from bot.desk import COMMANDS, Answer, ArticleRef, UserError
from bot.desk.facts import FactHit, FactsAnswer
from bot.desk.help import HelpAnswer
from bot.digest import ARTICLES_IN_FULL, Digest, DigestItem, digest_messages
from bot.digest.messages import MESSAGE_EMBEDS_LIMIT
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
    escape,
    fitted,
    highlight,
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


def test_cut_text_ends_at_a_word_with_an_ellipsis() -> None:
    value = to_reply(huge_answer(1)).pages[0].fields[0].value

    assert "containers…" in value or "**containers**…" in value


def test_mentions_in_article_text_cannot_ping() -> None:
    text = escape("Hello @everyone and @here, <@123>, <@!45>, <@&67> and <#89>")

    assert "@everyone" not in text
    assert "@here" not in text
    for raw in ("<@123>", "<@!45>", "<@&67>", "<#89>"):
        assert raw not in text


def test_markdown_in_article_text_is_shown_as_typed() -> None:
    assert escape("*bold* _it_ `code` ~~x~~ ||spoiler||") == (
        "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~ \\|\\|spoiler\\|\\|"
    )
    assert escape("- not a list\n# not a header") == "\\- not a list\n\\# not a header"


def test_matched_words_are_bold() -> None:
    assert highlight("North Korea sent containers", ["containers"]) == (
        "North Korea sent **containers**"
    )


def test_help_json_lists_usages() -> None:
    body = (HelpAnswer(COMMANDS, "/facts shipments article:1")).json()

    assert body["kind"] == "help"
    assert body["commands"][0]["usage"] == "/facts <topic> [article]"


# --- The daily digest ---------------------------------------------------------------------------


LONG_FACT = "Ukraine received " + " ".join(f"shipment{n} of containers" for n in range(80))


def long_digest(articles: int = 45) -> Digest:
    items = tuple(
        DigestItem(
            ArticleRef(
                n, f"Headline {n} " + "long " * 60, ARTICLE.published, f"https://x.test/{n}"
            ),
            "A lead sentence that runs on " * 30,
            (LONG_FACT, LONG_FACT + " again", "Short fact."),
            tuple(f"Source {s}" for s in range(40)),
            updated=n % 2 == 0,
        )
        for n in range(1, articles + 1)
    )
    shown, more = items[:ARTICLES_IN_FULL], items[ARTICLES_IN_FULL:]
    start = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)
    return Digest(start.date(), "Europe/Kyiv", start, start, shown, tuple(i.article for i in more))


def test_a_long_digest_is_split_into_messages_within_discords_limits() -> None:
    messages = digest_messages(long_digest())
    assert len(messages) > 1
    for message in messages:
        assert 0 < len(message.content) <= CONTENT_LIMIT
        assert 1 <= len(message.pages) <= MESSAGE_EMBEDS_LIMIT
        assert sum(page.size for page in message.pages) <= EMBED_TOTAL_LIMIT
        for page in message.pages:
            assert len(page.title) <= TITLE_LIMIT
            assert len(page.description) <= DESCRIPTION_LIMIT
            assert len(page.footer) <= FOOTER_LIMIT


def test_a_long_digest_loses_no_article() -> None:
    digest = long_digest()
    text = "\n".join(
        page.title + page.description for m in digest_messages(digest) for page in m.pages
    )
    for number in range(1, 46):
        assert f"Headline {number} " in text or f"(#{number})" in text


def test_a_long_fact_is_cut_between_words_never_inside_one() -> None:
    page = digest_messages(long_digest(1))[0].pages[0]
    bullets = [line for line in page.description.splitlines() if line.startswith("• ")]
    kept = bullets[0].removeprefix("• ").removesuffix("…")
    assert bullets[0].endswith("…")
    assert LONG_FACT.startswith(kept)
    assert LONG_FACT[len(kept)] == " "
    assert bullets[2] == "• Short fact."


def test_an_empty_digest_is_one_short_line() -> None:
    start = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)
    [message] = digest_messages(Digest(start.date(), "UTC", start, start, ()))
    assert message.pages == ()
    assert "No new articles." in message.content


def test_digest_text_from_an_article_cannot_ping() -> None:
    item = DigestItem(ARTICLE, "@everyone look <@123>", ("@here",), ("<@&5>",), updated=False)
    start = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)
    page = digest_messages(Digest(start.date(), "UTC", start, start, (item,)))[0].pages[0]
    assert "@everyone" not in page.description
    assert "@here" not in page.description
    assert "<@123>" not in page.description


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
