"""/timeline: a topic's claims across the archive, in the order they were claimed."""

from bot.desk import Desk
from bot.desk.facts import NothingFound
from bot.desk.timeline import TimelineAnswer, TimelineEntry, timeline
from bot.pages import DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT
from tests.conftest import SEED, article_id


async def containers(desk: Desk) -> TimelineAnswer:
    answer = await timeline(desk, "containers")
    assert isinstance(answer, TimelineAnswer)
    return answer


def counted(answer: TimelineAnswer) -> list[TimelineEntry]:
    return [e for e in answer.entries if e.unit == "container" and e.value is not None]


async def test_the_containers_are_told_in_the_order_they_were_claimed(story_desk: Desk) -> None:
    entries = counted(await containers(story_desk))

    assert [(e.when, e.claimant, e.value) for e in entries] == [
        ("2023-10-13", "White House", 1000),
        ("2024-02-27", "Shin Won-sik", 6700),
        ("2024-03-04", "South Korea's Defence Ministry", 7000),
        ("2024-03-07", "Western intelligence sources", 5000),
        ("2024-06-13", "Shin Won-sik", 10000),
    ]


async def test_each_claim_names_the_article_that_reported_it_first(story_desk: Desk) -> None:
    entries = counted(await containers(story_desk))

    # The White House statement is told by AP, which reported it first; Reuters is "also".
    assert [e.article.id for e in entries] == [
        article_id(story_desk, name)
        for name in (
            "01_ap_white_house_1000.txt",
            "03_yonhap_shin_6700.txt",
            "04_up_south_korea_7000.txt",
            "06_times_western_intelligence_5000.txt",
            "08_up_shin_10000_updated.txt",
        )
    ]


async def test_a_rising_series_is_shown_as_one(story_desk: Desk) -> None:
    answer = await containers(story_desk)

    assert [s.text() for s in answer.series] == ["1,000 -> 6,700 -> 7,000 -> 10,000 containers"]
    assert "Series: 1,000 -> 6,700 -> 7,000 -> 10,000 containers" in answer.text().splitlines()


async def test_figures_that_disagree_at_the_same_time_are_flagged(story_desk: Desk) -> None:
    by_value = {e.value: e for e in counted(await containers(story_desk))}

    assert by_value[7000].conflict == (
        "disagrees with some 5,000 containers of artillery shells"
        " (Western intelligence sources, 7 March 2024)"
    )
    assert by_value[5000].conflict is not None
    assert "7,000" in by_value[5000].conflict
    assert by_value[1000].conflict is None
    assert by_value[10000].conflict is None


async def test_a_claim_several_articles_report_is_told_once(story_desk: Desk) -> None:
    by_value = {e.value: e for e in counted(await containers(story_desk))}

    also = {a.id for a in by_value[7000].also}
    assert article_id(story_desk, "05_kyiv_independent_syndicated_7000.txt") in also
    assert article_id(story_desk, SEED.name) in also
    assert [e.value for e in counted(await containers(story_desk))].count(7000) == 1


async def test_a_figure_an_article_recalls_joins_the_claim_it_recalls(story_desk: Desk) -> None:
    # The seed's Background recalls the United States' 1,000 containers without a time.
    by_value = {e.value: e for e in counted(await containers(story_desk))}

    assert by_value[1000].when == "2023-10-13"
    assert article_id(story_desk, SEED.name) in {a.id for a in by_value[1000].also}


async def test_the_older_copy_of_an_updated_article_is_never_cited(story_desk: Desk) -> None:
    answer = await containers(story_desk)

    cited = {e.article.id for e in answer.entries} | {a.id for e in answer.entries for a in e.also}
    # A replaced copy is not in the snapshot: every article cited is one readers can open.
    assert all(story_desk.snapshot.article(i) is not None for i in cited)
    assert "07_up_shin_10000.txt" not in {a.file_name for a in story_desk.snapshot.articles}


async def test_the_json_lists_entries_with_when_who_what_and_where(story_desk: Desk) -> None:
    body = (await containers(story_desk)).json()

    assert body["kind"] == "timeline"
    first = body["entries"][0]
    assert {"when", "claimant", "text", "value", "unit", "article", "conflict"} <= set(first)
    assert {"id", "title", "published"} <= set(first["article"])
    assert body["series"][0]["text"] == "1,000 -> 6,700 -> 7,000 -> 10,000 containers"


async def test_the_discord_pages_stay_within_the_limits(story_desk: Desk) -> None:
    pages = (await containers(story_desk)).reply().pages

    assert pages
    assert all(len(p.description) <= DESCRIPTION_LIMIT for p in pages)
    assert all(p.size <= EMBED_TOTAL_LIMIT for p in pages)


async def test_a_topic_no_article_mentions_finds_nothing(story_desk: Desk) -> None:
    assert isinstance(await timeline(story_desk, "zeppelins"), NothingFound)
