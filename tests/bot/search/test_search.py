"""Search: analysis, the lexicon, typo tolerance, ranking and the confidence floor."""

import pytest

from bot.search import SearchIndex, analyze, rank, stem
from bot.text import fold

FACTS = {
    1: "North Korea has sent about 7,000 containers of ammunition to Russia.",
    2: "Western countries keep supplying weapons to Ukraine.",
    3: "Kim Jong-un met Vladimir Putin in Pyongyang to sign a treaty.",
    4: "The shells could contain up to 4.8 million artillery shells.",
    5: "Artillery fire hit the town; shells landed near the school.",
    6: "The Kremlin denied the report about the strike.",
    7: "Farmers expect a good harvest of wheat this year.",
}


def build(facts: dict[int, str] = FACTS) -> SearchIndex:
    return SearchIndex.build([(i, " ".join(analyze(t))) for i, t in facts.items()], {})


def search(query: str, facts: dict[int, str] = FACTS, limit: int = 5) -> list[int]:
    index = build(facts)
    parsed = index.parse(query)
    candidates = {i: (facts[i], " ".join(analyze(facts[i]))) for i in index.shortlist(parsed)}
    return [hit.fact_id for hit in rank(index, parsed, candidates, limit)]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("shipments", "shipment"),
        ("containers", "container"),
        ("supplies", "supply"),
        ("supplied", "supply"),
        ("shipped", "ship"),
        ("delivered", "deliver"),
        ("boxes", "box"),
        ("news", "new"),
        ("us", "us"),
    ],
)
def test_stem_joins_forms_of_a_word(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_hyphenated_names_match_spaced_ones() -> None:
    assert analyze("Kim Jong-un") == analyze("Kim Jong Un") == ["kim", "jong", "un"]


def test_fold_unifies_quotes_dashes_and_case() -> None:
    assert fold("“Full” support – KYIV").split() == ['"full"', "support", "kyiv"]


def test_synonym_finds_facts_without_the_word() -> None:
    assert search("shipments")[0] == 1


def test_exact_word_outranks_its_synonyms() -> None:
    assert search("weapons")[0] == 2


def test_alias_finds_the_other_name() -> None:
    assert 3 in search("DPRK")
    assert 6 in search("Russia")


def test_typo_is_corrected_against_the_vocabulary() -> None:
    index = build()

    assert index.correct("amunition") == ["ammunition"]
    assert search("amunition")[0] == 1


def test_short_words_are_not_typo_corrected() -> None:
    assert build().correct("sip") == []


def test_phrase_outranks_scattered_words() -> None:
    assert search("artillery shells")[0] == 4


def test_query_with_no_real_match_finds_nothing() -> None:
    assert search("weather forecast") == []


def test_unknown_word_is_not_ignored() -> None:
    """ "weather in Ukraine" is not answered by any fact that merely mentions Ukraine."""
    assert search("weather in Ukraine") == []


def test_suggestions_come_from_the_vocabulary() -> None:
    assert "artillery" in build().suggestions("artilery fire drill")


def test_results_far_below_the_best_are_dropped() -> None:
    facts = {**FACTS, 8: "Wheat wheat wheat harvest record.", 9: "A year of change."}

    assert 9 not in search("wheat harvest", facts)


def test_index_survives_a_round_trip_through_rows() -> None:
    index = build()

    again = SearchIndex.from_rows(index.rows(), index.fact_count, index.average_length)

    assert again.df == index.df
    assert {t: list(p) for t, p in again.postings.items()} == {
        t: list(p) for t, p in index.postings.items()
    }


def test_facts_with_the_word_itself_rank_above_facts_with_only_a_synonym() -> None:
    # "delivered" is rare and its fact short: by score alone it would come first.
    facts = {
        1: "The shipment of grain left Odesa on a long route across the sea to Egypt.",
        2: "Ammunition delivered.",
        3: "A shipment of wheat reached Egypt.",
        4: "Another shipment of corn was delayed.",
        5: "The shipment was insured.",
    }

    found = search("shipments", facts)

    assert found[-1] == 2
    assert set(found[:-1]) == {1, 3, 4, 5}


def test_a_typo_of_a_lexicon_word_no_fact_uses_stands_for_its_synonyms() -> None:
    index = build()

    query = index.parse("shipmnets")

    assert query.corrected
    assert query.meant == ("shipments",)
    assert search("shipmnets")[0] == 1  # "sent ... containers"


def test_a_lexicon_word_no_fact_uses_is_not_read_as_a_typo() -> None:
    query = build().parse("shipments")

    assert not query.corrected
    assert search("shipments")[0] == 1


def test_a_fact_naming_a_term_twice_weighs_more_than_one_as_long_naming_it_once() -> None:
    index = build({1: "Shells hit the town.", 2: "Shells, more shells landed."})
    assert list(index.postings[stem("shells")]) == [2, 1]
    assert index.impacts[stem("shells")][0] > index.impacts[stem("shells")][1]


def test_an_index_built_whole_matches_one_made_by_adding_every_fact() -> None:
    facts = [(i, " ".join(analyze(t))) for i, t in FACTS.items()]
    whole = SearchIndex.build(facts, {})
    added, _ = SearchIndex().updated([], facts, {})
    assert whole.df == added.df
    assert {t: list(p) for t, p in whole.postings.items()} == {
        t: list(p) for t, p in added.postings.items()
    }
    assert {t: list(w) for t, w in whole.impacts.items()} == {
        t: list(w) for t, w in added.impacts.items()
    }
