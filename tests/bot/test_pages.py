"""Discord's limits as plain data: text cut, escaped and highlighted."""

from bot.pages import (
    escape,
    highlight,
    split_within,
)


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


def test_split_within_keeps_every_line_in_blocks_under_the_limit() -> None:
    lines = [f"`/command{n}` — does thing number {n}" for n in range(60)]

    blocks = split_within(lines, 1024)

    assert len(blocks) > 1
    assert all(len(block) <= 1024 for block in blocks)
    assert "\n".join(blocks).splitlines() == lines
