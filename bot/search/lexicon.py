"""The newsroom lexicon, as data: words that stand for each other in a query (synonyms), and names
of the same place or party (aliases), with the weight each carries."""

from __future__ import annotations

from collections import defaultdict

from bot.search.analysis import analyze

# Words in a group stand for each other in queries. Irregular forms are listed, since the stemmer
# does not know that "sent" is "send".
SYNONYMS: tuple[tuple[str, ...], ...] = (
    (
        "shipment",
        "ship",
        "shipped",
        "send",
        "sent",
        "deliver",
        "delivered",
        "delivery",
        "supply",
        "supplied",
        "transfer",
        "transferred",
        "container",
    ),
    ("pact", "treaty", "agreement", "accord", "deal"),
    ("arms", "weapon", "munition", "ammunition", "ammo", "shell"),
    ("attack", "strike", "assault", "shelling", "bombardment"),
    ("drone", "uav", "shahed"),
    ("killed", "dead", "death", "casualty", "victim"),
    ("aid", "assistance", "help", "support", "package"),
    ("talks", "negotiation", "meeting", "summit"),
    ("sanction", "restriction", "embargo"),
    ("army", "military", "troops", "soldier", "forces"),
)
# Names that mean the same place or party: a query for one finds the others.
ALIASES: tuple[tuple[str, ...], ...] = (
    ("north korea", "dprk", "pyongyang", "north korean"),
    ("russia", "kremlin", "moscow", "russian federation"),
    ("ukraine", "kyiv"),
    ("united states", "us", "usa", "washington", "america"),
    ("south korea", "seoul", "republic of korea"),
    ("kim jong un", "kim jong-un"),
    ("zelenskyy", "zelensky", "zelenskiy"),
)
SYNONYM_WEIGHT = 0.6
ALIAS_WEIGHT = 0.9
TYPO_WEIGHT = 0.8


def _term_groups() -> dict[tuple[str, ...], list[tuple[tuple[str, ...], float]]]:
    """Each lexicon phrase (as index terms) -> the phrases it also stands for, with a weight."""
    related: dict[tuple[str, ...], list[tuple[tuple[str, ...], float]]] = defaultdict(list)
    for groups, weight in ((SYNONYMS, SYNONYM_WEIGHT), (ALIASES, ALIAS_WEIGHT)):
        for group in groups:
            phrases = list(dict.fromkeys(tuple(analyze(p)) or (p,) for p in group))
            for phrase in phrases:
                related[phrase] += [(other, weight) for other in phrases if other != phrase]
    return dict(related)


LEXICON = _term_groups()
