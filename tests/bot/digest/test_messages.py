"""A digest laid out as channel messages within Discord's limits, and as text."""

from datetime import UTC, datetime

from bot.desk import ArticleRef
from bot.digest import ARTICLES_IN_FULL, Digest, DigestItem, digest_messages
from bot.digest.messages import MESSAGE_EMBEDS_LIMIT
from bot.pages import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
)

ARTICLE = ArticleRef(1, "A" * 400, datetime(2024, 6, 19, 10, 3, tzinfo=UTC))
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
