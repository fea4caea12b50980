"""What the claim steps know, as data: how a claim is attributed, role nouns and who they stand
for, the marks of a party to the story, and the names and words that are not entities."""

from __future__ import annotations

import re

from bot.articles.extraction.tables import MONTHS
from bot.text import CaseBlindWords

# Speech verbs that report rather than say; every other speech verb is "said".
REPORTING_VERBS = frozenset(
    {"reported", "reports", "has information", "have information", "had information"}
)

# "citing Western intelligence sources", "quoted by RIA Novosti", "as reported by Reuters".
_PHRASE = r"(?P<who>(?:the\s+)?[^,.;:\"“”()]{2,80}?)(?=\s*(?:[,.;:\"“”(]|\bthat\b|\bas\b|$))"
CITING = re.compile(rf"\b[Cc]iting\s+{_PHRASE}")
QUOTED_BY = re.compile(rf"\bquoted\s+by\s+{_PHRASE}")
REPORTED_BY = re.compile(rf"\b(?:as\s+)?(?:was\s+|were\s+)?reported\s+by\s+{_PHRASE}")
ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+{_PHRASE}")
# What each of them needs, looked for first: few sentences hold it, and these searches are far
# cheaper than the patterns'.
PHRASE_NEEDS = {
    CITING: re.compile("iting"),
    QUOTED_BY: re.compile(r"quoted\s+by"),
    REPORTED_BY: re.compile(r"reported\s+by"),
    ACCORDING: re.compile(r"ccording\s+to"),
}

# Where a subject's clause begins: after a comma, a colon, a quote mark, or a word that opens a
# clause. After a subordinating word ("a day after Berlin announced") the verb tells an event,
# not who says the sentence.
CLAUSE_START = re.compile(
    r"[,;:]\s+|[\"“”«»]\s*|\b(?P<relative>that|which|who|whom|whose)\s+|"
    r"\b(?P<subordinate>while|whereas|because|after|before|when|where|although|though|since|as|"
    r"if|until|once)\s+",
    re.I,
)
# Words between a subject and its verb: "Zelenskyy had previously said", "Kyiv has repeatedly".
BEFORE_VERB = frozenset(
    """also has had have was were is are will would could can may might then later further
    reportedly previously repeatedly again once already earlier now recently publicly
    officially formally first""".split()
)
# A subject holds no verb of its own: "the shells were old and experts said" has none.
NOT_IN_SUBJECT = frozenset(
    """is are was were be been being has have had will would could can may might should do does
    did""".split()
)
LEADING_WORDS = frozenset("and but also meanwhile however moreover later earlier then so".split())
# Subjects that stand for a claimant named before.
PERSON_PRONOUNS = frozenset({"he", "she"})
OTHER_PRONOUNS = frozenset({"they", "it"})

# "the newspaper" is the publication last named; "the minister" the one titled so; "the
# ministry" the one the article named, by its head noun.
MEDIA_ROLES = frozenset(
    """newspaper paper publication outlet broadcaster channel daily magazine website site
    tabloid network station""".split()
)
BODY_ROLES = frozenset(
    """ministry association company agency administration service council committee department
    office institute army government fund bank authority authorities operator corporation
    organisation organization union alliance staff command commission court police""".split()
)
ORG_ROLES = MEDIA_ROLES | BODY_ROLES
PERSON_ROLES = frozenset(
    """minister president leader official spokesperson spokesman spokeswoman chief head dictator
    governor mayor commander general secretary ambassador chancellor premier adviser advisor envoy
    prime""".split()
)
# Roles that name one person whatever the article says before: "the Kremlin leader" is Putin.
ROLE_ALIASES = {
    "kremlin leader": "Vladimir Putin",
    "kremlin chief": "Vladimir Putin",
    "kremlin head": "Vladimir Putin",
    "kremlin dictator": "Vladimir Putin",
    "russian president": "Vladimir Putin",
    "russian leader": "Vladimir Putin",
    "russian dictator": "Vladimir Putin",
    "ukrainian president": "Volodymyr Zelenskyy",
    "ukrainian leader": "Volodymyr Zelenskyy",
    "north korean leader": "Kim Jong Un",
    "north korean dictator": "Kim Jong Un",
}
# A title before a name: "South Korean Defence Minister Shin Won-sik", "Russian leader Vladimir
# Putin". At most three words of title, a name of up to four capitalised words.
TITLED_NAME = re.compile(
    r"(?<![\w'’-])(?P<title>(?:[A-Za-z][\w-]*\s+){0,3}(?i:"
    + "|".join(sorted(PERSON_ROLES, key=len, reverse=True))
    + r"))\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})"
)

