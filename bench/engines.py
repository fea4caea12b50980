"""Our search index beside Tantivy and SQLite FTS5 on the same facts and queries: index build
time and size, query p50 / p95, top-5 agreement with /facts, how often the top 5 is on the
query's topic, and the dev eval set, overall and by kind of query.

    .venv/bin/python -m bench.engines --articles 1000

bench/run.py calls `compare` on its own store; `main` builds one the way it does. Tantivy is
the `bench` extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import tantivy

from bench.run import article, percentile
from bench.run import queries as make_queries
from bot.cli import read_cases
from bot.desk import Desk, SeedsFolder
from bot.desk.facts import FactsAnswer, NothingFound, facts
from bot.search import ALIASES, LEXICON, SYNONYMS, SearchIndex, analyze, stem
from bot.store import Store
from bot.text import normalise

LIVE_FACTS = (
    "SELECT id, {} FROM facts WHERE article_id NOT IN"
    " (SELECT id FROM articles WHERE replaced_by IS NOT NULL)"
)
ROOT = Path(__file__).resolve().parents[1]
DEV_SEEDS = ROOT / "seeds"  # the articles tests/data/facts.dev.jsonl was written against
DEV_CASES = ROOT / "tests" / "data" / "facts.dev.jsonl"
TOP = 5  # agreement and on-topic are read on the top 5
LIMIT = 10  # every engine is asked for as many facts as /facts shows
FUZZY_FROM = 5  # a term this long gets one typo's distance in Tantivy; shorter ones none
WARM_UP = 10  # queries asked once, untimed, before the timed run: caches and lazy set-ups
KINDS = ("exact", "multi-word", "misspelled", "synonym", "unknown word")
SHORT = {"exact": "exact", "multi-word": "multi", "misspelled": "typo", "synonym": "syn"}
SHORT["unknown word"] = "unk"
Intent = tuple[frozenset[tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Case:
    """One query of the comparison, with its kind and what would answer it."""

    query: str
    kind: str
    # One entry per word of the query as meant (the typo's original, for a misspelled one):
    # the phrases of index terms that stand for it, itself, its synonyms and its aliases. ()
    # when nobody knows what was meant: bench.run's own typos and off-topic queries.
    intent: Intent = ()


def intent_of(text: str) -> Intent:
    return tuple(
        frozenset({(term,), *(phrase for phrase, _ in LEXICON.get((term,), ()))})
        for term in analyze(text)
    )


def misspelled(text: str, seed: int) -> str:
    """`text` with one typo in its longest word of FUZZY_FROM letters or more: two inner
    letters swapped (odd seeds) or one dropped (even ones); as it was when no word is long
    enough."""
    words = text.split()
    long_enough = [at for at, word in enumerate(words) if len(word) >= FUZZY_FROM]
    if not long_enough:
        return text
    at = max(long_enough, key=lambda n: len(words[n]))
    word = words[at]
    cut = 1 + seed % (len(word) - 3)  # the first letter and the last stay: they rarely go wrong
    if seed % 2 and word[cut] != word[cut + 1]:
        words[at] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
    else:
        words[at] = word[:cut] + word[cut + 1 :]
    return " ".join(words)


def make_cases(asked: Sequence[str], known: Collection[str]) -> list[Case]:
    """The queries sorted into kinds by the facts' vocabulary (`known`, our index terms), every
    fifth well-spelled one given a typo, and the lexicon's words the facts never use added:
    each is found only through a synonym or an alias ("shipments" where facts say "sent")."""
    found: list[Case] = []
    spelled = 0
    for text in asked:
        terms = analyze(text)
        unknown = [term for term in terms if term not in known]
        if terms and not unknown:
            spelled += 1
            typo = misspelled(text, spelled)
            # A typo that is another known word ("tank" for "tanks") is not one.
            if spelled % 5 == 0 and any(t not in known for t in analyze(typo)):
                found.append(Case(typo, "misspelled", intent_of(text)))
            else:
                found.append(
                    Case(text, "exact" if len(terms) == 1 else "multi-word", intent_of(text))
                )
        elif unknown and all((term,) in LEXICON for term in unknown):
            found.append(Case(text, "synonym", intent_of(text)))
        else:
            found.append(Case(text, "unknown word"))
    asked_already = {case.query.lower() for case in found}
    for group in (*SYNONYMS, *ALIASES):
        phrases = {word: analyze(word) or [word] for word in group}
        if not any(all(t in known for t in terms) for terms in phrases.values()):
            continue  # no fact uses any of its words: nothing to find
        for word, terms in phrases.items():
            if word not in asked_already and any(t not in known for t in terms):
                found.append(Case(word, "synonym", intent_of(word)))
    return found


# --- the engines ------------------------------------------------------------------------------


class Fts5:
    """SQLite FTS5 in memory: porter stemming over unicode61, ranked by bm25, each query word
    quoted (no FTS syntax errors) and the words ORed."""

    def __init__(self, facts: Sequence[tuple[int, str]]) -> None:
        started = time.perf_counter()
        self.db = sqlite3.connect(":memory:")
        # Contentless: the engine answers with fact ids, as ours does, so it keeps no copy of
        # the texts; its size is then its index alone.
        self.db.execute(
            "CREATE VIRTUAL TABLE facts USING fts5(text, content='', tokenize='porter unicode61')"
        )
        with self.db:
            self.db.executemany("INSERT INTO facts (rowid, text) VALUES (?, ?)", facts)
            # Merged into one b-tree, as a static index would be before serving.
            self.db.execute("INSERT INTO facts (facts) VALUES ('optimize')")
        self.build_seconds = time.perf_counter() - started
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.size = int(pages) * int(self.db.execute("PRAGMA page_size").fetchone()[0])

    def search(self, text: str, limit: int = LIMIT) -> list[int]:
        # A word of punctuation only ("—") would be an empty phrase: left out.
        quoted = [
            '"' + w.replace('"', '""') + '"' for w in text.split() if any(map(str.isalnum, w))
        ]
        if not quoted:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM facts WHERE facts MATCH ? ORDER BY rank LIMIT ?",
            (" OR ".join(quoted), limit),
        )
        return [int(row[0]) for row in rows]

    def close(self) -> None:
        self.db.close()


class Tantivy:
    """Tantivy in a temporary folder, its text field analysed by en_stem: asked with each query
    term a fuzzy term query, or (`exact_first`) a BM25 term query when the term is indexed."""

    def __init__(self, facts: Sequence[tuple[int, str]]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="bench-tantivy-"))
        started = time.perf_counter()
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, fast=True)
        builder.add_text_field("text", tokenizer_name="en_stem")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(self.folder))
        writer = self.index.writer()  # its default heap, and a thread per core
        for fact_id, text in facts:
            document = tantivy.Document()
            document.add_integer("id", fact_id)
            document.add_text("text", text)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.build_seconds = time.perf_counter() - started
        self.size = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())
        # Query.fuzzy_term_query takes a term as indexed: the query is analysed as en_stem
        # analyses the facts (simple tokens, long ones dropped, lower-cased, English stemmer).
        self.analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("english"))
            .build()
        )

    def _term(self, term: str, exact_first: bool) -> tantivy.Query:
        if exact_first and self.searcher.doc_freq("text", term) > 0:
            return tantivy.Query.term_query(self.schema, "text", term)
        distance = 1 if len(term) >= FUZZY_FROM else 0
        return tantivy.Query.fuzzy_term_query(self.schema, "text", term, distance)

    def search(self, text: str, limit: int = LIMIT, *, exact_first: bool = False) -> list[int]:
        terms = list(dict.fromkeys(self.analyzer.analyze(text)))
        if not terms:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self._term(term, exact_first)) for term in terms]
        )
        hits = self.searcher.search(query, limit).hits
        ids = self.searcher.fast_field_values("id", [address for _, address in hits])
        return [int(i) for i in ids if i is not None]

    def search_exact_first(self, text: str, limit: int = LIMIT) -> list[int]:
        return self.search(text, limit, exact_first=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def ours_built(
    facts: Sequence[tuple[int, str]], texts: Sequence[str], surface: dict[str, str]
) -> tuple[float, float, int]:
    """Our index built from the stored terms as the loader builds it: its seconds, the seconds
    analysing the texts into those terms takes (done at ingest, so not in the first), and the
    bytes the built index holds, by tracemalloc (a second build: tracing slows the first)."""
    started = time.perf_counter()
    SearchIndex.build(facts, surface)
    seconds = time.perf_counter() - started
    stem.cache_clear()  # analysed cold, as a first ingest does
    started = time.perf_counter()
    for text in texts:
        " ".join(analyze(text))
    analysis = time.perf_counter() - started
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        index = SearchIndex.build(facts, surface)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del index
    return seconds, analysis, held


# --- measuring --------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """One engine's answers to the cases, in their order, and the milliseconds each took."""

    name: str
    found: list[list[int]]
    ms: list[float]


