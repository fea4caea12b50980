"""Names in the text: a person's name without the titles before it, and whether a name is a
person's at all."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.articles.extraction.tables import (
    MONTHS,
    NAME_TOKEN,
    NON_PERSON_WORDS,
    SITE_NAME_KEYS,
    TITLE_WORDS,
)


def name_before(tokens: list[str]) -> str | None:
    """The run of capitalised words that ends `tokens`: "the Joint Chiefs of Staff (JCS)"."""
    name: list[str] = []
    for token in reversed(tokens):
        bare = token.strip("()")
        if token.endswith(",") or not bare:
            break
        if NAME_TOKEN.match(bare) or (bare.lower() in ("of", "for", "the") and name):
            name.insert(0, token)
        else:
            break
    while name and name[0].lower() in ("of", "for", "the"):
        name.pop(0)
    return " ".join(name) or None


_NATIONALITY = re.compile(r"[A-Z]\w*(?:an|ese|ish|i)")  # "Estonian", "Japanese", "Polish"
_AFTER_COMPASS = re.compile(r"[A-Z]\w*(?:an|ese)")  # "North Korean", "South Sudanese"


# Cached: the same names and runs come back in every paragraph and article.
@lru_cache(maxsize=8192)
def person_name(text: str) -> str | None:
    """Drop titles and nationalities before a name: `South Korean Defence Minister Shin Won-sik`."""
    tokens = text.split()
    while len(tokens) > 1 and tokens[0].lower() == "the":
        tokens = tokens[1:]
    titles = [i for i, t in enumerate(tokens[:-1]) if t.lower() in TITLE_WORDS]
    if titles and is_person(" ".join(tokens[titles[-1] + 1 :])):
        tokens = tokens[titles[-1] + 1 :]
        if len(tokens) > 2 and tokens[0].lower() in ("of", "for"):
            # "Secretary of State Antony Blinken": the portfolio goes with the title.
            tokens = tokens[-2:]
    # "Estonian Kristen Michal"; but "Serhii Marchenko" is a name, not a nationality and a name.
    while len(tokens) > 2 and _NATIONALITY.fullmatch(tokens[0]):
        if tokens[0] in ("North", "South"):
            break
        tokens = tokens[1:]
    if len(tokens) > 2 and tokens[0] in ("North", "South") and _AFTER_COMPASS.fullmatch(tokens[1]):
        tokens = tokens[2:]
    name = " ".join(tokens).strip(" ,.'’")
    if not name or name.casefold() in SITE_NAME_KEYS or name.split()[0].lower() in MONTHS:
        return None
    return name


@lru_cache(maxsize=8192)
def is_person(name: str) -> bool:
    return not any(_non_person(token.strip(".'’")) for token in name.split())


def _non_person(token: str) -> bool:
    # "UN" is an organisation; the "Un" of "Kim Jong Un" is not.
    if token.lower() in _ACRONYMS:
        return token.isupper()
    return token.lower() in NON_PERSON_WORDS


_ACRONYMS = frozenset({"un", "eu", "nato"})


# --- Figures --------------------------------------------------------------------------------------