TITLE_ROLES = CaseBlindWords(PERSON_ROLES)  # one of which every `TITLED_NAME` holds

# Who is a party to the story, by how the article describes them.
PARTY_MARKS = re.compile(
    r"propaganda|state[- ](?:media|run|owned|controlled|news|television|tv|agency|broadcaster)|"
    r"kremlin[- ](?:aligned|controlled|backed|friendly|linked|funded)|pro[- ]kremlin|"
    r"pro[- ]russian|russian state|occupation authorities|occupying authorities|"
    r"russian[- ]installed|russian[- ]appointed",
    re.I,
)

# An entity: a run of capitalised words, "of"/"for"/"the"/"and" allowed inside. The look back
# follows the capital, as in `NUMBER_START`: only tried where a capital stands.
ENTITY_RUN = re.compile(
    r"[A-Z](?<![\w'’-][A-Z])[\w'’-]*(?:\s+(?:(?:of|for|the|de|al|von|van)\s+){0,2}[A-Z][\w'’-]*){0,6}"
    r"(?![\w'’$-])"  # the "US" of "US$1.1 billion" is a currency, not the United States
)
# Other spellings of one entity, folded; the value is its one name.
ENTITY_ALIASES = {
    "dprk": "North Korea",
    "the dprk": "North Korea",
    "democratic people's republic of korea": "North Korea",
    "republic of korea": "South Korea",
    "rok": "South Korea",
    "us": "United States",
    "u.s": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "the united states": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "russian federation": "Russia",
    "the russian federation": "Russia",
    "kim jong un": "Kim Jong Un",
}
# Adjectives that name a country: "North Korean" names North Korea.
DEMONYMS = {
    "russian": "Russia",
    "ukrainian": "Ukraine",
    "north korean": "North Korea",
    "south korean": "South Korea",
    "american": "United States",
    "chinese": "China",
    "iranian": "Iran",
    "belarusian": "Belarus",
    "british": "United Kingdom",
    "german": "Germany",
    "french": "France",
    "japanese": "Japan",
    "polish": "Poland",
    "korean": "Korea",
    "russians": "Russia",
    "ukrainians": "Ukraine",
    "americans": "United States",
}
# Capitalised only because they open a sentence or a label, or name a time.
NOT_ENTITIES = frozenset(
    """the a an in on at by since during after before this that these those it its he she they
    we i you our his her their but and or so as if when while meanwhile however also previously
    earlier later details background source sources quote advertisement update updated photo
    read more monday tuesday wednesday thursday friday saturday sunday today yesterday mr mrs ms
    western eastern northern southern according there here what who how why where which one two
    three""".split()
) | frozenset(MONTHS)

# Names that keep their "The": "The Times", "The Washington Post"; any other claimant loses it
# ("the Kiel Institute" is the Kiel Institute, "The Russian occupation authorities" are Russian
# occupation authorities).
KEEPS_THE = frozenset(
    """times post guardian journal telegraph independent economist atlantic observer herald
    insider hill sun mirror spectator mail express standard star globe tribune chronicle
    register hague""".split()
)
# "the Joint Chiefs of Staff (JCS)": an acronym the article defines, and the name before it.
DEFINED_ACRONYM = re.compile(r"(?<=\s)\((?P<acronym>[A-Z]{2,8})\)")
NAME_BEFORE_ACRONYM = re.compile(
    r"(?<![\w'’-])[A-Z][\w'’-]*(?:\s+(?:(?:of|for|the|and)\s+){0,2}[A-Z][\w'’-]*){0,7}\s+\Z"
)
# "state energy company Naftogaz", "the local Telegram channel RIA Melitopol": a description
# ending in a role noun, then the name.
DESCRIBED_NAME = re.compile(
    r"^(?:the\s+)?(?P<description>(?:[\w'’-]+\s+){0,4}?(?P<role>[a-z]+))\s+"
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})$"
)
