"""What the digest tests share: a clock they move, a channel that records posts, the digest service on a store."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.digest import (
    Digest,
    Digests,
    DigestSettings,
    PostFailed,
)
from bot.store import Store

KYIV = ZoneInfo("Europe/Kyiv")

NEW_YORK = ZoneInfo("America/New_York")

GUILD = 7001

OTHER_GUILD = 7002

CHANNEL = 8001


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, when: datetime) -> None:
        self.now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Channel:
    """Where a digest goes: records each posting, or fails as told."""

    posts: list[Digest] = field(default_factory=list)
    messages: int = 0
    fail_with: str | None = None
    fail_after: int = 0  # messages sent before failing
    skips: list[int] = field(default_factory=list)

    async def __call__(self, channel_id: int, digest: Digest, *, skip: int) -> list[int]:
        self.skips.append(skip)
        if self.fail_with is not None:
            sent = list(range(self.messages + 1, self.messages + 1 + self.fail_after))
            self.messages += self.fail_after
            raise PostFailed(self.fail_with, sent)
        self.posts.append(digest)
        self.messages += 1
        return [self.messages]


def digests_for(store: Store, clock: Clock, *, digest_skip_empty: bool = False) -> Digests:
    settings = Settings(
        digest_channel_id=CHANNEL,
        digest_time=time(8, 0),
        digest_timezone=KYIV,
        digest_skip_empty=digest_skip_empty,
    )
    return Digests(
        store,
        DigestSettings.defaults(settings),
        clock=clock,
        channel_guild=lambda channel: GUILD if channel == CHANNEL else None,
    )


# --- when ---------------------------------------------------------------------------------------
