"""Migration 0005's data step: messages stored before the tree are linked into it (each answer under
its prompt, each prompt under the answer the follow-up was sent with)."""

from __future__ import annotations

import sqlite3

import pytest

from tui.store.opening import memory_db
from tui.store.tree_backfill import backfill_parents


@pytest.fixture
def conn():  # type: ignore[no-untyped-def]
    c = memory_db()
    for cid in ("c1", "c2"):
        c.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES (?, 't', 'x', 'x')", (cid,))
    yield c
    c.close()


def add(conn: sqlite3.Connection, mid: str, role: str, *, conv: str = "c1", reply_to: str | None = None,
        choice: int = 0, created: str = "2026-01-01", selected: int = 0, state: str = "complete",
        content: str = "text") -> None:
    conn.execute("INSERT INTO messages(id, conversation_id, role, reply_to, choice_index, created_at, updated_at, "
                 "selected, state, content, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'stale')",
                 (mid, conv, role, reply_to, choice, created, created, selected, state, content))


def parents(conn: sqlite3.Connection) -> dict[str, str | None]:
    return dict(conn.execute("SELECT id, parent_id FROM messages ORDER BY seq"))


def test_answers_hang_under_their_prompt_and_prompts_under_the_chosen_answer(conn: sqlite3.Connection) -> None:
    add(conn, "u1", "user")
    add(conn, "a1", "assistant", reply_to="u1", choice=0)
    add(conn, "a2", "assistant", reply_to="u1", choice=1, selected=1)  # the user picked this one
    add(conn, "u2", "user")
    add(conn, "b1", "assistant", reply_to="u2")
    add(conn, "u3", "user")
    backfill_parents(conn)
    assert parents(conn) == {"u1": None, "a1": "u1", "a2": "u1", "u2": "a2", "b1": "u2", "u3": "b1"}


def test_without_a_selection_the_first_usable_answer_by_choice_then_time(conn: sqlite3.Connection) -> None:
    add(conn, "u1", "user")
    add(conn, "late", "assistant", reply_to="u1", choice=1, created="2026-01-01")
    add(conn, "failed", "assistant", reply_to="u1", choice=0, created="2026-01-01", state="failed")
    add(conn, "blank", "assistant", reply_to="u1", choice=0, created="2026-01-02", content="   ")
    add(conn, "good", "assistant", reply_to="u1", choice=0, created="2026-01-03")
    add(conn, "u2", "user")
    backfill_parents(conn)
    assert parents(conn)["u2"] == "good"


def test_the_first_answer_when_none_is_usable_and_ties_by_storage_order(conn: sqlite3.Connection) -> None:
    add(conn, "u1", "user")
    add(conn, "x2", "assistant", reply_to="u1", choice=0, state="failed")
    add(conn, "x1", "assistant", reply_to="u1", choice=0, state="failed")  # same choice and time: stored later
    add(conn, "u2", "user")
    backfill_parents(conn)
    assert parents(conn)["u2"] == "x2"


def test_a_prompt_without_answers_is_the_next_prompts_parent(conn: sqlite3.Connection) -> None:
    add(conn, "u1", "user")
    add(conn, "u2", "user")
    add(conn, "orphan", "assistant", reply_to=None)
    backfill_parents(conn)
    assert parents(conn) == {"u1": None, "u2": "u1", "orphan": None}


def test_conversations_are_linked_separately_and_one_can_be_done_alone(conn: sqlite3.Connection) -> None:
    add(conn, "u1", "user")
    add(conn, "v1", "user", conv="c2")
    add(conn, "u2", "user")
    add(conn, "v2", "user", conv="c2")
    backfill_parents(conn, "c2")
    assert parents(conn) == {"u1": "stale", "v1": None, "u2": "stale", "v2": "v1"}
    backfill_parents(conn)
    assert parents(conn) == {"u1": None, "v1": None, "u2": "u1", "v2": "v1"}
