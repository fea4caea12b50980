"""Claims: who says each fact, how and when; the people, countries and organisations it names;
and whether who says it is a party to the story. One claim per fact, never a guess: a claimant
that cannot be told is left out, and the fact says so."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.articles.extraction.claim_words import (
    ACCORDING,
    BEFORE_VERB,
    BODY_ROLES,
    CITING,
    CLAUSE_START,
    DEFINED_ACRONYM,
    DEMONYMS,
    DESCRIBED_NAME,
    ENTITY_ALIASES,
    ENTITY_RUN,
    KEEPS_THE,
    LEADING_WORDS,
    MEDIA_ROLES,
    NAME_BEFORE_ACRONYM,
    NOT_ENTITIES,
    NOT_IN_SUBJECT,
    ORG_ROLES,
    OTHER_PRONOUNS,
    PARTY_MARKS,
    PERSON_PRONOUNS,
    PERSON_ROLES,
    PHRASE_NEEDS,
    QUOTED_BY,
    REPORTED_BY,
    REPORTING_VERBS,
    ROLE_ALIASES,
    TITLE_ROLES,
    TITLED_NAME,
)
from bot.articles.extraction.deadline import Deadline
from bot.articles.extraction.names import is_person, person_name
from bot.articles.extraction.paragraphs import Block
from bot.articles.extraction.quotes import Span
from bot.articles.extraction.tables import MONTHS, TITLE_WORDS, WHEN
from bot.articles.model import Attribution, Claim, Entity, Quote, Source
from bot.text import fold

_MAX_SUBJECT_WORDS = 8
_ACRONYM_NAME_SPAN = 120  # characters before "(JCS)" where its name is looked for
_LOOKBACK = 300  # how far before a verb its subject's clause is looked for, as paragraphs.py does
_VERBS_PER_SENTENCE = 4  # a sentence's attribution is among its first few speech verbs
_TAIL = 40  # what may follow a closing attribution: " on Tuesday", " in a statement"
_MAX_NAME_WORDS = 12  # "the General Staff of the Armed Forces of Ukraine"
_OWN_REPORTING_KINDS = ("background", "previously", "reminder", "reference")


@dataclass(frozen=True, slots=True)
class Said:
    """One sentence's attribution, before pronouns and roles are resolved."""

    who: str  # a name, a phrase ("the newspaper"), or a pronoun
    attribution: Attribution
    at: int  # offset in the block, for "who spoke last"
    when: str | None
    via: str | None = None


