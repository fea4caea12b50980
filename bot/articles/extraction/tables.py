"""What the extractor knows, as data: site furniture, section labels, date lines, photo lines,
speech verbs, title words, qualifiers and units, and the patterns made of them."""

from __future__ import annotations

import re

from bot.articles.model import SectionKind
from bot.text import CaseBlindWords

# --- Site furniture, as data --------------------------------------------------------------------
# Removed wherever it stands, also when glued to real text ("Support UsPutin and Kim ...").
BOILERPLATE_PHRASES: tuple[str, ...] = (
    r"Ukrainska Pravda is the place where you will find\b.{0,300}?become our patron!",
    r"Journalists fight on their own frontline\.?\s*Support Ukrainska Pravda or become our patron!",
    r"Support UP or become our patron!",
    r"Support Ukrainska Pravda or become our patron!",
    r"We have launched English Twitter!",
    r"Follow us!",
    r"Oops! Something went wrong\.\s*Please try again later\.?",
    r"Advertisement:",
    r"Support Us(?![a-z])",
    r"Укр\s*Рус\s*Eng",
    r"All Sections",
    r"Purchase Licensing Rights,?\s*(?:opens new tab)?",
    # Not from inside a run of spaces: the run's first space finds the same, and trying from
    # each one made a long run quadratic.
    r"(?:,|(?<!\s))\s*opens new tab",
)
# For each phrase, in order, text that every match of it holds as written: looked for first, as
# the phrases are tried at every character of every paragraph and few paragraphs hold one.
_PHRASE_MARKS = (
    "Ukrainska Pravda is the place",
    "Journalists fight",
    "Support UP",
    "Support Ukrainska Pravda",
    "We have launched English Twitter!",
    "Follow us!",
    "Oops! Something went wrong",
    "Advertisement:",
    "Support Us",
    "Укр",
    "All Sections",
    "Purchase Licensing Rights",
    "opens new tab",
)

# Lines dropped whole.
BOILERPLATE_LINES: tuple[str, ...] = (
    r"(?:Subjects|Tags|Topics):.*",
    r"(?:Share|Share this article|Print|Read more|Read also|Read the original)[:!.]?",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # a reporter's e-mail address under wire copy
    # Wire credits: "(Reporting by Jane Doe; Editing by John Smith)" is no fact.
    r"\((?:Reporting|Additional reporting|Writing|Editing|Compiled|Edited)\s+by\b[^()]*\)",
    # "Copyright 2023 The Associated Press. All rights reserved."; "This article was originally
    # published by Ukrainska Pravda and is republished with permission."
    r"(?:©|Copyright\s*(?:©\s*)?(?:19|20)\d\d\b).{0,120}",
    r".{0,80}\bAll rights reserved\.?",
    r"This (?:article|story) (?:was|is|has been) (?:originally|first) published"
    r" (?:by|in|on)\b.{0,160}",
)

# Lines that end the article: comment widgets, and casino spam that trails some copies.
ARTICLE_END_LINES: tuple[str, ...] = (
    r"(?:Comments?|Add a comment|Leave a comment|Write a comment|Show comments|"
    r"Log in to comment)(?:\s*[:(]\s*\d*\)?)?",
    r"\(END\)",
    r"Our Standards:.*",
)
_SPAM_WORDS = ("casino", "slots", "jackpot", "free spins", "betting")
SPAM_LINE = re.compile(
    # Atomic: the first spam word is the one to look after; backtracking to each later one made
    # a long line that has no second word quadratic.
    r"(?i)(?>.*?\b(?:" + "|".join(_SPAM_WORDS) + r")\b).*\b(?:bonus|promo|deposit|"
    r"register|play now|https?://|www\.)\b.*"
)
# Looked for before SPAM_LINE, which is slow to fail on every paragraph.
SPAM_WORDS = CaseBlindWords(_SPAM_WORDS)

# Outlet names and addresses that sit above the headline.
SITE_NAMES: tuple[str, ...] = (
    "Ukrainska Pravda",
    "Українська правда",
    "UP",
    "UP English",
    "European Pravda",
    "Economic Pravda",
    "Yonhap",
    "Yonhap News Agency",
    "Reuters",
    "Associated Press",
    "AP",
    "Kyiv Independent",
    "The Kyiv Independent",
    "Ukrinform",
    "AFP",
    "Kyodo",
    "Kyodo News",
    "TASS",
    "RIA Novosti",
    "Interfax",
    "BBC",
    "CNN",
    "Bloomberg",
    "NHK",
    "KCNA",
    "The Times",
    "The Guardian",
    "The New York Times",
    "News",
    "Home",
    "Menu",
    "English",
)

