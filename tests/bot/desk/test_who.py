"""/who: a person or body across the archive."""

from bot.desk import Desk
from bot.desk.answers import UserError
from bot.desk.who import WhoAnswer, who
from bot.pages import DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT
from tests.conftest import SEED, article_id


async def shin(desk: Desk) -> WhoAnswer:
    answer = await who(desk, "Shin")
    assert isinstance(answer, WhoAnswer)
    return answer


async def test_a_surname_finds_the_person_by_full_name(story_desk: Desk) -> None:
    answer = await shin(story_desk)

    assert answer.name == "Shin Won-sik"
    # The quotes a paragraph gives to "Shin" are credited in full, so no alias is needed.
    assert answer.quotes
    assert "Shin" not in answer.aliases


async def test_the_profile_says_how_the_articles_describe_them(story_desk: Desk) -> None:
    answer = await shin(story_desk)

    assert answer.descriptions[0] == "South Korean Defence Minister"


async def test_the_claims_are_in_the_order_they_were_claimed(story_desk: Desk) -> None:
    claims = (await shin(story_desk)).claims

    dated = [c.when for c in claims if c.when]
    assert dated == sorted(dated)
    figures = [c.value for c in claims if c.unit == "container"]
    assert figures == [6700, 10000]


async def test_the_profile_holds_their_quotes_and_the_articles_naming_them(
    story_desk: Desk,
) -> None:
    answer = await shin(story_desk)

    assert any(q.text.startswith("North Korea's munitions factories") for q in answer.quotes)
    named = {a.id for a in answer.articles}
    for name in (
        SEED.name,
        "03_yonhap_shin_6700.txt",
        "06_times_western_intelligence_5000.txt",
        "08_up_shin_10000_updated.txt",
    ):
        assert article_id(story_desk, name) in named


async def test_the_json_has_the_documented_keys(story_desk: Desk) -> None:
    body = (await shin(story_desk)).json()

    assert body["kind"] == "who"
    assert {"name", "aliases", "descriptions", "claims", "quotes", "articles"} <= set(body)


async def test_a_name_nobody_has_is_an_error_with_suggestions(story_desk: Desk) -> None:
    answer = await who(story_desk, "Kirbyy Jhon")

    assert isinstance(answer, UserError)
    assert "John Kirby" in answer.suggestions


async def test_autocomplete_offers_known_names(story_desk: Desk) -> None:
    choices = story_desk.complete("name", "shin")

    assert choices[0].value == "Shin Won-sik"


async def test_the_discord_pages_stay_within_the_limits(story_desk: Desk) -> None:
    pages = (await shin(story_desk)).reply().pages

    assert pages
    assert all(len(p.description) <= DESCRIPTION_LIMIT for p in pages)
    assert all(p.size <= EMBED_TOTAL_LIMIT for p in pages)


async def test_claims_of_a_party_to_the_story_carry_the_marker(story_desk: Desk) -> None:
    answer = await who(story_desk, "Russian propaganda publications")

    assert isinstance(answer, WhoAnswer)
    assert any(c.party for c in answer.claims)
    assert "(party to the story)" in answer.text()


async def test_one_description_spelled_two_ways_is_listed_once(story_desk: Desk) -> None:
    described = [
        d.lower().replace("defense", "defence") for d in (await shin(story_desk)).descriptions
    ]

    assert len(described) == len(set(described))
