"""Articles: what an article is (the model: sections, facts, sources, quotes, figures) and how
a copied news page's text becomes one (the extractor, split by concern)."""

from bot.articles.extraction import KYIV, ExtractionError, decode, extract, extract_bytes
from bot.articles.model import (
    Article,
    Clock,
    Fact,
    Figure,
    Photo,
    Quote,
    Section,
    SectionKind,
    Source,
    utc_now,
)

__all__ = [
    "KYIV",
    "Article",
    "Clock",
    "ExtractionError",
    "Fact",
    "Figure",
    "Photo",
    "Quote",
    "Section",
    "SectionKind",
    "Source",
    "decode",
    "extract",
    "extract_bytes",
    "utc_now",
]
