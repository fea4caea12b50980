"""Articles: what an article is (the model: sections, facts, sources, quotes, figures) and how
a copied news page's text becomes one (the extractor, split by concern); each fact's claim: who
says it, how, when, and what it names."""

from bot.articles.extraction import KYIV, ExtractionError, decode, extract, extract_bytes
from bot.articles.extraction.descriptions import describe
from bot.articles.model import (
    Article,
    Attribution,
    Claim,
    Clock,
    Entity,
    Fact,
    Figure,
    Photo,
    Quote,
    Section,
    SectionKind,
    Source,
    number_text,
    utc_now,
)

__all__ = [
    "KYIV",
    "Article",
    "Attribution",
    "Claim",
    "Clock",
    "Entity",
    "ExtractionError",
    "Fact",
    "Figure",
    "Photo",
    "Quote",
    "Section",
    "SectionKind",
    "Source",
    "decode",
    "describe",
    "extract",
    "extract_bytes",
    "number_text",
    "utc_now",
]