PHRASES = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_PHRASES))
PHRASE_MARK = re.compile(
    "|".join(re.escape(mark) for mark, _ in zip(_PHRASE_MARKS, BOILERPLATE_PHRASES, strict=True))
)
DROP_LINE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_LINES))
END_LINE = [re.compile(p) for p in ARTICLE_END_LINES]
SITE_NAME_KEYS = {name.casefold() for name in SITE_NAMES}
ARTICLE_URL = re.compile(r"https?://[\w.-]+\.\w+/\S+")
ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", re.I)

# --- Section labels, as data ----------------------------------------------------------------------
LABEL_KINDS: dict[str, SectionKind] = {
    "details": "details",
    "update": "details",
    "quote": "quote",
    "background": "background",
    "context": "background",
    "previously": "previously",
    "earlier": "previously",
    "reminder": "reminder",
    "for reference": "reference",
    "reference": "reference",
}

_LABEL_WORDS = "Sources?|Details|Update|Quote(?:\\s+from\\s+[^:\\n]{1,120}?)?|Background|Context|Previously|Earlier|Reminder|For reference|Reference"  # noqa: E501
LABEL = re.compile(rf"^(?P<label>{_LABEL_WORDS})\s*:\s*(?P<rest>.*)$", re.I | re.S)

# A label glued to the end of the previous sentence: "... aggression.Source: Interfax".
GLUED_LABEL = re.compile(
    r"(?<=[.!?\"”»)])\s*(?=(?:Source|Details|Quote|Background|Previously|Reminder|"
    r"For reference)(?: from [^:]{1,120})?:\s)"
)

BULLET = re.compile(r"^(?:[•·▪◦●‣∙*]|-|–|—)\s+")

# --- Dates ----------------------------------------------------------------------------------------
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"

# "Wednesday, 19 June 2024, 13:03", with an author glued on or before a dash.
DATE_LINE = re.compile(
    rf"^(?P<author>.{{0,80}}?)\s*[–—-]?\s*(?:(?:{_WEEKDAY}),?\s*)?"
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\.?\s+(?P<year>\d{{4}}),?\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})$",
    re.I,
)

# "October 2, 2024 10:41 AM GMT+3", as wire services write it; an "Updated ..." may be glued on.
US_DATE_LINE = re.compile(
    rf"^(?P<author>)(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}),?\s+"
    r"(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?:GMT|UTC)(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?)?(?:\s*Updated\b.*)?$",
    re.I,
)

# Date lines of other outlets:
# AP "Updated 10:14 PM GMT+3, October 13, 2023" and Yonhap "All News 15:21 February 27, 2024": the
# time first; Yonhap "2024-02-27 15:21"; Kyodo "KYODO NEWS - Mar 5, 2024 - 09:12 | World"; The
# Times "Thursday March 07 2024, 5.00pm".
TIME_FIRST_DATE_LINE = re.compile(
    rf"^(?P<author>)(?:updated|published|all news)?\s*(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})"
    r"\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?:GMT|UTC)(?P<offset>[+-]\d{1,2}(?::?\d{2})?))?,?\s+"
    rf"(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$",
    re.I,
)
ISO_DATE_LINE = re.compile(
    r"^(?P<author>)(?P<year>\d{4})-(?P<month_number>\d{2})-(?P<day>\d{2})[ T]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?$"
)
AGENCY_DATE_LINE = re.compile(
    rf"^(?P<author>.{{0,40}}?)\s+-\s+(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+"
    r"(?P<year>\d{4})\s+-\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*\|.*)?$",
    re.I,
)
WEEKDAY_MONTH_DATE_LINE = re.compile(
    rf"^(?P<author>)(?:(?:{_WEEKDAY}),?\s+)?(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+"
    r"(?P<year>\d{4}),?\s+(?P<hour>\d{1,2})[.:](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)$",
    re.I,
)

