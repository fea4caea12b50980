"""Matching what people type: picking in stages, look-alikes and autocomplete."""

from bot.fuzzy import Choice, Completer, NoMatch, Picker, lookalikes, names_agree, typo_cutoff

TITLES = [
    "Putin and Kim Jong Un sign agreement foreseeing assistance in case of aggression",
    "Zelenskyy asks for more Patriot systems",
    "Budanov: Russia produces about 40 Kh-101 missiles a month",
]


def test_the_same_text_is_picked_whatever_its_case_and_marks() -> None:
    assert Picker(TITLES).pick("zelenskyy ASKS for more patriot systems!") == 1


def test_every_word_present_picks_the_first_such_choice() -> None:
    assert Picker(TITLES).pick("Putin Kim agreem") == 0


def test_a_clear_fuzzy_winner_is_picked() -> None:
    assert Picker(TITLES).pick("Budanov Russia produces about 40 Kh-101 missiles a mont") == 2


def test_nothing_close_offers_what_might_have_been_meant() -> None:
    found = Picker(TITLES).pick("Zelensky wants air defence")

    assert isinstance(found, NoMatch)
    assert TITLES[1] in found.close


def test_a_picker_that_must_not_guess_picks_only_the_same_text() -> None:
    picker = Picker(["Europe/Kyiv", "Europe/Kiev"], also={"kyiv": 0}, guesses=False)

    assert picker.pick("KYIV") == 0
    assert isinstance(picker.pick("Europe/Kyev"), NoMatch)


def test_look_alikes_are_typos_best_first() -> None:
    assert [word for word, _ in lookalikes("containrs", ["container", "contain", "shell"])] == [
        "container",
        "contain",
    ]


def test_short_words_need_a_closer_typo() -> None:
    assert typo_cutoff("shell") == 80
    assert typo_cutoff("shipments") == 85
    assert typo_cutoff("ammunitions") == 88


def test_autocomplete_offers_word_starts_first_then_close_ones() -> None:
    completer = Completer([Choice(name, name) for name in ("North Korea", "Korean", "Kremlin")])

    names = [choice.name for choice in completer.complete("kore")]

    assert names[:2] == ["North Korea", "Korean"]
    assert len(completer.complete("", limit=2)) == 2


def test_a_name_agrees_with_its_words_their_starts_and_their_typos() -> None:
    assert names_agree("Shin", "Shin Won-sik")
    assert names_agree("won-sik", "Shin Won-sik")
    assert names_agree("the Pentagn", "The Pentagon")
    assert not names_agree("Kremlin", "The United States")
    assert not names_agree("the", "The Times")
