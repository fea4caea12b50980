"""Check that parsing an article takes time at most linear in its size, whatever its paragraphs.

    .venv/bin/python -m bench.linearity [--max-bytes 20000] [--runs 5]

For each paragraph shape (real paragraphs from the seed and the test layouts, pathological ones
that made the extractor quadratic or worse, random paragraphs from the articles' vocabulary) it
builds articles holding that shape repeated N = 1, 2, 4, ... times, up to --max-bytes, once as one
long paragraph and once as N paragraphs, and times `extract` on each (the median of --runs).
A shape passes when time(8N) <= 8 * SLACK * time(N) for every N measured; the table shows the
worst ratio. Exit status 1 when any shape fails.

SLACK is 1.5 because a linear parse is not exactly proportional: bisections add a logarithm,
the text outgrows CPU caches as it grows, and the allocator and the timer add noise at small
sizes. A quadratic step shows as a ratio near 64, far beyond it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.articles import ExtractionError, extract
from bot.articles.extraction.tables import SPEECH_VERBS

SLACK = 1.5
GROWTH = 8
REPO = Path(__file__).resolve().parents[1]
REAL_FILES = [
    REPO / "seeds" / "000_cc92a137cd6d6a98.txt",
    *sorted(REPO.glob("tests/data/articles/*.txt")),
]
HEAD = "Officials report on the night's attacks\n\nWednesday, 19 June 2024, 13:03\n\n"
# Each run of a measurement lasts at least this long, so that small articles are timed over
# many parses rather than at the timer's resolution.
MIN_RUN_SECONDS = 0.01
SHOWN = 7  # times shown per row: the largest sizes


@dataclass(frozen=True)
class Shape:
    name: str
    unit: str  # the paragraph, repeated
    joiner: str = " "  # between repeats inside one paragraph


@dataclass(frozen=True)
class Result:
    shape: str
    layout: str
    sizes: list[int]  # bytes of each article
    seconds: list[float]
    worst: float  # the largest time(8N) / time(N)

    @property
    def passed(self) -> bool:
        return self.worst <= GROWTH * SLACK


def real_shapes() -> list[Shape]:
    """The longest paragraph of each real article, and the seed's lines run together."""
    shapes = []
    for path in REAL_FILES:
        lines = [line.strip() for line in path.read_bytes().decode("utf-8-sig").splitlines()]
        longest = max(lines, key=len)
        shapes.append(Shape(f"real: {path.stem[:28]}", longest))
    seed = REAL_FILES[0].read_text("utf-8")
    shapes.append(Shape("real: the seed as one paragraph", " ".join(seed.split())))
    return shapes


def pathological_shapes() -> list[Shape]:
    """Paragraphs of the kinds that stalled the extractor: many clauses, verbs, numbers, quotes."""
    return [
        Shape(
            "speech clauses, no full stop",
            "the head of the district council said that residents of the town had information,",
        ),
        Shape("hundreds of numbers", "about 120 drones and 35 missiles were launched,"),
        Shape("figures with speakers", "Zelenskyy said 7 drones fell, officials reported 12,"),
        Shape("quotes, then he said", '"We hold the line at 5 villages," he said, and'),
        Shape("quotes, then a named speaker", '"We hold 5 lines," mayor Ihor Terekhov said, and'),
        Shape("according to, per clause", "according to local officials 4 drones flew,"),
        Shape("apposition before verbs", "Vadym Filashkin, Head of the Oblast MA, said"),
        Shape("capitalised words", "Joint Chiefs Of Staff Command Centre North South"),
        Shape("hyphenated verbs in names", "Ab-said 5 drones"),
        Shape("one long word", "A" * 64, joiner=""),
        Shape("a run of full stops", "....", joiner=""),
        Shape("spaces and line separators", " \u2028", joiner=""),
        Shape("casino words, no bonus", "casino slots"),
        Shape("sentences with abbreviations", "Mr. Smith met Dr. Jones in the U.S. on Monday."),
    ]


