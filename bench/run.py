"""Benchmark the fact desk on N synthetic articles in the seed's layout: every figure with its
target, at each size asked for, so the cost's growth shows.

    .venv/bin/python -m bench.run --articles 1000,10000,100000

Reports ingest rate, reload of an unchanged folder, start-up and RSS of a fresh serving process,
one new article's time to be searchable, /facts, /timeline, /who and autocomplete latency, next
to a naive rapidfuzz scan and, side by side on the same facts and queries, Tantivy and SQLite
FTS5 (bench/engines.py). "met" is read at the largest size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process, utils

from bot.config import Settings
from bot.desk import Desk, SeedsFolder
from bot.desk.facts import FactsAnswer, facts
from bot.desk.timeline import timeline
from bot.desk.who import who
from bot.digest import Digest, Digests, DigestSettings, compose, digest_messages
from bot.digest.schedule import encode
from bot.store import Document, Store
from bot.store import loader as loader_module

LEADERS = [
    "Vladimir Putin",
    "Kim Jong Un",
    "Volodymyr Zelenskyy",
    "Shin Won-sik",
    "Olaf Scholz",
    "Emmanuel Macron",
    "Recep Erdogan",
    "Xi Jinping",
    "Andrzej Duda",
    "Keir Starmer",
]
COUNTRIES = [
    "North Korea",
    "South Korea",
    "Russia",
    "Ukraine",
    "Poland",
    "Germany",
    "France",
    "the United States",
    "China",
    "Turkey",
    "Iran",
    "Belarus",
    "Moldova",
    "Japan",
]
ITEMS = [
    "containers",
    "artillery shells",
    "drones",
    "missiles",
    "tanks",
    "howitzers",
    "rifles",
    "armoured vehicles",
    "air defence systems",
    "tonnes of grain",
    "generators",
    "trucks",
]
VERBS = ["sent", "delivered", "supplied", "transferred", "promised", "ordered", "produced"]
OUTLETS = ["Interfax", "Reuters", "RIA Novosti", "TASS", "Yonhap", "Ukrinform", "Suspilne"]
TOPICS = [
    "energy",
    "grain",
    "sanctions",
    "ceasefire",
    "talks",
    "elections",
    "refugees",
    "loans",
    "railways",
    "ports",
    "prisoners",
    "reconstruction",
    "mobilisation",
    "corruption",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ro",
    "vi",
    "sha",
    "tor",
    "zen",
    "pol",
    "dar",
    "kiv",
    "bel",
    "gor",
    "mun",
    "tsk",
    "ya",
    "sk",
    "ov",
    "yn",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def place(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def article(rng: random.Random, number: int) -> str:
    leader, other = rng.sample(LEADERS, 2)
    country, partner = rng.sample(COUNTRIES, 2)
    item, topic = rng.choice(ITEMS), rng.choice(TOPICS)
    town = place(rng)
    when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 900_000))
    title = f"{leader} says {country} {rng.choice(VERBS)} {item} to {partner} amid {topic} row"

    def figure() -> str:
        qualifier = rng.choice(["about", "over", "at least", "up to", "nearly", ""])
        return f"{qualifier} {rng.randint(2, 90) * 100:,} {rng.choice(ITEMS)}".strip()

    background = [
        f"In {rng.choice(MONTHS)}, {rng.choice(COUNTRIES)} reported that {country} has "
        f"{rng.choice(VERBS)} {figure()} to {partner} near {place(rng)}."
        for _ in range(10)
    ]
    return "\n".join(
        [
            "Support Us",
            "",
            title,
            "",
            f"{when:%A}, {when.day} {when:%B %Y, %H:%M}",
            title,
            f"{leader}. Photo: {rng.choice(OUTLETS)}",
            "",
            f"{leader} has said that {country} {rng.choice(VERBS)} {figure()} to {partner}, "
            f"and that talks on {topic} in {town} would continue (article {number}).",
            "",
            f"Source: {rng.choice(OUTLETS)}; news agency {rng.choice(OUTLETS)}",
            "",
            f"Details: {leader} said that {topic} was the main subject of the meeting with "
            f"{other} in {town}.",
            "",
            "Advertisement:",
            "",
            f'The {partner} side also discussed {rng.choice(TOPICS)}. "We will not accept '
            f'any {rng.choice(TOPICS)} without {rng.choice(TOPICS)}", he said.',
            "",
            "Previously:",
            "",
            f"  • On {when.day} {when:%B}, {other} said {partner} needed {figure()}.",
            f"  • {country} and {partner} signed an agreement on {rng.choice(TOPICS)} in "
            f"{place(rng)}.",
            "",
            "Background:",
            "",
            *[f"  • {line}" for line in background],
            "",
            "Support UP or become our patron!",
        ]
    )


def queries(rng: random.Random, count: int) -> list[str]:
    pool = [*TOPICS, *ITEMS, *LEADERS, *COUNTRIES, "shipments", "pact", "DPRK", "ammunition"]
    found = []
    for _ in range(count):
        word = rng.choice(pool)
        roll = rng.random()
        if roll < 0.2 and len(word) > 5:  # a typo
            cut = rng.randrange(1, len(word) - 1)
            word = word[:cut] + word[cut + 1 :]
        elif roll < 0.35:
            word = f"{word} {rng.choice(pool)}"
        elif roll < 0.4:
            word = rng.choice(["weather forecast", "football results", "stock prices"])
        found.append(word)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@contextmanager
def timed_grouping() -> Iterator[list[float]]:
    """Time spent grouping stories in the loads inside the block, as the one value of the list
    it gives; the loader's own function is back afterwards."""
    spent = [0.0]
    group = loader_module.group_stories

    async def timed_group(*args: Any) -> None:
        started = time.perf_counter()
        try:
            await group(*args)
        finally:
            spent[0] += time.perf_counter() - started

    loader_module.group_stories = timed_group  # type: ignore[assignment]
    try:
        yield spent
    finally:
        loader_module.group_stories = group


