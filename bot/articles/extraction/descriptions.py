"""How an article describes a person: the title before the name ("South Korean Defence Minister
Shin Won-sik") or the apposition after it ("John Kirby, the White House national security
spokesman,")."""

from __future__ import annotations

import re

from bot.articles.extraction.claim_words import PERSON_ROLES, TITLED_NAME
from bot.text import normalise

_APPOSITION = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?(?P<what>[^,.;:()\"“”]{3,80}?)\s*[,.;]")
_ROLE = re.compile(r"\b(?:" + "|".join(sorted(PERSON_ROLES, key=len, reverse=True)) + r")\b", re.I)


def describe(text: str, names: tuple[str, ...]) -> list[str]:
    """The descriptions `text` gives of whoever is called one of `names`, in order, once each."""
    wanted = {normalise(name) for name in names}
    last_words = {name.split()[-1] for name in wanted if name}
    found: list[str] = []
    for match in TITLED_NAME.finditer(text):
        name = normalise(match["name"])
        if name in wanted or (
            name.split() and name.split()[-1] in last_words and len(name.split()) > 1
        ):
            found.append(match["title"].strip())
    for name in names:
        for at in re.finditer(re.escape(name), text):
            after = _APPOSITION.match(text, at.end())
            if after and _ROLE.search(after["what"]):
                found.append(after["what"].strip())
    cleaned = [re.sub(r"^(?:the|a|an)\s+", "", d, flags=re.I) for d in found]
    return list(dict.fromkeys(d for d in cleaned if d))
