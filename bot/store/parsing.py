"""Reading the seeds folder and parsing its files: hashed, refused with a reason, parsed by the
extractor in worker processes that die with their parent."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import multiprocessing
import multiprocessing.connection
import os
import stat
import threading
import time
from collections.abc import AsyncGenerator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from bot.articles import ExtractionError, extract_bytes
from bot.articles.html import HTML_SUFFIXES, extract_page
from bot.store.article_rows import ArticleRows, article_rows

ACCEPTED_SUFFIXES = (".txt", ".md", *HTML_SUFFIXES)
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
PROCESS_POOL_THRESHOLD = 64  # files to parse before worker processes pay for their start-up
PARSE_CHUNK = 64
# A file whose parse takes longer fails as "too complex", so one pathological file cannot hold
# a load (and the moderator waiting on it) for long; a real article takes milliseconds.
PARSE_TIME_LIMIT = 5.0


# A file's size and modification time (ns): when both are as they were, it is the same file.
FileStat = tuple[int, int]
# A file changed within this long before it is read may change again without its time
# changing (timestamps have a coarse tick): its stat is not kept, and the next load reads it.
RACY_NS = 2_000_000_000


def trusted(info: os.stat_result, now_ns: int) -> FileStat | None:
    """The file's stat, when a later change would show in it."""
    return (info.st_size, info.st_mtime_ns) if info.st_mtime_ns < now_ns - RACY_NS else None


class Parsed(NamedTuple):
    """A file parsed: its article as rows to write, or why it could not be read (a tuple, as
    it comes back from a worker process)."""

    file_name: str
    content_hash: str
    rows: ArticleRows | None
    error: str | None
    stat: FileStat | None = None  # the file's, as it was read (None: not a folder's file)


def parse_file(
    file_name: str,
    data: bytes,
    content_hash: str,
    zone: str,
    html: bool = False,
    url: str | None = None,
) -> Parsed:
    """One file's article, as the rows the store writes; a page (`html`) is read as a page,
    `url` being where it came from."""
    timezone = ZoneInfo(zone)
    try:
        if html:
            article = extract_page(data, url=url, timezone=timezone, time_limit=PARSE_TIME_LIMIT)
        else:
            article = extract_bytes(data, timezone=timezone, time_limit=PARSE_TIME_LIMIT)
    except ExtractionError as error:
        return Parsed(file_name, content_hash, None, str(error))
    return Parsed(file_name, content_hash, article_rows(article), None)


Origin = Literal["folder", "link", "upload", "feed"]


@dataclass(frozen=True, slots=True)
class Document:
    """An article that did not come from the seeds folder: a fetched page or an uploaded file,
    kept in the store as it came. `key` names it in the store, as a file name does a file."""

    key: str
    data: bytes
    origin: Origin
    address: str  # where it was fetched from, or the uploaded file's name
    content_type: str  # text/html, text/plain, text/markdown
    url: str | None = None  # the page's address, for an article whose text gives none

    @property
    def html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")


@dataclass(slots=True)
class Candidate:
    """A file, or a stored or fetched page, to be parsed unless it is unchanged."""

    file_name: str
    path: Path | None
    data: bytes | None = None
    content_hash: str | None = None
    reason: str | None = None
    html: bool = False
    url: str | None = None
    stat: FileStat | None = None  # as listed, when it can be trusted


class FolderUnavailable(FileNotFoundError):
    """The seeds folder does not exist, or is not a folder."""


