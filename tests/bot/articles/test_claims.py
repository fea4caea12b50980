"""Claims: who says each fact, how and when, what it names, and whether who says it is a party
to the story. One test per way of attributing, over layouts of several outlets."""

from datetime import datetime
from pathlib import Path

import pytest

from bot.articles import KYIV, Article, Claim, extract
from bot.articles.extraction.claims import resolve_when
from tests.conftest import SEED

UP_HEADER = """{title}

Wednesday, 19 June 2024, 13:03

{lead}

Source: {sources}

"""


def up_article(lead: str, body: str, sources: str = "Yonhap; The Times") -> Article:
    """An article in Ukrainska Pravda's layout, dated 19 June 2024."""
    title = "North Korea sent Russia more shells than thought, Seoul says"
    return extract(UP_HEADER.format(title=title, lead=lead, sources=sources) + body)


def wire_article(*paragraphs: str) -> Article:
    """A wire story: headline, dateline in the lead, body paragraphs, no labels."""
    text = "N. Korea shipped millions of shells to Russia, officials say\n\n"
    text += "Wednesday, 19 June 2024, 13:03\n\n"
    text += "SEOUL, June 19 (Yonhap) -- " + "\n\n".join(paragraphs)
    return extract(text)


def claim_of(article: Article, starts: str) -> Claim:
    for _, fact in article.facts:
        if fact.text.startswith(starts):
            return fact.claim
    raise AssertionError(f"no fact starts with {starts!r}: {[f.text for _, f in article.facts]}")


PUBLISHED = datetime(2024, 6, 19, 13, 3, tzinfo=KYIV)
LEAD = "North Korea has sent Russia at least 10,000 containers of munitions, South Korea says."


@pytest.fixture(scope="module")
def seed() -> Article:
    return extract(Path(SEED).read_text(encoding="utf-8"))


# --- who, and how ------------------------------------------------------------------------------


def test_a_named_speaker_who_said_it_is_its_claimant(seed: Article) -> None:
    claim = claim_of(seed, "South Korean Defence Minister Shin Won-sik said")

    assert (claim.claimant, claim.attribution) == ("Shin Won-sik", "said")


def test_a_country_that_reported_it_is_its_claimant_with_the_month(seed: Article) -> None:
    claim = claim_of(seed, "In March, South Korea reported")

    assert (claim.claimant, claim.attribution) == ("South Korea", "reported")
    assert (claim.when, claim.claimed_at) == ("in March", "2024-03")
    assert claim.credit() == "South Korea reported, in March 2024"


def test_according_to_credits_who_it_is_according_to() -> None:
    article = up_article(
        LEAD,
        "Details: According to The Times, the shells were sent by rail through Khasan.\n",
    )

    claim = claim_of(article, "According to The Times")

    assert (claim.claimant, claim.attribution) == ("The Times", "according to")


def test_who_told_a_newspaper_is_the_claimant_not_the_newspaper() -> None:
    article = up_article(
        LEAD,
        "Details: Kyrylo Budanov told The War Zone that Russia had about 900 missiles left.\n",
    )

    claim = claim_of(article, "Kyrylo Budanov told")

    assert (claim.claimant, claim.attribution) == ("Kyrylo Budanov", "said")


def test_who_told_reporters_on_a_weekday_said_it_that_day() -> None:
    article = wire_article(
        LEAD,
        "Kremlin spokesman Dmitry Peskov told reporters on Tuesday that Moscow had no comment.",
    )

    claim = claim_of(article, "Kremlin spokesman Dmitry Peskov told")

    assert (claim.claimant, claim.when, claim.claimed_at) == (
        "Dmitry Peskov",
        "on Tuesday",
        "2024-06-18",
    )


def test_a_title_with_its_portfolio_is_left_out_of_the_name() -> None:
    article = wire_article(
        LEAD,
        "US Secretary of State Antony Blinken said the shipments must stop.",
        "White House national security spokesman John Kirby said the US had evidence.",
    )

    assert claim_of(article, "US Secretary").claimant == "Antony Blinken"
    assert claim_of(article, "White House").claimant == "John Kirby"


