"""/quote: a speaker named as readers type them."""

from bot.desk import Desk, UserError
from bot.desk.quotes import QuotesAnswer, quote


async def test_quote_by_speaker_fuzzy(desk: Desk) -> None:
    answer = await quote(desk, "putin")

    assert isinstance(answer, QuotesAnswer)
    assert answer.speaker == "Vladimir Putin"
    assert len(answer.quotes) == 3


async def test_quote_by_unknown_speaker_suggests(desk: Desk) -> None:
    answer = await quote(desk, "Obama")

    assert isinstance(answer, UserError)