def timed(name: str, search: Callable[[str], list[int]], cases: Sequence[Case]) -> Run:
    for case in cases[:WARM_UP]:
        search(case.query)
    run = Run(name, [], [])
    for case in cases:
        started = time.perf_counter()
        run.found.append(search(case.query)[:LIMIT])
        run.ms.append((time.perf_counter() - started) * 1000)
    return run


async def ours_timed(desk: Desk, cases: Sequence[Case]) -> Run:
    """/facts as a reader gets it, timed as bench/run.py times it."""
    for case in cases[:WARM_UP]:
        await facts(desk, case.query)
    run = Run("ours /facts", [], [])
    for case in cases:
        started = time.perf_counter()
        answer = await facts(desk, case.query)
        run.ms.append((time.perf_counter() - started) * 1000)
        run.found.append([hit.id for hit in answer.hits] if isinstance(answer, FactsAnswer) else [])
    return run


def shortlist(desk: Desk) -> Callable[[str], list[int]]:
    """Our index alone, as /facts asks it: the query read, then the posting lists scored; no
    fact read from the database, no ranking of their texts, no citations."""

    def search(text: str) -> list[int]:
        with desk.reading() as snapshot:
            return snapshot.index.shortlist(snapshot.index.parse(text), 60)

    return search


def spread(values: Sequence[float]) -> str:
    return f"{percentile(list(values), 0.5):.2f} / {percentile(list(values), 0.95):.2f} ms"


