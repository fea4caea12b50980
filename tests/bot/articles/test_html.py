"""Article web pages in the layouts newsrooms publish: the article found in the page, read by
the extractor as a text file is, and the page's own title, date, author and address filling
what the text does not say. What each page holds is in tests/data/web/expected.json."""

import json
import re
from datetime import datetime
from typing import Any

import pytest

from bot.articles import ExtractionError
from bot.articles.html import extract_page, page_text
from bot.text import normalise
from tests.conftest import REPO

WEB = REPO / "tests" / "data" / "web"
EXPECTED: list[dict[str, Any]] = json.loads((WEB / "expected.json").read_text("utf-8"))["pages"]
ARTICLES = [page for page in EXPECTED if page["article"]]


def read(name: str) -> bytes:
    return (WEB / name).read_bytes()


@pytest.mark.parametrize("page", ARTICLES, ids=[p["file"] for p in ARTICLES])
def test_the_page_gives_its_headline_date_author_and_address(page: dict[str, Any]) -> None:
    article = extract_page(read(page["file"]))

    assert article.title == page["headline"]
    assert article.published == datetime.fromisoformat(page["published"])
    assert article.author == page["author"]
    assert article.url == page["url"]


@pytest.mark.parametrize("page", ARTICLES, ids=[p["file"] for p in ARTICLES])
def test_the_article_text_is_kept_and_the_page_around_it_dropped(page: dict[str, Any]) -> None:
    text, _ = page_text(read(page["file"]))

    for kept in page["must_contain"]:
        assert normalise(kept) in normalise(text)
    for dropped in page["must_not_contain"]:
        assert dropped not in text


def test_labelled_paragraphs_are_read_as_in_a_text_file() -> None:
    article = extract_page(read("pages/up_wordpress.html"))

    assert [s.name for s in article.sources] == ["Yonhap", "Reuters"]
    labels = [section.label for section in article.sections]
    assert "Details" in labels
    assert "Background" in labels
    background = next(s for s in article.sections if s.label == "Background")
    assert len(background.facts) == 3  # the page's <ul>, one fact per bullet
    # The bare `Quote:` after "Source: ... Yonhap; Reuters" is the minister, not an agency.
    assert article.quotes[0].speaker == "Shin Won-sik"


def test_a_date_only_in_the_head_places_the_claims_in_time() -> None:
    article = extract_page(read("pages/opengraph_only.html"))

    assert article.published is not None
    text, _ = page_text(read("pages/opengraph_only.html"))
    assert text.splitlines()[0] == article.title  # the header the extractor reads


def test_a_pull_quote_that_repeats_the_text_is_read_once() -> None:
    page = next(p for p in EXPECTED if p["file"] == "pages/liveblog_like.html")
    text, _ = page_text(read(page["file"]))

    assert normalise(text).count(normalise(page["pull_quote"])) == 1


def test_a_front_page_that_says_it_is_a_website_is_no_article() -> None:
    with pytest.raises(
        ExtractionError, match="the page is not an article: it says it is a website"
    ):
        extract_page(read("pages/not_an_article.html"))


def test_a_page_of_teasers_that_does_not_say_what_it_is_is_no_article() -> None:
    front = read("pages/not_an_article.html").decode()
    silent = re.sub(
        r'<meta property="og:type"[^>]*>|<script type="application/ld\+json">.*?</script>',
        "",
        front,
        flags=re.S,
    )

    with pytest.raises(ExtractionError, match="it says it is a list of 9 articles"):
        extract_page(silent.encode())


@pytest.mark.parametrize(
    "data", [b"", b"   ", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"]
)
def test_an_empty_page_is_no_article(data: bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_page(data)


@pytest.mark.parametrize(
    ("canonical", "kept"),
    [
        ("javascript:alert(1)", None),
        ("/world/2024/03/05/story/", "https://news.example.org/world/2024/03/05/story/"),
        ("https://news.example.org/" + "a" * 3000, None),
    ],
)
def test_only_a_web_address_the_page_gives_is_kept(canonical: str, kept: str | None) -> None:
    page = read("pages/opengraph_only.html").decode()
    page = re.sub(
        r'<link rel="canonical" href="[^"]*"', f'<link rel="canonical" href="{canonical}"', page
    )
    page = re.sub(r'<meta property="og:url"[^>]*>', "", page)

    article = extract_page(page.encode(), url="https://news.example.org/fetched")

    assert article.url == (kept or "https://news.example.org/fetched")