def random_shapes(count: int, seed: int) -> list[Shape]:
    """Paragraphs drawn from the real articles' words, with verbs, numbers and quotes mixed in."""
    rng = random.Random(seed)
    words = sorted({w for path in REAL_FILES for w in path.read_text("utf-8-sig").split()})
    extras = [*SPEECH_VERBS.split("|")[:12], "he", "she", '"', "“", "”", ",", ".", "about 5"]
    shapes = []
    for number in range(count):
        tokens = [rng.choice(extras if rng.random() < 0.2 else words) for _ in range(60)]
        shapes.append(Shape(f"random paragraph {number + 1}", " ".join(tokens)))
    return shapes


def one_paragraph(shape: Shape, repeats: int) -> str:
    return HEAD + shape.joiner.join([shape.unit] * repeats) + "\n"


def many_paragraphs(shape: Shape, repeats: int) -> str:
    return HEAD + "\n\n".join([shape.unit] * repeats) + "\n"


def parse(text: str) -> None:
    # Refusing a pathological text is a result too, and must be as quick.
    with contextlib.suppress(ExtractionError):
        extract(text)


def parse_seconds(texts: list[str], runs: int) -> list[float]:
    """The median time of one parse of each text. Runs go round all the texts in turn, so that a
    busy moment of the machine spreads over every size instead of skewing one ratio."""
    loops = []
    for text in texts:
        start = time.perf_counter()
        parse(text)
        loops.append(max(1, round(MIN_RUN_SECONDS / max(time.perf_counter() - start, 1e-9))))
    timings: list[list[float]] = [[] for _ in texts]
    gc.collect()
    gc.disable()  # a collection landing in one run would be noise, not the parser's cost
    try:
        for _ in range(runs):
            for text, count, times in zip(texts, loops, timings, strict=True):
                start = time.perf_counter()
                for _ in range(count):
                    parse(text)
                times.append((time.perf_counter() - start) / count)
    finally:
        gc.enable()
    return [statistics.median(times) for times in timings]


def measure(
    shape: Shape, layout: str, build: Callable[[Shape, int], str], max_bytes: int, runs: int
) -> Result:
    repeats = [1]
    while len(build(shape, repeats[-1] * 2).encode()) <= max_bytes:
        repeats.append(repeats[-1] * 2)
    texts = [build(shape, n) for n in repeats]
    seconds = parse_seconds(texts, runs)
    ratios = [seconds[i + 3] / seconds[i] for i in range(len(seconds) - 3)]  # 2**3 = GROWTH
    sizes = [len(text.encode()) for text in texts]
    return Result(shape.name, layout, sizes, seconds, max(ratios, default=0.0))


def table(results: list[Result]) -> str:
    lines = [
        f"{'shape':32} {'layout':12} {'bytes':>11}  {'ms per parse, N = 1, 2, 4, ...':56} "
        f"{'8N/N':>5}  verdict",
    ]
    for r in results:
        shown = r.seconds[-SHOWN:]
        times = ("... " if len(r.seconds) > SHOWN else "") + " ".join(
            f"{s * 1000:.3g}" for s in shown
        )
        sizes = f"{r.sizes[0]}-{r.sizes[-1]}"
        verdict = "ok" if r.passed else f"FAIL (> {GROWTH * SLACK:g})"
        lines.append(
            f"{r.shape[:32]:32} {r.layout:12} {sizes:>11}  {times:56} {r.worst:5.2f}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max-bytes", type=int, default=20_000, help="largest article built")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per article (median)")
    parser.add_argument("--random", type=int, default=4, help="random paragraph shapes")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random shapes")
    args = parser.parse_args(argv)

    shapes = [*real_shapes(), *pathological_shapes(), *random_shapes(args.random, args.seed)]
    results = []
    for shape in shapes:
        for layout, build in (("1 paragraph", one_paragraph), ("N paragraphs", many_paragraphs)):
            results.append(measure(shape, layout, build, args.max_bytes, args.runs))
            print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(results))
    failed = [r for r in results if not r.passed]
    print(
        f"\n{len(results) - len(failed)} of {len(results)} passed: time(8N) <= "
        f"{GROWTH} x {SLACK} x time(N) for every N measured, up to {args.max_bytes:,} bytes"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
