"""The `newsdesk` command line: run the bot, or use the same commands offline."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.articles import ExtractionError, extract_bytes, utc_now
from bot.config import ConfigError, Settings, load_settings
from bot.console import CONSOLE_COMMANDS, Console, drive, greeting
from bot.desk import COMMANDS, CONSOLE, CommandSpec, Desk, SeedsFolder, UserError
from bot.desk.facts import FactsAnswer, NothingFound, facts
from bot.desk.feeds import feed_add, feed_list, feed_poll, feed_remove, feed_status
from bot.desk.ingest import ingest_upload, ingest_url, read_start
from bot.desk.moderation import report_text
from bot.desk.service import Web
from bot.digest import FIRST_LOOKBACK, DigestPreview, Digests, DigestSettings, compose
from bot.logs import setup_logging
from bot.store import LoadReport, Requester, Store, StoreError
from bot.text import normalise

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="A newsroom bot for Discord, and its offline console."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def with_store(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument("--db", type=Path, help="SQLite file (default: NEWSDESK_DB)")
        command.add_argument("--seeds", type=Path, help="article folder (default: NEWSDESK_SEEDS)")
        return command

    sub.add_parser(
        "run", help="run the Discord bot (the offline console when DISCORD_TOKEN is not set)"
    )
    with_store(sub.add_parser("console", help="answer slash commands typed or piped in"))
    parse = sub.add_parser("parse", help="show what the extractor understands of an article file")
    parse.add_argument("file", type=Path, help="an article text file")
    parse.add_argument("--json", action="store_true", help="print JSON instead of text")
    ingest = with_store(
        sub.add_parser(
            "ingest",
            help="load the article folder into the store; or, given them, article files (.txt, "
            ".md, .html) or a link",
        )
    )
    ingest.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="article files to add, kept in the store",
    )
    ingest.add_argument("--url", action="append", default=[], help="an article's web address")
    ingest.add_argument(
        "--prune",
        action="store_true",
        help="go ahead when the load removes every stored article, or more than half of them",
    )
    feed = with_store(sub.add_parser("feed", help="the RSS and Atom feeds articles arrive by"))
    feed_sub = feed.add_subparsers(dest="action", metavar="ACTION", required=True)
    feed_sub.add_parser("add", help="follow a feed, and load its articles now").add_argument(
        "url", help="the feed's address"
    )
    feed_sub.add_parser("list", help="the feeds followed")
    feed_sub.add_parser("remove", help="stop following a feed; its articles stay").add_argument(
        "feed", help="its number in the list, or its address"
    )
    feed_sub.add_parser("status", help="each feed's last fetch, last new entry and last error")
    feed_sub.add_parser("poll", help="poll every feed now, as the bot does every few minutes")
    feed.add_argument("--json", action="store_true", help="print JSON instead of text")
    ask = with_store(sub.add_parser("ask", help="answer one command, e.g. '/facts shipments'"))
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("line", metavar="COMMAND", help="the command, or - to read one per line")
    sync = sub.add_parser("sync", help="publish the slash commands to Discord (rate limited)")
    sync.add_argument("--guild", type=int, help="a server id: publish there only, at once")
    digest = with_store(sub.add_parser("digest", help="print what a daily digest would post"))
    digest.add_argument(
        "--preview",
        action="store_true",
        required=True,
        help="print it here; only the bot posts digests",
    )
    digest.add_argument(
        "--since",
        metavar="DATE",
        help="cover articles added or updated after this date (YYYY-MM-DD, or an ISO date and "
        "time) in DIGEST_TIMEZONE; default: the last 24 hours",
    )
    digest.add_argument("--json", action="store_true", help="print JSON instead of text")
    evaluate = with_store(sub.add_parser("eval", help="score /facts against a query file"))
    evaluate.add_argument("file", type=Path, help="a .jsonl file of queries and expectations")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`newsdesk parse FILE | head`): stop quietly, and keep Python
        # from failing again on flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"newsdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
    # In the terminal, progress logs would bury the answers; the bot itself logs at LOG_LEVEL.
    quiet = args.command != "run" or not settings.has_token
    setup_logging("WARNING" if quiet and settings.log_level == "INFO" else settings.log_level)
    db = getattr(args, "db", None) or settings.db_path
    seeds = getattr(args, "seeds", None) or settings.seeds_dir
    try:
        match args.command:
            case "run":
                return run(settings)
            case "parse":
                return parse(args.file, settings, as_json=args.json)
            case "console":
                return console_main(settings, db, seeds)
            case "ingest" if args.files or args.url:
                return asyncio.run(ingest_pages(settings, db, seeds, args.files, args.url))
            case "ingest":
                return asyncio.run(ingest(settings, db, seeds, prune=args.prune))
            case "feed":
                return asyncio.run(feed_command(settings, db, seeds, args))
            case "ask":
                return asyncio.run(ask(settings, db, seeds, args.line, as_json=args.json))
            case "eval":
                return asyncio.run(evaluate(settings, db, seeds, args.file))
            case "digest":
                return asyncio.run(digest_preview(settings, db, seeds, args.since, args.json))
            case "sync":
                return sync(settings, args.guild)
    except KeyboardInterrupt:
        return EXIT_OK
    except (StoreError, FileNotFoundError, QueryFileError) as error:
        print(f"newsdesk: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_USAGE


def run(settings: Settings) -> int:
    if not settings.has_token:
        print(
            "newsdesk: DISCORD_TOKEN is not set, so starting the offline console (type /help).",
            file=sys.stderr,
        )
        return console_main(settings, settings.db_path, settings.seeds_dir)
    from bot.chat.run import run_bot  # imported here so the console never loads discord.py

    return run_bot(settings)


def sync(settings: Settings, guild_id: int | None) -> int:
    if not settings.has_token:
        print("newsdesk: sync needs DISCORD_TOKEN", file=sys.stderr)
        return EXIT_USAGE
    from bot.chat.run import sync_commands

    return sync_commands(settings, guild_id)


def parse(path: Path, settings: Settings, *, as_json: bool) -> int:
    try:
        article = extract_bytes(path.read_bytes(), timezone=settings.article_timezone)
    except OSError as error:
        print(f"newsdesk: cannot read {path}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    except ExtractionError as error:
        print(f"newsdesk: {path}: {error}", file=sys.stderr)
        return EXIT_FAILED
    if as_json:
        print(json.dumps(article.to_json(), ensure_ascii=False, indent=2))
    else:
        print(article.to_text())
    return EXIT_OK


def seeds_folder(settings: Settings, seeds: Path) -> SeedsFolder:
    return SeedsFolder(seeds, settings.article_timezone, settings.max_file_bytes)


@asynccontextmanager
async def open_desk(
    settings: Settings,
    db: Path,
    seeds: Path,
    *,
    sync: bool,
    by: Requester,
    commands: tuple[CommandSpec, ...] | None = None,
) -> AsyncIterator[Desk]:
    """The store, loaded from the seeds when it is empty (or always, with `sync`); what the
    load did is said on stderr, for no entry point may change the store silently."""
    store = await Store.open(db)
    try:
        folder = seeds_folder(settings, seeds)
        if sync or not store.snapshot.articles:
            try:
                report = await store.load_folder(
                    seeds,
                    timezone=folder.timezone,
                    max_bytes=folder.max_bytes,
                    by=by,
                )
            except FileNotFoundError as error:
                print(f"newsdesk: {error}; answering from the articles stored", file=sys.stderr)
            else:
                print(f"newsdesk: {load_line(report)}", file=sys.stderr)
        web = Web.from_settings(settings)
        yield Desk(store, folder, commands or COMMANDS, web=web)
    finally:
        await store.close()


def load_line(report: LoadReport) -> str:
    """What a start-up load did, in one line."""
    if report.refused is not None:
        return (
            f"did not load {report.folder}: {report.refused}. To remove those articles, type "
            "/reload allow_removals:true in the console, or run newsdesk ingest --prune"
        )
    return f"loaded {report.folder}: {report.summary()}"


def console_main(settings: Settings, db: Path, seeds: Path) -> int:
    """The console on one event loop; the loop that reads the lines is in the main thread."""
    with asyncio.Runner() as runner:
        opened = contextlib.AsyncExitStack()
        desk = runner.run(
            opened.enter_async_context(
                open_desk(settings, db, seeds, sync=True, by=CONSOLE, commands=CONSOLE_COMMANDS)
            )
        )
        try:
            digests = Digests(desk.store, DigestSettings.defaults(settings))
            if sys.stdin.isatty() and sys.stdout.isatty():
                print(greeting(desk))
            return drive(runner, Console(desk, digests), sys.stdin, sys.stdout)
        finally:
            runner.run(opened.aclose())


async def ingest(settings: Settings, db: Path, seeds: Path, *, prune: bool) -> int:
    store = await Store.open(db)
    try:
        report = await store.load_folder(
            seeds,
            timezone=settings.article_timezone,
            max_bytes=settings.max_file_bytes,
            by=Requester("newsdesk ingest"),
            allow_removals=prune,
        )
    finally:
        await store.close()
    print(report_text(report, removals="run newsdesk ingest --prune"))
    return EXIT_FAILED if report.failed else EXIT_OK


async def ingest_pages(
    settings: Settings, db: Path, seeds: Path, files: list[Path], urls: list[str]
) -> int:
    """Add article files and pages, each kept in the store (not in the seeds folder); exit 1
    when any of them could not be added."""
    by = Requester("newsdesk ingest")
    failed = False
    async with open_desk(settings, db, seeds, sync=False, by=by) as desk:
        for path in files:
            try:
                data = await asyncio.to_thread(read_start, path, desk.seeds.max_bytes + 1)
            except OSError as error:
                print(f"newsdesk: cannot read {path}: {error.strerror}", file=sys.stderr)
                failed = True
                continue
            answer = await ingest_upload(desk, path.name, data, by=by)
            failed = failed or isinstance(answer, UserError)
            print(answer.text(), flush=True)
        for url in urls:
            answer = await ingest_url(desk, url, by=by)
            failed = failed or isinstance(answer, UserError)
            print(answer.text(), flush=True)
    return EXIT_FAILED if failed else EXIT_OK


async def feed_command(settings: Settings, db: Path, seeds: Path, args: argparse.Namespace) -> int:
    """`newsdesk feed add|list|remove|status|poll`, as /feed answers them."""
    by = Requester("newsdesk feed")
    async with open_desk(settings, db, seeds, sync=False, by=by) as desk:
        match args.action:
            case "add":
                answer = await feed_add(desk, args.url, by=by)
            case "remove":
                answer = await feed_remove(desk, args.feed)
            case "status":
                answer = await feed_status(desk)
            case "poll":
                answer = await feed_poll(desk)
            case _:
                answer = await feed_list(desk)
    print(json.dumps(answer.json(), ensure_ascii=False) if args.json else answer.text())
    return EXIT_FAILED if isinstance(answer, UserError) else EXIT_OK


async def ask(settings: Settings, db: Path, seeds: Path, line: str, *, as_json: bool) -> int:
    """Answer each command; exit 1 when any of them could not be answered."""
    failed = False
    async with open_desk(settings, db, seeds, sync=False, by=Requester("newsdesk ask")) as desk:
        lines = sys.stdin if line == "-" else [line]
        for command in lines:
            if not command.strip():
                continue
            started = time.perf_counter()
            try:
                answer = await desk.answer_line(command, by=Requester("newsdesk ask"))
            except Exception as error:
                # One command's bug must not stop a batch: say so in a line, and go on.
                log.debug("%r failed", command, exc_info=True)
                print(f"newsdesk: {command.strip()!r} failed: {error!r}", file=sys.stderr)
                failed = True
                continue
            elapsed_ms = (time.perf_counter() - started) * 1000
            failed = failed or isinstance(answer, UserError)
            if as_json:
                body: dict[str, Any] = {"command": command.strip(), **answer.json()}
                body["elapsed_ms"] = round(elapsed_ms, 3)
                print(json.dumps(body, ensure_ascii=False), flush=True)
            else:
                print(answer.text(), flush=True)
    return EXIT_FAILED if failed else EXIT_OK


def parse_since(text: str, zone: ZoneInfo) -> datetime | None:
    """A date (its midnight) or a date and time, read in `zone` unless it names its offset."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


