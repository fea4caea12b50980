"""How an article describes a person: the title before the name ("South Korean Defence Minister
Shin Won-sik") or the apposition after it ("John Kirby, the White House national security
spokesman,")."""

from __future__ import annotations

import re

from bot.articles.extraction.claim_words import PERSON_ROLES, TITLED_NAME
from bot.text import normalise

_APPOSITION = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?(?P<what>[^,.;:()\"“”]{3,80}?)\s*[,.;]")
_CAPITALISED_BEFORE = re.compile(r"(?<![\w'’-])(?:[A-Z][\w-]*\s+){1,3}$")
_ROLE = re.compile(r"\b(?:" + "|".join(sorted(PERSON_ROLES, key=len, reverse=True)) + r")\b", re.I)


def describe(text: str, names: tuple[str, ...]) -> list[str]:
    """The descriptions `text` gives of whoever is called one of `names`, in order, once each."""
    wanted = {normalise(name) for name in names}
    last_words = {name.split()[-1] for name in wanted if name}
    found: list[str] = []
    for match in TITLED_NAME.finditer(text):
        name = normalise(match["name"])
        said = name.split()
        # "Minister Shin Won-sik" for "Shin", never "Mr Kim" for any Kim.
        if name in wanted or (len(said) > 1 and said[-1] in last_words):
            # "White House national security spokesman": the capitalised words before the
            # three the pattern allows belong to the title too.
            before = _CAPITALISED_BEFORE.search(text, 0, match.start("title"))
            start = before.start() if before else match.start("title")
            found.append(text[start : match.end("title")].strip())
    for name in names:
        for at in re.finditer(re.escape(name), text):
            after = _APPOSITION.match(text, at.end())
            if after and _ROLE.search(after["what"]):
                found.append(after["what"].strip())
    cleaned = [re.sub(r"^(?:the|a|an)\s+", "", d, flags=re.I) for d in found]
    once: dict[str, str] = {}
    for description in cleaned:  # "Defence Minister" and "defence minister" are one
        if description:
            once.setdefault(normalise(description).replace("defense", "defence"), description)
    return list(once.values())
