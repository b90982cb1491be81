"""The `history` subcommand, called in-process (run_history) and once via a subprocess."""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui.commands.history import add_history_parser, run_history
from tui.store import HistoryStore
from tui.metrics import Timing, Usage

REPO = Path(__file__).resolve().parents[1]


def run(db: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="r1-tui")
    add_history_parser(parser.add_subparsers(dest="command"))
    return run_history(parser.parse_args(["history", *argv]), db)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "history.db"
    with HistoryStore.open(path) as store:
        older = store.create_conversation("Older chat")
        store.add_user_message(older, "hello there")
        cid = store.create_conversation("Evil \x1b]0;pwned\x07 title")
        uid = store.add_user_message(cid, "Why do zebras have stripes?")
        aid = store.begin_answer(cid, uid, model="DeepSeek-R1", deployment="r1", endpoint_host="h")
        store.append_to_answer(aid, reasoning="Considering camouflage and \x1b[2J flies.")
        store.append_to_answer(aid, answer="Probably to deter biting flies.")
        store.update_answer(aid, state="complete", finish_reason="stop", usage=Usage(10, 20, 30, 12, False),
                            timing=Timing(0.4, 1.0, 2.0))
    return path


def ids(db: Path) -> tuple[str, str]:
    with HistoryStore.open(db, read_only=True) as store:
        newest, older = store.list_conversations()
        return newest.id, older.id


def test_list_json_and_table(db: Path, capsys) -> None:
    assert run(db, "list", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["title"] for r in rows] == ["Evil \x1b]0;pwned\x07 title", "Older chat"]
    assert set(rows[0]) >= {"id", "title", "created_at", "updated_at", "message_count", "archived"}
    assert rows[0]["message_count"] == 2 and rows[0]["archived"] is False
    assert run(db, "list") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Older chat" in out and "␛]0;pwned" in out
    assert out.splitlines()[0].startswith("ID")


