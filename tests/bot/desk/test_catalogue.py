"""The catalogue: typed commands parsed as Discord parses options."""

import pytest

from bot.desk import Invocation, UserError, parse_invocation


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


@pytest.mark.parametrize("option", ["article", "speaker", "topic"])
def test_a_value_longer_than_discord_would_send_is_refused_before_matching(option: str) -> None:
    command = "quote" if option == "speaker" else "facts shipments"

    error = parse_invocation(f"/{command} {option}:{'Kim Jong Un ' * 500}")

    assert isinstance(error, UserError)
    assert error.message == f"{option} is too long: 5,999 characters, at most 200."
