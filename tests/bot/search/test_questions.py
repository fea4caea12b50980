"""Questions as readers type them: what they ask for, and the topic left to search."""

import pytest

from bot.search import read_question


def test_a_plain_topic_reads_as_itself() -> None:
    question = read_question("artillery shells")

    assert question.topic == "artillery shells"
    assert (question.speaker, question.wants_figure, question.asks_who) == (None, False, False)


@pytest.mark.parametrize(
    "text",
    [
        "how many containers",
        "How many containers?",
        "what number of containers",
        "number of containers",
    ],
)
def test_how_many_wants_a_figure_about_the_rest(text: str) -> None:
    question = read_question(text)

    assert question.wants_figure
    assert question.topic == "containers"


@pytest.mark.parametrize(
    ("text", "speaker", "topic"),
    [
        ("what did Shin say", "Shin", ""),
        ("What did Shin Won-sik say about containers?", "Shin Won-sik", "containers"),
        ("what has South Korea claimed", "South Korea", ""),
        ("what is the Kremlin saying about the treaty", "the Kremlin", "the treaty"),
        ("what Putin said about aggression", "Putin", "aggression"),
        ("Shin's claims", "Shin", ""),
        ("quotes from Kim Jong Un", "Kim Jong Un", ""),
    ],
)
def test_what_did_x_say_asks_for_x_claims(text: str, speaker: str, topic: str) -> None:
    question = read_question(text)

    assert (question.speaker, question.topic) == (speaker, topic)


def test_what_did_it_say_names_nobody() -> None:
    assert read_question("what did it say").speaker is None


def test_who_said_asks_for_the_claimant_of_the_rest() -> None:
    question = read_question("who said 10,000 containers")

    assert question.asks_who
    assert question.topic == "10,000 containers"
    assert question.wants_figure  # a number asked about is a figure to find


def test_question_words_that_name_no_topic_are_left_out() -> None:
    assert read_question("what happened in Pyongyang?").topic == "in Pyongyang"


def test_a_request_keeps_only_its_topic() -> None:
    assert read_question("tell me about satellite imagery").topic == "satellite imagery"