# The peak is read from /proc (VmHWM, this process's own memory) and not from getrusage: Linux
# carries ru_maxrss across exec, so a process started by this large one would report its size.
SERVE_CODE = """
import asyncio, re, sys, time
from pathlib import Path
from zoneinfo import ZoneInfo
from bot.desk import Desk, SeedsFolder
from bot.desk.facts import facts
from bot.store import Store
async def main():
    started = time.perf_counter()
    store = await Store.open(sys.argv[1])
    desk = Desk(store, SeedsFolder(Path(sys.argv[2]), ZoneInfo("Europe/Kyiv"), 2_000_000))
    desk.prepare()
    ready = time.perf_counter() - started
    for query in ("containers", "shipments", "Kim Jong Un", "sanctions"):
        await facts(desk, query)
    await store.close()
    status = open("/proc/self/status").read()
    print(ready, int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024)
asyncio.run(main())
"""


def serving(db: Path, seeds: Path) -> tuple[float, float]:
    """A fresh process that opens the store as the bot does (snapshot, index, autocomplete
    built) and answers a few questions: its start-up in seconds and its peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-c", SERVE_CODE, str(db), str(seeds)],
        check=True,
        capture_output=True,
        text=True,
    )
    ready, rss = done.stdout.split()
    return float(ready), float(rss)


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure: how it reads, and whether it met its target (None: no target)."""

    name: str
    text: str
    target: str = ""
    met: bool | None = None


def timed_ms(values: list[float]) -> tuple[float, float]:
    return percentile(values, 0.5), percentile(values, 0.95)


def p95_figure(name: str, values: list[float], limit: float | None) -> Figure:
    p50, p95 = timed_ms(values)
    target = f"p95 <= {limit:g} ms" if limit is not None else ""
    return Figure(
        name, f"{p50:.1f} / {p95:.1f} ms", target, None if limit is None else p95 <= limit
    )


NAIVE_LIMIT = 10_000  # above this, a naive scan takes minutes a query: not run


async def one_new_article(store: Store, desk: Desk, rng: random.Random) -> float:
    """Seconds from a new article's load to its facts answering: the index updated, not
    rebuilt."""
    text = article(rng, 999_999).replace("talks on", "talks on zeppelinfuel")
    document = Document("bench:new", text.encode(), "upload", "new.txt", "text/plain")
    started = time.perf_counter()
    await store.load_documents([document], label="bench")
    answer = await facts(desk, "zeppelinfuel")
    seconds = time.perf_counter() - started
    assert isinstance(answer, FactsAnswer), answer.text()
    return seconds


async def measure(count: int, workdir: Path, *, engines: bool) -> list[Figure]:
    rng = random.Random(20241119)
    seeds = workdir / "seeds"
    seeds.mkdir()
    for number in range(count):
        (seeds / f"{number:06}.txt").write_text(article(rng, number), "utf-8")
    db = workdir / "bench.sqlite3"

    store = await Store.open(db)
    try:
        figures = await measure_open(store, count, seeds, engines=engines)
    finally:
        await store.close()
    startup, rss = serving(db, seeds)
    return [
        *figures[:3],
        Figure("start-up on the existing store", f"{startup:.2f} s", "<= 3 s", startup <= 3),
        *figures[3:],
        Figure("serving RSS (a fresh process)", f"{rss:.0f} MB", "<= 500 MB", rss <= 500),
    ]


