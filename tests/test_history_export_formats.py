"""``history export --format jsonl`` (active path, --tree, --think-tags) and ``--format html`` (escaping,
self-contained, math as Unicode, notes, 0600)."""

from __future__ import annotations

import argparse
import json
import re
import stat
from pathlib import Path

import pytest

from tui.commands.history import add_history_parser, run_history
from tui.formats.html_export import html_document, text_html
from tui.store import HistoryStore
from tui.metrics import Timing, Usage

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> <a href="https://evil.example">x</a>'


def run(db: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="r1-tui")
    add_history_parser(parser.add_subparsers(dest="command"))
    return run_history(parser.parse_args(["history", *argv]), db)


def answer(store: HistoryStore, cid: str, uid: str, reasoning: str, text: str, choice: int = 0) -> str:
    aid = store.begin_answer(cid, uid, model="DeepSeek-R1", deployment="r1", endpoint_host="h", choice_index=choice)
    store.update_answer(aid, reasoning=reasoning, answer=text, state="complete", finish_reason="stop",
                        usage=Usage(5, 9, 14, 4, False), timing=Timing(0.1, 0.5, 1.0))
    return aid


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "history.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("Title " + HOSTILE)
        u1 = store.add_user_message(cid, "First " + HOSTILE)
        answer(store, cid, u1, "Think one " + HOSTILE, "One: $x^2$ and \\boxed{391} " + HOSTILE)
        alt = answer(store, cid, u1, "Think alt", "Alt \\boxed{392}", choice=1)
        store.select_alternative(alt)
        store.add_note(alt, "Note " + HOSTILE)
        u2 = store.add_user_message(cid, "Second?")
        answer(store, cid, u2, "Think two", "Two.")
    return path


def conv_id(db: Path) -> str:
    with HistoryStore.open(db, read_only=True) as store:
        return store.list_conversations()[0].id


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl_active_path(db: Path, capsys) -> None:
    assert run(db, "export", conv_id(db), "--format", "jsonl") == 0
    records = lines(capsys.readouterr().out)
    assert [r["messages"][-1]["content"] for r in records] == ["Alt \\boxed{392}", "Two."]  # selected alternative
    first, second = records
    assert set(first) >= {"conversation_id", "message_id", "model", "usage", "finish_reason", "messages"}
    assert first["messages"] == [{"role": "user", "content": "First " + HOSTILE},
                                 {"role": "assistant", "content": "Alt \\boxed{392}", "reasoning_content": "Think alt"}]
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user", "assistant"]
    assert second["messages"][1] == {"role": "assistant", "content": "Alt \\boxed{392}"}  # context: answers only
    assert first["notes"] == ["Note " + HOSTILE] and first["usage"]["completion_tokens"] == 9


def test_jsonl_tree_and_think_tags(db: Path, capsys) -> None:
    assert run(db, "export", conv_id(db), "--format", "jsonl", "--tree", "--think-tags") == 0
    records = lines(capsys.readouterr().out)
    assert len(records) == 3
    last = records[0]["messages"][-1]
    assert last == {"role": "assistant",
                    "content": f"<think>\nThink one {HOSTILE}\n</think>\n\nOne: $x^2$ and \\boxed{{391}} {HOSTILE}"}
    assert run(db, "export", conv_id(db), "--format", "json", "--tree") == 2


def test_html_escapes_every_piece_of_model_text(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.html"
    assert run(db, "export", conv_id(db), "--format", "html", "-o", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    tags = set(re.findall(r"<\s*([a-zA-Z0-9]+)", page))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "article", "h1", "h2", "p", "section",
                    "div", "details", "summary", "span", "aside"}, tags
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<a " not in page.lower()
    assert not re.search(r"<[^>]*\s(on\w+|src|href)\s*=", page, re.I)  # no handler or URL attribute in any tag
    assert "url(" not in page and "@import" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # title x2, prompt, reasoning, answer, note
    assert "onerror=&quot;alert(2)&quot;" in page
    assert '<span class="boxed">391</span>' in page and "x²" in page  # math as Unicode
    assert "<details>" in page and "Note " in page and "Vote: 391 ×1 · 392 ×1" in page


def test_text_html_shows_controls_and_frames_boxed_only_from_math() -> None:
    assert text_html("a\x1b[2Jb") == "a␛[2Jb"
    assert text_html("\\boxed{<b>}") == '<span class="boxed">&lt;b&gt;</span>'
    assert text_html("<span class=\"boxed\">x</span>") == "&lt;span class=&quot;boxed&quot;&gt;x&lt;/span&gt;"


def test_html_document_of_several_conversations_is_one_page(db: Path) -> None:
    with HistoryStore.open(db, read_only=True) as store:
        data = store.export_conversation(conv_id(db))
    page = html_document([data, data])
    assert page.count("<html") == 1 and page.count("<article>") == 2 and "2 conversations" in page


def test_jsonl_follows_branches_of_the_tree(tmp_path: Path, capsys) -> None:
    path = tmp_path / "tree.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("Branches")
        u1 = store.add_user_message(cid, "Q1")
        a1 = answer(store, cid, u1, "r1", "A1")
        u2 = store.add_user_message(cid, "Q2 first wording", parent_id=a1)
        answer(store, cid, u2, "r2", "A2")
        edited = store.add_user_message(cid, "Q2 edited", parent_id=a1)  # an edited prompt: a sibling branch
        answer(store, cid, edited, "r2e", "A2e")
        store.select(edited)
    assert run(path, "export", cid, "--format", "jsonl") == 0
    active = lines(capsys.readouterr().out)
    assert [r["messages"][-1]["content"] for r in active] == ["A1", "A2e"]
    assert [m["content"] for m in active[1]["messages"]] == ["Q1", "A1", "Q2 edited", "A2e"]
    assert run(path, "export", cid, "--format", "jsonl", "--tree") == 0
    every = lines(capsys.readouterr().out)
    assert sorted(r["messages"][-1]["content"] for r in every) == ["A1", "A2", "A2e"]
    branch = next(r for r in every if r["messages"][-1]["content"] == "A2")
    assert [m["content"] for m in branch["messages"]] == ["Q1", "A1", "Q2 first wording", "A2"]
