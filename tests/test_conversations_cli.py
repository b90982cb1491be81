"""Conversations from the shell (issue #13): continue, attach, the tree in `history show`, export/import.

Every request body is read at the loopback server, so what the model receives is checked on the wire.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.store import HistoryStore

try:
    from tests.loopback import Stream, usage
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore[no-redef]


def env_for(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    return env


def r1(tmp_path: Path, *args: str, server=None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    connection = ["--endpoint", server.base_url, "--deployment", "d"] if server is not None else []
    return subprocess.run([sys.executable, "-m", "tui", *args, *connection], capture_output=True, text=True,
                          timeout=60, env=env_for(tmp_path), input=stdin)


def answer(text: str) -> Stream:
    return Stream(content_chunks=["<think>", "hidden reasoning", "</think>", text], usage=usage(30, 10))


def test_continue_and_conversation_carry_the_active_path_without_reasoning(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(answer("391"), answer("No."), answer("Yes."))
    first = r1(tmp_path, "ask", "--json", "What is 17 * 23?", server=azure_server)
    conv_id = json.loads(first.stdout)["conversation_id"]
    again = r1(tmp_path, "ask", "-c", "--json", "Is it prime?", server=azure_server)
    assert json.loads(again.stdout)["conversation_id"] == conv_id
    assert azure_server.requests[-1].json["messages"] == [
        {"role": "user", "content": "What is 17 * 23?"}, {"role": "assistant", "content": "391"},
        {"role": "user", "content": "Is it prime?"}]
    by_prefix = r1(tmp_path, "ask", "--conversation", conv_id[:6], "--json", "Is 17 prime?", server=azure_server)
    obj = json.loads(by_prefix.stdout)
    assert obj["conversation_id"] == conv_id
    assert obj["context"] == {"turns_sent": 2, "turns_left_out": 0, "estimated_tokens": obj["context"]["estimated_tokens"]}
    assert [m["content"] for m in azure_server.requests[-1].json["messages"]] == [
        "What is 17 * 23?", "391", "Is it prime?", "No.", "Is 17 prime?"]
    assert "hidden reasoning" not in json.dumps(azure_server.requests[-1].json)


def test_unknown_conversation_exits_2_before_any_request(tmp_path: Path, azure_server) -> None:
    result = r1(tmp_path, "ask", "--conversation", "nosuchid", "hello", server=azure_server)
    assert result.returncode == 2 and "nosuchid" in result.stderr and "cannot continue" in result.stderr
    assert azure_server.requests == []
    result = r1(tmp_path, "ask", "-c", "hello", server=azure_server)
    assert result.returncode == 2 and "no conversation to continue" in result.stderr


def test_attachments_go_before_the_prompt_as_fenced_blocks_and_are_kept_apart(tmp_path: Path, azure_server) -> None:
    src = tmp_path / "fib.py"
    src.write_text("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n")
    tricky = tmp_path / "notes.md"
    tricky.write_text("use ```python fences``` here\n")
    azure_server.enqueue(answer("It is slow."), answer("Memoise it."))
    result = r1(tmp_path, "ask", "-a", str(src), "--attach", str(tricky), "--json", "Review this", server=azure_server)
    assert result.returncode == 0, result.stderr
    sent = azure_server.requests[-1].json["messages"][-1]["content"]
    assert sent == (f"{src}\n```\n{src.read_text()}```\n\n{tricky}\n````\nuse ```python fences``` here\n````\n\n"
                    "Review this")
    conv_id = json.loads(result.stdout)["conversation_id"]
    shown = json.loads(r1(tmp_path, "history", "show", conv_id, "--json").stdout)
    prompt = shown["messages"][0]
    assert prompt["content"] == "Review this"  # the typed text, attachments apart
    assert prompt["attachments"] == [{"name": str(src), "chars": len(src.read_text())},
                                     {"name": str(tricky), "chars": len(tricky.read_text())}]
    r1(tmp_path, "ask", "-c", "How to speed it up?", server=azure_server)
    assert azure_server.requests[-1].json["messages"][0]["content"] == sent  # follow-ups resend the attachments
    hits = json.loads(r1(tmp_path, "history", "search", "fib", "--json").stdout)
    assert any(h["field"] == "attachment" and h["conversation_id"] == conv_id for h in hits)


@pytest.mark.parametrize("content, why", [(b"\x7fELF\x00\x01binary", "binary file"),
                                          (b"caf\xe9 latin-1", "not UTF-8 text")])
def test_binary_and_non_utf8_files_are_refused_before_sending(tmp_path: Path, azure_server, content: bytes,
                                                              why: str) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(content)
    result = r1(tmp_path, "ask", "-a", str(bad), "look", server=azure_server)
    assert result.returncode == 2 and why in result.stderr and str(bad) in result.stderr
    assert azure_server.requests == []


def test_one_limit_for_prompt_and_attachments(tmp_path: Path, azure_server) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 399_990)
    result = r1(tmp_path, "ask", "-a", str(big), "this prompt tips it over", server=azure_server)
    assert result.returncode == 2 and "the limit is 400,000" in result.stderr
    assert azure_server.requests == []


def test_history_show_tree_and_export_import_round_trip(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(answer("A1"), answer("A2"))
    conv_id = json.loads(r1(tmp_path, "ask", "--json", "one", server=azure_server).stdout)["conversation_id"]
    r1(tmp_path, "ask", "-c", "two", server=azure_server)
    db = tmp_path / "data" / "r1-tui" / "history.db"
    with HistoryStore.open(db) as store:  # an edited second prompt: a branch, made active
        conv = store.get_conversation(conv_id)
        first_answer = conv.messages[1].id
        edited = store.add_user_message(conv_id, "two, edited", parent_id=first_answer)
        store.select(edited)
    path = json.loads(r1(tmp_path, "history", "show", conv_id, "--json").stdout)["messages"]
    assert [m["content"] for m in path] == ["one", "A1", "two, edited"]
    assert [m["parent_id"] for m in path] == [None, path[0]["id"], path[1]["id"]]
    tree = json.loads(r1(tmp_path, "history", "show", conv_id, "--json", "--tree").stdout)["messages"]
    assert [(m["content"], m["active"]) for m in tree] == [
        ("one", True), ("A1", True), ("two", False), ("A2", False), ("two, edited", True)]
    exported = r1(tmp_path, "history", "export", conv_id, "--format", "json")
    other = tmp_path / "other"
    other.mkdir()
    (other / "export.json").write_text(exported.stdout)
    assert r1(other, "history", "import", str(other / "export.json")).returncode == 0
    assert r1(other, "history", "export", conv_id, "--format", "json").stdout == exported.stdout


def test_prices_give_each_answer_a_cost_and_history_list_sums_them(tmp_path: Path, azure_server) -> None:
    cfg = tmp_path / "cfg" / "r1-tui"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text(
        f'[profiles.p]\nendpoint = "{azure_server.base_url}"\ndeployment = "d"\nauth = "none"\n'
        '[profiles.p.prices]\ninput_per_mtok = 2.0\noutput_per_mtok = 8.0\ncurrency = "USD"\n')
    azure_server.enqueue(answer("a"), answer("b"))
    for prompt in ("q1", "q2"):
        result = subprocess.run([sys.executable, "-m", "tui", "ask", "--profile", "p", *(["-c"] if prompt == "q2" else []),
                                 prompt], capture_output=True, text=True, timeout=60, env=env_for(tmp_path))
        assert result.returncode == 0, result.stderr
    (row,) = json.loads(r1(tmp_path, "history", "list", "--json").stdout)
    assert row["cost"] == pytest.approx(2 * (30 * 2.0 + 10 * 8.0) / 1e6)