def by_kind(cases: Sequence[Case], values: Sequence[float | None], show: str) -> str:
    """A figure per kind of query ("exact 0.80, multi 0.65, ..."); `show` formats a list of the
    kind's values, None ones left out."""
    parts = []
    for kind in KINDS:
        mine = [v for case, v in zip(cases, values, strict=True) if case.kind == kind]
        kept = [v for v in mine if v is not None]
        parts.append(f"{SHORT[kind]} {show_values(kept, show)}")
    return ", ".join(parts)


def show_values(values: list[float], show: str) -> str:
    if not values:
        return "-"
    if show == "p95":
        return f"{percentile(values, 0.95):.2f}"
    return f"{sum(values) / len(values):.2f}"


def agreement(ours: Sequence[list[int]], theirs: Sequence[list[int]]) -> list[float | None]:
    """Per query, the share of our top 5 in theirs; None where we found nothing, which a share
    cannot say: those are counted apart."""
    return [
        len(set(mine[:TOP]) & set(other[:TOP])) / len(mine[:TOP]) if mine else None
        for mine, other in zip(ours, theirs, strict=True)
    ]


class Topics:
    """Whether a fact is on a query's topic: it holds, for every word meant, the word or one of
    its synonyms or aliases. Read with our analysis, which favours ours a little; the synonyms
    are the lexicon's, which is the point of asking them."""

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts
        self.terms: dict[int, frozenset[str]] = {}

    def holds(self, fact_id: int, intent: Intent) -> bool:
        terms = self.terms.get(fact_id)
        if terms is None:
            terms = self.terms[fact_id] = frozenset(analyze(self.texts.get(fact_id, "")))
        return all(any(terms.issuperset(p) for p in alternatives) for alternatives in intent)

    def shares(self, cases: Sequence[Case], found: Sequence[list[int]]) -> list[float | None]:
        """Per query, the share of the top 5 on its topic (an empty answer scores 0); None for
        a query nobody knows the meaning of."""
        return [
            sum(self.holds(i, case.intent) for i in ids[:TOP]) / TOP if case.intent else None
            for case, ids in zip(cases, found, strict=True)
        ]


