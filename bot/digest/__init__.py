"""The daily digest: each server's schedule in its own time zone (schedule), what a digest says
(compose) and how it is laid out (messages), posting each day once with retries (posting), and
the answers to moderators' /digest commands (answers)."""

from bot.digest.answers import (
    CONSOLE_COMMANDS,
    DigestChanged,
    DigestPosted,
    DigestPreview,
    DigestStatus,
)
from bot.digest.compose import ARTICLES_IN_FULL, FIRST_LOOKBACK, Digest, DigestItem, compose
from bot.digest.messages import DiscordMessage, digest_messages, digest_text
from bot.digest.posting import MAX_ATTEMPTS, RETRY_DELAYS, Digests, Poster, PostFailed
from bot.digest.schedule import DigestSettings, complete_zone, slot, zone_named, zone_names

__all__ = [
    "ARTICLES_IN_FULL",
    "CONSOLE_COMMANDS",
    "FIRST_LOOKBACK",
    "MAX_ATTEMPTS",
    "RETRY_DELAYS",
    "Digest",
    "DigestChanged",
    "DigestItem",
    "DigestPosted",
    "DigestPreview",
    "DigestSettings",
    "DigestStatus",
    "Digests",
    "DiscordMessage",
    "PostFailed",
    "Poster",
    "complete_zone",
    "compose",
    "digest_messages",
    "digest_text",
    "slot",
    "zone_named",
    "zone_names",
]
