"""#15.11: hostile or odd import files: each refused conversation is named with its reason, the rest import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.store import HistoryStore
from tui.metrics import Timing, Usage

try:
    from tests.test_history_cli import run
except ImportError:  # tests/ itself on sys.path
    from test_history_cli import run  # type: ignore[no-redef]

STAMP = "2026-01-01T00:00:00.000Z"


def conversation(conv_id: str, content: str = "hello") -> dict:
    return {"id": conv_id, "title": f"title {conv_id}", "created_at": STAMP, "updated_at": STAMP, "archived": False,
            "messages": [{"id": f"{conv_id}-m", "role": "user", "content": content, "reasoning": None,
                          "state": "complete", "created_at": STAMP}]}


def bundle_text(middle: str) -> str:
    """An --all export whose second conversation is the raw JSON ``middle``."""
    first, last = json.dumps(conversation("good1")), json.dumps(conversation("good3"))
    return f'{{"format": "r1-tui/1", "conversations": [{first}, {middle}, {last}]}}'


def titles(db: Path) -> list[str]:
    with HistoryStore.open(db, read_only=True) as store:
        return sorted(s.title for s in store.list_conversations())


def import_text(tmp_path: Path, text: str, capsys) -> tuple[int, str, str]:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    code = run(tmp_path / "h.db", "import", str(path))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("middle,reason", [
    (json.dumps(conversation("bad2")).replace('"archived": false', '"archived": ' + "9" * 5000),
     "conversation.archived must be true or false, not a 5000-digit number"),
    (json.dumps(conversation("bad2")).replace('"hello"', '"' + "\\ud800" + '"'),
     "messages[0].content holds an unpaired UTF-16 surrogate (\\ud800 at position 1)"),
    (json.dumps(conversation("bad2")).replace('"hello"', "[" * 100_000 + "]" * 100_000),
     "nested deeper than any r1-tui export"),
    (json.dumps(conversation("bad2")).replace('"title bad2"', '"t", "x": ' + "{\"a\": " * 50_000 + "1" + "}" * 50_000),
     "nested deeper than any r1-tui export"),
], ids=["5000-digits", "lone-surrogate", "deep-array", "deep-object"])
def test_one_refused_conversation_is_named_and_the_rest_import(tmp_path: Path, capsys, middle: str, reason: str) -> None:
    code, out, err = import_text(tmp_path, bundle_text(middle), capsys)
    assert code == 2 and "Traceback" not in err
    assert "refused conversation 2" in err and reason in err
    assert "Imported 2 conversations, refused 1 (see above)." in out
    assert titles(tmp_path / "h.db") == ["title good1", "title good3"]


@pytest.mark.parametrize("text,words", [
    ("[" * 100_000 + "]" * 100_000, "nests deeper than any r1-tui export"),
    ('{"id": ' + "7" * 5000 + "}", "conversation.id must be a string, not a 5000-digit number"),
], ids=["deep-file", "5000-digit-id"])
def test_a_whole_file_refusal_is_clear(tmp_path: Path, capsys, text: str, words: str) -> None:
    code, out, err = import_text(tmp_path, text, capsys)
    assert code == 2 and words in err and "Traceback" not in err


def test_every_refused_record_is_reported(tmp_path: Path, capsys) -> None:
    bad = [conversation("b1"), conversation("b2"), conversation("ok")]
    bad[0]["created_at"] = "yesterday"
    bad[1]["messages"][0]["role"] = "system"
    code, out, err = import_text(tmp_path, json.dumps({"format": "r1-tui/1", "conversations": bad}), capsys)
    assert code == 2
    assert "refused conversation 1 (id 'b1'): invalid conversation data: conversation.created_at" in err
    assert "refused conversation 2 (id 'b2'): invalid conversation data: messages[0].role" in err
    assert titles(tmp_path / "h.db") == ["title ok"]


def test_server_supplied_negative_usage_and_huge_indexes_round_trip(tmp_path: Path, capsys) -> None:
    source = tmp_path / "a.db"
    with HistoryStore.open(source) as store:
        cid = store.create_conversation("odd server")
        uid = store.add_user_message(cid, "q")
        aid = store.begin_answer(cid, uid, model="m", deployment="d", endpoint_host="h", choice_index=2**40)
        store.append_to_answer(aid, answer="a")
        store.update_answer(aid, state="complete", finish_reason="stop", usage=Usage(-5, -1, -6, -2, False),
                            timing=Timing(0.1, None, 0.2))
        exported = store.export_conversation(cid)
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(exported))
    assert run(tmp_path / "b.db", "import", str(path)) == 0
    with HistoryStore.open(tmp_path / "b.db", read_only=True) as store:
        assert store.export_conversation(cid) == exported
