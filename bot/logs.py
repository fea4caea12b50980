"""Logging set-up for every entry point: one stderr handler on the root logger, set once."""

from __future__ import annotations

import logging
import sys

_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
_HANDLER_NAME = "newsdesk"


def setup_logging(level: str = "INFO") -> None:
    """Log to stderr at `level`; calling it again only changes the level.

    Like discord.utils.setup_logging, but for the whole process, so that our modules and
    discord.py's share one format and one level.
    """
    root = logging.getLogger()
    root.setLevel(level)
    if any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(_FORMAT, "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(one_line_reconnects)
    root.addHandler(handler)


def one_line_reconnects(record: logging.LogRecord) -> bool:
    """discord.py logs each try to reconnect to the gateway with the whole traceback of why;
    an operator needs the why, in the same line, and a warning: it is tried again."""
    error = record.exc_info[1] if record.exc_info else None
    reconnect = str(record.msg).startswith("Attempting a reconnect")
    if record.name == "discord.client" and reconnect and error is not None:
        record.msg = f"{record.getMessage()} after {type(error).__name__}: {error}"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
    return True
