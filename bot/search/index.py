"""The search index: an inverted index from terms to facts, each posting list ordered by BM25
impact; a query understood (typos, synonyms, aliases) and the facts worth ranking."""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from bot.fuzzy import lookalikes, lookalikes_in, typo_cutoff
from bot.search.analysis import STOPWORDS, analyze, stem
from bot.search.lexicon import LEXICON, SYNONYM_WEIGHT, TYPO_WEIGHT
from bot.text import words


@dataclass(frozen=True, slots=True)
class QueryTerm:
    term: str
    weight: float
    concept: int  # which word of the query it stands for
    why: str  # "", "synonym of shipments", "did you mean ammunition"
    shown: str = ""  # the lexicon phrase it comes from, as written: "north korea"


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    concepts: tuple[str, ...]  # the query's own terms, in order
    terms: tuple[QueryTerm, ...]
    suggestions: tuple[str, ...] = ()  # known words that look like its unknown ones
    # The query's words as they were read, one per concept, typos corrected ("artillery shells"
    # for "artilery shells"), and whether any was.
    meant: tuple[str, ...] = ()
    corrected: bool = False


K1, B = 1.2, 0.75
POSTINGS_KEPT = 2000  # per term, the facts where it weighs most; enough for the top of any query
CANDIDATES_PER_TERM = 300