def mean(values: Iterable[float | None]) -> str:
    kept = [v for v in values if v is not None]
    return f"{sum(kept) / len(kept):.2f}" if kept else "-"


async def live_facts(store: Store, column: str) -> list[tuple[int, str]]:
    rows = await store.live.rows(LIVE_FACTS.format(column))
    return [(int(row[0]), str(row[1])) for row in rows]


async def compare(
    store: Store,
    desk: Desk,
    queries: list[str],
    *,
    dev_seeds: Path | None = DEV_SEEDS,
    dev_cases: Path = DEV_CASES,
) -> list[tuple[str, str, str]]:
    """Tantivy and FTS5 beside our index on `store`'s facts, asked `queries` (sorted into kinds,
    one in five well-spelled ones misspelled, the lexicon's synonyms added): rows of (measure,
    value, note). With `dev_seeds`, also the dev eval set on a store of those articles."""
    documents = await live_facts(store, "text")
    stored_terms = await live_facts(store, "terms")
    surface = {
        str(term): str(word)
        for term, word in await store.live.rows("SELECT term, surface FROM search_terms")
    }
    ours_seconds, analysis, ours_bytes = ours_built(
        stored_terms, [text for _, text in documents], surface
    )
    fts5, engine = Fts5(documents), Tantivy(documents)
    try:
        with desk.reading() as snapshot:
            known = set(snapshot.index.df)
        cases = make_cases(queries, known)
        ours = await ours_timed(desk, cases)
        runs = [
            timed("ours shortlist", shortlist(desk), cases),
            timed("FTS5 bm25", fts5.search, cases),
            timed("Tantivy fuzzy", engine.search, cases),
            timed("Tantivy term, else fuzzy", engine.search_exact_first, cases),
        ]
        built = (
            f"{ours_seconds:.2f} s (+{analysis:.2f} s analysis) / {fts5.build_seconds:.2f} s"
            f" / {engine.build_seconds:.2f} s"
        )
        sizes = f"{ours_bytes / 1e6:.1f} / {fts5.size / 1e6:.1f} / {engine.size / 1e6:.1f} MB"
    finally:
        fts5.close()
        engine.close()
    counts = ", ".join(f"{SHORT[k]} {sum(c.kind == k for c in cases)}" for k in KINDS)
    rows = [
        ("engines: facts / queries", f"{len(documents):,} / {len(cases)}", counts),
        (
            "engines: index build, ours / FTS5 / Tantivy",
            built,
            f"ours from stored terms, analysed at ingest; Tantivy on {os.cpu_count()} cores",
        ),
        (
            "engines: index size, ours / FTS5 / Tantivy",
            sizes,
            "tracemalloc, retained; page_count * page_size; files",
        ),
    ]
    for run in (ours, *runs):
        rows.append(
            (f"{run.name}: p50 / p95", spread(run.ms), "p95 " + by_kind(cases, run.ms, "p95"))
        )
    for run in runs[1:]:
        shares = agreement(ours.found, run.found)
        nothing = [i for i, found in enumerate(ours.found) if not found]
        answered = sum(bool(run.found[i]) for i in nothing)
        rows.append(
            (
                f"{run.name}: top-5 agreement with ours",
                mean(shares),
                by_kind(cases, shares, "mean")
                + f"; answers {answered} of the {len(nothing)} we find nothing for",
            )
        )
    topics = Topics(dict(documents))
    for run in (ours, *runs[1:]):
        shares = topics.shares(cases, run.found)
        rows.append((f"{run.name}: top 5 on topic", mean(shares), by_kind(cases, shares, "mean")))
    if dev_seeds is not None:
        rows += await dev_eval(dev_seeds, dev_cases)
    return rows


