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