async def measure_open(store: Store, count: int, seeds: Path, *, engines: bool) -> list[Figure]:
    rng = random.Random(20241120)
    with timed_grouping() as grouping:
        started = time.perf_counter()
        report = await store.load_folder(seeds)
        ingest = time.perf_counter() - started
    grouped = grouping[0]
    assert not report.failed, report.summary()
    fact_count = store.snapshot.index.fact_count
    started = time.perf_counter()
    await store.load_folder(seeds)
    reload = time.perf_counter() - started

    desk = Desk(store, SeedsFolder(seeds, ZoneInfo("Europe/Kyiv"), 2_000_000))
    desk.prepare()
    asked = queries(rng, 300)
    timings, answered = [], 0
    for query in asked:
        started = time.perf_counter()
        answer = await facts(desk, query)
        timings.append((time.perf_counter() - started) * 1000)
        answered += isinstance(answer, FactsAnswer)
    timelines = []
    for query in asked[:100]:
        started = time.perf_counter()
        await timeline(desk, query)
        timelines.append((time.perf_counter() - started) * 1000)
    profiles = []
    for name in [rng.choice(LEADERS).split()[-1] for _ in range(100)]:
        started = time.perf_counter()
        await who(desk, name)
        profiles.append((time.perf_counter() - started) * 1000)
    prefixes = [q[: rng.randint(1, max(1, len(q)))] for q in asked]
    completions = []
    for prefix in prefixes:
        for option in ("topic", "article", "name"):
            started = time.perf_counter()
            desk.complete(option, prefix)
            completions.append((time.perf_counter() - started) * 1000)
    naive: list[float] = []
    if count <= NAIVE_LIMIT:
        texts = [str(row[0]) for row in await store.live.rows("SELECT text FROM facts")]
        for query in asked[:20]:
            started = time.perf_counter()
            process.extract(
                query, texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=10
            )
            naive.append((time.perf_counter() - started) * 1000)
        del texts
    compared: list[tuple[str, str, str]] = []
    if engines:
        # Imported here: bench.engines builds its articles with this module's generator.
        from bench.engines import compare

        compared = await compare(store, desk, asked)
    searchable = await one_new_article(store, desk, rng)
    digest_seconds, digest_messages_count, idle_round_ms = await measure_digest(store)
    rate = count / ingest
    figures = [
        Figure("articles / facts", f"{count:,} / {fact_count:,}"),
        Figure(
            "ingest",
            f"{rate:,.0f} articles/s ({ingest:.1f} s)",
            ">= 1,000 articles/s",
            rate >= 1000,
        ),
        Figure("reload, unchanged folder", f"{reload:.2f} s", "<= 3 s", reload <= 3),
        Figure(
            "one new article searchable", f"{searchable * 1000:.0f} ms", "<= 1 s", searchable <= 1
        ),
        p95_figure("/facts p50 / p95", timings, 5),
        Figure("/facts answered / nothing found", f"{answered} / {len(asked) - answered}"),
        p95_figure("/timeline p50 / p95", timelines, 20),
        p95_figure("/who p50 / p95", profiles, 20),
        Figure(
            "autocomplete p95 (topic, article, name)",
            f"{percentile(completions, 0.95):.1f} ms",
            "<= 20 ms",
            percentile(completions, 0.95) <= 20,
        ),
        Figure("story grouping, share of ingest", f"{grouped:.2f} s ({grouped / ingest:.0%})"),
        Figure(
            "digest of every article: compose and split",
            f"{digest_seconds * 1000:.0f} ms, {digest_messages_count} messages",
        ),
        Figure("digest loop, idle minute with 1,000 servers p95", f"{idle_round_ms:.2f} ms"),
        Figure(
            "naive process.extract scan p50 / p95",
            "{:.0f} / {:.0f} ms".format(*timed_ms(naive))
            if naive
            else "not run above 10,000 articles",
            "(for comparison)",
        ),
    ]
    return figures + [Figure(name, text, target) for name, text, target in compared]


async def measure_digest(store: Store) -> tuple[float, int, float]:
    """A digest of every loaded article (30 in full, the rest by headline), and one minute of
    the loop with 1,000 servers whose time has not come."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    digest = await compose(store, since=now - timedelta(days=365), until=now, zone=ZoneInfo("UTC"))
    messages = digest_messages(digest)
    seconds = time.perf_counter() - started
    later = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    for guild in range(1, 1001):
        values = {"channel_id": guild, "at": encode("at", later), "zone": "UTC"}
        await store.digests.save_settings(guild, values, updated_by=None)
    digests = Digests(store, DigestSettings.defaults(Settings()))

    async def never(channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        raise AssertionError("nothing is due")

    guilds = list(range(1, 1001))
    await digests.run_due(guilds, never)  # reads the schedules once
    rounds = []
    for _ in range(100):
        started = time.perf_counter()
        await digests.run_due(guilds, never)
        rounds.append((time.perf_counter() - started) * 1000)
    return seconds, len(messages), percentile(rounds, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles",
        default="10000",
        help="article counts, comma-separated: one column each (e.g. 1000,10000,100000)",
    )
    parser.add_argument(
        "--no-engines", action="store_true", help="leave out the Tantivy and FTS5 comparison"
    )
    args = parser.parse_args()
    counts = [int(part.replace("_", "")) for part in args.articles.split(",")]
    columns: list[list[Figure]] = []
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            columns.append(asyncio.run(measure(count, Path(folder), engines=not args.no_engines)))
        print(f"measured {count:,} articles", file=sys.stderr, flush=True)
    print("| measure | " + " | ".join(f"{c:,} articles" for c in counts) + " | target | met |")
    print("| --- |" + " --- |" * (len(counts) + 2))
    for row, first in enumerate(columns[0]):
        values = " | ".join(column[row].text for column in columns)
        last = columns[-1][row]
        met = "" if last.met is None else ("yes" if last.met else "NO")
        print(f"| {first.name} | {values} | {first.target} | {met} |")


if __name__ == "__main__":
    main()
