"""Settings: one frozen, typed object read from the environment and an optional `.env` file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

T = TypeVar("T")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
UTC = ZoneInfo("UTC")
KYIV = ZoneInfo("Europe/Kyiv")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message is one line for the operator."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r} is not valid: expected {expected}")
        self.name = name
        self.value = value
        self.expected = expected


@dataclass(frozen=True, slots=True)
class Settings:
    # The token is kept out of repr() so that logging the settings never leaks it.
    discord_token: str | None = field(default=None, repr=False)
    db_path: Path = Path("newsdesk.sqlite3")
    seeds_dir: Path = Path("seeds")
    max_file_bytes: int = 2 * 1024 * 1024
    dev_guild_id: int | None = None
    moderator_role: str = "Moderator"
    digest_channel_id: int | None = None
    digest_time: time = time(8, 0)
    digest_timezone: ZoneInfo = UTC
    digest_skip_empty: bool = False
    article_timezone: ZoneInfo = KYIV
    log_level: str = "INFO"
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    feed_poll_minutes: int = 10
    fetch_timeout: int = 20
    fetch_max_bytes: int = 5 * 1024 * 1024
    # For tests only: they serve pages on 127.0.0.1, which a bot must never fetch from.
    fetch_allow_loopback: bool = False

    @property
    def has_token(self) -> bool:
        return bool(self.discord_token)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Read the settings; variables already in the environment win over the `.env` file.

    Empty values count as unset, so `DEV_GUILD_ID=` in `.env` means "no dev guild".
    Raises ConfigError for the first value that cannot be used.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    raw = {k: v.strip() for k, v in values.items() if v.strip()}
    defaults = Settings()

    def get(name: str, parse: Callable[[str, str], T], default: T) -> T:
        return parse(name, raw[name]) if name in raw else default

    return Settings(
        discord_token=raw.get("DISCORD_TOKEN"),
        db_path=Path(raw.get("NEWSDESK_DB", defaults.db_path)),
        seeds_dir=Path(raw.get("NEWSDESK_SEEDS", defaults.seeds_dir)),
        max_file_bytes=get("NEWSDESK_MAX_FILE_BYTES", _positive, defaults.max_file_bytes),
        dev_guild_id=get("DEV_GUILD_ID", _snowflake, None),
        moderator_role=raw.get("MODERATOR_ROLE", defaults.moderator_role),
        digest_channel_id=get("DIGEST_CHANNEL_ID", _snowflake, None),
        digest_time=get("DIGEST_TIME", _clock_time, defaults.digest_time),
        digest_timezone=get("DIGEST_TIMEZONE", _zone, defaults.digest_timezone),
        digest_skip_empty=get("DIGEST_SKIP_EMPTY", _flag, defaults.digest_skip_empty),
        article_timezone=get("ARTICLE_TIMEZONE", _zone, defaults.article_timezone),
        log_level=get("LOG_LEVEL", _log_level, defaults.log_level),
        discord_api_base=get("DISCORD_API_BASE", _url(("http", "https")), None),
        discord_gateway_url=get("DISCORD_GATEWAY_URL", _url(("ws", "wss")), None),
        feed_poll_minutes=get("FEED_POLL_MINUTES", _minutes, defaults.feed_poll_minutes),
        fetch_timeout=get("FETCH_TIMEOUT_SECONDS", _seconds, defaults.fetch_timeout),
        fetch_max_bytes=get("FETCH_MAX_BYTES", _positive, defaults.fetch_max_bytes),
        fetch_allow_loopback=get(
            "FETCH_ALLOW_LOOPBACK_FOR_TESTS", _flag, defaults.fetch_allow_loopback
        ),
    )


def _positive(name: str, value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise ConfigError(name, value, "a whole number of bytes above 0, e.g. 2097152")
    return int(value)


def _minutes(name: str, value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1440:
        raise ConfigError(name, value, "a whole number of minutes from 1 to 1440, e.g. 10")
    return int(value)


def _seconds(name: str, value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 300:
        raise ConfigError(name, value, "a whole number of seconds from 1 to 300, e.g. 20")
    return int(value)


def _snowflake(name: str, value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 2**64:
        raise ConfigError(name, value, "a Discord id: digits only, e.g. 123456789012345678")
    return int(value)


_CLOCK = re.compile(r"(\d{1,2})[:.h](\d{2})")


def parse_clock_time(text: str) -> time | None:
    """A 24-hour time of day written HH:MM (or H:MM, HH.MM); None when it is not one."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _clock_time(name: str, value: str) -> time:
    parsed = parse_clock_time(value)
    if parsed is None:
        raise ConfigError(name, value, "a 24-hour time HH:MM between 00:00 and 23:59, e.g. 08:30")
    return parsed


_FLAGS = {"1": True, "true": True, "yes": True, "on": True}
_FLAGS |= {"0": False, "false": False, "no": False, "off": False}


def _flag(name: str, value: str) -> bool:
    if value.lower() not in _FLAGS:
        raise ConfigError(name, value, "true or false")
    return _FLAGS[value.lower()]


def _zone(name: str, value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(name, value, "an IANA time zone name, e.g. Europe/Kyiv or UTC") from None


def _log_level(name: str, value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(name, value, "one of " + ", ".join(LOG_LEVELS))
    return level


def _url(schemes: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(name: str, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.netloc:
            example = f"{schemes[0]}://127.0.0.1:8080"
            raise ConfigError(name, value, f"a {' or '.join(schemes)} URL, e.g. {example}")
        return value.rstrip("/")

    return parse