def test_according_to_a_statement_is_according_to_who_made_it() -> None:
    article = wire_article(LEAD, "According to a statement from the Pentagon, 500 advisers left.")

    assert claim_of(article, "According to a statement").claimant == "Pentagon"


def test_a_statement_is_credited_to_who_issued_it() -> None:
    article = wire_article(
        LEAD,
        "The Foreign Ministry said in a statement on Tuesday that the shipments violate UN "
        "Security Council resolutions.",
    )

    claim = claim_of(article, "The Foreign Ministry said in a statement")

    assert (claim.claimant, claim.attribution) == ("Foreign Ministry", "said")
    assert claim.when == "on Tuesday"


def test_a_report_citing_others_is_the_reporters_and_says_whom_it_cites() -> None:
    article = up_article(
        LEAD,
        "Details: The Times reported, citing Western intelligence sources, that Pyongyang had "
        "also sent about 50 ballistic missiles.\n",
    )

    claim = claim_of(article, "The Times reported, citing")

    assert (claim.claimant, claim.attribution) == ("The Times", "reported")
    assert claim.via == "Western intelligence sources"
    assert claim.credit() == "The Times reported, citing Western intelligence sources"


def test_a_claim_resting_only_on_what_it_cites_is_credited_to_those_it_cites() -> None:
    article = wire_article(
        LEAD,
        "Citing Western intelligence sources, about 5 million shells may have been shipped.",
    )

    claim = claim_of(article, "Citing Western intelligence sources")

    assert (claim.claimant, claim.attribution) == ("Western intelligence sources", "citing")


def test_in_a_nested_report_the_outer_speaker_is_the_claimant() -> None:
    article = wire_article(
        LEAD,
        "Reuters said the Financial Times reported that the shells were of poor quality.",
    )

    claim = claim_of(article, "Reuters said the Financial Times")

    assert (claim.claimant, claim.attribution) == ("Reuters", "said")


def test_a_quote_passed_on_by_an_agency_is_the_speakers_quoted_by_the_agency() -> None:
    article = up_article(
        LEAD,
        "Details: Dmitry Peskov said, quoted by RIA Novosti, that the Kremlin had nothing to add.\n",
        sources="Kremlin-aligned news agency RIA Novosti",
    )

    claim = claim_of(article, "Dmitry Peskov said, quoted by")

    assert (claim.claimant, claim.attribution, claim.via) == (
        "Dmitry Peskov",
        "quoted by",
        "RIA Novosti",
    )
    assert claim.party == "Kremlin-aligned news agency RIA Novosti"


def test_a_quote_label_credits_the_one_it_names() -> None:
    article = up_article(
        LEAD,
        'Quote from Shin Won-sik: "North Korea\'s factories are working at full capacity."\n',
    )

    claim = claim_of(article, "\"North Korea's factories")

    assert (claim.claimant, claim.attribution) == ("Shin Won-sik", "quote label")


def test_a_trailing_attribution_credits_who_said_it() -> None:
    article = wire_article(
        LEAD,
        "The shells were moved by ship from Rajin to Dunai, South Korea's military said.",
    )

    claim = claim_of(article, "The shells were moved by ship")

    assert claim.claimant == "South Korea's military"


def test_a_closing_attribution_says_the_whole_sentence() -> None:
    article = wire_article(LEAD, "Kim also praised the Russian army, KCNA said on Thursday.")

    claim = claim_of(article, "Kim also praised")

    assert claim.claimant == "KCNA"


# --- pronouns and roles ------------------------------------------------------------------------


def test_the_association_is_the_association_the_sources_name() -> None:
    article = up_article(
        LEAD,
        "Details: According to the association, grain made up 3.1 million tonnes in April.\n",
        sources="Ukrainian Grain Association",
    )

    claim = claim_of(article, "According to the association")

    assert (claim.claimant, claim.attribution) == ("Ukrainian Grain Association", "according to")


