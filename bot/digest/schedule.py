"""When each server's digest goes out: its settings (its own values over the defaults), the
instant of a local time across daylight saving, and time zones by name or city."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from bot.config import Settings, parse_clock_time
from bot.desk import UserError
from bot.fuzzy import LOOKALIKE, Choice, Completer, NoMatch, Picker, key
from bot.store import DigestDay

# What a server may set; what it has not set comes from the defaults when read.
SETTABLE = ("channel_id", "at", "zone", "enabled", "skip_empty", "schedule_from")


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """One server's digest: the values its moderators set, over the defaults from the
    settings, merged when read (so a default changed later reaches the servers that kept it)."""

    guild_id: int
    channel_id: int | None
    at: time
    zone: ZoneInfo
    enabled: bool
    skip_empty: bool
    schedule_from: datetime | None  # slots before this instant were set too late to be posted
    configured: bool  # False: every value is a default

    @classmethod
    def defaults(cls, settings: Settings) -> DigestSettings:
        """What a server that has set nothing gets: DIGEST_* from the settings."""
        return cls(
            0,
            settings.digest_channel_id,
            settings.digest_time,
            settings.digest_timezone,
            True,
            settings.digest_skip_empty,
            None,
            False,
        )

    def merged(
        self,
        guild_id: int,
        stored: Mapping[str, Any] | None,
        channel_guild: Callable[[int], int | None],
    ) -> DigestSettings:
        """A server's settings: its stored values over these defaults. The default channel
        serves only the server it is in."""
        channel = self.channel_id
        if channel is not None and channel_guild(channel) != guild_id:
            channel = None
        values: dict[str, Any] = {"channel_id": channel}
        values |= {name: decode(name, raw) for name, raw in (stored or {}).items()}
        return dataclasses.replace(self, guild_id=guild_id, configured=bool(stored), **values)

    @property
    def active(self) -> bool:
        return self.enabled and self.channel_id is not None

    def local_date(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def slot(self, day: date) -> datetime:
        return slot(day, self.at, self.zone)

    def due_date(self, now: datetime) -> date | None:
        """The local day whose digest is due at `now`: today once its time has come (and
        until the day ends, which is the catch-up after downtime), unless the schedule was set
        after today's time."""
        if not self.active:
            return None
        today = self.local_date(now)
        at = self.slot(today)
        if now < at or (self.schedule_from is not None and at < self.schedule_from):
            return None
        return today

    def next_post(self, now: datetime, days: Mapping[date, DigestDay]) -> datetime | None:
        """When the next digest goes out; `now` when today's is due and not yet out. `days`:
        the days already claimed from today on (after a change of zone, even tomorrow's may be)."""
        if not self.active:
            return None
        local_today = self.local_date(now)
        today = days.get(local_today)
        if today is not None:
            if today.status == "failed" and today.next_attempt_at is not None:
                return max(today.next_attempt_at, now)
        elif self.due_date(now) is not None:
            return now
        else:
            at = self.slot(local_today)
            if now < at and (self.schedule_from is None or at >= self.schedule_from):
                return at
        following = local_today + timedelta(days=1)
        while following in days:
            following += timedelta(days=1)
        return self.slot(following)


def encode(name: str, value: Any) -> Any:
    """A setting's value as the store keeps it: JSON."""
    if value is None:
        return None
    if name == "at":
        return f"{value:%H:%M}"
    if name == "zone":
        return value.key
    if name == "schedule_from":
        return value.astimezone(UTC).isoformat()
    return value


def decode(name: str, raw: Any) -> Any:
    if raw is None:
        return None
    if name == "at":
        parsed = parse_clock_time(str(raw))
        assert parsed is not None  # written by encode()
        return parsed
    if name == "zone":
        return ZoneInfo(str(raw))
    if name == "schedule_from":
        return datetime.fromisoformat(str(raw))
    return raw


def slot(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant the clocks of `zone` show `at` on `day`, in UTC.

    Across daylight saving this is what a reader expects: 08:00 stays 08:00 by the local clock.
    In the autumn's repeated hour it is the first pass; in the spring's skipped hour, the time
    an hour on (02:30 on a day that jumps from 02:00 to 03:00 is 03:30), as PEP 495 reads it,
    unless that is the next day.
    """
    instant = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).date() != day:
        # A skipped hour just before midnight: an hour on would be the next day, so an hour
        # earlier by the clock instead, still on its own day.
        instant = datetime.combine(day, at, tzinfo=zone).replace(fold=1).astimezone(UTC)
    return instant


# --- Time zones ---------------------------------------------------------------------------------

_ZONE_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC", "kiev": "Europe/Kyiv"}
_LEGACY_ZONES = ("Etc/", "SystemV/", "US/", "posix", "right/", "Factory")


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zones a moderator would pick from: Region/City names, and UTC."""
    names = {n for n in available_timezones() if "/" in n and not n.startswith(_LEGACY_ZONES)}
    return ("UTC", *sorted(names))


@cache
def _zone_picker() -> Picker:
    """Zones by their name in any case, an alias, or a city only one zone is named after
    ("kyiv", "new york"); never a guess, for a wrong zone posts at the wrong hour."""
    names = zone_names()
    cities: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        cities.setdefault(key(name.rsplit("/", 1)[-1]), []).append(position)
    also = {city: found[0] for city, found in cities.items() if len(found) == 1}
    also |= {alias: names.index(zone) for alias, zone in _ZONE_ALIASES.items()}
    return Picker(names, also=also, guesses=False)


@cache
def _zone_completer() -> Completer:
    return Completer([Choice(name, name) for name in zone_names()], cutoff=LOOKALIKE)


def zone_named(text: str) -> ZoneInfo | UserError:
    """An IANA zone from what a moderator typed; anything else gets suggestions."""
    wanted = " ".join(text.split())
    found = _zone_picker().pick(wanted)
    if isinstance(found, NoMatch):
        return UserError(f"“{wanted}” is not a time zone I know.", tuple(complete_zone(wanted)[:3]))
    return ZoneInfo(zone_names()[found])


def complete_zone(text: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: a name or city starting with the text, then close ones."""
    return [choice.value for choice in _zone_completer().complete(text, limit)]
