"""The `newsdesk` command line without a Discord token: the console and start-up errors."""

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.articles import KYIV
from bot.cli import main
from bot.console import CONSOLE_COMMANDS, Console, drive
from bot.desk import Desk, SeedsFolder
from bot.store import Store

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
    notice, loaded = err.strip().splitlines()
    assert "DISCORD_TOKEN is not set" in notice
    assert loaded == f"newsdesk: loaded {seeds}: 3 added"


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


def answer_lines(text: str, db: Path, seeds: Path) -> tuple[int, str]:
    """The console's exit code and output for `text` piped in."""
    stdout = io.StringIO()
    with asyncio.Runner() as runner:
        store = runner.run(Store.open(db))
        try:
            desk = Desk(store, SeedsFolder(seeds, KYIV, 2_000_000), CONSOLE_COMMANDS)
            code = drive(runner, Console(desk), io.StringIO(text), stdout)
        finally:
            runner.run(store.close())
    return code, stdout.getvalue()


def test_console_reports_unknown_commands_and_keeps_going(tmp_path: Path, seeds: Path) -> None:
    code, out = answer_lines("/nonsense\nhello\n/help\n", tmp_path / "db.sqlite3", seeds)

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Unknown command /nonsense. Type /help for the list."
    assert lines[1] == "Commands start with a slash, e.g. /help."
    assert "Commands:" in lines[2:]


def test_console_prints_no_prompt_when_input_is_piped(tmp_path: Path, seeds: Path) -> None:
    assert answer_lines("", tmp_path / "db.sqlite3", seeds) == (0, "")


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


# --- Nothing lost, and one clear line for every failure -------------------------------------


def test_ingest_refuses_an_emptied_folder_and_prune_goes_ahead(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--seeds", str(seeds), "--db", "db.sqlite3"]) == 0
    empty = no_settings / "unmounted"
    empty.mkdir()
    capsys.readouterr()

    refused = main(["ingest", "--seeds", str(empty), "--db", "db.sqlite3"])
    out = capsys.readouterr().out
    pruned = main(["ingest", "--seeds", str(empty), "--db", "db.sqlite3", "--prune"])

    assert refused == 1
    assert "refused: it would remove all 3 stored articles" in out
    assert "run newsdesk ingest --prune" in out
    assert pruned == 0
    assert "3 removed" in capsys.readouterr().out


def test_console_says_what_its_start_up_load_did_and_writes_its_audit_row(
    no_settings: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/reload-log\n"))

    assert main(["console", "--seeds", str(seeds), "--db", "db.sqlite3"]) == 0

    out, err = capsys.readouterr()
    assert err == f"newsdesk: loaded {seeds}: 3 added\n"
    assert "console: 3 added" in out


def test_console_answers_the_operators_moderator_commands(
    no_settings: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = "/reload\n/reload-log\n/digest status\n/digest preview\n/help\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))

    assert main(["console", "--seeds", str(seeds), "--db", "db.sqlite3"]) == 0

    out = capsys.readouterr().out
    assert f"{seeds}: 3 unchanged" in out  # /reload
    assert "console: 3 unchanged" in out  # /reload-log
    assert "No server has set up its digest; each gets the defaults:" in out
    assert "Daily digest · " in out
    assert "/reload [allow_removals]" in out
    assert "/quit" in out
    assert "/exit" in out


def test_exit_leaves_the_console(no_settings: Path, seeds: Path) -> None:
    code, out = answer_lines("/exit\n/help\n", no_settings / "db.sqlite3", seeds)

    assert code == 0
    assert out == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "is a folder, not a query file"),
        (b'{"query": "shipments", "expect_any": ["x"]}\n{oops\n', "line 2 is not JSON"),
        (b'{"expect_any": ["containers"]}\n', 'line 1 has no "query" string'),
        (b'{"query": "x"}\n', 'line 1 says neither "expect_any" (a list) nor "expect_none"'),
        (b"\x00\x01\x02\x03", "is binary, not a JSON Lines query file"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
    ],
)
def test_eval_on_a_file_it_cannot_use_says_why_in_one_line(
    no_settings: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    expected: str,
) -> None:
    queries = no_settings / "queries.jsonl"
    if content is None:
        queries.mkdir()
    else:
        queries.write_bytes(content)

    code = main(["eval", str(queries), "--seeds", str(REPO / "seeds"), "--db", "db.sqlite3"])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith(f"newsdesk: {queries}")
    assert err.count("\n") == 1
    assert expected in err


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--db", "."], "is a folder, not a database file"),
        (["--db", "nonexistent/dir/x.db"], "nonexistent/dir of the database"),
        (["--seeds", "file.txt"], "the seeds folder file.txt is a file, not a folder"),
        (["--seeds", "nowhere"], "the seeds folder nowhere does not exist"),
    ],
)
def test_ingest_with_a_path_it_cannot_use_says_why_in_one_line(
    no_settings: Path,
    seeds: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    expected: str,
) -> None:
    (no_settings / "file.txt").write_text("not a folder", "utf-8")
    defaults = {"--seeds": str(seeds), "--db": "db.sqlite3"}
    defaults.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))

    code = main(["ingest", *(part for pair in defaults.items() for part in pair)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert expected in err
    assert not (no_settings / "nonexistent").exists()


@pytest.mark.parametrize("command", ["parse", "ingest"])
def test_output_piped_into_a_reader_that_stops_ends_quietly(
    no_settings: Path, seeds: Path, command: str
) -> None:
    argv = {
        "parse": [str(seeds / "000_cc92a137cd6d6a98.txt")],
        "ingest": ["--seeds", str(seeds), "--db", str(no_settings / "db.sqlite3")],
    }[command]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    reader, writer = os.pipe()
    os.close(reader)  # `| head -0`: nobody reads what comes

    done = subprocess.run(
        [sys.executable, "-m", "bot", command, *argv],
        stdout=writer,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=no_settings,
        timeout=60,
        check=False,
    )
    os.close(writer)

    assert "Traceback" not in done.stderr
    assert "BrokenPipeError" not in done.stderr
    assert done.returncode == 1


def test_ask_answers_every_command_of_a_batch_and_exits_1_when_one_failed(
    no_settings: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    batch = f"/source article:²\n/summary article:{'9' * 5000}\n/articles\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(batch))

    code = main(["ask", "--json", "--seeds", str(seeds), "--db", "db.sqlite3", "-"])

    bad, huge, articles = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert code == 1
    assert bad["kind"] == huge["kind"] == "error"
    assert len(articles["articles"]) == 3


def test_ask_exits_0_when_every_command_answered(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ask", "--seeds", str(seeds), "--db", "db.sqlite3", "/facts weather forecast"]

    assert main(argv) == 0  # "nothing found" is an answer
    assert "Nothing found" in capsys.readouterr().out


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file as a user who may not write it sees it. Root may write any file it can open, so
    as root the file is made immutable (chattr +i) instead."""
    path.chmod(0o444)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def test_a_read_only_database_is_one_line_naming_the_fix(
    no_settings: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = no_settings / "db.sqlite3"
    assert main(["ingest", "--seeds", str(seeds), "--db", str(db)]) == 0
    seed = seeds / "000_cc92a137cd6d6a98.txt"
    seed.write_text(seed.read_text("utf-8").replace("13:03", "14:05"), "utf-8")
    capsys.readouterr()

    with read_only(db):
        code = main(["ingest", "--seeds", str(seeds), "--db", str(db)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1, err
    assert f"the database {db} is read-only: let the bot's user write to it" in err