def test_the_fund_is_the_body_named_for_it_not_one_that_has_the_word() -> None:
    article = wire_article(
        "Ukraine received US$1.1 billion from the International Monetary Fund under the "
        "Extended Fund Facility on Monday.",
        "The Fund noted on Friday that Ukraine had met all its targets.",
    )

    claim = claim_of(article, "The Fund noted")

    assert (claim.claimant, claim.when, claim.claimed_at) == (
        "International Monetary Fund",
        "on Friday",
        "2024-06-14",
    )


def test_an_acronym_the_article_defines_is_the_name_it_stands_for() -> None:
    article = wire_article(
        "The missiles flew about 300 km, the Joint Chiefs of Staff (JCS) said.",
        "The JCS said in a statement on Tuesday that surveillance had been stepped up.",
    )

    assert claim_of(article, "The missiles").claimant == "Joint Chiefs of Staff"
    later = claim_of(article, "The JCS said")
    assert (later.claimant, later.when) == ("Joint Chiefs of Staff", "on Tuesday")


def test_a_described_body_is_its_name_and_its_role_noun_stands_for_it() -> None:
    article = wire_article(
        "Ukraine has enough gas for winter, state energy company Naftogaz said on Wednesday.",
        "Russia has attacked its facilities 20 times this year, according to the company.",
    )

    first = claim_of(article, "Ukraine has enough gas")
    assert (first.claimant, first.claimed_at) == ("Naftogaz", "2024-06-19")
    assert claim_of(article, "Russia has attacked").claimant == "Naftogaz"


def test_a_short_name_of_a_source_is_the_source() -> None:
    article = up_article(
        "Russia attacked Ukraine with 83 drones overnight.",
        "Details: The Air Force said that 61 drones had been shot down.\n",
        sources="Ukrainian Air Force",
    )

    claim = claim_of(article, "The Air Force said")

    assert (claim.claimant, claim.attribution) == ("Ukrainian Air Force", "said")


def test_a_name_with_the_keeps_it_only_when_it_is_part_of_the_name() -> None:
    article = wire_article(
        LEAD,
        "The Times reported that 20 ships had been tracked.",
        "The White House said on Monday that the shipments must stop.",
    )

    assert claim_of(article, "The Times reported").claimant == "The Times"
    assert claim_of(article, "The White House said").claimant == "White House"


def test_a_currency_is_no_country() -> None:
    article = wire_article(LEAD, "Seoul will spend US$2 billion on air defence, officials said.")

    names = [entity.name for entity in claim_of(article, "Seoul will spend").entities]

    assert "United States" not in names


def test_he_added_is_the_person_who_spoke_before() -> None:
    article = wire_article(
        LEAD,
        "Defence Minister Shin Won-sik said the factories were working at full capacity.",
        "He added that about 4.8 million shells could have been sent.",
    )

    claim = claim_of(article, "He added")

    assert claim.claimant == "Shin Won-sik"


def test_the_newspaper_is_the_newspaper_named_before() -> None:
    article = wire_article(
        LEAD,
        "The Times reported that the shells were sent by sea.",
        "The newspaper also said that 20 ships had been tracked.",
    )

    claim = claim_of(article, "The newspaper also said")

    assert claim.claimant == "The Times"


def test_the_kremlin_leader_is_putin(seed: Article) -> None:
    claim = claim_of(seed, "The Kremlin leader also complained")

    assert claim.claimant == "Vladimir Putin"


def test_a_surname_is_the_person_the_article_names_in_full(seed: Article) -> None:
    claim = claim_of(seed, "Putin said that the signed document")

    assert claim.claimant == "Vladimir Putin"


