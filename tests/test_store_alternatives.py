"""Selected alternatives: migration 0004 (and the tree of 0005), select_alternative, export/import."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import STAMP, db_at_schema
from tui.chat.context import turns_along
from tui.chat.transcript import Transcript
from tui.chat.tree import ConversationTree
from tui.llm.events import AnswerDelta, Failed, Finished, ReasoningDelta, Started
from tui.llm.request import Turn
from tui.store import HistoryStore, StoreError
from tui.store.schema import KNOWN, MIGRATIONS, applied_migrations


def build_turns(store: HistoryStore, conv_id: str) -> list[Turn]:
    conv = store.get_conversation(conv_id)
    tree = ConversationTree(conv.id, conv.title, conv.messages)
    return turns_along(tree, tree.active_path())

def build_at(path: Path, upto: int) -> None:
    """An older schema (first ``upto`` migrations) with a prompt answered twice."""
    conn = db_at_schema(path, upto)
    conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c1', 't', ?, ?)", (STAMP, STAMP))
    conn.execute("INSERT INTO messages(id, conversation_id, role, content, created_at, updated_at) "
                 "VALUES ('u1', 'c1', 'user', 'q', ?, ?)", (STAMP, STAMP))
    for mid, choice in (("a1", 0), ("a2", 1)):
        conn.execute("INSERT INTO messages(id, conversation_id, role, content, reasoning, state, created_at, "
                     "updated_at, reply_to, choice_index) VALUES (?, 'c1', 'assistant', ?, 'r', 'complete', ?, ?, "
                     "'u1', ?)", (mid, f"answer {mid}", STAMP, STAMP, choice))
    if upto >= 5:  # a file written with the tree: r1-tui links answers to their prompt itself
        conn.execute("UPDATE messages SET parent_id = reply_to")
    conn.close()


@pytest.mark.parametrize("upto", range(1, len(MIGRATIONS)))
def test_selected_alternative_after_migrating_from_every_older_version(tmp_path: Path, upto: int) -> None:
    path = tmp_path / "h.db"
    build_at(path, upto)
    with HistoryStore.open(path) as store:
        assert applied_migrations(store._conn) == list(KNOWN)
        assert "0004_selected_alternative" in KNOWN
        messages = store.get_conversation("c1").messages
        assert [m.selected for m in messages] == [False, False, False]
        assert [m.parent_id for m in messages] == [None, "u1", "u1"]
        assert build_turns(store, "c1")[1] == Turn("assistant", "answer a1")
        store.select_alternative("a2")
        messages = store.get_conversation("c1").messages
        assert [m.selected for m in messages] == [False, False, True]
        assert build_turns(store, "c1")[1] == Turn("assistant", "answer a2")
        store.select_alternative("a1")
        assert [m.selected for m in store.get_conversation("c1").messages] == [False, True, False]


def test_select_alternative_rejects_prompts_and_unknown_ids(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        conv = store.create_conversation("t")
        user = store.add_user_message(conv, "q")
        with pytest.raises(StoreError):
            store.select_alternative(user)
        with pytest.raises(StoreError):
            store.select_alternative("nope")


def test_export_import_keeps_the_selection(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    build_at(path, len(MIGRATIONS))
    with HistoryStore.open(path) as store:
        store.select_alternative("a2")
        data = store.export_conversation("c1")
    assert [m["selected"] for m in data["messages"]] == [False, False, True]
    with HistoryStore.open(tmp_path / "other.db") as other:
        other.import_conversation(data)
        assert other.export_conversation("c1") == data
        del data["messages"][2]["selected"]  # older exports have no "selected"
        data["id"] = "c2"
        for m in data["messages"]:
            m["id"] += "x"
            m["parent_id"] = m["parent_id"] and m["parent_id"] + "x"
        other.import_conversation(data)
        assert not any(m.selected for m in other.get_conversation("c2").messages)


def test_transcript_per_choice_state_and_timing() -> None:
    now = [0.0]
    t = Transcript(clock=lambda: now[0])
    for at, event in [(1.0, Started()), (2.0, ReasoningDelta("r", 0)), (3.0, ReasoningDelta("s", 1)),
                      (5.0, AnswerDelta("a", 0)), (6.0, Finished("stop", 0)), (7.0, AnswerDelta("b", 1)),
                      (8.0, Failed("interrupted", "cut"))]:
        now[0] = at
        t.apply(event)
    assert (t.choice_state(0), t.choice_state(1), t.state) == ("complete", "interrupted", "interrupted")
    assert (t.choice_first_token_s(0), t.choice_first_token_s(1)) == (2.0, 3.0)
    assert (t.choice_reasoning_s(0), t.choice_reasoning_s(1)) == (3.0, 4.0)
    t2 = Transcript(clock=lambda: 0.0)
    t2.apply(Finished("content_filter", 0))
    t2.stop()
    assert t2.choice_state(0) == "filtered" and t2.choice_state(1) == "stopped"
    t3 = Transcript(clock=lambda: 0.0)
    t3.apply(AnswerDelta("partial", 0))
    assert t3.choice_state(0) == "streaming" and t3.final_state(0) == "interrupted"  # the one place that decides
