"""Questions as readers type them: what a question asks for ("how many" wants a figure, "what
did X say" wants X's claims, "who said..." wants the claimant) and the topic left once its
question words are gone."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEECH = (
    r"(?:say|said|says|saying|claim|claimed|claims|tell|told|report|reported|state|stated"
    r"|announce|announced|think|thinks|thought|write|wrote|mention|mentioned)"
)
_ABOUT = r"(?:\s+(?:about|on|regarding|of|concerning)\s+(?P<topic>.+))?"
_SPEAKER_QUESTIONS = (
    # what did Shin say (about containers)
    re.compile(
        rf"^what\s+(?:else\s+)?(?:did|does|do|has|have|had|will|would)\s+(?P<who>.+?)\s+"
        rf"(?:just\s+|actually\s+|ever\s+)?{_SPEECH}{_ABOUT}$",
        re.IGNORECASE,
    ),
    # what is Shin saying about containers
    re.compile(
        rf"^what(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?P<who>.+?)\s+{_SPEECH}{_ABOUT}$",
        re.IGNORECASE,
    ),
    # what Shin said about containers; what has been said by Shin
    re.compile(
        rf"^what\s+(?!(?:did|does|do|has|have|had|is|are|was|were|will|would)\b)"
        rf"(?P<who>.+?)\s+{_SPEECH}{_ABOUT}$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^what\s+(?:was|has\s+been|is|were)\s+{_SPEECH}\s+by\s+(?P<who>.+?){_ABOUT}$",
        re.IGNORECASE,
    ),
    # Shin's claims (about containers); claims by Shin; quotes from Shin
    re.compile(
        rf"^(?P<who>.+?)'s\s+(?:claims?|statements?|quotes?|words|remarks|figures){_ABOUT}$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:claims?|statements?|quotes?|remarks|words)\s+(?:by|from|of)\s+(?P<who>.+?){_ABOUT}$",
        re.IGNORECASE,
    ),
)
_WHO_QUESTIONS = re.compile(
    rf"^(?:who|which\s+\w+)\s+(?:has\s+|have\s+|had\s+|first\s+)?{_SPEECH}\s+(?:that\s+|the\s+)?"
    r"(?P<topic>.+)$|^according\s+to\s+whom\s*,?\s*(?P<topic2>.+)$",
    re.IGNORECASE,
)
_FIGURE_QUESTIONS = re.compile(
    r"^(?:how\s+(?:many|much|large|big|high|far|long)|what\s+(?:number|amount|share|percentage)"
    r"\s+of|(?:the\s+)?number\s+of|figures?\s+(?:on|about|for))\s+(?P<topic>.+)$",
    re.IGNORECASE,
)
_FILLERS = re.compile(
    r"^(?:please\s+)?(?:(?:can|could)\s+you\s+)?(?:tell\s+me|show\s+me|give\s+me|find(?:\s+me)?"
    r"|search(?:\s+for)?|look\s+up|what\s+do\s+you\s+know|what\s+is\s+known|what\s+are\s+the"
    r"\s+facts|what(?:'s|\s+is)\s+new|any\s+news|anything|news|facts|info(?:rmation)?)"
    r"(?:\s+(?:about|on|regarding|for|concerning))?\s+",
    re.IGNORECASE,
)
# Words that make a sentence a question and name no topic: left out of the search once the
# text reads as a question, so that "what happened in Pyongyang" is not a search for "happened".
QUESTION_WORDS = frozenset(
    "many much happen happened happens say said says tell told know known mean means think "
    "going go anything something please who what when where why which how".split()
)
_QUESTION_START = re.compile(
    r"^(?:who|whom|whose|what|when|where|why|which|how|did|does|do|is|are|was|were|has|have|"
    r"had|will|would|can|could)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Question:
    """What the reader asked: the topic to search, and what kind of answer they want."""

    text: str  # as typed
    topic: str  # the words to search for; "" when the question only names a speaker
    speaker: str | None = None  # "what did Shin say": the name as typed
    wants_figure: bool = False  # "how many containers"
    asks_who: bool = False  # "who said 10,000 containers"


def read_question(text: str) -> Question:
    """The question in what the reader typed; a plain topic reads as itself."""
    typed = " ".join(text.split())
    plain = typed.rstrip("?!. ")
    is_question = typed.endswith("?") or bool(_QUESTION_START.match(plain))
    for pattern in _SPEAKER_QUESTIONS:
        found = pattern.match(plain)
        if found and _names_someone(found["who"]):
            return Question(
                typed,
                _topic(found["topic"] or ""),
                found["who"],
            )
    found = _WHO_QUESTIONS.match(plain)
    if found:
        topic = _topic(found["topic"] or found["topic2"])
        return Question(typed, topic, asks_who=True, wants_figure=_has_number(topic))
    found = _FIGURE_QUESTIONS.match(plain)
    if found:
        return Question(typed, _topic(found["topic"]), wants_figure=True)
    without_filler = _FILLERS.sub("", plain, count=1)
    if is_question or without_filler != plain:
        return Question(typed, _topic(without_filler))
    return Question(typed, typed)


def _names_someone(who: str) -> bool:
    """ "what did the agreement say" names a document, still a speaker; "what did it say" and
    "what do you say" name nobody we could look up."""
    return who.lower() not in {"it", "they", "he", "she", "you", "i", "we", "people", "someone"}


def _topic(text: str) -> str:
    """The words of a question's topic without the words that only make it a question; all of
    them when nothing else is left."""
    kept = [w for w in text.split() if w.lower().strip(",.;:?!") not in QUESTION_WORDS]
    return " ".join(kept or text.split())


def _has_number(text: str) -> bool:
    return any(character.isdigit() for character in text)