def test_an_unresolvable_role_is_kept_as_written_not_guessed() -> None:
    article = wire_article(
        "North Korea has shipped shells to Russia.",
        "The ministry said the shipments had doubled.",
    )

    claim = claim_of(article, "The ministry said")

    assert claim.claimant == "The ministry"


# --- unattributed facts ------------------------------------------------------------------------


def test_a_lead_without_a_claimant_is_credited_to_the_articles_sources(seed: Article) -> None:
    claim = claim_of(seed, "Russian leader Vladimir Putin and North Korean leader")

    assert (claim.claimant, claim.attribution) == (
        "Interfax Russia, RIA Novosti",
        "article sources",
    )


def test_a_background_bullet_without_a_claimant_is_the_outlets_own_reporting() -> None:
    article = up_article(
        LEAD,
        "Background:\n\n  • In December 2023, North Korea opened a new rail link to Russia.\n",
    )

    claim = claim_of(article, "In December 2023")

    assert (claim.claimant, claim.attribution) == (None, "own reporting")
    assert claim.credit().startswith("the outlet's own reporting")
    assert claim.claimed_at == "2023-12"


def test_an_event_in_a_subordinate_clause_is_not_an_attribution() -> None:
    article = wire_article(
        "Zelensky received the Charlemagne Prize in Aachen, a day after Berlin announced "
        "new military aid.",
    )

    claim = claim_of(article, "Zelensky received")

    assert claim.claimant != "Berlin"


# --- the claim's time --------------------------------------------------------------------------


def test_the_claims_time_is_when_it_was_said_not_when_the_event_was(seed: Article) -> None:
    claim = claim_of(seed, "In mid-June, Shin Won-sik said")

    assert (claim.when, claim.claimed_at) == ("in mid-June", "2024-06")


def test_an_opening_time_before_a_trailing_speaker_is_the_events_not_the_claims() -> None:
    article = wire_article(
        LEAD,
        "In February, Russia used more than 4,000 drones, Volodymyr Zelenskyy said on 1 March.",
    )

    claim = claim_of(article, "In February")

    assert (claim.claimant, claim.claimed_at) == ("Volodymyr Zelenskyy", "2024-03-01")


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("on 19 June", "2024-06-19"),
        ("in mid-June", "2024-06"),
        ("In December 2023", "2023-12"),
        ("in July", "2023-07"),  # after the article's month: last year's
        ("yesterday", "2024-06-18"),
        ("last week", None),
    ],
)
def test_a_time_resolves_against_the_articles_date(when: str, expected: str | None) -> None:
    assert resolve_when(when, PUBLISHED) == expected


# --- entities and parties ----------------------------------------------------------------------


def test_every_spelling_of_a_name_is_one_entity() -> None:
    article = wire_article(
        "Kim Jong-un met Vladimir Putin in Pyongyang.",
        "Kim Jong Un said the partnership would last.",
        "Kim also praised the Russian army, KCNA said.",
    )

    names = {e.name for _, fact in article.facts for e in fact.claim.entities}
    written = {e.text for _, fact in article.facts for e in fact.claim.entities}

    assert {"Kim Jong-un", "Kim Jong Un", "Kim"} <= written
    assert len({n for n in names if n.startswith("Kim")}) == 1


def test_the_countries_a_fact_names_are_its_entities(seed: Article) -> None:
    claim = claim_of(seed, "In March, South Korea reported")

    assert {"South Korea", "North Korea", "Russia"} <= {e.name for e in claim.entities}


def test_propaganda_is_marked_as_a_party_to_the_story(seed: Article) -> None:
    claim = claim_of(seed, "On 19 June, Russian propaganda publications said")

    assert claim.claimant == "Russian propaganda publications"
    assert claim.party == "Russian propaganda publications"
    assert claim.claimed_at == "2024-06-19"


def test_a_source_described_as_kremlin_aligned_marks_the_facts_it_carries(seed: Article) -> None:
    claim = claim_of(seed, "Russian leader Vladimir Putin and North Korean leader")

    assert claim.party == "Kremlin-aligned news agency RIA Novosti"


