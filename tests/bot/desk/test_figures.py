"""/figures: the numbers, side by side by unit."""

from bot.desk import Desk
from bot.desk.figures import FiguresAnswer, figures


async def test_figures_on_the_same_unit_stand_side_by_side(desk: Desk) -> None:
    answer = await figures(desk, "containers", None)

    assert isinstance(answer, FiguresAnswer)
    containers = next(group for group in answer.groups if group.unit == "container")
    assert [(f.text, f.claimant, f.when) for f in containers.figures] == [
        ("about 7,000 containers", "South Korea", "in March"),
        ("over 1,000 containers", "United States", None),
        ("at least 10,000 containers", "Shin Won-sik", "in mid-June"),
    ]


async def test_figures_of_the_newest_article_without_topic(desk: Desk) -> None:
    answer = await figures(desk, None, None)

    assert isinstance(answer, FiguresAnswer)
    assert answer.article is not None
    assert answer.article.title.startswith("Zelenskyy")


async def test_figures_over_several_articles_say_which_article_each_is_from(desk: Desk) -> None:
    answer = await figures(desk, "missiles", None)

    assert isinstance(answer, FiguresAnswer)
    missiles = next(group for group in answer.groups if group.unit == "missile")
    assert len({f.article.id for f in missiles.figures}) > 1
    lines = [line for line in answer.text().splitlines() if line.startswith("  • ")]
    budanov = next(f for f in missiles.figures if f.text == "about 40 Kh-101 cruise missiles")
    assert (
        f"  • about 40 Kh-101 cruise missiles (Kyrylo Budanov) — “Budanov: Russia produces about"
        f" 40 Kh-101…” #{budanov.article.id}"
    ) in lines
    assert all(line.rsplit(" — ", 1)[-1].split("#")[-1].isdigit() for line in lines)


async def test_figures_json_gives_each_figures_article(desk: Desk) -> None:
    answer = await figures(desk, "missiles", None)

    assert isinstance(answer, FiguresAnswer)
    first = answer.json()["groups"][0]["figures"][0]
    assert set(first["article"]) == {"id", "title", "published", "url"}
    assert first["article"]["title"].startswith(("N. Korea", "Budanov", "Zelenskyy", "Russia"))


async def test_figures_embed_says_which_article_each_is_from(desk: Desk) -> None:
    answer = await figures(desk, "missiles", None)

    assert isinstance(answer, FiguresAnswer)
    description = "\n".join(page.description for page in answer.reply().pages)
    assert "• about 40 Kh-101 cruise missiles (Kyrylo Budanov) — *“Budanov" in description


async def test_figures_show_what_they_count(desk: Desk) -> None:
    answer = await figures(desk, "containers", None)

    assert isinstance(answer, FiguresAnswer)
    assert "  • over 1,000 containers of ammunition (United States)" in answer.text()


async def test_figures_json_gives_what_each_counts_and_its_total(desk: Desk) -> None:
    answer = await figures(desk, "containers", None)

    assert isinstance(answer, FiguresAnswer)
    body = answer.json()["groups"][0]["figures"]
    ammunition = next(f for f in body if f["text"] == "over 1,000 containers")
    assert (ammunition["counted"], ammunition["of_total"]) == ("containers of ammunition", None)


async def test_a_figure_in_its_own_article_does_not_repeat_the_article(desk: Desk) -> None:
    answer = await figures(desk, None, None)

    assert isinstance(answer, FiguresAnswer)
    assert answer.article is not None
    assert f"#{answer.article.id}" not in "\n".join(answer.text().splitlines()[1:])


async def test_figures_all_from_one_article_name_it_once(desk: Desk) -> None:
    answer = await figures(desk, "containers", None)

    assert isinstance(answer, FiguresAnswer)
    head, *lines = answer.text().splitlines()
    assert head.startswith("Figures about “containers” in “Putin and Kim Jong Un sign")
    assert not [line for line in lines if "#" in line]