class _Claimants:
    """The claimants named so far, in text order, to resolve "he", "they", "the newspaper" and
    "the minister" to the one they stand for; and the people the article names in full, so that
    "Putin" is "Vladimir Putin" and "Kim" is "Kim Jong Un"."""

    def __init__(self, blocks: list[Block], sources: list[Source]) -> None:
        self.people: list[str] = []
        self.others: list[str] = []
        # Each body named, folded, in the order of its last mention.
        self.bodies: dict[str, list[str]] = {}
        self._add_bodies(s.name for s in sources if not is_person(s.name))
        # The sources' names, folded once rather than for every claimant looked up.
        self._sources = [(s.name, fold(s.name)) for s in sources]
        # The sources the article marks as a party to the story, by folded name.
        self.party_sources = [(fold(s.name), s.text) for s in sources if PARTY_MARKS.search(s.text)]
        # The last name described by each role noun: "company" -> "Naftogaz".
        self._described: dict[str, str] = {}
        self._acronyms: dict[str, str] = {}
        self._titled: list[tuple[int, int, str, str]] = []  # block, offset, title, name
        texts = [(-1, source.text) for source in sources]
        texts += [(index, block.text) for index, block in enumerate(blocks)]
        for index, text in texts:
            for acronym, defined in _defined_acronyms(text):
                self._acronyms.setdefault(acronym, defined)
            if not TITLE_ROLES.may_be_in(text):
                continue  # no title to find: the costly search would try every word
            for match in TITLED_NAME.finditer(text):
                name = person_name(match["name"])
                if name and is_person(name):
                    title = " ".join(w for w in fold(match["title"]).split() if w != "the")
                    self._titled.append((index, match.start(), title, name))
        people = [t[3] for t in self._titled] + [s.name for s in sources if is_person(s.name)]
        people += _speaking_people(blocks)
        self._short: dict[str, str] = {}
        for name in dict.fromkeys(people):
            parts = name.split()
            if len(parts) > 1 and _looks_named(name):
                for part in (parts[0], parts[-1]):
                    # A word two people share stands for neither; two spellings are one person.
                    known = self._short.get(part)
                    same = known is None or fold(known) == fold(name)
                    self._short[part] = (known or name) if same else ""
        self._known = {part for part, name in self._short.items() if name} | set(people)
        self._spellings: dict[str, str] = {}
        self._runs: dict[str, tuple[str, Entity] | None] = {}

    def person_before(self, text: str, offset: int) -> str | None:
        """The person "he" or "she" at `offset` stands for: the last known person the paragraph
        names before it, else the last person who spoke."""
        low = max(0, offset - _LOOKBACK)
        named = [
            m.group() for m in _KNOWN_NAME.finditer(text, low, offset) if m.group() in self._known
        ]
        if named:
            return self.full(named[-1])
        return self.people[-1] if self.people else None

    def full(self, name: str) -> str:
        """`Putin` -> `Vladimir Putin`, `Kim` -> `Kim Jong Un` when the article names them."""
        return self._short.get(name) or name

    def name_of(self, who: str) -> str:
        """A claimant's name as readers know it: "Joint Chiefs of Staff" for "the Joint Chiefs
        of Staff (JCS)" and for "the JCS"; "Naftogaz" for "state energy company Naftogaz";
        "Ukrainian Air Force" for "The Air Force" when the article's source is so named."""
        who = _ACRONYM_AFTER.sub("", who.strip())
        words = who.split()
        the = len(words) > 1 and words[0] in ("the", "The") and words[1][:1].isupper()
        if the and fold(words[-1]) not in KEEPS_THE:
            who = " ".join(words[1:])
        if who in self._acronyms:
            return self._acronyms[who]
        described = DESCRIBED_NAME.match(who)
        if described and described["role"] in ORG_ROLES:
            if self._described.get(described["role"]) != described["name"]:
                self._described[described["role"]] = described["name"]
                self._add_bodies([described["name"]])
            return described["name"]
        folded = fold(who)
        if who[:1].isupper():
            # Only the sources and the bodies described: every body named would make this
            # scan grow with the article.
            for name, folded_name in self._sources:
                if folded_name.endswith(" " + folded):
                    return name
            for name in self._described.values():
                if fold(name).endswith(" " + folded):
                    return name
        return who

    def add(self, who: str) -> None:
        person = is_person(who) and _looks_named(who) and not who.lower().startswith("the ")
        (self.people if person else self.others).append(who)

    def canonical(self, name: str) -> str:
        """One spelling for every spelling of a name: the alias table's, else the first seen."""
        folded = fold(name)
        return ENTITY_ALIASES.get(folded) or self._spellings.setdefault(folded, name)

    def entity(self, run: str) -> tuple[str, Entity] | None:
        """The entity a run of capitalised words names, and its name folded; None if none.
        Worked out once per run: the article names the same ones in paragraph after paragraph,
        and each name keeps the spelling `canonical` gave it first."""
        if run not in self._runs:
            self._runs[run] = _entity(run, self)
        return self._runs[run]

    def named(self, entities: tuple[Entity, ...]) -> None:
        """Bodies the text names, for "the ministry" later on."""
        self._add_bodies(e.name for e in entities if not is_person(e.name))

    def _add_bodies(self, names: Iterable[str]) -> None:
        for name in names:
            words = self.bodies.pop(name, None)
            self.bodies[name] = words if words is not None else fold(name).split()

    def role(self, phrase: str, block: int, at: int) -> str | None:
        """Whom a role noun stands for, or None when the article does not say."""
        words = [w for w in fold(phrase).split() if w != "the"]
        if not words:
            return None
        role = " ".join(words)
        if words[-1] in self._described:  # "the company" after "state energy company Naftogaz"
            return self._described[words[-1]]
        if words[-1] in MEDIA_ROLES:
            return self.others[-1] if self.others else None
        if words[-1] in BODY_ROLES:
            # "the oblast administration": the last body named with all of those words, else
            # with its head noun.
            # A body whose head noun it is ("the fund": the International Monetary Fund, not
            # the Extended Fund Facility) before one that merely has the word; "the Fund" met
            # before stands for nobody.
            # Each body once, at its last mention: an article naming the same body in every
            # paragraph costs no more per role noun than one naming it once.
            latest = list(reversed(self.bodies.items()))
            for wanted, headed in ((words, True), (words[-1:], True), (words[-1:], False)):
                for name, named in latest:
                    same_head = not headed or _head_noun(named) == words[-1]
                    if set(wanted) <= set(named) and named != words and same_head:
                        return name
            return None
        if words[-1] not in PERSON_ROLES:
            return None
        earlier = {
            name
            for b, offset, title, name in self._titled
            if (b, offset) < (block, at) and (title == role or title.endswith(" " + role))
        }
        if len(earlier) == 1:
            return earlier.pop()
        if role in ROLE_ALIASES:
            return self.full(ROLE_ALIASES[role])
        return None


