"""Ranking the facts the index found: each query word's best match counts, with its coverage of
the query, a bonus for words side by side and the text's likeness to the query."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise

from bot.fuzzy import passage_likeness
from bot.search.index import K1, B, Query, SearchIndex
from bot.text import fold, words

MIN_COVERAGE = 0.5  # share of the query's weight a fact must match to count as an answer
RELATIVE_FLOOR = 0.35  # results far below the best one are noise


@dataclass(frozen=True, slots=True)
class Scored:
    fact_id: int
    score: float
    coverage: float
    literal: float = 1.0  # share of the query's weight matched by its own words (or their typos)


def rank(
    index: SearchIndex, query: Query, facts: dict[int, tuple[str, str]], limit: int
) -> list[Scored]:
    """Score candidate facts (id -> text, index terms) against the query; best first, weak
    ones dropped."""
    concept_weight = [
        index.idf(c) if c in index.df else _unknown_idf(index) for c in query.concepts
    ]
    total_weight = sum(concept_weight) or 1.0
    query_words = " ".join(words(query.text))
    scored: list[Scored] = []
    for fact_id, (text, terms) in facts.items():
        tokens = terms.split()
        counts = Counter(tokens)
        norm = K1 * (1 - B + B * len(tokens) / index.average_length)
        contributions: dict[int, list[float]] = defaultdict(list)
        literal: set[int] = set()
        for term in query.terms:
            tf = counts.get(term.term, 0)
            if tf:
                contributions[term.concept].append(
                    term.weight * index.idf(term.term) * tf * (K1 + 1) / (tf + norm)
                )
                if not term.why.startswith("synonym"):
                    literal.add(term.concept)
        if not contributions:
            continue
        # The best match of a query word counts whole, its other synonyms half: a fact with the
        # word itself beats one that only has two of its synonyms.
        per_concept = {
            concept: max(values) + 0.5 * (sum(values) - max(values))
            for concept, values in contributions.items()
        }
        coverage = sum(concept_weight[c] for c in per_concept) / total_weight
        if coverage < MIN_COVERAGE:
            continue
        score = sum(per_concept.values()) * coverage
        score += _phrase_bonus(query.concepts, tokens) * score
        score += 0.5 * passage_likeness(query_words, fold(text))
        share = sum(concept_weight[c] for c in literal) / total_weight
        scored.append(Scored(fact_id, score, coverage, round(share, 6)))
    if not scored:
        return []
    floor = max(s.score for s in scored) * RELATIVE_FLOOR
    # What the reader wrote ranks above what only a synonym of it matched: "shipments" finds
    # the facts about shipments before those about deliveries.
    kept = [s for s in scored if s.score >= floor]
    kept.sort(key=lambda s: (-s.literal, -s.score, s.fact_id))
    return kept[:limit]


def _unknown_idf(index: SearchIndex) -> float:
    """A word the index has never seen weighs like the rarest word: it cannot be ignored."""
    return math.log(1 + (index.fact_count + 0.5) / 0.5)


def _phrase_bonus(concepts: tuple[str, ...], tokens: list[str]) -> float:
    """Query words next to each other in the fact: "artillery shells" beats the two apart."""
    if len(concepts) < 2:
        return 0.0
    pairs = set(pairwise(tokens))
    near = sum(1 for pair in pairwise(concepts) if pair in pairs)
    return 0.5 * near / (len(concepts) - 1)