def test_state_media_are_a_party_to_the_story() -> None:
    article = wire_article(LEAD, "North Korean state media said the visit was a success.")

    claim = claim_of(article, "North Korean state media said")

    assert claim.party == "North Korean state media"


def test_parse_json_shows_each_facts_claim(seed: Article) -> None:
    facts = [f for s in seed.to_json()["sections"] for f in s["facts"]]

    by_text = {f["text"][:20]: f for f in facts}
    south_korea = by_text["In March, South Kore"]
    assert south_korea["claimant"] == "South Korea"
    assert south_korea["attribution"] == "reported"
    assert south_korea["claimed_at"] == "2024-03"
    assert {"text": "South Korea", "name": "South Korea"} in south_korea["entities"]


def test_a_participle_clause_after_the_claimant_does_not_take_the_claim() -> None:
    article = wire_article(
        "North Korea has sent more than 1,000 containers to Russia, the White House said on"
        " Wednesday, releasing satellite images it said showed the shipments."
    )

    claim = claim_of(article, "North Korea has sent more than 1,000")

    assert (claim.claimant, claim.when, claim.claimed_at) == (
        "White House",
        "on Wednesday",
        "2024-06-19",
    )


def test_who_said_a_clause_is_its_claimant_not_the_clause() -> None:
    article = wire_article(
        LEAD,
        "The estimate is lower than Seoul's, and officials said it covered only shipments"
        " confirmed by satellite imagery.",
    )

    assert claim_of(article, "The estimate is lower").claimant == "officials"


def test_a_figure_takes_its_claimants_full_name_not_the_short_one_it_is_given() -> None:
    article = wire_article(
        "Defense Minister Shin Won-sik said on Wednesday that North Korea had shipped about"
        " 6,700 containers to Russia.",
        "The containers could hold more than 3 million artillery shells, Shin told reporters.",
    )

    shells = next(f for f in article.figures if f.unit == "artillery shell")
    assert shells.claimant == "Shin Won-sik"


def test_the_start_of_what_a_figure_counts_since_is_not_the_claims_time() -> None:
    article = wire_article(
        "North Korea has sent about 7,000 containers to Russia since July, the ministry has"
        " reported."
    )

    assert article.figures[0].when is None


def test_a_bare_quote_after_a_news_agency_source_is_the_person_quoted_before() -> None:
    article = up_article(
        "North Korea has sent at least 10,000 containers to Russia, South Korean Defence"
        " Minister Shin Won-sik has said.",
        'Details: Shin said on Wednesday that the shipments had grown.\n\nQuote: "We assess that'
        ' North Korea has sent at least 10,000 containers to Russia by sea."\n',
        sources="Yonhap, South Korean news agency",
    )

    # Named in full, as the article names him: a Korean family name comes first.
    assert [q.speaker for q in article.quotes] == ["Shin Won-sik"]
    assert claim_of(article, '"We assess').claimant == "Shin Won-sik"


def test_said_and_a_weekday_without_on_is_that_day() -> None:
    article = wire_article(
        "North Korea has delivered over 1,000 containers to Russia, the White House said Tuesday."
    )

    claim = claim_of(article, "North Korea has delivered")

    assert (claim.claimant, claim.when, claim.claimed_at) == (
        "White House",
        "Tuesday",
        "2024-06-18",
    )


def test_a_quote_the_official_said_is_the_official_named_not_the_last_speaker() -> None:
    article = wire_article(
        "Defence Minister Shin Won-sik said on Wednesday that North Korea had shipped about"
        " 6,700 containers to Russia.",
        "One Western official said the gap reflected ways of counting. \u201cWhichever number you"
        " take, it is an enormous volume of ammunition,\u201d the official said.",
    )

    quote = next(q for q in article.quotes if q.text.startswith("Whichever"))
    assert quote.speaker == "One Western official"
