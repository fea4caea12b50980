"""Benchmark the fact desk on N synthetic articles in the seed's layout.

    .venv/bin/python -m bench.run --articles 10000

Reports ingest rate, reload of an unchanged folder, start-up on an existing store, /facts p50/p95,
autocomplete p95 and peak RSS, next to a naive rapidfuzz scan over the same facts.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import subprocess
import sys
import tempfile
import time
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
from bot.store import Store
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


def _time_grouping() -> list[float]:
    """Time spent keying and grouping stories in the loads from now on: its total, in a list
    the caller pops."""
    spent = [0.0]
    keys, group = loader_module.story_keys, loader_module.group_stories

    def timed_keys(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return keys(*args)
        finally:
            spent[0] += time.perf_counter() - started

    async def timed_group(*args: Any) -> None:
        started = time.perf_counter()
        try:
            await group(*args)
        finally:
            spent[0] += time.perf_counter() - started

    loader_module.story_keys = timed_keys  # type: ignore[assignment]
    loader_module.group_stories = timed_group  # type: ignore[assignment]
    return spent


def startup_seconds(db: Path) -> float:
    code = (
        "import asyncio, sys\n"
        "from bot.store import Store\n"
        "async def main():\n"
        "    store = await Store.open(sys.argv[1])\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)
    return time.perf_counter() - started


async def measure(count: int, workdir: Path) -> list[tuple[str, str, str]]:
    rng = random.Random(20241119)
    seeds = workdir / "seeds"
    seeds.mkdir()
    for number in range(count):
        (seeds / f"{number:06}.txt").write_text(article(rng, number), "utf-8")
    db = workdir / "bench.sqlite3"

    store = await Store.open(db)
    grouping = _time_grouping()
    started = time.perf_counter()
    report = await store.load_folder(seeds)
    ingest = time.perf_counter() - started
    grouped = grouping.pop()
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
    texts = [str(row[0]) for row in await store.live.rows("SELECT text FROM facts")]
    naive = []
    for query in asked[:20]:
        started = time.perf_counter()
        process.extract(query, texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=10)
        naive.append((time.perf_counter() - started) * 1000)
    digest_seconds, digest_messages_count, idle_round_ms = await measure_digest(store)
    await store.close()
    startup = startup_seconds(db)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    return [
        ("articles / facts", f"{count:,} / {fact_count:,}", ""),
        ("ingest", f"{count / ingest:,.0f} articles/s ({ingest:.1f} s)", ">= 1,000 articles/s"),
        ("reload, unchanged folder", f"{reload:.2f} s", "<= 2 s"),
        ("start-up on the existing store", f"{startup:.2f} s", "<= 2 s"),
        (
            "/facts p50 / p95",
            f"{percentile(timings, 0.5):.1f} / {percentile(timings, 0.95):.1f} ms",
            "p95 <= 5 ms",
        ),
        ("/facts answered / nothing found", f"{answered} / {len(asked) - answered}", ""),
        (
            "/timeline p50 / p95",
            f"{percentile(timelines, 0.5):.1f} / {percentile(timelines, 0.95):.1f} ms",
            "p95 <= 20 ms",
        ),
        (
            "/who p50 / p95",
            f"{percentile(profiles, 0.5):.1f} / {percentile(profiles, 0.95):.1f} ms",
            "p95 <= 20 ms",
        ),
        (
            "story grouping, share of ingest",
            f"{grouped:.2f} s ({grouped / ingest:.0%})",
            "<= 20%",
        ),
        (
            "autocomplete p95 (topic, article, name)",
            f"{percentile(completions, 0.95):.1f} ms",
            "<= 20 ms",
        ),
        (
            "peak RSS (bot process / a parse worker)",
            f"{rss:.0f} MB / {workers:.0f} MB",
            "<= 300 MB",
        ),
        (
            "digest of every article: compose and split",
            f"{digest_seconds * 1000:.0f} ms, {digest_messages_count} messages",
            "",
        ),
        ("digest loop, idle minute with 1,000 servers p95", f"{idle_round_ms:.2f} ms", ""),
        (
            "naive process.extract scan p50 / p95",
            f"{percentile(naive, 0.5):.0f} / {percentile(naive, 0.95):.0f} ms",
            "(for comparison)",
        ),
    ]


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
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = asyncio.run(measure(args.articles, Path(folder)))
    print("| measure | result | target |")
    print("| --- | --- | --- |")
    for name, result, target in rows:
        print(f"| {name} | {result} | {target} |")


if __name__ == "__main__":
    main()