_ACRONYM_AFTER = re.compile(r"\s*\([A-Z]{2,8}\)$")  # the "(JCS)" after a name


def _defined_acronyms(text: str) -> list[tuple[str, str]]:
    """ "the Joint Chiefs of Staff (JCS)": each acronym with the name it is defined for. The
    name is looked for just before the brackets, so a long run of capitals is read once."""
    found: list[tuple[str, str]] = []
    if "(" not in text:  # no brackets, no acronym; the pattern is slow to find none
        return found
    for defined in DEFINED_ACRONYM.finditer(text):
        before = text[max(0, defined.start() - _ACRONYM_NAME_SPAN) : defined.start()]
        name = NAME_BEFORE_ACRONYM.search(before)
        if name is not None:
            found.append((defined["acronym"], name.group().strip()))
    return found


def _head_noun(words: list[str]) -> str:
    """What a body's name is: "bank" in "national bank of ukraine", "fund" in "international
    monetary fund"."""
    for at, word in enumerate(words):
        if word in ("of", "for") and at:
            return words[at - 1]
    return words[-1]


def find_claims(
    blocks: list[Block],
    sources: list[Source],
    quoted: list[tuple[Span, Quote]],
    published: datetime | None,
    deadline: Deadline,
) -> list[Claim]:
    """A claim for each block (each fact), in order: the block's first attributed sentence's, else
    the speaker of a quote it opens, else what its section is credited to."""
    claimants = _Claimants(blocks, sources)
    speakers: dict[int, str] = {}
    for span, quote in quoted:
        for index in range(span.first_block, span.block + 1):
            if quote.speaker:
                speakers.setdefault(index, quote.speaker)
    claims = []
    for index, block in enumerate(blocks):
        deadline.check()
        claims.append(_claim(block, index, sources, published, claimants, speakers.get(index)))
    return claims


