"""The `newsdesk` command line without a Discord token: the console and start-up errors."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import console, main
from bot.commands import Desk

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory without `.env`, and no newsdesk variables in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "NEWSDESK_", "DIGEST_", "DEV_GUILD", "MODERATOR")):
            monkeypatch.delenv(name)
    return tmp_path


def test_run_without_token_says_so_and_answers_help(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/help\n"))

    code = main(["run"])

    out, err = capsys.readouterr()
    assert code == 0
    assert "/help" in out
    assert "DISCORD_TOKEN is not set" in err
    assert len(err.strip().splitlines()) == 1


def test_bad_setting_stops_start_up_with_one_line(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIGEST_TIMEZONE", "Mars/Base")

    code = main(["run"])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == (
        "newsdesk: DIGEST_TIMEZONE='Mars/Base' is not valid: "
        "expected an IANA time zone name, e.g. Europe/Kyiv or UTC\n"
    )


def test_bad_setting_in_env_file_is_reported(
    no_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (no_settings / ".env").write_text("DEV_GUILD_ID=general\n", encoding="utf-8")

    assert main(["console"]) == 2
    assert "DEV_GUILD_ID='general'" in capsys.readouterr().err


async def test_console_reports_unknown_commands_and_keeps_going() -> None:
    stdout = io.StringIO()

    code = await console(Desk(), io.StringIO("/nonsense\nhello\n/help\n"), stdout)

    assert code == 0
    lines = stdout.getvalue().splitlines()
    assert lines[0] == "Unknown command /nonsense. Try one of: /help."
    assert lines[1] == "Commands start with a slash, e.g. /help."
    assert "Commands:" in lines[2:]


async def test_console_prints_no_prompt_when_input_is_piped() -> None:
    stdout = io.StringIO()

    await console(Desk(), io.StringIO(""), stdout)

    assert stdout.getvalue() == ""


def test_python_dash_m_bot_without_token_exits_cleanly(no_settings: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env["PYTHONPATH"] = str(REPO)

    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/help\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=no_settings,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0
    assert "Commands:" in done.stdout
    assert "Traceback" not in done.stderr
