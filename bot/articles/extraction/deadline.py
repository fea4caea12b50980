"""When to give up on a file: the per-file time limit, and the error that says a text cannot be
an article."""

from __future__ import annotations

import math
import time


class ExtractionError(ValueError):
    """The input cannot be an article; the message says why, in one line."""


class Deadline:
    """When to give up on one file, checked at loop checkpoints (per block, per match).

    A clock read between steps rather than a signal or a timer thread: parsing runs in worker
    processes and threads of other programs, where neither can interrupt it safely.
    """

    __slots__ = ("_at", "_limit")

    def __init__(self, limit: float | None) -> None:
        if limit is not None and not (limit >= 0 and math.isfinite(limit)):
            raise ValueError(f"time_limit must be a number of seconds, 0 or more, not {limit!r}")
        self._limit = limit if limit is not None else math.inf
        self._at = math.inf if limit is None else time.perf_counter() + limit

    def check(self) -> None:
        if self._at != math.inf and time.perf_counter() >= self._at:
            raise ExtractionError(
                f"too complex to parse: stopped after {_seconds(self._limit)} s, the limit per "
                "file; split the article or shorten its paragraphs"
            )


def _seconds(limit: float) -> str:
    return f"{limit:.1f}" if round(limit, 1) == limit else f"{limit:g}"


_NO_LIMIT = Deadline(None)