@dataclass(slots=True)
class SearchIndex:
    """An inverted index from terms to facts, each posting list ordered by BM25 impact.

    Lists are cut at POSTINGS_KEPT, so a query touches a few hundred facts whatever the size of
    the store. A load that changes a few articles updates the lists of their terms (`updated`);
    one that changes many rebuilds the whole index from the stored terms (`build`).
    """

    postings: dict[str, array[int]] = field(default_factory=dict)
    impacts: dict[str, array[float]] = field(default_factory=dict)  # BM25 tf part, per posting
    df: dict[str, int] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)  # term -> the word readers wrote
    fact_count: int = 0
    average_length: float = 1.0
    # Terms by (length, first letter) and (length, second letter), for typo look-ups.
    vocabulary_keys: dict[tuple[int, int, str], list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: Sequence[tuple[int, str]], surface: dict[str, str]) -> SearchIndex:
        """`facts` are (fact id, space-separated index terms).

        Postings are gathered in flat arrays, not tuples: at 150k facts, tuples would cost
        hundreds of megabytes while the index is built.
        """
        total = sum(terms.count(" ") + 1 for _, terms in facts if terms)
        average = total / len(facts) if facts else 1.0
        ids: dict[str, array[int]] = {}
        impacts: dict[str, array[float]] = {}
        for fact_id, terms in facts:
            tokens = terms.split()
            norm = K1 * (1 - B + B * len(tokens) / average)
            # Most facts name each term once, and their terms weigh the same: a Counter and a
            # weight for each of 150,000 facts' terms were half of the build.
            counts = dict.fromkeys(tokens, 1)
            if len(counts) != len(tokens):
                counts = Counter(tokens)
            once = (K1 + 1) / (1 + norm)
            for term, tf in counts.items():
                term_ids = ids.get(term)
                if term_ids is None:
                    term_ids = ids[term] = array("q")
                    impacts[term] = array("f")
                term_ids.append(fact_id)
                impacts[term].append(once if tf == 1 else tf * (K1 + 1) / (tf + norm))
        index = cls(fact_count=len(facts), average_length=average, surface=surface)
        for term, term_ids in ids.items():
            term_impacts = impacts[term]
            index.df[term] = len(term_ids)
            if len(term_ids) == 1:  # most terms: nothing to order
                index.postings[term], index.impacts[term] = term_ids, term_impacts
                continue
            order = sorted(range(len(term_ids)), key=term_impacts.__getitem__, reverse=True)
            order = order[:POSTINGS_KEPT]
            index.postings[term] = array("q", map(term_ids.__getitem__, order))
            index.impacts[term] = array("f", map(term_impacts.__getitem__, order))
        index._index_vocabulary()
        return index

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, int, bytes, str]], fact_count: int, average_length: float
    ) -> SearchIndex:
        index = cls(fact_count=fact_count, average_length=average_length)
        for term, df, blob, surface in rows:
            # A blob holds the fact ids (8 bytes each), then their impacts (4 bytes each).
            count = len(blob) // 12
            postings: array[int] = array("q")
            postings.frombytes(blob[: count * 8])
            impacts: array[float] = array("f")
            impacts.frombytes(blob[count * 8 :])
            index.postings[term] = postings
            index.impacts[term] = impacts
            index.df[term] = df
            index.surface[term] = surface
        index._index_vocabulary()
        return index

    def rows(self) -> Iterator[tuple[str, int, bytes, str]]:
        return self.term_rows(list(self.postings))

    def updated(
        self,
        removed: Sequence[tuple[int, str]],
        added: Sequence[tuple[int, str]],
        surface: dict[str, str],
    ) -> tuple[SearchIndex, set[str]]:
        """A new index with `removed` facts taken out and `added` ones put in, and the terms
        whose posting lists changed; this one stays as it is, for the readers that hold it.

        Only the touched terms' lists are rebuilt. Impacts already stored keep the average
        length they were computed with, and a list cut at POSTINGS_KEPT that loses a fact is
        not refilled from below the cut: both drift a little, and a full build (the loader
        makes one when a load changes many facts) sets them right.
        """
        removed_tokens = {fact_id: terms.split() for fact_id, terms in removed}
        added_tokens = [(fact_id, terms.split()) for fact_id, terms in added]
        fact_count = self.fact_count - len(removed_tokens) + len(added_tokens)
        total = self.average_length * self.fact_count
        total += sum(len(t) for _, t in added_tokens) - sum(map(len, removed_tokens.values()))
        average = total / fact_count if fact_count > 0 else 1.0
        gone: dict[str, set[int]] = defaultdict(set)
        for fact_id, tokens in removed_tokens.items():
            for term in set(tokens):
                gone[term].add(fact_id)
        new: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for fact_id, tokens in added_tokens:
            norm = K1 * (1 - B + B * len(tokens) / average)
            for term, tf in Counter(tokens).items():
                new[term].append((fact_id, tf * (K1 + 1) / (tf + norm)))
        index = SearchIndex(
            dict(self.postings),
            dict(self.impacts),
            dict(self.df),
            {**self.surface, **{t: w for t, w in surface.items() if t in new}},
            max(fact_count, 0),
            average,
        )
        touched = set(gone) | set(new)
        for term in touched:
            ids = self.postings.get(term, array("q"))
            impacts = self.impacts.get(term, array("f"))
            dropped = gone.get(term, set())
            joining = new.get(term, [])
            df = self.df.get(term, 0) - len(dropped) + len(joining)
            full = len(ids) >= POSTINGS_KEPT
            if full and not any(i in dropped for i in ids):
                # A full list keeps its facts unless a new one weighs more than its last.
                joining = [posting for posting in joining if posting[1] > impacts[-1]]
                if not joining and df > 0:
                    index.df[term] = df
                    continue
            kept = [
                posting for posting in zip(ids, impacts, strict=True) if posting[0] not in dropped
            ]
            merged = sorted(kept + joining, key=itemgetter(1), reverse=True)
            if df <= 0 or not merged:
                for table in (index.postings, index.impacts, index.df, index.surface):
                    table.pop(term, None)
                continue
            merged = merged[:POSTINGS_KEPT]
            index.postings[term] = array("q", (i for i, _ in merged))
            index.impacts[term] = array("f", (w for _, w in merged))
            index.df[term] = df
        index.vocabulary_keys = self._vocabulary_after(
            {t for t in touched if t in index.df and t not in self.df},
            {t for t in touched if t in self.df and t not in index.df},
        )
        return index, touched

    def term_rows(self, terms: Iterable[str]) -> Iterator[tuple[str, int, bytes, str]]:
        """The stored rows of `terms`, those still in the index."""
        for term in terms:
            postings = self.postings.get(term)
            if postings is not None:
                blob = postings.tobytes() + self.impacts[term].tobytes()
                yield term, self.df[term], blob, self.surface.get(term, term)

    def _vocabulary_after(
        self, new: set[str], gone: set[str]
    ) -> dict[tuple[int, int, str], list[str]]:
        """The typo look-up keys with words added and taken out; lists not touched are shared
        with this index, which never changes them."""
        if not new and not gone:
            return self.vocabulary_keys
        keys = dict(self.vocabulary_keys)
        for term in new | gone:
            if len(term) < 2:
                continue
            for key in ((len(term), 0, term[0]), (len(term), 1, term[1])):
                words_ = [w for w in keys.get(key, []) if w not in gone]
                if term in new:
                    words_.append(term)
                keys[key] = words_
        return keys

    def _index_vocabulary(self) -> None:
        keys: dict[tuple[int, int, str], list[str]] = defaultdict(list)
        for term in self.df:
            if len(term) > 1:
                keys[(len(term), 0, term[0])].append(term)
                keys[(len(term), 1, term[1])].append(term)
        self.vocabulary_keys = dict(keys)

    def lookalike_terms(self, term: str, spread: int, limit: int = 3) -> list[tuple[str, float]]:
        """Terms that look like `term`, as a typo would, best first: among those within
        `spread` letters of its length sharing its first or second letter (a typo rarely
        changes both), ties in the order of those lists.

        Each list is scored where it is, and the best of each merged: merging the lists first
        cost 2 to 4 ms a word at 255,000 terms, scoring them 0.1 to 1 ms.
        """
        ranked: dict[str, tuple[float, int, int]] = {}  # term -> score, list, place in it
        lists = (
            self.vocabulary_keys.get(key, [])
            for length in range(len(term) - spread, len(term) + spread + 1)
            for key in ((length, 0, term[0]), (length, 1, term[1]))
        )
        for number, choices in enumerate(lists):
            for choice, score, at in lookalikes_in(term, choices, limit):
                if choice not in ranked:  # where it first stands is where it ranks
                    ranked[choice] = (score, number, at)
        best = sorted(ranked.items(), key=lambda item: (-item[1][0], *item[1][1:]))
        return [(choice, score) for choice, (score, _, _) in best[:limit]]

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.fact_count - df + 0.5) / (df + 0.5))

    # --- query understanding -----------------------------------------------------------------

    def parse(self, text: str) -> Query:
        typed = [w for w in words(text) if w not in STOPWORDS]
        concepts = analyze(text)
        if not concepts:  # a query of stopwords only ("who is") still means its words
            typed = words(text)
            concepts = [stem(w) for w in typed]
        meant = list(typed)
        terms: list[QueryTerm] = []
        near: list[str] = []
        for position, concept in enumerate(concepts):
            read_as = [concept]
            if concept in self.df:
                terms.append(QueryTerm(concept, 1.0, position, ""))
            else:
                corrections, looks_like = self._near(concept)
                near += looks_like
                for typo in corrections:
                    shown = self.surface.get(typo, typo)
                    terms.append(QueryTerm(typo, TYPO_WEIGHT, position, f"did you mean {shown}"))
                # A typo of a word no article uses ("shipmnets") still stands for its synonyms.
                read_as += corrections or _lexicon_word(concept)
                if len(read_as) > 1:
                    meant[position] = self.surface.get(read_as[1]) or _like(
                        read_as[1], typed[position]
                    )
            for word in read_as:
                for phrase, weight in LEXICON.get((word,), ()):
                    for term in phrase:
                        if term in self.df:
                            kind = "synonym" if weight == SYNONYM_WEIGHT else "alias"
                            why = f"{kind} of {concept}"
                            terms.append(
                                QueryTerm(
                                    term,
                                    weight * _read_weight(word, concept),
                                    position,
                                    why,
                                    self._shown(phrase),
                                )
                            )
        for start in range(len(concepts) - 1):  # two-word aliases: "north korea" ~ DPRK
            pair = tuple(concepts[start : start + 2])
            for phrase, weight in LEXICON.get(pair, ()):
                for term in phrase:
                    if term in self.df:
                        why = f"alias of {' '.join(pair)}"
                        terms.append(QueryTerm(term, weight, start, why, self._shown(phrase)))
        best: dict[tuple[str, int], QueryTerm] = {}
        for candidate in terms:
            key = (candidate.term, candidate.concept)
            if key not in best or best[key].weight < candidate.weight:
                best[key] = candidate
        suggestions = tuple(dict.fromkeys(self.surface.get(t, t) for t in near))
        return Query(
            text,
            tuple(concepts),
            tuple(best.values()),
            suggestions[:3],
            tuple(meant),
            meant != typed,
        )

    def _shown(self, phrase: tuple[str, ...]) -> str:
        """A lexicon phrase as the articles write it: "north korea", not "north", "korea"."""
        return " ".join(self.surface.get(term, term) for term in phrase)

    def correct(self, term: str) -> list[str]:
        """Known terms a typo could stand for: at most two, closer for short words."""
        return self._near(term)[0]

    def _near(self, term: str) -> tuple[list[str], list[str]]:
        """Typo corrections of `term`, and looser look-alikes to suggest when nothing is found."""
        if len(term) < 4 or term.isdigit():
            return [], []
        found = self.lookalike_terms(term, 2)
        corrections = [choice for choice, score in found if score >= typo_cutoff(term)][:2]
        return corrections, [choice for choice, _ in found]

    def understood_as(self, query: Query) -> tuple[str, ...]:
        """How the query was read, as a person would say it: "Showing results for ammunition",
        "also: sent, delivered"."""
        notes: list[str] = []
        if query.corrected:
            notes.append("Showing results for " + " ".join(query.meant))
        # Each alternative under the words it stands for: a query word, or a pair ("north korea").
        also: dict[str, list[str]] = defaultdict(list)
        for term in query.terms:
            if term.why and not term.why.startswith("did you mean"):
                pair = term.why.partition(" of ")[2]
                words = pair if " " in pair else query.meant[term.concept]
                also[words].append(term.shown or self.surface.get(term.term, term.term))
        if len(also) == 1:
            notes.append("also: " + ", ".join(dict.fromkeys(*also.values())))
        elif also:  # "also: sent, delivered for shipments; weapons for arms"
            notes.append(
                "also: "
                + "; ".join(
                    f"{', '.join(dict.fromkeys(alternatives))} for {words}"
                    for words, alternatives in also.items()
                )
            )
        return tuple(notes)

    def shortlist(self, query: Query, limit: int = 60) -> list[int]:
        """The facts worth ranking: scored from the posting lists alone, best first."""
        scores: dict[int, float] = defaultdict(float)
        for term in query.terms:
            postings = self.postings.get(term.term)
            if postings is None:
                continue
            impacts = self.impacts[term.term]
            weight = term.weight * self.idf(term.term)
            for position in range(min(len(postings), CANDIDATES_PER_TERM)):
                scores[postings[position]] += weight * impacts[position]
        return sorted(scores, key=lambda fact_id: -scores[fact_id])[:limit]

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Words from the index that look like the query's words, for "did you mean"."""
        found: list[tuple[float, int, str]] = []
        for word in {w for w in words(text) if len(w) >= 4 and w not in STOPWORDS}:
            term = stem(word)
            for choice, score in self.lookalike_terms(term, 2, limit):
                found.append((score, self.df.get(choice, 0), self.surface.get(choice, choice)))
        found.sort(key=lambda hit: (-hit[0], -hit[1]))
        return list(dict.fromkeys(surface for _, _, surface in found))[:limit]


# The single words of the lexicon, as index terms: what a typo is corrected against when no
# article has the word it stands for.
_LEXICON_WORDS = sorted({phrase[0] for phrase in LEXICON if len(phrase) == 1})


def _lexicon_word(term: str) -> list[str]:
    """The lexicon word `term` is a typo of, if it is a clear one."""
    if len(term) < 4 or term.isdigit() or (term,) in LEXICON:
        return []
    found = lookalikes(term, _LEXICON_WORDS, cutoff=typo_cutoff(term), limit=1)
    return [choice for choice, _ in found]


def _read_weight(word: str, concept: str) -> float:
    """A synonym of a corrected word is a guess on a guess: it weighs as a typo does."""
    return 1.0 if word == concept else TYPO_WEIGHT


def _like(word: str, typed: str) -> str:
    """A lexicon word in the number the reader typed: "shipments" for "shipmnets"."""
    plural = word + "s"
    return plural if typed.endswith("s") and stem(plural) == word else word
