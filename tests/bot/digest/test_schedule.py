"""When a digest is due: local times across daylight saving, defaults, zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.desk import UserError
from bot.digest import (
    complete_zone,
    slot,
    zone_named,
)
from bot.store import Store
from tests.bot.digest.helpers import (
    CHANNEL,
    GUILD,
    KYIV,
    NEW_YORK,
    OTHER_GUILD,
    Channel,
    Clock,
    digests_for,
)


def test_eight_in_kyiv_stays_eight_across_the_spring_change() -> None:
    assert slot(date(2026, 3, 28), time(8, 0), KYIV) == datetime(2026, 3, 28, 6, 0, tzinfo=UTC)
    assert slot(date(2026, 3, 29), time(8, 0), KYIV) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)


def test_new_york_changes_on_its_own_date() -> None:
    assert slot(date(2026, 3, 7), time(8, 30), NEW_YORK) == datetime(2026, 3, 7, 13, 30, tzinfo=UTC)
    assert slot(date(2026, 3, 8), time(8, 30), NEW_YORK) == datetime(2026, 3, 8, 12, 30, tzinfo=UTC)


def test_a_time_in_the_skipped_hour_comes_an_hour_later_by_the_clock() -> None:
    at = slot(date(2026, 3, 29), time(3, 30), KYIV)  # Kyiv jumps from 03:00 to 04:00
    assert at.astimezone(KYIV).time() == time(4, 30)


def test_a_time_in_the_repeated_hour_is_its_first_pass() -> None:
    at = slot(date(2026, 10, 25), time(3, 30), KYIV)  # 03:00-04:00 happens twice
    assert at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


async def test_nothing_is_due_before_the_time_and_today_is_due_after_it(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    config = await digests.config(GUILD)
    assert config.due_date(datetime(2026, 3, 27, 5, 59, tzinfo=UTC)) is None
    assert config.due_date(datetime(2026, 3, 27, 6, 0, tzinfo=UTC)) == date(2026, 3, 27)
    # Until the day ends in Kyiv: that is the catch-up after downtime.
    assert config.due_date(datetime(2026, 3, 27, 21, 59, tzinfo=UTC)) == date(2026, 3, 27)


async def test_the_default_channel_serves_only_its_own_server(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    assert (await digests.config(GUILD)).channel_id == CHANNEL
    assert (await digests.config(OTHER_GUILD)).channel_id is None
    assert (await digests.config(OTHER_GUILD)).due_date(clock.now + timedelta(hours=5)) is None


async def test_a_time_set_after_it_passed_today_first_comes_tomorrow(
    clocked_store: Store, clock: Clock
) -> None:
    clock.move_to(datetime(2026, 3, 27, 10, 0, tzinfo=KYIV))
    digests = digests_for(clocked_store, clock)
    changed = await digests.configure(GUILD, by=1, change="time", at=time(9, 0))
    assert changed.status.next_post == datetime(2026, 3, 28, 9, 0, tzinfo=KYIV)
    assert await digests.run_due([GUILD], Channel()) == []


# --- zones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("europe/kyiv", "Europe/Kyiv"),
        ("Kyiv", "Europe/Kyiv"),
        ("new york", "America/New_York"),
        ("utc", "UTC"),
    ],
)
def test_a_zone_is_found_by_name_or_city(typed: str, zone: str) -> None:
    found = zone_named(typed)
    assert isinstance(found, ZoneInfo)
    assert found.key == zone


def test_an_unknown_zone_gets_suggestions_not_a_guess() -> None:
    found = zone_named("Europe/Kyev")
    assert isinstance(found, UserError)
    assert "Europe/Kyiv" in found.suggestions


def test_zone_autocomplete_offers_the_city_being_typed_first() -> None:
    choices = complete_zone("kyi")
    assert choices[0] == "Europe/Kyiv"
    assert len(complete_zone("")) == 25
    assert all(len(name) <= 100 for name in complete_zone("a"))
    assert "America/New_York" in complete_zone("new y")


# --- posting once -------------------------------------------------------------------------------


def test_a_skipped_hour_before_midnight_keeps_the_digest_on_its_day() -> None:
    nuuk = ZoneInfo("America/Nuuk")  # its clocks skip from 23:00 to 00:00 on 28 March 2026
    at = slot(date(2026, 3, 28), time(23, 30), nuuk)
    assert at.astimezone(nuuk).date() == date(2026, 3, 28)
    assert at.astimezone(nuuk).time() == time(22, 30)  # an hour earlier, not the next day


# --- failures and changes -----------------------------------------------------------------------


async def test_after_a_move_west_status_skips_a_day_already_posted(
    clocked_store: Store, clock: Clock
) -> None:
    digests = digests_for(clocked_store, clock)
    clock.move_to(datetime(2026, 6, 10, 8, 0, tzinfo=KYIV))
    await digests.run_due([GUILD], Channel())  # the 10th, by Kyiv's calendar
    clock.move_to(datetime(2026, 6, 10, 6, 0, tzinfo=UTC))  # still the 9th in Los Angeles

    changed = await digests.configure(
        GUILD, by=1, change="zone", zone=ZoneInfo("America/Los_Angeles"), at=time(0, 30)
    )

    la = ZoneInfo("America/Los_Angeles")
    assert changed.status.next_post == datetime(2026, 6, 11, 0, 30, tzinfo=la)
