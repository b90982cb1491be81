"""`history` in daily use: failed and stopped answers, empty titles, rounded timings, the 0011 migration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import db_at_schema
from tests.loopback import AZURE_401_BODY, ErrorResponse, Stream
from tests.test_ask_cli import ask, env_for
from tests.test_history_cli import run
from tui.store import ErrorRecord, HistoryStore, StoreError
from tui.metrics import Timing
from tui.store.schema import KNOWN


def history(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", "history", *args], capture_output=True, text=True,
                          timeout=30, env=env_for(tmp_path), stdin=subprocess.DEVNULL)


def test_a_failed_answer_shows_its_error_and_is_marked_in_the_list(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "fine"]))
    azure_server.enqueue(ErrorResponse(401, AZURE_401_BODY))
    assert ask(tmp_path, azure_server, "--auth", "none", "good one").returncode == 0
    failed = ask(tmp_path, azure_server, "--auth", "none", "--json", "bad one")
    assert failed.returncode == 3
    conv_id = json.loads(failed.stdout)["conversation_id"]
    shown = history(tmp_path, "show", conv_id)
    assert "✗ failed: 401: Access denied due to invalid subscription key" in shown.stdout
    assert "hint: " in shown.stdout and "az login" in shown.stdout
    data = json.loads(history(tmp_path, "show", conv_id, "--json").stdout)
    assert data["messages"][1]["error"]["kind"] == "auth"
    listed = json.loads(history(tmp_path, "list", "--json").stdout)
    assert [(r["title"], r["last_answer_state"]) for r in listed] == [("bad one", "failed"), ("good one", "complete")]
    table = history(tmp_path, "list").stdout.splitlines()
    assert "[✗ failed] bad one" in table[1] and table[2].endswith("  good one")


def test_a_cut_off_answer_keeps_the_reason(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "a", "b", "c"], cut_after=2))
    result = ask(tmp_path, azure_server, "--json", "q")
    assert result.returncode == 7
    shown = history(tmp_path, "show", json.loads(result.stdout)["conversation_id"]).stdout
    assert "✗ cut off: The connection broke mid-answer" in shown and "What arrived is kept" in shown


@pytest.fixture
def stopped_db(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "h.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("halted")
        uid = store.add_user_message(cid, "count to a million")
        aid = store.begin_answer(cid, uid, model="m", deployment="d", endpoint_host="h")
        store.append_to_answer(aid, answer="1, 2, 3")
        store.update_answer(aid, state="stopped", timing=Timing(0.123456789, 1.00000049, 2.3456789))
    return path, cid


def test_a_stopped_answer_says_so(stopped_db: tuple[Path, str], capsys) -> None:
    path, cid = stopped_db
    assert run(path, "show", cid) == 0
    assert "■ stopped before the end" in capsys.readouterr().out
    assert run(path, "list") == 0
    assert "[■ stopped] halted" in capsys.readouterr().out


def test_history_json_timings_are_rounded_like_ask_json(stopped_db: tuple[Path, str], capsys) -> None:
    path, cid = stopped_db
    assert run(path, "show", cid, "--json") == 0
    timing = json.loads(capsys.readouterr().out)["messages"][1]["timing"]
    assert timing == {"first_token_s": 0.123, "reasoning_s": 1.0, "total_s": 2.346}


def test_empty_titles_are_refused(stopped_db: tuple[Path, str], capsys) -> None:
    path, cid = stopped_db
    assert run(path, "rename", cid, "") == 2
    assert "a title cannot be empty" in capsys.readouterr().err
    assert run(path, "rename", cid, "   ") == 2
    with HistoryStore.open(path) as store:
        with pytest.raises(StoreError, match="cannot be empty"):
            store.rename_conversation(cid, "\t ")
        with pytest.raises(StoreError, match="cannot be empty"):
            store.create_conversation("")
        assert store.list_conversations()[0].title == "halted"


def test_errors_survive_export_and_import(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "a.db") as store:
        cid = store.create_conversation("t")
        uid = store.add_user_message(cid, "q")
        aid = store.begin_answer(cid, uid, model=None, deployment="d", endpoint_host="h")
        store.update_answer(aid, state="failed", error=ErrorRecord("connection", "h cannot be reached", "start the server"))
        exported = store.export_conversation(cid)
    assert exported["messages"][1]["error"] == {"kind": "connection", "message": "h cannot be reached",
                                                "hint": "start the server"}
    with HistoryStore.open(tmp_path / "b.db") as other:
        other.import_conversation(exported)
        assert other.export_conversation(cid) == exported
        assert other.list_conversations()[0].last_answer_state == "failed"


def test_migration_0011_marks_conversations_saved_before_it(tmp_path: Path) -> None:
    assert "0011_failed_answers" in KNOWN
    path = tmp_path / "old.db"
    conn = db_at_schema(path, upto=KNOWN.index("0011_failed_answers"))
    stamp = "2026-01-02T03:04:05.678Z"
    conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c1', 'old', ?, ?)",
                 (stamp, stamp))
    for seq, (role, state) in enumerate([("user", "complete"), ("assistant", "complete"), ("user", "complete"),
                                         ("assistant", "failed")]):
        conn.execute("INSERT INTO messages(id, conversation_id, role, state, created_at, updated_at) "
                     "VALUES (?, 'c1', ?, ?, ?, ?)", (f"m{seq}", role, state, stamp, stamp))
    conn.close()
    with HistoryStore.open(path) as store:
        (row,) = store.list_conversations()
        assert row.last_answer_state == "failed"
        assert store.get_message("m3").error is None  # nothing was kept then: show says so
        store.delete_conversation("c1")


def test_export_refuses_to_follow_a_symlink_and_never_chmods_its_target(stopped_db: tuple[Path, str],
                                                                         tmp_path: Path, capsys) -> None:
    path, cid = stopped_db
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    target.chmod(0o644)
    link = tmp_path / "out.json"
    link.symlink_to(target)
    assert run(path, "export", cid, "-o", str(link)) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert target.read_text() == "keep me" and (target.stat().st_mode & 0o777) == 0o644
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    assert run(path, "export", cid, "-o", str(dangling)) == 2
    assert not (tmp_path / "nowhere").exists()


def test_export_into_a_missing_directory_or_onto_a_directory_says_so(stopped_db: tuple[Path, str],
                                                                      tmp_path: Path, capsys) -> None:
    path, cid = stopped_db
    assert run(path, "export", cid, "-o", str(tmp_path / "no" / "such" / "x.md"), "--format", "md") == 2
    assert f"the directory {tmp_path / 'no' / 'such'} does not exist" in capsys.readouterr().err
    assert run(path, "export", cid, "-o", str(tmp_path)) == 2
    assert "is a directory" in capsys.readouterr().err
    good = tmp_path / "fine.json"
    assert run(path, "export", cid, "-o", str(good)) == 0
    assert json.loads(good.read_text())["id"] == cid and (good.stat().st_mode & 0o777) == 0o600