def _claim(
    block: Block,
    index: int,
    sources: list[Source],
    published: datetime | None,
    claimants: _Claimants,
    speaker: str | None,
) -> Claim:
    entities = _entities(block.text, claimants)
    said = _first_said(block)
    section = block.section
    if said is not None:
        who = _resolve(said, block, index, claimants)
        claimants.named(entities)
        if who is not None:
            claimants.add(who)
            return Claim(
                who,
                said.attribution,
                said.when,
                resolve_when(said.when, published),
                entities,
                _party(who, said.via, claimants),
                said.via,
            )
    claimants.named(entities)
    when = _leading_when(block, 0)
    claimed_at = resolve_when(when, published)
    if section.quote_speaker or speaker:
        who = claimants.full(section.quote_speaker or speaker or "")
        how: Attribution = "quote label" if section.kind == "quote" else "said"
        return Claim(who, how, when, claimed_at, entities, _party(who, None, claimants), None)
    if section.kind in _OWN_REPORTING_KINDS:
        return Claim(None, "own reporting", when, claimed_at, entities)
    if sources:
        names = ", ".join(s.name for s in sources)
        marked = "; ".join(text for _, text in claimants.party_sources)
        return Claim(names, "article sources", when, claimed_at, entities, marked or None)
    return Claim(None, "not attributed", when, claimed_at, entities)


def said_in_sentence(block: Block, sentence: int) -> Said | None:
    """One sentence's attribution (who, how, when), as a fact's claim reads it: the figures in it
    take the claim's time, not another event's. Worked out once per sentence: the claim and the
    figures ask for it."""
    if sentence not in block.said:
        start, text = block.sentence(sentence)
        block.said[sentence] = _said_in(block, sentence, start, start + len(text))
    return block.said[sentence]


def _first_said(block: Block) -> Said | None:
    """The attribution of the block's first sentence that has one."""
    for sentence in range(len(block.bounds)):
        found = said_in_sentence(block, sentence)
        if found is not None:
            return found
    return None


# "according to a statement from the Pentagon" is according to the Pentagon.
_CARRIER = re.compile(
    r"^(?:an?|the|its|their)\s+(?:\w+\s+)?(?:statement|report|post|message|data|estimates?|"
    r"assessment|update|figures|interview)\s+(?:from|by|of|with)\s+",
    re.I,
)

_PHRASED: tuple[tuple[re.Pattern[str], Attribution], ...] = (
    (ACCORDING, "according to"),
    (REPORTED_BY, "reported"),
)