# "Updated: May 14, 2023, 6:20 PM" at the end of some wire copies.
# Spaces are matched by one quantifier wherever two could share them: two, back to back, split
# a long run of spaces in every way before failing. (Lines are stripped: nothing trails.)
UPDATED_LINE = re.compile(
    rf"^(?:last\s+)?(?P<tag>updated|published|posted)\s*(?::\s*)?(?:(?:{_WEEKDAY}),?\s*)?"
    # "June 13, 2024, 15:30" or, as Ukrainska Pravda writes it, "13 June 2024, 15:30"
    rf"(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?|(?P<day_first>\d{{1,2}})\s+"
    rf"(?P<month_after>{_MONTH})\.?)"
    r"\s+(?P<year>\d{4}),?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?))?(?:\s+\w{2,5})?$",
    re.I,
)

# "SEOUL, March 3 (Yonhap) -- North Korea fired ..."
WIRE_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'-]{{1,40}}),\s+(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+)?"
    r"(?:\d{4}\s+)?\((?P<agency>[^)]{2,40})\)\s*(?:--|—|–|-)\s*",
    re.I,
)

# AP's "WASHINGTON (AP) — ": no comma, so the place must be written in capitals.
WIRE_DATELINE_BARE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}) \((?P<agency>[^)]{2,40})\)\s*(?:--|—|–)\s*"
)

BYLINE = re.compile(
    r"^[Bb]y\s+(?P<author>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|de|van))*)\b.{0,60}$"
)

# --- Photos ---------------------------------------------------------------------------------------
_PHOTO_WORD = r"(?:(?:stock|illustrative|archive|file|cover|main)\s+)?(?:photo(?:graph)?|collage|screenshot|illustration|infographic|image)"  # noqa: E501

PHOTO = re.compile(
    rf"^(?:(?P<caption>.{{1,200}}?)[.,;]\s*)?{_PHOTO_WORD}\s*(?::|\s+by\b)\s*(?P<credit>.{{1,150}}?)\.?$",
    re.I,
)

AGENCY_PHOTO = re.compile(
    r"^(?P<caption>.{1,250}?)\.\s+(?P<credit>(?:REUTERS|AFP|AP|EPA|EPA-EFE|Getty Images|Yonhap)"
    r"(?:/[\w .'-]+)+)$"
)

PHOTO_SOURCE = re.compile(
    rf"^(?P<caption>.{{0,200}}?\b{_PHOTO_WORD}\b.{{0,80}}?)[.,]?\s*Source:\s*(?P<credit>.{{1,150}}?)\.?$",
    re.I,
)

# --- People and claims ----------------------------------------------------------------------------
SPEECH_VERBS = (
    "said|says|say|stated|states|added|adds|noted|notes|stressed|emphasised|emphasized|explained|"
    "told|wrote|writes|claimed|claims|declared|announced|praised|expressed|complained|warned|urged|"
    "insisted|admitted|asserted|replied|commented|remarked|promised|threatened|vowed|accused|"
    "confirmed|denied|reported|reports|called|described|estimated|estimates|"
    "has information|have information|had information"
)

# The lookahead on first letters lets the engine skip most positions quickly.
SPEECH = re.compile(rf"\b(?=[a-z])(?:{SPEECH_VERBS})\b")

# Matched where a quote closes (`match(text, end)`), not on the rest of the paragraph sliced off;
# one quantifier for spaces on either side of the comma, as in `UPDATED_LINE`.
AFTER_QUOTE = re.compile(
    rf"\s*(?:[,.!?]\s*)?(?:(?P<pronoun>he|she|they)|(?:the\s+)?(?P<name>(?:[A-Z][\w'’()-]*\s+){{0,5}}[A-Z][\w'’()-]*))"
    rf"\s+(?:also\s+|then\s+|later\s+)?(?:{SPEECH_VERBS})\b"
    rf"|\s*(?:,\s*)?(?:{SPEECH_VERBS})\s+(?P<name_after>(?:[A-Z][\w'’-]*\s+){{0,5}}[A-Z][\w'’-]*)"
)

# A trailing attribution, "..., President Volodymyr Zelenskyy said on 1 March." or ", he said".
_PRONOUN_AFTER = rf",\s*(?P<pronoun>he|she|they)\s+(?:{SPEECH_VERBS})\b"