def hashed(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_folder(
    folder: Path, max_bytes: int, known: Mapping[str, tuple[FileStat, str]] | None = None
) -> list[Candidate]:
    """The article files directly in `folder`, hashed; refusals carry their reason. A file
    whose size and time are as `known` says (file name -> stat and hash) is not read: its
    hash is the known one."""
    known = known or {}
    now_ns = time.time_ns()
    if folder.exists() and not folder.is_dir():
        raise FolderUnavailable(f"the seeds folder {folder} is a file, not a folder")
    if not folder.is_dir():
        raise FolderUnavailable(f"the seeds folder {folder} does not exist")
    root = folder.resolve()
    found: list[Candidate] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if not entry.name.lower().endswith(ACCEPTED_SUFFIXES) or entry.name.startswith("."):
            continue
        candidate = Candidate(entry.name, path, html=entry.name.lower().endswith(HTML_SUFFIXES))
        found.append(candidate)
        try:
            if entry.is_symlink() and path.resolve().parent != root:
                candidate.reason = "a link to a file outside the seeds folder; not followed"
                continue
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                candidate.reason = "not a regular file"
                continue
            if info.st_size > max_bytes:
                candidate.reason = (
                    f"too large: {info.st_size:,} bytes, the limit is {max_bytes:,} bytes"
                )
                continue
            candidate.stat = trusted(info, now_ns)
            previous = known.get(entry.name)
            if previous is not None and previous[0] == (info.st_size, info.st_mtime_ns):
                candidate.content_hash = previous[1]
                continue
            candidate.content_hash = hashed(read_capped(path, info.st_size, max_bytes))
        except (OSError, TooLarge) as error:
            candidate.reason = refusal(error)
    return found


class TooLarge(ValueError):
    """A file grew past the size limit after it was listed."""


def read_capped(path: Path, size: int, max_bytes: int) -> bytes:
    """The file's bytes, `size` being what stat() said; TooLarge when it has grown past
    `max_bytes` since.

    The read asks for the size stat() gave, not for the limit: a 2 MB request for each small
    file leaves the allocator one memory mapping per file, and a process has 65,530 at most.
    """
    with path.open("rb") as handle:
        data = handle.read(size + 1)
        if len(data) > size:  # it grew since stat()
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise TooLarge(f"too large: over the limit of {max_bytes:,} bytes")
    return data


def refusal(error: OSError | TooLarge) -> str:
    if isinstance(error, TooLarge):
        return str(error)
    return f"cannot be read: {error.strerror or error}"


async def parse_all(
    candidates: list[Candidate], zone: str, max_bytes: int
) -> AsyncGenerator[list[Parsed], None]:
    """Parsed files in chunks, as they are ready: in worker processes when there are many."""
    jobs: list[Job] = [
        (
            c.file_name,
            str(c.path) if c.data is None and c.path is not None else None,
            c.data,
            c.content_hash or "",
            zone,
            c.html,
            c.url,
            max_bytes,
        )
        for c in candidates
    ]
    for candidate in candidates:
        candidate.data = None  # the jobs hold the bytes now; let them go as chunks finish
    chunks = [jobs[i : i + PARSE_CHUNK] for i in range(0, len(jobs), PARSE_CHUNK)]
    if len(jobs) < PROCESS_POOL_THRESHOLD:
        for chunk in chunks:
            yield await asyncio.to_thread(parse_chunk, chunk)
        return
    loop = asyncio.get_running_loop()
    workers = os.cpu_count() or 1
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=exit_with_parent
    )
    try:
        # A few chunks in flight keep the workers busy; more would hold thousands of parsed
        # articles in memory while the writer catches up.
        waiting = iter(chunks)
        running = [
            loop.run_in_executor(executor, parse_chunk, chunk)
            for chunk in itertools.islice(waiting, workers * 2)
        ]
        while running:
            yield await running.pop(0)
            following = next(waiting, None)
            if following is not None:
                running.append(loop.run_in_executor(executor, parse_chunk, following))
    finally:
        # Never wait here, on the event loop: a stopped load leaves chunks in flight, and the
        # workers exit by themselves once those are done.
        executor.shutdown(wait=False, cancel_futures=True)


def exit_with_parent() -> None:
    """In a parse worker: exit as soon as the process that started it is gone, also when it was
    killed with SIGKILL, which runs none of its clean-up."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(
        target=watch, args=(parent.sentinel,), name="watch-parent", daemon=True
    ).start()


# A file is named by its path and read by the process that parses it, so a load of a big
# folder never holds every file's bytes at once; a page comes with its bytes.
Job = tuple[str, str | None, bytes | None, str, str, bool, str | None, int]


def parse_chunk(jobs: list[Job]) -> list[Parsed]:
    return [parse_job(*job) for job in jobs]


def parse_job(
    file_name: str,
    path: str | None,
    data: bytes | None,
    content_hash: str,
    zone: str,
    html: bool,
    url: str | None,
    max_bytes: int,
) -> Parsed:
    if data is not None:
        return parse_file(file_name, data, content_hash, zone, html, url)
    assert path is not None
    try:
        file = Path(path)
        info = file.stat()  # before the read: a change after it shows as a changed stat
        data = read_capped(file, info.st_size, max_bytes)
    except (OSError, TooLarge) as error:
        return Parsed(file_name, content_hash, None, refusal(error))
    # What is parsed is what is stored: a file changed since it was hashed is kept with the
    # hash of the version read here, and the next load sees it as it is.
    parsed = parse_file(file_name, data, hashed(data), zone, html, url)
    return parsed._replace(stat=trusted(info, time.time_ns()))
