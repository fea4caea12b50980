"""The text toolbox: what every room folds, splits and cuts the same way."""

import pytest

from bot.text import clip, first_sentence, fold, normalise, plural, sentence_bounds, singular


def test_folding_joins_case_quotes_dashes_and_hyphenated_names() -> None:
    assert fold("Kim Jong-un’s “Deal”") == 'kim jong un\'s "deal"'
    assert normalise("  Kim   Jong-un\n") == normalise("kim jong un") == "kim jong un"


def test_sentences_do_not_end_at_abbreviations_or_initials() -> None:
    text = "Gen. O. Syrskyi met the U.S. envoy. Talks went on. «Нова» доба почалась."

    starts = sentence_bounds(text)

    assert [text[start:].split()[0] for start in starts] == ["Gen.", "Talks", "«Нова»"]


def test_a_sentence_split_can_be_bounded_by_its_caller() -> None:
    ticks: list[None] = []

    sentence_bounds("One. Two. Three.", lambda: ticks.append(None))

    assert len(ticks) == 2


@pytest.mark.parametrize(
    ("plural_form", "singular_form"),
    [
        ("supplies", "supply"),
        ("boxes", "box"),
        ("shells", "shell"),
        ("bus", "bus"),
        ("glass", "glass"),
    ],
)
def test_singular_follows_the_regular_endings(plural_form: str, singular_form: str) -> None:
    assert singular(plural_form) == singular_form


def test_counts_take_their_plural() -> None:
    assert (plural(1, "article"), plural(3, "article")) == ("1 article", "3 articles")


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    clipped = clip("word " * 40, 100)

    assert len(clipped) <= 100
    assert clipped.endswith("word…")
    assert clip("anything", 1) == "…"


@pytest.mark.parametrize(
    ("lead", "first"),
    [
        (
            "The U.S. State Department said on Monday that aid will resume. Officials agreed.",
            "The U.S. State Department said on Monday that aid will resume.",
        ),
        (
            "Gen. Valerii Zaluzhnyi met his counterparts in Brussels on Tuesday. He said more.",
            "Gen. Valerii Zaluzhnyi met his counterparts in Brussels on Tuesday.",
        ),
        ("A lead of one sentence with no full stop", "A lead of one sentence with no full stop"),
    ],
)
def test_the_one_line_lead_is_not_cut_at_an_abbreviation(lead: str, first: str) -> None:
    assert first_sentence(lead) == first
