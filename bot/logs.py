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
    root.addHandler(handler)