CLAIM_AFTER = re.compile(
    rf",\s*(?:the\s+)?(?P<name>(?:\(?[A-Z][\w'’()-]*\s+(?:(?:of|the|for)\s+)*){{0,6}}\(?[A-Z][\w'’()-]*)\s+"
    rf"(?:also\s+)?(?:{SPEECH_VERBS})\b[^,]*$|{_PRONOUN_AFTER}"
)

PRONOUN_CLAIM = re.compile(_PRONOUN_AFTER)
ACCORDING_AT = re.compile(r"\b[Aa]ccording to ")
ACCORDING_PHRASE = re.compile(r"[^,.;:]{0,100}")
PRONOUNS = {"he", "she", "they", "his", "her", "their"}

# Words that introduce a name rather than belong to it: "Defence Minister Shin Won-sik".
TITLE_WORDS = frozenset(
    """president minister prime defence defense foreign interior chief commander head leader
    spokesperson spokesman spokeswoman secretary general colonel lieutenant major mayor governor
    chancellor ambassador dictator adviser advisor deputy senator speaker premier king queen pope
    envoy director official officer representative analyst expert journalist correspondent
    commissioner chair chairman chairwoman ombudsman lawmaker mp sergeant captain admiral marshal
    ceo founder owner""".split()
)

# Words that make a name a place or an organisation, never "he" or "she".
NON_PERSON_WORDS = frozenset(
    """russia ukraine korea china iran belarus america states union kingdom europe poland germany
    france britain japan israel turkey india moldova georgia crimea donbas kyiv moscow pyongyang
    seoul washington beijing kremlin pentagon ministry forces force office agency service council
    staff army navy command government administration parliament rada nato eu un congress senate
    committee department news media publications press interfax tass reuters novosti bloomberg
    western eastern northern southern air defence defense intelligence national security
    association fund bank company corporation institute organisation organization alliance
    authority authorities commission court police operator group board centre center network
    times post journal guardian telegraph agency""".split()
)

NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]*$")
CONNECTORS = {"of", "the", "and", "for", "de", "al", "bin", "von", "van", "on"}
STOP_BEFORE_VERB = {"also", "has", "had", "have", "then", "later", "further", "reportedly", "was"}

# --- Figures --------------------------------------------------------------------------------------
QUALIFIERS = (
    "no fewer than",
    "no more than",
    "as many as",
    "as much as",
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "close to",
    "an estimated",
    "just over",
    "just under",
    "well over",
    "approximately",
    "roughly",
    "around",
    "about",
    "nearly",
    "almost",
    "over",
    "under",
    "some",
    "only",
    "exactly",
)

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}

CURRENCIES = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "₴": "UAH",
    "uah": "UAH",
}

# A figure is found from its number: what stands before it, then what follows. The digit comes
# first and the look back after it (at the digit and the character before): a pattern that opens
# with a digit is only tried where one stands.
NUMBER_START = re.compile(r"\d(?<![\w.,:/-]\d)")

FIGURE_HEAD = re.compile(
    rf"(?:(?P<qualifier>\b(?:{'|'.join(QUALIFIERS)}))\s+)?"
    r"(?P<currency>US\$|\$|€|£|₴|\bUAH\s?|\bUSD\s?|\bEUR\s?)?$",
    re.I,
)

FIGURE_TAIL = re.compile(
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d:/]|\.\d)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    # The unit is only looked at, not consumed: "120 missiles and almost 1,300 drones" holds two.
    r"(?=(?P<unit>\s*%|\s+per\s?cent\b|\s+[A-Za-z][\w-]*(?:\s+[\w-]+){0,4})?)",
    re.I,
)

