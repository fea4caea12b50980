"""Fact search: analysis, the newsroom lexicon as data, an impact-ordered inverted index with
typo correction, and ranking."""

from bot.search.analysis import STOPWORDS, analyze, stem
from bot.search.index import Query, QueryTerm, SearchIndex
from bot.search.lexicon import ALIASES, LEXICON, SYNONYMS
from bot.search.questions import Question, read_question
from bot.search.ranking import Scored, rank

__all__ = [
    "ALIASES",
    "LEXICON",
    "STOPWORDS",
    "SYNONYMS",
    "Query",
    "QueryTerm",
    "Question",
    "Scored",
    "SearchIndex",
    "analyze",
    "rank",
    "read_question",
    "stem",
]
