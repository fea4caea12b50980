"""/ingest: a link or a file added at once, with what was understood of it; and the ways it is
refused, each saying why."""

import re
from pathlib import Path

from bot.desk import Desk, UserError
from bot.desk.ingest import IngestAnswer, ingest_upload
from bot.store import Requester
from tests.local_web import WEB_DATA, LocalWeb

MODERATOR = Requester("moderator", 7, 9)
PAGE = (WEB_DATA / "pages" / "up_wordpress.html").read_bytes()
HEADLINE = "Seoul says North Korean arms factories run at full capacity to supply Russia"


async def test_a_link_is_fetched_and_answered_with_what_was_understood(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = local_web.put("/eng/news/7460012/", PAGE)

    answer = await web_desk.answer_line(f"/ingest url:{url}", by=MODERATOR)

    assert isinstance(answer, IngestAnswer), answer.text()
    assert answer.outcome == "added"
    assert answer.understood.article.title == HEADLINE
    assert answer.understood.sources == ("Yonhap", "Reuters")
    assert answer.understood.facts >= 8
    assert answer.understood.figures >= 2
    assert "Details" in answer.understood.sections
    text = answer.text()
    assert text.startswith(f"Added “{HEADLINE}”, 13 June 2024, 15:30")
    assert "Sources: Yonhap, Reuters" in text
    # The canonical address the page gives is the one kept, and shown.
    assert answer.understood.article.url == (
        "https://www.pravda.example/eng/news/2024/06/13/7460012/"
    )


async def test_the_ingested_article_answers_readers_at_once(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = local_web.put("/eng/news/7460012/", PAGE)
    await web_desk.answer_line(f"/ingest url:{url}", by=MODERATOR)

    answer = await web_desk.answer_line("/facts artillery shells")

    assert "4.8 million artillery shells" in answer.text()
    assert HEADLINE in answer.text()


async def test_the_same_link_again_is_unchanged_and_adds_no_second_article(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = local_web.put("/eng/news/7460012/", PAGE)
    await web_desk.answer_line(f"/ingest url:{url}", by=MODERATOR)
    count = len(web_desk.snapshot.articles)

    again = await web_desk.answer_line(f"/ingest url:{url}", by=MODERATOR)

    assert isinstance(again, IngestAnswer)
    assert again.outcome == "unchanged"
    assert len(web_desk.snapshot.articles) == count


async def test_a_page_that_is_no_article_is_refused_and_nothing_is_loaded(
    web_desk: Desk, local_web: LocalWeb
) -> None:
    url = local_web.put("/", (WEB_DATA / "pages" / "not_an_article.html").read_bytes())
    count = len(web_desk.snapshot.articles)

    answer = await web_desk.answer_line(f"/ingest url:{url}", by=MODERATOR)

    assert isinstance(answer, UserError)
    assert answer.message.startswith(f"Could not read {url} as an article: the page is not")
    assert len(web_desk.snapshot.articles) == count


async def test_a_bad_link_says_why_it_was_not_fetched(web_desk: Desk, local_web: LocalWeb) -> None:
    cases = {
        "http://10.1.2.3/news": "10.1.2.3 is a private or reserved address",
        "ftp://example.org/a.html": "only http and https",
        local_web.url("/loop/a"): "a redirect loop",
        local_web.url("/huge"): "too large",
        local_web.url("/missing"): "the server answered 404 Not Found",
    }
    for url, why in cases.items():
        answer = await web_desk.answer_line(f"/ingest url:{url}", by=MODERATOR)
        assert isinstance(answer, UserError)
        assert re.match(rf"Could not fetch {re.escape(url)}: .*{why}", answer.message), answer


async def test_an_uploaded_html_file_is_read_as_a_page(web_desk: Desk) -> None:
    answer = await ingest_upload(web_desk, "story.html", PAGE, by=MODERATOR)

    assert isinstance(answer, IngestAnswer)
    assert answer.understood.article.title == HEADLINE
    assert answer.address == "story.html"


async def test_uploading_a_corrected_copy_of_the_same_file_updates_its_article(
    web_desk: Desk,
) -> None:
    first = await ingest_upload(web_desk, "story.html", PAGE, by=MODERATOR)
    corrected = PAGE.replace(b"10,000 containers", b"11,000 containers")
    second = await ingest_upload(web_desk, "story.html", corrected, by=MODERATOR)

    assert isinstance(first, IngestAnswer)
    assert isinstance(second, IngestAnswer)
    assert second.outcome == "updated"
    assert second.understood.article.id == first.understood.article.id


async def test_an_upload_that_is_not_an_article_file_is_refused(web_desk: Desk) -> None:
    answer = await ingest_upload(web_desk, "photo.png", b"\x89PNG", by=MODERATOR)

    assert isinstance(answer, UserError)
    assert (
        answer.message == "photo.png is not an article file: upload one of .txt, .md, .html, .htm."
    )


async def test_a_local_file_is_ingested_at_the_console(web_desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_bytes(PAGE)

    answer = await web_desk.answer_line(f"/ingest file:{path}")

    assert isinstance(answer, IngestAnswer)
    assert answer.outcome == "added"


async def test_ingest_needs_a_link_or_a_file(web_desk: Desk) -> None:
    answer = await web_desk.answer_line("/ingest", by=MODERATOR)

    assert isinstance(answer, UserError)
    assert "a link (url:) or a file (file:)" in answer.message