async def digest_preview(
    settings: Settings, db: Path, seeds: Path, since_text: str | None, as_json: bool
) -> int:
    zone = settings.digest_timezone
    since = None
    if since_text is not None:
        since = parse_since(since_text, zone)
        if since is None:
            print(
                f"newsdesk: --since {since_text!r} is not a date: expected YYYY-MM-DD or "
                "YYYY-MM-DDTHH:MM",
                file=sys.stderr,
            )
            return EXIT_USAGE
    async with open_desk(settings, db, seeds, sync=False, by=Requester("newsdesk digest")) as desk:
        now = utc_now()  # after a first load, so that what it loaded counts
        since = since or now - FIRST_LOOKBACK
        digest = await compose(desk.store, since=since, until=now, zone=zone)
    answer = DigestPreview(digest)
    print(json.dumps(answer.json(), ensure_ascii=False, indent=2) if as_json else answer.text())
    return EXIT_OK


class QueryFileError(ValueError):
    """The query file of `newsdesk eval` cannot be read; the message says where and why."""


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a JSON Lines query file, each with its "query" and what to expect."""
    if path.is_dir():
        raise QueryFileError(f"{path} is a folder, not a query file (.jsonl)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise QueryFileError(f"cannot read {path}: {error.strerror}") from None
    if b"\x00" in data:
        raise QueryFileError(f"{path} is binary, not a JSON Lines query file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QueryFileError(f"{path} is not UTF-8 text") from None
    cases = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as error:
            raise QueryFileError(f"{path} line {number} is not JSON: {error.msg}") from None
        if not isinstance(case, dict) or not isinstance(case.get("query"), str):
            raise QueryFileError(f'{path} line {number} has no "query" string')
        if not case.get("expect_none") and not isinstance(case.get("expect_any"), list):
            raise QueryFileError(
                f'{path} line {number} says neither "expect_any" (a list) nor "expect_none"'
            )
        cases.append(case)
    return cases


async def evaluate(settings: Settings, db: Path, seeds: Path, path: Path) -> int:
    """Score /facts on a query file: each line a query and what its top k must hold."""
    cases = await asyncio.to_thread(read_cases, path)
    misses = 0
    async with open_desk(settings, db, seeds, sync=True, by=Requester("newsdesk eval")) as desk:
        for case in cases:
            answer = await facts(desk, case["query"])
            texts = [hit.text for hit in answer.hits] if isinstance(answer, FactsAnswer) else []
            if case.get("expect_none"):
                ok = isinstance(answer, NothingFound)
                wanted = "nothing"
            else:
                top = [normalise(t) for t in texts[: case.get("k", 3)]]
                ok = any(normalise(w) in t for w in case["expect_any"] for t in top)
                wanted = " or ".join(repr(w) for w in case["expect_any"])
                wanted += f" in the top {case.get('k', 3)}"
            if not ok:
                misses += 1
                print(f"MISS {case['query']!r}: wanted {wanted}")
                for number, text in enumerate(texts[:5], 1):
                    print(f"     {number}. {text[:120]}")
    passed = len(cases) - misses
    print(f"{passed} passed, {misses} failed")
    return EXIT_OK if misses == 0 else EXIT_FAILED