async def dev_eval(seeds: Path, path: Path) -> list[tuple[str, str, str]]:
    """The dev eval set on a store of its own articles, scored for every engine by the rule of
    `newsdesk eval`: a wanted text in the top k, or, for expect_none, no answer at all."""
    cases = read_cases(path)
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "dev.sqlite3")
        try:
            report = await store.load_folder(seeds)
            assert not report.failed, report.summary()
            desk = Desk(store, SeedsFolder(seeds, ZoneInfo("Europe/Kyiv"), 2_000_000))
            documents = await live_facts(store, "text")
            texts = dict(documents)
            fts5, engine = Fts5(documents), Tantivy(documents)
            searches: dict[str, Callable[[str], list[int]]] = {
                "FTS5 bm25": fts5.search,
                "Tantivy fuzzy": engine.search,
                "Tantivy term, else fuzzy": engine.search_exact_first,
            }
            answers: dict[str, list[list[str] | None]] = {name: [] for name in searches}
            answers["ours /facts"] = []
            try:
                for case in cases:
                    answer = await facts(desk, case["query"])
                    if isinstance(answer, FactsAnswer):
                        answers["ours /facts"].append([hit.text for hit in answer.hits])
                    else:  # NothingFound, the honest "no"; a UserError is a miss all the same
                        answers["ours /facts"].append(
                            [] if isinstance(answer, NothingFound) else None
                        )
                    for name, search in searches.items():
                        answers[name].append([texts[i] for i in search(case["query"])])
            finally:
                fts5.close()
                engine.close()
        finally:
            await store.close()
    rows = []
    for name, found in answers.items():
        missed = [
            c["query"] for c, texts_ in zip(cases, found, strict=True) if not passes(c, texts_)
        ]
        rows.append(
            (
                f"{name}: dev eval passed",
                f"{len(cases) - len(missed)} / {len(cases)}",
                "missed: " + ", ".join(missed) if missed else "",
            )
        )
    return rows


def passes(case: dict[str, object], texts: list[str] | None) -> bool:
    """bot/cli.py's rule: expect_none wants an empty answer; otherwise a wanted text, folded,
    is in one of the top k (3 unless told)."""
    if texts is None:
        return False
    if case.get("expect_none"):
        return not texts
    k = case.get("k", 3)
    wanted = case["expect_any"]
    assert isinstance(k, int)
    assert isinstance(wanted, list)
    top = [normalise(text) for text in texts[:k]]
    return any(normalise(str(w)) in text for w in wanted for text in top)


async def measure(count: int, workdir: Path) -> list[tuple[str, str, str]]:
    """The store and queries bench/run.py makes for `count` articles (the same generator, seed
    and order), compared."""
    rng = random.Random(20241119)
    seeds = workdir / "seeds"
    seeds.mkdir()
    for number in range(count):
        (seeds / f"{number:06}.txt").write_text(article(rng, number), "utf-8")
    store = await Store.open(workdir / "bench.sqlite3")
    try:
        report = await store.load_folder(seeds)
        assert not report.failed, report.summary()
        desk = Desk(store, SeedsFolder(seeds, ZoneInfo("Europe/Kyiv"), 2_000_000))
        desk.prepare()
        return await compare(store, desk, make_queries(rng, 300))
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles to load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = asyncio.run(measure(args.articles, Path(folder)))
    print(f"| measure | {args.articles:,} articles | note |")
    print("| --- | --- | --- |")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")


if __name__ == "__main__":
    main()