def _phrase(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """`pattern.search(text, start, end)` for a pattern of `PHRASE_NEEDS`."""
    if PHRASE_NEEDS[pattern].search(text, start, end) is None:
        return None
    return pattern.search(text, start, end)


def _said_in(block: Block, sentence: int, start: int, end: int) -> Said | None:
    text = block.text
    leading = _leading_when(block, sentence)
    options: list[Said] = []
    for pattern, how in _PHRASED:
        match = _phrase(pattern, text, start, end)
        if match and (who := _phrase_name(match["who"])):
            options.append(Said(who, how, match.start(), leading))
    first = bisect_left(block.verbs, (start, 0))
    last = bisect_left(block.verbs, (end, 0)) - 1
    # "Kim praised the army, KCNA said.": a speaker at the end of the sentence, after a comma,
    # says all of it, whatever verbs come before.
    if last > first and end - block.verbs[last][1] <= _TAIL and text[:end].rstrip()[-1:] in ".!?":
        tail = _verb_subject(block, last, start, block.verbs[last][0])
        if tail is not None and text[: tail[1]].rstrip().endswith(","):
            first = last
    for verb in range(first, min(first + _VERBS_PER_SENTENCE, len(block.verbs))):
        verb_start, verb_end = block.verbs[verb]
        if verb_start >= end:
            break
        subject = _verb_subject(block, verb, start, verb_start)
        if subject is None:
            continue
        who, clause = subject
        verb_how: Attribution = (
            "reported" if text[verb_start:verb_end] in REPORTING_VERBS else "said"
        )
        # "In March, South Korea reported": the opening time is the claim's only when the
        # subject follows it; "In February, Russia used 4,000 drones, Zelenskyy said" is not.
        opening = leading if leading and clause - start <= len(leading) + 2 else None
        when = (
            opening or _when_after(text, verb_end, end) or _when_between(text, clause, verb_start)
        )
        options.append(Said(who, verb_how, verb_start, when))
        break
    if not options:
        citing = _phrase(CITING, text, start, end)
        if citing and (who := _phrase_name(citing["who"])):
            return Said(who, "citing", citing.start(), leading)
        return None
    said = min(options, key=lambda s: s.at)
    quoted = _phrase(QUOTED_BY, text, start, end)
    citing = _phrase(CITING, text, start, end)
    if quoted and said.attribution == "said":
        return Said(said.who, "quoted by", said.at, said.when, _phrase_name(quoted["who"]))
    if citing:
        return Said(said.who, said.attribution, said.at, said.when, _phrase_name(citing["who"]))
    return said


def _verb_subject(block: Block, verb: int, start: int, verb_start: int) -> tuple[str, int] | None:
    """Who the speech verb's subject is, and where its clause starts: a name, a pronoun or role
    to resolve, or a phrase as written ("Russian propaganda publications", "Local authorities in
    Sumy Oblast"); None when the words before the verb are no subject, or the verb stands in a
    subordinate clause."""
    named = block.subject(verb)
    before = block.text[start:verb_start].rstrip()
    if before.endswith(",") and named:
        # An apposition between the subject and its verb: the subject is the name before it.
        return named, start
    found = _subject_phrase(block.text, start, verb_start)
    if found is None:
        return None
    phrase, clause = found
    if fold(phrase) in PERSON_PRONOUNS | OTHER_PRONOUNS:
        return fold(phrase), clause
    if named == "":
        return "he", clause
    if named and is_person(named) and not _role_words(phrase) and _titles_only(phrase, named):
        return named, clause
    return phrase, clause


def _subject_phrase(text: str, start: int, verb_start: int) -> tuple[str, int] | None:
    """The words between the start of the verb's clause and the verb, and where they start."""
    clause = start
    subordinate = False
    for boundary in CLAUSE_START.finditer(text, max(start, verb_start - _LOOKBACK), verb_start):
        clause, subordinate = boundary.end(), boundary["subordinate"] is not None
    if subordinate:
        return None
    words = text[clause:verb_start].strip(" \"“”'’").split()
    while words and words[0].lower() in LEADING_WORDS:
        words.pop(0)
    while words and words[-1].lower().strip(",") in BEFORE_VERB:
        words.pop()
    if not words or len(words) > _MAX_SUBJECT_WORDS:
        return None
    if any(w.lower() in NOT_IN_SUBJECT for w in words) or WHEN.fullmatch(" ".join(words)):
        return None
    # "..., releasing images it said showed": a participle's clause, and "officials said it
    # covered shipments confirmed by": a clause with a speech verb of its own, are no subject.
    if (words[0].islower() and words[0].endswith("ing")) or any(
        w.lower() in _SPOKEN for w in words
    ):
        return None
    phrase = " ".join(words).strip(" ,")
    if not _LATIN_LETTER.search(phrase):
        return None
    return phrase, clause


_SPOKEN = frozenset({"said", "says", "told", "tells", "reported", "reports", "added"})
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _titles_only(phrase: str, name: str) -> bool:
    """Whether `phrase` is `name` with titles before it ("South Korean Defence Minister Shin
    Won-sik"), not a phrase that holds a name ("Local authorities in Sumy Oblast") nor a name
    with its article ("The Times")."""
    head = fold(phrase).rsplit(fold(name), 1)
    if len(head) != 2 or head[1].strip():
        return False
    before = phrase[: len(head[0])].split()
    if before and before[0].lower() == "the":
        return False
    if before and before[-1].lower() in TITLE_WORDS:
        return True  # "White House national security spokesman John Kirby"
    return all(w[:1].isupper() or w.lower() in TITLE_WORDS | {"of", "for"} for w in before)


def _role_words(phrase: str) -> bool:
    words = fold(phrase).split()
    return (
        len(words) >= 2
        and words[0] == "the"
        and len(words) <= 5
        and (words[-1] in ORG_ROLES or words[-1] in PERSON_ROLES)
        and words[-1] != "media"
    )


def _phrase_name(phrase: str) -> str | None:
    phrase = _CARRIER.sub("", phrase.strip(" ,."))
    if not phrase or len(phrase.split()) > _MAX_NAME_WORDS:
        return None
    person = person_name(phrase)
    if person and is_person(person) and person[:1].isupper() and _titles_only(phrase, person):
        return person
    return phrase


def _resolve(said: Said, block: Block, index: int, claimants: _Claimants) -> str | None:
    who = said.who
    if who in PERSON_PRONOUNS:
        return claimants.person_before(block.text, said.at)
    if who in OTHER_PRONOUNS:
        return claimants.others[-1] if claimants.others else None
    if _role_words(who):
        resolved = claimants.role(who, index, said.at)
        if resolved is not None:
            return resolved
    return claimants.name_of(claimants.full(who) if " " not in who else who)


# --- Time -------------------------------------------------------------------------------------


def _leading_when(block: Block, sentence: int) -> str | None:
    """A time phrase that opens the sentence: "In March, ...", "On 19 June, ..."."""
    _, text = block.sentence(sentence)
    match = WHEN.match(text)
    if match is None or text[match.end() : match.end() + 1] not in (",", " "):
        return None
    return _lower_first(match.group())


def _when_after(text: str, verb_end: int, end: int) -> str | None:
    """A time phrase right after the verb, or after whom it was told: "said on 1 March", "said
    last week", "told reporters on Tuesday"."""
    if verb_end >= end:
        return None
    manner = _MANNER.match(text, verb_end, end)  # "said in a statement on Tuesday"
    if manner is not None:
        verb_end = manner.end()
    match = WHEN.match(text, verb_end + 1, end)
    if match is not None:
        return _lower_first(match.group())
    weekday = _WEEKDAY_AFTER.match(text, verb_end, end)
    return weekday["when"] if weekday else None


def _when_between(text: str, start: int, verb_start: int) -> str | None:
    """A time phrase in the clause before the verb: "..., the ministry on Monday said"."""
    match = WHEN.search(text, max(start, verb_start - 40), verb_start)
    return _lower_first(match.group()) if match else None


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text.split(" ", 1)[0].istitle() and " " in text else text


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MANNER = re.compile(
    r"\s+(?:in|during|at|via)\s+(?:an?|the|his|her|its|their)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|post|video|address|speech|briefing|message|comments|remarks|"
    r"conference)(?:\s+(?:on|to|with)\s+(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)[A-Z][\w-]*)?",
    re.I,
)
_WEEKDAY_AFTER = re.compile(
    # "said on Friday", and as AP writes it, "said Friday"; never "said Monday's attack"
    r"(?:\s+(?:\w+\s+){0,2}?)?\s*(?P<when>(?:on\s+)?(?:" + "|".join(_WEEKDAYS) + r"))\b(?!['’])",
    re.I,
)
_DAY_MONTH = re.compile(r"\b(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)")
_MONTH_DAY = re.compile(r"\b(?P<month>[A-Za-z]+)\s+(?P<day>\d{1,2})\b(?!\d)")
_MONTH_WORD = re.compile(r"[A-Za-z]+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DAY_BEFORE = re.compile(r"\b(?:yesterday|today|overnight|last night)\b")


def resolve_when(when: str | None, published: datetime | None) -> str | None:
    """A claim's time as an ISO date ("2024-06-19") or month ("2024-03"), against the article's
    date: a month after the article's is last year's. None when it cannot be told."""
    if not when:
        return None
    folded = when.lower()
    if published is not None and _DAY_BEFORE.search(folded):
        days = 0 if "today" in folded else 1
        return (published.date() - timedelta(days=days)).isoformat()
    weekday = next(
        (_WEEKDAYS.index(w) for w in _MONTH_WORD.findall(folded) if w in _WEEKDAYS), None
    )
    if weekday is not None and published is not None:
        # "on Tuesday" in a Wednesday's article: the Tuesday before, or the day itself.
        back = (published.weekday() - weekday) % 7
        return (published.date() - timedelta(days=back)).isoformat()
    month = next((MONTHS[w] for w in _MONTH_WORD.findall(folded) if w in MONTHS), None)
    if month is None:
        return None
    year_match = _YEAR.search(when)
    day = None
    for match in (*_DAY_MONTH.finditer(when), *_MONTH_DAY.finditer(when)):
        if match["month"].lower() in MONTHS:
            day = int(match["day"])
            break
    if year_match:
        year = int(year_match.group())
    elif published is not None:
        year = published.year
        if (month, day or 1) > (published.month, published.day):
            year -= 1
    else:
        return None
    if day is not None:
        try:
            return datetime(year, month, day).date().isoformat()  # noqa: DTZ001 - a calendar date
        except ValueError:
            return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}"


# --- Entities and parties ---------------------------------------------------------------------


_POSSESSIVE = re.compile(r"['’]s$")
_TITLE_OF = re.compile(r"(?:[A-Z]\w*\s+){1,3}of\s+(?:the\s+)?(?=[A-Z])")  # "Head of the"


def _entities(text: str, claimants: _Claimants) -> tuple[Entity, ...]:
    found: dict[str, Entity] = {}
    for match in ENTITY_RUN.finditer(text):
        entity = claimants.entity(match.group())
        if entity is not None and entity[0] not in found:
            found[entity[0]] = entity[1]
    return tuple(found.values())


def _entity(run: str, claimants: _Claimants) -> tuple[str, Entity] | None:
    written = _POSSESSIVE.sub("", run).strip(" .,")
    words = written.split()
    while words and words[0].lower().strip(".") in NOT_ENTITIES:
        words.pop(0)
    if not words:
        return None
    written = " ".join(words)
    name = _entity_name(written, claimants)
    if name is None:
        return None
    name = claimants.canonical(name)
    return fold(name), Entity(written, name)


def _entity_name(written: str, claimants: _Claimants) -> str | None:
    # "Head of the Donetsk Oblast Military Administration" names the administration.
    titled = _TITLE_OF.match(written)
    if titled and all(w.lower() in TITLE_WORDS for w in titled.group().split()[:-2]):
        written = written[titled.end() :]
    folded = fold(written)
    if folded in ENTITY_ALIASES:
        return ENTITY_ALIASES[folded]
    if folded in DEMONYMS:
        return DEMONYMS[folded]
    person = person_name(written)
    if person is None:
        return None
    folded_person = fold(person)
    if folded_person in ENTITY_ALIASES:
        return ENTITY_ALIASES[folded_person]
    if " " not in person:
        return claimants.full(person) if person.lower() not in NOT_ENTITIES else None
    return person


_KNOWN_NAME = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}")


def _speaking_people(blocks: list[Block]) -> list[str]:
    """People named in full as the subject of a speech verb."""
    people = []
    for block in blocks:
        for verb in range(len(block.verbs)):
            who = block.subject(verb)
            if who and " " in who and is_person(who) and _looks_named(who):
                people.append(who)
    return people


def _looks_named(name: str) -> bool:
    return all(word[:1].isupper() for word in name.split())


def _party(who: str, via: str | None, claimants: _Claimants) -> str | None:
    """How the article marks the claimant (or who passed the claim on) as a party to the story:
    in its own words ("Russian propaganda publications") or in its `Source:` line."""
    for name in (who, via):
        if not name:
            continue
        if PARTY_MARKS.search(name):
            return name
        for source_name, text in claimants.party_sources:
            if source_name in fold(name):
                return text
    return None
