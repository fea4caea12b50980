"""How text becomes index terms: folded words, stopwords dropped, lightly stemmed."""

from __future__ import annotations

from functools import lru_cache

from bot.text import singular, words

STOPWORDS = frozenset(
    """a an the and or but of to in on at by for from with as is are was were be been being have
    has had do does did it its this that these those there their they them he she his her him we
    our you your i me my not no so than then also about into over under after before since which
    who whom what when where why how all any some such can could would should will shall may might
    must very more most other only own same just up out off again further once both each few
    per among between during while against through until""".split()
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed; enough to join "shipments" and "shipment"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    one = singular(word)
    if one != word:
        return one
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            root = word[: -len(suffix)]
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "lsz":
                root = root[:-1]  # shipped -> ship
            return root
    return word


def analyze(text: str) -> list[str]:
    """Index terms of a text, in order: folded, stemmed, without stopwords."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