def test_list_missing_db_is_empty(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nothing" / "h.db"
    assert run(missing, "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(missing, "list") == 0
    assert "No conversations" in capsys.readouterr().out
    assert not missing.exists()


def test_show_json_shape(db: Path, capsys) -> None:
    cid, _ = ids(db)
    assert run(db, "show", cid, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {"id", "title", "created_at", "updated_at", "archived", "messages"} <= data.keys()
    user, answer = data["messages"]
    assert user["role"] == "user" and user["reasoning"] is None
    assert answer["role"] == "assistant" and answer["reasoning"].startswith("Considering")
    assert answer["usage"] == {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30,
                               "reasoning_tokens": 12, "estimated": False,
                               "reasoning_estimated": False}
    assert answer["timing"] == {"first_token_s": 0.4, "reasoning_s": 1.0, "total_s": 2.0}
    for key in ("id", "content", "state", "finish_reason", "model", "deployment", "created_at"):
        assert key in answer


def test_show_human_is_sanitised(db: Path, capsys) -> None:
    cid, _ = ids(db)
    assert run(db, "show", cid) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # not a TTY: no dimming either, and hostile escapes made visible
    assert "Reasoning" in out and "Probably to deter" in out and "␛[2J" in out


def test_show_lists_each_messages_notes_sanitised(db: Path, capsys) -> None:
    cid, _ = ids(db)
    with HistoryStore.open(db) as store:
        prompt, answer = store.get_conversation(cid).messages  # type: ignore[union-attr]
        store.add_note(prompt.id, "vague \x1b[31mwording")
        store.add_note(answer.id, "check the horsefly study")
    assert run(db, "show", cid) == 0
    out = capsys.readouterr().out
    assert "  ✎ vague ␛[31mwording\n" in out and out.index("vague") < out.index("Probably to deter")
    assert out.rstrip().endswith("✎ check the horsefly study")


def test_unknown_and_ambiguous_ids_exit_2(db: Path, capsys) -> None:
    for argv in (["show", "nope"], ["rename", "nope", "x"], ["archive", "nope"],
                 ["delete", "nope", "--yes"], ["export", "nope"]):
        assert run(db, *argv) == 2
        assert "nope" in capsys.readouterr().err


def test_search(db: Path, capsys) -> None:
    assert run(db, "search", "zebra", "--json") == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert set(hit) >= {"conversation_id", "message_id", "title", "field", "snippet"}
    assert hit["field"] == "prompt" and "«zebras»" in hit["snippet"]
    assert run(db, "search", "camouflage") == 0
    out = capsys.readouterr().out
    assert "reasoning" in out and "\x1b" not in out
    assert run(db, "search", '"(NEAR OR') == 0
    assert "No matches" in capsys.readouterr().out


def test_export_md_and_json_and_import(db: Path, tmp_path: Path, capsys) -> None:
    cid, _ = ids(db)
    md = tmp_path / "c.md"
    assert run(db, "export", cid, "--format", "md", "-o", str(md)) == 0
    text = md.read_text()
    assert stat.S_IMODE(md.stat().st_mode) == 0o600
    assert "<details><summary>Reasoning</summary>" in text and "</details>" in text
    assert "Considering camouflage" in text and "\x1b" not in text
    one = tmp_path / "one.json"
    assert run(db, "export", cid, "--format", "json", "-o", str(one)) == 0
    assert json.loads(one.read_text())["id"] == cid
    everything = tmp_path / "all.json"
    assert run(db, "export", "--all", "--format", "json", "-o", str(everything)) == 0
    bundle = json.loads(everything.read_text())
    assert bundle["format"] == "r1-tui/1" and len(bundle["conversations"]) == 2
    assert stat.S_IMODE(everything.stat().st_mode) == 0o600
    assert run(db, "export", "--format", "json") == 2  # neither ID nor --all
    capsys.readouterr()

    other = tmp_path / "other.db"
    assert run(other, "import", str(everything)) == 0
    assert "Imported 2" in capsys.readouterr().out
    assert run(other, "import", str(one)) == 0  # already there: skipped, not duplicated
    captured = capsys.readouterr()
    assert "skipped" in captured.err and "Imported 0" in captured.out
    again = tmp_path / "again.json"
    assert run(other, "export", "--all", "--format", "json", "-o", str(again)) == 0
    assert json.loads(again.read_text()) == bundle


@pytest.mark.parametrize("content", [b"not json", b"\xff\xfe", b"[1, 2]", b'{"conversations": 5}',
                                     b'{"id": "x", "title": 1}'])
def test_import_bad_files_exit_2(tmp_path: Path, content: bytes, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    assert run(tmp_path / "h.db", "import", str(bad)) == 2
    assert capsys.readouterr().err
    assert run(tmp_path / "h.db", "import", str(tmp_path / "missing.json")) == 2


def test_rename_archive_unarchive(db: Path, capsys) -> None:
    cid, older = ids(db)
    assert run(db, "rename", cid, "Zebra facts") == 0
    assert run(db, "archive", cid) == 0
    capsys.readouterr()
    assert run(db, "list", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [older]
    assert run(db, "list", "--archived", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["title"] == "Zebra facts" and row["archived"] is True
    assert run(db, "unarchive", cid) == 0
    capsys.readouterr()
    assert run(db, "list", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_delete_needs_yes_without_tty(db: Path, capsys) -> None:
    cid, _ = ids(db)
    assert run(db, "delete", cid) == 2
    assert "--yes" in capsys.readouterr().err
    assert run(db, "delete", cid, "--yes") == 0
    with HistoryStore.open(db, read_only=True) as store:
        assert store.get_conversation(cid) is None


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("reply,deleted", [("y\n", True), ("n\n", False), ("\n", False)])
def test_delete_asks_on_a_tty(db: Path, monkeypatch, capsys, reply: str, deleted: bool) -> None:
    cid, _ = ids(db)
    monkeypatch.setattr(sys, "stdin", FakeTTY(reply))
    assert run(db, "delete", cid) == 0
    assert "[y/N]" in capsys.readouterr().out
    with HistoryStore.open(db, read_only=True) as store:
        assert (store.get_conversation(cid) is None) == deleted


def test_corrupt_db_exit_1(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "history.db"
    bad.write_bytes(b"garbage" * 100)
    for argv in (["list"], ["rename", "x", "y"]):
        assert run(bad, *argv) == 1
        assert str(bad) in capsys.readouterr().err
    assert bad.read_bytes() == b"garbage" * 100


def test_subprocess_round_trip(db: Path) -> None:
    code = ("import sys, argparse; from pathlib import Path; "
            "from tui.commands.history import add_history_parser, run_history; "
            "p = argparse.ArgumentParser(); add_history_parser(p.add_subparsers(dest='command')); "
            "sys.exit(run_history(p.parse_args(sys.argv[2:]), Path(sys.argv[1])))")

    def call(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, str(db), "history", *argv],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              cwd=REPO, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})

    listed = call("list", "--json")
    assert listed.returncode == 0, listed.stderr
    cid = json.loads(listed.stdout)[0]["id"]
    shown = call("show", cid, "--json")
    assert json.loads(shown.stdout)["messages"][1]["role"] == "assistant"
    refused = call("delete", cid)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert call("delete", cid, "--yes").returncode == 0
    assert len(json.loads(call("list", "--json").stdout)) == 1
