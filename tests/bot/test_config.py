"""Settings: defaults, `.env` versus the environment, and one clear line for each bad value."""

import re
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import LOG_LEVELS, ConfigError, Settings, load_settings


def test_defaults_when_nothing_is_set(tmp_path: Path) -> None:
    settings = load_settings({}, env_file=tmp_path / "missing.env")

    assert settings == Settings()
    assert settings.discord_token is None
    assert settings.db_path == Path("newsdesk.sqlite3")
    assert settings.seeds_dir == Path("seeds")
    assert settings.digest_time == time(8, 0)
    assert settings.digest_timezone == ZoneInfo("UTC")
    assert settings.article_timezone == ZoneInfo("Europe/Kyiv")
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None


def test_every_setting_is_read(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DISCORD_TOKEN": "secret-token",
            "NEWSDESK_DB": "/var/lib/newsdesk/db.sqlite3",
            "NEWSDESK_SEEDS": "/srv/articles",
            "DEV_GUILD_ID": "123456789012345678",
            "MODERATOR_ROLE": "Editors",
            "DIGEST_CHANNEL_ID": "223456789012345678",
            "DIGEST_TIME": "7:05",
            "DIGEST_TIMEZONE": "America/New_York",
            "DIGEST_SKIP_EMPTY": "yes",
            "ARTICLE_TIMEZONE": "Europe/London",
            "LOG_LEVEL": "debug",
            "DISCORD_API_BASE": "http://127.0.0.1:8080/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080/gateway",
            "FEED_POLL_MINUTES": "30",
            "FETCH_TIMEOUT_SECONDS": "7",
            "FETCH_MAX_BYTES": "1000000",
            "FETCH_ALLOW_LOOPBACK_FOR_TESTS": "true",
        },
        env_file=None,
    )

    assert settings.discord_token == "secret-token"
    assert settings.db_path == Path("/var/lib/newsdesk/db.sqlite3")
    assert settings.seeds_dir == Path("/srv/articles")
    assert settings.dev_guild_id == 123456789012345678
    assert settings.moderator_role == "Editors"
    assert settings.digest_channel_id == 223456789012345678
    assert settings.digest_time == time(7, 5)
    assert settings.digest_timezone == ZoneInfo("America/New_York")
    assert settings.digest_skip_empty is True
    assert settings.article_timezone == ZoneInfo("Europe/London")
    assert settings.log_level == "DEBUG"
    assert settings.discord_api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.discord_gateway_url == "ws://127.0.0.1:8080/gateway"
    assert settings.feed_poll_minutes == 30
    assert settings.fetch_timeout == 7
    assert settings.fetch_max_bytes == 1_000_000
    assert settings.fetch_allow_loopback is True


def test_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DIGEST_TIME=09:45\nMODERATOR_ROLE='News desk'\n", encoding="utf-8")

    settings = load_settings({}, env_file=env_file)

    assert settings.digest_time == time(9, 45)
    assert settings.moderator_role == "News desk"


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DIGEST_TIME=09:45\nLOG_LEVEL=WARNING\n", encoding="utf-8")

    settings = load_settings({"DIGEST_TIME": "18:00"}, env_file=env_file)

    assert settings.digest_time == time(18, 0)
    assert settings.log_level == "WARNING"


def test_empty_value_means_default(tmp_path: Path) -> None:
    settings = load_settings({"DEV_GUILD_ID": "", "DIGEST_TIME": "  "}, env_file=None)

    assert settings.dev_guild_id is None
    assert settings.digest_time == time(8, 0)


def test_token_is_not_in_repr() -> None:
    settings = load_settings({"DISCORD_TOKEN": "MTIz.secret.token"}, env_file=None)

    assert "MTIz.secret.token" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DIGEST_TIME", "25:00", "24-hour time HH:MM"),
        ("DIGEST_TIME", "8am", "24-hour time HH:MM"),
        ("DIGEST_TIME", "08:60", "24-hour time HH:MM"),
        ("DIGEST_TIMEZONE", "Mars/Base", "IANA time zone name"),
        ("DIGEST_SKIP_EMPTY", "maybe", "true or false"),
        ("ARTICLE_TIMEZONE", "Kyiv", "IANA time zone name"),
        ("DEV_GUILD_ID", "my-guild", "a Discord id"),
        ("DIGEST_CHANNEL_ID", "-5", "a Discord id"),
        ("DEV_GUILD_ID", "0", "a Discord id"),
        ("NEWSDESK_MAX_FILE_BYTES", "2MB", "a whole number of bytes"),
        ("LOG_LEVEL", "LOUD", "one of DEBUG, INFO"),
        ("DISCORD_API_BASE", "127.0.0.1:8080", "http or https URL"),
        ("DISCORD_GATEWAY_URL", "http://127.0.0.1", "ws or wss URL"),
        ("FEED_POLL_MINUTES", "0", "minutes from 1 to 1440"),
        ("FEED_POLL_MINUTES", "1h", "minutes from 1 to 1440"),
        ("FETCH_TIMEOUT_SECONDS", "600", "seconds from 1 to 300"),
        ("FETCH_ALLOW_LOOPBACK_FOR_TESTS", "sure", "true or false"),
    ],
)
def test_bad_value_names_variable_value_and_expectation(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value}, env_file=None)

    message = str(caught.value)
    assert message.startswith(f"{name}={value!r} is not valid: expected ")
    assert expected in message
    assert "\n" not in message


def test_env_example_documents_every_setting_with_its_default() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    source = (Path(__file__).resolve().parents[2] / "bot" / "config.py").read_text("utf-8")
    names_read = set(re.findall(r'"([A-Z][A-Z_]+)"', source)) - {"UTC", *LOG_LEVELS}
    documented = {
        line.split("=", 1)[0]
        for line in example.read_text("utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }

    assert names_read == documented
    assert load_settings({}, env_file=example) == Settings()
