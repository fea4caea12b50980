"""The `newsdesk` command line: run the bot, or use the same commands offline in a console."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.commands import Desk
from bot.config import ConfigError, Settings, load_settings
from bot.extract import ExtractionError, extract_bytes
from bot.logs import setup_logging
from bot.render import article_text, to_text

log = logging.getLogger(__name__)

PROMPT = "newsdesk> "
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="A newsroom bot for Discord, and its offline console."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser(
        "run", help="run the Discord bot (the offline console when DISCORD_TOKEN is not set)"
    )
    sub.add_parser("console", help="answer slash commands typed in the terminal or piped in")
    parse = sub.add_parser("parse", help="show what the extractor understands of an article file")
    parse.add_argument("file", type=Path, help="an article text file")
    parse.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"newsdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(settings.log_level)
    try:
        if args.command == "run":
            return run(settings)
        if args.command == "parse":
            return parse(args.file, settings, as_json=args.json)
        return asyncio.run(console(Desk(), sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        return EXIT_OK


def run(settings: Settings) -> int:
    if not settings.has_token:
        print(
            "newsdesk: DISCORD_TOKEN is not set, so starting the offline console (type /help).",
            file=sys.stderr,
        )
        return asyncio.run(console(Desk(), sys.stdin, sys.stdout))
    from bot.client import run_bot  # imported here so the console never loads discord.py

    return run_bot(settings)


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
        print(article_text(article))
    return EXIT_OK


async def console(desk: Desk, stdin: TextIO, stdout: TextIO) -> int:
    """Answer one command per line until end of input; prompt only when a person is typing."""
    interactive = stdin.isatty() and stdout.isatty()
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            if interactive:
                stdout.write("\n")
            return EXIT_OK
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line in ("/quit", "/exit"):
            return EXIT_OK
        answer = await desk.answer_line(line)
        stdout.write(to_text(answer) + "\n")
        stdout.flush()