# Counts written as words, for shares: "three out of four drones".
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen twenty""".split()
    )
}
_COUNT = rf"\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{'|'.join(NUMBER_WORDS)})\b"

# A share of a whole: "47 of the 52 missiles", "three out of four drones". Tried only where a
# count starts, as `NUMBER_START`; the unit is looked at, not consumed, as in `FIGURE_TAIL`.
SHARE = re.compile(
    rf"(?<![\w.,:/-])(?=[\dA-Za-z])(?P<part>{_COUNT})(?![\d,.]\d)\s+(?:out\s+)?of\s+"
    rf"(?:the\s+|all\s+)?(?P<total>{_COUNT})(?![\d:/]|[.,]\d)"
    r"(?=(?P<unit>\s+[A-Za-z][\w-]*(?:\s+[\w-]+){0,4})?)",
    re.I,
)

# Every share holds "of" and then its total: looked for first, as SHARE is tried at every word.
SHARE_OF = re.compile(rf"of\s+(?:the\s+|all\s+)?(?:\d|{'|'.join(NUMBER_WORDS)})", re.I)

# What a figure counts goes on after its unit only with "of" ("containers of ammunition"), and
# ends before a verb, a clause or a preposition: "to Russia", "were faulty", "which".
COUNTED_WORDS = 5
COUNTED_OF = re.compile(r"\s+of\s+")
COUNTED_STOP = frozenset(
    """of to in on at by for from with and or but nor that which who whom whose were was are is
    have has had will would could can may might must should be been being this these those it
    into onto over under since per than as across near after before during while when where
    containing including reportedly each every last next year years old not also sent delivered
    supplied shipped fired launched arrived failed hit struck exploded destroyed against through
    toward towards via amid despite within without between among about around along beyond upon
    if so then""".split()
) | frozenset(SPEECH_VERBS.split("|"))
COUNTED_OPENERS = frozenset("the a an its their his her our all".split())

UNIT_STOP = frozenset(
    """of to in on at by for from with and or but that which who were was are is have has had
    will would could can may might be been being the a an this these those it its their his her
    into onto over under since per than as across near after before during while when where
    containing including reportedly each every last next year years old""".split()
)

WHEN = re.compile(
    r"\b(?:(?:[Ii]n|[Oo]n|[Bb]y|[Ss]ince|[Dd]uring|[Uu]ntil|[Aa]s of|[Ff]rom)\s+)?"
    r"(?:(?:early|late|mid)-?\s*)?"
    r"(?:the\s+(?:end|beginning|start|middle)\s+of\s+)?(?:\d{1,2}\s+)?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+\d{1,2}(?!\d))?(?:,?\s+\d{4})?\b"
    r"|\b(?:yesterday|today|overnight|last (?:week|month|year|night)|this (?:week|month|year)|"
    r"(?:in|since|by) (?:19|20)\d\d)\b",
)

QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“”", "«": "»"}
QUOTE_MARK = re.compile('["“”„«»]')
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_SPACE = r"\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\f\v"  # white space, " " aside
SPACES = re.compile(rf"[ {_SPACE}]+")
ODD_SPACE = re.compile(rf"[{_SPACE}]")
INVISIBLE = re.compile(r"[\ufeff\u200b-\u200d\u2060\u00ad\x00-\x08\x0e-\x1f\x7f]")
PARAGRAPH_END = frozenset('.!?:;"”»)]')
CLOCK = re.compile(r"\d:\d\d|\d\.\d\d\s*[ap]\.?m", re.I)

PHOTO_HINTS = (
    "photo",
    "collage",
    "screenshot",
    "illustration",
    "infographic",
    "image",
    "reuters",
    "afp",
    "epa",
    "getty",
    "yonhap",
)
PHOTO_HINT = re.compile("|".join(PHOTO_HINTS), re.I)
PHOTO_HINT_WORDS = CaseBlindWords(PHOTO_HINTS)

# How the source spoke, kept in its description: "on Telegram", "in an interview with Reuters".
# Not tried from inside a run of spaces, as in BOILERPLATE_PHRASES.
CHANNEL = re.compile(
    r"(?:,|(?<!\s))\s+(?P<channel>(?:on|via)\s+(?:Telegram|Facebook|X|Twitter|YouTube|Instagram|"
    r"TikTok|Viber|television|TV|the air|national television|the national telethon)\b.*|"
    r"(?:in|during)\s+(?:an?\s+)?(?:interview|statement|comment|video address|address|briefing|"
    r"post|speech)\b.*|at\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}(?:press conference|briefing|"
    r"meeting|summit|forum)\b.*|citing\b.*|with reference to\b.*)$"
)

APPOSITION = re.compile(r"^(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.()-]*){0,5}),\s+(?P<rest>.+)$")

# Tried once per word, at its first capital: a later capital of the same word succeeds or fails
# just the same, and trying each one made a long capitalised word quadratic.
CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])(?:(?![A-Z])[\w'’-])*+(?P<run>(?:[A-Z][\w'’-]*\s+){1,5}[A-Z][\w'’-]*)"
)

UNIT_MODIFIERS = frozenset("more additional extra new other further".split())
UNCOUNTED = frozenset("people percent km series news tonnes kg".split())  # no singular to take
