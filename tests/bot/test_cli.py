"""The `newsdesk` command line without a Discord token: the console and start-up errors."""

import io
import json
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
    no_settings: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSDESK_SEEDS", str(seeds))
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

    code = await console(Desk(None), io.StringIO("/nonsense\nhello\n/help\n"), stdout)

    assert code == 0
    lines = stdout.getvalue().splitlines()
    assert lines[0] == "Unknown command /nonsense. Type /help for the list."
    assert lines[1] == "Commands start with a slash, e.g. /help."
    assert "Commands:" in lines[2:]


async def test_console_prints_no_prompt_when_input_is_piped() -> None:
    stdout = io.StringIO()

    await console(Desk(None), io.StringIO(""), stdout)

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


def test_run_without_token_answers_facts_from_the_seeds(
    no_settings: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSDESK_SEEDS", str(seeds))
    monkeypatch.setattr(sys, "stdin", io.StringIO("/facts shipments\n"))

    assert main(["run"]) == 0

    out = capsys.readouterr().out
    assert "7,000 containers" in out
    assert "Background · “Putin and Kim Jong Un sign agreement" in out


def test_ingest_reports_each_file_and_exits_0(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--seeds", str(seeds), "--db", "db.sqlite3"]) == 0

    out = capsys.readouterr().out
    assert "3 added" in out
    assert "added     000_cc92a137cd6d6a98.txt" in out


def test_ingest_exits_1_when_a_file_failed_and_loads_the_rest(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seeds / "broken.txt").write_bytes(b"\x00\x01\x02binary")

    assert main(["ingest", "--seeds", str(seeds), "--db", "db.sqlite3"]) == 1

    out = capsys.readouterr().out
    assert "3 added, 1 failed" in out
    assert "failed    broken.txt: the file is binary, not text" in out


def test_ingest_exits_2_on_bad_usage(no_settings: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["ingest", "--nope"])

    assert caught.value.code == 2


def test_ask_json_reads_commands_from_stdin(
    no_settings: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("/facts shipments\n/facts weather forecast\n/articles\n")
    )

    assert main(["ask", "--json", "--seeds", str(seeds), "--db", "db.sqlite3", "-"]) == 0

    facts, nothing, articles = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert facts["elapsed_ms"] >= 0
    first = facts["results"][0]
    assert set(first) >= {"text", "score", "section", "article"}
    assert set(first["article"]) >= {"id", "title", "published"}
    assert nothing["results"] == []
    assert nothing["suggestions"] is not None
    assert len(articles["articles"]) == 3


def test_eval_passes_every_query_of_the_dev_set(
    no_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = REPO / "tests" / "data" / "facts.dev.jsonl"

    code = main(["eval", str(queries), "--seeds", str(REPO / "seeds"), "--db", "db.sqlite3"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip().endswith("11 passed, 0 failed")


def test_eval_prints_each_miss(no_settings: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queries = no_settings / "hard.jsonl"
    queries.write_text('{"query": "shipments", "expect_any": ["weather"], "k": 1}\n', "utf-8")

    code = main(["eval", str(queries), "--seeds", str(REPO / "seeds"), "--db", "db.sqlite3"])

    out = capsys.readouterr().out
    assert code == 1
    assert "MISS 'shipments'" in out
    assert out.strip().endswith("0 passed, 1 failed")


def test_digest_preview_prints_the_articles_of_the_last_day(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--preview", "--seeds", str(seeds), "--db", "db.sqlite3"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("Daily digest · ")
    assert "3 articles: 3 new." in out
    assert "1. " in out
    assert "Sources: Interfax Russia; RIA Novosti" in out


def test_digest_preview_since_a_later_date_has_nothing_new(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["digest", "--preview", "--since", "2999-01-01", "--json", "--seeds", str(seeds)]

    assert main(argv) == 0

    body = json.loads(capsys.readouterr().out)
    assert body["kind"] == "digest"
    assert body["digest"]["items"] == []
    assert body["digest"]["since"] == "2999-01-01T00:00:00+00:00"


def test_digest_preview_refuses_a_since_that_is_no_date(
    no_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--preview", "--since", "yesterday"]) == 2

    assert "--since 'yesterday' is not a date" in capsys.readouterr().err
