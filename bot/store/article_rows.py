"""A parsed article as the rows the store writes, ids left for the loader to give: built in the
process that parsed it, so what comes back to the loader is plain tuples, which unpickle about
ten times faster than the article's dataclasses (half a millisecond an article, at 1,000 a
second the biggest cost of a load after the parse itself)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import NamedTuple

from bot.articles import Article, Claim
from bot.search import STOPWORDS, stem
from bot.store.stories import story_keys
from bot.text import words

# Each row is in its table's column order, without the row's own id and its article's id.
SourceValues = tuple[str, str | None, str]  # name, description, text
# position in the article, text, index terms, speaker quoted, claim as JSON, claimant
FactValues = tuple[int, str, str, str | None, str, str | None]
SectionValues = tuple[str | None, str, tuple[FactValues, ...]]  # label, kind, facts
QuoteValues = tuple[str, str | None]  # text, speaker
# The position of the fact it stands in (None: not known), then the figures table's columns.
FigureValues = tuple[
    int | None, str, str | None, float, str, str | None, str | None, str, str, float | None
]
# The articles table's columns from title to revised_utc.
ArticleValues = tuple[
    str, str | None, str | None, str | None, str | None, str | None, str, str | None, str | None
]


class ArticleRows(NamedTuple):
    title: str | None  # the headline as read, for the load's report
    article: ArticleValues
    sources: tuple[SourceValues, ...]
    sections: tuple[SectionValues, ...]
    quotes: tuple[QuoteValues, ...]
    figures: tuple[FigureValues, ...]
    story_keys: tuple[str, ...]
    surfaces: tuple[tuple[str, str], ...]  # index term -> a word as written, for suggestions


def article_rows(article: Article) -> ArticleRows:
    published = article.published
    values: ArticleValues = (
        article.title or title_from_lead(article.lead),
        published.isoformat() if published else None,
        published.astimezone(UTC).isoformat() if published else None,
        article.author,
        article.photo.caption if article.photo else None,
        article.photo.credit if article.photo else None,
        article.lead,
        article.url,
        article.updated.astimezone(UTC).isoformat() if article.updated else None,
    )
    texts = [fact.text for _, fact in article.facts]
    speakers: dict[int, str] = {}  # a fact's position -> who is quoted in it
    for quote in article.quotes:
        at = quote.fact
        if quote.speaker and at is not None and quote.text in texts[at]:
            speakers.setdefault(at, quote.speaker)
    surfaces: dict[str, str] = {}
    sections: list[SectionValues] = []
    position = 0
    for section in article.sections:
        facts: list[FactValues] = []
        for fact in section.facts:
            terms = []
            for word in words(fact.text):
                if word not in STOPWORDS:
                    term = stem(word)
                    terms.append(term)
                    surfaces.setdefault(term, word)
            facts.append(
                (
                    position,
                    fact.text,
                    " ".join(terms),
                    speakers.get(position),
                    json.dumps(fact.claim.to_json(), ensure_ascii=False),
                    claimant_of(fact.claim),
                )
            )
            position += 1
        sections.append((section.label, section.kind, tuple(facts)))
    figures: tuple[FigureValues, ...] = tuple(
        (
            figure.fact,
            figure.text,
            figure.qualifier,
            figure.value,
            figure.unit,
            figure.claimant,
            figure.when,
            figure.sentence,
            figure.counted or figure.unit,
            figure.of_total,
        )
        for figure in article.figures
    )
    return ArticleRows(
        article.title,
        values,
        tuple((s.name, s.description, s.text) for s in article.sources),
        tuple(sections),
        tuple((q.text, q.speaker) for q in article.quotes),
        figures,
        tuple(sorted(story_keys(article))),
        tuple(surfaces.items()),
    )


def claimant_of(claim: Claim) -> str | None:
    """Whom "what did X say" finds the fact for: the claimant it names, not the article's
    sources a fact falls back to."""
    return claim.claimant if claim.attribution not in ("article sources", "own reporting") else None


def title_from_lead(lead: str) -> str:
    """A title for an article whose headline could not be told: its first words."""
    words_ = lead.split()
    return " ".join(words_[:12]) + ("…" if len(words_) > 12 else "")
